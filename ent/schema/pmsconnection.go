package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PMSConnection is a practice's link to its practice-management system. Its
// keys are sealed with FRONTDESK_SECRET_KEY (internal/secrets) and never
// leave the server.
type PMSConnection struct{ ent.Schema }

// Mixin of the PMSConnection.
func (PMSConnection) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "pms"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the PMSConnection.
func (PMSConnection) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("provider").Values("SIKKA", "SANDBOX"),
		field.String("office_id").Optional().Comment("Sikka office id"),
		field.String("pms_practice_id").Default("1").Comment("the practice within the office (Sikka practice_id)").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bytes("secret_key").Optional().Sensitive().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bytes("request_key").Optional().Sensitive().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bytes("refresh_key").Optional().Sensitive().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("key_expires_at").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").Values("CONNECTED", "ERROR", "DISCONNECTED").Default("CONNECTED"),
		field.String("system").Optional().Comment("the PMS product, e.g. Dentrix, when known"),
		field.Time("last_sync_at").Optional().Nillable(),
		field.Time("last_full_sync_at").Optional().Nillable(),
		field.Time("appointments_changed_since").Optional().Nillable().
			Comment("watermark of the incremental sync").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("last_error").Optional().Comment("the last sync or key error, without patient data"),
		field.String("cancel_status").Default("").
			Comment("the appointment status a phone cancellation writes, as the practice chose it; empty: the best match among appointment_statuses").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Strings("appointment_statuses").Optional().
			Comment("the appointment statuses the PMS accepts, as the last full sync read them").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the PMSConnection: one connection per practice.
func (PMSConnection) Indexes() []ent.Index {
	return []ent.Index{index.Fields("practice_id").Unique().StorageKey("pms_connection_one_per_practice")}
}

// Annotations of the PMSConnection.
func (PMSConnection) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
