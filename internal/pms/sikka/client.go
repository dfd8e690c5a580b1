// Package sikka is frontdesk's client for the Sikka ONE API (v4), the
// gateway to the practice-management systems of the practices we serve.
//
// One Client per application (App-Id/App-Key). Practice returns the
// pms.PMS of one practice; the Client keeps one token manager per office and
// practice, so request keys are refreshed once however many callers share
// them. It handles the quirks of Sikka's API as documented
// (https://apidocs.sikkasoft.com/) and as it answers: string numbers,
// envelopes wrapped in arrays, page-index offsets, 204 for empty lists,
// HTTP 400 for an expired key, writeback ids hidden in long_message.
package sikka

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// DefaultBaseURL is Sikka's production API.
const DefaultBaseURL = "https://api.sikkasoft.com/v4"

const (
	defaultCallTimeout = 15 * time.Second
	defaultMaxRetries  = 3
	defaultPageSize    = 1000
	maxPageSize        = 5000
	// defaultRateWait is how long to wait after a 429 that carries no
	// X-Rate-Limit-Reset: Sikka's window is 60 s.
	defaultRateWait = 60 * time.Second
	// maxBody bounds a response read into memory (5000 patients with extra
	// fields is a few MB).
	maxBody = 64 << 20
)

// Config configures a Client. Zero values take the defaults.
type Config struct {
	BaseURL    string // default DefaultBaseURL
	AppID      string
	AppKey     string
	HTTPClient *http.Client
	Clock      clock.Clock
	Logger     *slog.Logger
	// CallTimeout bounds one HTTP attempt (default 15s).
	CallTimeout time.Duration
	// MaxRetries bounds retries of one call, separately for server errors and
	// for rate limiting (default 3; negative means none).
	MaxRetries int
	// PageSize is the limit asked for per page (default 1000, at most 5000).
	PageSize int
	// RetryBase is the first backoff delay (default 500ms); it doubles per
	// attempt, with jitter.
	RetryBase time.Duration
	// Sleep waits d or until ctx ends. Default: a real timer. With a fake
	// Clock, inject one that advances it: rate-limit waits last until the
	// Clock reaches the window's end.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client talks to Sikka for one application. Safe for concurrent use.
type Client struct {
	base        string
	appID       string
	appKey      string
	http        *http.Client
	clock       clock.Clock
	log         *slog.Logger
	callTimeout time.Duration
	maxRetries  int
	pageSize    int
	retryBase   time.Duration
	sleep       func(ctx context.Context, d time.Duration) error

	appLimit *limiter

	mu        sync.Mutex
	practices map[practiceKey]*practiceState
}

type practiceKey struct{ officeID, practiceID string }

// New returns a Client.
func New(cfg Config) *Client {
	c := &Client{
		base:        cfg.BaseURL,
		appID:       cfg.AppID,
		appKey:      cfg.AppKey,
		http:        cfg.HTTPClient,
		clock:       cfg.Clock,
		log:         cfg.Logger,
		callTimeout: cfg.CallTimeout,
		maxRetries:  cfg.MaxRetries,
		pageSize:    cfg.PageSize,
		retryBase:   cfg.RetryBase,
		sleep:       cfg.Sleep,
		practices:   map[practiceKey]*practiceState{},
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	for len(c.base) > 0 && c.base[len(c.base)-1] == '/' {
		c.base = c.base[:len(c.base)-1]
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.clock == nil {
		c.clock = clock.Real{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.callTimeout <= 0 {
		c.callTimeout = defaultCallTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = defaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.pageSize <= 0 {
		c.pageSize = defaultPageSize
	}
	c.pageSize = min(c.pageSize, maxPageSize)
	if c.retryBase <= 0 {
		c.retryBase = 500 * time.Millisecond
	}
	if c.sleep == nil {
		c.sleep = sleepTimer
	}
	c.appLimit = &limiter{}
	return c
}

func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// authKind says which credentials a call carries.
type authKind int

const (
	authNone       authKind = iota // credentials travel in the body (request_key)
	authApp                        // App-Id and App-Key headers
	authRequestKey                 // Request-Key header
)

// call is one logical Sikka request.
type call struct {
	method string
	path   string // below the base URL, e.g. "/patients"
	query  url.Values
	body   any
	auth   authKind
	// idempotent calls are retried on network errors and every 5xx. Other
	// calls (creating writes) only when Sikka says it refused them (429,
	// 503): a lost answer to a POST may mean the write was queued, and the
	// writeback job reconciles through QueuedWrites instead.
	idempotent bool
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends cl with retries, waiting out rate-limit windows on lim. Non-2xx
// answers come back as *Error wrapped with the method and path; errors never
// carry the query string or a body, which can hold patient data.
func (c *Client) do(ctx context.Context, lim *limiter, cl call, requestKey string) (*response, error) {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return nil, fmt.Errorf("sikka: %s %s: encode body: %w", cl.method, cl.path, err)
		}
	}
	failures, throttles := 0, 0
	for {
		if err := lim.wait(ctx, c); err != nil {
			return nil, fmt.Errorf("sikka: %s %s: waiting for the rate limit: %w", cl.method, cl.path, err)
		}
		resp, err := c.attempt(ctx, cl, payload, requestKey)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("sikka: %s %s: %w", cl.method, cl.path, ctx.Err())
			}
			if cl.idempotent && failures < c.maxRetries {
				failures++
				c.log.DebugContext(ctx, "sikka: retrying after a network error", "method", cl.method, "path", cl.path, "attempt", failures)
				if err := c.backoff(ctx, failures); err != nil {
					return nil, fmt.Errorf("sikka: %s %s: %w", cl.method, cl.path, err)
				}
				continue
			}
			return nil, fmt.Errorf("sikka: %s %s: %w: %v", cl.method, cl.path, pms.ErrUnavailable, err)
		}
		lim.observe(c.clock.Now(), resp.status, resp.header)
		if resp.status >= 200 && resp.status < 300 {
			return resp, nil
		}
		apiErr := decodeError(resp.status, resp.body)
		switch {
		case resp.status == http.StatusTooManyRequests && apiErr.Code != "API2011" && apiErr.Code != "API2012":
			if throttles >= c.maxRetries {
				break
			}
			if d, ok := ctx.Deadline(); ok && time.Until(d) < lim.pending(c.clock.Now()) {
				break // the window outlasts the caller's deadline
			}
			throttles++
			c.log.InfoContext(ctx, "sikka: rate limited, waiting for the window", "method", cl.method, "path", cl.path, "wait", lim.pending(c.clock.Now()))
			continue
		case resp.status >= 500 && (cl.idempotent || resp.status == http.StatusServiceUnavailable):
			if failures >= c.maxRetries {
				break
			}
			failures++
			c.log.DebugContext(ctx, "sikka: retrying after a server error", "method", cl.method, "path", cl.path, "status", resp.status, "code", apiErr.Code, "attempt", failures)
			if err := c.backoff(ctx, failures); err != nil {
				return nil, fmt.Errorf("sikka: %s %s: %w", cl.method, cl.path, err)
			}
			continue
		}
		return nil, fmt.Errorf("sikka: %s %s: %w", cl.method, cl.path, apiErr)
	}
}

// attempt is one HTTP exchange under the per-attempt deadline.
func (c *Client) attempt(ctx context.Context, cl call, payload []byte, requestKey string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.callTimeout)
	defer cancel()
	u := c.base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return nil, stripURL(err)
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch cl.auth {
	case authApp:
		req.Header.Set("App-Id", c.appID)
		req.Header.Set("App-Key", c.appKey)
	case authRequestKey:
		req.Header.Set("Request-Key", requestKey)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, stripURL(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", stripURL(err))
	}
	return &response{status: res.StatusCode, header: res.Header, body: b}, nil
}

// stripURL drops the URL that net/http puts in its errors: the query string
// can carry a phone number or a name.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// backoff sleeps retryBase·2^(n-1), jittered to between half and all of it,
// so that instances retrying together spread out.
func (c *Client) backoff(ctx context.Context, n int) error {
	d := c.retryBase << (n - 1)
	d = d/2 + rand.N(d/2+1)
	return c.sleep(ctx, d)
}

// limiter holds the end of a rate-limit window that Sikka said is used up.
type limiter struct {
	mu    sync.Mutex
	until time.Time
}

// observe reads X-Rate-Limit-Remaining/Reset: when nothing remains, calls
// wait until the window resets. A 429 without a Reset waits a full window.
func (l *limiter) observe(now time.Time, status int, h http.Header) {
	remaining, errR := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	reset, errS := strconv.Atoi(h.Get("X-Rate-Limit-Reset"))
	var until time.Time
	switch {
	case errR == nil && remaining <= 0 && errS == nil && reset > 0:
		until = now.Add(time.Duration(reset) * time.Second)
	case status == http.StatusTooManyRequests && errS == nil && reset > 0:
		until = now.Add(time.Duration(reset) * time.Second)
	case status == http.StatusTooManyRequests:
		until = now.Add(defaultRateWait)
	default:
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.until) {
		l.until = until
	}
}

// pending is how long calls still have to wait.
func (l *limiter) pending(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(l.until.Sub(now), 0)
}

func (l *limiter) wait(ctx context.Context, c *Client) error {
	for {
		d := l.pending(c.clock.Now())
		if d <= 0 {
			return ctx.Err()
		}
		if err := c.sleep(ctx, d); err != nil {
			return err
		}
	}
}
