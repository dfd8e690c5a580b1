// Package browsertest drives headless Chromium from tests through chromedp.
// Each Start launches a fresh browser with a throwaway profile that cannot
// reach anything but loopback, and records every network request of the page,
// so a test can assert that a page loaded nothing from outside and nothing
// failed.
package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// pageLimit bounds a whole browser session, so a wedged browser fails the
// test instead of hanging until go test's own timeout.
const pageLimit = 2 * time.Minute

// Page is one tab of a browser that belongs to one test.
type Page struct {
	ctx context.Context

	mu         sync.Mutex
	requests   []*Request
	byID       map[network.RequestID]*Request
	exceptions []string
	console    []string
}

// Request is one network request the page made.
type Request struct {
	URL    string
	Method string
	// Status is the HTTP status, 0 while no response has arrived.
	Status int64
	// Error is Chromium's reason when the request failed without a
	// response ("net::ERR_NAME_NOT_RESOLVED", "net::ERR_BLOCKED_BY_CLIENT").
	Error string
}

// Failed reports whether the request got no response or an HTTP error.
func (r Request) Failed() bool { return r.Error != "" || r.Status >= 400 }

func (r Request) String() string {
	u := r.URL
	// Inline fonts and images make data: URLs of many kilobytes.
	if len(u) > 120 {
		u = u[:120] + "…"
	}
	switch {
	case r.Error != "":
		return fmt.Sprintf("%s %s: %s", r.Method, u, r.Error)
	case r.Status == 0:
		return fmt.Sprintf("%s %s: no response yet", r.Method, u)
	default:
		return fmt.Sprintf("%s %s: %d", r.Method, u, r.Status)
	}
}

// Start launches headless Chromium for the test and opens a tab; cleanup
// closes the browser and removes its profile. It skips the test when Chromium
// is not installed, except under CI=true, where it fails.
func Start(t testing.TB) *Page {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		// CI installs Chromium (.ci/run); there a missing browser is a broken
		// run, not a reason to pass without the browser tests.
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found at " + ChromiumPath + " under CI=true: .ci/run installs it (apt-get install chromium)")
		}
		t.Skip("chromium not found at " + ChromiumPath + ": apt-get install chromium to run browser tests")
	}

	limitCtx, cancelLimit := context.WithTimeout(context.Background(), pageLimit)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		// The closed-network flags are spelled out even where chromedp's
		// defaults have them: these tests depend on them.
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		// Every host but loopback (where httptest listens) fails to resolve,
		// IP literals included, so a page that reaches for the internet gets
		// a recorded failure at once and sends nothing out.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]"),
	)
	// With no user-data-dir flag, chromedp makes a fresh temporary profile
	// and removes it when the browser has exited.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(limitCtx, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)

	p := &Page{ctx: ctx, byID: map[network.RequestID]*Request{}}
	t.Cleanup(func() {
		if t.Failed() {
			p.logDiagnostics(t)
		}
		cancelCtx()
		cancelAlloc()
		cancelLimit()
	})
	// Listen starts the browser and the tab.
	if err := chromedp.Listen(ctx, p.record); err != nil {
		t.Fatalf("browsertest: start chromium: %v", err)
	}
	return p
}

// Context is the tab's chromedp context, for chromedp.Do and chromedp.Run.
func (p *Page) Context() context.Context { return p.ctx }

// WaitFor polls the JavaScript expression until it is truthy, and fails the
// test when timeout passes first. what names the condition in the failure.
func (p *Page) WaitFor(t testing.TB, what, expr string, timeout time.Duration) {
	t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(10*time.Millisecond),
		chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		t.Fatalf("browsertest: waiting for %s (%s): %v", what, expr, err)
	}
}

// Requests returns every request the page made so far, in order.
func (p *Page) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Request, len(p.requests))
	for i, r := range p.requests {
		out[i] = *r
	}
	return out
}

// FailedRequests returns the requests that got no response or an HTTP error.
func (p *Page) FailedRequests() []Request {
	var out []Request
	for _, r := range p.Requests() {
		if r.Failed() {
			out = append(out, r)
		}
	}
	return out
}

// RequestsOutside returns the requests to any origin other than origin
// ("http://127.0.0.1:34567", as httptest.Server.URL gives it). Inline data:
// and blob: URLs never leave the page and are not counted.
func (p *Page) RequestsOutside(origin string) []Request {
	var out []Request
	for _, r := range p.Requests() {
		u, err := url.Parse(r.URL)
		if err == nil && (u.Scheme == "data" || u.Scheme == "blob" || sameOrigin(u, origin)) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Exceptions returns the uncaught JavaScript exceptions of the page.
func (p *Page) Exceptions() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.exceptions...)
}

func sameOrigin(u *url.URL, origin string) bool {
	o, err := url.Parse(origin)
	if err != nil {
		return false
	}
	scheme := u.Scheme
	// A websocket to the page's own host is the same server.
	switch scheme {
	case "ws":
		scheme = "http"
	case "wss":
		scheme = "https"
	}
	return scheme == o.Scheme && u.Host == o.Host
}

// record runs on chromedp's read loop: it must only store and return.
func (p *Page) record(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r := &Request{URL: ev.Request.URL, Method: ev.Request.Method}
		if prev, ok := p.byID[ev.RequestID]; ok && ev.RedirectResponse != nil {
			prev.Status = ev.RedirectResponse.Status
		}
		p.byID[ev.RequestID] = r
		p.requests = append(p.requests, r)
	case *network.EventWebSocketCreated:
		r := &Request{URL: ev.URL, Method: "GET"}
		p.byID[ev.RequestID] = r
		p.requests = append(p.requests, r)
	case *network.EventResponseReceived:
		if r, ok := p.byID[ev.RequestID]; ok {
			r.Status = ev.Response.Status
		}
	case *network.EventLoadingFailed:
		if r, ok := p.byID[ev.RequestID]; ok {
			r.Error = ev.ErrorText
			if ev.BlockedReason != "" {
				r.Error += " (" + string(ev.BlockedReason) + ")"
			}
		}
	case *runtime.EventExceptionThrown:
		p.exceptions = append(p.exceptions, exceptionText(ev.ExceptionDetails))
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			args = append(args, remoteText(a))
		}
		p.console = append(p.console, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
	}
}

func (p *Page) logDiagnostics(t testing.TB) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.requests {
		t.Logf("browsertest: request %s", r)
	}
	for _, e := range p.exceptions {
		t.Logf("browsertest: exception %s", e)
	}
	for _, c := range p.console {
		t.Logf("browsertest: %s", c)
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "unknown exception"
	}
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		text += " " + d.Exception.Description
	}
	if d.URL != "" {
		text += fmt.Sprintf(" at %s:%d:%d", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	return text
}

func remoteText(o *runtime.RemoteObject) string {
	switch {
	case o == nil:
		return ""
	case len(o.Value) > 0:
		return string(o.Value)
	case o.Description != "":
		return o.Description
	default:
		return string(o.Type)
	}
}
