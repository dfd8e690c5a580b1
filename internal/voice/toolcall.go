package voice

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ToolCall is one function call the assistant asks us to run.
type ToolCall struct {
	// ID must be echoed exactly as ToolCallResult.ToolCallID.
	ID   string
	Name string
	// Arguments is always a JSON object: "{}" when Vapi sent none, or when
	// what it sent could not be read (Decode then reports why).
	Arguments json.RawMessage

	argErr error
}

// Decode decodes the call's arguments into v leniently (see DecodeArguments).
// It reports an *ArgumentError when Vapi's arguments were not a JSON object.
func (tc ToolCall) Decode(v any) error {
	if tc.argErr != nil {
		return tc.argErr
	}
	return DecodeArguments(tc.Arguments, v)
}

// wireToolCall covers every shape a tool call has been seen in: OAS's
// {id, type, function{name, arguments}} and the docs' {id, name,
// arguments|parameters}.
type wireToolCall struct {
	ID       string `json:"id"`
	Function *struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
	Name       string          `json:"name"`
	Arguments  json.RawMessage `json:"arguments"`
	Parameters json.RawMessage `json:"parameters"`
}

// ToolCalls returns the message's tool calls in the order Vapi listed them.
// They are read from toolCallList, else from toolWithToolCallList[].toolCall,
// else from the legacy toolCalls. A message without tool calls yields none.
// An error means the list itself is malformed (not an array, or a call
// without an id), so no call can be answered.
func (m *Message) ToolCalls() ([]ToolCall, error) {
	var w struct {
		ToolCallList         []json.RawMessage
		ToolWithToolCallList []struct {
			ToolCall json.RawMessage `json:"toolCall"`
		}
		ToolCalls []json.RawMessage
	}
	for _, part := range []struct {
		raw json.RawMessage
		dst any
	}{
		{m.toolLists.list, &w.ToolCallList},
		{m.toolLists.withTool, &w.ToolWithToolCallList},
		{m.toolLists.legacy, &w.ToolCalls},
	} {
		if isNull(part.raw) {
			continue
		}
		if err := json.Unmarshal(part.raw, part.dst); err != nil {
			return nil, fmt.Errorf("voice: parse tool calls: %w", err)
		}
	}
	list := w.ToolCallList
	if len(list) == 0 {
		for _, t := range w.ToolWithToolCallList {
			if !isNull(t.ToolCall) {
				list = append(list, t.ToolCall)
			}
		}
	}
	if len(list) == 0 {
		list = w.ToolCalls
	}
	calls := make([]ToolCall, 0, len(list))
	for i, raw := range list {
		var c wireToolCall
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("voice: parse tool call %d: %w", i, err)
		}
		if c.ID == "" {
			return nil, fmt.Errorf("voice: parse tool call %d: no id", i)
		}
		tc := ToolCall{ID: c.ID, Name: c.Name}
		args := [3]json.RawMessage{nil, c.Arguments, c.Parameters}
		if c.Function != nil {
			tc.Name = firstNonEmpty(c.Function.Name, c.Name)
			args[0] = c.Function.Arguments
		}
		tc.Arguments, tc.argErr = normalizeArguments(pickArguments(args[:]...))
		if tc.argErr != nil {
			tc.Arguments = json.RawMessage(`{}`)
		}
		calls = append(calls, tc)
	}
	return calls, nil
}

// pickArguments returns the first candidate that carries something: not
// absent, not null, not an empty string.
func pickArguments(candidates ...json.RawMessage) json.RawMessage {
	for _, c := range candidates {
		c = bytes.TrimSpace(c)
		if isNull(c) || bytes.Equal(c, []byte(`""`)) {
			continue
		}
		return c
	}
	return nil
}

// normalizeArguments turns arguments sent as an object, as a JSON-encoded
// string (the current OAS), or as nothing into a compact JSON object.
func normalizeArguments(raw json.RawMessage) (json.RawMessage, error) {
	for range 3 { // an object, a string holding one, or (seen from LLMs) a string holding that
		raw = bytes.TrimSpace(raw)
		if isNull(raw) {
			return json.RawMessage(`{}`), nil
		}
		switch raw[0] {
		case '{':
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				return nil, &ArgumentError{Problem: "arguments are not valid JSON"}
			}
			return buf.Bytes(), nil
		case '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, &ArgumentError{Problem: "arguments are not valid JSON"}
			}
			raw = json.RawMessage(s)
		default:
			return nil, &ArgumentError{Problem: "arguments are not a JSON object"}
		}
	}
	return nil, &ArgumentError{Problem: "arguments are not a JSON object"}
}

// ArgumentError says why a tool call's arguments could not be decoded. It
// names the argument and the problem, never the value, which may be patient
// data; its text is fit to hand back to the model as a tool error.
type ArgumentError struct {
	Field   string // "" when the problem is with the arguments as a whole
	Problem string
}

func (e *ArgumentError) Error() string {
	if e.Field == "" {
		return "voice: " + e.Problem
	}
	return fmt.Sprintf("voice: argument %s: %s", e.Field, e.Problem)
}
