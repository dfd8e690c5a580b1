package vapi

import (
	"errors"
	"slices"
	"testing"
)

type call struct{ id, name, args string }

func TestToolCalls(t *testing.T) {
	tests := []struct {
		name    string
		message string
		want    []call
	}{
		{
			name:    "toolCallList, function form, object arguments",
			message: `"toolCallList":[{"id":"a","type":"function","function":{"name":"check-availability","arguments":{"date_from":"2026-12-01", "max_results": 3}}}]`,
			want:    []call{{"a", "check-availability", `{"date_from":"2026-12-01","max_results":3}`}},
		},
		{
			name:    "string arguments (current OAS)",
			message: `"toolCallList":[{"id":"a","type":"function","function":{"name":"take-message","arguments":"{\"message\":\"call me\"}"}}]`,
			want:    []call{{"a", "take-message", `{"message":"call me"}`}},
		},
		{
			name:    "doubly encoded string arguments",
			message: `"toolCallList":[{"id":"a","function":{"name":"n","arguments":"\"{\\\"x\\\":1}\""}}]`,
			want:    []call{{"a", "n", `{"x":1}`}},
		},
		{
			name: "null, empty, blank and missing arguments",
			message: `"toolCallList":[{"id":"a","function":{"name":"n","arguments":null}},{"id":"b","function":{"name":"n","arguments":""}},
				{"id":"c","function":{"name":"n","arguments":"  "}},{"id":"d","function":{"name":"n"}},{"id":"e","function":{"name":"n","arguments":{}}}]`,
			want: []call{{"a", "n", `{}`}, {"b", "n", `{}`}, {"c", "n", `{}`}, {"d", "n", `{}`}, {"e", "n", `{}`}},
		},
		{
			name:    "top-level name and arguments (custom-tools docs)",
			message: `"toolCallList":[{"id":"a","name":"get-patient-info","arguments":{"last_name":"X"}}]`,
			want:    []call{{"a", "get-patient-info", `{"last_name":"X"}`}},
		},
		{
			name:    "top-level parameters (events docs)",
			message: `"toolCallList":[{"id":"a","name":"take-message","parameters":{"message":"hi"}}]`,
			want:    []call{{"a", "take-message", `{"message":"hi"}`}},
		},
		{
			name:    "function.name wins over name; function.arguments over arguments and parameters",
			message: `"toolCallList":[{"id":"a","name":"old","arguments":{"v":2},"parameters":{"v":3},"function":{"name":"new","arguments":{"v":1}}}]`,
			want:    []call{{"a", "new", `{"v":1}`}},
		},
		{
			name:    "empty function.name falls back to name, null function.arguments to arguments",
			message: `"toolCallList":[{"id":"a","name":"n","arguments":"{\"v\":2}","function":{"name":"","arguments":null}}]`,
			want:    []call{{"a", "n", `{"v":2}`}},
		},
		{
			name:    "empty-string arguments fall back to parameters",
			message: `"toolCallList":[{"id":"a","name":"n","arguments":"","parameters":{"v":3}}]`,
			want:    []call{{"a", "n", `{"v":3}`}},
		},
		{
			name: "toolWithToolCallList when toolCallList is missing",
			message: `"toolWithToolCallList":[{"type":"function","function":{"name":"n","parameters":{"type":"object"}},
				"toolCall":{"id":"a","type":"function","function":{"name":"n","arguments":{"v":1}}}},
				{"type":"function","function":{"name":"m"},"toolCall":{"id":"b","function":{"name":"m","arguments":"{}"}}}]`,
			want: []call{{"a", "n", `{"v":1}`}, {"b", "m", `{}`}},
		},
		{
			name: "toolWithToolCallList only, the name on the tool, arguments as toolCall.function.parameters or toolCall.parameters",
			message: `"toolWithToolCallList":[{"type":"function","function":{"name":"take-message","parameters":{"type":"object","properties":{"message":{"type":"string"}}}},
				"server":{"url":"https://x/webhooks/vapi"},"messages":[],"async":false,
				"toolCall":{"id":"a","type":"function","function":{"parameters":{"message":"hi"}}}},
				{"type":"function","function":{"name":"transfer-to-human","parameters":{"type":"object"}},"toolCall":{"id":"b","parameters":{"reason":"billing"}}}]`,
			want: []call{{"a", "take-message", `{"message":"hi"}`}, {"b", "transfer-to-human", `{"reason":"billing"}`}},
		},
		{
			name:    "toolWithToolCallList when toolCallList is empty",
			message: `"toolCallList":[],"toolWithToolCallList":[{"toolCall":{"id":"a","function":{"name":"n"}}}]`,
			want:    []call{{"a", "n", `{}`}},
		},
		{
			name:    "legacy toolCalls",
			message: `"toolCalls":[{"id":"a","type":"function","function":{"name":"n","arguments":{"v":1}}}]`,
			want:    []call{{"a", "n", `{"v":1}`}},
		},
		{
			name: "toolCallList wins over the others; order kept",
			message: `"toolCallList":[{"id":"3","function":{"name":"c"}},{"id":"1","function":{"name":"a"}},{"id":"2","function":{"name":"b"}}],
				"toolWithToolCallList":[{"toolCall":{"id":"x","function":{"name":"x"}}}],"toolCalls":[{"id":"y","function":{"name":"y"}}]`,
			want: []call{{"3", "c", `{}`}, {"1", "a", `{}`}, {"2", "b", `{}`}},
		},
		{
			name:    "no tool calls",
			message: `"call":{"id":"c"}`,
			want:    []call{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":{"type":"tool-calls",` + tt.message + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			calls := m.ToolCalls()
			if len(m.Problems) != 0 {
				t.Errorf("problems %v", m.Problems)
			}
			if len(calls) != len(tt.want) {
				t.Fatalf("got %d calls, want %d: %+v", len(calls), len(tt.want), calls)
			}
			for i, c := range calls {
				if got := (call{c.ID, c.Name, string(c.Arguments)}); got != tt.want[i] {
					t.Errorf("call %d = %+v, want %+v", i, got, tt.want[i])
				}
				var v map[string]any
				if err := c.Decode(&v); err != nil {
					t.Errorf("call %d: Decode: %v", i, err)
				}
			}
		})
	}
}

