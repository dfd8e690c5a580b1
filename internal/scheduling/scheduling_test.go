package scheduling

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	newYork    = mustLoad("America/New_York")
	lordHowe   = mustLoad("Australia/Lord_Howe")
	kiritimati = mustLoad("Pacific/Kiritimati")
)

func hm(h, m int) int { return h*60 + m }

// weekdays opens Monday to Friday with the same ranges.
func weekdays(ranges ...calendar.TimeRange) calendar.WeeklyHours {
	h := calendar.WeeklyHours{}
	for d := time.Monday; d <= time.Friday; d++ {
		h[d] = ranges
	}
	return h
}

var (
	morning   = calendar.TimeRange{Start: hm(9, 0), End: hm(11, 0)}
	afternoon = calendar.TimeRange{Start: hm(13, 0), End: hm(14, 0)}
	hour      = AppointmentType{Duration: time.Hour}
)

// base is a practice in New York open 9–11 and 13–14 on weekdays, one
// provider, one operatory, asked on Monday 2026-11-30 at 20:00.
func base() Input {
	return Input{
		Location:    newYork,
		Now:         time.Date(2026, 11, 30, 20, 0, 0, 0, newYork),
		Hours:       weekdays(morning, afternoon),
		Providers:   []Provider{{ID: "lee"}},
		Operatories: []string{"op1"},
		Rules:       Rules{LeadTime: 2 * time.Hour, Horizon: 60 * 24 * time.Hour, Step: 30 * time.Minute},
	}
}

func at(loc *time.Location, y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, loc)
}

func busy(provider, operatory string, start time.Time, d time.Duration) Busy {
	return Busy{ProviderID: provider, OperatoryID: operatory, Start: start, End: start.Add(d)}
}

