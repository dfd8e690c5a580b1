package vapitest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// Call describes one phone call, for building the server messages Vapi
// would post about it and for SeedCall. Empty fields are left out of the
// payloads, except ID (a fresh uuid per payload: set it to correlate
// several), Type ("inboundPhoneCall") and Status (per message).
type Call struct {
	ID    string
	OrgID string
	// Type is inboundPhoneCall (the default), outboundPhoneCall or webCall;
	// a web call has no telephony and, unless CustomerNumber is set, no
	// caller number.
	Type           string
	Status         string
	PhoneNumberID  string
	PhoneNumber    string // the number called, E.164
	AssistantID    string
	CustomerNumber string // the caller, E.164
	// TwilioCallSID is sent as call.transport.callSid and as the deprecated
	// call.phoneCallProviderId, as Vapi does.
	TwilioCallSID string
	ControlURL    string
	StartedAt     time.Time
	EndedAt       time.Time
	EndedReason   string
	Cost          float64
}

// ToolCall is one call in a tool-calls message.
type ToolCall struct {
	ID   string // "call_" + 24 random characters when empty
	Name string
	// Arguments is marshaled to JSON; nil sends {}.
	Arguments any
	// StringArguments sends the arguments as a JSON-encoded string, as the
	// current OpenAPI spec describes, instead of the object seen in real
	// payloads.
	StringArguments bool
}

// Report is the content of an end-of-call-report.
type Report struct {
	EndedReason string // "customer-ended-call" when empty
	Transcript  string
	Summary     string
	// RecordingURL is sent as artifact.recording.mono.combinedUrl and as the
	// deprecated artifact.recordingUrl; StereoRecordingURL as
	// artifact.recording.stereoUrl and artifact.stereoRecordingUrl.
	RecordingURL       string
	StereoRecordingURL string
	StructuredData     map[string]any
	SuccessEvaluation  string
	Cost               float64
	// CostBreakdown (OAS CostBreakdown: transport, stt, llm, tts, vapi,
	// total, llmPromptTokens, ...) is sent on the call, as the OpenAPI spec
	// has it, and at the top level, as the legacy payloads do.
	CostBreakdown map[string]float64
	// Messages are artifact.messages, e.g. {"role":"bot","message":"Hi"}.
	Messages []map[string]any
}

// ToolCalls is a tool-calls message carrying calls, in the shape of Vapi's
// OpenAPI ServerMessageToolCalls: both toolCallList and toolWithToolCallList,
// plus the call, assistant, phone number and customer. It panics if a
// call's Arguments cannot be marshaled.
func (c Call) ToolCalls(at time.Time, calls ...ToolCall) []byte {
	list := make([]any, 0, len(calls))
	withTool := make([]any, 0, len(calls))
	for _, tc := range calls {
		if tc.ID == "" {
			tc.ID = "call_" + randomID(24)
		}
		args, err := json.Marshal(tc.Arguments)
		if err != nil {
			panic(fmt.Sprintf("vapitest: tool call %s: arguments: %v", tc.Name, err))
		}
		if tc.Arguments == nil {
			args = []byte("{}")
		}
		var argsValue any = json.RawMessage(args)
		if tc.StringArguments {
			argsValue = string(args)
		}
		call := map[string]any{
			"id": tc.ID, "type": "function",
			"function": map[string]any{"name": tc.Name, "arguments": argsValue},
		}
		list = append(list, call)
		withTool = append(withTool, map[string]any{
			"type":     "function",
			"function": map[string]any{"name": tc.Name, "parameters": map[string]any{"type": "object", "properties": map[string]any{}}},
			"messages": []any{},
			"async":    false,
			"toolCall": call,
		})
	}
	c = c.withDefaults("in-progress")
	m := c.envelope("tool-calls", at)
	m["toolCallList"] = list
	m["toolWithToolCallList"] = withTool
	m["artifact"] = map[string]any{"messages": []any{}}
	return wrap(m)
}

// AssistantRequest is the assistant-request Vapi sends for a number with no
// assistant: the call has no assistantId yet.
func (c Call) AssistantRequest(at time.Time) []byte {
	c.AssistantID = ""
	return wrap(c.withDefaults("ringing").envelope("assistant-request", at))
}

// TransferDestinationRequest is sent when a transferCall tool has no
// destination.
func (c Call) TransferDestinationRequest(at time.Time) []byte {
	return wrap(c.withDefaults("in-progress").envelope("transfer-destination-request", at))
}

// StatusUpdate reports the call's new status; endedReason is sent only with
// status "ended", as Vapi does.
func (c Call) StatusUpdate(at time.Time, status, endedReason string) []byte {
	c.Status = status
	if status == "ended" {
		c.EndedReason = endedReason
		if c.EndedAt.IsZero() {
			c.EndedAt = at
		}
	}
	m := c.withDefaults(status).envelope("status-update", at)
	m["status"] = status
	if status == "ended" && endedReason != "" {
		m["endedReason"] = endedReason
	}
	return wrap(m)
}

