// Package vapi speaks Vapi: it parses the server messages Vapi posts to our
// webhooks, builds the replies Vapi expects, verifies that a webhook really
// came from Vapi, and calls Vapi's REST API to provision tools, assistants,
// phone numbers and credentials and to steer live calls.
//
// Vapi's wire format has drifted over the years and its docs, its OpenAPI
// spec and real payloads disagree, so parsing is lenient where Vapi has been
// seen to vary (tool-call lists, argument encodings, deprecated fields it
// still sends beside their replacements). And since Vapi ignores any answer
// but 200, a part of a message that cannot be read is left out and named in
// Message.Problems rather than costing the whole message.
package vapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Server message types frontdesk acts on. Any other type parses too; the
// handler acknowledges it.
const (
	TypeToolCalls                  = "tool-calls"
	TypeAssistantRequest           = "assistant-request"
	TypeTransferDestinationRequest = "transfer-destination-request"
	TypeStatusUpdate               = "status-update"
	TypeEndOfCallReport            = "end-of-call-report"
)

// Message is one server message, the object under "message" in the body.
type Message struct {
	Type      string
	Timestamp time.Time // zero when Vapi sent none
	// Call is the zero Call when the message carries none (a transient
	// assistant-request in tests, say).
	Call        Call
	PhoneNumber PhoneNumberRef
	Assistant   AssistantRef
	Customer    Customer
	// Status and EndedReason are filled for status-update and
	// end-of-call-report messages, from the message or else its call.
	Status      string
	EndedReason string
	// Problems names the parts of the message that were left out because
	// they could not be read or made no sense (an end before the start, a
	// negative cost), as JSON paths: never values, so they can be logged.
	// ParseMessage, ToolCalls and EndOfCallReport add to it.
	Problems []string

	raw       json.RawMessage
	toolLists toolLists
}

// toolLists are the three places a message's tool calls may be listed.
type toolLists struct{ list, withTool, legacy json.RawMessage }

// Call is Vapi's call object, as embedded in server messages and as returned
// by GET /call/{id}.
type Call struct {
	ID          string `json:"id"`
	OrgID       string `json:"orgId,omitempty"`
	Type        string `json:"type,omitempty"` // inboundPhoneCall | outboundPhoneCall | webCall | vapi.websocketCall
	Status      string `json:"status,omitempty"`
	EndedReason string `json:"endedReason,omitempty"`

	PhoneNumberID string   `json:"phoneNumberId,omitempty"`
	AssistantID   string   `json:"assistantId,omitempty"`
	Customer      Customer `json:"customer,omitzero"`

	PhoneCallProvider string `json:"phoneCallProvider,omitempty"`
	// PhoneCallProviderID is the Twilio CallSid for Twilio calls. It is
	// deprecated in favour of Transport.CallSid, and still sent.
	PhoneCallProviderID string    `json:"phoneCallProviderId,omitempty"`
	Transport           Transport `json:"transport,omitzero"`

	Monitor Monitor `json:"monitor,omitzero"`

	StartedAt time.Time `json:"startedAt,omitzero"`
	EndedAt   time.Time `json:"endedAt,omitzero"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	Cost      float64   `json:"cost,omitempty"`
	// CostBreakdown is filled once the call has ended.
	CostBreakdown *CostBreakdown `json:"costBreakdown,omitempty"`

	Artifact *Artifact `json:"artifact,omitempty"`
	Analysis *Analysis `json:"analysis,omitempty"`
}

// UnmarshalJSON reads the call's instants leniently: a timestamp in an
// unexpected format must not cost us a tool call.
func (c *Call) UnmarshalJSON(b []byte) error {
	type plain Call
	w := struct {
		*plain
		StartedAt flexTime `json:"startedAt"`
		EndedAt   flexTime `json:"endedAt"`
		CreatedAt flexTime `json:"createdAt"`
		UpdatedAt flexTime `json:"updatedAt"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	c.StartedAt, c.EndedAt = time.Time(w.StartedAt), time.Time(w.EndedAt)
	c.CreatedAt, c.UpdatedAt = time.Time(w.CreatedAt), time.Time(w.UpdatedAt)
	return nil
}

