package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Appointment is an appointment: mirrored from the PMS, or booked through
// frontdesk and written back to it. Times are instants (UTC); the practice's
// zone turns them into wall-clock times.
type Appointment struct{ ent.Schema }

// Mixin of the Appointment.
func (Appointment) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "appt"}, TimeMixin{}, PracticeMixin{}, MirrorMixin{}}
}

// Fields of the Appointment.
func (Appointment) Fields() []ent.Field {
	return []ent.Field{
		field.String("patient_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("provider_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("operatory_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("appointment_type_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("start_at").Annotations(entgql.OrderField("START_AT")),
		field.Time("end_at"),
		field.Enum("status").Values("SCHEDULED", "CANCELLED").Default("SCHEDULED"),
		field.String("pms_status").Default("").Comment("the status as the PMS names it"),
		field.Enum("source").Values("PMS", "PHONE", "DASHBOARD").Default("PMS"),
		field.String("description").Default(""),
		field.Time("pms_changed_at").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("writeback_state").Values("NONE", "PENDING", "CONFIRMED", "FAILED").Default("NONE").
			Comment("where frontdesk's changes to this appointment stand in the PMS; NONE for what came from it"),
		field.String("writeback_error").Default("").Comment("the PMS's reason when the writeback failed"),
		field.String("notes").Default(""),
	}
}

// Edges of the Appointment.
func (Appointment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("patient", Patient.Type).Field("patient_id").Unique(),
		edge.To("provider", Provider.Type).Field("provider_id").Unique(),
		edge.To("operatory", Operatory.Type).Field("operatory_id").Unique(),
		edge.To("appointment_type", AppointmentType.Type).Field("appointment_type_id").Unique(),
		edge.From("writebacks", Writeback.Type).Ref("appointment").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Appointment.
func (Appointment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("practice_id", "start_at"),
		index.Fields("practice_id", "provider_id", "start_at"),
		index.Fields("practice_id", "patient_id"),
	}
}

// Annotations of the Appointment.
func (Appointment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
