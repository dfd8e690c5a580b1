package scheduling

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// The property test checks Find and Check against a brute-force oracle that
// shares no code with the engine: it reads the local date and wall clock of
// every five-minute cell with the time package and applies the rules
// literally. Five minutes is exact here because every generated hour, step,
// duration, busy interval, zone offset and transition is a multiple of it.

const cell = 5 * time.Minute

var propertyZones = []*time.Location{
	newYork,
	lordHowe,                     // 30-minute DST
	kiritimati,                   // UTC+14
	mustLoad("America/Santiago"), // DST changes at midnight: some days have no 00:00
	mustLoad("Pacific/Chatham"),  // +12:45/+13:45
	mustLoad("Asia/Kathmandu"),   // +05:45
	mustLoad("America/St_Johns"), // -03:30/-02:30
	time.UTC,
}

type propertyCase struct {
	in Input
	q  Query
}

func randomHours(r *rand.Rand) calendar.WeeklyHours {
	h := calendar.WeeklyHours{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		switch r.IntN(6) {
		case 0: // closed
		case 1:
			h[d] = []calendar.TimeRange{{Start: 0, End: 24 * 60}}
		default:
			for range 1 + r.IntN(3) {
				s := r.IntN(96) * 15
				h[d] = append(h[d], calendar.TimeRange{Start: s - 15*r.IntN(2), End: s + 15*(1+r.IntN(20))}) // sometimes before midnight or past it
			}
		}
	}
	return h
}

func randomCase(r *rand.Rand) propertyCase {
	loc := propertyZones[r.IntN(len(propertyZones))]
	now := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 5*r.IntN(12), 0, 0, loc)
	if _, next := now.ZoneBounds(); !next.IsZero() && r.IntN(3) > 0 {
		now = next.Add(-time.Duration(r.IntN(4*24*12)) * cell) // shortly before a transition
	}
	if r.IntN(4) == 0 {
		now = now.Add(time.Duration(r.Int64N(int64(time.Second)))) // a clock with nanoseconds
	}
	in := Input{
		Location: loc,
		Now:      now,
		Hours:    randomHours(r),
		Rules: Rules{
			LeadTime: time.Duration(r.IntN(48)) * cell,
			Horizon:  time.Duration(1+r.IntN(6*24)) * time.Hour,
			Step:     []time.Duration{10, 15, 20, 30, 45, 60}[r.IntN(6)] * time.Minute,
		},
	}
	ops := []string{"op1", "op2", "op3"}[:1+r.IntN(3)]
	in.Operatories = ops
	for i := range 1 + r.IntN(3) {
		p := Provider{ID: fmt.Sprintf("p%d", i)}
		if r.IntN(2) == 0 {
			p.Hours = randomHours(r)
		}
		if r.IntN(2) == 0 {
			p.OperatoryIDs = []string{"op9", "op3", "op1", "op2"}[r.IntN(3):][:1+r.IntN(2)]
		}
		in.Providers = append(in.Providers, p)
	}
	today := calendar.DateOf(now)
	for range r.IntN(3) {
		in.Closures = append(in.Closures, calendar.DateOf(today.In(time.UTC).AddDate(0, 0, r.IntN(6))))
	}
	who := []string{"", "p0", "p1", "p2", "nobody"}
	where := []string{"", "op1", "op2", "op3", "nowhere"}
	for range r.IntN(60) {
		s := now.Truncate(15 * time.Minute).Add(time.Duration(r.IntN(3*24*4)-8) * 15 * time.Minute)
		d := time.Duration(r.IntN(9)) * 15 * time.Minute // sometimes empty
		if r.IntN(8) == 0 {
			d *= 4 // a provider out for half a day, over shorter bookings
		}
		in.Busy = append(in.Busy, Busy{
			ProviderID:  who[r.IntN(len(who))],
			OperatoryID: where[r.IntN(len(where))],
			Start:       s.In([]*time.Location{loc, time.UTC}[r.IntN(2)]),
			End:         s.Add(d),
		})
	}

	typ := AppointmentType{Duration: time.Duration(1+r.IntN(8)) * 15 * time.Minute}
	if r.IntN(3) == 0 {
		typ.ProviderIDs = []string{"p1", "p0", "p7"}[r.IntN(2):][:1+r.IntN(2)]
	}
	q := Query{Type: typ, TimeOfDay: []TimeOfDay{"", AnyTime, Morning, Afternoon, Evening}[r.IntN(5)]}
	if r.IntN(4) > 0 {
		q.From = calendar.DateOf(today.In(time.UTC).AddDate(0, 0, r.IntN(6)-1))
		if r.IntN(2) == 0 {
			q.To = calendar.DateOf(q.From.In(time.UTC).AddDate(0, 0, r.IntN(3)))
		}
	}
	if r.IntN(3) == 0 {
		q.MaxResults = 1 + r.IntN(5)
	}
	if r.IntN(4) == 0 {
		for _, p := range in.Providers {
			if len(typ.ProviderIDs) == 0 || slices.Contains(typ.ProviderIDs, p.ID) {
				q.ProviderID = p.ID
			}
		}
	}
	return propertyCase{in, q}
}

