package graphiql

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/internal/browsertest"
)

// helloIntrospection is the introspection result of `type Query { hello: String }`.
const helloIntrospection = `{"data":{"__schema":{
	"description":null,
	"queryType":{"name":"Query","kind":"OBJECT"},
	"mutationType":null,
	"subscriptionType":null,
	"types":[
		{"kind":"OBJECT","name":"Query","description":null,"specifiedByURL":null,"isOneOf":null,
		 "fields":[{"name":"hello","description":null,"args":[],
		            "type":{"kind":"SCALAR","name":"String","ofType":null},
		            "isDeprecated":false,"deprecationReason":null}],
		 "inputFields":null,"interfaces":[],"enumValues":null,"possibleTypes":null},
		{"kind":"SCALAR","name":"String","description":null,"specifiedByURL":null,"isOneOf":null,
		 "fields":null,"inputFields":null,"interfaces":null,"enumValues":null,"possibleTypes":null}
	],
	"directives":[]
}}}`

// helloServer answers GraphiQL's introspection query and `{ hello }` for
// the schema above, and records what arrived.
type helloServer struct {
	introspected chan struct{}
	once         sync.Once

	mu    sync.Mutex
	calls []helloCall
}

type helloCall struct {
	operation     string
	authorization string
}

func (s *helloServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	call := helloCall{authorization: r.Header.Get("Authorization")}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.Contains(req.Query, "__schema"):
		call.operation = "introspection"
		_, _ = w.Write([]byte(helloIntrospection))
		defer s.once.Do(func() { close(s.introspected) })
	case strings.Join(strings.Fields(uncommented(req.Query)), " ") == "{ hello }":
		call.operation = "hello"
		_, _ = w.Write([]byte(`{"data":{"hello":"world"}}`))
	default:
		call.operation = "unexpected: " + req.Query
		_, _ = w.Write([]byte(`{"errors":[{"message":"unexpected query"}]}`))
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
}

// uncommented drops a query's comment lines.
func uncommented(query string) string {
	var keep []string
	for _, line := range strings.Split(query, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func (s *helloServer) recorded() []helloCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]helloCall(nil), s.calls...)
}

const (
	queryEditor  = `document.querySelector('.graphiql-query-editor .CodeMirror')`
	resultEditor = `document.querySelector('.graphiql-response .CodeMirror')`
)

// TestGraphiQLRunsAQueryInChromium loads the page and its embedded assets in
// headless Chromium, runs `{ hello }` and reads the answer from the result
// pane, with the page's fetcher header on every request.
func TestGraphiQLRunsAQueryInChromium(t *testing.T) {
	api := &helloServer{introspected: make(chan struct{})}
	var (
		loads   int
		loadsMu sync.Mutex
	)
	token := func(*http.Request) map[string]string {
		loadsMu.Lock()
		defer loadsMu.Unlock()
		loads++
		return map[string]string{"Authorization": fmt.Sprintf("Bearer token-%d", loads)}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", Handler("/graphql", token))
	mux.Handle("GET "+AssetsPrefix, Assets())
	mux.Handle("POST /graphql", api)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := browsertest.Start(t)
	if err := chromedp.Do(p.Context(), chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	p.WaitFor(t, "the query editor", queryEditor+` !== null`, 15*time.Second)
	select {
	case <-api.introspected:
	case <-time.After(15 * time.Second):
		t.Fatal("GraphiQL sent no introspection query")
	}

	if err := chromedp.Do(p.Context(),
		chromedp.Evaluate[chromedp.Void](queryEditor+`.CodeMirror.setValue('{ hello }')`),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
	); err != nil {
		t.Fatalf("run the query: %v", err)
	}
	p.WaitFor(t, "the result pane to show the answer",
		resultEditor+`?.CodeMirror.getValue().includes('"world"')`, 15*time.Second)

	result, err := chromedp.Run(p.Context(), chromedp.Evaluate[string](resultEditor+`.CodeMirror.getValue()`))
	if err != nil {
		t.Fatalf("read the result pane: %v", err)
	}
	var got any
	if err := json.Unmarshal([]byte(result), &got); err != nil {
		t.Fatalf("result pane %q: %v", result, err)
	}
	if want := map[string]any{"data": map[string]any{"hello": "world"}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("result pane %v, want %v", got, want)
	}

	calls := api.recorded()
	ops := map[string]int{}
	for _, c := range calls {
		ops[c.operation]++
		if c.authorization != "Bearer token-1" {
			t.Errorf("%s request: Authorization %q, want the page's %q", c.operation, c.authorization, "Bearer token-1")
		}
	}
	if ops["introspection"] == 0 || ops["hello"] != 1 || len(ops) != 2 {
		t.Errorf("endpoint saw %v, want introspection and one { hello }", ops)
	}
	for _, r := range p.FailedRequests() {
		// Chromium probes /favicon.ico on its own; the page names no icon
		// and this test server has none.
		if r.URL != srv.URL+"/favicon.ico" {
			t.Errorf("failed request: %v", r)
		}
	}
	if r := p.RequestsOutside(srv.URL); len(r) > 0 {
		t.Errorf("requests outside %s: %v", srv.URL, r)
	}
	if e := p.Exceptions(); len(e) > 0 {
		t.Errorf("uncaught exceptions: %v", e)
	}
}

// TestGraphiQLOpensOnTheDefaultQuery: a browser with no saved tabs opens on
// the page's default query, not GraphiQL's welcome comment, and it runs as
// it stands.
func TestGraphiQLOpensOnTheDefaultQuery(t *testing.T) {
	api := &helloServer{introspected: make(chan struct{})}
	const example = "# An example that works: press run.\n{ hello }\n"
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", Handler("/graphql", nil, WithDefaultQuery(example)))
	mux.Handle("GET "+AssetsPrefix, Assets())
	mux.Handle("POST /graphql", api)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := browsertest.Start(t)
	if err := chromedp.Do(p.Context(), chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	p.WaitFor(t, "the query editor", queryEditor+` !== null`, 15*time.Second)
	shown, err := chromedp.Run(p.Context(), chromedp.Evaluate[string](queryEditor+`.CodeMirror.getValue()`))
	if err != nil {
		t.Fatalf("read the query editor: %v", err)
	}
	if shown != example {
		t.Fatalf("the editor opens on %q, want %q", shown, example)
	}
	select {
	case <-api.introspected:
	case <-time.After(15 * time.Second):
		t.Fatal("GraphiQL sent no introspection query")
	}
	if err := chromedp.Do(p.Context(), chromedp.Click(chromedp.CSS(".graphiql-execute-button"))); err != nil {
		t.Fatalf("run the query: %v", err)
	}
	p.WaitFor(t, "the result pane to show the answer",
		resultEditor+`?.CodeMirror.getValue().includes('"world"')`, 15*time.Second)
	if e := p.Exceptions(); len(e) > 0 {
		t.Errorf("uncaught exceptions: %v", e)
	}
}
