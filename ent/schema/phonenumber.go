package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PhoneNumber is a number patients call.
type PhoneNumber struct{ ent.Schema }

// Mixin of the PhoneNumber.
func (PhoneNumber) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "num"}, TimeMixin{}, PracticeMixin{}}
}

// Fields of the PhoneNumber.
func (PhoneNumber) Fields() []ent.Field {
	return []ent.Field{
		field.String("number").Comment("E.164").Validate(validE164),
		field.String("twilio_sid").Default(""),
		field.String("vapi_phone_number_id").Default(""),
		field.Enum("routing").Values("AGENT", "AFTER_HOURS", "FRONT_DESK_FIRST", "FRONT_DESK").Default("AGENT").
			Comment("who answers: always the voice agent (AGENT), the front desk in opening hours and the agent outside them (AFTER_HOURS), the front desk for front_desk_ring_seconds and then the agent (FRONT_DESK_FIRST), or only the front desk (FRONT_DESK)"),
		field.Int("front_desk_ring_seconds").Default(20).Range(5, 120).
			Comment("FRONT_DESK_FIRST: how long the front desk rings before the agent takes the call"),
	}
}

// Indexes of the PhoneNumber: every id a call is routed by names one
// number, so one practice, whichever practice added it first; "" is "not
// known yet" and may repeat.
func (PhoneNumber) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("number").Unique(),
		index.Fields("vapi_phone_number_id").Unique().
			Annotations(entsql.IndexWhere("vapi_phone_number_id <> ''")),
		index.Fields("twilio_sid").Unique().
			Annotations(entsql.IndexWhere("twilio_sid <> ''")),
	}
}

// Annotations of the PhoneNumber.
func (PhoneNumber) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