// oracleSlot is a start at which a provider is free, with the local date and
// wall clock the oracle read for it and the provider's free operatories in
// order; Slot names the first of them.
type oracleSlot struct {
	Slot
	date calendar.Date
	wall int // minutes after midnight
	free []string
}

// oracle lists every (start, provider) pair that is bookable but for the
// operatories, ignoring the query's date range and time of day, in order of
// start and then provider.
func oracle(in Input, typ AppointmentType) []oracleSlot {
	loc := in.Location
	earliest, latest := in.Now.Add(in.Rules.LeadTime), in.Now.Add(in.Rules.Horizon)
	from := earliest.Truncate(cell).Add(-4 * time.Hour)
	n := int(latest.Add(typ.Duration).Sub(from)/cell) + 2

	type local struct {
		date calendar.Date
		wall int
	}
	cells := make([]local, n)
	first := make(map[local]int, n)
	for i := range cells {
		lt := from.Add(time.Duration(i) * cell).In(loc)
		cells[i] = local{calendar.DateOf(lt), lt.Hour()*60 + lt.Minute()}
		if _, ok := first[cells[i]]; !ok {
			first[cells[i]] = i
		}
	}
	// anchor[weekday][m] is the first minute of the open stretch that holds
	// minute m, or -1 when m is outside hours; a grid start is a whole number
	// of steps after its anchor.
	anchors := func(hours calendar.WeeklyHours) (anchor [7][24 * 60]int) {
		for wd := range anchor {
			var open [24 * 60]bool
			for _, r := range hours[time.Weekday(wd)] {
				for m := max(r.Start, 0); m < min(r.End, 24*60); m++ {
					open[m] = true
				}
			}
			for m := range anchor[wd] {
				switch {
				case !open[m]:
					anchor[wd][m] = -1
				case m > 0 && open[m-1]:
					anchor[wd][m] = anchor[wd][m-1]
				default:
					anchor[wd][m] = m
				}
			}
		}
		return anchor
	}
	practice := anchors(in.Hours)
	own := make([][7][24 * 60]int, len(in.Providers))
	for i, p := range in.Providers {
		if p.Hours != nil {
			own[i] = anchors(p.Hours)
		}
	}
	busyFor := func(match func(Busy) bool, s, e time.Time) bool {
		for _, b := range in.Busy {
			if match(b) && b.Start.Before(b.End) && b.Start.Before(e) && s.Before(b.End) {
				return true
			}
		}
		return false
	}

	var out []oracleSlot
	steps := int(typ.Duration / cell)
	for i, c := range cells {
		s := from.Add(time.Duration(i) * cell)
		if s.Before(earliest) || s.After(latest) || first[c] != i || slices.Contains(in.Closures, c.date) {
			continue
		}
		for pi, p := range in.Providers {
			if len(typ.ProviderIDs) > 0 && !slices.Contains(typ.ProviderIDs, p.ID) {
				continue
			}
			anchor := &practice
			if p.Hours != nil {
				anchor = &own[pi]
			}
			wd := c.date.In(time.UTC).Weekday()
			if a := anchor[wd][c.wall]; a < 0 || time.Duration(c.wall-a)*time.Minute%in.Rules.Step != 0 {
				continue
			}
			working := true
			for k := range steps {
				if d := cells[i+k]; d.date != c.date || anchor[wd][d.wall] < 0 {
					working = false
					break
				}
			}
			e := s.Add(typ.Duration)
			if !working || busyFor(func(b Busy) bool { return b.ProviderID == p.ID }, s, e) {
				continue
			}
			ops := p.OperatoryIDs
			if len(ops) == 0 {
				ops = in.Operatories
			}
			os := oracleSlot{Slot: Slot{Start: s.In(loc), End: e.In(loc), ProviderID: p.ID}, date: c.date, wall: c.wall}
			for _, o := range ops {
				if slices.Contains(in.Operatories, o) && !busyFor(func(b Busy) bool { return b.OperatoryID == o }, s, e) {
					os.free = append(os.free, o)
				}
			}
			if len(os.free) > 0 {
				os.OperatoryID = os.free[0]
			}
			out = append(out, os)
		}
	}
	return out
}

