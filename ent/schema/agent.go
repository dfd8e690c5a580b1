package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Agent is a practice's voice agent: its settings here, and the Vapi
// assistant and tools provisioning made from them.
type Agent struct{ ent.Schema }

// Mixin of the Agent.
func (Agent) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "agent"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the Agent.
func (Agent) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Default("Receptionist").MaxLen(40),
		field.String("greeting").Default("").Comment("the first thing a caller hears; empty for the default"),
		field.String("voice_provider").Default("vapi"),
		field.String("voice_id").Default("Elliot"),
		field.String("transfer_number").Default("").Comment("E.164; empty means the practice's front-desk number"),
		field.Text("extra_instructions").Default("").Comment("appended to the system prompt"),
		field.Bool("enabled").Default(true),
		field.String("vapi_assistant_id").Default(""),
		field.JSON("vapi_tool_ids", map[string]string{}).Optional().
			Comment("tool name → Vapi tool id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("provisioned_at").Optional().Nillable(),
		field.String("provision_error").Default(""),
	}
}

// Indexes of the Agent: one per practice.
func (Agent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("practice_id").Unique().StorageKey("agent_one_per_practice"),
		// A call routed by its assistant reaches one practice; "" repeats.
		index.Fields("vapi_assistant_id").Unique().
			Annotations(entsql.IndexWhere("vapi_assistant_id <> ''")),
	}
}

// Annotations of the Agent.
func (Agent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
