package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Provider is a dentist or hygienist, mirrored from the PMS.
type Provider struct{ ent.Schema }

// Mixin of the Provider.
func (Provider) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "prov"}, TimeMixin{}, PracticeMixin{}, MirrorMixin{}}
}

// Fields of the Provider.
func (Provider) Fields() []ent.Field {
	return []ent.Field{
		field.String("first_name").Default(""),
		field.String("last_name").Default("").Annotations(entgql.OrderField("LAST_NAME")),
		field.String("title").Default("").Comment(`"Dr." for a dentist when known`),
		field.String("specialty").Default(""),
		field.Bool("active").Default(true),
		hoursField("hours", "the provider's own hours; empty means the practice's"),
	}
}

// Annotations of the Provider.
func (Provider) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
