package graph_test

import (
	"encoding/json"
	"net/http"
)

func decode(res *http.Response, v any) error { return json.NewDecoder(res.Body).Decode(v) }
