package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

// instance is a frontdesk started through run(), as main starts it.
type instance struct {
	URL    string
	env    map[string]string
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func devEnv(t *testing.T) map[string]string {
	dir := t.TempDir()
	return map[string]string{
		"FRONTDESK_DEV":          "1",
		"FRONTDESK_ADDR":         "127.0.0.1:0",
		"FRONTDESK_DATA_DIR":     filepath.Join(dir, "data"),
		"FRONTDESK_DATABASE_URL": "sqlite://" + filepath.Join(dir, "frontdesk.db"),
	}
}

// start runs `frontdesk serve` and waits until it listens and is ready.
func start(t *testing.T, env map[string]string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	in := &instance{env: env, stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := run(ctx, []string{"serve"}, getenv(env), io.MultiWriter(pw, in.stdout), in.stderr)
		pw.Close()
		in.done <- err
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "frontdesk: listening on "); ok {
				addr <- a
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case a := <-addr:
		in.URL = "http://" + a
	case err := <-in.done:
		t.Fatalf("serve exited: %v\nstderr:\n%s", err, in.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start\nstderr:\n%s", in.stderr.String())
	}
	t.Cleanup(func() { in.stop(t) })
	waitReady(t, in.URL)
	return in
}

func (in *instance) stop(t *testing.T) {
	in.cancel()
	select {
	case err := <-in.done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
		in.done <- nil
	case <-time.After(30 * time.Second):
		t.Error("serve did not stop")
	}
}

func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("not ready in time")
}

func getenv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func runCmd(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, getenv(env), &out, &errb)
	return out.String() + errb.String(), err
}

func graphql(t *testing.T, url, token, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out["errors"] != nil {
		t.Fatalf("graphql errors: %v", out["errors"])
	}
	return out["data"].(map[string]any)
}

// TestServeDevMode is the README's first five minutes: serve in dev mode,
// take the printed token, create a practice and read it back.
func TestServeDevMode(t *testing.T) {
	env := devEnv(t)
	in := start(t, env)
	out := in.stdout.String()
	for _, want := range []string{"GraphiQL", "Bright Smile Dental", "prac_demo", "dev-vapi-secret", "Dev token"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	token, err := runCmd(t, env, "dev-token")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)

	data := graphql(t, in.URL, token, `{ practice { id name timeZone } members { email role } }`)
	p := data["practice"].(map[string]any)
	if p["id"] != "prac_demo" || p["name"] != "Bright Smile Dental" || p["timeZone"] != "America/New_York" {
		t.Fatalf("demo practice = %v", p)
	}

	newcomer, _ := runCmd(t, env, "dev-token", "--email", "new@example.com")
	newcomer = strings.TrimSpace(newcomer)
	data = graphql(t, in.URL, newcomer, `mutation { createPractice(input: {name: "Fresh Dental", timeZone: "America/Chicago"}) { id } }`)
	id := data["createPractice"].(map[string]any)["id"].(string)
	data = graphql(t, in.URL, newcomer, `{ practice { id name } }`)
	if got := data["practice"].(map[string]any); got["id"] != id || got["name"] != "Fresh Dental" {
		t.Fatalf("read back %v", got)
	}

	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/": 200, "/dev/oidc/.well-known/openid-configuration": 200, "/nope": 404} {
		res, err := http.Get(in.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
		if path == "/metrics" && !strings.Contains(string(body), `frontdesk_http_requests_total{method="POST",route="POST /graphql",status="200"}`) {
			t.Errorf("metrics lack the GraphQL requests:\n%.2000s", body)
		}
	}
	if strings.Contains(in.stderr.String(), "new@example.com") {
		t.Error("the log carries a user's email")
	}
}

func TestServeRestartKeepsData(t *testing.T) {
	env := devEnv(t)
	in := start(t, env)
	token, _ := runCmd(t, env, "dev-token", "--email", "keep@example.com")
	graphql(t, in.URL, strings.TrimSpace(token), `mutation { createPractice(input: {name: "Kept", timeZone: "UTC"}) { id } }`)
	in.stop(t)

	again := start(t, env)
	data := graphql(t, again.URL, strings.TrimSpace(token), `{ practice { name } }`)
	if data["practice"].(map[string]any)["name"] != "Kept" {
		t.Fatalf("after restart: %v", data)
	}
}

func TestServeRefusesMissingConfiguration(t *testing.T) {
	dir := t.TempDir()
	base := map[string]string{"FRONTDESK_ADDR": "127.0.0.1:0", "FRONTDESK_DATABASE_URL": "sqlite://" + filepath.Join(dir, "x.db")}
	cases := map[string]map[string]string{
		"FRONTDESK_SECRET_KEY": {},
		"COGNITO_ISSUER":       {"FRONTDESK_SECRET_KEY": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="},
		"FRONTDESK_DATABASE_URL": {
			"FRONTDESK_DEV": "1", "FRONTDESK_DATA_DIR": dir, "FRONTDESK_DATABASE_URL": "mysql://nope",
		},
	}
	for want, extra := range cases {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		out, err := runCmd(t, env, "serve")
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("want an error naming %s, got %v (%s)", want, err, out)
		}
	}
}

func TestMigrateCommand(t *testing.T) {
	env := devEnv(t)
	out, err := runCmd(t, env, "migrate")
	if err != nil || !strings.Contains(out, "applied") {
		t.Fatalf("first migrate: %v\n%s", err, out)
	}
	out, err = runCmd(t, env, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %v\n%s", err, out)
	}
}

func TestMigrateCommandOnPostgres(t *testing.T) {
	_, url := dbtest.OpenPostgresSchema(t, "")
	out, err := runCmd(t, map[string]string{"FRONTDESK_DATABASE_URL": url}, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate on an already migrated PostgreSQL schema: %v\n%s", err, out)
	}
}

func TestCommands(t *testing.T) {
	if out, err := runCmd(t, nil, "version"); err != nil || !strings.HasPrefix(out, "frontdesk ") {
		t.Errorf("version: %v %q", err, out)
	}
	if _, err := runCmd(t, nil, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := runCmd(t, nil); err == nil {
		t.Error("no command accepted")
	}
	if _, err := runCmd(t, nil, "dev-token"); err == nil || !strings.Contains(err.Error(), "FRONTDESK_DEV=1") {
		t.Errorf("dev-token outside dev mode: %v", err)
	}
}
