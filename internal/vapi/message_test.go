package vapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// composite is the real-payload shape from the API notes (§1).
const composite = `{"message":{"type":"tool-calls","timestamp":1728393715369,
 "toolCallList":[{"id":"call_mo4fzh29P7jhXSaIKn7Pkq1Y","type":"function",
   "function":{"name":"book-appointment","arguments":{"date":"2025-07-04","time":"11:00"}}}],
 "toolWithToolCallList":[{"type":"function","function":{"name":"book-appointment","parameters":{}},
   "server":{"url":"https://x/vapi/tools"},"messages":[],"async":false,
   "toolCall":{"id":"call_mo4fzh29P7jhXSaIKn7Pkq1Y","type":"function","function":{"name":"book-appointment","arguments":{}}}}],
 "call":{"id":"c1d2","orgId":"org-1","type":"inboundPhoneCall","status":"in-progress",
   "phoneNumberId":"pn-1","assistantId":"as-1","customer":{"number":"+15551234567","name":"Caller"},
   "phoneCallProvider":"twilio","phoneCallProviderId":"CA123","monitor":{"controlUrl":"https://ctl/c1d2/control"},
   "startedAt":"2025-07-01T15:00:00.000Z","cost":0.12},
 "assistant":{"id":"as-1","name":"Front desk","model":{"provider":"openai"}},
 "phoneNumber":{"id":"pn-1","number":"+15550000000","provider":"twilio"},
 "customer":{"number":"+15551234567"},"artifact":{"messages":[]}}}`

func TestParseMessageComposite(t *testing.T) {
	m, err := ParseMessage([]byte(composite))
	if err != nil {
		t.Fatal(err)
	}
	want := Call{
		ID: "c1d2", OrgID: "org-1", Type: "inboundPhoneCall", Status: "in-progress",
		PhoneNumberID: "pn-1", AssistantID: "as-1", Customer: Customer{Number: "+15551234567", Name: "Caller"},
		PhoneCallProvider: "twilio", PhoneCallProviderID: "CA123", Monitor: Monitor{ControlURL: "https://ctl/c1d2/control"},
		StartedAt: time.Date(2025, 7, 1, 15, 0, 0, 0, time.UTC), Cost: 0.12,
	}
	if !callEqual(m.Call, want) {
		t.Errorf("call = %+v\nwant %+v", m.Call, want)
	}
	if m.Type != TypeToolCalls || !m.Timestamp.Equal(time.UnixMilli(1728393715369)) {
		t.Errorf("type, timestamp = %q, %v", m.Type, m.Timestamp)
	}
	if m.PhoneNumber != (PhoneNumberRef{ID: "pn-1", Number: "+15550000000"}) || m.Assistant.ID != "as-1" || m.Customer.Number != "+15551234567" {
		t.Errorf("refs = %+v %+v %+v", m.PhoneNumber, m.Assistant, m.Customer)
	}
}

func callEqual(a, b Call) bool {
	return a.ID == b.ID && a.OrgID == b.OrgID && a.Type == b.Type && a.Status == b.Status &&
		a.PhoneNumberID == b.PhoneNumberID && a.AssistantID == b.AssistantID && a.Customer == b.Customer &&
		a.PhoneCallProvider == b.PhoneCallProvider && a.PhoneCallProviderID == b.PhoneCallProviderID &&
		a.Monitor == b.Monitor && a.StartedAt.Equal(b.StartedAt) && a.EndedAt.Equal(b.EndedAt) && a.Cost == b.Cost
}

func TestParseMessageErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not json":      `{"message":`,
		"no message":    `{}`,
		"null message":  `{"message":null}`,
		"no type":       `{"message":{"call":{"id":"x"}}}`,
		"message array": `{"message":[]}`,
		"type not text": `{"message":{"type":7}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseMessage([]byte(body)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// A part that cannot be read is left out and named; the rest is kept.
func TestParseMessageLeavesOutWhatItCannotRead(t *testing.T) {
	tests := []struct {
		name, message string
		check         func(*Message) bool
		problems      []string
	}{
		{"call not an object", `{"type":"tool-calls","call":"x","phoneNumber":{"id":"pn-1"}}`,
			func(m *Message) bool { return m.Call.ID == "" && m.PhoneNumberID() == "pn-1" }, []string{"call"}},
		{"a field of the call wrongly typed", `{"type":"status-update","status":"ended","call":{"id":"c","customer":{"number":15551234567},"cost":"x","monitor":{"controlUrl":"https://ctl"},"startedAt":1751382000000}}`,
			func(m *Message) bool {
				return m.Call.ID == "c" && m.Call.Customer.Number == "" && m.Call.Monitor.ControlURL == "https://ctl" &&
					m.Call.StartedAt.Equal(time.UnixMilli(1751382000000)) && m.Status == "ended"
			}, []string{"call.cost", "call.customer.number"}},
		{"status not text", `{"type":"status-update","status":{"x":1},"endedReason":"hangup","call":{"id":"c","status":"ended"}}`,
			func(m *Message) bool { return m.Status == "ended" && m.EndedReason == "hangup" }, []string{"status"}},
		{"the call ended before it started, at a negative cost", `{"type":"status-update","call":{"id":"c","startedAt":"2025-07-01T15:01:00Z","endedAt":"2025-07-01T15:00:00Z","cost":-5}}`,
			func(m *Message) bool { return m.Call.StartedAt.IsZero() && m.Call.EndedAt.IsZero() && m.Call.Cost == 0 },
			[]string{"call.endedAt (before startedAt)", "call.cost (negative)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":` + tt.message + `}`))
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(m.Problems)
			slices.Sort(tt.problems)
			if !tt.check(m) || !slices.Equal(m.Problems, tt.problems) {
				t.Fatalf("message %+v, problems %q; want problems %q", m, m.Problems, tt.problems)
			}
		})
	}
}

func TestTwilioCallSID(t *testing.T) {
	for _, tt := range []struct{ call, want string }{
		{`{"id":"c","transport":{"provider":"twilio","callSid":"CA-new"},"phoneCallProvider":"twilio","phoneCallProviderId":"CA-old"}`, "CA-new"},
		{`{"id":"c","phoneCallProvider":"twilio","phoneCallProviderId":"CA-old"}`, "CA-old"},
		{`{"id":"c","phoneCallProviderId":"CA-old"}`, "CA-old"},
		{`{"id":"c","phoneCallProvider":"vonage","phoneCallProviderId":"uuid"}`, ""},
		{`{"id":"c","type":"webCall"}`, ""},
	} {
		m, err := ParseMessage([]byte(`{"message":{"type":"status-update","call":` + tt.call + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Call.TwilioCallSID(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.call, got, tt.want)
		}
	}
}

func TestParseMessageRouting(t *testing.T) {
	tests := []struct {
		name                       string
		message                    string
		phoneNumber, assistant, cl string
	}{
		{"from call", `{"type":"x","call":{"phoneNumberId":"pn-c","assistantId":"as-c","customer":{"number":"+1c"}},
			"phoneNumber":{"id":"pn-m"},"assistant":{"id":"as-m"},"customer":{"number":"+1m"}}`, "pn-c", "as-c", "+1c"},
		{"from message", `{"type":"x","call":{"id":"c"},"phoneNumber":{"id":"pn-m"},"assistant":{"id":"as-m"},"customer":{"number":"+1m"}}`,
			"pn-m", "as-m", "+1m"},
		{"no call at all", `{"type":"assistant-request","phoneNumber":{"id":"pn-m","number":"+15550000000"}}`, "pn-m", "", ""},
		{"nothing", `{"type":"hang"}`, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":` + tt.message + `}`))
			if err != nil {
				t.Fatal(err)
			}
			if m.PhoneNumberID() != tt.phoneNumber || m.AssistantID() != tt.assistant || m.CallerNumber() != tt.cl {
				t.Errorf("PhoneNumberID, AssistantID, CallerNumber = %q, %q, %q; want %q, %q, %q",
					m.PhoneNumberID(), m.AssistantID(), m.CallerNumber(), tt.phoneNumber, tt.assistant, tt.cl)
			}
		})
	}
}

