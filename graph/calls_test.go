package graph_test

import (
	"context"
	"testing"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// What Vapi's report said of a call is in the API: both recordings, the
// analysis and the cost breakdown, and the Twilio CallSid.
func TestCallAnalysisInTheAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		ann := user("ann", "ann@example.com")
		id := mustCreate(t, env, ann, "Analysis Dental")
		sys := tenant.System(context.Background(), id)
		llm, total := 0.05, 0.16
		env.DB.Client(sys).Call.Create().SetPracticeID(id).SetVapiCallID("v-analysis").SetTwilioCallSid("CA1").
			SetRecordingURL("https://rec/mono.wav").SetStereoRecordingURL("https://rec/stereo.wav").
			SetSuccessEvaluation("true").SetStructuredData(map[string]any{"intent": "whitening", "new_patient": true}).
			SetCostBreakdown(&vapi.CostBreakdown{LLM: &llm, Total: &total}).SaveX(sys)
		env.DB.Client(sys).Call.Create().SetPracticeID(id).SetVapiCallID("v-bare").SaveX(sys)
		var out struct {
			Calls struct {
				Edges []struct {
					Node struct {
						VapiCallID, TwilioCallSid, RecordingURL, StereoRecordingURL, SuccessEvaluation string
						StructuredData                                                                 map[string]any
						CostBreakdown                                                                  *struct {
							LLM, Total, TTS *float64
						}
					}
				}
			}
		}
		env.MustDo(t, ann, `{ calls(first: 10, where: {vapiCallIDIn: ["v-analysis", "v-bare"]}) { edges { node {
			vapiCallID twilioCallSid recordingURL stereoRecordingURL successEvaluation structuredData costBreakdown { llm total tts } } } } }`, nil, &out)
		if len(out.Calls.Edges) != 2 {
			t.Fatalf("calls = %+v", out.Calls)
		}
		for _, e := range out.Calls.Edges {
			n := e.Node
			switch n.VapiCallID {
			case "v-analysis":
				if n.TwilioCallSid != "CA1" || n.RecordingURL != "https://rec/mono.wav" || n.StereoRecordingURL != "https://rec/stereo.wav" ||
					n.SuccessEvaluation != "true" || n.StructuredData["intent"] != "whitening" || n.StructuredData["new_patient"] != true ||
					n.CostBreakdown == nil || *n.CostBreakdown.LLM != 0.05 || *n.CostBreakdown.Total != 0.16 || n.CostBreakdown.TTS != nil {
					t.Fatalf("call = %+v", n)
				}
			case "v-bare":
				if n.StructuredData != nil || n.CostBreakdown != nil {
					t.Fatalf("bare call = %+v", n)
				}
			}
		}
	})
}
