// Package scheduling finds the open appointment slots of one practice and
// re-checks a single slot before it is booked. It is pure: the caller loads
// hours, providers, operatories and busy intervals (appointments and pending
// bookings) from its own store and passes "now" in, so the same inputs always
// give the same answer.
//
// Time model. Every wall-clock question is asked in the practice's zone:
// days are the practice's local dates, "today" is the local date of Now, and
// hours are minutes after local midnight. A day's working time is the set of
// instants whose local wall clock, on that date, lies inside the day's hours.
// Slot starts are a wall-clock grid: each working range's start plus
// multiples of Rules.Step. A grid time that does not exist (02:30 on a
// spring-forward day) is not offered; a grid time that happens twice (01:30 on
// a fall-back day) is offered once, at its first occurrence. A slot lasts the
// appointment type's duration in real time, so on a fall-back day 01:30 EDT +
// 60 min ends at 01:30 EST, and the slot is offered only when that whole real
// interval is working time. Lead time and horizon are measured in instants
// from Now.
//
// Spreading. When several providers are free at one start, Find returns one
// slot per provider for that start, in the order the providers were given;
// the caller chooses. Each slot carries the first free operatory of that
// provider, in the provider's operatory order (or the practice's), so two
// slots at one start may name the same operatory: each is bookable on its own.
package scheduling

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
)

// Input is what the search knows about one practice at one moment. IDs are
// unique within their list.
type Input struct {
	Location *time.Location
	// Now is the moment of the question; "today", lead time and horizon are
	// measured from it.
	Now time.Time
	// Hours are the practice's weekly hours; ranges of a day may overlap or
	// touch (they are merged) and are clipped to the day.
	Hours calendar.WeeklyHours
	// Closures are practice-local dates when nobody is booked.
	Closures []calendar.Date
	// Providers in the order slots at one start are listed.
	Providers []Provider
	// Operatories (IDs) in the order they are filled.
	Operatories []string
	// Busy blocks providers and operatories: appointments of the mirror and
	// pending bookings alike.
	Busy  []Busy
	Rules Rules
}

// Provider is a bookable person.
type Provider struct {
	ID string
	// Hours are the provider's own weekly hours, replacing the practice's;
	// nil means the practice's hours. Closures apply either way.
	Hours calendar.WeeklyHours
	// OperatoryIDs are the operatories the provider works in, in order of
	// preference; empty means every operatory in Input order.
	OperatoryIDs []string
}

// AppointmentType is what the engine needs of a kind of visit.
type AppointmentType struct {
	Duration time.Duration // whole seconds; the PMS gives minutes
	// ProviderIDs who may do this visit; empty means every provider.
	ProviderIDs []string
}

// Busy is a span during which a provider, an operatory or both are taken.
// An empty ID blocks nothing on that side.
type Busy struct {
	ProviderID  string
	OperatoryID string
	Start, End  time.Time
}

// Rules bound which starts are offered.
type Rules struct {
	// LeadTime is the least notice: a slot starts at Now+LeadTime or later.
	LeadTime time.Duration
	// Horizon is how far ahead: a slot starts at Now+Horizon or earlier. At
	// most ten years.
	Horizon time.Duration
	// Step is the spacing of slot starts from the start of each working
	// range, in whole seconds.
	Step time.Duration
}

// TimeOfDay narrows a search by the local wall clock of a slot's start.
type TimeOfDay string

const (
	AnyTime   TimeOfDay = "any" // the empty TimeOfDay means AnyTime too
	Morning   TimeOfDay = "morning"
	Afternoon TimeOfDay = "afternoon" // 12:00 to before 17:00
	Evening   TimeOfDay = "evening"   // 17:00 on
)

// ParseTimeOfDay reads a part of the day as the phone agent or the API names
// it ("morning", "AFTERNOON", "any", or nothing), refusing anything else
// (INVALID) with a message naming field.
func ParseTimeOfDay(s, field string) (TimeOfDay, error) {
	t := TimeOfDay(strings.ToLower(strings.TrimSpace(s)))
	switch t {
	case "", AnyTime:
		return AnyTime, nil
	case Morning, Afternoon, Evening:
		return t, nil
	}
	return "", apperr.New(apperr.Invalid, "%s must be morning, afternoon, evening or any", field)
}