// answer is what Find should return according to the oracle.
func answer(in Input, q Query, all []oracleSlot) Result {
	from := q.From
	if from.IsZero() {
		from = calendar.DateOf(in.Now.In(in.Location))
	}
	to := q.To
	if to.IsZero() {
		to = from
	}
	before := func(a, b calendar.Date) bool { return a.In(time.UTC).Before(b.In(time.UTC)) }
	var res Result
	for _, s := range all {
		switch {
		case len(s.free) == 0:
		case q.ProviderID != "" && s.ProviderID != q.ProviderID:
		case q.TimeOfDay == Morning && s.wall >= 12*60,
			q.TimeOfDay == Afternoon && (s.wall < 12*60 || s.wall >= 17*60),
			q.TimeOfDay == Evening && s.wall < 17*60:
		case before(s.date, from):
		case before(to, s.date):
			if len(res.Slots) == 0 && res.NextAvailable == nil {
				res.NextAvailable = &s.Slot
			}
		case q.MaxResults == 0 || len(res.Slots) < q.MaxResults:
			res.Slots = append(res.Slots, s.Slot)
		}
	}
	if len(res.Slots) > 0 {
		res.NextAvailable = nil
	}
	return res
}

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(20261201, 1))
	for i := range 3000 {
		pc := randomCase(r)
		in, q := pc.in, pc.q
		all := oracle(in, q.Type)
		got, err := Find(in, q)
		if err != nil {
			t.Fatalf("case %d: Find: %v", i, err)
		}
		want := answer(in, q, all)
		if !slices.Equal(renderAll(got.Slots), renderAll(want.Slots)) || !equalNext(got.NextAvailable, want.NextAvailable) {
			t.Fatalf("case %d (%s, now %s, %+v):\ngot  %v next %v\nwant %v next %v",
				i, in.Location, in.Now, q, renderAll(got.Slots), got.NextAvailable, renderAll(want.Slots), want.NextAvailable)
		}
		for _, s := range got.Slots {
			checkInvariants(t, i, in, q.Type, s)
			if c, err := Check(in, q.Type, Candidate{Start: s.Start, ProviderID: s.ProviderID}); err != nil || c != s {
				t.Fatalf("case %d: Check(%s) = %v, %v", i, render(s), render(c), err)
			}
		}
		// Random candidates: Check accepts exactly the oracle's pairs, with
		// the first free operatory, or a named operatory when it is free.
		for range 20 {
			start := in.Now.Add(in.Rules.LeadTime).Truncate(cell).Add(time.Duration(r.IntN(2*12+int(in.Rules.Horizon/cell))-12) * cell)
			if r.IntN(10) == 0 {
				start = start.Add(time.Minute)
			}
			c := Candidate{Start: start, ProviderID: []string{"p0", "p1", "p2"}[r.IntN(3)]}
			if r.IntN(2) == 0 {
				c.OperatoryID = []string{"op1", "op2", "op3", "op9"}[r.IntN(4)]
			}
			want := Slot{}
			if k := slices.IndexFunc(all, func(s oracleSlot) bool { return s.Start.Equal(start) && s.ProviderID == c.ProviderID }); k >= 0 {
				if o := all[k]; len(o.free) > 0 && (c.OperatoryID == "" || slices.Contains(o.free, c.OperatoryID)) {
					want = o.Slot
					want.OperatoryID = cmp.Or(c.OperatoryID, o.OperatoryID)
				}
			}
			got, err := Check(in, q.Type, c)
			if (err == nil) != (want.ProviderID != "") || got != want {
				t.Fatalf("case %d: Check(%s %s %q) = %s, %v; oracle: %s", i, start, c.ProviderID, c.OperatoryID, render(got), err, render(want))
			}
		}
	}
}

func equalNext(a, b *Slot) bool {
	return (a == nil) == (b == nil) && (a == nil || render(*a) == render(*b))
}

// checkInvariants states the promises of Find directly, on top of the oracle.
func checkInvariants(t *testing.T, i int, in Input, typ AppointmentType, s Slot) {
	t.Helper()
	if s.Start.Before(in.Now.Add(in.Rules.LeadTime)) {
		t.Fatalf("case %d: %s starts before the lead time", i, render(s))
	}
	if !s.End.Equal(s.Start.Add(typ.Duration)) {
		t.Fatalf("case %d: %s does not last %v", i, render(s), typ.Duration)
	}
	for _, b := range in.Busy {
		if (b.ProviderID == s.ProviderID || b.OperatoryID == s.OperatoryID) && b.Start.Before(b.End) && b.Start.Before(s.End) && s.Start.Before(b.End) {
			t.Fatalf("case %d: %s overlaps busy %v", i, render(s), b)
		}
	}
	d := calendar.DateOf(s.Start.In(in.Location))
	if slices.Contains(in.Closures, d) {
		t.Fatalf("case %d: %s is on a closure", i, render(s))
	}
	p := in.Providers[providerIndex(in.Providers, s.ProviderID)]
	hours := in.Hours
	if p.Hours != nil {
		hours = p.Hours
	}
	for m := s.Start; m.Before(s.End); m = m.Add(time.Minute) {
		lt := m.In(in.Location)
		w := lt.Hour()*60 + lt.Minute()
		if calendar.DateOf(lt) != d || !slices.ContainsFunc(hours[d.In(time.UTC).Weekday()], func(r calendar.TimeRange) bool { return w >= r.Start && w < r.End }) {
			t.Fatalf("case %d: %s is outside working hours at %s", i, render(s), lt)
		}
	}
}
