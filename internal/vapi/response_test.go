package vapi

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestToolCallsResponseMarshal(t *testing.T) {
	tests := []struct {
		name string
		resp ToolCallsResponse
		want string
	}{
		{"nil results are an empty array", ToolCallsResponse{}, `{"results":[]}`},
		{"empty results", ToolCallsResponse{Results: []ToolCallResult{}}, `{"results":[]}`},
		{"result", ToolCallsResponse{Results: []ToolCallResult{{ToolCallID: "a", Name: "n", Result: "ok"}}},
			`{"results":[{"toolCallId":"a","name":"n","result":"ok"}]}`},
		{"error only", ToolCallsResponse{Results: []ToolCallResult{{ToolCallID: "a", Name: "n", Error: "That slot was just taken."}}},
			`{"results":[{"toolCallId":"a","name":"n","error":"That slot was just taken."}]}`},
		{"neither still sends result", ToolCallsResponse{Results: []ToolCallResult{{ToolCallID: "a", Name: "n"}}},
			`{"results":[{"toolCallId":"a","name":"n","result":""}]}`},
		{"both", ToolCallsResponse{Results: []ToolCallResult{{ToolCallID: "a", Name: "n", Result: "r", Error: "e"}}},
			`{"results":[{"toolCallId":"a","name":"n","result":"r","error":"e"}]}`},
		{"newlines collapsed", ToolCallsResponse{Results: []ToolCallResult{
			{ToolCallID: "a", Name: "n", Result: "line one\n  line two\r\n\r\nthree\u2028four  \tfive\n"},
			{ToolCallID: "b", Name: "n", Error: "\nbad\vthing\f"},
		}}, `{"results":[{"toolCallId":"a","name":"n","result":"line one line two three four  \tfive"},{"toolCallId":"b","name":"n","error":"bad thing"}]}`},
		{"order kept", ToolCallsResponse{Results: []ToolCallResult{{ToolCallID: "2", Result: "b"}, {ToolCallID: "1", Result: "a"}}},
			`{"results":[{"toolCallId":"2","name":"","result":"b"},{"toolCallId":"1","name":"","result":"a"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range []any{tt.resp, &tt.resp} {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != tt.want {
					t.Errorf("got  %s\nwant %s", b, tt.want)
				}
			}
		})
	}
}

func TestToolCallResultRoundTrip(t *testing.T) {
	in := ToolCallsResponse{Results: []ToolCallResult{{ToolCallID: "a", Name: "n", Result: "r"}, {ToolCallID: "b", Name: "m", Error: "e"}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out ToolCallsResponse
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 2 || out.Results[0] != in.Results[0] || out.Results[1] != in.Results[1] {
		t.Errorf("round trip = %+v", out)
	}
}

func TestRespond(t *testing.T) {
	calls := []ToolCall{{ID: "x", Name: "check-availability"}, {ID: "y", Name: "book-appointment"}, {ID: "z", Name: "nope"}}
	resp := Respond(calls, func(c ToolCall) ToolCallResult {
		switch c.Name {
		case "check-availability":
			return Result(c, map[string]any{"slots": []string{"9:00 & 10:00"}})
		case "book-appointment":
			// A wrong id from the answer must not reach Vapi.
			return ToolCallResult{ToolCallID: "prefix-" + c.ID, Name: "other", Result: "booked"}
		}
		return ErrorResult(c, "unknown tool")
	})
	b, _ := json.Marshal(resp)
	want := `{"results":[{"toolCallId":"x","name":"check-availability","result":"{\"slots\":[\"9:00 \u0026 10:00\"]}"},` +
		`{"toolCallId":"y","name":"book-appointment","result":"booked"},{"toolCallId":"z","name":"nope","error":"unknown tool"}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if b, _ := json.Marshal(Respond(nil, nil)); string(b) != `{"results":[]}` {
		t.Errorf("no calls: %s", b)
	}
}

func TestResult(t *testing.T) {
	c := ToolCall{ID: "a", Name: "n"}
	tests := []struct {
		name       string
		v          any
		result     string
		wantErrSet bool
	}{
		{"string as is", "Booked Tuesday at 11.", "Booked Tuesday at 11.", false},
		{"struct as JSON", struct {
			Status string `json:"status"`
			Note   string `json:"note"`
		}{"booked", "line\nbreak <b>"}, `{"status":"booked","note":"line\nbreak <b>"}`, false},
		{"raw JSON compacted", json.RawMessage("{\n \"a\": 1\n}"), `{"a":1}`, false},
		{"invalid raw JSON", json.RawMessage("{"), "", true},
		{"unencodable", func() {}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Result(c, tt.v)
			if r.ToolCallID != "a" || r.Name != "n" || r.Result != tt.result || (r.Error != "") != tt.wantErrSet {
				t.Errorf("Result = %+v", r)
			}
			b, _ := json.Marshal(r)
			if strings.ContainsAny(string(b), "\n\r") {
				t.Errorf("not one line: %s", b)
			}
		})
	}
}

func TestSingleLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"plain":                    "plain",
		"keep  double\tspaces":     "keep  double\tspaces",
		"a\nb":                     "a b",
		"a \n\n b":                 "a b",
		"\n\na\n\n":                "a",
		"a\u0085b\u2029c":          "a b c",
		"tail  \n":                 "tail",
		"é\nü":                     "é ü",
		"a\u2003\nb":               "a b",
		"emsp\u2003kept":           "emsp\u2003kept",
		"mixed \t\n\t run":         "mixed run",
		"unicode\u00a0nbsp kept\n": "unicode\u00a0nbsp kept",
	} {
		if got := singleLine(in); got != want {
			t.Errorf("singleLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOtherResponsesMarshal(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"assistant id", AssistantRequestResponse{AssistantID: "as-1"}, `{"assistantId":"as-1"}`},
		{"transient assistant with variables", AssistantRequestResponse{
			Assistant:          &Assistant{Name: "Front desk", FirstMessage: "Hello"},
			AssistantOverrides: &AssistantOverrides{VariableValues: map[string]any{"practice": "Bright Smile"}},
		}, `{"assistant":{"name":"Front desk","firstMessage":"Hello"},"assistantOverrides":{"variableValues":{"practice":"Bright Smile"}}}`},
		{"destination", AssistantRequestResponse{Destination: NumberDestination("+15550000001", "Connecting you.")},
			`{"destination":{"type":"number","number":"+15550000001","message":"Connecting you."}}`},
		{"reject", AssistantRequestResponse{Error: "This number is not in service."}, `{"error":"This number is not in service."}`},
		{"transfer destination", TransferDestinationResponse{
			Destination: NumberDestination("+15550000001", ""),
			Message:     &ToolMessage{Type: "request-start", Content: "Transferring you now."},
		}, `{"destination":{"type":"number","number":"+15550000001"},"message":{"type":"request-start","content":"Transferring you now."}}`},
		{"transfer refused", TransferDestinationResponse{Error: "No one is available."}, `{"error":"No one is available."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}

func TestToolCallResultJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"plain", `quote " and \ backslash`, "tab\there", "é ünïcode ✓", "<b>&amp;</b>", "bad \xff utf8", "line\u2028sep", ""} {
		r := ToolCallResult{ToolCallID: "id-" + s, Name: "n", Result: s}
		got, _ := r.MarshalJSON()
		var back map[string]string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: %s: %v", s, got, err)
		}
		want := singleLine(strings.ToValidUTF8(s, "\uFFFD"))
		if back["result"] != want || back["toolCallId"] != strings.ToValidUTF8("id-"+s, "\uFFFD") {
			t.Errorf("%q round-trips to %q", s, back["result"])
		}
	}
}
