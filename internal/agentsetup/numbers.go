package agentsetup

import (
	"context"
	"strings"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/ent/predicate"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// NumberSettings describe a number patients call.
type NumberSettings struct {
	Number            string
	Routing           phonenumber.Routing
	TwilioSID         string
	VapiPhoneNumberID string
	// FrontDeskRingSeconds is how long FRONT_DESK_FIRST rings the front
	// desk; nil keeps the default (or the number's current value).
	FrontDeskRingSeconds *int
}

const badRouting = "routing must be AGENT, AFTER_HOURS, FRONT_DESK_FIRST or FRONT_DESK"

func checkRingSeconds(s *int) error {
	if s != nil && phonenumber.FrontDeskRingSecondsValidator(*s) != nil {
		return apperr.New(apperr.Invalid, "frontDeskRingSeconds must be between 5 and 120")
	}
	return nil
}

// Numbers lists the acting practice's numbers.
func (s *Service) Numbers(ctx context.Context) ([]*ent.PhoneNumber, error) {
	return s.cfg.DB.Client(ctx).PhoneNumber.Query().Order(phonenumber.ByNumber()).All(ctx)
}

// MaxExternalIDLength bounds a Twilio SID or Vapi id given to AddNumber
// (theirs are 34 and 36 characters).
const MaxExternalIDLength = 64

// errNumberTaken answers a number or id another practice holds, without
// saying which practice.
var errNumberTaken = apperr.New(apperr.Conflict, "that number, Twilio SID or Vapi phone number id is already in use by another line")

// AddNumber adds a number to the acting practice (owners only). A number
// and its Twilio and Vapi ids belong to one practice: calls are routed by
// them, so each is unique across practices (unique indexes; checked first
// for a clear answer).
func (s *Service) AddNumber(ctx context.Context, in NumberSettings) (*ent.PhoneNumber, error) {
	pid, err := owningPractice(ctx)
	if err != nil {
		return nil, err
	}
	n, err := phone.Normalize(in.Number)
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "not a phone number: give it in E.164, like +15555550100")
	}
	if in.Routing == "" {
		in.Routing = phonenumber.RoutingAGENT
	}
	if err := phonenumber.RoutingValidator(in.Routing); err != nil {
		return nil, apperr.New(apperr.Invalid, badRouting)
	}
	if err := checkRingSeconds(in.FrontDeskRingSeconds); err != nil {
		return nil, err
	}
	sid, vapiID := strings.TrimSpace(in.TwilioSID), strings.TrimSpace(in.VapiPhoneNumberID)
	if len(sid) > MaxExternalIDLength || len(vapiID) > MaxExternalIDLength {
		return nil, apperr.New(apperr.Invalid, "a Twilio SID or Vapi id is at most %d characters", MaxExternalIDLength)
	}
	held := []predicate.PhoneNumber{phonenumber.Number(n)}
	if sid != "" {
		held = append(held, phonenumber.TwilioSid(sid))
	}
	if vapiID != "" {
		held = append(held, phonenumber.VapiPhoneNumberID(vapiID))
	}
	// Unscoped: uniqueness is across practices, which this one cannot see.
	taken, err := s.cfg.DB.Client(ctx).PhoneNumber.Query().Where(phonenumber.Or(held...)).Exist(tenant.Unscoped(ctx))
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, errNumberTaken
	}
	row, err := s.cfg.DB.Client(ctx).PhoneNumber.Create().
		SetPracticeID(pid).
		SetNumber(n).
		SetRouting(in.Routing).
		SetTwilioSid(sid).
		SetVapiPhoneNumberID(vapiID).
		SetNillableFrontDeskRingSeconds(in.FrontDeskRingSeconds).
		Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, errNumberTaken
	}
	return row, err
}

// SetRouting changes who answers a number; `frontdesk vapi sync` then
// points it there in Vapi.
func (s *Service) SetRouting(ctx context.Context, id string, routing phonenumber.Routing, ringSeconds *int) (*ent.PhoneNumber, error) {
	if _, err := owningPractice(ctx); err != nil {
		return nil, err
	}
	if err := phonenumber.RoutingValidator(routing); err != nil {
		return nil, apperr.New(apperr.Invalid, badRouting)
	}
	if err := checkRingSeconds(ringSeconds); err != nil {
		return nil, err
	}
	n, err := s.cfg.DB.Client(ctx).PhoneNumber.UpdateOneID(id).SetRouting(routing).SetNillableFrontDeskRingSeconds(ringSeconds).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such phone number")
	}
	return n, err
}

// RemoveNumber removes a number from the practice.
func (s *Service) RemoveNumber(ctx context.Context, id string) error {
	if _, err := owningPractice(ctx); err != nil {
		return err
	}
	err := s.cfg.DB.Client(ctx).PhoneNumber.DeleteOneID(id).Exec(ctx)
	if ent.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "no such phone number")
	}
	return err
}
