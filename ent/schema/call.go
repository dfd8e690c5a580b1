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
		field.String("vapi_call_id").NotEmpty(),
		field.String("twilio_call_sid").Default(""),
		field.String("caller_number").Default("").Comment("E.164 when known"),
		field.String("status").Default("").Comment("Vapi's last status-update"),
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
		index.Fields("vapi_call_id").Unique(),
		index.Fields("practice_id", "started_at"),
	}
}

// Annotations of the Call.
func (Call) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
