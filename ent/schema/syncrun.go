package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SyncRun records one pass of the mirror sync.
type SyncRun struct{ ent.Schema }

// Mixin of the SyncRun.
func (SyncRun) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "sync"}, PracticeMixin{}}
}

// Fields of the SyncRun.
func (SyncRun) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("FULL", "INCREMENTAL"),
		field.Enum("status").Values("RUNNING", "SUCCEEDED", "FAILED").Default("RUNNING"),
		field.Time("started_at").Annotations(entgql.OrderField("STARTED_AT")),
		field.Time("finished_at").Optional().Nillable(),
		field.Int("duration_ms").Default(0),
		field.Int("providers").Default(0).Comment("records read from the PMS"),
		field.Int("operatories").Default(0),
		field.Int("appointment_types").Default(0),
		field.Int("patients").Default(0),
		field.Int("appointments").Default(0),
		field.Int("created").Default(0).Comment("mirror rows inserted"),
		field.Int("updated").Default(0).Comment("mirror rows changed"),
		field.Int("removed").Default(0).Comment("mirror rows the PMS no longer has"),
		field.String("error").Optional(),
	}
}

// Indexes of the SyncRun.
func (SyncRun) Indexes() []ent.Index {
	return []ent.Index{index.Fields("practice_id", "started_at")}
}

// Annotations of the SyncRun.
func (SyncRun) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
