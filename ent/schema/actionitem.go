package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ActionItem is something staff must follow up: a message a caller left, a
// transfer that failed, a booking the PMS refused, a call that ended
// unresolved.
type ActionItem struct{ ent.Schema }

// Mixin of the ActionItem.
func (ActionItem) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "act"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the ActionItem.
func (ActionItem) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("MESSAGE", "TRANSFER_FAILED", "WRITEBACK_FAILED", "NO_RESOLUTION", "VERIFICATION_LOCKED", "PMS_CONFLICT").
			Comment("PMS_CONFLICT: the PMS gave a record's id to someone else; staff decide which record is whose"),
		field.Enum("status").Values("OPEN", "RESOLVED").Default("OPEN"),
		field.Enum("urgency").Values("ROUTINE", "URGENT").Default("ROUTINE"),
		field.String("summary").Comment("what happened and what to do, for staff"),
		field.String("callback_number").Default(""),
		field.String("appointment_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("patient_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("call_id").Optional().Comment("the Vapi call it came from"),
		field.Time("resolved_at").Optional().Nillable(),
		field.String("resolved_by").Default(""),
		field.String("resolution").Default(""),
	}
}

// Edges of the ActionItem.
func (ActionItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("appointment", Appointment.Type).Field("appointment_id").Unique(),
		edge.To("patient", Patient.Type).Field("patient_id").Unique(),
	}
}

// Indexes of the ActionItem.
func (ActionItem) Indexes() []ent.Index {
	return []ent.Index{index.Fields("practice_id", "status", "created_at")}
}

// Annotations of the ActionItem.
func (ActionItem) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
