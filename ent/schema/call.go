package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/frontdesk/frontdesk/internal/vapi"
)

// Call is one phone call the receptionist took, kept from Vapi's reports so
// that history and analytics never depend on Vapi's retention.
type Call struct{ ent.Schema }

// Mixin of the Call.
func (Call) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "call"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the Call.
func (Call) Fields() []ent.Field {
	return []ent.Field{
		field.String("vapi_call_id").Optional().
			Comment("empty for a call that never reached the voice agent"),
		field.String("twilio_call_sid").Optional().
			Comment("Twilio's CallSid, from Twilio's webhooks or Vapi's call.transport.callSid (deprecated: call.phoneCallProviderId); joins the two to one row"),
		field.String("called_number").Default("").Comment("the practice's number that was called, E.164"),
		field.Enum("route").Values("AGENT", "FRONT_DESK", "FRONT_DESK_FIRST", "FRONT_DESK_FALLBACK", "VOICEMAIL").Optional().Nillable().
			Comment("where frontdesk's Twilio webhook sent the call: the agent, the front desk, the front desk then the agent, the front desk because the agent could not be reached, or voicemail"),
		field.Enum("answered_by").Values("AGENT", "FRONT_DESK", "VOICEMAIL").Optional().Nillable().
			Comment("who took the call; empty while ringing and for a call nobody answered"),
		field.String("caller_number").Default("").Comment("E.164 when known"),
		field.String("status").Default("").Comment("the last status Vapi or Twilio reported"),
		field.Time("started_at").Optional().Nillable().Annotations(entgql.OrderField("STARTED_AT")),
		field.Time("ended_at").Optional().Nillable(),
		field.Int("duration_seconds").Default(0),
		field.String("ended_reason").Default(""),
		field.Enum("outcome").Values("BOOKED", "TRANSFERRED", "INFO", "ABANDONED").Optional().Nillable(),
		field.Text("summary").Default(""),
		field.Text("transcript").Default(""),
		field.String("recording_url").Default("").
			Comment("the mono recording of both parties: artifact.recording.mono.combinedUrl, else the deprecated artifact.recordingUrl"),
		field.String("stereo_recording_url").Default("").
			Comment("the recording with caller and assistant on separate channels: artifact.recording.stereoUrl, else the deprecated artifact.stereoRecordingUrl"),
		field.Text("success_evaluation").Default("").
			Comment("Vapi's verdict on the call under the assistant's success rubric, as text (\"true\", \"8\", \"PASS\")"),
		field.JSON("structured_data", map[string]any{}).Optional().
			Comment("what Vapi's analysis extracted from the call under the assistant's structured-data schema").
			Annotations(entgql.Type("Map")),
		field.Float("cost").Default(0).Comment("what Vapi charged for the call, in USD"),
		field.JSON("cost_breakdown", &vapi.CostBreakdown{}).Optional().
			Comment("the cost by component (telephony, speech, language model, Vapi)").
			Annotations(entgql.Type("CostBreakdown")),
		field.String("verified_patient_id").Optional().Nillable().
			Comment("the patient whose name and birth date the caller gave; only their appointments may be changed on this call").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("failed_verifications").Default(0).
			Comment("identity checks on this call that matched no one; counted before each check, so concurrent attempts cannot pass the limit").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Call.
func (Call) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("verified_patient", Patient.Type).Field("verified_patient_id").Unique(),
		edge.From("tool_invocations", ToolInvocation.Type).Ref("call"),
	}
}

// Indexes of the Call.
func (Call) Indexes() []ent.Index {
	return []ent.Index{
		// A Vapi call id is unique within a practice only: it arrives in a
		// request body, so a call id first seen in one practice must not
		// stop another practice's call of the same id being recorded.
		index.Fields("practice_id", "vapi_call_id").Unique(),
		index.Fields("practice_id", "started_at"),
		index.Fields("practice_id", "twilio_call_sid"),
	}
}

// Annotations of the Call.
func (Call) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
