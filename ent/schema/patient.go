package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Patient is a patient, mirrored from the PMS or created by a booking.
type Patient struct{ ent.Schema }

// Mixin of the Patient.
func (Patient) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "pat"}, TimeMixin{}, PracticeMixin{}, MirrorMixin{}}
}

// Fields of the Patient.
func (Patient) Fields() []ent.Field {
	return []ent.Field{
		field.String("first_name").Default("").Annotations(entgql.OrderField("FIRST_NAME")),
		field.String("last_name").Default("").Annotations(entgql.OrderField("LAST_NAME")),
		field.String("preferred_name").Default(""),
		field.String("birth_date").Default("").
			Comment(`"2006-01-02", or empty when unknown`).
			Annotations(entgql.OrderField("BIRTH_DATE")),
		field.Strings("phones").Optional().Comment("E.164"),
		field.String("phone_index").Default("").
			Comment("the phones, space-separated and space-framed, for an indexed-enough lookup by number").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("email").Default(""),
		field.String("status").Default(""),
		// Phone verification failures, kept here so that every call and
		// every process counts against the same row (internal/receptionist).
		field.Int("phone_verify_failures").Default(0).
			Comment("failed phone identity checks since phone_verify_window_start").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("phone_verify_window_start").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("phone_verify_locked_until").Optional().Nillable().
			Comment("until then the phone agent verifies no one as this patient").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("active").Default(true).
			Comment("false once the PMS no longer has the patient (deleted or merged): never verified or booked by phone, kept for the calls that name them"),
		field.String("former_pms_id").Default("").
			Comment("the PMS id this row had until the PMS gave it to someone else").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the Patient.
func (Patient) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("appointments", Appointment.Type).Ref("patient").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Patient.
func (Patient) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("practice_id", "last_name", "first_name"),
		index.Fields("practice_id", "birth_date"),
	}
}

// Annotations of the Patient.
func (Patient) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.MultiOrder(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
