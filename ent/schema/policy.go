package schema

import (
	"entgo.io/ent"

	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Every tenant entity's policy comes from PracticeMixin; the entities below
// add their own rules on top. The rules themselves live in internal/tenant.

// Policy of the PracticeMixin: queries, updates and deletes are confined to
// the viewer's practice, and rows are created only in it.
func (PracticeMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{tenant.FilterByPractice()},
		Mutation: privacy.MutationPolicy{tenant.CreateInPractice(), tenant.FilterByPractice()},
	}
}

// Policy of the Practice: anyone signed in may create one (self-serve
// onboarding); reads are confined to the viewer's memberships, changes to
// owners of the practice acted on, and practices are never deleted through
// the API.
func (Practice) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{tenant.PracticeQueryFilter()},
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(tenant.AllowSignedIn(), ent.OpCreate),
			privacy.OnMutationOperation(privacy.AlwaysDenyRule(), ent.OpDelete|ent.OpDeleteOne),
			tenant.RequireOwner(),
			tenant.PracticeMutationFilter(),
		},
	}
}

// Policy of the Member: only owners manage members.
func (Member) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{tenant.RequireOwner()},
	}
}

// Policy of the PMSConnection: only owners connect and disconnect; syncs and
// key rotations run as the system.
func (PMSConnection) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{tenant.RequireOwner()},
	}
}