// Query is one availability question.
type Query struct {
	Type AppointmentType
	// From and To are practice-local dates, inclusive. A zero From means
	// today; a zero To means From.
	From, To   calendar.Date
	TimeOfDay  TimeOfDay
	ProviderID string // empty: any provider allowed for the type
	MaxResults int    // 0: no limit
}

// Slot is a bookable start. Start and End are in the practice's location.
type Slot struct {
	Start, End  time.Time
	ProviderID  string
	OperatoryID string
}

// Result answers a Query.
type Result struct {
	Slots []Slot
	// NextAvailable is the first slot after To (same filters, within the
	// horizon), set only when Slots is empty.
	NextAvailable *Slot
}

// Candidate is one slot to check.
type Candidate struct {
	Start      time.Time
	ProviderID string
	// OperatoryID empty means any operatory of the provider; Check then picks
	// the one Find would.
	OperatoryID string
}

// Reason says why a candidate cannot be booked.
type Reason string

// Check tests the reasons in this order and reports the first that applies.
const (
	ProviderNotAllowed  Reason = "provider_not_allowed"  // unknown provider, or not one the type allows
	OperatoryNotAllowed Reason = "operatory_not_allowed" // unknown operatory, or not one the provider works in
	TooSoon             Reason = "too_soon"              // before Now+LeadTime
	BeyondHorizon       Reason = "beyond_horizon"        // after Now+Horizon
	Closed              Reason = "closed"                // a closure date
	OutsideHours        Reason = "outside_hours"         // not wholly inside the provider's working time
	NotSlotStart        Reason = "not_slot_start"        // inside hours but off the start grid
	ProviderBusy        Reason = "provider_busy"
	OperatoryBusy       Reason = "operatory_busy"
)

// Unavailable is the error of a slot that cannot be booked, or of a search
// for a provider who cannot take the appointment type.
type Unavailable struct {
	Reason Reason
}

func (e *Unavailable) Error() string { return "scheduling: slot unavailable: " + string(e.Reason) }

// Find returns the open slots that match q, sorted by start and then by
// provider order, at most q.MaxResults of them. A provider filter naming a
// provider the type does not allow is an *Unavailable; a malformed query is
// an apperr.Invalid.
func Find(in Input, q Query) (Result, error) {
	e, err := newEngine(in, q.Type)
	if err != nil {
		return Result{}, err
	}
	if err := q.validate(); err != nil {
		return Result{}, err
	}
	if q.ProviderID != "" && (providerIndex(in.Providers, q.ProviderID) < 0 || !e.allows(q.ProviderID)) {
		return Result{}, &Unavailable{Reason: ProviderNotAllowed}
	}
	for _, p := range in.Providers {
		if e.allows(p.ID) && (q.ProviderID == "" || p.ID == q.ProviderID) {
			e.addProvider(p)
		}
	}

	from := civilOf(in.Now, e.loc)
	if !q.From.IsZero() {
		from = civil(q.From)
	}
	to := from
	if !q.To.IsZero() {
		to = civil(q.To)
	}
	first := max(from, civilOf(time.Unix(e.earliest, 0), e.loc))
	last := civilOf(time.Unix(e.latest, 0), e.loc)
	if len(e.provs) == 0 || first > last {
		return Result{}, nil
	}
	e.index(in.Busy, max(e.earliest, dayStart(first, e.loc)), e.latest+e.dur)

	var res Result
	res.Slots = e.walk(first, min(to, last), q.TimeOfDay, q.MaxResults, make([]Slot, 0, min(q.MaxResults, 64)))
	if len(res.Slots) == 0 {
		if next := e.walk(max(first, to+1), last, q.TimeOfDay, 1, nil); len(next) > 0 {
			res.NextAvailable = &next[0]
		}
	}
	return res, nil
}

