// Package spoken words times, dates and providers the way the receptionist
// says them on the phone, always in the practice's zone: "Tuesday, December
// 1st at 9 AM", "today at 2:30 PM", "with Dr. Lee". Text-to-speech reads
// these forms naturally, where "09:00" or "12/01" would sound robotic.
package spoken

import (
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
)

// When says an appointment time relative to now: "today at 2:30 PM",
// "tomorrow at 10 AM", otherwise "Tuesday, December 1st at 9 AM". Days are
// counted on the calendar in loc, not in 24-hour steps, so a DST day still
// reads as one day.
func When(t time.Time, loc *time.Location, now time.Time) string {
	var day string
	switch daysBetween(now.In(loc), t.In(loc)) {
	case 0:
		day = "today"
	case 1:
		day = "tomorrow"
	default:
		day = Date(t, loc, now)
	}
	return day + " at " + Time(t, loc)
}

// Date says the calendar date of t in loc: "Tuesday, December 1st". The year
// is added ("Monday, January 3rd, 2028") only when it is not now's year and
// the date is not within the coming half year, where it goes without saying.
func Date(t time.Time, loc *time.Location, now time.Time) string {
	lt, ln := t.In(loc), now.In(loc)
	s := lt.Weekday().String() + ", " + lt.Month().String() + " " + Ordinal(lt.Day())
	if d := daysBetween(ln, lt); lt.Year() != ln.Year() && (d < 0 || d > 183) {
		s += ", " + strconv.Itoa(lt.Year())
	}
	return s
}

// Time says the clock time of t in loc: "9 AM", "2:30 PM", "noon",
// "midnight".
func Time(t time.Time, loc *time.Location) string {
	lt := t.In(loc)
	h, m := lt.Hour(), lt.Minute()
	switch {
	case h == 12 && m == 0:
		return "noon"
	case h == 0 && m == 0:
		return "midnight"
	}
	half := "AM"
	if h >= 12 {
		half = "PM"
	}
	if h = h % 12; h == 0 {
		h = 12
	}
	if m == 0 {
		return strconv.Itoa(h) + " " + half
	}
	return strconv.Itoa(h) + ":" + lt.Format("04") + " " + half
}

// Ordinal says n as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th,
// 13th, 21st, 22nd, 23rd.
func Ordinal(n int) string {
	suffix := "th"
	if a := abs(n); a%100 < 11 || a%100 > 13 {
		switch a % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// ProviderName is how a provider is named to a caller: "Dr. Lee" when the
// PMS gives a title, otherwise the first and last name; "" when the PMS gives
// no name at all.
func ProviderName(p pms.Provider) string {
	title, first, last := strings.TrimSpace(p.Title), strings.TrimSpace(p.FirstName), strings.TrimSpace(p.LastName)
	if strings.EqualFold(title, "dr") {
		title = "Dr." // read as "doctor"; "Dr" alone may be spelled out
	}
	if title != "" && last != "" {
		return title + " " + last
	}
	return strings.TrimSpace(first + " " + last)
}

// WithProvider is the phrase that follows a time: "with Dr. Lee", or ""
// when the provider has no name to say.
func WithProvider(p pms.Provider) string {
	if name := ProviderName(p); name != "" {
		return "with " + name
	}
	return ""
}

// daysBetween counts calendar days from a's date to b's, each read in its
// own location.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
