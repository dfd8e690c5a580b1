package tenant

import (
	"context"

	"entgo.io/ent/entql"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/apperr"
)

// Unscoped returns ctx that bypasses every tenant rule. Only for the few
// operations that must find a practice before one is known (resolving a
// signed-in user's memberships, the practice a phone number belongs to,
// the practices a scheduler iterates) and for migrations and seeding.
func Unscoped(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// practiceFilter is implemented by the entql filter of every entity that
// carries a practice_id (the Practice mixin).
type practiceFilter interface {
	WherePracticeID(entql.StringP)
}

// practiceIDFilter is implemented by the Practice entity's filter.
type practiceIDFilter interface {
	WhereID(entql.StringP)
}

var (
	errNoViewer   = apperr.New(apperr.Unauthenticated, "sign in required")
	errNoPractice = apperr.New(apperr.Forbidden, "you are not a member of any practice: create one with createPractice or ask an owner for an invitation")
	errChoose     = apperr.New(apperr.Invalid, "you belong to several practices: choose one with the X-Practice-ID header")
	errNotOwner   = apperr.New(apperr.Forbidden, "only an owner of the practice may do this")
)

// scope returns the practice an operation is confined to; all is true for
// admins who chose no practice.
func scope(ctx context.Context) (practiceID string, all bool, err error) {
	v := FromContext(ctx)
	switch {
	case v == nil:
		return "", false, errNoViewer
	case v.PracticeID != "":
		return v.PracticeID, false, nil
	case v.Admin:
		return "", true, nil
	case len(v.Memberships) == 0:
		return "", false, errNoPractice
	default:
		return "", false, errChoose
	}
}

// FilterByPractice confines queries, updates and deletes of a tenant entity
// to the viewer's practice.
func FilterByPractice() privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		id, all, err := scope(ctx)
		if err != nil {
			return err
		}
		if all {
			return privacy.Skip
		}
		pf, ok := f.(practiceFilter)
		if !ok {
			return privacy.Denyf("tenant: %T has no practice_id", f)
		}
		pf.WherePracticeID(entql.StringEQ(id))
		return privacy.Skip
	})
}

// practiceMutation is implemented by the mutation of every tenant entity.
type practiceMutation interface {
	PracticeID() (string, bool)
}

// CreateInPractice lets a viewer create a tenant row only in their practice.
func CreateInPractice() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		id, all, err := scope(ctx)
		if err != nil {
			return err
		}
		pm, ok := m.(practiceMutation)
		if !ok {
			return privacy.Denyf("tenant: %T has no practice_id", m)
		}
		got, set := pm.PracticeID()
		switch {
		case !set:
			return privacy.Denyf("tenant: %s created without a practice", m.Type())
		case all || got == id:
			return privacy.Skip
		default:
			return apperr.New(apperr.Forbidden, "not allowed in this practice")
		}
	})
}

// RequireOwner lets only an owner of the viewer's practice (or an admin, or
// the system) change the entity.
func RequireOwner() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v := FromContext(ctx)
		if v == nil {
			return errNoViewer
		}
		if v.Admin || v.System {
			return privacy.Skip
		}
		id, _, err := scope(ctx)
		if err != nil {
			return err
		}
		if role, _ := v.RoleIn(id); role != Owner {
			return errNotOwner
		}
		return privacy.Skip
	})
}

// PracticeQueryFilter confines practice queries to the viewer's memberships
// (all of them, whichever one the request acts on), the system to its one
// practice; admins see every practice.
func PracticeQueryFilter() privacy.QueryRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := FromContext(ctx)
		if v == nil {
			return errNoViewer
		}
		pf, ok := f.(practiceIDFilter)
		if !ok {
			return privacy.Denyf("tenant: %T is not a practice", f)
		}
		switch {
		case v.System:
			pf.WhereID(entql.StringEQ(v.PracticeID))
		case v.Admin:
		default:
			ids := make([]any, 0, len(v.Memberships))
			for _, m := range v.Memberships {
				ids = append(ids, m.PracticeID)
			}
			if len(ids) == 0 {
				// No practice: nothing matches. (An empty IN () is an
				// error on PostgreSQL.)
				f.Where(entql.FieldNil("id"))
			} else {
				f.Where(entql.FieldIn("id", ids...))
			}
		}
		return privacy.Skip
	})
}

// PracticeMutationFilter confines practice updates to the practice the
// viewer acts on.
func PracticeMutationFilter() privacy.MutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		id, all, err := scope(ctx)
		if err != nil {
			return err
		}
		pf, ok := f.(practiceIDFilter)
		if !ok {
			return privacy.Denyf("tenant: %T is not a practice", f)
		}
		if !all {
			pf.WhereID(entql.StringEQ(id))
		}
		return privacy.Skip
	})
}

// AllowSignedIn allows the operation to any signed-in user.
func AllowSignedIn() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if v := FromContext(ctx); v == nil || (v.Subject == "" && !v.System) {
			return errNoViewer
		}
		return privacy.Allow
	})
}