func TestParseMessageTypes(t *testing.T) {
	tests := []struct {
		message             string
		typ, status, reason string
	}{
		{`{"type":"status-update","status":"in-progress","call":{"id":"c"}}`, TypeStatusUpdate, "in-progress", ""},
		{`{"type":"status-update","status":"ended","endedReason":"customer-ended-call"}`, TypeStatusUpdate, "ended", "customer-ended-call"},
		{`{"type":"status-update","status":"ended","call":{"endedReason":"silence-timed-out"}}`, TypeStatusUpdate, "ended", "silence-timed-out"},
		{`{"type":"status-update","call":{"status":"ringing"}}`, TypeStatusUpdate, "ringing", ""},
		{`{"type":"status-update","status":"forwarding","destination":{"type":"number","number":"+15550000001"},"messages":[{}]}`, TypeStatusUpdate, "forwarding", ""},
		{`{"type":"end-of-call-report","endedReason":"assistant-ended-call","artifact":{},"analysis":{}}`, TypeEndOfCallReport, "", "assistant-ended-call"},
		{`{"type":"end-of-call-report","call":{"status":"ended","endedReason":"x"}}`, TypeEndOfCallReport, "ended", "x"},
		{`{"type":"assistant-request","call":{"id":"c","phoneNumberId":"p"}}`, TypeAssistantRequest, "", ""},
		{`{"type":"transfer-destination-request","call":{"id":"c"}}`, TypeTransferDestinationRequest, "", ""},
		// Unknown and informational types parse, whatever else they carry.
		{`{"type":"conversation-update","messages":[],"messagesOpenAIFormatted":[]}`, "conversation-update", "", ""},
		{`{"type":"transfer-update","status":{"odd":"shape"},"destination":{}}`, "transfer-update", "", ""},
		{`{"type":"some-future-type","whatever":[1,2,3]}`, "some-future-type", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":` + tt.message + `}`))
			if err != nil {
				t.Fatal(err)
			}
			if m.Type != tt.typ || m.Status != tt.status || m.EndedReason != tt.reason {
				t.Errorf("got %q %q %q, want %q %q %q", m.Type, m.Status, m.EndedReason, tt.typ, tt.status, tt.reason)
			}
		})
	}
}

func TestParseMessageTimes(t *testing.T) {
	at := time.Date(2025, 7, 1, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		fields string
		ts     time.Time
		start  time.Time
	}{
		{"ms number and ISO", `"timestamp":1751382000000,"call":{"startedAt":"2025-07-01T15:00:00.000Z"}`, at, at},
		{"float ms", `"timestamp":1751382000000.0,"call":{"startedAt":"2025-07-01T11:00:00-04:00"}`, at, at},
		{"numeric strings", `"timestamp":"1751382000000","call":{"startedAt":1751382000000}`, at, at},
		{"null and empty", `"timestamp":null,"call":{"startedAt":""}`, time.Time{}, time.Time{}},
		{"garbage is zero", `"timestamp":"yesterday","call":{"startedAt":"soon"}`, time.Time{}, time.Time{}},
		{"absent", `"call":{}`, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":{"type":"x",` + tt.fields + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			if !m.Timestamp.Equal(tt.ts) || !m.Call.StartedAt.Equal(tt.start) {
				t.Errorf("timestamp, startedAt = %v, %v; want %v, %v", m.Timestamp, m.Call.StartedAt, tt.ts, tt.start)
			}
		})
	}
}

