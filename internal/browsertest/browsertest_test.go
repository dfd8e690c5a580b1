package browsertest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestRequestFailed(t *testing.T) {
	tests := []struct {
		name string
		r    Request
		want bool
	}{
		{"ok", Request{Status: 200}, false},
		{"redirect", Request{Status: 302}, false},
		{"not found", Request{Status: 404}, true},
		{"server error", Request{Status: 500}, true},
		{"network error", Request{Error: "net::ERR_NAME_NOT_RESOLVED"}, true},
		{"pending", Request{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Failed(); got != tt.want {
				t.Errorf("Failed() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSameOrigin(t *testing.T) {
	const origin = "http://127.0.0.1:4000"
	tests := []struct {
		url  string
		want bool
	}{
		{"http://127.0.0.1:4000/graphql", true},
		{"ws://127.0.0.1:4000/graphql", true},
		{"http://127.0.0.1:4001/", false},
		{"https://127.0.0.1:4000/", false},
		{"http://localhost:4000/", false},
		{"https://cdn.example.invalid/graphiql.js", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := sameOrigin(u, origin); got != tt.want {
				t.Errorf("sameOrigin(%s, %s) = %v, want %v", tt.url, origin, got, tt.want)
			}
		})
	}
}

// TestStartRecordsRequests loads a page that fetches one local script, one
// missing file and one script from outside, and checks what the page records.
func TestStartRecordsRequests(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><link rel="icon" href="data:,">
<script src="/local.js"></script>
<script src="/missing.js"></script>
<script src="https://cdn.example.invalid/lib.js"></script>
<p id="done">loaded</p>`))
	})
	mux.HandleFunc("GET /local.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		_, _ = w.Write([]byte(`window.localRan = true; setTimeout(() => { throw new Error("boom") }, 0);`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := Start(t)
	if err := chromedp.Do(p.Context(), chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	p.WaitFor(t, "the local script", "window.localRan === true", 10*time.Second)
	p.WaitFor(t, "the page", `document.readyState === "complete"`, 10*time.Second)
	waitUntil(t, "the uncaught exception", func() bool { return len(p.Exceptions()) > 0 })
	waitUntil(t, "both failures", func() bool { return len(p.FailedRequests()) == 2 })

	failed := p.FailedRequests()
	byURL := map[string]Request{}
	for _, r := range failed {
		byURL[r.URL] = r
	}
	if r := byURL[srv.URL+"/missing.js"]; r.Status != http.StatusNotFound {
		t.Errorf("missing.js: %v, want status 404", r)
	}
	if r := byURL["https://cdn.example.invalid/lib.js"]; !strings.Contains(r.Error, "ERR_NAME_NOT_RESOLVED") {
		t.Errorf("external script: %v, want a resolver failure", r)
	}

	outside := p.RequestsOutside(srv.URL)
	if len(outside) != 1 || outside[0].URL != "https://cdn.example.invalid/lib.js" {
		t.Errorf("RequestsOutside = %v, want only the external script", outside)
	}
	urls := make([]string, 0, len(p.Requests()))
	for _, r := range p.Requests() {
		urls = append(urls, r.URL)
	}
	if !slices.Contains(urls, srv.URL+"/local.js") {
		t.Errorf("requests %v: local.js missing", urls)
	}
	if ex := p.Exceptions(); !strings.Contains(ex[0], "boom") {
		t.Errorf("Exceptions = %v, want the thrown error", ex)
	}
}

// waitUntil polls a condition on recorded events, which arrive on chromedp's
// goroutine shortly after the page state a test waited for.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
