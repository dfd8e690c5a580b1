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
		field.Enum("routing").Values("AGENT", "FRONT_DESK").Default("AGENT").
			Comment("who answers: the voice agent, or the front desk directly"),
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
