package graphtest_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/server"
)

// TestServesWhatProductionServes: the API under test is the app serve
// runs, behind the same middleware: request ids, body limits, metrics, and
// the other routes beside /graphql.
func TestServesWhatProductionServes(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := &graphtest.User{User: authtest.User{Subject: "ann", Email: "ann@example.com"}}
	env.MustDo(t, ann, `{ viewer { subject } }`, nil, nil)

	req, _ := http.NewRequest(http.MethodPost, env.GraphQLURL, strings.NewReader(`{"query":"{ viewer { subject } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+env.Token(*ann))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get(server.RequestIDHeader) == "" {
		t.Error("no request id: the server's middleware is not in front of the API")
	}

	huge := bytes.Repeat([]byte(" "), 2<<20)
	res, err = http.Post(env.GraphQLURL, "application/json", bytes.NewReader(huge))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Error("a 2 MB body was accepted: no body limit")
	}

	res, err = http.Get(env.Server.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := `frontdesk_http_requests_total{method="POST",route="POST /graphql",status="200"} 2`; !strings.Contains(string(body), want) {
		t.Errorf("metrics lack %s", want)
	}
	for path, want := range map[string]int{"/healthz": 200, "/": 200} {
		res, err := http.Get(env.Server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
	}
}
