package vapitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/frontdesk/frontdesk/internal/clock"
)

var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

type reply struct {
	status int
	body   map[string]any
	list   []map[string]any
	raw    string
}

// do sends a raw request; key "" sends no Authorization header.
func do(t *testing.T, method, url, key, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, raw: string(b)}
	if bytes.HasPrefix(b, []byte("[")) {
		_ = json.Unmarshal(b, &r.list)
	} else {
		_ = json.Unmarshal(b, &r.body)
	}
	return r
}

func newServer(t *testing.T) (*Server, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(t0)
	s := NewServer(WithClock(clk), WithAPIKey("k"))
	t.Cleanup(s.Close)
	return s, clk
}

func messages(r reply) []string {
	var out []string
	switch m := r.body["message"].(type) {
	case []any:
		for _, s := range m {
			out = append(out, s.(string))
		}
	case string:
		out = append(out, m)
	}
	return out
}

func TestAuth(t *testing.T) {
	s, _ := newServer(t)
	for _, key := range []string{"", "wrong"} {
		r := do(t, "GET", s.URL+"/tool", key, "")
		if r.status != 401 || r.body["error"] != "Unauthorized" || r.body["statusCode"] != 401.0 {
			t.Errorf("key %q: %d %s", key, r.status, r.raw)
		}
		if _, ok := r.body["message"].(string); !ok {
			t.Errorf("401 message is not a string: %s", r.raw)
		}
	}
	if r := do(t, "GET", s.URL+"/tool", "k", ""); r.status != 200 || r.raw != "[]\n" {
		t.Errorf("right key: %d %s", r.status, r.raw)
	}
	if r := do(t, "GET", s.URL+"/nope", "k", ""); r.status != 404 || messages(r)[0] != "Cannot GET /nope" {
		t.Errorf("unknown route: %d %s", r.status, r.raw)
	}
	if r := do(t, "PUT", s.URL+"/tool/x", "k", "{}"); r.status != 404 || messages(r)[0] != "Cannot PUT /tool/x" {
		t.Errorf("unknown method: %d %s", r.status, r.raw)
	}
}

func TestCreateAndGet(t *testing.T) {
	s, _ := newServer(t)
	body := `{"type":"function","async":false,"function":{"name":"check-availability","parameters":{"type":"object","properties":{"n":{"type":"integer"}}}},
		"server":{"url":"https://x.example/t","timeoutSeconds":12.5},"messages":[{"type":"request-start","content":"One moment."}]}`
	r := do(t, "POST", s.URL+"/tool", "k", body)
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	id, _ := r.body["id"].(string)
	if _, err := uuid.Parse(id); err != nil || r.body["orgId"] != s.OrgID ||
		r.body["createdAt"] != "2026-03-02T12:00:00.000Z" || r.body["updatedAt"] != "2026-03-02T12:00:00.000Z" {
		t.Errorf("server fields: %s", r.raw)
	}
	if !strings.Contains(r.raw, `"timeoutSeconds":12.5`) {
		t.Errorf("numbers not kept exactly: %s", r.raw)
	}
	g := do(t, "GET", s.URL+"/tool/"+id, "k", "")
	if g.status != 200 || !reflect.DeepEqual(g.body, r.body) {
		t.Errorf("GET = %d %s", g.status, g.raw)
	}
	if g := do(t, "GET", s.URL+"/tool/"+uuid.NewString(), "k", ""); g.status != 404 || g.body["error"] != "Not Found" {
		t.Errorf("GET unknown = %d %s", g.status, g.raw)
	}
	if got := s.Tools(); len(got) != 1 || got[0]["id"] != id {
		t.Errorf("Tools() = %v", got)
	}
}

