package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/graph"
	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// heapPeak samples the heap in use while fn runs and returns how far it grew.
func heapPeak(fn func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

// TestOneRequestCannotTakeTheMachine is the reported attack: thousands of
// aliases of a ten-year availability question with huge result counts, in
// one signed-in request. It is refused before it runs, whichever way it is
// written, and the server's heap stays far from the 512 MB it may use.
func TestOneRequestCannotTakeTheMachine(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	env := graphtest.New(t, dbtest.Open(t), graphtest.WithClock(clk))
	ann := user("ann", "ann@example.com")
	mirrored(t, env, ann, clk)

	aliases := func(n int, input func(i int) string) string {
		var q strings.Builder
		q.WriteString("{")
		for i := range n {
			fmt.Fprintf(&q, " a%d: availability(input: %s) { slots { id start } nextAvailable { id } }", i, input(i))
		}
		q.WriteString(" }")
		return q.String()
	}
	tenYears := func(i int) string {
		return fmt.Sprintf(`{from: "2026-12-01", to: "2036-12-01", maxResults: %d}`, 100000+i)
	}
	var byVariable strings.Builder
	byVariable.WriteString("query($in: AvailabilityInput!) {")
	for i := range 600 {
		fmt.Fprintf(&byVariable, " a%d: availability(input: $in) { slots { id } }", i)
	}
	byVariable.WriteString(" }")

	for _, tt := range []struct {
		name, query string
		vars        map[string]any
		code        string
	}{
		{"2,400 aliases as reported", aliases(2400, tenYears), nil, "GRAPHQL_PARSE_FAILED"},
		{"200 aliases", aliases(200, tenYears), nil, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"200 aliases of the largest answer", aliases(200, func(int) string { return fmt.Sprintf(`{maxResults: %d}`, booking.MaxResultsLimit) }), nil, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"600 aliases of one variable", byVariable.String(), map[string]any{"in": map[string]any{"from": "2026-12-01", "to": "2036-12-01", "maxResults": 100000}}, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"one ten-year question", aliases(1, func(int) string { return `{from: "2026-12-01", to: "2036-12-01"}` }), nil, "INVALID"},
		{"one question for too many results", aliases(1, func(int) string { return fmt.Sprintf(`{maxResults: %d}`, booking.MaxResultsLimit+1) }), nil, "INVALID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r *graphtest.Response
			grew := heapPeak(func() { r = env.Do(t, ann, tt.query, tt.vars) })
			if r.Code() != tt.code || len(r.Data) > 0 && string(r.Data) != "null" && tt.code != "INVALID" {
				t.Fatalf("status %d, code %s, want %s: %+v", r.Status, r.Code(), tt.code, r.Errors)
			}
			if grew > 512<<20 {
				t.Fatalf("the heap grew by %d MB", grew>>20)
			}
		})
	}
}

// TestRequestDeadlineCancelsResolvers: once a request's deadline has
// passed, no resolver runs; the request is answered at once, UNAVAILABLE.
func TestRequestDeadlineCancelsResolvers(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	env := graphtest.New(t, dbtest.Open(t), graphtest.WithClock(clk), graphtest.WithRequestTimeout(time.Nanosecond))
	ann := user("ann", "ann@example.com")
	r := env.Do(t, ann, `{ a: viewer { subject } b: availability(input: {}) { slots { id } } }`, nil)
	if len(r.Errors) == 0 {
		t.Fatalf("answered past the deadline: %s", r.Data)
	}
	for _, e := range r.Errors {
		if e.Extensions["code"] != "UNAVAILABLE" {
			t.Fatalf("errors %+v", r.Errors)
		}
	}
}

