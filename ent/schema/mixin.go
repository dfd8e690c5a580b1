package schema

import (
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/frontdesk/frontdesk/internal/ids"
)

// tables maps each id prefix to its entity's table; NodeType reads it for
// Relay node lookups, and each schema's ID mixin must be registered here.
var tables = map[string]string{
	"prac":  "practices",
	"mem":   "members",
	"pms":   "pms_connections",
	"sync":  "sync_runs",
	"prov":  "providers",
	"op":    "operatories",
	"atype": "appointment_types",
	"pat":   "patients",
	"appt":  "appointments",
	"wb":    "writebacks",
	"act":   "action_items",
	"call":  "calls",
	"tool":  "tool_invocations",
	"agent": "agents",
	"num":   "phone_numbers",
	"inv":   "invitations",
	"sbx":   "sandbox_entries",
}

// NodeType returns the table an id belongs to.
func NodeType(id string) (string, error) {
	t, ok := tables[ids.Prefix(id)]
	if !ok {
		return "", fmt.Errorf("unknown id %q", id)
	}
	return t, nil
}

// IDMixin gives an entity a prefixed string id (see internal/ids).
type IDMixin struct {
	mixin.Schema
	Prefix string
}

// Fields of the IDMixin.
func (m IDMixin) Fields() []ent.Field {
	if _, ok := tables[m.Prefix]; !ok {
		panic("schema: id prefix " + m.Prefix + " is not registered in tables")
	}
	return []ent.Field{
		field.String("id").
			Immutable().
			NotEmpty().
			DefaultFunc(func() string { return ids.New(m.Prefix) }),
	}
}

// TimeMixin records when a row was created and last changed. The times
// come from the clock internal/database is opened with (its stampTimes
// hook), never from time.Now here.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Immutable().
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// PracticeMixin makes an entity a tenant row: it belongs to one practice, and
// the privacy policy confines every query and mutation to the viewer's
// practice.
type PracticeMixin struct{ mixin.Schema }

// Fields of the PracticeMixin.
func (PracticeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("practice_id").
			Immutable().
			NotEmpty().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the PracticeMixin.
func (PracticeMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("practice", Practice.Type).
			Field("practice_id").
			Unique().
			Required().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the PracticeMixin.
func (PracticeMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("practice_id")}
}
