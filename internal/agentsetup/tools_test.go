package agentsetup_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/internal/agentsetup"
)

// contract is the tools' contract (README.md, "The voice agent (Vapi)"):
// each tool's exact name, its arguments, and the ones it cannot do without.
var contract = []struct {
	name     string
	args     []string
	required []string
}{
	{"check-availability", []string{"appointment_type", "date_from", "date_to", "time_of_day", "provider", "max_results"}, nil},
	{"book-appointment", []string{"slot_id", "start", "appointment_type", "provider", "patient_id", "first_name", "last_name", "date_of_birth", "phone", "notes"}, nil},
	{"get-patient-info", []string{"first_name", "last_name", "date_of_birth", "phone"}, nil},
	{"transfer-to-human", []string{"reason"}, nil},
	{"cancel-appointment", []string{"appointment_id", "reason"}, []string{"appointment_id"}},
	{"reschedule-appointment", []string{"appointment_id", "slot_id", "start"}, []string{"appointment_id"}},
	{"take-message", []string{"message", "callback_number", "urgency"}, []string{"message"}},
}

func TestVapiToolsMatchTheContract(t *testing.T) {
	auth := agentsetup.ServerAuth{CredentialID: "cred-1"}
	tools := agentsetup.Tools("https://fd.example.com", auth)
	if len(tools) != len(contract) {
		t.Fatalf("%d tools, want %d", len(tools), len(contract))
	}
	for i, c := range contract {
		tool := tools[i]
		t.Run(c.name, func(t *testing.T) {
			if tool.Function.Name != c.name || agentsetup.ToolNames()[i] != c.name {
				t.Fatalf("tool %d is %q, want %q", i, tool.Function.Name, c.name)
			}
			if tool.Type != "function" || tool.Async == nil || *tool.Async {
				t.Errorf("type %q async %v: want a synchronous function", tool.Type, tool.Async)
			}
			if s := tool.Server; s.URL != "https://fd.example.com/webhooks/vapi/tools/"+c.name || s.TimeoutSeconds != 10 || s.CredentialID != "cred-1" {
				t.Errorf("server %+v", s)
			}
			if len(tool.Messages) == 0 || tool.Messages[0].Type != "request-start" || tool.Messages[0].Content == "" {
				t.Errorf("messages %+v: want a request-start filler first", tool.Messages)
			}
			if tool.Function.Description == "" {
				t.Error("no description")
			}
			var params map[string]any
			if err := json.Unmarshal(tool.Function.Parameters, &params); err != nil {
				t.Fatal(err)
			}
			checkSchema(t, "parameters", params)
			if params["type"] != "object" {
				t.Fatalf("parameters type %v", params["type"])
			}
			var args []string
			for name := range params["properties"].(map[string]any) {
				args = append(args, name)
			}
			slices.Sort(args)
			want := slices.Sorted(slices.Values(c.args))
			if !slices.Equal(args, want) {
				t.Errorf("arguments %v, want %v", args, want)
			}
			var required []string
			if r, ok := params["required"].([]any); ok {
				for _, x := range r {
					required = append(required, x.(string))
				}
			}
			if !slices.Equal(required, c.required) {
				t.Errorf("required %v, want %v", required, c.required)
			}
		})
	}
	book := tools[slices.Index(agentsetup.ToolNames(), agentsetup.BookAppointment)]
	if m := book.Messages; len(m) != 2 || m[1].Type != "request-response-delayed" || m[1].TimingMilliseconds <= 0 || m[1].Content == "" {
		t.Errorf("book-appointment messages %+v: want a request-response-delayed filler", m)
	}
}

// schemaKeywords are the JSON Schema keywords Vapi's JsonSchema declares.
var schemaKeywords = []string{"type", "items", "properties", "description", "pattern", "format", "required", "enum", "title"}

// checkSchema checks a JSON schema is well formed and uses only keywords
// Vapi keeps.
func checkSchema(t *testing.T, path string, s map[string]any) {
	t.Helper()
	for k := range s {
		if !slices.Contains(schemaKeywords, k) {
			t.Errorf("%s: keyword %q is not one Vapi declares", path, k)
		}
	}
	typ, _ := s["type"].(string)
	if !slices.Contains([]string{"string", "number", "integer", "boolean", "array", "object"}, typ) {
		t.Errorf("%s: type %v", path, s["type"])
	}
	if typ != "object" && s["description"] == "" {
		t.Errorf("%s: no description for the model", path)
	}
	if e, ok := s["enum"]; ok {
		values, _ := e.([]any)
		if typ != "string" || len(values) == 0 {
			t.Errorf("%s: enum %v on type %s", path, e, typ)
		}
	}
	if p, ok := s["pattern"].(string); ok {
		if _, err := regexp.Compile(p); err != nil {
			t.Errorf("%s: pattern %q: %v", path, p, err)
		}
	}
	if typ == "object" {
		props, ok := s["properties"].(map[string]any)
		if !ok {
			t.Fatalf("%s: object without properties", path)
		}
		for name, sub := range props {
			m, ok := sub.(map[string]any)
			if !ok {
				t.Fatalf("%s.%s is not a schema", path, name)
			}
			checkSchema(t, path+"."+name, m)
		}
		if r, ok := s["required"]; ok {
			for _, x := range r.([]any) {
				if _, ok := props[x.(string)]; !ok {
					t.Errorf("%s: required %v is not a property", path, x)
				}
			}
		}
	}
}
