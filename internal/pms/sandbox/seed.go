package sandbox

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// seeder draws the patients and appointments of a Sandbox from one random
// stream, in a fixed order, so that a seed always yields the same data.
type seeder struct {
	rng    *rand.Rand
	s      *Sandbox
	anchor calendar.Date
	phones int // how many numbers have been handed out
}

func newSeeder(seed int64, s *Sandbox, anchor calendar.Date) *seeder {
	return &seeder{rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed)), s: s, anchor: anchor}
}

func (g *seeder) seed(patients int) {
	g.patients(patients)
	g.appointments()
}

// phoneStyles are the ways PMS users type a number in.
var phoneStyles = []func(d string) string{
	func(d string) string { return d[:3] + "-" + d[3:6] + "-" + d[6:] },
	func(d string) string { return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:] },
	func(d string) string { return d },
	func(d string) string { return d[:3] + "." + d[3:6] + "." + d[6:] },
	func(d string) string { return "+1 " + d[:3] + " " + d[3:6] + " " + d[6:] },
	func(d string) string { return "1-" + d[:3] + "-" + d[3:6] + "-" + d[6:] },
}

// number returns the next unused fictional number, ten digits, in
// 555-011-0000 … 555-019-9999, scattered over that range. 555-010-xxxx is
// left to the practice and the demo identities.
func (g *seeder) number() string {
	n := 10000 + (g.phones*48611+2749)%90000 // 48611 is prime to 90000: no repeats
	g.phones++
	return fmt.Sprintf("55501%05d", n)
}

// formatted returns a new number in a random style.
func (g *seeder) formatted() string {
	return phoneStyles[g.rng.IntN(len(phoneStyles))](g.number())
}

func (g *seeder) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// birthDate returns a birth date for someone between minAge and maxAge at the anchor.
func (g *seeder) birthDate(minAge, maxAge int) calendar.Date {
	y := g.anchor.Year - minAge - g.rng.IntN(maxAge-minAge+1)
	m := time.Month(1 + g.rng.IntN(12))
	days := addDays(calendar.Date{Year: y, Month: m + 1, Day: 1}, -1).Day
	return calendar.Date{Year: y, Month: m, Day: 1 + g.rng.IntN(days)}
}

// email returns an address at example.com for some patients, none for others.
func (g *seeder) email(first, last string) string {
	if g.rng.Float64() < 0.35 {
		return ""
	}
	local := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, strings.ToLower(s))
	}
	return local(first) + "." + local(last) + "@example.com"
}

func (g *seeder) add(p pms.Patient) {
	s := g.s
	p.ID = fmt.Sprintf("P%05d", len(s.patients)+1)
	p.UpdatedAt = s.seededAt
	if nick, ok := nicknames[p.FirstName]; ok && g.rng.Float64() < 0.4 {
		p.PreferredName = nick
	}
	s.addPatient(p)
}

func (g *seeder) patients(n int) {
	s := g.s
	s.patients = make([]patient, 0, n)
	s.byPatient = make(map[string]int, n)
	demo := DemoPatient
	g.add(pms.Patient{
		FirstName: demo.FirstName, LastName: demo.LastName, BirthDate: demo.BirthDate,
		Phones: []string{"(555) 010-0123"}, Email: "maria.alvarez@example.com",
		Status: statusActive, ProviderID: generalDentist,
	})
	g.add(pms.Patient{
		FirstName: "Mateo", LastName: demo.LastName, BirthDate: calendar.Date{Year: 2015, Month: time.July, Day: 22},
		Phones: []string{"555.010.0123"}, Status: statusActive, ProviderID: generalDentist,
	})
	for len(s.patients) < n {
		if left := n - len(s.patients); left >= 2 && g.rng.Float64() < 0.06 {
			g.family(min(2+g.rng.IntN(3), left))
		} else {
			g.single()
		}
	}
}

// single adds a patient with a household of their own.
func (g *seeder) single() {
	first, last := g.pick(firstNames), g.pick(lastNames)
	var birth calendar.Date
	switch r := g.rng.Float64(); {
	case r < 0.2:
		birth = g.birthDate(3, 17)
	case r < 0.8:
		birth = g.birthDate(18, 64)
	default:
		birth = g.birthDate(65, 92)
	}
	var phones []string
	switch r := g.rng.Float64(); {
	case r < 0.05: // no phone on file
	case r < 0.75: // a cell, or only a home phone
		phones = []string{g.formatted()}
	default: // a cell and a home phone
		phones = []string{g.formatted(), g.formatted()}
	}
	status := statusActive
	switch r := g.rng.Float64(); {
	case r < 0.08:
		status = "Inactive"
	case r < 0.10:
		status = "Archived"
	}
	provider := generalDentist
	if g.rng.Float64() < 0.3 {
		provider = prosthodontist
	}
	g.add(pms.Patient{
		FirstName: first, LastName: last, BirthDate: birth, Phones: phones,
		Email: g.email(first, last), Status: status, ProviderID: provider,
	})
}

