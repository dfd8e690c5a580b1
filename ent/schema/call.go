package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
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
		field.String("twilio_call_sid").Optional(),
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
		field.String("recording_url").Default(""),
		field.Float("cost").Default(0),
		field.String("verified_patient_id").Optional().Nillable().
			Comment("the patient whose name and birth date the caller gave; only their appointments may be changed on this call").
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
		index.Fields("vapi_call_id").Unique(),
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
