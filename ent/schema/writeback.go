package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Writeback is one write frontdesk makes into the PMS on an appointment's
// behalf: create the patient, create, cancel or move the appointment. An
// appointment's writebacks run in the order they were made, by one job.
type Writeback struct{ ent.Schema }

// Mixin of the Writeback.
func (Writeback) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "wb"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the Writeback.
func (Writeback) Fields() []ent.Field {
	return []ent.Field{
		field.String("appointment_id").Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("patient_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").Values("CREATE_PATIENT", "CREATE_APPOINTMENT", "CANCEL_APPOINTMENT", "RESCHEDULE_APPOINTMENT"),
		field.Enum("state").
			Values("QUEUED", "SUBMITTING", "SUBMITTED", "COMPLETED", "FAILED", "SKIPPED").
			Default("QUEUED").
			Comment("SUBMITTING: the write may have reached the PMS, its id not yet recorded"),
		field.String("pms_writeback_id").Optional().Comment("the PMS's id of the queued write"),
		field.String("created_pms_id").Optional().Comment("the id of what the write created"),
		field.Int("attempts").Default(0),
		field.Int("polls").Default(0),
		field.String("last_error").Default(""),
		field.Time("submitted_at").Optional().Nillable(),
		field.Time("completed_at").Optional().Nillable(),
		field.Time("start_at").Optional().Nillable().Comment("for a reschedule: where to"),
		field.String("reason").Default("").Comment("for a cancellation: why"),
	}
}

// Edges of the Writeback.
func (Writeback) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("appointment", Appointment.Type).Field("appointment_id").Unique().Required(),
		edge.To("patient", Patient.Type).Field("patient_id").Unique(),
	}
}

// Indexes of the Writeback.
func (Writeback) Indexes() []ent.Index {
	return []ent.Index{index.Fields("appointment_id", "created_at")}
}

// Annotations of the Writeback.
func (Writeback) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
