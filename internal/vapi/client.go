package vapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is Vapi's REST API.
const DefaultBaseURL = "https://api.vapi.ai"

// DefaultTimeout bounds one API call, retries included.
const DefaultTimeout = 15 * time.Second

// ClientConfig configures a Client.
type ClientConfig struct {
	BaseURL    string // "" means DefaultBaseURL
	APIKey     string // Vapi's private API key
	HTTPClient *http.Client
	Timeout    time.Duration // per API call, retries included; 0 means DefaultTimeout
	// ControlHosts are the hosts a live call's controlUrl may name, each
	// with its subdomains, over https on the default port; nil means
	// DefaultControlHosts.
	ControlHosts []string
	// ControlLoopback also lets a control URL name a loopback address, over
	// http or https on any port: dev mode, for `frontdesk simulate-call`.
	ControlLoopback bool
}

// DefaultControlHosts is where Vapi's control URLs live
// (https://phone-call-websocket.<region>-backend-<env>.vapi.ai/<call id>/control;
// the host changes between calls).
var DefaultControlHosts = []string{"vapi.ai"}

// Client calls Vapi's REST API. It never logs, and its errors never carry
// the API key.
type Client struct {
	base     string
	key      string
	http     *http.Client
	timeout  time.Duration
	attempts int           // for GETs; other methods are tried once
	backoff  time.Duration // first retry delay, doubled each time, jittered
	sleep    func(context.Context, time.Duration) error

	controlHosts    []string
	controlLoopback bool
}

