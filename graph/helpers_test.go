package graph_test

import (
	"encoding/json"
	"net/http"
)

func decode(res *http.Response, v any) error { return json.NewDecoder(res.Body).Decode(v) }

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
