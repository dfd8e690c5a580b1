package scheduling

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// benchInput is a busy practice: 4 providers (one with own hours), 5
// operatories, weekday hours with a lunch break, a 15-minute grid, and
// busy appointments of 10 to 30 minutes spread over the next 14 days.
func benchInput(appointments int) (Input, Query) {
	now := time.Date(2026, 11, 29, 22, 0, 0, 0, newYork) // Sunday night
	in := Input{
		Location:    newYork,
		Now:         now,
		Hours:       weekdays(calendar.TimeRange{Start: hm(8, 0), End: hm(12, 0)}, calendar.TimeRange{Start: hm(13, 0), End: hm(17, 0)}),
		Closures:    []calendar.Date{date(2026, 12, 25)},
		Operatories: []string{"op1", "op2", "op3", "op4", "op5"},
		Providers: []Provider{
			{ID: "dmd1"},
			{ID: "dmd2", OperatoryIDs: []string{"op2", "op3"}},
			{ID: "hyg1", Hours: weekdays(calendar.TimeRange{Start: hm(7, 0), End: hm(15, 0)})},
			{ID: "hyg2", OperatoryIDs: []string{"op4", "op5"}},
		},
		Rules: Rules{LeadTime: 2 * time.Hour, Horizon: 90 * 24 * time.Hour, Step: 15 * time.Minute},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range appointments {
		day := now.AddDate(0, 0, 1+r.IntN(14))
		start := time.Date(day.Year(), day.Month(), day.Day(), 8, 5*r.IntN(9*12), 0, 0, newYork)
		provider := ""
		if r.IntN(5) > 0 {
			provider = in.Providers[r.IntN(4)].ID
		}
		in.Busy = append(in.Busy, Busy{
			ProviderID:  provider,
			OperatoryID: fmt.Sprintf("op%d", 1+r.IntN(5)),
			Start:       start.UTC(),
			End:         start.Add(time.Duration(10+5*r.IntN(5)) * time.Minute).UTC(),
		})
	}
	q := Query{
		Type: AppointmentType{Duration: 45 * time.Minute},
		From: date(2026, 11, 30),
		To:   date(2026, 12, 13),
	}
	return in, q
}

func benchmarkFind(b *testing.B, appointments int) {
	in, q := benchInput(appointments)
	var res Result
	var err error
	b.ReportAllocs()
	for b.Loop() {
		if res, err = Find(in, q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Slots)), "slots")
}

// BenchmarkAvailability is one check-availability over 14 days for 4
// providers and 5 operatories against 2,000 booked appointments, returning
// every open slot; the baseline is the same question with nothing booked.
func BenchmarkAvailability(b *testing.B) {
	b.Run("baseline", func(b *testing.B) { benchmarkFind(b, 0) })
	b.Run("2000-booked", func(b *testing.B) { benchmarkFind(b, 2000) })
}

// BenchmarkCheck is the re-check a booking makes inside its transaction.
func BenchmarkCheck(b *testing.B) {
	in, q := benchInput(2000)
	res, err := Find(in, q)
	if err != nil || len(res.Slots) == 0 {
		b.Fatal(err, len(res.Slots))
	}
	s := res.Slots[len(res.Slots)/2]
	c := Candidate{Start: s.Start, ProviderID: s.ProviderID}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(in, q.Type, c); err != nil {
			b.Fatal(err)
		}
	}
}
