// Package graphtest runs the API in-process for tests: the app serve runs
// (internal/app: every route behind the server's middleware), signed in
// through a local OIDC issuer that signs Cognito-shaped tokens, on a real
// database.
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

	"github.com/frontdesk/frontdesk/internal/app"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// AdminGroup is the admin group of the test server.
const AdminGroup = "admin"

// Env is a running API.
type Env struct {
	DB     *database.DB
	Box    *secrets.Box
	Issuer *authtest.Issuer
	App    *app.App
	Server *httptest.Server
	// GraphQLURL is the GraphQL endpoint, Server.URL + "/graphql".
	GraphQLURL string
}

// Option changes the API under test.
type Option func(*options)

type options struct {
	clock   clock.Clock
	app     []app.Option
	timeout time.Duration
	config  []func(*config.Config)
}

// WithConfig changes the configuration the app is built from (browser
// origins, dev mode).
func WithConfig(f func(*config.Config)) Option {
	return func(o *options) { o.config = append(o.config, f) }
}

// WithVapi gives provisioning and call control a Vapi (fake) through client.
func WithVapi(client *vapi.Client) Option {
	return func(o *options) { o.app = append(o.app, app.WithVapi(client)) }
}

// WithSikka connects the API to a Sikka (fake) through client.
func WithSikka(client *sikka.Client) Option {
	return func(o *options) { o.app = append(o.app, app.WithSikka(client)) }
}

// WithClock gives the services, and the token verifier, a clock; tokens
// are issued by it too.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithRequestTimeout gives each request that deadline.
func WithRequestTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// New starts the API on db (migrated). Jobs are enqueued but not worked.
func New(t testing.TB, db *database.DB, opts ...Option) *Env {
	t.Helper()
	o := options{clock: clock.Real{}, timeout: config.DefaultRequestTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	iss := authtest.New(t)
	key, err := secrets.ParseKey(secrets.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{
		PublicURL:         "https://frontdesk.example",
		SecretKey:         key,
		CognitoIssuer:     iss.URL,
		CognitoClientID:   authtest.ClientID,
		AdminGroup:        AdminGroup,
		VapiWebhookSecret: "test-webhook-secret",
		RequestTimeout:    o.timeout,
	}
	for _, f := range o.config {
		f(cfg)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	a, err := app.New(context.Background(), cfg, append([]app.Option{app.WithDB(db), app.WithLogger(log), app.WithClock(o.clock)}, o.app...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &Env{DB: db, Box: a.Box, Issuer: iss, App: a, Server: srv, GraphQLURL: srv.URL + "/graphql"}
}

// User is someone who signs in.
type User struct {
	authtest.User
	// Practice is sent as X-Practice-ID when set.
	Practice string
	// Access signs in with an access token instead of an ID token.
	Access bool
}

// Token returns a bearer token for u, issued at the API's clock's now.
func (e *Env) Token(u User) string {
	now := e.App.Clock.Now()
	at := map[string]any{"iat": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if u.Access {
		return e.Issuer.AccessToken(u.User, at)
	}
	return e.Issuer.IDToken(u.User, at)
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
	req, _ := http.NewRequest(http.MethodPost, e.GraphQLURL, bytes.NewReader(body))
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

// Request sends method path (on the server, such as
// "/exports/calls.csv?from=…") as u (nil: no Authorization header), with
// header added; the caller closes the body.
func (e *Env) Request(t testing.TB, u *User, method, path string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.Server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
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
	return res
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