// TwilioCallSID is the call's Twilio CallSid: transport.callSid, else the
// deprecated phoneCallProviderId of a Twilio call.
func (c Call) TwilioCallSID() string {
	if c.Transport.CallSID != "" {
		return c.Transport.CallSID
	}
	if c.PhoneCallProvider == "" || c.PhoneCallProvider == "twilio" {
		return c.PhoneCallProviderID
	}
	return ""
}

// Transport is a phone call's telephony leg.
type Transport struct {
	Provider   string `json:"provider,omitempty"`
	CallSID    string `json:"callSid,omitempty"`
	AccountSID string `json:"accountSid,omitempty"`
}

// CostBreakdown is what a call cost by component, in USD, and what it used,
// as Vapi reports it (OAS CostBreakdown). A part Vapi did not report is nil.
type CostBreakdown struct {
	// Transport is the telephony provider's cost (Twilio).
	Transport *float64 `json:"transport,omitempty"`
	// STT is speech-to-text, TTS text-to-speech, LLM the language model.
	STT   *float64 `json:"stt,omitempty"`
	LLM   *float64 `json:"llm,omitempty"`
	TTS   *float64 `json:"tts,omitempty"`
	Vapi  *float64 `json:"vapi,omitempty"`
	Total *float64 `json:"total,omitempty"`

	LLMPromptTokens     *float64 `json:"llmPromptTokens,omitempty"`
	LLMCompletionTokens *float64 `json:"llmCompletionTokens,omitempty"`
	TTSCharacters       *float64 `json:"ttsCharacters,omitempty"`
}

