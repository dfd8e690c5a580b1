// Package vapitest is an in-memory fake of Vapi for tests: an httptest
// server speaking Vapi's REST API (tools, assistants, phone numbers,
// credentials, calls) and live-call control URLs, built from Vapi's OpenAPI
// spec and docs, not from our client; and
// builders for the server messages Vapi posts to our webhooks.
//
// Like Vapi it checks the bearer API key, validates bodies the way its
// NestJS API does (unknown properties rejected, errors as
// {"message":[...],"error":"Bad Request","statusCode":400}), assigns uuids,
// orgId and ISO timestamps, and PATCHes by replacing each top-level field the
// body carries (so model.toolIds is replaced, never merged).
package vapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/frontdesk/frontdesk/internal/clock"
)

// DefaultAPIKey is the key a Server accepts unless WithAPIKey says otherwise.
const DefaultAPIKey = "vapitest-private-key"

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	URL    string
	APIKey string
	OrgID  string

	srv   *httptest.Server
	clock clock.Clock

	mu        sync.Mutex
	seq       int
	objects   map[string]map[string]*object // resource → id → object
	calls     map[string]map[string]any
	counts    map[string]int
	mutations []Request
	controls  map[string][]json.RawMessage
	failures  []int
	delays    []time.Duration
}

type object struct {
	seq  int
	data map[string]any
}

// Request is a mutating API request the fake received.
type Request struct {
	Method string
	Path   string
	Body   json.RawMessage
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the private key the fake accepts.
func WithAPIKey(key string) Option { return func(s *Server) { s.APIKey = key } }

// WithClock sets the clock behind createdAt and updatedAt.
func WithClock(c clock.Clock) Option { return func(s *Server) { s.clock = c } }

// Resource names, as in Vapi's paths.
const (
	resTool        = "tool"
	resAssistant   = "assistant"
	resPhoneNumber = "phone-number"
	resCredential  = "credential"
)

// NewServer starts a fake; Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		APIKey:   DefaultAPIKey,
		OrgID:    uuid.NewString(),
		clock:    clock.Real{},
		objects:  map[string]map[string]*object{},
		calls:    map[string]map[string]any{},
		counts:   map[string]int{},
		controls: map[string][]json.RawMessage{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	for _, res := range []string{resTool, resAssistant, resPhoneNumber, resCredential} {
		s.objects[res] = map[string]*object{}
		mux.HandleFunc("POST /"+res, s.api(func(w http.ResponseWriter, r *http.Request, body []byte) { s.create(w, res, body) }))
		mux.HandleFunc("GET /"+res, s.api(func(w http.ResponseWriter, r *http.Request, _ []byte) { s.list(w, r, res) }))
		mux.HandleFunc("GET /"+res+"/{id}", s.api(func(w http.ResponseWriter, r *http.Request, _ []byte) { s.get(w, res, r.PathValue("id")) }))
		mux.HandleFunc("DELETE /"+res+"/{id}", s.api(func(w http.ResponseWriter, r *http.Request, _ []byte) { s.delete(w, res, r.PathValue("id")) }))
		if res != resCredential {
			mux.HandleFunc("PATCH /"+res+"/{id}", s.api(func(w http.ResponseWriter, r *http.Request, body []byte) {
				s.update(w, res, r.PathValue("id"), body)
			}))
		}
	}
	mux.HandleFunc("POST /call", s.api(func(w http.ResponseWriter, r *http.Request, body []byte) { s.createCall(w, body) }))
	mux.HandleFunc("GET /call/{id}", s.api(func(w http.ResponseWriter, r *http.Request, _ []byte) { s.getCall(w, r.PathValue("id")) }))
	mux.HandleFunc("POST /{callID}/control", s.control)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Cannot %s %s", r.Method, r.URL.Path))
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close shuts the fake down.
func (s *Server) Close() { s.srv.Close() }

// Count is how many API requests with method the fake has received since
// the last ResetCounts (control-URL posts are not counted).
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[strings.ToUpper(method)]
}

// Mutations returns the POST, PATCH and DELETE API requests received since
// the last ResetCounts, in order, whether or not they succeeded.
func (s *Server) Mutations() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mutations)
}

// ResetCounts forgets counts and mutations but keeps every resource, so a
// test can assert what a second run does.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.mutations = nil
}

