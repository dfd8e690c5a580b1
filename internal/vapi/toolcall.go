package vapi

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

// ToolCalls returns the message's tool calls in the order Vapi listed them.
// They are read from toolCallList, else from toolWithToolCallList (where a
// call may carry only its id and arguments, the tool's name being on the
// outer object), else from the legacy toolCalls. A call is read from OAS's
// {id, type, function{name, arguments}} or the docs' {id, name,
// arguments|parameters}. A list that is not an array, or an item without an
// id (which no answer could name), is left out and added to m.Problems. How
// many calls one message may carry is the receptionist's rule
// (receptionist.MaxToolCalls); the body limit bounds what is read here.
func (m *Message) ToolCalls() []ToolCall {
	var calls []ToolCall
	for _, list := range []struct {
		name     string
		raw      json.RawMessage
		withTool bool
	}{
		{"toolCallList", m.toolLists.list, false},
		{"toolWithToolCallList", m.toolLists.withTool, true},
		{"toolCalls", m.toolLists.legacy, false},
	} {
		if isNull(list.raw) {
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(list.raw, &items); err != nil {
			m.Problems = append(m.Problems, list.name+" (not an array)")
			continue
		}
		for i, raw := range items {
			path := fmt.Sprintf("%s[%d]", list.name, i)
			var tc ToolCall
			var ok bool
			if list.withTool {
				tc, ok = m.readToolWithCall(raw, path)
			} else {
				tc, ok = m.readToolCall(raw, path)
			}
			if ok {
				calls = append(calls, tc)
			}
		}
		if len(calls) > 0 {
			break
		}
	}
	return calls
}

// readToolCall reads one item of toolCallList or toolCalls.
func (m *Message) readToolCall(raw json.RawMessage, path string) (ToolCall, bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		m.Problems = append(m.Problems, path+" (not an object)")
		return ToolCall{}, false
	}
	id, ok := stringField(fields, "id")
	if !ok || id == "" {
		m.Problems = append(m.Problems, path+".id")
		return ToolCall{}, false
	}
	name, args := m.nameAndArguments(fields, path)
	return newToolCall(id, name, args), true
}

// readToolWithCall reads one item of toolWithToolCallList: the tool, with
// the call under toolCall.
func (m *Message) readToolWithCall(raw json.RawMessage, path string) (ToolCall, bool) {
	var outer map[string]json.RawMessage
	if json.Unmarshal(raw, &outer) != nil {
		m.Problems = append(m.Problems, path+" (not an object)")
		return ToolCall{}, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(outer["toolCall"], &fields) != nil || fields == nil {
		m.Problems = append(m.Problems, path+".toolCall")
		return ToolCall{}, false
	}
	id, ok := stringField(fields, "id")
	if !ok || id == "" {
		m.Problems = append(m.Problems, path+".toolCall.id")
		return ToolCall{}, false
	}
	name, args := m.nameAndArguments(fields, path+".toolCall")
	if name == "" {
		// The tool's own parameters are its JSON Schema, never arguments:
		// only its name is read.
		name, _ = m.nameAndArguments(outer, path)
	}
	return newToolCall(id, name, args), true
}

// nameAndArguments reads a call's name and arguments from function.name and
// function.arguments|parameters, else from name and arguments|parameters.
func (m *Message) nameAndArguments(fields map[string]json.RawMessage, path string) (string, json.RawMessage) {
	var fn map[string]json.RawMessage
	if raw, ok := fields["function"]; ok && !isNull(raw) {
		if json.Unmarshal(raw, &fn) != nil {
			m.Problems = append(m.Problems, path+".function")
		}
	}
	name, ok := stringField(fn, "name")
	if !ok {
		m.Problems = append(m.Problems, path+".function.name")
	}
	if name == "" {
		if name, ok = stringField(fields, "name"); !ok {
			m.Problems = append(m.Problems, path+".name")
		}
	}
	return name, pickArguments(fn["arguments"], fn["parameters"], fields["arguments"], fields["parameters"])
}

// stringField reads fields[key] as a string: "" and true when absent or
// null, false when it is something else.
func stringField(fields map[string]json.RawMessage, key string) (string, bool) {
	raw, present := fields[key]
	if !present || isNull(raw) {
		return "", true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func newToolCall(id, name string, args json.RawMessage) ToolCall {
	tc := ToolCall{ID: id, Name: name}
	tc.Arguments, tc.argErr = normalizeArguments(args)
	if tc.argErr != nil {
		tc.Arguments = json.RawMessage(`{}`)
	}
	return tc
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
		return "vapi: " + e.Problem
	}
	return fmt.Sprintf("vapi: argument %s: %s", e.Field, e.Problem)
}