func date(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

var (
	tue = date(2026, 12, 1)
	wed = date(2026, 12, 2)
)

// render shows a slot with its zone abbreviations, so DST cases read plainly.
func render(s Slot) string {
	return s.Start.Format("Mon 01-02 15:04 MST") + "–" + s.End.Format("15:04 MST") + " " + s.ProviderID + " " + s.OperatoryID
}

func renderAll(slots []Slot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = render(s)
	}
	return out
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Input)
		q    Query
		want []string
		next string // NextAvailable, rendered
	}{
		{
			name: "hours with a lunch break",
			q:    Query{Type: hour, From: tue},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op1",
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
				"Tue 12-01 10:00 EST–11:00 EST lee op1",
				"Tue 12-01 13:00 EST–14:00 EST lee op1",
			},
		},
		{
			name: "ranges that touch are one range",
			edit: func(in *Input) {
				in.Hours = weekdays(calendar.TimeRange{Start: hm(10, 0), End: hm(11, 0)}, calendar.TimeRange{Start: hm(9, 0), End: hm(10, 0)})
			},
			q: Query{Type: hour, From: tue},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op1",
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
				"Tue 12-01 10:00 EST–11:00 EST lee op1",
			},
		},
		{
			name: "closure day has nothing; next available is the next open day",
			edit: func(in *Input) { in.Closures = []calendar.Date{tue} },
			q:    Query{Type: hour, From: tue},
			next: "Wed 12-02 09:00 EST–10:00 EST lee op1",
		},
		{
			name: "weekend has no hours",
			q:    Query{Type: hour, From: date(2026, 12, 5), To: date(2026, 12, 6)},
			next: "Mon 12-07 09:00 EST–10:00 EST lee op1",
		},
		{
			name: "provider with own hours, listed by start then provider order",
			edit: func(in *Input) {
				in.Providers = append(in.Providers, Provider{ID: "kim", Hours: calendar.WeeklyHours{
					time.Tuesday: {{Start: hm(10, 0), End: hm(12, 0)}},
				}})
				in.Operatories = []string{"op1", "op2"}
			},
			q: Query{Type: hour, From: tue},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op1",
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
				"Tue 12-01 10:00 EST–11:00 EST lee op1",
				"Tue 12-01 10:00 EST–11:00 EST kim op1",
				"Tue 12-01 10:30 EST–11:30 EST kim op1",
				"Tue 12-01 11:00 EST–12:00 EST kim op1",
				"Tue 12-01 13:00 EST–14:00 EST lee op1",
			},
		},
		{
			name: "provider with own hours works on none of the practice's other days",
			edit: func(in *Input) {
				in.Providers = []Provider{{ID: "kim", Hours: calendar.WeeklyHours{time.Tuesday: {{Start: hm(10, 0), End: hm(11, 0)}}}}}
			},
			q:    Query{Type: hour, From: wed, To: date(2026, 12, 4)},
			next: "Tue 12-08 10:00 EST–11:00 EST kim op1",
		},
		{
			name: "type limited to providers",
			edit: func(in *Input) { in.Providers = append(in.Providers, Provider{ID: "kim"}) },
			q:    Query{Type: AppointmentType{Duration: time.Hour, ProviderIDs: []string{"kim"}}, From: tue, TimeOfDay: Afternoon},
			want: []string{"Tue 12-01 13:00 EST–14:00 EST kim op1"},
		},
		{
			name: "spreading: one slot per free provider at each start",
			edit: func(in *Input) { in.Providers = append(in.Providers, Provider{ID: "kim"}) },
			q:    Query{Type: hour, From: tue, TimeOfDay: Afternoon},
			want: []string{
				"Tue 12-01 13:00 EST–14:00 EST lee op1",
				"Tue 12-01 13:00 EST–14:00 EST kim op1",
			},
		},
		{
			name: "provider filter",
			edit: func(in *Input) { in.Providers = append(in.Providers, Provider{ID: "kim"}) },
			q:    Query{Type: hour, From: tue, TimeOfDay: Afternoon, ProviderID: "kim"},
			want: []string{"Tue 12-01 13:00 EST–14:00 EST kim op1"},
		},
		{
			name: "operatory busy: the next operatory is used",
			edit: func(in *Input) {
				in.Operatories = []string{"op1", "op2"}
				in.Busy = []Busy{busy("", "op1", at(newYork, 2026, 12, 1, 9, 0), time.Hour)}
			},
			q: Query{Type: hour, From: tue, TimeOfDay: Morning},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op2",
				"Tue 12-01 09:30 EST–10:30 EST lee op2",
				"Tue 12-01 10:00 EST–11:00 EST lee op1",
			},
		},
		{
			name: "every operatory busy",
			edit: func(in *Input) {
				in.Busy = []Busy{busy("someone", "op1", at(newYork, 2026, 12, 1, 9, 30), 30*time.Minute)}
			},
			q:    Query{Type: hour, From: tue, TimeOfDay: Morning},
			want: []string{"Tue 12-01 10:00 EST–11:00 EST lee op1"},
		},
		{
			name: "provider's own operatories only",
			edit: func(in *Input) {
				in.Operatories = []string{"op1", "op2", "op3"}
				in.Providers = []Provider{{ID: "lee", OperatoryIDs: []string{"op3", "gone", "op2"}}}
				in.Busy = []Busy{busy("", "op3", at(newYork, 2026, 12, 1, 9, 0), time.Hour)}
			},
			q: Query{Type: hour, From: tue, TimeOfDay: Morning},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op2",
				"Tue 12-01 09:30 EST–10:30 EST lee op2",
				"Tue 12-01 10:00 EST–11:00 EST lee op3",
			},
		},
		{
			name: "provider busy in another operatory",
			edit: func(in *Input) {
				in.Busy = []Busy{busy("lee", "op9", at(newYork, 2026, 12, 1, 9, 30), time.Hour)}
			},
			q:    Query{Type: hour, From: tue},
			want: []string{"Tue 12-01 13:00 EST–14:00 EST lee op1"},
		},
		{
			name: "back-to-back appointments leave exact gaps",
			edit: func(in *Input) {
				in.Busy = []Busy{
					busy("lee", "op1", at(newYork, 2026, 12, 1, 10, 0), time.Hour),
					busy("lee", "op1", at(newYork, 2026, 12, 1, 12, 0), time.Hour),
				}
			},
			q: Query{Type: hour, From: tue},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op1",
				"Tue 12-01 13:00 EST–14:00 EST lee op1",
			},
		},
		{
			name: "busy with fractions of a second blocks what it overlaps and no more",
			edit: func(in *Input) {
				in.Busy = []Busy{
					{ProviderID: "lee", Start: at(newYork, 2026, 12, 1, 8, 0), End: at(newYork, 2026, 12, 1, 9, 0).Add(time.Millisecond)},
					{ProviderID: "lee", Start: at(newYork, 2026, 12, 1, 10, 59).Add(59*time.Second + 999*time.Millisecond), End: at(newYork, 2026, 12, 1, 12, 0)},
				}
			},
			q: Query{Type: hour, From: tue},
			want: []string{
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
				"Tue 12-01 13:00 EST–14:00 EST lee op1",
			},
		},
		{
			name: "lead time ending within a second",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 12, 1, 8, 0).Add(time.Millisecond)
				in.Rules.LeadTime = time.Hour
			},
			q: Query{Type: hour, TimeOfDay: Morning},
			want: []string{
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
				"Tue 12-01 10:00 EST–11:00 EST lee op1",
			},
		},
		{
			name: "busy given in another zone",
			edit: func(in *Input) {
				in.Busy = []Busy{busy("lee", "", time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), 90*time.Minute)} // 09:00–10:30 EST
			},
			q:    Query{Type: hour, From: tue},
			want: []string{"Tue 12-01 13:00 EST–14:00 EST lee op1"},
		},
		{
			name: "lead time cuts today",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 12, 1, 8, 15)
				in.Rules.LeadTime = time.Hour
			},
			q: Query{Type: hour},
			want: []string{
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
				"Tue 12-01 10:00 EST–11:00 EST lee op1",
				"Tue 12-01 13:00 EST–14:00 EST lee op1",
			},
		},
		{
			name: "a past range has nothing but still finds the next slot",
			q:    Query{Type: hour, From: date(2026, 11, 2), To: date(2026, 11, 3)},
			next: "Tue 12-01 09:00 EST–10:00 EST lee op1",
		},
		{
			name: "horizon ends inside a day, its last instant included",
			edit: func(in *Input) { in.Rules.Horizon = 37*time.Hour + 30*time.Minute }, // to Wed 09:30
			q:    Query{Type: hour, From: wed, To: date(2026, 12, 3)},
			want: []string{
				"Wed 12-02 09:00 EST–10:00 EST lee op1",
				"Wed 12-02 09:30 EST–10:30 EST lee op1",
			},
		},
		{
			name: "nothing and no next slot beyond the horizon",
			edit: func(in *Input) { in.Rules.Horizon = 3 * 24 * time.Hour },
			q:    Query{Type: hour, From: date(2026, 12, 4)},
		},
		{
			name: "morning",
			q:    Query{Type: hour, From: tue, TimeOfDay: Morning},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op1",
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
				"Tue 12-01 10:00 EST–11:00 EST lee op1",
			},
		},
		{
			name: "afternoon starts at noon and ends before five",
			edit: func(in *Input) { in.Hours = weekdays(calendar.TimeRange{Start: hm(11, 0), End: hm(18, 30)}) },
			q:    Query{Type: AppointmentType{Duration: 30 * time.Minute}, From: tue, TimeOfDay: Afternoon},
			want: []string{
				"Tue 12-01 12:00 EST–12:30 EST lee op1",
				"Tue 12-01 12:30 EST–13:00 EST lee op1",
				"Tue 12-01 13:00 EST–13:30 EST lee op1",
				"Tue 12-01 13:30 EST–14:00 EST lee op1",
				"Tue 12-01 14:00 EST–14:30 EST lee op1",
				"Tue 12-01 14:30 EST–15:00 EST lee op1",
				"Tue 12-01 15:00 EST–15:30 EST lee op1",
				"Tue 12-01 15:30 EST–16:00 EST lee op1",
				"Tue 12-01 16:00 EST–16:30 EST lee op1",
				"Tue 12-01 16:30 EST–17:00 EST lee op1",
			},
		},
		{
			name: "evening starts at five",
			edit: func(in *Input) { in.Hours = weekdays(calendar.TimeRange{Start: hm(16, 0), End: hm(19, 0)}) },
			q:    Query{Type: hour, From: tue, TimeOfDay: Evening},
			want: []string{
				"Tue 12-01 17:00 EST–18:00 EST lee op1",
				"Tue 12-01 17:30 EST–18:30 EST lee op1",
				"Tue 12-01 18:00 EST–19:00 EST lee op1",
			},
		},
		{
			name: "max results",
			q:    Query{Type: hour, From: tue, To: wed, MaxResults: 2},
			want: []string{
				"Tue 12-01 09:00 EST–10:00 EST lee op1",
				"Tue 12-01 09:30 EST–10:30 EST lee op1",
			},
		},
		{
			name: "next available keeps the filters",
			edit: func(in *Input) { in.Busy = []Busy{busy("lee", "", at(newYork, 2026, 12, 1, 13, 0), time.Hour)} },
			q:    Query{Type: hour, From: tue, TimeOfDay: Afternoon},
			next: "Wed 12-02 13:00 EST–14:00 EST lee op1",
		},
		{
			name: "spring forward in New York: 02:00–02:59 does not exist",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 3, 1, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: 0, End: hm(5, 0)}}}
			},
			q: Query{Type: hour, From: date(2026, 3, 8)},
			want: []string{
				"Sun 03-08 00:00 EST–01:00 EST lee op1",
				"Sun 03-08 00:30 EST–01:30 EST lee op1",
				"Sun 03-08 01:00 EST–03:00 EDT lee op1",
				"Sun 03-08 01:30 EST–03:30 EDT lee op1",
				"Sun 03-08 03:00 EDT–04:00 EDT lee op1",
				"Sun 03-08 03:30 EDT–04:30 EDT lee op1",
				"Sun 03-08 04:00 EDT–05:00 EDT lee op1",
			},
		},
		{
			name: "spring forward: hours ending in the gap end at the jump",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 3, 1, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: hm(1, 0), End: hm(2, 30)}}}
			},
			q:    Query{Type: hour, From: date(2026, 3, 8)},
			want: []string{"Sun 03-08 01:00 EST–03:00 EDT lee op1"},
		},
		{
			name: "fall back in New York: the repeated hour is offered once, durations are real time",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 10, 25, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: 0, End: hm(4, 0)}}}
			},
			q: Query{Type: hour, From: date(2026, 11, 1)},
			want: []string{
				"Sun 11-01 00:00 EDT–01:00 EDT lee op1",
				"Sun 11-01 00:30 EDT–01:30 EDT lee op1",
				"Sun 11-01 01:00 EDT–01:00 EST lee op1",
				"Sun 11-01 01:30 EDT–01:30 EST lee op1",
				"Sun 11-01 02:00 EST–03:00 EST lee op1",
				"Sun 11-01 02:30 EST–03:30 EST lee op1",
				"Sun 11-01 03:00 EST–04:00 EST lee op1",
			},
		},
		{
			name: "fall back: an appointment in the second 01:00 hour blocks by instant",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 10, 25, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: 0, End: hm(4, 0)}}}
				in.Busy = []Busy{busy("lee", "op1", time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC), time.Hour)} // 01:00–02:00 EST
			},
			q: Query{Type: hour, From: date(2026, 11, 1)},
			want: []string{
				"Sun 11-01 00:00 EDT–01:00 EDT lee op1",
				"Sun 11-01 00:30 EDT–01:30 EDT lee op1",
				"Sun 11-01 01:00 EDT–01:00 EST lee op1",
				"Sun 11-01 02:00 EST–03:00 EST lee op1",
				"Sun 11-01 02:30 EST–03:30 EST lee op1",
				"Sun 11-01 03:00 EST–04:00 EST lee op1",
			},
		},
		{
			name: "fall back: hours ending inside the repeated hour cover both passes up to that wall clock",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 10, 25, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: hm(0, 30), End: hm(1, 30)}}}
			},
			q: Query{Type: AppointmentType{Duration: 30 * time.Minute}, From: date(2026, 11, 1)},
			want: []string{
				"Sun 11-01 00:30 EDT–01:00 EDT lee op1",
				"Sun 11-01 01:00 EDT–01:30 EDT lee op1",
			},
		},
		{
			name: "Lord Howe spring forward: 02:00–02:29 does not exist",
			edit: func(in *Input) {
				in.Location = lordHowe
				in.Now = at(lordHowe, 2026, 10, 1, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: hm(1, 0), End: hm(3, 30)}}}
				in.Rules.Step = 15 * time.Minute
			},
			q: Query{Type: AppointmentType{Duration: 30 * time.Minute}, From: date(2026, 10, 4)},
			want: []string{
				"Sun 10-04 01:00 +1030–01:30 +1030 lee op1",
				"Sun 10-04 01:15 +1030–01:45 +1030 lee op1",
				"Sun 10-04 01:30 +1030–02:30 +11 lee op1",
				"Sun 10-04 01:45 +1030–02:45 +11 lee op1",
				"Sun 10-04 02:30 +11–03:00 +11 lee op1",
				"Sun 10-04 02:45 +11–03:15 +11 lee op1",
				"Sun 10-04 03:00 +11–03:30 +11 lee op1",
			},
		},
		{
			name: "Lord Howe fall back: 01:30–01:59 repeats and is offered at its first pass",
			edit: func(in *Input) {
				in.Location = lordHowe
				in.Now = at(lordHowe, 2026, 4, 1, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: hm(1, 0), End: hm(2, 30)}}}
				in.Rules.Step = 15 * time.Minute
			},
			q: Query{Type: AppointmentType{Duration: 30 * time.Minute}, From: date(2026, 4, 5)},
			want: []string{
				"Sun 04-05 01:00 +11–01:30 +11 lee op1",
				"Sun 04-05 01:15 +11–01:45 +11 lee op1",
				"Sun 04-05 01:30 +11–01:30 +1030 lee op1",
				"Sun 04-05 01:45 +11–01:45 +1030 lee op1",
				"Sun 04-05 02:00 +1030–02:30 +1030 lee op1",
			},
		},
		{
			name: "Kiritimati: today is the practice's date, a day ahead of UTC",
			edit: func(in *Input) {
				in.Location = kiritimati
				in.Now = time.Date(2026, 6, 1, 10, 30, 0, 0, time.UTC) // Tuesday 00:30 local
			},
			q:    Query{Type: hour, TimeOfDay: Afternoon},
			want: []string{"Tue 06-02 13:00 +14–14:00 +14 lee op1"},
		},
		{
			name: "Kiritimati: late Monday evening locally, next is Tuesday",
			edit: func(in *Input) {
				in.Location = kiritimati
				in.Now = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) // Monday 23:00 local
			},
			q:    Query{Type: hour},
			next: "Tue 06-02 09:00 +14–10:00 +14 lee op1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			if tt.edit != nil {
				tt.edit(&in)
			}
			res, err := Find(in, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := renderAll(res.Slots); !slices.Equal(got, tt.want) {
				t.Errorf("slots:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			next := ""
			if res.NextAvailable != nil {
				next = render(*res.NextAvailable)
			}
			if next != tt.next {
				t.Errorf("next available = %q, want %q", next, tt.next)
			}
			all := slices.Clone(res.Slots)
			if res.NextAvailable != nil {
				all = append(all, *res.NextAvailable)
			}
			for _, s := range all {
				got, err := Check(in, tt.q.Type, Candidate{Start: s.Start, ProviderID: s.ProviderID})
				if err != nil || got != s {
					t.Errorf("Check(%s) = %v, %v", render(s), got, err)
				}
			}
		})
	}
}