// Check reports whether c can be booked for typ under the rules and busy
// intervals Find uses, and returns the slot or an *Unavailable. With no
// OperatoryID, Check accepts c exactly when Find, for the same Input and no
// filters, offers c.Start with c.ProviderID, and returns that same slot;
// with one, it accepts when that operatory is the provider's and is free.
func Check(in Input, typ AppointmentType, c Candidate) (Slot, error) {
	e, err := newEngine(in, typ)
	if err != nil {
		return Slot{}, err
	}
	i := providerIndex(in.Providers, c.ProviderID)
	if i < 0 || !e.allows(c.ProviderID) {
		return Slot{}, &Unavailable{Reason: ProviderNotAllowed}
	}
	e.addProvider(in.Providers[i])
	p := &e.provs[0]
	ops := p.ops
	if c.OperatoryID != "" {
		ops = nil
		if j := slices.Index(e.operatories, c.OperatoryID); j >= 0 && slices.Contains(p.ops, j) {
			ops = []int{j}
		}
	}
	if len(ops) == 0 {
		return Slot{}, &Unavailable{Reason: OperatoryNotAllowed}
	}

	switch {
	case c.Start.Before(in.Now.Add(in.Rules.LeadTime)):
		return Slot{}, &Unavailable{Reason: TooSoon}
	case c.Start.After(in.Now.Add(in.Rules.Horizon)):
		return Slot{}, &Unavailable{Reason: BeyondHorizon}
	}
	s, end := c.Start.Unix(), c.Start.Unix()+e.dur
	n := civilOf(c.Start, e.loc)
	if e.closed(n) {
		return Slot{}, &Unavailable{Reason: Closed}
	}
	e.loadDay(n, dayStart(n, e.loc), dayStart(n+1, e.loc))
	if !covers(p.spans, s, end) {
		return Slot{}, &Unavailable{Reason: OutsideHours}
	}
	// A start in the second pass of a repeated hour is not its wall clock's
	// first occurrence, so it is not a slot start either.
	w, _ := e.day.wall(s) // s is on the day: it is inside the day's working time
	if first, _ := e.day.instant(w); !onGrid(p.ranges, w, e.step) || first != s || c.Start.Nanosecond() != 0 {
		return Slot{}, &Unavailable{Reason: NotSlotStart}
	}
	e.index(in.Busy, s, end)
	if !e.busy.free(p.res, s, end) {
		return Slot{}, &Unavailable{Reason: ProviderBusy}
	}
	o, ok := e.firstFree(ops, s, end)
	if !ok {
		return Slot{}, &Unavailable{Reason: OperatoryBusy}
	}
	return e.slot(p, o, s), nil
}

func providerIndex(ps []Provider, id string) int {
	return slices.IndexFunc(ps, func(p Provider) bool { return p.ID == id })
}

func (q Query) validate() error {
	// A query holds a parsed TimeOfDay: one ParseTimeOfDay returns as it is.
	if t, err := ParseTimeOfDay(string(q.TimeOfDay), "time of day"); err != nil {
		return err
	} else if q.TimeOfDay != "" && t != q.TimeOfDay {
		return apperr.New(apperr.Invalid, "time of day %q is not one ParseTimeOfDay returns", q.TimeOfDay)
	}
	if !q.From.IsZero() && !q.To.IsZero() && civil(q.To) < civil(q.From) {
		return apperr.New(apperr.Invalid, "the end date is before the start date")
	}
	if q.MaxResults < 0 {
		return apperr.New(apperr.Invalid, "max results must not be negative")
	}
	return nil
}

func (t TimeOfDay) contains(wall int64) bool {
	switch t {
	case Morning:
		return wall < 12*60*minute
	case Afternoon:
		return wall >= 12*60*minute && wall < 17*60*minute
	case Evening:
		return wall >= 17*60*minute
	}
	return true
}

// maxHorizon keeps a search window's offsets within 32 bits of seconds (the
// busy index packs them).
const maxHorizon = 10 * 365 * 24 * time.Hour

func validate(in Input, typ AppointmentType) error {
	switch {
	case in.Location == nil:
		return fmt.Errorf("scheduling: no location")
	case in.Rules.Step <= 0:
		return fmt.Errorf("scheduling: slot step %v is not positive", in.Rules.Step)
	case in.Rules.Horizon <= 0 || in.Rules.Horizon > maxHorizon:
		return fmt.Errorf("scheduling: horizon %v is not between zero and ten years", in.Rules.Horizon)
	case in.Rules.LeadTime < 0:
		return fmt.Errorf("scheduling: lead time %v is negative", in.Rules.LeadTime)
	case in.Rules.Step%time.Second != 0:
		return fmt.Errorf("scheduling: slot step %v is not whole seconds", in.Rules.Step)
	case typ.Duration <= 0 || typ.Duration%time.Second != 0:
		return fmt.Errorf("scheduling: appointment duration %v is not a positive number of seconds", typ.Duration)
	}
	return nil
}