func TestEndOfCallReport(t *testing.T) {
	start := time.Date(2025, 7, 1, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		message  string
		want     EndOfCallReport
		problems []string
	}{
		{
			name: "current shape",
			message: `{"type":"end-of-call-report","endedReason":"customer-ended-call",
				"startedAt":"2025-07-01T15:00:00.000Z","endedAt":"2025-07-01T15:02:30.500Z","cost":0.31,
				"artifact":{"transcript":"AI: Hi\nUser: Bye","recordingUrl":"https://rec/1.wav","messages":[{"role":"bot","message":"Hi"}]},
				"analysis":{"summary":"Booked a cleaning.","structuredData":{"booked":true},"successEvaluation":"true"},
				"transcript":"legacy","summary":"legacy","recordingUrl":"legacy","durationSeconds":9}`,
			want: EndOfCallReport{
				EndedReason: "customer-ended-call", StartedAt: start, EndedAt: start.Add(150*time.Second + 500*time.Millisecond),
				Duration: 150*time.Second + 500*time.Millisecond, Cost: 0.31,
				Transcript: "AI: Hi\nUser: Bye", RecordingURL: "https://rec/1.wav", Messages: json.RawMessage(`[{"role":"bot","message":"Hi"}]`),
				Summary: "Booked a cleaning.", StructuredData: json.RawMessage(`{"booked":true}`), SuccessEvaluation: "true",
			},
		},
		{
			name: "legacy top-level fields",
			message: `{"type":"end-of-call-report","endedReason":"hangup",
				"transcript":"AI: Hello","summary":"Asked about hours.","recordingUrl":"https://rec/2.wav",
				"messages":[{"role":"user"}],"durationSeconds":42.5}`,
			want: EndOfCallReport{
				EndedReason: "hangup", Duration: 42500 * time.Millisecond,
				Transcript: "AI: Hello", RecordingURL: "https://rec/2.wav", Messages: json.RawMessage(`[{"role":"user"}]`),
				Summary: "Asked about hours.",
			},
		},
		{
			name: "copies on the call",
			message: `{"type":"end-of-call-report","artifact":{},"analysis":{},
				"call":{"id":"c","endedReason":"silence-timed-out","startedAt":"2025-07-01T15:00:00Z","endedAt":"2025-07-01T15:01:00Z","cost":0.05,
				  "artifact":{"transcript":"AI: Hi","recordingUrl":"https://rec/3.wav"},
				  "analysis":{"summary":"Silent caller.","structuredData":{"x":1},"successEvaluation":false}}}`,
			want: EndOfCallReport{
				EndedReason: "silence-timed-out", StartedAt: start, EndedAt: start.Add(time.Minute), Duration: time.Minute, Cost: 0.05,
				Transcript: "AI: Hi", RecordingURL: "https://rec/3.wav", Summary: "Silent caller.",
				StructuredData: json.RawMessage(`{"x":1}`), SuccessEvaluation: "false",
			},
		},
		{
			name:    "explicit zero cost wins over the call's",
			message: `{"type":"end-of-call-report","endedReason":"x","cost":0,"call":{"cost":1.5},"artifact":{},"analysis":{"successEvaluation":8}}`,
			want:    EndOfCallReport{EndedReason: "x", SuccessEvaluation: "8"},
		},
		{
			name: "current recording fields win over the deprecated ones, which Vapi still sends",
			message: `{"type":"end-of-call-report","endedReason":"customer-ended-call",
				"artifact":{"recordingUrl":"https://old/mono.wav","stereoRecordingUrl":"https://old/stereo.wav",
				  "recording":{"stereoUrl":"https://new/stereo.wav","mono":{"combinedUrl":"https://new/mono.wav","assistantUrl":"https://new/a.wav","customerUrl":"https://new/c.wav"}}},
				"recordingUrl":"https://legacy/mono.wav","stereoRecordingUrl":"https://legacy/stereo.wav","analysis":{}}`,
			want: EndOfCallReport{EndedReason: "customer-ended-call", RecordingURL: "https://new/mono.wav", StereoRecordingURL: "https://new/stereo.wav"},
		},
		{
			name: "deprecated recording fields alone",
			message: `{"type":"end-of-call-report","artifact":{"recordingUrl":"https://old/mono.wav","stereoRecordingUrl":"https://old/stereo.wav"},"analysis":{},
				"call":{"id":"c","artifact":{"recording":{"mono":{"combinedUrl":"https://call/mono.wav"}}}}}`,
			want: EndOfCallReport{RecordingURL: "https://old/mono.wav", StereoRecordingURL: "https://old/stereo.wav"},
		},
		{
			name: "cost breakdown: the call's (OAS) over the top-level one (legacy)",
			message: `{"type":"end-of-call-report","artifact":{},"analysis":{},"costBreakdown":{"llm":9},
				"call":{"id":"c","costBreakdown":{"transport":0.01,"stt":0.02,"llm":0.05,"tts":0.03,"vapi":0.05,"total":0.16,"llmPromptTokens":1200,"ttsCharacters":800}}}`,
			want: EndOfCallReport{CostBreakdown: &CostBreakdown{Transport: ptr(0.01), STT: ptr(0.02), LLM: ptr(0.05), TTS: ptr(0.03), Vapi: ptr(0.05),
				Total: ptr(0.16), LLMPromptTokens: ptr(1200.0), TTSCharacters: ptr(800.0)}},
		},
		{
			name:     "ended before started: both times refused",
			message:  `{"type":"end-of-call-report","startedAt":"2025-07-01T15:01:00Z","endedAt":"2025-07-01T15:00:00Z","durationSeconds":30,"artifact":{},"analysis":{}}`,
			want:     EndOfCallReport{Duration: 30 * time.Second},
			problems: []string{"endedAt (before startedAt)"},
		},
		{
			name: "negative cost and breakdown parts, negative duration refused",
			message: `{"type":"end-of-call-report","cost":-5,"durationSeconds":-3,"costBreakdown":{"llm":-1,"tts":0.5},"artifact":{},"analysis":{},
				"call":{"id":"c","cost":-5}}`,
			want:     EndOfCallReport{CostBreakdown: &CostBreakdown{TTS: ptr(0.5)}},
			problems: []string{"call.cost (negative)", "costBreakdown.llm (negative)", "cost (negative)", "durationSeconds (out of range)"},
		},
		{
			name: "wrongly typed fields cost only themselves",
			message: `{"type":"end-of-call-report","endedReason":"hangup","cost":"0.3",
				"artifact":{"transcript":"AI: Hi","recording":"https://x","recordingUrl":42,"messages":[{"role":"bot"}]},
				"analysis":{"summary":123,"structuredData":{"ok":true},"successEvaluation":"PASS"}}`,
			want: EndOfCallReport{EndedReason: "hangup", Transcript: "AI: Hi", Messages: json.RawMessage(`[{"role":"bot"}]`),
				StructuredData: json.RawMessage(`{"ok":true}`), SuccessEvaluation: "PASS"},
			problems: []string{"cost", "artifact.recording", "artifact.recordingUrl", "analysis.summary"},
		},
		{
			name:     "a recording URL that is not a web address is refused",
			message:  `{"type":"end-of-call-report","artifact":{"recording":{"mono":{"combinedUrl":"javascript:alert(1)"}},"recordingUrl":"https://ok/1.wav"},"analysis":{}}`,
			want:     EndOfCallReport{RecordingURL: "https://ok/1.wav"},
			problems: []string{"recordingUrl (not a web address)"},
		},
		{
			name: "structured data past the limit, a duration past any call's",
			message: `{"type":"end-of-call-report","durationSeconds":1e300,"artifact":{},
				"analysis":{"summary":"Kept.","structuredData":{"notes":"` + strings.Repeat("x", MaxStructuredDataBytes) + `"}}}`,
			want:     EndOfCallReport{Summary: "Kept."},
			problems: []string{"analysis.structuredData (too large)", "durationSeconds (out of range)"},
		},
		{
			name:     "artifact not an object",
			message:  `{"type":"end-of-call-report","artifact":"nope","analysis":{"summary":"Kept."}}`,
			want:     EndOfCallReport{Summary: "Kept."},
			problems: []string{"artifact"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":` + tt.message + `}`))
			if err != nil {
				t.Fatal(err)
			}
			got := m.EndOfCallReport()
			if !reportEqual(got, tt.want) {
				t.Errorf("report =\n%+v\nwant\n%+v", got, tt.want)
			}
			if !slices.Equal(m.Problems, tt.problems) {
				t.Errorf("problems = %q, want %q", m.Problems, tt.problems)
			}
		})
	}
}

func reportEqual(a, b EndOfCallReport) bool {
	return a.EndedReason == b.EndedReason && a.StartedAt.Equal(b.StartedAt) && a.EndedAt.Equal(b.EndedAt) &&
		a.Duration == b.Duration && a.Cost == b.Cost && a.Transcript == b.Transcript && a.RecordingURL == b.RecordingURL &&
		string(a.Messages) == string(b.Messages) && a.Summary == b.Summary &&
		string(a.StructuredData) == string(b.StructuredData) && a.SuccessEvaluation == b.SuccessEvaluation &&
		a.StereoRecordingURL == b.StereoRecordingURL && reflect.DeepEqual(a.CostBreakdown, b.CostBreakdown)
}
