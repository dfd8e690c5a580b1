package spoken

import (
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
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
	kiritimati = mustLoad("Pacific/Kiritimati")
)

func TestWhen(t *testing.T) {
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, newYork) // Monday afternoon
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		now  time.Time
		want string
	}{
		{"on the hour", time.Date(2026, 12, 1, 9, 0, 0, 0, newYork), newYork, now.AddDate(0, 0, -3), "Tuesday, December 1st at 9 AM"},
		{"today with minutes", time.Date(2026, 11, 30, 14, 30, 0, 0, newYork), newYork, now, "today at 2:30 PM"},
		{"tomorrow", time.Date(2026, 12, 1, 10, 0, 0, 0, newYork), newYork, now, "tomorrow at 10 AM"},
		{"noon", time.Date(2026, 12, 3, 12, 0, 0, 0, newYork), newYork, now, "Thursday, December 3rd at noon"},
		{"half past noon", time.Date(2026, 12, 3, 12, 30, 0, 0, newYork), newYork, now, "Thursday, December 3rd at 12:30 PM"},
		{"midnight", time.Date(2026, 12, 3, 0, 0, 0, 0, newYork), newYork, now, "Thursday, December 3rd at midnight"},
		{"just after midnight", time.Date(2026, 12, 3, 0, 5, 0, 0, newYork), newYork, now, "Thursday, December 3rd at 12:05 AM"},
		{"given in UTC, said in the practice's zone", time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), newYork, now, "tomorrow at 9 AM"},
		{"late tonight is still today", time.Date(2026, 11, 30, 23, 45, 0, 0, newYork), newYork, now, "today at 11:45 PM"},
		// On the fall-back day 23:30 is 24 h 30 min after 00:30 but the same date.
		{"fall-back day: a 25-hour today", time.Date(2026, 11, 1, 23, 30, 0, 0, newYork), newYork, time.Date(2026, 11, 1, 0, 30, 0, 0, newYork), "today at 11:30 PM"},
		// On the spring-forward eve, 00:30 the next day is 1 h away but tomorrow.
		{"spring-forward eve: tomorrow an hour later", time.Date(2026, 3, 8, 3, 30, 0, 0, newYork), newYork, time.Date(2026, 3, 7, 23, 30, 0, 0, newYork), "tomorrow at 3:30 AM"},
		{"next year within half a year", time.Date(2027, 1, 4, 9, 0, 0, 0, newYork), newYork, now, "Monday, January 4th at 9 AM"},
		{"next year, far away", time.Date(2027, 12, 6, 9, 0, 0, 0, newYork), newYork, now, "Monday, December 6th, 2027 at 9 AM"},
		{"same year, far away", time.Date(2026, 12, 28, 9, 0, 0, 0, newYork), newYork, time.Date(2026, 1, 5, 9, 0, 0, 0, newYork), "Monday, December 28th at 9 AM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := When(tt.t, tt.loc, tt.now); got != tt.want {
				t.Errorf("When = %q, want %q", got, tt.want)
			}
		})
	}
}

// The same instant reads differently in two zones, and so does "today".
func TestZoneMatters(t *testing.T) {
	instant := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) // 07:00 in New York, 02:00 next day in Kiritimati
	for _, tt := range []struct {
		loc        *time.Location
		when, date string
	}{
		{newYork, "today at 9 AM", "Tuesday, December 1st"},
		{kiritimati, "today at 4 AM", "Wednesday, December 2nd"},
		{time.UTC, "today at 2 PM", "Tuesday, December 1st"},
	} {
		if got := When(instant, tt.loc, now); got != tt.when {
			t.Errorf("When in %s = %q, want %q", tt.loc, got, tt.when)
		}
		if got := Date(instant, tt.loc, now); got != tt.date {
			t.Errorf("Date in %s = %q, want %q", tt.loc, got, tt.date)
		}
	}
	// At 05:00 UTC New York has just begun December 1st (today for the
	// appointment) while Kiritimati is in its evening (tomorrow for it).
	early := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	if got := When(instant, newYork, early); got != "today at 9 AM" {
		t.Errorf("When in New York = %q", got)
	}
	if got := When(instant, kiritimati, early); got != "tomorrow at 4 AM" {
		t.Errorf("When in Kiritimati = %q", got)
	}
}

func TestDate(t *testing.T) {
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, newYork)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 30, 9, 0, 0, 0, newYork), "Monday, November 30th"},
		{time.Date(2026, 12, 1, 9, 0, 0, 0, newYork), "Tuesday, December 1st"},
		{time.Date(2026, 12, 22, 9, 0, 0, 0, newYork), "Tuesday, December 22nd"},
		{time.Date(2027, 5, 31, 9, 0, 0, 0, newYork), "Monday, May 31st"},
		{time.Date(2027, 6, 3, 9, 0, 0, 0, newYork), "Thursday, June 3rd, 2027"},
		{time.Date(2025, 12, 1, 9, 0, 0, 0, newYork), "Monday, December 1st, 2025"},
	}
	for _, tt := range tests {
		if got := Date(tt.t, newYork, now); got != tt.want {
			t.Errorf("Date(%s) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestOrdinal(t *testing.T) {
	want := map[int]string{
		0: "0th", 1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 9: "9th", 10: "10th", 11: "11th", 12: "12th",
		13: "13th", 14: "14th", 20: "20th", 21: "21st", 22: "22nd", 23: "23rd", 24: "24th", 30: "30th",
		31: "31st", 101: "101st", 111: "111th", 112: "112th", 113: "113th", 122: "122nd", -1: "-1st", -12: "-12th",
	}
	for n, w := range want {
		if got := Ordinal(n); got != w {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, w)
		}
	}
}

func TestProvider(t *testing.T) {
	tests := []struct {
		p          pms.Provider
		name, with string
	}{
		{pms.Provider{Title: "Dr.", FirstName: "Dana", LastName: "Lee"}, "Dr. Lee", "with Dr. Lee"},
		{pms.Provider{Title: "DR", FirstName: "Dana", LastName: "Lee"}, "Dr. Lee", "with Dr. Lee"},
		{pms.Provider{FirstName: "Sam", LastName: "Kim"}, "Sam Kim", "with Sam Kim"},
		{pms.Provider{FirstName: " Sam "}, "Sam", "with Sam"},
		{pms.Provider{Title: "Dr.", FirstName: "Ann"}, "Ann", "with Ann"},
		{pms.Provider{ID: "DMD2"}, "", ""},
	}
	for _, tt := range tests {
		if got := ProviderName(tt.p); got != tt.name {
			t.Errorf("ProviderName(%+v) = %q, want %q", tt.p, got, tt.name)
		}
		if got := WithProvider(tt.p); got != tt.with {
			t.Errorf("WithProvider(%+v) = %q, want %q", tt.p, got, tt.with)
		}
	}
}