// NewClient returns a client for cfg.
func NewClient(cfg ClientConfig) *Client {
	c := &Client{
		base:     strings.TrimRight(cfg.BaseURL, "/"),
		key:      cfg.APIKey,
		http:     cfg.HTTPClient,
		timeout:  cfg.Timeout,
		attempts: 3,
		backoff:  250 * time.Millisecond,
		sleep:    sleepCtx,

		controlHosts:    cfg.ControlHosts,
		controlLoopback: cfg.ControlLoopback,
	}
	if c.controlHosts == nil {
		c.controlHosts = DefaultControlHosts
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c
}

// ErrNoAPIKey is returned, without a request being made, when the client
// has no API key.
var ErrNoAPIKey = errors.New("vapi: no API key configured (VAPI_API_KEY)")

// ErrServerMessagesWithoutToolCalls refuses an assistant whose
// serverMessages would stop tool webhooks from arriving.
var ErrServerMessagesWithoutToolCalls = errors.New(`vapi: assistant serverMessages must include "tool-calls"`)

// APIError is a non-2xx answer from Vapi. Vapi's errors are NestJS-shaped:
// {"message": string or [string...], "error": "Bad Request", "statusCode": 400}.
type APIError struct {
	StatusCode int
	// Message is Vapi's message; several validation messages are joined
	// with "; ".
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("vapi: %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// IsNotFound reports whether err is Vapi's 404.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound
}

func parseAPIError(status int, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	var w struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
	}
	if json.Unmarshal(body, &w) == nil {
		var one string
		var many []string
		switch {
		case json.Unmarshal(w.Message, &one) == nil && one != "":
			e.Message = one
		case json.Unmarshal(w.Message, &many) == nil && len(many) > 0:
			e.Message = strings.Join(many, "; ")
		default:
			e.Message = w.Error
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// do sends one API call; in, when not nil, is the JSON body and out, when not
// nil, receives the JSON answer.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	if c.key == "" {
		return ErrNoAPIKey
	}
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("vapi: %s %s: encode: %w", method, path, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	attempts := 1
	if method == http.MethodGet {
		attempts = c.attempts
	}
	for attempt := 1; ; attempt++ {
		status, header, data, err := c.send(ctx, method, c.base+path, c.key, body)
		if err != nil {
			return fmt.Errorf("vapi: %s %s: %w", method, path, err)
		}
		if status/100 == 2 {
			if out != nil && len(bytes.TrimSpace(data)) > 0 {
				if err := json.Unmarshal(data, out); err != nil {
					return fmt.Errorf("vapi: %s %s: decode: %w", method, path, err)
				}
			}
			return nil
		}
		apiErr := parseAPIError(status, data)
		if attempt >= attempts || (status != http.StatusTooManyRequests && status < 500) {
			return fmt.Errorf("vapi: %s %s: %w", method, path, apiErr)
		}
		if err := c.sleep(ctx, c.delay(attempt, header)); err != nil {
			return fmt.Errorf("vapi: %s %s: giving up after %w: %w", method, path, apiErr, err)
		}
	}
}

// send makes one HTTP request. Transport errors are unwrapped from
// *url.Error, whose text would repeat the URL.
func (c *Client) send(ctx context.Context, method, rawURL, key string, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, errors.New("bad request URL")
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read response: %w", err)
	}
	return resp.StatusCode, resp.Header, data, nil
}

// delay is the wait before retry number attempt: exponential with full
// jitter in its upper half, or Retry-After when Vapi asks for longer.
func (c *Client) delay(attempt int, h http.Header) time.Duration {
	d := c.backoff << (attempt - 1)
	d = d/2 + rand.N(d/2+1)
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && time.Duration(s)*time.Second > d {
		d = time.Duration(s) * time.Second
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listLimit is Vapi's maximum page; frontdesk's resources fit in one.
const listLimit = "?limit=1000"

// ListTools returns the org's tools, newest first.
func (c *Client) ListTools(ctx context.Context) ([]Tool, error) {
	var out []Tool
	if err := c.do(ctx, http.MethodGet, "/tool"+listLimit, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetTool returns one tool.
func (c *Client) GetTool(ctx context.Context, id string) (*Tool, error) {
	var out Tool
	if err := c.do(ctx, http.MethodGet, "/tool/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateTool creates t (its read-only fields are ignored).
func (c *Client) CreateTool(ctx context.Context, t Tool) (*Tool, error) {
	t.ID, t.OrgID, t.CreatedAt, t.UpdatedAt = "", "", time.Time{}, time.Time{}
	var out Tool
	if err := c.do(ctx, http.MethodPost, "/tool", t, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateTool PATCHes tool id with the fields set in t.
func (c *Client) UpdateTool(ctx context.Context, id string, t Tool) (*Tool, error) {
	t.ID, t.OrgID, t.CreatedAt, t.UpdatedAt = "", "", time.Time{}, time.Time{}
	var out Tool
	if err := c.do(ctx, http.MethodPatch, "/tool/"+url.PathEscape(id), t, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteTool deletes tool id.
func (c *Client) DeleteTool(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/tool/"+url.PathEscape(id), nil, nil)
}

// ListAssistants returns the org's assistants, newest first.
func (c *Client) ListAssistants(ctx context.Context) ([]Assistant, error) {
	var out []Assistant
	if err := c.do(ctx, http.MethodGet, "/assistant"+listLimit, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAssistant returns one assistant.
func (c *Client) GetAssistant(ctx context.Context, id string) (*Assistant, error) {
	var out Assistant
	if err := c.do(ctx, http.MethodGet, "/assistant/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateAssistant creates a (its read-only fields are ignored).
func (c *Client) CreateAssistant(ctx context.Context, a Assistant) (*Assistant, error) {
	if err := checkServerMessages(a.ServerMessages); err != nil {
		return nil, err
	}
	a.ID, a.OrgID, a.CreatedAt, a.UpdatedAt = "", "", time.Time{}, time.Time{}
	var out Assistant
	if err := c.do(ctx, http.MethodPost, "/assistant", a, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateAssistant PATCHes assistant id with the fields set in a.
func (c *Client) UpdateAssistant(ctx context.Context, id string, a Assistant) (*Assistant, error) {
	if err := checkServerMessages(a.ServerMessages); err != nil {
		return nil, err
	}
	a.ID, a.OrgID, a.CreatedAt, a.UpdatedAt = "", "", time.Time{}, time.Time{}
	var out Assistant
	if err := c.do(ctx, http.MethodPatch, "/assistant/"+url.PathEscape(id), a, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAssistant deletes assistant id.
func (c *Client) DeleteAssistant(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/assistant/"+url.PathEscape(id), nil, nil)
}

func checkServerMessages(msgs []string) error {
	if msgs != nil && !slices.Contains(msgs, TypeToolCalls) {
		return ErrServerMessagesWithoutToolCalls
	}
	return nil
}

// ListPhoneNumbers returns the org's phone numbers, newest first.
func (c *Client) ListPhoneNumbers(ctx context.Context) ([]PhoneNumber, error) {
	var out []PhoneNumber
	if err := c.do(ctx, http.MethodGet, "/phone-number"+listLimit, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetPhoneNumber returns one phone number.
func (c *Client) GetPhoneNumber(ctx context.Context, id string) (*PhoneNumber, error) {
	var out PhoneNumber
	if err := c.do(ctx, http.MethodGet, "/phone-number/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreatePhoneNumber imports a number (for Twilio: Provider "twilio", Number,
// TwilioAccountSID, TwilioAuthToken, and AssistantID or a Server for
// assistant-request).
func (c *Client) CreatePhoneNumber(ctx context.Context, p PhoneNumber) (*PhoneNumber, error) {
	p.ID, p.OrgID, p.CreatedAt, p.UpdatedAt, p.Status = "", "", time.Time{}, time.Time{}, ""
	var out PhoneNumber
	if err := c.do(ctx, http.MethodPost, "/phone-number", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PhoneNumberUpdate is a PATCH of a phone number.
type PhoneNumberUpdate struct {
	PhoneNumber
	// ClearAssistant sends "assistantId": null, switching the number to
	// assistant-request routing (an empty AssistantID is simply not sent).
	ClearAssistant bool
}

// MarshalJSON adds the explicit null ClearAssistant asks for.
func (u PhoneNumberUpdate) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(u.PhoneNumber)
	if err != nil || !u.ClearAssistant {
		return b, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	fields["assistantId"] = json.RawMessage("null")
	return json.Marshal(fields)
}

// UpdatePhoneNumber PATCHes phone number id.
func (c *Client) UpdatePhoneNumber(ctx context.Context, id string, u PhoneNumberUpdate) (*PhoneNumber, error) {
	p := &u.PhoneNumber
	p.ID, p.OrgID, p.CreatedAt, p.UpdatedAt, p.Status = "", "", time.Time{}, time.Time{}, ""
	if u.ClearAssistant {
		p.AssistantID = ""
	}
	var out PhoneNumber
	if err := c.do(ctx, http.MethodPatch, "/phone-number/"+url.PathEscape(id), u, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetCall returns one call.
func (c *Client) GetCall(ctx context.Context, id string) (*Call, error) {
	var out Call
	if err := c.do(ctx, http.MethodGet, "/call/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateCredential creates a credential (see BearerCredential and
// HMACCredential).
func (c *Client) CreateCredential(ctx context.Context, cr Credential) (*Credential, error) {
	cr.ID, cr.OrgID, cr.CreatedAt, cr.UpdatedAt = "", "", time.Time{}, time.Time{}
	var out Credential
	if err := c.do(ctx, http.MethodPost, "/credential", cr, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListCredentials returns the org's credentials.
func (c *Client) ListCredentials(ctx context.Context) ([]Credential, error) {
	var out []Credential
	if err := c.do(ctx, http.MethodGet, "/credential"+listLimit, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ErrControlURL refuses a control URL that is not Vapi's. The URL arrives in
// a webhook body; posting wherever it points would let a caller of the
// webhook aim frontdesk's requests at any host.
var ErrControlURL = errors.New("vapi: control: the control URL is not on a Vapi host")

// CheckControlURL accepts an https URL on one of the control hosts (or a
// subdomain) on the default port, or, with ControlLoopback, a loopback URL.
func (c *Client) CheckControlURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Host == "" {
		return ErrControlURL
	}
	host := strings.ToLower(u.Hostname())
	if c.controlLoopback && (u.Scheme == "http" || u.Scheme == "https") {
		if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	if u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") {
		return ErrControlURL
	}
	for _, h := range c.controlHosts {
		h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "."))
		if h != "" && (host == h || strings.HasSuffix(host, "."+h)) {
			return nil
		}
	}
	return ErrControlURL
}

// Control posts msg to a live call's monitor.controlUrl, e.g.
// TransferControl(frontDesk, "Transferring you now."), once the URL passes
// CheckControlURL. The API key is never sent there, redirects are not
// followed, and the request is made once: a repeated transfer or say would
// be heard twice. Errors carry the status, never what the remote said.
func (c *Client) Control(ctx context.Context, controlURL string, msg ControlMessage) error {
	if err := c.CheckControlURL(controlURL); err != nil {
		return err
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("vapi: control %s: encode: %w", msg.Type, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, controlURL, bytes.NewReader(body))
	if err != nil {
		return ErrControlURL
	}
	req.Header.Set("Content-Type", "application/json")
	once := *c.http
	once.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := once.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return fmt.Errorf("vapi: control %s: %w", msg.Type, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, controlDrain))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("vapi: control %s: status %d", msg.Type, resp.StatusCode)
	}
	return nil
}

// CallRequest creates a call (POST /call).
type CallRequest struct {
	AssistantID   string   `json:"assistantId,omitempty"`
	PhoneNumberID string   `json:"phoneNumberId,omitempty"`
	Customer      Customer `json:"customer,omitzero"`
	// PhoneCallProviderBypassEnabled asks Vapi for TwiML that our own
	// Twilio webhook answers with, instead of Vapi placing or answering the
	// call itself (docs.vapi.ai/calls/call-handling-with-vapi-and-twilio;
	// the field is in no OpenAPI version).
	PhoneCallProviderBypassEnabled bool `json:"phoneCallProviderBypassEnabled,omitempty"`
}

// CreatedCall is Vapi's answer to CreateCall.
type CreatedCall struct {
	Call
	// Twiml (phoneCallProviderDetails.twiml) connects the Twilio call to
	// Vapi when the request asked for the provider bypass.
	Twiml string
}

// CreateCall creates a call; with the provider bypass it is an inbound
// Twilio call frontdesk answers with the returned TwiML.
func (c *Client) CreateCall(ctx context.Context, req CallRequest) (*CreatedCall, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodPost, "/call", req, &raw); err != nil {
		return nil, err
	}
	var out CreatedCall
	var details struct {
		PhoneCallProviderDetails struct {
			Twiml string `json:"twiml"`
		} `json:"phoneCallProviderDetails"`
	}
	if err := json.Unmarshal(raw, &out.Call); err != nil {
		return nil, fmt.Errorf("vapi: POST /call: decode: %w", err)
	}
	if err := json.Unmarshal(raw, &details); err != nil {
		return nil, fmt.Errorf("vapi: POST /call: decode: %w", err)
	}
	out.Twiml = details.PhoneCallProviderDetails.Twiml
	return &out, nil
}

// controlDrain is how much of a control answer is read (and dropped) so the
// connection can be reused; the answer itself is never kept.
const controlDrain = 64 << 10