// Customer is the other party of a call.
type Customer struct {
	Number string `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Monitor holds a live call's monitoring URLs.
type Monitor struct {
	// ControlURL takes live-call control messages (see Client.Control).
	ControlURL string `json:"controlUrl,omitempty"`
	ListenURL  string `json:"listenUrl,omitempty"`
}

// PhoneNumberRef is the part of a message's phoneNumber object we route on.
type PhoneNumberRef struct {
	ID     string `json:"id"`
	Number string `json:"number"`
}

// AssistantRef is the part of a message's assistant object we route on.
type AssistantRef struct {
	ID string `json:"id"`
}

// Artifact is what Vapi recorded of a call.
type Artifact struct {
	Transcript string     `json:"transcript,omitempty"`
	Recording  *Recording `json:"recording,omitempty"`
	// RecordingURL and StereoRecordingURL are deprecated in favour of
	// Recording, and still sent.
	RecordingURL       string `json:"recordingUrl,omitempty"`
	StereoRecordingURL string `json:"stereoRecordingUrl,omitempty"`
	// Messages is the conversation as Vapi's JSON array, kept raw: its
	// items come in several shapes (bot, user, tool calls, results).
	Messages json.RawMessage `json:"messages,omitempty"`
}

// Recording holds a call's recordings (OAS Recording).
type Recording struct {
	// StereoURL has the caller and the assistant on separate channels.
	StereoURL string         `json:"stereoUrl,omitempty"`
	Mono      *MonoRecording `json:"mono,omitempty"`
}

// MonoRecording holds a call's mono recordings.
type MonoRecording struct {
	// CombinedURL has both parties.
	CombinedURL  string `json:"combinedUrl,omitempty"`
	AssistantURL string `json:"assistantUrl,omitempty"`
	CustomerURL  string `json:"customerUrl,omitempty"`
}

// recordingURLs are the artifact's mono and stereo recording URLs, current
// field first, then deprecated.
func (a *Artifact) recordingURLs() (mono, stereo []string) {
	if a == nil {
		return nil, nil
	}
	if r := a.Recording; r != nil {
		if r.Mono != nil {
			mono = append(mono, r.Mono.CombinedURL)
		}
		stereo = append(stereo, r.StereoURL)
	}
	return append(mono, a.RecordingURL), append(stereo, a.StereoRecordingURL)
}

// Analysis is Vapi's post-call analysis.
type Analysis struct {
	Summary        string          `json:"summary,omitempty"`
	StructuredData json.RawMessage `json:"structuredData,omitempty"`
	// SuccessEvaluation is text even when the rubric makes Vapi send a
	// boolean or a number ("true", "8").
	SuccessEvaluation string `json:"successEvaluation,omitempty"`
}

// UnmarshalJSON accepts successEvaluation as a string, boolean or number.
func (a *Analysis) UnmarshalJSON(b []byte) error {
	type plain Analysis
	w := struct {
		*plain
		SuccessEvaluation looseString `json:"successEvaluation"`
	}{plain: (*plain)(a)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	a.SuccessEvaluation = string(w.SuccessEvaluation)
	return nil
}

// ParseMessage decodes a server message body, {"message":{...}}. Only a
// body that is not JSON, or a message without a type, is an error: any other
// part that cannot be read is left out and named in Problems. Tool calls and
// reports are read on demand by ToolCalls and EndOfCallReport, so an
// informational message Vapi shapes in a way we do not expect still parses
// and can be acknowledged.
func ParseMessage(body []byte) (*Message, error) {
	var env struct {
		Message json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("vapi: parse message: %w", err)
	}
	if isNull(env.Message) {
		return nil, errors.New("vapi: parse message: body has no message")
	}
	var w struct {
		Type        string          `json:"type"`
		Timestamp   flexTime        `json:"timestamp"`
		Call        *Call           `json:"call"`
		PhoneNumber *PhoneNumberRef `json:"phoneNumber"`
		Assistant   *AssistantRef   `json:"assistant"`
		Customer    *Customer       `json:"customer"`
		// Kept raw in the same pass, so ToolCalls need not read the
		// whole message again: every tool call pays for parsing.
		ToolCallList         json.RawMessage `json:"toolCallList"`
		ToolWithToolCallList json.RawMessage `json:"toolWithToolCallList"`
		ToolCalls            json.RawMessage `json:"toolCalls"`
	}
	var problems []string
	decodeParts(env.Message, &w, "", &problems)
	if len(problems) == 1 && problems[0] == "message" {
		return nil, errors.New("vapi: parse message: the message is not an object")
	}
	if w.Type == "" {
		return nil, errors.New("vapi: parse message: message has no type")
	}
	m := &Message{Type: w.Type, Timestamp: time.Time(w.Timestamp), raw: env.Message, Problems: problems,
		toolLists: toolLists{w.ToolCallList, w.ToolWithToolCallList, w.ToolCalls}}
	if w.Call != nil {
		m.Call = *w.Call
		m.Call.sane("call", &m.Problems)
	}
	if w.PhoneNumber != nil {
		m.PhoneNumber = *w.PhoneNumber
	}
	if w.Assistant != nil {
		m.Assistant = *w.Assistant
	}
	if w.Customer != nil {
		m.Customer = *w.Customer
	}
	if m.Type == TypeStatusUpdate || m.Type == TypeEndOfCallReport {
		var st struct {
			Status      looseString `json:"status"`
			EndedReason looseString `json:"endedReason"`
		}
		decodeParts(env.Message, &st, "", &m.Problems)
		m.Status = firstNonEmpty(string(st.Status), m.Call.Status)
		m.EndedReason = firstNonEmpty(string(st.EndedReason), m.Call.EndedReason)
	}
	return m, nil
}

// PhoneNumberID is the Vapi phone number the call came in on: call.phoneNumberId,
// else message.phoneNumber.id.
func (m *Message) PhoneNumberID() string {
	return firstNonEmpty(m.Call.PhoneNumberID, m.PhoneNumber.ID)
}

// AssistantID is the assistant handling the call: call.assistantId, else
// message.assistant.id.
func (m *Message) AssistantID() string {
	return firstNonEmpty(m.Call.AssistantID, m.Assistant.ID)
}

// CallerNumber is the caller's number as Vapi sent it (not normalised):
// call.customer.number, else message.customer.number.
func (m *Message) CallerNumber() string {
	return firstNonEmpty(m.Call.Customer.Number, m.Customer.Number)
}

// maxCallDuration is longer than any call: Vapi ends a call after at most
// 12 hours (maxDurationSeconds ≤ 43200).
const maxCallDuration = 24 * time.Hour

// EndOfCallReport is the outcome of a call, from an end-of-call-report.
type EndOfCallReport struct {
	EndedReason string
	// StartedAt and EndedAt are zero when Vapi sent none, or sent an end
	// before the start.
	StartedAt time.Time
	EndedAt   time.Time
	// Duration is EndedAt-StartedAt when both are known, else Vapi's legacy
	// durationSeconds, else zero.
	Duration time.Duration
	Cost     float64 // never negative
	// CostBreakdown is nil when Vapi sent none.
	CostBreakdown *CostBreakdown
	Transcript    string
	// RecordingURL (mono, both parties) and StereoRecordingURL are http(s)
	// URLs of at most MaxURLLength bytes, or "".
	RecordingURL       string
	StereoRecordingURL string
	Messages           json.RawMessage // a JSON array, or nil
	Summary            string
	// StructuredData is a JSON object of at most MaxStructuredDataBytes,
	// or nil.
	StructuredData    json.RawMessage
	SuccessEvaluation string
}

// EndOfCallReport reads the report fields of an end-of-call-report. The
// current fields (artifact, analysis, artifact.recording, the call's
// costBreakdown) are read first; the deprecated and legacy ones Vapi still
// sends (artifact.recordingUrl and stereoRecordingUrl, top-level transcript,
// summary, recordingUrl, stereoRecordingUrl, messages, costBreakdown and
// durationSeconds) and the copies on the call object fill what they leave
// empty. A field that cannot be read, or makes no sense, is left out and
// added to m.Problems.
func (m *Message) EndOfCallReport() EndOfCallReport {
	var w struct {
		StartedAt          flexTime        `json:"startedAt"`
		EndedAt            flexTime        `json:"endedAt"`
		Cost               *float64        `json:"cost"`
		CostBreakdown      *CostBreakdown  `json:"costBreakdown"`
		Artifact           *Artifact       `json:"artifact"`
		Analysis           *Analysis       `json:"analysis"`
		Transcript         looseString     `json:"transcript"`
		Summary            looseString     `json:"summary"`
		RecordingURL       looseString     `json:"recordingUrl"`
		StereoRecordingURL looseString     `json:"stereoRecordingUrl"`
		Messages           json.RawMessage `json:"messages"`
		DurationSeconds    *float64        `json:"durationSeconds"`
	}
	decodeParts(m.raw, &w, "", &m.Problems)
	analysis, callAnalysis := Analysis{}, Analysis{}
	if w.Analysis != nil {
		analysis = *w.Analysis
	}
	if m.Call.Analysis != nil {
		callAnalysis = *m.Call.Analysis
	}
	mono, stereo := w.Artifact.recordingURLs()
	callMono, callStereo := m.Call.Artifact.recordingURLs()
	var transcript, callTranscript string
	var messages, callMessages json.RawMessage
	if w.Artifact != nil {
		transcript, messages = w.Artifact.Transcript, w.Artifact.Messages
	}
	if m.Call.Artifact != nil {
		callTranscript, callMessages = m.Call.Artifact.Transcript, m.Call.Artifact.Messages
	}
	r := EndOfCallReport{
		EndedReason: m.EndedReason,
		StartedAt:   firstTime(time.Time(w.StartedAt), m.Call.StartedAt),
		EndedAt:     firstTime(time.Time(w.EndedAt), m.Call.EndedAt),
		Cost:        m.Call.Cost,
		Transcript:  firstNonEmpty(transcript, string(w.Transcript), callTranscript),
		RecordingURL: webURL("recordingUrl", &m.Problems,
			append(append(mono, string(w.RecordingURL)), callMono...)...),
		StereoRecordingURL: webURL("stereoRecordingUrl", &m.Problems,
			append(append(stereo, string(w.StereoRecordingURL)), callStereo...)...),
		Messages:          firstArray(messages, w.Messages, callMessages),
		Summary:           firstNonEmpty(analysis.Summary, string(w.Summary), callAnalysis.Summary),
		StructuredData:    firstObject(analysis.StructuredData, callAnalysis.StructuredData),
		SuccessEvaluation: firstNonEmpty(analysis.SuccessEvaluation, callAnalysis.SuccessEvaluation),
		CostBreakdown:     m.Call.CostBreakdown,
	}
	if r.CostBreakdown == nil {
		r.CostBreakdown = w.CostBreakdown.sane("costBreakdown", &m.Problems)
	}
	if len(r.StructuredData) > MaxStructuredDataBytes {
		r.StructuredData = nil
		m.Problems = append(m.Problems, "analysis.structuredData (too large)")
	}
	switch {
	case w.Cost == nil:
	case *w.Cost < 0:
		m.Problems = append(m.Problems, "cost (negative)")
	default:
		r.Cost = *w.Cost
	}
	if !r.StartedAt.IsZero() && !r.EndedAt.IsZero() && r.EndedAt.Before(r.StartedAt) {
		r.StartedAt, r.EndedAt = time.Time{}, time.Time{}
		m.Problems = append(m.Problems, "endedAt (before startedAt)")
	}
	switch {
	case !r.StartedAt.IsZero() && r.EndedAt.After(r.StartedAt):
		r.Duration = r.EndedAt.Sub(r.StartedAt)
	case w.DurationSeconds != nil && (*w.DurationSeconds < 0 || *w.DurationSeconds > maxCallDuration.Seconds()):
		m.Problems = append(m.Problems, "durationSeconds (out of range)")
	case w.DurationSeconds != nil:
		r.Duration = time.Duration(*w.DurationSeconds * float64(time.Second))
	}
	if r.Duration > maxCallDuration {
		r.Duration = 0
		m.Problems = append(m.Problems, "endedAt (longer after startedAt than a call can last)")
	}
	return r
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func firstArray(raws ...json.RawMessage) json.RawMessage {
	for _, r := range raws {
		if r = bytes.TrimSpace(r); len(r) > 0 && r[0] == '[' {
			return r
		}
	}
	return nil
}

func firstObject(raws ...json.RawMessage) json.RawMessage {
	for _, r := range raws {
		if r = bytes.TrimSpace(r); len(r) > 0 && r[0] == '{' {
			return r
		}
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// flexTime reads an instant sent as an ISO 8601 string, as epoch
// milliseconds (Vapi's message timestamp) or as a numeric string. Anything
// unreadable becomes the zero time rather than an error.
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return nil
		}
		s = strings.TrimSpace(s)
		if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
			*t = flexTime(v)
			return nil
		}
	}
	if ms, err := strconv.ParseFloat(s, 64); err == nil && ms > 0 {
		*t = flexTime(time.UnixMilli(int64(ms)).UTC())
	}
	return nil
}

// looseString reads a JSON string as itself and any other scalar as its JSON
// text; null becomes "".
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || b[0] == 'n':
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = looseString(v)
	case b[0] == '{' || b[0] == '[':
		return errors.New("want a string, not an object or array")
	default:
		*s = looseString(b)
	}
	return nil
}
