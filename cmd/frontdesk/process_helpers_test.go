package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The process tests run the real binary, built once per test run.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// frontdeskBinary builds `frontdesk` from this package, once.
func frontdeskBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the tests that build and run the frontdesk binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "frontdesk-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "frontdesk")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// environ is the child's whole environment: env and nothing of ours but
// PATH, HOME and TMPDIR, so a developer's FRONTDESK_* or SIKKA_* settings
// cannot leak in.
func environ(env map[string]string) []string {
	var out []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// proc is a `frontdesk serve` child process.
type proc struct {
	name   string
	URL    string
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	exited chan struct{}
	err    error // what Wait returned; read after exited is closed
}

// startServe starts `frontdesk serve` with env and waits until it listens
// and is ready. The process is killed when the test ends, whatever happens.
func startServe(t *testing.T, name string, env map[string]string) *proc {
	t.Helper()
	bin := frontdeskBinary(t)
	p := &proc{name: name, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	listening := make(chan string, 1)
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = environ(env)
	p.cmd.Stdout = &lineWatch{buf: p.stdout, prefix: "frontdesk: listening on ", found: listening}
	p.cmd.Stderr = p.stderr
	setDeathSignal(p.cmd)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("%s: start: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.kill)
	select {
	case addr := <-listening:
		p.URL = "http://" + addr
	case <-p.exited:
		t.Fatalf("%s exited at start: %v%s", name, p.err, p.logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not listen within 60s%s", name, p.logs())
	}
	waitUntil(t, name+" ready", 30*time.Second, func() (bool, string) {
		res, err := httpClient.Get(p.URL + "/readyz")
		if err != nil {
			return false, err.Error()
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK, res.Status
	}, p)
	return p
}

// kill sends SIGKILL, unless the process has exited, and waits for it.
func (p *proc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM and expects a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	httpClient.CloseIdleConnections()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("%s exited with %v after SIGTERM%s", p.name, p.err, p.logs())
		}
	case <-time.After(45 * time.Second):
		t.Errorf("%s did not stop within 45s of SIGTERM%s", p.name, p.logs())
		p.kill()
	}
}

// logs is the end of the process's stderr, for failure messages, without
// the request lines the tests' polling floods it with.
func (p *proc) logs() string {
	const max = 8000
	var b strings.Builder
	for line := range strings.Lines(p.stderr.String()) {
		if !strings.Contains(line, `"msg":"request"`) {
			b.WriteString(line)
		}
	}
	s := b.String()
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return fmt.Sprintf("\n--- %s stderr:\n%s", p.name, s)
}

// lineWatch keeps what is written and reports the rest of the first line
// that starts with prefix.
type lineWatch struct {
	buf    *syncBuffer
	prefix string
	found  chan<- string
	done   bool
}

func (w *lineWatch) Write(b []byte) (int, error) {
	n, err := w.buf.Write(b)
	if w.done {
		return n, err
	}
	for line := range strings.Lines(w.buf.String()) {
		rest, ok := strings.CutPrefix(line, w.prefix)
		if ok && strings.HasSuffix(rest, "\n") {
			w.done = true
			w.found <- strings.TrimSpace(rest)
			break
		}
	}
	return n, err
}

// devTokenFor mints a token with the binary's dev-token.
func devTokenFor(t *testing.T, env map[string]string, email string) string {
	t.Helper()
	cmd := exec.Command(frontdeskBinary(t), "dev-token", "--email", email)
	cmd.Env = environ(env)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dev-token: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// waitUntil polls cond with short sleeps until it holds, and fails the test
// with cond's last word and the processes' logs when it does not in time.
func waitUntil(t *testing.T, what string, within time.Duration, cond func() (bool, string), procs ...*proc) {
	t.Helper()
	deadline := time.Now().Add(within)
	pause := 5 * time.Millisecond
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var logs strings.Builder
			for _, p := range procs {
				logs.WriteString(p.logs())
			}
			t.Fatalf("%s: not within %v (last: %s)%s", what, within, last, logs.String())
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// httpClient is the tests' one client, so that stop can close its idle
// connections: a server's shutdown waits for a connection that never sent a
// request.
var httpClient = &http.Client{Timeout: 60 * time.Second}

// gqlPost sends one GraphQL request; only transport failures are errors.
func gqlPost(serverURL, token, query string, vars map[string]any) (*gqlResponse, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, serverURL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("HTTP %d: %w", res.StatusCode, err)
	}
	return &out, nil
}

// gqlInto runs a query that must succeed and decodes its data into out.
func gqlInto(serverURL, token, query string, vars map[string]any, out any) error {
	r, err := gqlPost(serverURL, token, query, vars)
	if err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("graphql errors: %+v", r.Errors)
	}
	return json.Unmarshal(r.Data, out)
}

func mustGQL(t *testing.T, p *proc, token, query string, vars map[string]any, out any) {
	t.Helper()
	if err := gqlInto(p.URL, token, query, vars, out); err != nil {
		t.Fatalf("%s: %v%s", query, err, p.logs())
	}
}

// sikkaProxy stands between frontdesk and the fake Sikka: it counts the
// calls and, when armed, holds back the answer to the next
// POST /v4/appointment after the fake has queued the write, so that a test
// can kill frontdesk with the send in flight.
type sikkaProxy struct {
	*httptest.Server
	held    chan context.Context // the held request's context, once
	release chan struct{}

	mu     sync.Mutex
	counts map[string]int
	armed  bool
}

func newSikkaProxy(t *testing.T, fakeURL string) *sikkaProxy {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(fakeURL, "/v4"))
	if err != nil {
		t.Fatal(err)
	}
	p := &sikkaProxy{held: make(chan context.Context, 1), release: make(chan struct{}), counts: map[string]int{}}
	rp := &httputil.ReverseProxy{
		Rewrite:        func(r *httputil.ProxyRequest) { r.SetURL(target) },
		ModifyResponse: p.hold,
		// A held answer whose client was killed is no news.
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) },
	}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.counts[r.Method+" "+r.URL.Path]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	t.Cleanup(p.releaseHeld)
	return p
}

// armHold makes the proxy hold the answer to the next POST /v4/appointment.
func (p *sikkaProxy) armHold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = true
}

// releaseHeld lets a held answer go, if its client is still there.
func (p *sikkaProxy) releaseHeld() {
	select {
	case <-p.release:
	default:
		close(p.release)
	}
}

func (p *sikkaProxy) hold(res *http.Response) error {
	if res.Request.Method != http.MethodPost || res.Request.URL.Path != "/v4/appointment" {
		return nil
	}
	p.mu.Lock()
	armed := p.armed
	p.armed = false
	p.mu.Unlock()
	if !armed {
		return nil
	}
	ctx := res.Request.Context()
	p.held <- ctx
	select {
	case <-p.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// calls counts the requests seen, by method and path: "GET /v4/writebacks".
func (p *sikkaProxy) calls(route string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[route]
}