// TestNestedConnectionsArePaged: a patient's appointments asked for
// without first come a page at a time, as every top-level connection does;
// a page larger than the limit is refused before it runs.
func TestNestedConnectionsArePaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
		env := graphtest.New(t, db, graphtest.WithClock(clk))
		ann := user("ann", "ann@example.com")
		id := mirrored(t, env, ann, clk)
		sys := tenant.System(context.Background(), id)
		p := env.DB.Client(sys).Patient.Query().FirstX(sys)
		start := time.Date(2027, 1, 4, 14, 0, 0, 0, time.UTC)
		for i := range 70 {
			s := start.Add(time.Duration(i) * 24 * time.Hour)
			env.DB.Client(sys).Appointment.Create().SetPracticeID(id).SetPatientID(p.ID).SetStartAt(s).SetEndAt(s.Add(30 * time.Minute)).SaveX(sys)
		}

		var out struct {
			Patients struct {
				Edges []struct {
					Node struct {
						Appointments struct {
							TotalCount int
							PageInfo   struct{ HasNextPage bool }
							Edges      []struct{ Node struct{ ID string } }
						}
					}
				}
			}
		}
		for _, query := range []string{
			`query($id: ID!) { patients(first: 1, where: {id: $id}) { edges { node { appointments { totalCount pageInfo { hasNextPage } edges { node { id } } } } } } }`,
			`query($id: ID!) { patients(first: 1, where: {id: $id}) { edges { node { ...A } } } } fragment A on Patient { appointments { totalCount pageInfo { hasNextPage } edges { node { id } } } }`,
		} {
			env.MustDo(t, ann, query, map[string]any{"id": p.ID}, &out)
			got := out.Patients.Edges[0].Node.Appointments
			if got.TotalCount < 70 || len(got.Edges) != 50 || !got.PageInfo.HasNextPage {
				t.Fatalf("%d of %d appointments on the page (next page: %v)", len(got.Edges), got.TotalCount, got.PageInfo.HasNextPage)
			}
		}

		for _, tt := range []struct {
			name, query string
			vars        map[string]any
			code        string
		}{
			{"nested page over the limit", `{ patients(first: 1) { edges { node { appointments(first: 100000) { edges { node { id } } } } } } }`, nil, "INVALID"},
			{"nested page sized by a null variable", `query($n: Int) { patients(first: 1) { edges { node { appointments(first: $n) { edges { node { id } } } } } } }`, map[string]any{"n": nil}, "INVALID"},
			{"top-level page over the limit", `{ patients(first: 501) { edges { node { id } } } }`, nil, "INVALID"},
			{"pages that multiply past the complexity limit", `{ patients(first: 500) { edges { node { appointments(first: 500) { edges { node { id startAt } } } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED"},
		} {
			if r := env.Do(t, ann, tt.query, tt.vars); r.Code() != tt.code {
				t.Errorf("%s: code %s, want %s: %+v", tt.name, r.Code(), tt.code, r.Errors)
			}
		}
	})
}

// TestBadRequestsAreClientErrors: what is not one GraphQL request is a
// 4xx with a code, never a panic or an INTERNAL; every error the API
// answers carries a code.
func TestBadRequestsAreClientErrors(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	token := env.Token(*ann)
	mustCreate(t, env, ann, "Bright Smile Dental")
	big := `{"query":"{ viewer { subject } }","variables":{"x":"` + strings.Repeat("a", graph.MaxBodyBytes) + `"}}`
	query := `{ viewer { subject } }`
	sum := sha256.Sum256([]byte(`{ other }`))
	apq := fmt.Sprintf(`{"query":%q,"extensions":{"persistedQuery":{"version":1,"sha256Hash":%q}}}`, query, hex.EncodeToString(sum[:]))

	for _, tt := range []struct {
		name, method, contentType, body, rawQuery string
		status                                    int
		code                                      string
	}{
		{"malformed JSON", "POST", "application/json", `{"query": `, "", 400, graph.CodeBadRequest},
		{"query is a number", "POST", "application/json", `{"query": 1}`, "", 400, graph.CodeBadRequest},
		{"variables are a list", "POST", "application/json", `{"query": "{ viewer { subject } }", "variables": [1]}`, "", 400, graph.CodeBadRequest},
		{"a batch", "POST", "application/json", `[{"query":"{ viewer { subject } }"},{"query":"{ viewer { subject } }"}]`, "", 400, graph.CodeBadRequest},
		{"invalid UTF-8", "POST", "application/json", "{\"query\":\"{ viewer { subject \xff } }\"}", "", 400, graph.CodeBadRequest},
		{"two JSON values", "POST", "application/json", `{"query":"{ viewer { subject } }"} {}`, "", 400, graph.CodeBadRequest},
		{"a body over the limit", "POST", "application/json", big, "", 413, graph.CodeBadRequest},
		{"not JSON at all", "POST", "text/plain", query, "", 415, graph.CodeBadRequest},
		{"another method", "PUT", "application/json", `{"query":"{ viewer { subject } }"}`, "", 405, graph.CodeBadRequest},
		{"GraphQL syntax", "POST", "application/json", `{"query":"{ viewer { "}`, "", 422, "GRAPHQL_PARSE_FAILED"},
		{"no query", "POST", "application/json", `{}`, "", 422, "GRAPHQL_VALIDATION_FAILED"},
		{"APQ hash mismatch", "POST", "application/json", apq, "", 200, graph.CodeBadRequest},
		{"first with last", "POST", "application/json", `{"query":"{ actionItems(first: 1, last: 1) { totalCount } }"}`, "", 200, "INVALID"},
		{"a mutation over GET", "GET", "", "", "query=" + url.QueryEscape(`mutation { createPractice(input: {name: "X", timeZone: "UTC"}) { id } }`), 422, graph.CodeBadRequest},
		{"GET variables not JSON", "GET", "", "", "query=" + url.QueryEscape(query) + "&variables=%7B", 400, graph.CodeBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, env.GraphQLURL+"?"+tt.rawQuery, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			var out graphtest.Response
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("status %d, not JSON: %.300s", res.StatusCode, body)
			}
			if res.StatusCode != tt.status || out.Code() != tt.code {
				t.Fatalf("status %d code %s, want %d %s: %.300s", res.StatusCode, out.Code(), tt.status, tt.code, body)
			}
			for _, e := range out.Errors {
				if e.Extensions["code"] == nil || e.Extensions["code"] == "INTERNAL" {
					t.Fatalf("error without a client code: %.300s", body)
				}
			}
			if len(body) > 2000 {
				t.Fatalf("the answer echoes the request: %d bytes", len(body))
			}
		})
	}
}

// TestInputSizesAreBounded: what a caller types is bounded everywhere:
// text by field, lists, and the filter trees SQL is built from, each
// refused as INVALID naming the field before anything runs.
func TestInputSizesAreBounded(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	id := mustCreate(t, env, ann, "Bright Smile Dental")
	ann = in(ann, id)

	ors := make([]any, 20000)
	for i := range ors {
		ors[i] = map[string]any{"firstName": fmt.Sprint("x", i)}
	}
	nested := map[string]any{"firstName": "x"}
	for range graph.MaxWhereTerms {
		nested = map[string]any{"not": nested}
	}
	closures := make([]any, graph.MaxListItems+1)
	for i := range closures {
		closures[i] = "2027-01-01"
	}
	long := func(n int) string { return strings.Repeat("é", n) }

	for _, tt := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"a 250,000-character search", `query($s: String) { patients(search: {name: $s}) { totalCount } }`, map[string]any{"s": long(250000)}, "search.name"},
		{"a search just over the limit", `query($s: String) { patients(search: {name: $s}) { totalCount } }`, map[string]any{"s": long(graph.MaxShortText + 1)}, "search.name"},
		{"20,000 or terms", `query($w: PatientWhereInput) { patients(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"or": ors}}, "where.or"},
		{"a deep filter", `query($w: PatientWhereInput) { patients(where: $w) { totalCount } }`, map[string]any{"w": nested}, "where.not"},
		{"a long filter value", `query($s: String) { patients(where: {firstNameContains: $s}) { totalCount } }`, map[string]any{"s": long(graph.MaxShortText + 1)}, "where.firstNameContains"},
		{"a practice name", `mutation($s: String) { updatePractice(input: {name: $s}) { id } }`, map[string]any{"s": long(graph.MaxShortText + 1)}, "input.name"},
		{"too many closures", `mutation($c: [String!]) { updatePractice(input: {closures: $c}) { id } }`, map[string]any{"c": closures}, "input.closures"},
		{"a long reason", `mutation($r: String) { cancelAppointment(id: "x", reason: $r) { id } }`, map[string]any{"r": long(graph.MaxLongText + 1)}, "reason"},
		{"a long note", `mutation($n: String) { resolveActionItem(id: "x", note: $n) { id } }`, map[string]any{"n": long(graph.MaxLongText + 1)}, "note"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := env.Do(t, ann, tt.query, tt.vars)
			if r.Code() != "INVALID" || !strings.HasPrefix(r.Errors[0].Message, tt.field) {
				t.Fatalf("code %s: %+v", r.Code(), r.Errors)
			}
			if len(r.Errors[0].Message) > 200 {
				t.Fatalf("the error echoes the input: %.200s", r.Errors[0].Message)
			}
		})
	}

	// At the limits, the same requests run.
	at := map[string]any{"s": long(graph.MaxShortText)}
	env.MustDo(t, ann, `query($s: String) { patients(search: {name: $s}) { totalCount } }`, at, nil)
	var w bytes.Buffer
	w.WriteString(`{ patients(where: {or: [`)
	for i := range graph.MaxWhereTerms - 1 {
		fmt.Fprintf(&w, `{firstName: "x%d"} `, i)
	}
	w.WriteString(`]}) { totalCount } }`)
	env.MustDo(t, ann, w.String(), nil, nil)
}

// TestMachineTokensAreRefused: a Cognito client-credentials token is the
// app client itself, not a person: 401 with the reason.
func TestMachineTokensAreRefused(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	for name, token := range map[string]string{
		"client credentials, the app's own client": env.Issuer.MachineToken(authtest.ClientID, "frontdesk/read"),
		"client credentials with every scope":      env.Issuer.MachineToken(authtest.ClientID, "frontdesk/read", "frontdesk/write", "aws.cognito.signin.user.admin"),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := http.DefaultClient.Do(mustRequest(t, env.GraphQLURL, token))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out graphtest.Response
			if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusUnauthorized || out.Code() != "UNAUTHENTICATED" || out.Errors[0].Message != auth.MachineTokenReason {
				t.Fatalf("status %d: %+v", res.StatusCode, out.Errors)
			}
			if !strings.Contains(res.Header.Get("WWW-Authenticate"), "machine tokens") {
				t.Fatalf("WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}
}
