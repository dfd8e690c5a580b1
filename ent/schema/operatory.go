package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Operatory is a chair or room, mirrored from the PMS.
type Operatory struct{ ent.Schema }

// Mixin of the Operatory.
func (Operatory) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "op"}, TimeMixin{}, PracticeMixin{}, MirrorMixin{}}
}

// Fields of the Operatory.
func (Operatory) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Default(""),
		field.String("abbreviation").Default(""),
		field.Bool("hidden").Default(false),
		field.Strings("provider_pms_ids").Optional().
			Comment("providers the PMS links to this operatory, where it does").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of the Operatory.
func (Operatory) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
