package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// AppointmentType is a kind of visit: mirrored from the PMS, with the
// practice's own settings (whether callers may book it, with whom).
type AppointmentType struct{ ent.Schema }

// Mixin of the AppointmentType.
func (AppointmentType) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "atype"}, TimeMixin{}, PracticeMixin{}, MirrorMixin{}}
}

// Fields of the AppointmentType.
func (AppointmentType) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Default(""),
		field.Int("duration_minutes").Default(0).Comment("0 when the PMS does not say"),
		field.Bool("bookable_by_phone").Default(true),
		field.Strings("provider_ids").Optional().Comment("providers who do this type; empty means all"),
	}
}

// Annotations of the AppointmentType.
func (AppointmentType) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