// What can be answered of a malformed list is; the rest is named in
// Problems, never quoted.
func TestToolCallsMalformedList(t *testing.T) {
	tests := []struct {
		name, fields string
		ids          []string
		problems     []string
	}{
		{"list not an array", `"toolCallList":{"id":"a"}`, nil, []string{"toolCallList (not an array)"}},
		{"list not an array, the other list good", `"toolCallList":"nope","toolWithToolCallList":[{"function":{"name":"n"},"toolCall":{"id":"w1"}}]`,
			[]string{"w1"}, []string{"toolCallList (not an array)"}},
		{"call not an object", `"toolCallList":["secret",{"id":"b","function":{"name":"n"}}]`, []string{"b"}, []string{"toolCallList[0] (not an object)"}},
		{"call without id", `"toolCallList":[{"function":{"name":"n"}}]`, nil, []string{"toolCallList[0].id"}},
		{"id not a string", `"toolCallList":[{"id":7,"function":{"name":"n"}}]`, nil, []string{"toolCallList[0].id"}},
		{"function not an object", `"toolCallList":[{"id":"c","function":"n"}]`, []string{"c"}, []string{"toolCallList[0].function"}},
		{"name not a string", `"toolCallList":[{"id":"d","function":{"name":["n"]}}]`, []string{"d"}, []string{"toolCallList[0].function.name"}},
		{"toolCall missing", `"toolWithToolCallList":[{"function":{"name":"n"}}]`, nil, []string{"toolWithToolCallList[0].toolCall"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":{"type":"tool-calls",` + tt.fields + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range m.ToolCalls() {
				ids = append(ids, c.ID)
			}
			if !slices.Equal(ids, tt.ids) || !slices.Equal(m.Problems, tt.problems) {
				t.Fatalf("ids %v, problems %q; want %v, %q", ids, m.Problems, tt.ids, tt.problems)
			}
		})
	}
}

// A call whose arguments cannot be read is still returned, so it can be
// answered with an error while its siblings are answered normally.
func TestToolCallsBadArguments(t *testing.T) {
	for name, args := range map[string]string{
		"array":              `[1,2]`,
		"number":             `42`,
		"string not json":    `"date=tomorrow"`,
		"string holds array": `"[1]"`,
		"broken object":      `"{\"a\":"`,
		"triple encoded":     `"\"\\\"{}\\\"\""`,
	} {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMessage([]byte(`{"message":{"type":"tool-calls","toolCallList":[
				{"id":"bad","function":{"name":"n","arguments":` + args + `}},{"id":"good","function":{"name":"n","arguments":{"a":1}}}]}}`))
			if err != nil {
				t.Fatal(err)
			}
			calls := m.ToolCalls()
			if len(calls) != 2 {
				t.Fatalf("calls = %+v", calls)
			}
			if string(calls[0].Arguments) != `{}` {
				t.Errorf("bad call's arguments = %s, want {}", calls[0].Arguments)
			}
			var v map[string]any
			var ae *ArgumentError
			if err := calls[0].Decode(&v); !errors.As(err, &ae) {
				t.Errorf("bad call's Decode = %v, want *ArgumentError", err)
			}
			if err := calls[1].Decode(&v); err != nil || v["a"] != 1.0 {
				t.Errorf("good call's Decode = %v, %v", v, err)
			}
		})
	}
}