// FailNext makes the next n API requests answer status with Vapi's error
// shape (e.g. 503 or 429), without touching any resource.
func (s *Server) FailNext(status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, status)
	}
}

// DelayNext makes the next n API requests wait d (or until the client
// gives up) before they are answered.
func (s *Server) DelayNext(d time.Duration, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.delays = append(s.delays, d)
	}
}

// ControlURL is the live-control URL of callID on this fake, shaped like
// Vapi's https://…/<call id>/control. Messages posted there are recorded
// whether or not the call was seeded.
func (s *Server) ControlURL(callID string) string { return s.URL + "/" + callID + "/control" }

// Controls returns the control messages posted for callID, in order.
func (s *Server) Controls(callID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.controls[callID])
}

// SeedCall stores c for GET /call/{id}; OrgID and ControlURL default to the
// fake's, Status to "ended" when EndedAt is set and "in-progress" otherwise.
func (s *Server) SeedCall(c Call) {
	status := "in-progress"
	if !c.EndedAt.IsZero() {
		status = "ended"
	}
	c = c.withDefaults(status)
	if c.OrgID == "" {
		c.OrgID = s.OrgID
	}
	if c.ControlURL == "" {
		c.ControlURL = s.ControlURL(c.ID)
	}
	obj := c.object()
	now := s.now()
	obj["createdAt"], obj["updatedAt"] = now, now
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[c.ID] = obj
}

// Tools returns the stored tools as JSON objects, oldest first.
func (s *Server) Tools() []map[string]any { return s.snapshot(resTool) }

// Assistants returns the stored assistants, oldest first.
func (s *Server) Assistants() []map[string]any { return s.snapshot(resAssistant) }

// PhoneNumbers returns the stored phone numbers, oldest first.
func (s *Server) PhoneNumbers() []map[string]any { return s.snapshot(resPhoneNumber) }

// Credentials returns the stored credentials, oldest first.
func (s *Server) Credentials() []map[string]any { return s.snapshot(resCredential) }

func (s *Server) snapshot(res string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	objs := s.sorted(res)
	slices.Reverse(objs)
	out := make([]map[string]any, len(objs))
	for i, o := range objs {
		out[i] = clone(o.data)
	}
	return out
}

// sorted returns res's objects newest first, the order Vapi lists them in.
func (s *Server) sorted(res string) []*object {
	objs := make([]*object, 0, len(s.objects[res]))
	for _, o := range s.objects[res] {
		objs = append(objs, o)
	}
	slices.SortFunc(objs, func(a, b *object) int { return b.seq - a.seq })
	return objs
}

func (s *Server) now() string {
	return s.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z")
}

// api wraps an API handler: counting, the mutation log, bearer auth,
// injected failures, and reading the body.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, "request body could not be read")
			return
		}
		s.mu.Lock()
		s.counts[r.Method]++
		if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodDelete {
			s.mutations = append(s.mutations, Request{Method: r.Method, Path: r.URL.Path, Body: slices.Clone(body)})
		}
		fail := 0
		var delay time.Duration
		authorized := r.Header.Get("Authorization") == "Bearer "+s.APIKey
		if authorized && len(s.failures) > 0 {
			fail, s.failures = s.failures[0], s.failures[1:]
		}
		if authorized && len(s.delays) > 0 {
			delay, s.delays = s.delays[0], s.delays[1:]
		}
		s.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case !authorized:
			writeError(w, http.StatusUnauthorized,
				"Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.")
		case fail != 0:
			writeError(w, fail, http.StatusText(fail))
		default:
			h(w, r, body)
		}
	}
}

