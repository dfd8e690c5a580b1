package sandbox

import (
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// The practice's reference data. Hours are deliberately uneven (a lunch
// break, a late Wednesday, an early Thursday, a short Friday, Saturday
// morning, Sunday closed) and every provider keeps their own, so consumers
// cannot get away with assuming Mon–Fri 8–17.

// Provider ids.
const (
	generalDentist = "DDS1"
	prosthodontist = "DDS2"
	hygienistA     = "HYG1"
	hygienistB     = "HYG2"
)

// Operatory ids.
const (
	op1         = "OP1"
	op2         = "OP2"
	op3         = "OP3" // shared by the dentists, mostly for emergencies
	op4         = "OP4"
	hygieneRoom = "OP5"
)

// Appointment type ids.
const (
	typeCleaning = "CLEAN"
	typeExam     = "EXAM"
	typeFilling  = "FILL"
	typeCrown    = "CROWN"
	typeEmerg    = "EMERG"
	typeWhiten   = "WHITEN"
)

func providers() []pms.Provider {
	return []pms.Provider{
		{ID: generalDentist, FirstName: "Amara", LastName: "Osei", Title: "Dr.", Specialty: "General Dentistry", Active: true},
		{ID: prosthodontist, FirstName: "Daniel", LastName: "Whitcombe", Title: "Dr.", Specialty: "Prosthodontics", Active: true},
		{ID: hygienistA, FirstName: "Jenna", LastName: "Holloway", Specialty: "Dental Hygienist", Active: true},
		{ID: hygienistB, FirstName: "Priya", LastName: "Venkataraman", Specialty: "Dental Hygienist", Active: true},
	}
}

func operatories() []pms.Operatory {
	return []pms.Operatory{
		{ID: op1, Name: "Operatory 1", Abbreviation: "OP1", ProviderIDs: []string{generalDentist}},
		{ID: op2, Name: "Operatory 2", Abbreviation: "OP2", ProviderIDs: []string{prosthodontist}},
		{ID: op3, Name: "Operatory 3", Abbreviation: "OP3", ProviderIDs: []string{generalDentist, prosthodontist}},
		{ID: op4, Name: "Operatory 4", Abbreviation: "OP4", ProviderIDs: []string{hygienistB}},
		{ID: hygieneRoom, Name: "Hygiene Room", Abbreviation: "HYG", ProviderIDs: []string{hygienistA, hygienistB}},
	}
}

func appointmentTypes() []pms.AppointmentType {
	return []pms.AppointmentType{
		{ID: typeCleaning, Name: "Cleaning", Duration: 60 * time.Minute},
		{ID: typeExam, Name: "Exam", Duration: 30 * time.Minute},
		{ID: typeFilling, Name: "Filling", Duration: 60 * time.Minute},
		{ID: typeCrown, Name: "Crown", Duration: 90 * time.Minute},
		{ID: typeEmerg, Name: "Emergency", Duration: 30 * time.Minute},
		{ID: typeWhiten, Name: "Whitening", Duration: 45 * time.Minute},
	}
}

// at returns a TimeRange from h1:m1 to h2:m2.
func at(h1, m1, h2, m2 int) calendar.TimeRange {
	return calendar.TimeRange{Start: h1*60 + m1, End: h2*60 + m2}
}

var (
	fullDay   = []calendar.TimeRange{at(8, 0, 12, 0), at(13, 0, 17, 0)}
	lateDay   = []calendar.TimeRange{at(10, 0, 13, 0), at(14, 0, 19, 0)}
	earlyDay  = []calendar.TimeRange{at(7, 30, 12, 0), at(13, 0, 16, 0)}
	shortDay  = []calendar.TimeRange{at(8, 0, 14, 0)}
	saturday  = []calendar.TimeRange{at(9, 0, 13, 0)}
	lateShift = []calendar.TimeRange{at(14, 0, 19, 0)}
)

func practiceHours() calendar.WeeklyHours {
	return calendar.WeeklyHours{
		time.Monday:    fullDay,
		time.Tuesday:   fullDay,
		time.Wednesday: lateDay,
		time.Thursday:  earlyDay,
		time.Friday:    shortDay,
		time.Saturday:  saturday,
	}
}

// providerHours are each provider's own hours, always inside the practice's.
func providerHours() map[string]calendar.WeeklyHours {
	return map[string]calendar.WeeklyHours{
		generalDentist: {
			time.Monday: fullDay, time.Tuesday: fullDay, time.Wednesday: lateDay,
			time.Thursday: earlyDay, time.Friday: shortDay,
		},
		prosthodontist: {
			time.Monday: fullDay, time.Wednesday: lateDay, time.Thursday: earlyDay,
			time.Saturday: saturday,
		},
		hygienistA: {
			time.Monday: fullDay, time.Tuesday: fullDay, time.Wednesday: lateDay,
			time.Thursday: earlyDay, time.Friday: shortDay,
		},
		hygienistB: {
			time.Tuesday: fullDay, time.Wednesday: lateShift, time.Thursday: earlyDay,
			time.Saturday: saturday,
		},
	}
}
