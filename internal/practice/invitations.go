package practice

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/invitation"
	"github.com/frontdesk/frontdesk/ent/member"
	"github.com/frontdesk/frontdesk/ent/practice"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// InvitationTTL is how long an invitation can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

// MaxPendingInvitations bounds the pending invitations of one practice, and
// so the list its members read.
const MaxPendingInvitations = 100

// MaxInvitationsShown bounds the invitations a signed-in user is shown:
// anyone can create a practice and invite any address, so the newest this
// many are listed.
const MaxInvitationsShown = 20

// Invitation is a pending invitation as the API shows it, to the members
// of its practice and to its invitee (who cannot read the practice yet).
type Invitation struct {
	ID           string
	Email        string
	Role         member.Role
	PracticeID   string
	PracticeName string
	ExpiresAt    time.Time
	CreatedAt    time.Time
}

// Invite invites someone by email into the acting practice with a role no
// higher than the inviter's own. Nothing changes for them until they accept.
func (s *Service) Invite(ctx context.Context, email string, role member.Role) (*Invitation, error) {
	pid, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || !strings.Contains(addr.Address, "@") || len(addr.Address) > 254 {
		return nil, apperr.New(apperr.Invalid, "not an email address")
	}
	if err := member.RoleValidator(role); err != nil {
		return nil, apperr.New(apperr.Invalid, "role must be OWNER or STAFF")
	}
	v := tenant.FromContext(ctx)
	if mine, _ := v.RoleIn(pid); mine.Rank() < tenant.Role(role).Rank() {
		return nil, apperr.New(apperr.Forbidden, "you cannot invite someone as %s: that is above your own role", role)
	}
	normalized := strings.ToLower(addr.Address)
	var out *Invitation
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		c := s.db.Client(ctx)
		// Serialises invitations of one practice, so the count below holds.
		if err := s.db.LockPractice(ctx, pid); err != nil {
			return err
		}
		isMember, err := c.Member.Query().Where(member.EmailEQ(normalized)).Exist(ctx)
		if err != nil {
			return err
		}
		if isMember {
			return apperr.New(apperr.Conflict, "that email is already a member of this practice")
		}
		now := s.clock.Now()
		// An expired invitation is void; a new one replaces it.
		if _, err := c.Invitation.Delete().Where(invitation.ExpiresAtLTE(now)).Exec(ctx); err != nil {
			return err
		}
		pending, err := c.Invitation.Query().Where(invitation.Email(normalized)).Exist(ctx)
		if err != nil {
			return err
		}
		if pending {
			return apperr.New(apperr.Conflict, "that email is already invited: revoke the invitation to send another")
		}
		n, err := c.Invitation.Query().Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxPendingInvitations {
			return apperr.New(apperr.Conflict, "this practice has %d pending invitations, the most it may have: revoke some first", MaxPendingInvitations)
		}
		inv, err := c.Invitation.Create().
			SetPracticeID(pid).
			SetEmail(normalized).
			SetRole(invitation.Role(role)).
			SetInvitedBy(v.Subject).
			SetExpiresAt(now.Add(InvitationTTL)).
			Save(ctx)
		if err != nil {
			return err
		}
		p, err := c.Practice.Get(ctx, pid)
		if err != nil {
			return err
		}
		out = view(inv, p.Name)
		return nil
	})
	return out, err
}

// Invitations lists the acting practice's pending invitations, oldest
// first. Any member may read them.
func (s *Service) Invitations(ctx context.Context) ([]*Invitation, error) {
	pid, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.Client(ctx)
	p, err := c.Practice.Get(ctx, pid)
	if err != nil {
		return nil, err
	}
	rows, err := c.Invitation.Query().
		Where(invitation.ExpiresAtGT(s.clock.Now())).
		Order(invitation.ByCreatedAt(), invitation.ByID()).
		Limit(MaxPendingInvitations).
		All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Invitation, 0, len(rows))
	for _, inv := range rows {
		out = append(out, view(inv, p.Name))
	}
	return out, nil
}

// Revoke withdraws a pending invitation of the acting practice. A member
// may revoke what they could have sent: invitations up to their own role.
func (s *Service) Revoke(ctx context.Context, id string) error {
	pid, err := tenant.ActingPractice(ctx)
	if err != nil {
		return err
	}
	c := s.db.Client(ctx)
	inv, err := c.Invitation.Get(ctx, id)
	if ent.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "no such invitation")
	}
	if err != nil {
		return err
	}
	if mine, _ := tenant.FromContext(ctx).RoleIn(pid); mine.Rank() < tenant.Role(inv.Role).Rank() {
		return apperr.New(apperr.Forbidden, "only an owner may revoke an invitation to be an owner")
	}
	return c.Invitation.DeleteOne(inv).Exec(ctx)
}