// EndOfCallReport is the report Vapi sends after the call. EndedAt defaults
// to at and StartedAt to a minute before it.
func (c Call) EndOfCallReport(at time.Time, r Report) []byte {
	if r.EndedReason == "" {
		r.EndedReason = "customer-ended-call"
	}
	if c.EndedAt.IsZero() {
		c.EndedAt = at
	}
	if c.StartedAt.IsZero() {
		c.StartedAt = c.EndedAt.Add(-time.Minute)
	}
	c.EndedReason, c.Cost = r.EndedReason, r.Cost
	m := c.withDefaults("ended").envelope("end-of-call-report", at)
	artifact := map[string]any{"messages": []any{}}
	if r.Messages != nil {
		artifact["messages"] = r.Messages
	}
	if r.Transcript != "" {
		artifact["transcript"] = r.Transcript
	}
	recording := map[string]any{}
	if r.RecordingURL != "" {
		artifact["recordingUrl"] = r.RecordingURL
		recording["mono"] = map[string]any{"combinedUrl": r.RecordingURL}
	}
	if r.StereoRecordingURL != "" {
		artifact["stereoRecordingUrl"] = r.StereoRecordingURL
		recording["stereoUrl"] = r.StereoRecordingURL
	}
	if len(recording) > 0 {
		artifact["recording"] = recording
	}
	analysis := map[string]any{}
	if r.Summary != "" {
		analysis["summary"] = r.Summary
	}
	if r.StructuredData != nil {
		analysis["structuredData"] = r.StructuredData
	}
	if r.SuccessEvaluation != "" {
		analysis["successEvaluation"] = r.SuccessEvaluation
	}
	m["endedReason"] = r.EndedReason
	m["artifact"] = artifact
	m["analysis"] = analysis
	m["startedAt"] = isoTime(c.StartedAt)
	m["endedAt"] = isoTime(c.EndedAt)
	m["cost"] = r.Cost
	if r.CostBreakdown != nil {
		m["costBreakdown"] = r.CostBreakdown
		m["call"].(map[string]any)["costBreakdown"] = r.CostBreakdown
	}
	return wrap(m)
}

func (c Call) withDefaults(status string) Call {
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	if c.Type == "" {
		c.Type = "inboundPhoneCall"
	}
	if c.Status == "" {
		c.Status = status
	}
	return c
}

// envelope is the part every server message shares.
func (c Call) envelope(typ string, at time.Time) map[string]any {
	m := map[string]any{"type": typ, "timestamp": at.UnixMilli(), "call": c.object()}
	if c.AssistantID != "" {
		m["assistant"] = map[string]any{"id": c.AssistantID}
	}
	if c.PhoneNumberID != "" || c.PhoneNumber != "" {
		pn := map[string]any{"provider": "twilio"}
		setIf(pn, "id", c.PhoneNumberID)
		setIf(pn, "number", c.PhoneNumber)
		m["phoneNumber"] = pn
	}
	if c.CustomerNumber != "" {
		m["customer"] = map[string]any{"number": c.CustomerNumber}
	}
	return m
}

// object is the call as Vapi's Call schema.
func (c Call) object() map[string]any {
	c = c.withDefaults("in-progress")
	o := map[string]any{"id": c.ID, "type": c.Type, "status": c.Status}
	setIf(o, "orgId", c.OrgID)
	setIf(o, "phoneNumberId", c.PhoneNumberID)
	setIf(o, "assistantId", c.AssistantID)
	setIf(o, "endedReason", c.EndedReason)
	if c.Type == "inboundPhoneCall" || c.Type == "outboundPhoneCall" {
		o["phoneCallProvider"], o["phoneCallTransport"] = "twilio", "pstn"
		setIf(o, "phoneCallProviderId", c.TwilioCallSID)
		transport := map[string]any{"provider": "twilio"}
		setIf(transport, "callSid", c.TwilioCallSID)
		o["transport"] = transport
	}
	if c.CustomerNumber != "" {
		o["customer"] = map[string]any{"number": c.CustomerNumber}
	}
	if c.ControlURL != "" {
		o["monitor"] = map[string]any{"controlUrl": c.ControlURL}
	}
	if !c.StartedAt.IsZero() {
		o["startedAt"] = isoTime(c.StartedAt)
	}
	if !c.EndedAt.IsZero() {
		o["endedAt"] = isoTime(c.EndedAt)
	}
	if c.Cost != 0 {
		o["cost"] = c.Cost
	}
	return o
}

func setIf(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func wrap(m map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"message": m})
	if err != nil {
		panic(fmt.Sprintf("vapitest: encode %v message: %v", m["type"], err))
	}
	return b
}

func randomID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rand.N(len(alphabet))]
	}
	return string(b)
}
