package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/frontdesk/frontdesk/internal/phone"
)

// Practice is a dental practice: the tenant every other row belongs to.
type Practice struct{ ent.Schema }

// Mixin of the Practice.
func (Practice) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "prac"}, TimeMixin{}}
}

// Fields of the Practice.
func (Practice) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(120).
			Annotations(entgql.OrderField("NAME")),
		field.String("time_zone").
			Comment("IANA zone: every wall-clock question about the practice is answered in it").
			Validate(validZone),
		field.String("front_desk_number").
			Optional().
			Comment("E.164 number calls are transferred to when a person is needed").
			Validate(validE164),
		hoursField("pms_hours", "opening hours as the PMS reports them"),
		hoursField("hours", "opening hours set in frontdesk; when set, they replace the PMS's"),
		field.Strings("closures").Optional().
			Comment(`dates ("2006-01-02") set in frontdesk when the practice is closed, beside the PMS's`).
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("lead_time_minutes").Default(120).NonNegative().
			Comment("how soon a caller may book: no slot starts earlier than now plus this"),
		field.Int("horizon_days").Default(90).Positive().Comment("how far ahead callers may book"),
		field.Int("slot_step_minutes").Default(15).Range(5, 120).Comment("the grid slots start on"),
		field.String("default_appointment_type_id").Optional().
			Comment("the type a caller gets when they name none"),
		field.Int64("schedule_version").Default(0).
			Comment("bumped by every change to the practice's schedule data; cached availability is keyed by it").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Strings("pms_closures").Optional().
			Comment(`dates ("2006-01-02") the PMS marks closed`).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of the Practice.
func (Practice) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput),
		entgql.Mutations(entgql.MutationCreate()),
	}
}

func validZone(s string) error {
	if s == "" || s == "Local" {
		return errInvalidZone
	}
	if _, err := time.LoadLocation(s); err != nil {
		return errInvalidZone
	}
	return nil
}

func validE164(s string) error {
	if n, err := phone.Normalize(s); err != nil || n != s {
		return errInvalidE164
	}
	return nil
}
