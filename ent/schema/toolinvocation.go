package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ToolInvocation is one tool call Vapi made during a call, and the answer it
// got: a tool call id seen again is answered from here, never run twice.
type ToolInvocation struct{ ent.Schema }

// Mixin of the ToolInvocation.
func (ToolInvocation) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "tool"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the ToolInvocation.
func (ToolInvocation) Fields() []ent.Field {
	return []ent.Field{
		field.String("call_id").Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("tool_call_id").NotEmpty(),
		field.String("tool"),
		field.Enum("outcome").Values("OK", "ERROR"),
		field.Text("result").Default("").Comment("the single-line answer Vapi got").Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("latency_ms").Default(0),
	}
}

// Edges of the ToolInvocation.
func (ToolInvocation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("call", Call.Type).Field("call_id").Unique().Required(),
	}
}

// Indexes of the ToolInvocation.
func (ToolInvocation) Indexes() []ent.Index {
	return []ent.Index{index.Fields("practice_id", "tool_call_id").Unique()}
}

// Annotations of the ToolInvocation.
func (ToolInvocation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
