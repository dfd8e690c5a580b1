// Package sikkatest is a fake Sikka ONE API (v4) for tests: an httptest
// server that speaks the documented wire format with its quirks (Sikka's
// API documentation, https://apidocs.sikkasoft.com/), whatever a client
// would find convenient.
// Every number is a string; offset is a page index; empty lists are 204 with
// no body; an expired request key is HTTP 400 API1025; writeback ids come
// only inside long_message and more_information; writeback_status answers
// with the envelope wrapped in an array.
//
// Time runs on the injected clock: request keys expire, rate-limit windows
// reset and writebacks complete when a test moves it.
package sikkatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/internal/clock"
)

// Options configure a Server. Zero values take the defaults.
type Options struct {
	AppID  string // default "test-app-id"
	AppKey string // default "test-app-key"
	Clock  clock.Clock
	// KeyTTL is a request key's lifetime (default 24h, as Sikka's).
	KeyTTL time.Duration
	// RotateRefreshKeys makes every refresh issue a new refresh key and
	// retire the old one.
	RotateRefreshKeys bool
	// RateLimit is the calls allowed per 60-second window, per office for
	// practice calls and for the application's own calls (default 250, the
	// value captured from Sikka in 2024–2026; negative means no limit).
	RateLimit int
	// WrapEnvelopes wraps every list envelope in a top-level array, as some
	// of Sikka's examples do. writeback_status is always wrapped.
	WrapEnvelopes bool
	// TotalCountExtra overstates every total_count by this much, as Sikka's
	// documented operatories answer does ("total_count":"11" over two rows,
	// "next":""): only pagination.next says whether a page follows.
	TotalCountExtra int
	// RepeatPastLast answers a page past the last with the last page again
	// (its next empty) instead of 204, so a client paging by total_count
	// reads rows twice.
	RepeatPastLast bool
	// WritebackPolls, when positive, completes a writeback on that
	// writeback_status poll of it.
	WritebackPolls int
	// WritebackDelay, when positive, completes a writeback once that much
	// clock time has passed since it was queued.
	WritebackDelay time.Duration
}

// Server is the fake. Safe for concurrent use.
type Server struct {
	// URL is the API base, ending in /v4: use it as sikka.Config.BaseURL.
	URL string

	ts    *httptest.Server
	opts  Options
	clock clock.Clock
	done  chan struct{}
	close sync.Once

	mu         sync.Mutex
	offices    map[string]*office
	officeList []*office
	keys       map[string]*requestKey
	refreshes  map[string]*refreshKey
	writebacks []*writeback
	nextID     int
	faults     []*Fault
	counts     map[string]int
	windows    map[string]*window
}

