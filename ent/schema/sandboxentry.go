package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SandboxEntry is one line of a practice's sandbox PMS journal: the day its
// demo data is built around, then every write made to it, in order. A
// sandbox replays its journal when it starts, so a restart forgets nothing
// and never issues an id twice (internal/pms/sandbox).
type SandboxEntry struct{ ent.Schema }

// Mixin of the SandboxEntry.
func (SandboxEntry) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "sbx"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the SandboxEntry.
func (SandboxEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Int("seq").Immutable().Comment("the entry's place in the journal, from 1"),
		field.String("kind").Immutable(),
		field.Text("data").Immutable().Comment("the entry as the sandbox wrote it (JSON)"),
	}
}

// Indexes of the SandboxEntry: one journal per practice, in order.
func (SandboxEntry) Indexes() []ent.Index {
	return []ent.Index{index.Fields("practice_id", "seq").Unique()}
}

// Annotations of the SandboxEntry: not part of the API.
func (SandboxEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
