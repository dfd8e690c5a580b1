package schema

import (
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Invitation asks someone, by email, to join a practice. It changes nothing
// for them until they accept it, signed in with that verified email; it is
// deleted when accepted, declined or revoked, and is void once expired.
type Invitation struct{ ent.Schema }

// Mixin of the Invitation.
func (Invitation) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "inv"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the Invitation.
func (Invitation) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").
			NotEmpty().
			MaxLen(254).
			Comment("lower case").
			Validate(func(s string) error {
				if s != strings.ToLower(s) {
					return errInvalidEmail
				}
				return nil
			}),
		field.Enum("role").
			Values("OWNER", "STAFF"),
		field.String("invited_by").
			Default("").
			Comment("the Cognito sub of whoever sent it"),
		field.Time("expires_at"),
	}
}

// Indexes of the Invitation: one pending invitation per email and practice,
// and the invitee's own list, found by email across practices.
func (Invitation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("practice_id", "email").Unique(),
		index.Fields("email"),
	}
}

// Annotations of the Invitation: the API shows it through its own type
// (practice.Invitation), readable by an invitee who cannot read the practice.
func (Invitation) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
