package scheduling

import (
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// Inside the engine, instants are Unix seconds and wall clocks, offsets and
// durations are seconds, so the hot loops do plain integer arithmetic. Whole
// seconds lose nothing: zone offsets and transitions are whole seconds, hours
// are whole minutes, and Step and Duration must be whole seconds, so every
// slot boundary is a whole second; busy intervals are widened to whole
// seconds, which blocks exactly the slots the exact interval blocks.

const (
	minute = 60
	daylen = 24 * 60 * minute
)

// civil numbers a calendar date: days since 1970-01-01, so dates compare and
// step as integers.
func civil(d calendar.Date) int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civilOf is the local date of t in loc.
func civilOf(t time.Time, loc *time.Location) int {
	return civil(calendar.DateOf(t.In(loc)))
}

func dateOf(n int) calendar.Date {
	return calendar.DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

func weekday(n int) time.Weekday {
	return time.Weekday((n%7 + 7 + int(time.Thursday)) % 7) // 1970-01-01 was a Thursday
}

// dayStart is the first instant whose local date in loc is day n or later.
// It does not trust time.Date, which may resolve a missing or repeated
// midnight to either side of the transition.
func dayStart(n int, loc *time.Location) int64 {
	mid := int64(n) * daylen
	t := mid - 26*60*minute // before day n under any offset
	for {
		at := time.Unix(t, 0).In(loc)
		_, off := at.Zone()
		_, end := at.ZoneBounds()
		c := max(t, mid-int64(off))
		if end.IsZero() || c < end.Unix() {
			return c
		}
		t = end.Unix()
	}
}

// piece is a stretch of a day with one UTC offset.
type piece struct {
	start, end int64 // instants, end exclusive
	off        int64 // UTC offset
}

// day is one local date cut at its zone transitions. The wall clock of
// instant t in a piece is t+off-mid: seconds after the date's midnight.
type day struct {
	mid    int64 // the date's midnight read as if it were UTC
	pieces []piece
	buf    [4]piece
}

// load sets d to day n, which runs over the instants [start, end).
func (d *day) load(n int, start, end int64, loc *time.Location) {
	d.mid = int64(n) * daylen
	d.pieces = d.buf[:0]
	for t := start; t < end; {
		at := time.Unix(t, 0).In(loc)
		_, off := at.Zone()
		_, next := at.ZoneBounds()
		stop := end
		if !next.IsZero() {
			stop = min(stop, next.Unix())
		}
		d.pieces = append(d.pieces, piece{t, stop, int64(off)})
		t = stop
	}
}

// instant is the first occurrence of wall clock w on the day; false when w
// does not exist (skipped by a spring-forward).
func (d *day) instant(w int64) (int64, bool) {
	for _, p := range d.pieces {
		if t := d.mid + w - p.off; t >= p.start && t < p.end {
			return t, true
		}
	}
	return 0, false
}

// wall is the wall clock of instant t; false when t is not on the day.
func (d *day) wall(t int64) (int64, bool) {
	for _, p := range d.pieces {
		if t >= p.start && t < p.end {
			return t + p.off - d.mid, true
		}
	}
	return 0, false
}

// span is a half-open interval of instants.
type span struct{ start, end int64 }

// workSpans appends to dst the instants of the day whose wall clock lies in
// ranges, in order, joining spans that touch.
func (d *day) workSpans(ranges []calendar.TimeRange, dst []span) []span {
	for _, p := range d.pieces {
		pw0, pw1 := p.start+p.off-d.mid, p.end+p.off-d.mid
		for _, r := range ranges {
			w0, w1 := max(pw0, int64(r.Start)*minute), min(pw1, int64(r.End)*minute)
			if w0 >= w1 {
				continue
			}
			s, e := d.mid+w0-p.off, d.mid+w1-p.off
			if n := len(dst); n > 0 && dst[n-1].end == s {
				dst[n-1].end = e
				continue
			}
			dst = append(dst, span{s, e})
		}
	}
	return dst
}

// covers reports whether [s, e) lies inside one of spans.
func covers(spans []span, s, e int64) bool {
	for _, sp := range spans {
		if s >= sp.start && e <= sp.end {
			return true
		}
	}
	return false
}

// onGrid reports whether wall clock w is a slot start: a range's start plus
// a whole number of steps, inside that range.
func onGrid(ranges []calendar.TimeRange, w, step int64) bool {
	for _, r := range ranges {
		if s := int64(r.Start) * minute; w >= s && w < int64(r.End)*minute {
			return (w-s)%step == 0
		}
	}
	return false
}

// WallClock returns the first instant whose wall clock in loc is minute
// minutes after midnight on date d — the instant a practice means by "9:00
// on December 1st" — and false when that wall clock does not exist there
// (skipped by a spring-forward).
func WallClock(d calendar.Date, minutes int, loc *time.Location) (time.Time, bool) {
	n := civil(d)
	var dy day
	dy.load(n, dayStart(n, loc), dayStart(n+1, loc), loc)
	t, ok := dy.instant(int64(minutes) * minute)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(t, 0).In(loc), true
}