// family adds a household of size patients sharing a last name and a home
// phone, each with the number typed in a different style; adults may also
// have a cell of their own.
func (g *seeder) family(size int) {
	last := g.pick(lastNames)
	home := g.number()
	style := g.rng.IntN(len(phoneStyles))
	adults := 1
	if size >= 3 && g.rng.Float64() < 0.6 {
		adults = 2
	}
	for i := range size {
		first := g.pick(firstNames)
		p := pms.Patient{FirstName: first, LastName: last, Status: statusActive, ProviderID: generalDentist}
		if i < adults {
			p.BirthDate = g.birthDate(30, 50)
			p.Email = g.email(first, last)
			if g.rng.Float64() < 0.6 {
				p.Phones = append(p.Phones, g.formatted())
			}
		} else {
			p.BirthDate = g.birthDate(2, 17)
		}
		p.Phones = append(p.Phones, phoneStyles[(style+i)%len(phoneStyles)](home))
		g.add(p)
	}
}

// addPatient stores p, which must carry its id. The caller holds the lock or
// owns s.
func (s *Sandbox) addPatient(p pms.Patient) {
	rec := patient{Patient: p}
	for _, raw := range p.Phones {
		if e, err := phone.Normalize(raw); err == nil {
			rec.e164 = append(rec.e164, e)
		}
	}
	s.byPatient[p.ID] = len(s.patients)
	s.patients = append(s.patients, rec)
}

// weighted is an appointment type and how often a provider books it.
type weighted struct {
	typeID string
	weight int
}

// mixes is what each provider's day is made of.
var mixes = map[string][]weighted{
	generalDentist: {{typeExam, 30}, {typeFilling, 35}, {typeCrown, 10}, {typeEmerg, 15}, {typeWhiten, 10}},
	prosthodontist: {{typeCrown, 45}, {typeExam, 20}, {typeFilling, 20}, {typeEmerg, 15}},
	hygienistA:     {{typeCleaning, 85}, {typeWhiten, 15}},
	hygienistB:     {{typeCleaning, 85}, {typeWhiten, 15}},
}

// homeRoom is where each provider works unless the visit is an emergency.
var homeRoom = map[string]string{
	generalDentist: op1, prosthodontist: op2, hygienistA: hygieneRoom, hygienistB: op4,
}

// slot is a seeded appointment before it gets its id and patient.
type slot struct {
	day           calendar.Date
	start, length int // minutes
	provider, op  string
	typeID        string
	cancelled     bool
	demo          bool
}

func (g *seeder) appointments() {
	s := g.s
	minutes := map[string]int{}
	names := map[string]string{}
	for _, t := range s.types {
		minutes[t.ID] = int(t.Duration / time.Minute)
		names[t.ID] = t.Name
	}
	demoDay := g.demoDay()
	var slots []slot
	for d := s.from; compareDates(d, s.to) <= 0; d = addDays(d, 1) {
		if !s.closed(d) {
			slots = g.day(slots, d, d == demoDay, minutes)
		}
	}
	slices.SortStableFunc(slots, func(a, b slot) int {
		if c := compareDates(a.day, b.day); c != 0 {
			return c
		}
		return a.start - b.start
	})

	// Patients take turns in a shuffled order, so nobody is booked twice
	// before everyone has been booked once. The demo patient gets only her own
	// appointment, so her story does not depend on the seed.
	var pool []string
	for _, p := range s.patients[1:] {
		if p.Status == statusActive {
			pool = append(pool, p.ID)
		}
	}
	order, turn := g.rng.Perm(len(pool)), 0
	s.appts = make([]pms.Appointment, 0, len(slots))
	s.byAppt = make(map[string]int, len(slots))
	for i, sl := range slots {
		a := pms.Appointment{
			ID:          fmt.Sprintf("A%06d", i+1),
			ProviderID:  sl.provider,
			OperatoryID: sl.op,
			Type:        sl.typeID,
			Start:       time.Date(sl.day.Year, sl.day.Month, sl.day.Day, 0, sl.start, 0, 0, s.loc),
			Length:      time.Duration(sl.length) * time.Minute,
			Description: names[sl.typeID],
			Cancelled:   sl.cancelled,
			LastChanged: s.seededAt,
		}
		switch {
		case sl.demo:
			a.PatientID, a.Status = DemoPatient.PatientID, statusConfirmed
		default:
			a.PatientID = pool[order[turn%len(order)]]
			turn++
			switch {
			case sl.cancelled:
				a.Status = statusCancelled
			case compareDates(sl.day, g.anchor) < 0:
				a.Status = statusCompleted
			case g.rng.Float64() < 0.45:
				a.Status = statusConfirmed
			default:
				a.Status = statusScheduled
			}
		}
		s.byAppt[a.ID] = len(s.appts)
		s.appts = append(s.appts, a)
	}
}

