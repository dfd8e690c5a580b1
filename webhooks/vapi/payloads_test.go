package vapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/internal/calllog"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

// edit decodes a message body, lets f change the message, and encodes it
// again: a fixture with one part made the way a test needs it.
func edit(t testing.TB, body []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var env struct {
		Message map[string]any `json:"message"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	if f != nil {
		f(env.Message)
	}
	out, err := json.Marshal(map[string]any{"message": env.Message})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// at returns the object at path under m.
func at(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		m = m[k].(map[string]any)
	}
	return m
}

func (e *env) callRow(t testing.TB, ctx context.Context, vapiID string) *ent.Call {
	t.Helper()
	row, err := e.db.Client(ctx).Call.Query().Where(call.VapiCallID(vapiID)).Only(ctx)
	if err != nil {
		t.Fatalf("call %s: %v", vapiID, err)
	}
	return row
}

// syncBuffer is a log destination the handler's goroutines and the test
// share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Item 5: the fields Vapi sends now are read, before the deprecated ones it
// still sends, and what its analysis says is kept.
func TestCurrentPayloadFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)

		c := e.theCall("c-current")
		c.TwilioCallSID = "CA-current"
		c.StartedAt, c.EndedAt = now, now.Add(2*time.Minute)
		report := c.EndOfCallReport(now.Add(2*time.Minute), vapitest.Report{
			Summary: "Asked about whitening.", Transcript: "AI: Hello",
			RecordingURL: "https://storage.vapi.ai/c-current-mono.wav", StereoRecordingURL: "https://storage.vapi.ai/c-current-stereo.wav",
			StructuredData:    map[string]any{"intent": "whitening", "new_patient": true},
			SuccessEvaluation: "true", Cost: 0.16,
			CostBreakdown: map[string]float64{"transport": 0.01, "stt": 0.02, "llm": 0.05, "tts": 0.03, "vapi": 0.05, "total": 0.16, "llmPromptTokens": 1200},
		})
		// The deprecated copies point elsewhere: the current fields win.
		report = edit(t, report, func(m map[string]any) {
			a := at(m, "artifact")
			a["recordingUrl"], a["stereoRecordingUrl"] = "https://old.example/mono.wav", "https://old.example/stereo.wav"
			at(m, "call")["phoneCallProviderId"] = "CA-deprecated"
		})
		if status, out := e.post(t, "/webhooks/vapi", report, nil); status != http.StatusOK {
			t.Fatalf("status %d: %s", status, out)
		}
		row := e.callRow(t, e.sys, "c-current")
		if row.RecordingURL != "https://storage.vapi.ai/c-current-mono.wav" || row.StereoRecordingURL != "https://storage.vapi.ai/c-current-stereo.wav" ||
			row.SuccessEvaluation != "true" || row.StructuredData["intent"] != "whitening" || row.StructuredData["new_patient"] != true ||
			row.TwilioCallSid != "CA-current" || row.CostBreakdown == nil || *row.CostBreakdown.LLM != 0.05 || *row.CostBreakdown.Total != 0.16 ||
			*row.CostBreakdown.LLMPromptTokens != 1200 || row.Cost != 0.16 {
			t.Fatalf("call = %+v", row)
		}

		// Only the deprecated fields: they are still read.
		old := e.theCall("c-deprecated")
		old.TwilioCallSID = "CA-old"
		report = edit(t, old.EndOfCallReport(now, vapitest.Report{RecordingURL: "https://storage.vapi.ai/old.wav"}), func(m map[string]any) {
			delete(at(m, "artifact"), "recording")
			delete(at(m, "call"), "transport")
		})
		e.post(t, "/webhooks/vapi", report, nil)
		if row := e.callRow(t, e.sys, "c-deprecated"); row.RecordingURL != "https://storage.vapi.ai/old.wav" || row.TwilioCallSid != "CA-old" {
			t.Fatalf("deprecated only: %+v", row)
		}

		// The CallSid from call.transport alone, on the call's first message.
		fresh := e.theCall("c-transport")
		fresh.TwilioCallSID = "CA-transport"
		body := edit(t, fresh.ToolCalls(now, vapitest.ToolCall{Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "Call me"}}),
			func(m map[string]any) { delete(at(m, "call"), "phoneCallProviderId") })
		if status, out := e.post(t, "/webhooks/vapi", body, nil); status != http.StatusOK || bytes.Contains(out, []byte(`"error"`)) {
			t.Fatalf("status %d: %s", status, out)
		}
		if row := e.callRow(t, e.sys, "c-transport"); row.TwilioCallSid != "CA-transport" {
			t.Fatalf("transport only: %q", row.TwilioCallSid)
		}
	})
}

// Item 5: a message listing its calls only in toolWithToolCallList, the
// name on the tool and the arguments under toolCall.function.parameters or
// toolCall.parameters, is answered.
func TestToolWithToolCallListOnly(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.theCall("c-with-tool")
	body := edit(t, c.ToolCalls(now,
		vapitest.ToolCall{ID: "w1", Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "Please call about my crown"}},
		vapitest.ToolCall{ID: "w2", Name: receptionist.CheckAvailability, Arguments: map[string]any{"appointment_type": "Exam", "date_from": "2026-12-08", "max_results": 2}},
	), func(m map[string]any) {
		delete(m, "toolCallList")
		list := m["toolWithToolCallList"].([]any)
		first, second := list[0].(map[string]any), list[1].(map[string]any)
		first["toolCall"] = map[string]any{"id": "w1", "type": "function",
			"function": map[string]any{"parameters": map[string]any{"message": "Please call about my crown"}}}
		second["toolCall"] = map[string]any{"id": "w2",
			"parameters": map[string]any{"appointment_type": "Exam", "date_from": "2026-12-08", "max_results": 2}}
	})
	status, out := e.post(t, "/webhooks/vapi", body, nil)
	var res struct{ Results []result }
	if err := json.Unmarshal(out, &res); status != http.StatusOK || err != nil || len(res.Results) != 2 {
		t.Fatalf("status %d: %s", status, out)
	}
	if got := decode[map[string]string](t, res.Results[0]); got["status"] != "message_taken" || res.Results[0].Name != receptionist.TakeMessage {
		t.Fatalf("take-message: %+v", res.Results[0])
	}
	slots := decode[struct {
		Slots []struct{ Start string } `json:"slots"`
	}](t, res.Results[1])
	if len(slots.Slots) != 2 {
		t.Fatalf("check-availability: %+v", res.Results[1])
	}
}

// Item 6: whatever Vapi sends once verified is answered 200, with what could
// be done; nonsense is not stored; the log names the parts left out and
// holds no patient data.
func TestMalformedPayloadsAnswered200(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		var logs syncBuffer
		e.hooks.Log = slog.New(slog.NewTextHandler(&logs, nil))
		e.desk.Log = e.hooks.Log
		const secretWords = "Mrs Hargreave molar"
		take := func(id string) vapitest.ToolCall {
			return vapitest.ToolCall{ID: id, Name: receptionist.TakeMessage, Arguments: map[string]any{"message": secretWords}}
		}
		report := func(id string, r vapitest.Report, f func(m map[string]any)) []byte {
			c := e.theCall(id)
			c.StartedAt, c.EndedAt = now, now.Add(time.Minute)
			if r.Transcript == "" {
				r.Transcript = "User: " + secretWords
			}
			return edit(t, c.EndOfCallReport(now.Add(time.Minute), r), f)
		}
		results := func(t *testing.T, out []byte) []result {
			t.Helper()
			var res struct{ Results []result }
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			return res.Results
		}
		cases := []struct {
			name  string
			path  string
			body  []byte
			check func(t *testing.T, out []byte)
			// logged is what the warning must name.
			logged string
		}{
			{name: "not JSON", body: []byte(`{not json`), logged: "not a server message",
				check: func(t *testing.T, out []byte) {
					if !bytes.Contains(out, []byte(`"error"`)) {
						t.Fatalf("%s", out)
					}
				}},
			{name: "no type", body: []byte(`{"message":{"call":{"id":"c-notype"}}}`), logged: "no type"},
			{name: "status-update on a tool route", path: "/webhooks/vapi/tools/take-message", body: e.theCall("c-route").StatusUpdate(now, "in-progress", ""),
				logged: "not tool-calls"},
			{name: "toolCallList not an array: toolWithToolCallList answered",
				body: edit(t, e.theCall("c-list").ToolCalls(now, take("l1")), func(m map[string]any) { m["toolCallList"] = "nope" }),
				check: func(t *testing.T, out []byte) {
					if r := results(t, out); len(r) != 1 || r[0].ToolCallID != "l1" || r[0].Error != "" {
						t.Fatalf("%s", out)
					}
				}, logged: "toolCallList (not an array)"},
			{name: "no readable list",
				body: edit(t, e.theCall("c-nolist").ToolCalls(now, take("n1")), func(m map[string]any) {
					m["toolCallList"], m["toolWithToolCallList"] = 7, map[string]any{}
				}),
				check: func(t *testing.T, out []byte) {
					if r := results(t, out); len(r) != 0 {
						t.Fatalf("%s", out)
					}
				}, logged: "toolWithToolCallList (not an array)"},
			{name: "bad items: the ones with an id are answered, each with its result or error",
				body: edit(t, e.theCall("c-items").ToolCalls(now, take("i1")), func(m map[string]any) {
					good := m["toolCallList"].([]any)[0]
					m["toolCallList"] = []any{secretWords, map[string]any{"function": map[string]any{"name": "take-message"}},
						map[string]any{"id": "i2", "function": "take-message"}, good}
				}),
				check: func(t *testing.T, out []byte) {
					r := results(t, out)
					if len(r) != 2 || r[0].ToolCallID != "i2" || !strings.Contains(r[0].Error, "unknown tool") || r[1].ToolCallID != "i1" || r[1].Error != "" {
						t.Fatalf("%s", out)
					}
				}, logged: "toolCallList[0] (not an object)"},
			{name: "summary: 123",
				body: report("c-summary", vapitest.Report{}, func(m map[string]any) { at(m, "analysis")["summary"] = 123 }),
				check: func(t *testing.T, _ []byte) {
					if row := e.callRow(t, e.sys, "c-summary"); row.Status != "ended" || row.Summary != "" || !strings.Contains(row.Transcript, secretWords) || row.DurationSeconds != 60 {
						t.Fatalf("call = %+v", row)
					}
				}, logged: "analysis.summary"},
			{name: "artifact not an object",
				body: report("c-artifact", vapitest.Report{Summary: "Kept."}, func(m map[string]any) { m["artifact"] = "x" }),
				check: func(t *testing.T, _ []byte) {
					if row := e.callRow(t, e.sys, "c-artifact"); row.Summary != "Kept." || row.Transcript != "" {
						t.Fatalf("call = %+v", row)
					}
				}, logged: "artifact"},
			{name: "ended before started",
				body: report("c-backwards", vapitest.Report{}, func(m map[string]any) {
					m["endedAt"] = "2026-12-01T14:00:00.000Z"
					at(m, "call")["endedAt"] = "2026-12-01T14:00:00.000Z"
				}),
				check: func(t *testing.T, _ []byte) {
					row := e.callRow(t, e.sys, "c-backwards")
					if row.DurationSeconds != 0 || row.StartedAt == nil || row.EndedAt != nil && row.EndedAt.Before(*row.StartedAt) {
						t.Fatalf("call = %+v", row)
					}
				}, logged: "endedAt (before startedAt)"},
			{name: "negative cost",
				body: report("c-negative", vapitest.Report{Cost: -5, CostBreakdown: map[string]float64{"llm": -5, "tts": 0.02}}, nil),
				check: func(t *testing.T, _ []byte) {
					row := e.callRow(t, e.sys, "c-negative")
					if row.Cost != 0 || row.CostBreakdown == nil || row.CostBreakdown.LLM != nil || *row.CostBreakdown.TTS != 0.02 {
						t.Fatalf("call = %+v", row)
					}
					st, err := (&calllog.Service{DB: e.db}).Stats(e.sys, now.Add(-time.Hour), now.Add(time.Hour))
					if err != nil || st.TotalCost < 0 {
						t.Fatalf("stats %+v, %v", st, err)
					}
				}, logged: "cost (negative)"},
			{name: "recording URL not a web address",
				body: report("c-url", vapitest.Report{RecordingURL: "javascript:alert(1)"}, nil),
				check: func(t *testing.T, _ []byte) {
					if row := e.callRow(t, e.sys, "c-url"); row.RecordingURL != "" {
						t.Fatalf("call = %+v", row)
					}
				}, logged: "recordingUrl (not a web address)"},
			{name: "status not text", body: edit(t, e.theCall("c-status").StatusUpdate(now, "in-progress", ""), func(m map[string]any) { m["status"] = []any{1} }),
				logged: "status"},
			{name: "call not an object", body: edit(t, e.theCall("c-noobj").StatusUpdate(now, "ended", "hangup"), func(m map[string]any) { m["call"] = secretWords }),
				logged: "names no call"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				path := c.path
				if path == "" {
					path = "/webhooks/vapi"
				}
				status, out := e.post(t, path, c.body, nil)
				if status != http.StatusOK {
					t.Fatalf("status %d: %s", status, out)
				}
				if c.check != nil {
					c.check(t, out)
				}
				if !strings.Contains(logs.String(), c.logged) {
					t.Fatalf("the log does not name %q:\n%s", c.logged, logs.String())
				}
			})
		}
		for _, secret := range []string{"Hargreave", demo.Phone, strings.TrimPrefix(demo.Phone, "+1")} {
			if strings.Contains(logs.String(), secret) {
				t.Fatalf("patient data in the log:\n%s", logs.String())
			}
		}
	})
}

// Item 7: a Vapi call id is unique within a practice, not across them; a
// tool call naming no call still has its message taken; a web call leaves
// no call-back item with no number on it.
func TestCallsKeyedByPractice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		all := tenant.Unscoped(context.Background())
		cl := e.db.Client(all)
		other := cl.Practice.Create().SetName("Other Dental").SetTimeZone("America/New_York").SaveX(all)
		cl.Agent.Create().SetPracticeID(other.ID).SetVapiAssistantID("asst-other").SaveX(all)
		cl.PhoneNumber.Create().SetPracticeID(other.ID).SetNumber("+15555550300").SetVapiPhoneNumberID("pn-other").SaveX(all)
		otherSys := tenant.System(context.Background(), other.ID)

		ours := e.theCall("shared-id")
		theirs := vapitest.Call{ID: "shared-id", PhoneNumberID: "pn-other", AssistantID: "asst-other", CustomerNumber: "+15555550123"}
		msg := func(id string) vapitest.ToolCall {
			return vapitest.ToolCall{ID: id, Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "Please call back"}}
		}
		if res := e.tools(t, ours, msg("ours-1")); res[0].Error != "" {
			t.Fatal(res[0].Error)
		}
		if res := e.tools(t, theirs, msg("theirs-1")); res[0].Error != "" {
			t.Fatalf("the other practice's call of the same id: %+v", res[0])
		}
		e.post(t, "/webhooks/vapi", theirs.StatusUpdate(now, "ended", "customer-ended-call"), nil)
		if a, b := e.callRow(t, e.sys, "shared-id"), e.callRow(t, otherSys, "shared-id"); a.ID == b.ID || a.Status == "ended" || b.Status != "ended" ||
			a.CallerNumber != demo.Phone || b.CallerNumber != "+15555550123" {
			t.Fatalf("rows %+v\n%+v", a, b)
		}
		if n := e.db.Client(otherSys).ActionItem.Query().CountX(otherSys); n != 1 {
			t.Fatalf("%d items in the other practice", n)
		}

		// A tool call naming no call: the message is taken, once.
		noID := edit(t, e.theCall("ignored").ToolCalls(now, msg("orphan-1")), func(m map[string]any) { delete(at(m, "call"), "id") })
		for range 2 {
			status, out := e.post(t, "/webhooks/vapi", noID, nil)
			if status != http.StatusOK || !bytes.Contains(out, []byte("message_taken")) {
				t.Fatalf("status %d: %s", status, out)
			}
		}
		row := e.callRow(t, e.sys, receptionist.UnidentifiedCallPrefix+"orphan-1")
		items := e.db.Client(e.sys).ActionItem.Query().Where(actionitem.CallID(row.ID)).AllX(e.sys)
		if row.Status != "unidentified" || row.Outcome == nil || row.EndedAt == nil || len(items) != 1 || items[0].CallbackNumber != demo.Phone {
			t.Fatalf("row %+v, items %+v", row, items)
		}

		// A web call that resolved nothing: no number, so no call-back item.
		web := vapitest.Call{ID: "web-1", Type: "webCall", AssistantID: assistantID, StartedAt: now, EndedAt: now.Add(45 * time.Second)}
		if status, _ := e.post(t, "/webhooks/vapi", web.EndOfCallReport(now.Add(45*time.Second), vapitest.Report{}), nil); status != http.StatusOK {
			t.Fatal(status)
		}
		if row := e.callRow(t, e.sys, "web-1"); row.Outcome == nil || *row.Outcome != call.OutcomeABANDONED || row.CallerNumber != "" {
			t.Fatalf("web call %+v", row)
		}
		if n := e.db.Client(e.sys).ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindNO_RESOLUTION)).CountX(e.sys); n != 0 {
			t.Fatalf("%d call-back items for a web call", n)
		}
	})
}
