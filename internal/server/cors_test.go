package server_test

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

const dashboard = "https://app.example.com"

func corsEnv(t *testing.T, origins ...string) *graphtest.Env {
	return graphtest.New(t, dbtest.Open(t), graphtest.WithConfig(func(c *config.Config) { c.CORSOrigins = origins }))
}

// preflight sends what a browser sends before a cross-origin request that
// carries a bearer token and a practice.
func preflight(t *testing.T, env *graphtest.Env, path, origin, method string) *http.Response {
	t.Helper()
	res := env.Request(t, nil, http.MethodOptions, path, http.Header{
		"Origin":                         {origin},
		"Access-Control-Request-Method":  {method},
		"Access-Control-Request-Headers": {"authorization,content-type,x-practice-id"},
	})
	res.Body.Close()
	return res
}

func corsHeaders(h http.Header) []string {
	var out []string
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// A listed origin's preflight, for /graphql and the exports, is answered
// before sign-in: 204, its exact origin, the method and headers asked for,
// credentials, a max age, and Vary: Origin.
func TestPreflightFromAListedOrigin(t *testing.T) {
	env := corsEnv(t, dashboard)
	for _, tc := range []struct{ path, method string }{
		{"/graphql", http.MethodPost},
		{"/exports/calls.csv?from=2026-01-01&to=2026-01-31", http.MethodGet},
		{"/exports/appointments.csv", http.MethodGet},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := preflight(t, env, tc.path, dashboard, tc.method)
			h := res.Header
			if res.StatusCode != http.StatusNoContent {
				t.Fatalf("status %d, want 204", res.StatusCode)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != dashboard {
				t.Errorf("Allow-Origin = %q, want the exact origin", got)
			}
			if got := h.Get("Access-Control-Allow-Methods"); got != tc.method {
				t.Errorf("Allow-Methods = %q", got)
			}
			allowHeaders := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
			for _, want := range []string{"authorization", "content-type", "x-practice-id"} {
				if !strings.Contains(allowHeaders, want) {
					t.Errorf("Allow-Headers = %q lacks %s", allowHeaders, want)
				}
			}
			if h.Get("Access-Control-Allow-Credentials") != "true" || h.Get("Access-Control-Max-Age") != "600" {
				t.Errorf("credentials %q, max age %q", h.Get("Access-Control-Allow-Credentials"), h.Get("Access-Control-Max-Age"))
			}
			if !variesByOrigin(h) {
				t.Errorf("Vary = %q", h.Values("Vary"))
			}
		})
	}
}

// Another origin, a header the API does not read, or no origins configured:
// no CORS headers, so the browser keeps the answer from the page.
func TestPreflightRefused(t *testing.T) {
	listed := corsEnv(t, dashboard)
	if res := preflight(t, listed, "/graphql", "https://evil.example", http.MethodPost); len(corsHeaders(res.Header)) > 0 {
		t.Errorf("unknown origin got %q", corsHeaders(res.Header))
	}
	if res := preflight(t, listed, "/graphql", dashboard+".evil.example", http.MethodPost); len(corsHeaders(res.Header)) > 0 {
		t.Errorf("origin with the listed one as prefix got %q", corsHeaders(res.Header))
	}
	res := listed.Request(t, nil, http.MethodOptions, "/graphql", http.Header{
		"Origin": {dashboard}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"x-unknown"},
	})
	res.Body.Close()
	if len(corsHeaders(res.Header)) > 0 {
		t.Errorf("unread header got %q", corsHeaders(res.Header))
	}
	none := corsEnv(t)
	if res := preflight(t, none, "/graphql", dashboard, http.MethodPost); len(corsHeaders(res.Header)) > 0 {
		t.Errorf("no origins configured, got %q", corsHeaders(res.Header))
	}
}

// The request after the preflight, as a browser's fetch sends it: the
// listed origin may read the answer (and the export's file name); another
// origin's request is still served, but without CORS headers.
func TestBrowserRequests(t *testing.T) {
	env := corsEnv(t, dashboard)
	ann := &graphtest.User{User: authtest.User{Subject: "ann", Email: "ann@example.com"}}
	var created struct{ CreatePractice struct{ ID string } }
	env.MustDo(t, ann, `mutation { createPractice(input: {name: "CORS Dental", timeZone: "America/Chicago"}) { id } }`, nil, &created)

	for _, origin := range []string{dashboard, "https://evil.example"} {
		req, _ := http.NewRequest(http.MethodPost, env.GraphQLURL, bytes.NewReader([]byte(`{"query":"{ viewer { subject } }"}`)))
		req.Header.Set("Origin", origin)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+env.Token(*ann))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"ann"`)) {
			t.Fatalf("%s: status %d: %s", origin, res.StatusCode, body)
		}
		got := res.Header.Get("Access-Control-Allow-Origin")
		if origin == dashboard && (got != dashboard || res.Header.Get("Access-Control-Allow-Credentials") != "true") {
			t.Errorf("listed origin: Allow-Origin %q, credentials %q", got, res.Header.Get("Access-Control-Allow-Credentials"))
		}
		if origin != dashboard && len(corsHeaders(res.Header)) > 0 {
			t.Errorf("unknown origin got %q", corsHeaders(res.Header))
		}
		if !variesByOrigin(res.Header) {
			t.Errorf("%s: Vary = %q", origin, res.Header.Values("Vary"))
		}
	}

	res := env.Request(t, ann, http.MethodGet, "/exports/calls.csv?from=2026-01-01&to=2026-01-31", http.Header{"Origin": {dashboard}})
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != dashboard {
		t.Fatalf("export: status %d, Allow-Origin %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
	if exposed := res.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, "Content-Disposition") {
		t.Errorf("Expose-Headers = %q: the page cannot read the file name", exposed)
	}
}

// variesByOrigin: caches must key the answer on Origin.
func variesByOrigin(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for _, name := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(name), "Origin") {
				return true
			}
		}
	}
	return false
}