func TestValidation(t *testing.T) {
	s, _ := newServer(t)
	tests := []struct {
		name, path, body string
		want             []string
	}{
		{"function name pattern", "/tool", `{"type":"function","function":{"name":"check availability"}}`,
			[]string{"function.name must match /^[a-zA-Z0-9_-]{1,64}$/ regular expression"}},
		{"function name too long", "/tool", `{"type":"function","function":{"name":"` + strings.Repeat("a", 65) + `"}}`,
			[]string{"function.name must match /^[a-zA-Z0-9_-]{1,64}$/ regular expression"}},
		{"function name missing", "/tool", `{"type":"function","function":{"description":"d"}}`,
			[]string{"function.name should not be empty", "function.name must be a string"}},
		{"tool type missing", "/tool", `{"function":{"name":"n"}}`,
			[]string{"type must be one of the following values: function, transferCall, endCall"}},
		{"unknown properties, top and nested", "/tool", `{"type":"function","id":"x","function":{"name":"n","extra":1},"server":{"url":"https://x","secret":"s"}}`,
			[]string{"property id should not exist", "property function.extra should not exist", "property server.secret should not exist"}},
		{"server bounds and url", "/tool", `{"type":"function","server":{"url":"not a url","timeoutSeconds":0}}`,
			[]string{"server.url must be a URL address", "server.timeoutSeconds must not be less than 1"}},
		{"tool message type", "/tool", `{"type":"function","messages":[{"type":"request-soon","content":"x"}]}`,
			[]string{"messages.0.type must be one of the following values: request-start, request-complete, request-failed, request-response-delayed"}},
		{"parameters schema", "/tool", `{"type":"function","function":{"name":"n","parameters":{"properties":{},"additionalProperties":false}}}`,
			[]string{"property function.parameters.additionalProperties should not exist", "function.parameters.type must be one of the following values: string, number, integer, boolean, array, object"}},
		{"assistant name length", "/assistant", `{"name":"` + strings.Repeat("n", 41) + `"}`,
			[]string{"name must be shorter than or equal to 40 characters"}},
		{"assistant legacy serverUrl", "/assistant", `{"serverUrl":"https://x","serverUrlSecret":"s"}`,
			[]string{"property serverUrl should not exist", "property serverUrlSecret should not exist"}},
		{"assistant model required fields", "/assistant", `{"model":{"toolIds":["a",1],"messages":[{"role":"boss","content":"x"}]}}`,
			[]string{"model.provider should not be empty", "model.provider must be a string", "model.model should not be empty", "model.model must be a string",
				"model.messages.0.role must be one of the following values: assistant, function, user, system, tool", "each value in model.toolIds must be a string"}},
		{"assistant serverMessages enum", "/assistant", `{"serverMessages":["tool-calls","everything"]}`,
			[]string{"each value in serverMessages must be one of the following values: " + strings.Join(serverMessages, ", ")}},
		{"assistant voice", "/assistant", `{"voice":{"provider":"vapi"}}`,
			[]string{"voice.voiceId should not be empty", "voice.voiceId must be a string"}},
		{"phone number required", "/phone-number", `{"provider":"twilio"}`,
			[]string{"number should not be empty", "number must be a string", "twilioAccountSid should not be empty", "twilioAccountSid must be a string"}},
		{"phone number fallback", "/phone-number", `{"provider":"twilio","number":"+15555550100","twilioAccountSid":"AC","fallbackDestination":{"type":"number","number":"5550100"}}`,
			[]string{"fallbackDestination.number must be a valid phone number in the E.164 format"}},
		{"credential hmac", "/credential", `{"provider":"webhook","authenticationPlan":{"type":"hmac","secretKey":"k","algorithm":"md5"}}`,
			[]string{"authenticationPlan.algorithm must be one of the following values: sha256, sha512, sha1"}},
		{"credential bearer token", "/credential", `{"provider":"webhook","name":"x","authenticationPlan":{"type":"bearer"}}`,
			[]string{"authenticationPlan.token should not be empty", "authenticationPlan.token must be a string"}},
		{"credential plan missing", "/credential", `{"provider":"webhook"}`, []string{"authenticationPlan should not be empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, "POST", s.URL+tt.path, "k", tt.body)
			if r.status != 400 || r.body["error"] != "Bad Request" || r.body["statusCode"] != 400.0 {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			if _, isArray := r.body["message"].([]any); !isArray {
				t.Errorf("message is not an array: %s", r.raw)
			}
			if got := messages(r); !slices.Equal(got, tt.want) {
				t.Errorf("messages =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	if n := len(s.Tools()) + len(s.Assistants()) + len(s.PhoneNumbers()) + len(s.Credentials()); n != 0 {
		t.Errorf("%d invalid objects stored", n)
	}
	for _, body := range []string{`{"type":`, `[1]`, `null`, ``} {
		r := do(t, "POST", s.URL+"/tool", "k", body)
		if _, isString := r.body["message"].(string); r.status != 400 || !isString {
			t.Errorf("body %q: %d %s", body, r.status, r.raw)
		}
	}
}

func TestPatchSemantics(t *testing.T) {
	s, clk := newServer(t)
	r := do(t, "POST", s.URL+"/assistant", "k", `{"name":"A","firstMessage":"Hi","metadata":{"p":"1"},
		"model":{"provider":"openai","model":"gpt-4o","toolIds":["t1","t2"],"messages":[{"role":"system","content":"x"}]}}`)
	id := r.body["id"].(string)
	clk.Advance(time.Minute)

	p := do(t, "PATCH", s.URL+"/assistant/"+id, "k", `{"model":{"provider":"openai","model":"gpt-4o","toolIds":["t3"]},"firstMessage":null}`)
	if p.status != 200 {
		t.Fatalf("%d %s", p.status, p.raw)
	}
	want := map[string]any{"provider": "openai", "model": "gpt-4o", "toolIds": []any{"t3"}}
	if !reflect.DeepEqual(p.body["model"], want) {
		t.Errorf("model = %v, want it replaced by %v", p.body["model"], want)
	}
	if _, ok := p.body["firstMessage"]; ok {
		t.Errorf("null did not remove firstMessage: %s", p.raw)
	}
	if p.body["name"] != "A" || p.body["createdAt"] != "2026-03-02T12:00:00.000Z" || p.body["updatedAt"] != "2026-03-02T12:01:00.000Z" {
		t.Errorf("untouched fields: %s", p.raw)
	}
	if p := do(t, "PATCH", s.URL+"/assistant/"+id, "k", `{"orgId":"x"}`); p.status != 400 || messages(p)[0] != "property orgId should not exist" {
		t.Errorf("read-only field: %d %s", p.status, p.raw)
	}
	if p := do(t, "PATCH", s.URL+"/assistant/nope", "k", `{}`); p.status != 404 {
		t.Errorf("unknown id: %d %s", p.status, p.raw)
	}

	// PATCH validates against the stored tool's type.
	tool := do(t, "POST", s.URL+"/tool", "k", `{"type":"function","function":{"name":"a"}}`)
	if p := do(t, "PATCH", s.URL+"/tool/"+tool.body["id"].(string), "k", `{"function":{"name":"bad name"}}`); p.status != 400 {
		t.Errorf("bad PATCH accepted: %d %s", p.status, p.raw)
	}
	if p := do(t, "PATCH", s.URL+"/tool/"+tool.body["id"].(string), "k", `{"async":true}`); p.status != 200 || p.body["async"] != true {
		t.Errorf("PATCH async: %d %s", p.status, p.raw)
	}
	// Phone numbers: a PATCH keeping its own number is no duplicate.
	pn := do(t, "POST", s.URL+"/phone-number", "k", `{"provider":"twilio","number":"+15555550100","twilioAccountSid":"AC","assistantId":"a"}`)
	if p := do(t, "PATCH", s.URL+"/phone-number/"+pn.body["id"].(string), "k", `{"number":"+15555550100","assistantId":null}`); p.status != 200 || p.body["assistantId"] != nil {
		t.Errorf("PATCH number: %d %s", p.status, p.raw)
	}
	if r := do(t, "POST", s.URL+"/phone-number", "k", `{"provider":"twilio","number":"+15555550100","twilioAccountSid":"AC"}`); r.status != 400 {
		t.Errorf("duplicate number: %d %s", r.status, r.raw)
	}
}

func TestListDeleteAndCounts(t *testing.T) {
	s, clk := newServer(t)
	var ids []string
	for _, name := range []string{"a", "b", "c"} {
		r := do(t, "POST", s.URL+"/tool", "k", `{"type":"function","function":{"name":"`+name+`"}}`)
		ids = append(ids, r.body["id"].(string))
		clk.Advance(time.Second)
	}
	l := do(t, "GET", s.URL+"/tool", "k", "")
	if len(l.list) != 3 || l.list[0]["id"] != ids[2] || l.list[2]["id"] != ids[0] {
		t.Errorf("list not newest first: %s", l.raw)
	}
	if l := do(t, "GET", s.URL+"/tool?limit=2", "k", ""); len(l.list) != 2 || l.list[0]["id"] != ids[2] {
		t.Errorf("limit=2: %s", l.raw)
	}
	if l := do(t, "GET", s.URL+"/tool?limit=1001", "k", ""); l.status != 400 || messages(l)[0] != "limit must not be greater than 1000" {
		t.Errorf("limit=1001: %d %s", l.status, l.raw)
	}
	d := do(t, "DELETE", s.URL+"/tool/"+ids[1], "k", "")
	if d.status != 200 || d.body["id"] != ids[1] {
		t.Errorf("DELETE: %d %s", d.status, d.raw)
	}
	if got := s.Tools(); len(got) != 2 || got[0]["id"] != ids[0] || got[1]["id"] != ids[2] {
		t.Errorf("Tools() after delete = %v", got)
	}

	if s.Count("POST") != 3 || s.Count("get") != 3 || s.Count("DELETE") != 1 {
		t.Errorf("counts POST %d GET %d DELETE %d", s.Count("POST"), s.Count("GET"), s.Count("DELETE"))
	}
	muts := s.Mutations()
	if len(muts) != 4 || muts[0].Method != "POST" || muts[0].Path != "/tool" || !strings.Contains(string(muts[0].Body), `"name":"a"`) ||
		muts[3].Method != "DELETE" || muts[3].Path != "/tool/"+ids[1] {
		t.Errorf("mutations = %+v", muts)
	}
	s.ResetCounts()
	do(t, "GET", s.URL+"/tool", "k", "")
	if s.Count("POST") != 0 || s.Count("GET") != 1 || len(s.Mutations()) != 0 || len(s.Tools()) != 2 {
		t.Errorf("after reset: POST %d GET %d mutations %d tools %d", s.Count("POST"), s.Count("GET"), len(s.Mutations()), len(s.Tools()))
	}

	// Snapshots are copies.
	s.Tools()[0]["function"] = "changed"
	if _, ok := s.Tools()[0]["function"].(map[string]any); !ok {
		t.Error("snapshot shares the store")
	}
}

func TestFailNext(t *testing.T) {
	s, _ := newServer(t)
	s.FailNext(503, 2)
	for i := range 2 {
		r := do(t, "POST", s.URL+"/tool", "k", `{"type":"function"}`)
		if r.status != 503 || r.body["statusCode"] != 503.0 || r.body["message"] != "Service Unavailable" {
			t.Errorf("request %d: %d %s", i, r.status, r.raw)
		}
	}
	if r := do(t, "POST", s.URL+"/tool", "k", `{"type":"function"}`); r.status != 201 {
		t.Errorf("third: %d %s", r.status, r.raw)
	}
	if len(s.Tools()) != 1 || s.Count("POST") != 3 || len(s.Mutations()) != 3 {
		t.Errorf("tools %d, POST %d, mutations %d", len(s.Tools()), s.Count("POST"), len(s.Mutations()))
	}
	// An unauthenticated request does not use up a failure.
	s.FailNext(500, 1)
	do(t, "GET", s.URL+"/tool", "wrong", "")
	if r := do(t, "GET", s.URL+"/tool", "k", ""); r.status != 500 {
		t.Errorf("failure consumed by a 401: %d", r.status)
	}
}

func TestCalls(t *testing.T) {
	s, _ := newServer(t)
	s.SeedCall(Call{ID: "c1", PhoneNumberID: "pn", CustomerNumber: "+15551234567", TwilioCallSID: "CA1", StartedAt: t0})
	r := do(t, "GET", s.URL+"/call/c1", "k", "")
	if r.status != 200 || r.body["id"] != "c1" || r.body["orgId"] != s.OrgID || r.body["status"] != "in-progress" ||
		r.body["phoneCallProviderId"] != "CA1" || r.body["phoneCallProvider"] != "twilio" || r.body["startedAt"] != "2026-03-02T12:00:00.000Z" ||
		r.body["monitor"].(map[string]any)["controlUrl"] != s.ControlURL("c1") || r.body["createdAt"] == nil {
		t.Errorf("GET call: %d %s", r.status, r.raw)
	}
	if r := do(t, "GET", s.URL+"/call/c2", "k", ""); r.status != 404 {
		t.Errorf("unseeded call: %d", r.status)
	}
	if r := do(t, "GET", s.URL+"/call/c1", "", ""); r.status != 401 {
		t.Errorf("call without key: %d", r.status)
	}
}

func TestControl(t *testing.T) {
	s, _ := newServer(t)
	url := s.ControlURL("c1")
	if !strings.HasSuffix(url, "/c1/control") {
		t.Errorf("ControlURL = %s", url)
	}
	ok := []string{
		`{"type":"transfer","destination":{"type":"number","number":"+15555550199"},"content":"Transferring you now."}`,
		`{"type":"say","content":"Hello","endCallAfterSpoken":true}`,
		`{"type":"end-call"}`,
	}
	for _, b := range ok {
		if r := do(t, "POST", url, "", b); r.status != 200 {
			t.Errorf("%s: %d %s", b, r.status, r.raw)
		}
	}
	bad := []string{
		`{"type":"transfer"}`,
		`{"type":"transfer","destination":{"type":"number","number":"555"}}`,
		`{"type":"say"}`,
		`{"type":"explode"}`,
		`not json`,
	}
	for _, b := range bad {
		if r := do(t, "POST", url, "", b); r.status != 400 {
			t.Errorf("%s: %d %s", b, r.status, r.raw)
		}
	}
	if r := do(t, "POST", url, "k", `{"type":"end-call"}`); r.status != 400 {
		t.Errorf("private key sent to a control URL: %d", r.status)
	}
	got := s.Controls("c1")
	if len(got) != len(ok) {
		t.Fatalf("recorded %d controls, want %d", len(got), len(ok))
	}
	for i := range ok {
		if string(got[i]) != ok[i] {
			t.Errorf("control %d = %s", i, got[i])
		}
	}
	if len(s.Controls("other")) != 0 || s.Count("POST") != 0 {
		t.Errorf("controls leaked into other calls or API counts")
	}
}

func TestPayloadShapes(t *testing.T) {
	c := Call{ID: "c1", PhoneNumberID: "pn", PhoneNumber: "+15555550100", AssistantID: "as", CustomerNumber: "+15551234567"}
	var env struct {
		Message map[string]any `json:"message"`
	}
	if err := json.Unmarshal(c.ToolCalls(t0,
		ToolCall{ID: "a", Name: "n", Arguments: map[string]int{"x": 1}},
		ToolCall{ID: "b", Name: "m", Arguments: map[string]int{"y": 2}, StringArguments: true},
	), &env); err != nil {
		t.Fatal(err)
	}
	m := env.Message
	if m["type"] != "tool-calls" || m["timestamp"] != float64(t0.UnixMilli()) {
		t.Errorf("envelope = %v", m)
	}
	list := m["toolCallList"].([]any)
	with := m["toolWithToolCallList"].([]any)
	if len(list) != 2 || len(with) != 2 {
		t.Fatalf("lists = %v / %v", list, with)
	}
	fn0 := list[0].(map[string]any)["function"].(map[string]any)
	fn1 := list[1].(map[string]any)["function"].(map[string]any)
	if !reflect.DeepEqual(fn0["arguments"], map[string]any{"x": 1.0}) || fn1["arguments"] != `{"y":2}` {
		t.Errorf("arguments = %v / %v", fn0["arguments"], fn1["arguments"])
	}
	if !reflect.DeepEqual(with[1].(map[string]any)["toolCall"], list[1]) {
		t.Errorf("toolWithToolCallList[1].toolCall = %v", with[1])
	}
	call := m["call"].(map[string]any)
	if call["id"] != "c1" || call["type"] != "inboundPhoneCall" || call["status"] != "in-progress" || call["assistantId"] != "as" {
		t.Errorf("call = %v", call)
	}

	env.Message = nil
	if err := json.Unmarshal(c.AssistantRequest(t0), &env); err != nil {
		t.Fatal(err)
	}
	if _, has := env.Message["assistant"]; has || env.Message["call"].(map[string]any)["assistantId"] != nil {
		t.Errorf("assistant-request names an assistant: %v", env.Message)
	}
	env.Message = nil
	if err := json.Unmarshal(c.StatusUpdate(t0, "in-progress", "x"), &env); err != nil {
		t.Fatal(err)
	}
	if _, has := env.Message["endedReason"]; has || env.Message["status"] != "in-progress" {
		t.Errorf("status-update = %v", env.Message)
	}
	env.Message = nil
	if err := json.Unmarshal(c.EndOfCallReport(t0, Report{}), &env); err != nil {
		t.Fatal(err)
	}
	if env.Message["endedReason"] != "customer-ended-call" || env.Message["startedAt"] != "2026-03-02T11:59:00.000Z" ||
		env.Message["artifact"] == nil || env.Message["analysis"] == nil {
		t.Errorf("end-of-call-report = %v", env.Message)
	}

	// Without an ID each payload gets a fresh one.
	var a, b struct {
		Message struct {
			Call struct{ ID string } `json:"call"`
		} `json:"message"`
	}
	_ = json.Unmarshal(Call{}.StatusUpdate(t0, "ringing", ""), &a)
	_ = json.Unmarshal(Call{}.StatusUpdate(t0, "ringing", ""), &b)
	if a.Message.Call.ID == "" || a.Message.Call.ID == b.Message.Call.ID {
		t.Errorf("generated ids %q, %q", a.Message.Call.ID, b.Message.Call.ID)
	}
}
