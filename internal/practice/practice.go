// Package practice manages practices and their members, and resolves a
// signed-in user into the tenant.Viewer every other service runs under.
package practice

import (
	"context"
	"fmt"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/member"
	"github.com/frontdesk/frontdesk/ent/practice"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Service manages practices and members.
type Service struct {
	db    *database.DB
	clock clock.Clock
}

// New returns a Service.
func New(db *database.DB, c clock.Clock) *Service {
	return &Service{db: db, clock: c}
}

// ResolveViewer turns a verified identity into the viewer of one request:
// its memberships and the practice it acts on — practiceID (the
// X-Practice-ID header) when given, else its only practice. Invitations
// change nothing here: an invitee joins by accepting one.
func (s *Service) ResolveViewer(ctx context.Context, id *auth.Identity, admin bool, practiceID string) (*tenant.Viewer, error) {
	v := &tenant.Viewer{Subject: id.Subject, Email: id.Email, EmailVerified: id.Email != "" && id.EmailVerified, EmailProblem: id.EmailProblem, Admin: admin}
	// Unscoped: the memberships are what decides which practices this
	// viewer may see.
	sys := tenant.Unscoped(ctx)
	rows, err := s.db.Client(sys).Member.Query().Where(member.SubjectEQ(id.Subject)).Order(member.ByCreatedAt()).All(sys)
	if err != nil {
		return nil, fmt.Errorf("practice: memberships: %w", err)
	}
	for _, m := range rows {
		v.Memberships = append(v.Memberships, tenant.Membership{PracticeID: m.PracticeID, Role: tenant.Role(m.Role)})
	}
	switch {
	case practiceID != "":
		if _, ok := v.RoleIn(practiceID); ok && !admin {
			v.PracticeID = practiceID
			break
		}
		if !admin {
			return nil, apperr.New(apperr.Forbidden, "you are not a member of practice %s", practiceID)
		}
		exists, err := s.db.Client(sys).Practice.Query().Where(practice.ID(practiceID)).Exist(sys)
		if err != nil {
			return nil, fmt.Errorf("practice: %w", err)
		}
		if !exists {
			return nil, apperr.New(apperr.NotFound, "practice %s does not exist", practiceID)
		}
		v.PracticeID = practiceID
	case len(v.Memberships) == 1:
		v.PracticeID = v.Memberships[0].PracticeID
	}
	return v, nil
}

// Create creates a practice and makes the signed-in caller its owner.
func (s *Service) Create(ctx context.Context, in ent.CreatePracticeInput) (*ent.Practice, error) {
	v := tenant.FromContext(ctx)
	if v == nil || v.Subject == "" {
		return nil, apperr.New(apperr.Unauthenticated, "sign in required")
	}
	var p *ent.Practice
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		p, err = s.db.Client(ctx).Practice.Create().SetInput(in).Save(ctx)
		if err != nil {
			return err
		}
		// The caller is not a member yet, so no tenant rule can allow this
		// first membership: it is the one write onboarding makes on its own
		// authority.
		owner := s.db.Client(ctx).Member.Create().
			SetPracticeID(p.ID).
			SetSubject(v.Subject).
			SetRole(member.RoleOWNER).
			SetJoinedAt(s.clock.Now())
		if v.EmailVerified {
			owner.SetEmail(v.Email)
		}
		return owner.Exec(tenant.Unscoped(ctx))
	})
	if err != nil {
		return nil, err
	}
	// The rest of this request sees the new practice as the viewer's.
	v.Memberships = append(v.Memberships, tenant.Membership{PracticeID: p.ID, Role: tenant.Owner})
	if v.PracticeID == "" && len(v.Memberships) == 1 {
		v.PracticeID = p.ID
	}
	return p, nil
}

// Current returns the practice the request acts on.
func (s *Service) Current(ctx context.Context) (*ent.Practice, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, apperr.New(apperr.Unauthenticated, "sign in required")
	}
	if v.PracticeID == "" {
		return nil, nil
	}
	return s.db.Client(ctx).Practice.Get(ctx, v.PracticeID)
}

// Settings change a practice; nil fields stay as they are.
type Settings struct {
	Name, TimeZone, FrontDeskNumber *string
	// Hours replace the PMS's hours; an empty non-nil map goes back to them.
	Hours                                         *calendar.WeeklyHours
	Closures                                      *[]string
	LeadTimeMinutes, HorizonDays, SlotStepMinutes *int
	DefaultAppointmentTypeID                      *string
}

// Update changes the practice this request acts on (owners only, by the
// practice's privacy policy).
func (s *Service) Update(ctx context.Context, in Settings) (*ent.Practice, error) {
	id, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.Client(ctx)
	u := c.Practice.UpdateOneID(id).
		SetNillableName(in.Name).
		SetNillableTimeZone(in.TimeZone).
		SetNillableLeadTimeMinutes(in.LeadTimeMinutes).
		SetNillableHorizonDays(in.HorizonDays).
		SetNillableSlotStepMinutes(in.SlotStepMinutes)
	if in.FrontDeskNumber != nil {
		n, err := phone.Parse(*in.FrontDeskNumber, "the front-desk number")
		if err != nil {
			return nil, err
		}
		if n == "" {
			u.ClearFrontDeskNumber()
		} else {
			u.SetFrontDeskNumber(n)
		}
	}
	if in.Hours != nil {
		for day, ranges := range *in.Hours {
			for _, r := range ranges {
				if r.Start < 0 || r.End > 24*60 || r.Start >= r.End {
					return nil, apperr.New(apperr.Invalid, "opening hours on %s must open before they close", day)
				}
			}
		}
		if len(*in.Hours) == 0 {
			u.ClearHours()
		} else {
			u.SetHours(*in.Hours)
		}
	}
	if in.Closures != nil {
		closures := []string{}
		for _, d := range *in.Closures {
			day, err := calendar.ParseDate(d, "a closure")
			if err != nil || day.IsZero() {
				return nil, apperr.New(apperr.Invalid, "closures must be dates like 2026-12-25")
			}
			closures = append(closures, day.String())
		}
		u.SetClosures(closures)
	}
	if in.DefaultAppointmentTypeID != nil {
		if *in.DefaultAppointmentTypeID != "" {
			if _, err := c.AppointmentType.Get(ctx, *in.DefaultAppointmentTypeID); err != nil {
				return nil, apperr.New(apperr.Invalid, "no such appointment type")
			}
		}
		u.SetDefaultAppointmentTypeID(*in.DefaultAppointmentTypeID)
	}
	p, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.Forbidden, "only an owner of the practice may change it")
	}
	return p, err
}

// Members lists the members of the practice the request acts on.
func (s *Service) Members(ctx context.Context) ([]*ent.Member, error) {
	return s.db.Client(ctx).Member.Query().Order(member.ByCreatedAt()).All(ctx)
}

// RemoveMember removes a member. The practice always keeps at least one
// owner.
func (s *Service) RemoveMember(ctx context.Context, id string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		c := s.db.Client(ctx)
		m, err := c.Member.Get(ctx, id)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such member")
		}
		if err != nil {
			return err
		}
		if m.Role == member.RoleOWNER && m.Subject != nil {
			owners, err := c.Member.Query().Where(member.RoleEQ(member.RoleOWNER), member.SubjectNotNil()).Count(ctx)
			if err != nil {
				return err
			}
			if owners <= 1 {
				return apperr.New(apperr.Conflict, "the last owner cannot be removed: make someone else an owner first")
			}
		}
		return c.Member.DeleteOne(m).Exec(ctx)
	})
}