func TestFindErrors(t *testing.T) {
	withAnn := func(in *Input) { in.Providers = append(in.Providers, Provider{ID: "ann"}) }
	onlyLee := AppointmentType{Duration: time.Hour, ProviderIDs: []string{"lee"}}
	tests := []struct {
		name   string
		edit   func(*Input)
		q      Query
		code   apperr.Code // for invalid questions
		reason Reason      // for an unavailable provider
	}{
		{name: "to before from", q: Query{Type: hour, From: wed, To: tue}, code: apperr.Invalid},
		{name: "unknown time of day", q: Query{Type: hour, TimeOfDay: "night"}, code: apperr.Invalid},
		{name: "negative max", q: Query{Type: hour, MaxResults: -1}, code: apperr.Invalid},
		{name: "unknown provider", q: Query{Type: hour, ProviderID: "zed"}, reason: ProviderNotAllowed},
		{name: "provider the type excludes", edit: withAnn, q: Query{Type: onlyLee, ProviderID: "ann"}, reason: ProviderNotAllowed},
		{name: "no location", edit: func(in *Input) { in.Location = nil }, q: Query{Type: hour}, code: apperr.Internal},
		{name: "no step", edit: func(in *Input) { in.Rules.Step = 0 }, q: Query{Type: hour}, code: apperr.Internal},
		{name: "no horizon", edit: func(in *Input) { in.Rules.Horizon = 0 }, q: Query{Type: hour}, code: apperr.Internal},
		{name: "negative lead", edit: func(in *Input) { in.Rules.LeadTime = -time.Minute }, q: Query{Type: hour}, code: apperr.Internal},
		{name: "horizon too long", edit: func(in *Input) { in.Rules.Horizon = 11 * 365 * 24 * time.Hour }, q: Query{Type: hour}, code: apperr.Internal},
		{name: "step not whole seconds", edit: func(in *Input) { in.Rules.Step = 1500 * time.Millisecond }, q: Query{Type: hour}, code: apperr.Internal},
		{name: "no duration", q: Query{}, code: apperr.Internal},
		{name: "duration not whole seconds", q: Query{Type: AppointmentType{Duration: time.Hour + time.Millisecond}}, code: apperr.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			if tt.edit != nil {
				tt.edit(&in)
			}
			_, err := Find(in, tt.q)
			var u *Unavailable
			switch {
			case err == nil:
				t.Fatal("no error")
			case tt.reason != "":
				if !errors.As(err, &u) || u.Reason != tt.reason {
					t.Errorf("err = %v, want reason %s", err, tt.reason)
				}
			case apperr.CodeOf(err) != tt.code:
				t.Errorf("err = %v (code %s), want code %s", err, apperr.CodeOf(err), tt.code)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	typ := AppointmentType{Duration: time.Hour, ProviderIDs: []string{"lee", "kim"}}
	setup := func() Input {
		in := base()
		in.Providers = []Provider{{ID: "lee"}, {ID: "kim", OperatoryIDs: []string{"op2"}}, {ID: "ann"}}
		in.Operatories = []string{"op1", "op2"}
		in.Closures = []calendar.Date{wed}
		in.Busy = []Busy{
			busy("lee", "", at(newYork, 2026, 12, 1, 13, 0), time.Hour),
			busy("", "op1", at(newYork, 2026, 12, 1, 9, 0), time.Hour),
			busy("", "op2", at(newYork, 2026, 12, 1, 10, 0), time.Hour),
		}
		return in
	}
	tests := []struct {
		name   string
		edit   func(*Input)
		c      Candidate
		want   string // the slot, rendered, when bookable
		reason Reason
	}{
		{name: "first free operatory picked", c: Candidate{Start: at(newYork, 2026, 12, 1, 10, 0), ProviderID: "lee"}, want: "Tue 12-01 10:00 EST–11:00 EST lee op1"},
		{name: "operatory given", c: Candidate{Start: at(newYork, 2026, 12, 1, 9, 0), ProviderID: "lee", OperatoryID: "op2"}, want: "Tue 12-01 09:00 EST–10:00 EST lee op2"},
		{name: "given operatory busy", c: Candidate{Start: at(newYork, 2026, 12, 1, 9, 0), ProviderID: "lee", OperatoryID: "op1"}, reason: OperatoryBusy},
		{name: "every operatory busy", c: Candidate{Start: at(newYork, 2026, 12, 1, 9, 30), ProviderID: "lee"}, reason: OperatoryBusy},
		{name: "provider busy", c: Candidate{Start: at(newYork, 2026, 12, 1, 13, 0), ProviderID: "lee"}, reason: ProviderBusy},
		{name: "provider the type excludes", c: Candidate{Start: at(newYork, 2026, 12, 1, 13, 0), ProviderID: "ann"}, reason: ProviderNotAllowed},
		{name: "unknown provider", c: Candidate{Start: at(newYork, 2026, 12, 1, 13, 0), ProviderID: "zed"}, reason: ProviderNotAllowed},
		{name: "unknown operatory", c: Candidate{Start: at(newYork, 2026, 12, 1, 13, 0), ProviderID: "kim", OperatoryID: "op9"}, reason: OperatoryNotAllowed},
		{name: "operatory the provider does not use", c: Candidate{Start: at(newYork, 2026, 12, 1, 13, 0), ProviderID: "kim", OperatoryID: "op1"}, reason: OperatoryNotAllowed},
		{name: "within lead time", c: Candidate{Start: at(newYork, 2026, 11, 30, 21, 0), ProviderID: "kim"}, reason: TooSoon},
		{name: "too soon wins over closed", edit: func(in *Input) { in.Closures = []calendar.Date{date(2026, 11, 30)} }, c: Candidate{Start: at(newYork, 2026, 11, 30, 21, 0), ProviderID: "kim"}, reason: TooSoon},
		{name: "beyond horizon", c: Candidate{Start: at(newYork, 2027, 2, 1, 9, 0), ProviderID: "kim"}, reason: BeyondHorizon},
		{name: "closed", c: Candidate{Start: at(newYork, 2026, 12, 2, 9, 0), ProviderID: "kim"}, reason: Closed},
		{name: "lunch", c: Candidate{Start: at(newYork, 2026, 12, 1, 11, 0), ProviderID: "kim"}, reason: OutsideHours},
		{name: "runs past the range", c: Candidate{Start: at(newYork, 2026, 12, 1, 10, 30), ProviderID: "kim"}, reason: OutsideHours},
		{name: "saturday", c: Candidate{Start: at(newYork, 2026, 12, 5, 9, 0), ProviderID: "kim"}, reason: OutsideHours},
		{name: "off the grid", c: Candidate{Start: at(newYork, 2026, 12, 1, 9, 10), ProviderID: "kim"}, reason: NotSlotStart},
		{name: "off the grid by seconds", c: Candidate{Start: at(newYork, 2026, 12, 1, 9, 0).Add(time.Second), ProviderID: "kim"}, reason: NotSlotStart},
		{name: "off the grid by a millisecond", c: Candidate{Start: at(newYork, 2026, 12, 1, 9, 0).Add(time.Millisecond), ProviderID: "kim"}, reason: NotSlotStart},
		{name: "a millisecond within lead time", edit: func(in *Input) { in.Now = at(newYork, 2026, 12, 1, 7, 0).Add(time.Millisecond) }, c: Candidate{Start: at(newYork, 2026, 12, 1, 9, 0), ProviderID: "kim"}, reason: TooSoon},
		{
			name: "second pass of a repeated hour",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 10, 25, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: 0, End: hm(4, 0)}}}
			},
			c:      Candidate{Start: time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), ProviderID: "kim"}, // 01:30 EST
			reason: NotSlotStart,
		},
		{
			name: "first pass of a repeated hour",
			edit: func(in *Input) {
				in.Now = at(newYork, 2026, 10, 25, 12, 0)
				in.Hours = calendar.WeeklyHours{time.Sunday: {{Start: 0, End: hm(4, 0)}}}
			},
			c:    Candidate{Start: time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), ProviderID: "kim"}, // 01:30 EDT
			want: "Sun 11-01 01:30 EDT–01:30 EST kim op2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := setup()
			if tt.edit != nil {
				tt.edit(&in)
			}
			got, err := Check(in, typ, tt.c)
			if tt.reason == "" {
				if err != nil || render(got) != tt.want {
					t.Errorf("Check = %q, %v; want %q", render(got), err, tt.want)
				}
				return
			}
			var u *Unavailable
			if !errors.As(err, &u) || u.Reason != tt.reason {
				t.Errorf("Check = %v, want reason %s", err, tt.reason)
			}
		})
	}
}

func TestWallClock(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		d       calendar.Date
		minutes int
		want    string
		ok      bool
	}{
		{calendar.Date{Year: 2026, Month: 12, Day: 1}, 9 * 60, "2026-12-01T09:00:00-05:00", true},
		{calendar.Date{Year: 2026, Month: 3, Day: 8}, 2*60 + 30, "", false},                        // skipped
		{calendar.Date{Year: 2026, Month: 11, Day: 1}, 60 + 30, "2026-11-01T01:30:00-04:00", true}, // first of two
		{calendar.Date{Year: 2026, Month: 7, Day: 4}, 0, "2026-07-04T00:00:00-04:00", true},
	}
	for _, tt := range tests {
		got, ok := WallClock(tt.d, tt.minutes, ny)
		if ok != tt.ok || (ok && got.Format(time.RFC3339) != tt.want) {
			t.Errorf("WallClock(%v, %d) = %v, %v; want %s, %v", tt.d, tt.minutes, got, ok, tt.want, tt.ok)
		}
	}
}