// New starts a Server. Close it when done.
func New(opts Options) *Server {
	if opts.AppID == "" {
		opts.AppID = "test-app-id"
	}
	if opts.AppKey == "" {
		opts.AppKey = "test-app-key"
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.KeyTTL <= 0 {
		opts.KeyTTL = 24 * time.Hour
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 250
	}
	s := &Server{
		opts:      opts,
		clock:     opts.Clock,
		done:      make(chan struct{}),
		offices:   map[string]*office{},
		keys:      map[string]*requestKey{},
		refreshes: map[string]*refreshKey{},
		counts:    map[string]int{},
		windows:   map[string]*window{},
		nextID:    1000,
	}
	s.ts = httptest.NewServer(s.routes())
	s.URL = s.ts.URL + "/v4"
	return s
}

// Close releases hung requests and stops the server.
func (s *Server) Close() {
	s.close.Do(func() { close(s.done) })
	s.ts.Close()
}

// AppID and AppKey are the application credentials the server accepts.
func (s *Server) AppID() string  { return s.opts.AppID }
func (s *Server) AppKey() string { return s.opts.AppKey }

type authKind int

const (
	authNone authKind = iota
	authApp
	authRequestKey
)

// reqCtx is what the middleware learned about a request.
type reqCtx struct {
	office *office
	key    *requestKey
}

type handler func(w http.ResponseWriter, r *http.Request, rc *reqCtx)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	route := func(pattern string, auth authKind, h handler) {
		name := pattern
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, name, auth, h) })
	}
	route("POST /v4/request_key", authNone, s.requestKey)
	route("GET /v4/authorized_practices", authApp, s.authorizedPractices)
	route("GET /v4/practices", authRequestKey, s.list(practicesEntity))
	route("GET /v4/providers", authRequestKey, s.list(providersEntity))
	route("GET /v4/operatories", authRequestKey, s.list(operatoriesEntity))
	route("GET /v4/practice_variables", authRequestKey, s.list(variablesEntity))
	route("GET /v4/appointment_statuses", authRequestKey, s.list(statusesEntity))
	route("GET /v4/practice_schedule", authRequestKey, s.list(scheduleEntity))
	route("GET /v4/patients", authRequestKey, s.list(patientsEntity))
	route("GET /v4/appointments", authRequestKey, s.list(appointmentsEntity))
	route("POST /v4/appointment", authRequestKey, s.createAppointment)
	route("POST /v4/patient", authRequestKey, s.createPatient)
	route("PATCH /v4/appointments/{sr}", authRequestKey, s.patchAppointment)
	route("PUT /v4/appointments/{sr}", authRequestKey, s.putAppointment)
	route("GET /v4/writeback_status", authRequestKey, s.writebackStatus)
	route("GET /v4/writebacks", authApp, s.listWritebacks)
	route("DELETE /v4/writebacks", authApp, s.deleteWriteback)
	route("/", authNone, func(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
		writeError(w, http.StatusNotFound, "API2009", "Resource not found", "The resource you requested does not exist.")
	})
	return mux
}

// serve runs the parts every endpoint shares: counting, injected faults,
// the rate limit, credentials and the response headers.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, name string, auth authKind, h handler) {
	s.mu.Lock()
	s.counts[name]++
	s.settleDue()
	rc, bucket := &reqCtx{}, "app"
	if auth == authRequestKey {
		if k := s.keys[requestKeyOf(r)]; k != nil {
			rc.key, rc.office = k, k.office
			bucket = "office:" + k.office.id
			w.Header().Set("Request-Key-Expires", k.expiresHeader())
		}
	}
	f := s.takeFault(r)
	if f != nil && f.Hang {
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return
	}
	defer s.mu.Unlock()
	allowed := s.allow(w, bucket)
	if f != nil {
		if f.Status == http.StatusTooManyRequests {
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Rate-Limit-Reset", strconv.Itoa(f.Reset))
		}
		writeError(w, f.Status, f.Code, f.ShortMessage, "")
		return
	}
	if !allowed {
		writeError(w, http.StatusTooManyRequests, "", "Too Many Requests", "Rate limit exceeded. Try again after X-Rate-Limit-Reset seconds.")
		return
	}
	switch auth {
	case authApp:
		if !s.checkApp(w, r.Header.Get("App-Id"), r.Header.Get("App-Key")) {
			return
		}
	case authRequestKey:
		if !s.checkRequestKey(w, r, rc) {
			return
		}
	}
	h(w, r, rc)
}

// requestKeyOf reads the request key from the Request-Key header or, as the
// endpoint pages list it, the request_key parameter.
func requestKeyOf(r *http.Request) string {
	if k := r.Header.Get("Request-Key"); k != "" {
		return k
	}
	return r.URL.Query().Get("request_key")
}

// window is a 60-second rate-limit window.
type window struct {
	start time.Time
	used  int
}

// allow counts a call against bucket's window and sets X-Rate-Limit-*.
func (s *Server) allow(w http.ResponseWriter, bucket string) bool {
	if s.opts.RateLimit < 0 {
		return true
	}
	now := s.clock.Now()
	win := s.windows[bucket]
	if win == nil || !now.Before(win.start.Add(time.Minute)) {
		win = &window{start: now}
		s.windows[bucket] = win
	}
	win.used++
	reset := int((win.start.Add(time.Minute).Sub(now) + time.Second - 1) / time.Second)
	remaining := max(s.opts.RateLimit-win.used, 0)
	w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(s.opts.RateLimit))
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-Rate-Limit-Reset", strconv.Itoa(reset))
	return win.used <= s.opts.RateLimit
}

