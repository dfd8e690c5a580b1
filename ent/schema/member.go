package schema

import (
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Member is a person who may sign in to a practice. Someone becomes one by
// creating the practice or by accepting an Invitation.
type Member struct{ ent.Schema }

// Mixin of the Member.
func (Member) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "mem"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the Member.
func (Member) Fields() []ent.Field {
	return []ent.Field{
		field.String("subject").
			Optional().
			Nillable().
			Comment("the Cognito sub; every member has one (members join signed in)").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("email").
			Optional().
			Nillable().
			MaxLen(254).
			Comment("lower case; the verified email they joined with, empty when their token had none").
			Validate(func(s string) error {
				if s != strings.ToLower(s) {
					return errInvalidEmail
				}
				return nil
			}),
		field.Enum("role").
			Values("OWNER", "STAFF"),
		field.Time("joined_at").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Annotations of the Member.
func (Member) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// Indexes of the Member.
func (Member) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("practice_id", "email").Unique(),
		index.Fields("practice_id", "subject").Unique(),
		index.Fields("subject"),
		index.Fields("email"),
	}
}
