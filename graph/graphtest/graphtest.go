// Package graphtest runs the GraphQL API in-process for tests: the real
// handler behind the real sign-in middleware, a local OIDC issuer signing
// Cognito-shaped tokens, and a real database.
package graphtest

import (
	"bytes"
	"context"
	"encoding/json"

	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/graph"
	"github.com/frontdesk/frontdesk/internal/actions"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/pmsconn"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/voice"
	"github.com/frontdesk/frontdesk/internal/writeback"
)

// AdminGroup is the admin group of the test server.
const AdminGroup = "admin"

// Env is a running API.
type Env struct {
	DB       *database.DB
	Box      *secrets.Box
	Issuer   *authtest.Issuer
	Server   *httptest.Server
	Resolver *graph.Resolver
}

// Option changes the API under test.
type Option func(*options)

type options struct {
	sikka   *sikka.Client
	vapi    *voice.Client
	clock   clock.Clock
	timeout time.Duration
}

// WithVapi gives provisioning a Vapi (fake) through client.
func WithVapi(client *voice.Client) Option { return func(o *options) { o.vapi = client } }

// WithSikka connects the API to a Sikka (fake) through client.
func WithSikka(client *sikka.Client) Option { return func(o *options) { o.sikka = client } }

// WithClock gives the services a clock.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithRequestTimeout gives each request that deadline.
func WithRequestTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// New starts the API on db. Jobs are enqueued but not worked.
func New(t testing.TB, db *database.DB, opts ...Option) *Env {
	t.Helper()
	o := options{clock: clock.Real{}}
	for _, opt := range opts {
		opt(&o)
	}
	iss := authtest.New(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	clk := o.clock
	practices := practice.New(db, clk)
	key, _ := secrets.ParseKey(secrets.NewKey())
	box, _ := secrets.New(key)
	queue := &jobs.Queue{}
	workers := river.NewWorkers()
	river.AddWorker(workers, &mirror.Worker{})
	river.AddWorker(workers, &writeback.Worker{})
	if _, err := jobs.New(jobs.Config{DB: db, Logger: log, Workers: workers}, queue); err != nil {
		t.Fatal(err)
	}
	pmsConns := pmsconn.New(pmsconn.Config{DB: db, Box: box, Clock: clk, Queue: queue, Sikka: o.sikka})
	authn := &auth.Authenticator{
		Verifier:   auth.NewVerifier(context.Background(), nil, auth.Issuer{URL: iss.URL, ClientID: authtest.ClientID}),
		Viewers:    practices,
		AdminGroup: AdminGroup,
		Logger:     log,
	}
	bookings := &booking.Service{DB: db, Clock: clk, Queue: queue}
	acts := &actions.Service{DB: db, Clock: clk}
	r := &graph.Resolver{DB: db, Svc: graph.Services{
		Practice: practices,
		PMS:      pmsConns,
		Booking:  bookings,
		Actions:  acts,
		Calls:    &receptionist.Service{DB: db, Clock: clk, Booking: bookings, Actions: acts, Log: log},
		Agent:    agentsetup.New(agentsetup.Config{DB: db, Vapi: o.vapi, PublicURL: "https://frontdesk.example", WebhookSecret: "test-webhook-secret", Clock: clk}),
	}}
	srv := httptest.NewServer(authn.Middleware(graph.NewHandler(graph.Config{Resolver: r, Auth: authn, Logger: log, RequestTimeout: o.timeout})))
	t.Cleanup(srv.Close)
	return &Env{DB: db, Box: box, Issuer: iss, Server: srv, Resolver: r}
}

// User is someone who signs in.
type User struct {
	authtest.User
	// Practice is sent as X-Practice-ID when set.
	Practice string
	// Access signs in with an access token instead of an ID token.
	Access bool
}

// Token returns a bearer token for u.
func (e *Env) Token(u User) string {
	if u.Access {
		return e.Issuer.AccessToken(u.User, nil)
	}
	return e.Issuer.IDToken(u.User, nil)
}

// Response is a GraphQL response.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Code returns the first error's extensions.code, or "".
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Do posts a query as u (nil: no Authorization header).
func (e *Env) Do(t testing.TB, u *User, query string, vars map[string]any) *Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.Server.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+e.Token(*u))
		if u.Practice != "" {
			req.Header.Set(auth.PracticeHeader, u.Practice)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := &Response{Status: res.StatusCode}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("decode response (status %d): %v", res.StatusCode, err)
	}
	return out
}

// MustDo is Do that fails the test on any error and decodes data into v.
func (e *Env) MustDo(t testing.TB, u *User, query string, vars map[string]any, v any) {
	t.Helper()
	r := e.Do(t, u, query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("query failed (status %d): %+v", r.Status, r.Errors)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatal(err)
		}
	}
}

// testWriter sends the server's log to the test's, shown when it fails.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}