// Fault is a failure to inject. It hits the next Times requests (default 1)
// whose method and path match (empty matches any), e.g. Path "/v4/patients".
type Fault struct {
	Method string
	Path   string
	Times  int
	// Status and Code are the answer, e.g. 503 "API2002".
	Status       int
	Code         string
	ShortMessage string
	// Reset is X-Rate-Limit-Reset for a 429.
	Reset int
	// Hang holds the request until the client gives up or the server closes.
	Hang bool
}

// Common faults from Sikka's error table.
var (
	Overloaded     = Fault{Status: http.StatusServiceUnavailable, Code: "API2002", ShortMessage: "Try again later."}
	GatewayTimeout = Fault{Status: http.StatusGatewayTimeout, Code: "API2022", ShortMessage: "Gateway Timeout occurred"}
	InternalError  = Fault{Status: http.StatusInternalServerError, Code: "API2001", ShortMessage: "Internal Error"}
	DailyRequests  = Fault{Status: http.StatusTooManyRequests, Code: "API2012", ShortMessage: "Request limit exceeded"}
	DailyData      = Fault{Status: http.StatusTooManyRequests, Code: "API2011", ShortMessage: "Data limit exceeded"}
	Hung           = Fault{Hang: true}
)

// TooManyRequests is a per-minute throttle answer whose window resets in
// reset seconds. Sikka documents no error code for it.
func TooManyRequests(reset int) Fault {
	return Fault{Status: http.StatusTooManyRequests, ShortMessage: "Too Many Requests", Reset: reset}
}

// Inject queues f.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

func (s *Server) takeFault(r *http.Request) *Fault {
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && (f.Path == "" || f.Path == r.URL.Path) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// Requests counts the requests made to an endpoint, named by its route
// pattern, e.g. "GET /v4/patients" or "PATCH /v4/appointments/{sr}".
func (s *Server) Requests(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[pattern]
}

var httpDesc = map[int]string{
	200: "OK", 201: "Created", 204: "NoContent", 400: "BadRequest", 401: "Unauthorized", 404: "NotFound",
	405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 412: "Preconditon Failed", 422: "Unprocessable",
	429: "Too Many Requests", 500: "InternalServerError", 503: "ServiceUnavailable", 504: "Gateway Timeout",
}

// message is Sikka's status/error body; every value is a string.
type message struct {
	HTTPCode        string `json:"http_code"`
	HTTPCodeDesc    string `json:"http_code_desc"`
	ErrorCode       string `json:"error_code"`
	ShortMessage    string `json:"short_message"`
	LongMessage     string `json:"long_message,omitempty"`
	LogMessage      string `json:"log_message,omitempty"`
	MoreInformation string `json:"more_information"`
}

func writeMessage(w http.ResponseWriter, status int, m message) {
	m.HTTPCode = strconv.Itoa(status)
	m.HTTPCodeDesc = httpDesc[status]
	writeJSON(w, status, m)
}

func writeError(w http.ResponseWriter, status int, code, short, long string) {
	writeMessage(w, status, message{ErrorCode: code, ShortMessage: short, LongMessage: long})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// wallTime formats t as Sikka does: no zone.
func wallTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

func (s *Server) newID() string {
	s.nextID++
	return strconv.Itoa(s.nextID)
}

func missing(w http.ResponseWriter, what string) {
	writeError(w, http.StatusBadRequest, "API1020", "Missing Parameter", fmt.Sprintf("%s is missing.", what))
}

func invalid(w http.ResponseWriter, what string) {
	writeError(w, http.StatusBadRequest, "API1026", "Missing/Invalid Parameter", fmt.Sprintf("%s is missing or invalid.", strings.TrimSpace(what)))
}