// verifiedEmail is the signed-in viewer's verified email, or why there is
// none: invitations are addressed to emails, so only an email the issuer
// vouches for may see or answer them.
func verifiedEmail(ctx context.Context) (*tenant.Viewer, string, error) {
	v := tenant.FromContext(ctx)
	if v == nil || v.Subject == "" {
		return nil, "", apperr.New(apperr.Unauthenticated, "sign in required")
	}
	if !v.EmailVerified {
		why := v.EmailProblem
		if why == "" {
			why = "your sign-in carries no verified email"
		}
		return nil, "", apperr.New(apperr.Forbidden, "invitations need a verified email address: %s", why)
	}
	return v, v.Email, nil
}

// MyInvitations lists the pending invitations addressed to the signed-in
// user's verified email, newest first.
func (s *Service) MyInvitations(ctx context.Context) ([]*Invitation, error) {
	_, email, err := verifiedEmail(ctx)
	if err != nil {
		return nil, err
	}
	// Unscoped: the invitee is not a member of the practices inviting them;
	// the rows are confined to their own verified email instead.
	all := tenant.Unscoped(ctx)
	c := s.db.Client(all)
	rows, err := c.Invitation.Query().
		Where(invitation.Email(email), invitation.ExpiresAtGT(s.clock.Now())).
		Order(invitation.ByCreatedAt(sql.OrderDesc()), invitation.ByID()).
		Limit(MaxInvitationsShown).
		All(all)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return []*Invitation{}, nil
	}
	ids := make([]string, 0, len(rows))
	for _, inv := range rows {
		ids = append(ids, inv.PracticeID)
	}
	practices, err := c.Practice.Query().Where(practice.IDIn(ids...)).Select(practice.FieldID, practice.FieldName).All(all)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(practices))
	for _, p := range practices {
		names[p.ID] = p.Name
	}
	out := make([]*Invitation, 0, len(rows))
	for _, inv := range rows {
		out = append(out, view(inv, names[inv.PracticeID]))
	}
	return out, nil
}

// Accept makes the signed-in user a member of the inviting practice, with
// the invitation's role, and returns that membership.
func (s *Service) Accept(ctx context.Context, id string) (*tenant.Membership, error) {
	v, email, err := verifiedEmail(ctx)
	if err != nil {
		return nil, err
	}
	var m tenant.Membership
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		inv, err := s.mine(ctx, id, email)
		if err != nil {
			return err
		}
		// Unscoped: the invitee is not a member yet; the invitation, found by
		// their verified email, is the authority for this one membership.
		all := tenant.Unscoped(ctx)
		c := s.db.Client(all)
		existing, err := c.Member.Query().Where(member.PracticeID(inv.PracticeID), member.SubjectEQ(v.Subject)).Only(all)
		switch {
		case ent.IsNotFound(err):
			existing, err = c.Member.Create().
				SetPracticeID(inv.PracticeID).
				SetSubject(v.Subject).
				SetEmail(email).
				SetRole(member.Role(inv.Role)).
				SetJoinedAt(s.clock.Now()).
				Save(all)
			if ent.IsConstraintError(err) {
				return apperr.New(apperr.Conflict, "someone else in that practice already has the email %s", email)
			}
			if err != nil {
				return err
			}
		case err != nil:
			return err
		}
		m = tenant.Membership{PracticeID: inv.PracticeID, Role: tenant.Role(existing.Role)}
		return c.Invitation.DeleteOneID(inv.ID).Exec(all)
	})
	if err != nil {
		return nil, err
	}
	// The rest of this request sees the new practice as the viewer's.
	if _, ok := v.RoleIn(m.PracticeID); !ok {
		v.Memberships = append(v.Memberships, m)
		if v.PracticeID == "" && len(v.Memberships) == 1 {
			v.PracticeID = m.PracticeID
		}
	}
	return &m, nil
}

// Decline deletes an invitation addressed to the signed-in user.
func (s *Service) Decline(ctx context.Context, id string) error {
	_, email, err := verifiedEmail(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		inv, err := s.mine(ctx, id, email)
		if err != nil {
			return err
		}
		// Unscoped: as in Accept, the invitation names its invitee.
		all := tenant.Unscoped(ctx)
		return s.db.Client(all).Invitation.DeleteOneID(inv.ID).Exec(all)
	})
}

// mine returns invitation id if it is addressed to email and still valid.
// Another's invitation is not found, so ids reveal nothing.
func (s *Service) mine(ctx context.Context, id, email string) (*ent.Invitation, error) {
	// Unscoped: the invitee is not a member of the inviting practice; the
	// lookup is confined to their verified email instead.
	all := tenant.Unscoped(ctx)
	inv, err := s.db.Client(all).Invitation.Query().Where(invitation.ID(id), invitation.Email(email)).Only(all)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such invitation for %s", email)
	}
	if err != nil {
		return nil, err
	}
	if !inv.ExpiresAt.After(s.clock.Now()) {
		return nil, apperr.New(apperr.NotFound, "that invitation has expired: ask the practice for a new one")
	}
	return inv, nil
}

func view(inv *ent.Invitation, practiceName string) *Invitation {
	return &Invitation{
		ID:           inv.ID,
		Email:        inv.Email,
		Role:         member.Role(inv.Role),
		PracticeID:   inv.PracticeID,
		PracticeName: practiceName,
		ExpiresAt:    inv.ExpiresAt,
		CreatedAt:    inv.CreatedAt,
	}
}
