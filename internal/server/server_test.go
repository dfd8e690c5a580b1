package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func newTestHandler(t *testing.T, rt Routes) (http.Handler, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	if rt.Ready == nil {
		rt.Ready = func(context.Context) error { return nil }
	}
	return Handler(slog.New(slog.NewJSONHandler(&logs, nil)), prometheus.NewRegistry(), rt), &logs
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h, logs := newTestHandler(t, Routes{Webhooks: map[string]http.Handler{
		"POST /slow": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-release
			io.WriteString(w, "done")
		}),
	}})
	srv := New(slog.New(slog.NewJSONHandler(logs, nil)), h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln, 10*time.Second) }()

	got := make(chan string, 1)
	go func() {
		res, err := http.Post("http://"+ln.Addr().String()+"/slow", "text/plain", nil)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel() // SIGTERM arrives while the request is in flight
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v before the in-flight request finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if body := <-got; body != "done" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v", err)
	}
}

func TestPanicsBecome500(t *testing.T) {
	h, logs := newTestHandler(t, Routes{Webhooks: map[string]http.Handler{
		"POST /boom": http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("kaboom") }),
	}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/boom", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "kaboom") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "kaboom") {
		t.Fatal("the panic was not logged")
	}
}

func TestReadiness(t *testing.T) {
	ready := errors.New("migrations not applied yet")
	h, _ := newTestHandler(t, Routes{Ready: func(context.Context) error { return ready }})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "migrations") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	ready = nil
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("healthz %d", rec.Code)
	}
}

func TestRequestIDsAndLogsWithoutPaths(t *testing.T) {
	h, logs := newTestHandler(t, Routes{Webhooks: map[string]http.Handler{
		"GET /patients/{phone}": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}),
	}})
	req := httptest.NewRequest(http.MethodGet, "/patients/+15550100123?dob=1980-01-01", nil)
	req.Header.Set(RequestIDHeader, "abc-123")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Header().Get(RequestIDHeader) != "abc-123" {
		t.Fatalf("request id %q", rec.Header().Get(RequestIDHeader))
	}
	if !strings.Contains(logs.String(), `"request_id"`) && !strings.Contains(logs.String(), "route") {
		t.Fatalf("log: %s", logs)
	}
	for _, leak := range []string{"15550100123", "1980-01-01"} {
		if strings.Contains(logs.String(), leak) {
			t.Fatalf("log carries %q: %s", leak, logs)
		}
	}
	req = httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set(RequestIDHeader, "bad id with spaces")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if id := rec.Header().Get(RequestIDHeader); id == "" || strings.Contains(id, " ") {
		t.Fatalf("unsafe request id passed through: %q", id)
	}
}

func TestBodyLimit(t *testing.T) {
	h, _ := newTestHandler(t, Routes{Webhooks: map[string]http.Handler{
		"POST /hook": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := io.ReadAll(r.Body); err != nil {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			}
		}),
	}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(make([]byte, webhookBodyLimit+1))))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d", rec.Code)
	}
}

func TestMetrics(t *testing.T) {
	h, _ := newTestHandler(t, Routes{})
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`frontdesk_http_requests_total{method="GET",route="GET /healthz",status="200"} 3`,
		`frontdesk_http_request_duration_seconds_bucket{method="GET",route="GET /healthz"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
