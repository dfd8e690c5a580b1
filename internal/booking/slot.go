package booking

import (
	"encoding/base32"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/scheduling"
	"github.com/frontdesk/frontdesk/internal/spoken"
)

// Slot is an open time, ready to book.
type Slot struct {
	// ID names the slot for booking: its local start and a short code for
	// who and what, e.g. "202612010900-k3x9qa". Short, because a voice agent
	// repeats it back.
	ID          string
	Start, End  time.Time // in the practice's zone
	Provider    *ent.Provider
	OperatoryID string
	Type        *ent.AppointmentType
	// Spoken reads the slot aloud: "Tuesday, December 1st at 9 AM with Dr. Lee".
	Spoken string
}

var slotCodec = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// slotCode fingerprints provider and type within a practice.
func slotCode(practiceID, providerID, typeID string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%s", practiceID, providerID, typeID)
	return slotCodec.EncodeToString(h.Sum(nil))[:6]
}

const slotTimeLayout = "200601021504"

func (v *practiceView) slotID(start time.Time, providerID, typeID string) string {
	return start.In(v.loc).Format(slotTimeLayout) + "-" + slotCode(v.practice.ID, providerID, typeID)
}

// slotRef is what a slot id or a requested time says: where, and possibly
// with whom and for what.
type slotRef struct {
	start    time.Time
	provider *ent.Provider
	typ      *ent.AppointmentType
}

var errBadSlot = apperr.New(apperr.Invalid, "that slot id is not one this practice offered: check availability again")

// parseSlotID reads a slot id back into its start, provider and type.
func (v *practiceView) parseSlotID(id string) (slotRef, error) {
	at, code, ok := strings.Cut(strings.TrimSpace(id), "-")
	if !ok || len(at) != len(slotTimeLayout) || len(code) != 6 {
		return slotRef{}, errBadSlot
	}
	local, err := time.ParseInLocation(slotTimeLayout, at, time.UTC)
	if err != nil {
		return slotRef{}, errBadSlot
	}
	start, ok := scheduling.WallClock(calendar.DateOf(local), local.Hour()*60+local.Minute(), v.loc)
	if !ok {
		return slotRef{}, errBadSlot
	}
	for _, p := range v.providers {
		for _, t := range v.types {
			if slotCode(v.practice.ID, p.ID, t.ID) == code {
				return slotRef{start: start, provider: p, typ: t}, nil
			}
		}
	}
	return slotRef{}, errBadSlot
}

// LocalTimeLayout is how a caller's requested time arrives: practice-local
// wall clock, no zone.
const LocalTimeLayout = "2006-01-02T15:04"

// parseLocal reads "2026-12-01T09:00" (seconds or a zone are tolerated; a
// zone is then honoured) as practice wall clock.
func (v *practiceView) parseLocal(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.In(v.loc), nil
		}
	}
	for _, layout := range []string{LocalTimeLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if w, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			t, ok := scheduling.WallClock(calendar.DateOf(w), w.Hour()*60+w.Minute(), v.loc)
			if !ok {
				return time.Time{}, apperr.New(apperr.Invalid, "%s does not exist in %s (the clocks change then)", s, v.loc)
			}
			return t, nil
		}
	}
	return time.Time{}, apperr.New(apperr.Invalid, "start must be practice-local time like 2026-12-01T09:00")
}

func (s *Service) slot(v *practiceView, sl scheduling.Slot, t *ent.AppointmentType, now time.Time) Slot {
	p := v.byProvider[sl.ProviderID]
	out := Slot{
		ID:          v.slotID(sl.Start, sl.ProviderID, t.ID),
		Start:       sl.Start.In(v.loc),
		End:         sl.End.In(v.loc),
		Provider:    p,
		OperatoryID: sl.OperatoryID,
		Type:        t,
	}
	out.Spoken = spoken.When(sl.Start, v.loc, now)
	if with := spoken.WithProvider(pmsProvider(p)); with != "" {
		out.Spoken += " " + with
	}
	return out
}

func pmsProvider(p *ent.Provider) pms.Provider {
	if p == nil {
		return pms.Provider{}
	}
	return pms.Provider{FirstName: p.FirstName, LastName: p.LastName, Title: p.Title}
}

// ProviderName is how the practice's people say a provider's name.
func ProviderName(p *ent.Provider) string { return spoken.ProviderName(pmsProvider(p)) }