func (s *Server) create(w http.ResponseWriter, res string, body []byte) {
	in, ok := decodeObject(w, body)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if msgs := s.validate(res, in, nil); len(msgs) > 0 {
		writeValidation(w, msgs)
		return
	}
	now := s.now()
	in["id"], in["orgId"], in["createdAt"], in["updatedAt"] = uuid.NewString(), s.OrgID, now, now
	if res == resPhoneNumber {
		in["status"] = "active"
	}
	s.seq++
	s.objects[res][in["id"].(string)] = &object{seq: s.seq, data: in}
	writeJSON(w, http.StatusCreated, in)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, res string) {
	limit := 100
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.ParseFloat(l, 64)
		switch {
		case err != nil:
			writeValidation(w, []string{"limit must be a number conforming to the specified constraints"})
			return
		case n < 0:
			writeValidation(w, []string{"limit must not be less than 0"})
			return
		case n > 1000:
			writeValidation(w, []string{"limit must not be greater than 1000"})
			return
		}
		limit = int(n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, o := range s.sorted(res) {
		if len(out) == limit {
			break
		}
		out = append(out, o.data)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) get(w http.ResponseWriter, res, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[res][id]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, o.data)
}

func (s *Server) update(w http.ResponseWriter, res, id string, body []byte) {
	in, ok := decodeObject(w, body)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[res][id]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if msgs := s.validate(res, in, o.data); len(msgs) > 0 {
		writeValidation(w, msgs)
		return
	}
	for k, v := range in {
		if v == nil {
			delete(o.data, k)
		} else {
			o.data[k] = v
		}
	}
	o.data["updatedAt"] = s.now()
	writeJSON(w, http.StatusOK, o.data)
}

func (s *Server) delete(w http.ResponseWriter, res, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[res][id]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	delete(s.objects[res], id)
	writeJSON(w, http.StatusOK, o.data)
}

// createCall creates a phone call. With phoneCallProviderBypassEnabled Vapi
// does not dial: it answers with the TwiML that connects the caller's
// Twilio call to it (phoneCallProviderDetails.twiml), for the caller's own
// Twilio webhook to return.
func (s *Server) createCall(w http.ResponseWriter, body []byte) {
	in, ok := decodeObject(w, body)
	if !ok {
		return
	}
	if msgs := validateCreateCall(in); len(msgs) > 0 {
		writeValidation(w, msgs)
		return
	}
	now := s.now()
	id := uuid.NewString()
	out := map[string]any{
		"id": id, "orgId": s.OrgID, "type": "inboundPhoneCall", "status": "queued",
		"phoneNumberId": in["phoneNumberId"], "customer": in["customer"],
		"phoneCallProvider": "twilio", "phoneCallTransport": "pstn",
		"monitor":   map[string]any{"controlUrl": s.ControlURL(id)},
		"createdAt": now, "updatedAt": now,
	}
	if a, ok := in["assistantId"]; ok {
		out["assistantId"] = a
	}
	if in["phoneCallProviderBypassEnabled"] == true {
		out["phoneCallProviderBypassEnabled"] = true
		stream := "wss" + strings.TrimPrefix(s.URL, "http") + "/" + id + "/transport"
		out["phoneCallProviderDetails"] = map[string]any{
			"twiml": `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="` + stream + `"></Stream></Connect></Response>`,
		}
	}
	s.mu.Lock()
	s.calls[id] = out
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) getCall(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.calls[id]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// control records a live-call control message. Control URLs are not
// authenticated by default (monitorPlan.controlAuthenticationEnabled), so
// a request bearing our private API key is refused: it must never leave us.
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "request body could not be read")
		return
	}
	if strings.Contains(r.Header.Get("Authorization"), s.APIKey) {
		writeError(w, http.StatusBadRequest, "the private API key was sent to a control URL")
		return
	}
	in, ok := decodeObject(w, body)
	if !ok {
		return
	}
	if msgs := validateControl(in); len(msgs) > 0 {
		writeValidation(w, msgs)
		return
	}
	s.mu.Lock()
	id := r.PathValue("callID")
	s.controls[id] = append(s.controls[id], slices.Clone(body))
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("OK"))
}

func readBody(r *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, 1<<20))
	return buf.Bytes(), err
}

// decodeObject reads a JSON object body, keeping numbers exact; it answers
// 400 the way Nest's body parser does when the body is not one.
func decodeObject(w http.ResponseWriter, body []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var in map[string]any
	if err := dec.Decode(&in); err != nil || in == nil {
		writeError(w, http.StatusBadRequest, "Unexpected token in JSON body")
		return nil, false
	}
	return in, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes a NestJS HttpException body with a string message.
func writeError(w http.ResponseWriter, status int, message string) {
	body := map[string]any{"message": message, "statusCode": status}
	if status != http.StatusInternalServerError {
		body["error"] = http.StatusText(status)
	}
	writeJSON(w, status, body)
}

// writeValidation writes a NestJS ValidationPipe failure: message is an
// array of strings.
func writeValidation(w http.ResponseWriter, msgs []string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"message": msgs, "error": "Bad Request", "statusCode": http.StatusBadRequest,
	})
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out map[string]any
	_ = dec.Decode(&out)
	return out
}
