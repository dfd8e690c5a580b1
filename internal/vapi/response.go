package vapi

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ToolCallResult answers one tool call. Vapi wants result and error as
// single-line strings; MarshalJSON collapses line breaks, and always sends
// result when there is no error (an answer with neither reads to Vapi as
// "no result returned").
type ToolCallResult struct {
	ToolCallID string `json:"toolCallId"`
	Name       string `json:"name"`
	Result     string `json:"result,omitempty"`
	// Error makes Vapi speak the tool's request-failed message (or let the
	// model explain); a Result starting "Error:" would not.
	Error string `json:"error,omitempty"`
}

// MarshalJSON writes {"toolCallId","name","result"|"error"} on one line.
// It is written by hand: every tool call's answer goes through it while the
// caller waits.
func (r ToolCallResult) MarshalJSON() ([]byte, error) {
	return r.appendJSON(make([]byte, 0, 64+len(r.Result)+len(r.Error))), nil
}

func (r ToolCallResult) appendJSON(b []byte) []byte {
	b = append(b, `{"toolCallId":`...)
	b = appendString(b, r.ToolCallID)
	b = append(b, `,"name":`...)
	b = appendString(b, r.Name)
	errText := singleLine(r.Error)
	if res := singleLine(r.Result); res != "" || errText == "" {
		b = append(b, `,"result":`...)
		b = appendString(b, res)
	}
	if errText != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, errText)
	}
	return append(b, '}')
}

// appendString appends s as a JSON string, escaped as encoding/json would
// (without HTML escaping: a model reads it, not a browser).
func appendString(b []byte, s string) []byte {
	if needsEscape(s) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// needsEscape reports whether s has anything JSON must escape: quotes,
// backslashes, control characters, invalid UTF-8 or the line separators.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// ToolCallsResponse is the body of our reply to a tool-calls message.
type ToolCallsResponse struct {
	Results []ToolCallResult `json:"results"`
}

// MarshalJSON always writes results as an array, [] when there are none:
// Vapi rejects null or an object there.
func (r ToolCallsResponse) MarshalJSON() ([]byte, error) {
	size := 16
	for _, x := range r.Results {
		size += 64 + len(x.Result) + len(x.Error)
	}
	b := append(make([]byte, 0, size), `{"results":[`...)
	for i, x := range r.Results {
		if i > 0 {
			b = append(b, ',')
		}
		b = x.appendJSON(b)
	}
	return append(b, "]}"...), nil
}

// Respond answers calls in their order, one result each. The result's
// ToolCallID and Name are taken from the call whatever answer returns, so a
// result can never carry a wrong or prefixed id.
func Respond(calls []ToolCall, answer func(ToolCall) ToolCallResult) ToolCallsResponse {
	resp := ToolCallsResponse{Results: make([]ToolCallResult, 0, len(calls))}
	for _, c := range calls {
		r := answer(c)
		r.ToolCallID, r.Name = c.ID, c.Name
		resp.Results = append(resp.Results, r)
	}
	return resp
}

// Result answers call with v: a string as it is, anything else as its JSON
// text (one line, no HTML escaping, since a model reads it).
func Result(call ToolCall, v any) ToolCallResult {
	r := ToolCallResult{ToolCallID: call.ID, Name: call.Name}
	switch x := v.(type) {
	case string:
		r.Result = x
		return r
	case json.RawMessage:
		var buf bytes.Buffer
		if err := json.Compact(&buf, x); err == nil {
			r.Result = buf.String()
			return r
		}
		r.Error = "internal error: the result could not be encoded"
		return r
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		r.Error = "internal error: the result could not be encoded"
		return r
	}
	r.Result = strings.TrimSuffix(buf.String(), "\n")
	return r
}

// ErrorResult answers call with a failure the assistant should tell the
// caller about.
func ErrorResult(call ToolCall, message string) ToolCallResult {
	return ToolCallResult{ToolCallID: call.ID, Name: call.Name, Error: message}
}

const lineBreaks = "\n\r\v\f\u0085\u2028\u2029"

// singleLine joins lines with single spaces: every run of white space that
// contains a line break (\n, \r, \v, \f, U+0085, U+2028, U+2029) becomes one
// space, and the ends are trimmed.
func singleLine(s string) string {
	if !strings.ContainsAny(s, lineBreaks) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	runStart, inRun, runBreaks := 0, false, false
	flush := func(end int) {
		if runBreaks {
			b.WriteByte(' ')
		} else {
			b.WriteString(s[runStart:end])
		}
	}
	for i, r := range s {
		if unicode.IsSpace(r) {
			if !inRun {
				runStart, inRun, runBreaks = i, true, false
			}
			if strings.ContainsRune(lineBreaks, r) {
				runBreaks = true
			}
			continue
		}
		if inRun {
			flush(i)
			inRun = false
		}
		b.WriteRune(r)
	}
	if inRun {
		flush(len(s))
	}
	return strings.TrimSpace(b.String())
}

// AssistantRequestResponse answers an assistant-request: set exactly one of
// AssistantID, Assistant, Destination or Error.
type AssistantRequestResponse struct {
	AssistantID string     `json:"assistantId,omitempty"`
	Assistant   *Assistant `json:"assistant,omitempty"`
	// AssistantOverrides fills the assistant's {{template}} variables for
	// this call; never put patient data here (Vapi's HIPAA guidance).
	AssistantOverrides *AssistantOverrides `json:"assistantOverrides,omitempty"`
	// Destination transfers the call at once, without an assistant.
	Destination *TransferDestination `json:"destination,omitempty"`
	// Error rejects the call; Vapi speaks it to the caller.
	Error string `json:"error,omitempty"`
}

// AssistantOverrides overrides an assistant's settings for one call.
type AssistantOverrides struct {
	VariableValues map[string]any `json:"variableValues,omitempty"`
}

// TransferDestination is a phone number to transfer a call to.
type TransferDestination struct {
	Type   string `json:"type"` // "number"
	Number string `json:"number"`
	// Message is spoken to the caller before connecting; "" lets Vapi use
	// its default.
	Message     string `json:"message,omitempty"`
	Extension   string `json:"extension,omitempty"`
	CallerID    string `json:"callerId,omitempty"`
	Description string `json:"description,omitempty"`
}

// NumberDestination is a transfer to an E.164 number.
func NumberDestination(number, message string) *TransferDestination {
	return &TransferDestination{Type: "number", Number: number, Message: message}
}

// TransferDestinationResponse answers a transfer-destination-request: a
// Destination (and optionally a Message spoken meanwhile), or an Error.
type TransferDestinationResponse struct {
	Destination *TransferDestination `json:"destination,omitempty"`
	Message     *ToolMessage         `json:"message,omitempty"`
	Error       string               `json:"error,omitempty"`
}