// demoDay is the day of DemoPatient's cleaning: the first weekday at least
// three days after the anchor that the practice is open. Weeks ≥ 2 puts one
// inside the window.
func (g *seeder) demoDay() calendar.Date {
	d := addDays(g.anchor, 3)
	for weekday(d) == time.Saturday || weekday(d) == time.Sunday || g.s.closed(d) {
		d = addDays(d, 1)
	}
	return d
}

// demoSlot is DemoPatient's cleaning: 10:00, 60 minutes, inside hygienist A's
// hours on every weekday.
var demoSlot = calendar.TimeRange{Start: 10 * 60, End: 11 * 60}

// day appends the appointments of one open day. Each provider's hours are
// packed with visits from their mix, then visits are dropped at random while
// that brings the booked share closer to a target of 62–78 %; some dropped
// ones stay as cancellations, which is how the gaps in a real book come about.
func (g *seeder) day(out []slot, d calendar.Date, demo bool, minutes map[string]int) []slot {
	s := g.s
	var shared []calendar.TimeRange // op3's bookings
	for _, p := range s.providers {
		ranges := s.providerHours[p.ID][weekday(d)]
		if len(ranges) == 0 {
			continue
		}
		total, booked := 0, 0
		for _, r := range ranges {
			total += r.End - r.Start
		}
		free := ranges
		if demo && p.ID == hygienistA {
			free = subtract(ranges, demoSlot)
			booked += demoSlot.End - demoSlot.Start
			out = append(out, slot{day: d, start: demoSlot.Start, length: demoSlot.End - demoSlot.Start,
				provider: p.ID, op: homeRoom[p.ID], typeID: typeCleaning, demo: true})
		}
		var packed []slot
		for _, r := range free {
			for cur := r.Start; ; {
				typeID, ok := g.pickType(mixes[p.ID], minutes, r.End-cur)
				if !ok {
					break
				}
				sl := slot{day: d, start: cur, length: minutes[typeID], provider: p.ID, op: homeRoom[p.ID], typeID: typeID}
				span := calendar.TimeRange{Start: cur, End: cur + sl.length}
				if typeID == typeEmerg && !overlapsAny(shared, span) {
					sl.op = op3
					shared = append(shared, span)
				}
				packed = append(packed, sl)
				booked += sl.length
				cur = span.End
			}
		}
		target := int(float64(total) * (0.62 + 0.16*g.rng.Float64()))
		dropped := make([]bool, len(packed))
		for _, i := range g.rng.Perm(len(packed)) {
			if booked-target > packed[i].length/2 { // dropping it gets closer to target
				booked -= packed[i].length
				dropped[i] = true
			}
		}
		for i, sl := range packed {
			if dropped[i] {
				if g.rng.Float64() >= 0.15 {
					continue
				}
				sl.cancelled = true
			}
			out = append(out, sl)
		}
	}
	return out
}

// pickType draws a type from mix among those that fit in room minutes.
func (g *seeder) pickType(mix []weighted, minutes map[string]int, room int) (string, bool) {
	total := 0
	for _, w := range mix {
		if minutes[w.typeID] <= room {
			total += w.weight
		}
	}
	if total == 0 {
		return "", false
	}
	n := g.rng.IntN(total)
	for _, w := range mix {
		if minutes[w.typeID] > room {
			continue
		}
		if n -= w.weight; n < 0 {
			return w.typeID, true
		}
	}
	panic("unreachable")
}

// subtract returns ranges with cut taken out.
func subtract(ranges []calendar.TimeRange, cut calendar.TimeRange) []calendar.TimeRange {
	var out []calendar.TimeRange
	for _, r := range ranges {
		if r.End <= cut.Start || cut.End <= r.Start {
			out = append(out, r)
			continue
		}
		if r.Start < cut.Start {
			out = append(out, calendar.TimeRange{Start: r.Start, End: cut.Start})
		}
		if cut.End < r.End {
			out = append(out, calendar.TimeRange{Start: cut.End, End: r.End})
		}
	}
	return out
}

func overlapsAny(spans []calendar.TimeRange, r calendar.TimeRange) bool {
	for _, x := range spans {
		if x.Start < r.End && r.Start < x.End {
			return true
		}
	}
	return false
}
