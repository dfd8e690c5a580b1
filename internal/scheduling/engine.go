package scheduling

import (
	"cmp"
	"slices"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// engine holds one question's inputs in the shape the search loops want.
// Busy resources are numbered operatories first (their Input index), then
// the providers in provs.
type engine struct {
	loc              *time.Location
	earliest, latest int64    // slot starts allowed, inclusive
	dur, step        int64    // seconds
	allowed          []string // providers the type allows; empty: all
	closures         []calendar.Date
	hours            week // the practice's
	operatories      []string
	allOps           []int
	provs            []prov
	busy             index
	day              day
}

// prov is a provider taking part in the search, with its cursor over the
// current day's slot grid.
type prov struct {
	id    string
	res   int
	hours week
	ops   []int // operatories in order of preference

	ranges  []calendar.TimeRange // on the day being walked
	spans   []span               // working time on the day being walked
	spanBuf [4]span
	ri      int   // current range
	w       int64 // next wall-clock start in ranges[ri]
}

// week is WeeklyHours normalised: each day's ranges sorted, clipped to the
// day, overlapping and touching ranges merged.
type week [7][]calendar.TimeRange

func newEngine(in Input, typ AppointmentType) (*engine, error) {
	if err := validate(in, typ); err != nil {
		return nil, err
	}
	e := &engine{
		loc:         in.Location,
		earliest:    ceilUnix(in.Now.Add(in.Rules.LeadTime)),
		latest:      in.Now.Add(in.Rules.Horizon).Unix(),
		dur:         int64(typ.Duration / time.Second),
		step:        int64(in.Rules.Step / time.Second),
		allowed:     typ.ProviderIDs,
		closures:    in.Closures,
		hours:       weekOf(in.Hours),
		operatories: in.Operatories,
		allOps:      make([]int, len(in.Operatories)),
		provs:       make([]prov, 0, len(in.Providers)),
	}
	for i := range e.allOps {
		e.allOps[i] = i
	}
	return e, nil
}

// allows reports whether the type allows provider id.
func (e *engine) allows(id string) bool {
	return len(e.allowed) == 0 || slices.Contains(e.allowed, id)
}

func (e *engine) addProvider(p Provider) {
	q := prov{id: p.ID, res: len(e.operatories) + len(e.provs), hours: e.hours, ops: e.allOps}
	if p.Hours != nil {
		q.hours = weekOf(p.Hours)
	}
	if len(p.OperatoryIDs) > 0 {
		q.ops = make([]int, 0, len(p.OperatoryIDs))
		for _, id := range p.OperatoryIDs {
			if j := slices.Index(e.operatories, id); j >= 0 {
				q.ops = append(q.ops, j)
			}
		}
	}
	e.provs = append(e.provs, q)
}

func (e *engine) closed(n int) bool {
	return slices.Contains(e.closures, dateOf(n))
}

// loadDay prepares day n and each provider's working time on it.
func (e *engine) loadDay(n int, start, end int64) {
	e.day.load(n, start, end, e.loc)
	wd := weekday(n)
	for i := range e.provs {
		p := &e.provs[i]
		p.ranges = p.hours[wd]
		p.spans = e.day.workSpans(p.ranges, p.spanBuf[:0])
		p.ri, p.w = 0, 0
		if len(p.ranges) > 0 {
			p.w = int64(p.ranges[0].Start) * minute
		}
	}
}

// walk appends to out the open slots on days first..last, in order of start
// and then provider, until out holds limit slots (0: no limit).
func (e *engine) walk(first, last int, tod TimeOfDay, limit int, out []Slot) []Slot {
	start := dayStart(first, e.loc)
	for n := first; n <= last && start <= e.latest; n++ {
		end := dayStart(n+1, e.loc)
		if end <= e.earliest || e.closed(n) {
			start = end
			continue
		}
		e.loadDay(n, start, end)
		start = end
		for {
			// The provider with the earliest next grid start goes next; ties
			// go to the earlier provider. Ordering by wall clock orders by
			// instant too, because first occurrences rise with the wall clock.
			b := -1
			for i := range e.provs {
				if p := &e.provs[i]; p.ri < len(p.ranges) && (b < 0 || p.w < e.provs[b].w) {
					b = i
				}
			}
			if b < 0 {
				break
			}
			p := &e.provs[b]
			w := p.w
			if p.w += e.step; p.w >= int64(p.ranges[p.ri].End)*minute {
				if p.ri++; p.ri < len(p.ranges) {
					p.w = int64(p.ranges[p.ri].Start) * minute
				}
			}
			if !tod.contains(w) {
				continue
			}
			s, ok := e.day.instant(w)
			if !ok || s < e.earliest {
				continue
			}
			if s > e.latest {
				return out
			}
			if !covers(p.spans, s, s+e.dur) || !e.busy.free(p.res, s, s+e.dur) {
				continue
			}
			if o, ok := e.firstFree(p.ops, s, s+e.dur); ok {
				out = append(out, e.slot(p, o, s))
				if len(out) == limit {
					return out
				}
			}
		}
	}
	return out
}

func (e *engine) firstFree(ops []int, s, end int64) (int, bool) {
	for _, o := range ops {
		if e.busy.free(o, s, end) {
			return o, true
		}
	}
	return 0, false
}

func (e *engine) slot(p *prov, o int, s int64) Slot {
	return Slot{
		Start:       time.Unix(s, 0).In(e.loc),
		End:         time.Unix(s+e.dur, 0).In(e.loc),
		ProviderID:  p.id,
		OperatoryID: e.operatories[o],
	}
}

// ceilUnix is t in Unix seconds, rounded up.
func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}

func weekOf(h calendar.WeeklyHours) week {
	var w week
	for wd, ranges := range h {
		if wd >= time.Sunday && wd <= time.Saturday {
			w[wd] = normalize(ranges)
		}
	}
	return w
}

// normalize returns ranges sorted, clipped to the day and merged where they
// overlap or touch (so a slot may run across the seam); ranges itself when
// it already is.
func normalize(ranges []calendar.TimeRange) []calendar.TimeRange {
	if isNormal(ranges) {
		return ranges
	}
	out := make([]calendar.TimeRange, 0, len(ranges))
	for _, r := range ranges {
		r.Start, r.End = max(r.Start, 0), min(r.End, 24*60)
		if r.Start < r.End {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b calendar.TimeRange) int { return cmp.Compare(a.Start, b.Start) })
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && r.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, r.End)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

func isNormal(ranges []calendar.TimeRange) bool {
	end := -1
	for _, r := range ranges {
		if r.Start <= end || r.End <= r.Start || r.End > 24*60 {
			return false
		}
		end = r.End
	}
	return true
}
