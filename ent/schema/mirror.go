package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// MirrorMixin marks a row as a copy of a PMS record: its PMS id (empty for a
// record frontdesk made that has not reached the PMS yet) and a digest of
// what the PMS last said, so a sync that reads nothing new writes nothing.
type MirrorMixin struct{ mixin.Schema }

// Fields of the MirrorMixin.
func (MirrorMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("pms_id").
			Optional().
			Nillable().
			Comment("the record's id in the PMS"),
		field.String("pms_digest").
			Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the MirrorMixin.
func (MirrorMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("practice_id", "pms_id").Unique()}
}

// hoursField holds weekly opening hours.
func hoursField(name, comment string) ent.Field {
	return field.JSON(name, calendar.WeeklyHours{}).
		Optional().
		Comment(comment).
		Annotations(entgql.Skip(entgql.SkipAll))
}
