// Package twiliotest plays Twilio against frontdesk in tests: it posts
// form-encoded voice webhooks signed the way Twilio signs them
// (X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, of the
// full URL followed by each POST parameter's name and value, sorted by
// name — twilio.com/docs/usage/webhooks/webhooks-security), with the
// parameters Twilio sends for a call, and parses the TwiML it gets back.
package twiliotest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Sign is the X-Twilio-Signature of a POST of params to fullURL. Like
// Twilio's SDKs it signs the first value of each parameter.
func Sign(authToken, fullURL string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(params.Get(k))
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Twilio posts webhooks to a frontdesk at BaseURL (its FRONTDESK_PUBLIC_URL).
type Twilio struct {
	BaseURL string
	// PublicURL, when set, is the URL Twilio requests and signs, in front
	// of BaseURL (a proxy or TLS terminator): a request to a URL under it is
	// sent to BaseURL instead.
	PublicURL  string
	AuthToken  string
	AccountSid string // "AC" + 32 hex digits; made up when empty
	HTTP       *http.Client
}

// Call is one inbound call.
type Call struct {
	t        *Twilio
	Sid      string
	From, To string
}

// NewCall starts a call from the caller's number to the practice's.
func (t *Twilio) NewCall(from, to string) *Call {
	if t.AccountSid == "" {
		t.AccountSid = "AC" + randomHex(16)
	}
	return &Call{t: t, Sid: "CA" + randomHex(16), From: from, To: to}
}

// Params are the parameters Twilio sends about the call on every request
// (twilio.com/docs/voice/twiml#request-parameters), with status.
func (c *Call) Params(status string) url.Values {
	return url.Values{
		"CallSid": {c.Sid}, "AccountSid": {c.t.AccountSid}, "From": {c.From}, "To": {c.To},
		"Caller": {c.From}, "Called": {c.To}, "CallStatus": {status}, "Direction": {"inbound"},
		"ApiVersion": {"2010-04-01"}, "CallToken": {"tok-" + c.Sid}, "FromCountry": {"US"}, "ToCountry": {"US"},
	}
}

// Answer is frontdesk's answer to one webhook.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
	TwiML       *Verb // the <Response>, when the body is TwiML
}

// Verb is a TwiML element.
type Verb struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []Verb     `xml:",any"`
}

// Attr is the value of the attribute name ("" when absent).
func (v Verb) Attr(name string) string {
	for _, a := range v.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// Names are the names of v's children, in order.
func (v Verb) Names() []string {
	out := make([]string, len(v.Children))
	for i, c := range v.Children {
		out[i] = c.XMLName.Local
	}
	return out
}

// Find is the first element named name among v's descendants.
func (v Verb) Find(name string) *Verb {
	for i := range v.Children {
		if v.Children[i].XMLName.Local == name {
			return &v.Children[i]
		}
		if f := v.Children[i].Find(name); f != nil {
			return f
		}
	}
	return nil
}

// Voice posts the incoming-call webhook to path (the number's voice URL).
func (c *Call) Voice(ctx context.Context, path string) (*Answer, error) {
	return c.t.Post(ctx, c.t.public()+path, c.Params("ringing"))
}

// DialEnded posts a <Dial action> callback: the dialled leg ended with
// dialStatus (completed, busy, no-answer, failed, canceled).
func (c *Call) DialEnded(ctx context.Context, action, dialStatus string) (*Answer, error) {
	p := c.Params("in-progress")
	p.Set("DialCallStatus", dialStatus)
	p.Set("DialCallSid", "CA"+randomHex(16))
	if dialStatus == "completed" {
		p.Set("DialCallDuration", "42")
	}
	return c.t.Post(ctx, action, p)
}

// Redirected posts a <Redirect> Twilio follows.
func (c *Call) Redirected(ctx context.Context, target string) (*Answer, error) {
	return c.t.Post(ctx, target, c.Params("in-progress"))
}

// Recorded posts a <Record action> callback with a recording.
func (c *Call) Recorded(ctx context.Context, action string, seconds int) (*Answer, error) {
	p := c.Params("in-progress")
	rec := "RE" + randomHex(16)
	p.Set("RecordingSid", rec)
	p.Set("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/"+c.t.AccountSid+"/Recordings/"+rec)
	p.Set("RecordingDuration", fmt.Sprint(seconds))
	p.Set("Digits", "hangup")
	return c.t.Post(ctx, action, p)
}

// Ended posts the status callback of the finished call.
func (c *Call) Ended(ctx context.Context, path, status string, seconds int) (*Answer, error) {
	p := c.Params(status)
	p.Set("CallDuration", fmt.Sprint(seconds))
	p.Set("Duration", fmt.Sprint((seconds+59)/60))
	p.Set("CallbackSource", "call-progress-events")
	p.Set("SequenceNumber", "0")
	return c.t.Post(ctx, c.t.public()+path, p)
}

func (t *Twilio) public() string {
	if t.PublicURL != "" {
		return t.PublicURL
	}
	return t.BaseURL
}

// Post sends params to fullURL, form-encoded and signed, as Twilio does.
func (t *Twilio) Post(ctx context.Context, fullURL string, params url.Values) (*Answer, error) {
	body := params.Encode()
	target := fullURL
	if rest, ok := strings.CutPrefix(fullURL, t.PublicURL); ok && t.PublicURL != "" {
		target = t.BaseURL + rest
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", Sign(t.AuthToken, fullURL, params))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	client := t.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	a := &Answer{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type")}
	if a.Body, err = io.ReadAll(res.Body); err != nil {
		return nil, err
	}
	if strings.HasPrefix(a.ContentType, "text/xml") || strings.HasPrefix(a.ContentType, "application/xml") {
		var doc Verb
		if err := xml.NewDecoder(bytes.NewReader(a.Body)).Decode(&doc); err != nil {
			return nil, fmt.Errorf("twiliotest: the answer is not XML: %w", err)
		}
		if doc.XMLName.Local != "Response" {
			return nil, fmt.Errorf("twiliotest: the root element is <%s>, not <Response> (Twilio error 12102)", doc.XMLName.Local)
		}
		a.TwiML = &doc
	}
	return a, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
