package sikkatest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// SeedOptions size a seeded practice. Zero values take the defaults.
type SeedOptions struct {
	PracticeID   string // default "1"
	Name         string // default "Seeded Dental"
	TimeZone     string // default "America/New_York"
	Providers    int    // default 3
	Operatories  int    // default 4
	Patients     int
	Appointments int
	// From is the first appointment day, "2006-01-02" (default
	// "2026-01-05"); appointments fill weekdays from it, 8:00 to 17:00.
	From string
	Seed uint64
	// Statuses are the practice's appointment statuses (practice_variables
	// and appointment_statuses); default Scheduled, Confirmed, Completed,
	// Cancelled, Broken. DocumentedStatuses are Sikka's own example's.
	Statuses []string
}

// DocumentedStatuses are the "Appointment Status" practice_variables of
// Sikka's example answer: none of them names a cancellation.
var DocumentedStatuses = []string{"open.unconfirm", "open.confirm", "complete.unconfirm", "complete.confirm"}

// Seeded names what SeedPractice created.
type Seeded struct {
	OfficeID       string
	PracticeID     string
	CustID         string
	ProviderIDs    []string
	OperatoryIDs   []string
	PatientIDs     []string
	AppointmentIDs []string
}

var (
	firstNames = []string{"Ava", "Liam", "Mia", "Noah", "Zoe", "Ethan", "Ivy", "Lucas", "Nora", "Owen", "Ruby", "Eli", "Lena", "Jude", "Cora", "Axel"}
	lastNames  = []string{"Alder", "Birch", "Cedar", "Dunn", "Ellis", "Frost", "Grove", "Hale", "Irwin", "Jonas", "Keane", "Lowe", "Marsh", "North", "Oakes", "Pryce"}
	apptTypes  = []string{"Cleaning", "Exam", "Filling", "Crown", "Emergency"}
	statuses   = []string{"Scheduled", "Confirmed", "Completed", "Cancelled", "Broken"}
)

// SeedPractice builds a practice with its office (authorised, secret as
// given), providers, operatories, appointment types and statuses, weekday
// 8:00–17:00 hours and the asked-for patients and appointments. The same
// options always build the same data. Patients' phones are spread over cell,
// homephone and workphone in different formats; every tenth appointment is
// cancelled.
func (s *Server) SeedPractice(officeID, secret string, o SeedOptions) Seeded {
	if o.PracticeID == "" {
		o.PracticeID = "1"
	}
	if o.Name == "" {
		o.Name = "Seeded Dental"
	}
	if o.TimeZone == "" {
		o.TimeZone = "America/New_York"
	}
	if o.Providers <= 0 {
		o.Providers = 3
	}
	if o.Operatories <= 0 {
		o.Operatories = 4
	}
	from, err := time.Parse(time.DateOnly, o.From)
	if err != nil {
		from = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))

	s.mu.Lock()
	defer s.mu.Unlock()
	off := s.officeFor(officeID)
	off.secret = secret
	p := Practice{ID: o.PracticeID, Name: o.Name, Phone: "2015550100", CustID: "1", System: "Dentrix", TimeZone: o.TimeZone}
	off.practices = append(off.practices, p)
	out := Seeded{OfficeID: officeID, PracticeID: p.ID, CustID: p.CustID}

	for i := range o.Providers {
		id := fmt.Sprintf("DR%d", i+1)
		spec, code := "General Dentist", "1223G0001X"
		if i%3 == 2 {
			spec, code = "Dental Hygienist", "124Q00000X"
		}
		off.providers = append(off.providers, Provider{
			ID: id, PracticeID: p.ID, FirstName: firstNames[i%len(firstNames)], LastName: lastNames[(i+5)%len(lastNames)],
			Type: "Provider", Specialty: spec, SpecialtyCode: code, Status: "Active",
		})
		out.ProviderIDs = append(out.ProviderIDs, id)
	}
	for i := range o.Operatories {
		id := fmt.Sprintf("OP%d", i+1)
		off.operatories = append(off.operatories, Operatory{ID: id, Abbreviation: fmt.Sprintf("Op-%d", i+1), CustID: p.CustID, PracticeID: p.ID + "-0"})
		out.OperatoryIDs = append(out.OperatoryIDs, id)
	}
	for i, t := range apptTypes {
		off.variables = append(off.variables, Variable{PracticeID: p.ID, ServiceName: "Appointment Type", Value: fmt.Sprint(i + 1), Description: t})
	}
	if o.Statuses == nil {
		o.Statuses = statuses
	}
	for _, st := range o.Statuses {
		off.variables = append(off.variables, Variable{PracticeID: p.ID, ServiceName: "Appointment Status", Value: st, Description: st})
		off.statuses = append(off.statuses, Variable{PracticeID: p.ID, Value: st})
	}
	days := map[string]string{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		days[d+"_start_1"], days[d+"_end_1"] = "08:00", "17:00"
	}
	off.schedules = append(off.schedules, Schedule{PracticeID: p.ID, ResourceID: p.ID, ResourceType: "Practice", Date: "", Days: days})

	for i := range o.Patients {
		number := fmt.Sprintf("%03d555%04d", 201+(i/10000)%700, i%10000)
		pt := Patient{
			PracticeID: p.ID,
			FirstName:  firstNames[rng.IntN(len(firstNames))],
			LastName:   lastNames[rng.IntN(len(lastNames))],
			BirthDate:  time.Date(1940+rng.IntN(75), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
			ProviderID: out.ProviderIDs[i%len(out.ProviderIDs)],
			Email:      fmt.Sprintf("patient%d@example.com", i),
		}
		switch i % 4 {
		case 0:
			pt.Cell = number[:3] + "-" + number[3:6] + "-" + number[6:]
		case 1:
			pt.HomePhone = "(" + number[:3] + ") " + number[3:6] + "-" + number[6:]
		case 2:
			pt.WorkPhone = number[:3] + "." + number[3:6] + "." + number[6:]
		default:
			pt.Cell = number
		}
		out.PatientIDs = append(out.PatientIDs, s.addPatient(off, pt))
	}

	const slotsPerDay = 18 // 8:00 to 17:00 in 30-minute slots
	day, slot, op := from, 0, 0
	for i := range o.Appointments {
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		status := statuses[rng.IntN(2)]
		if i%10 == 9 {
			status = "Cancelled"
		}
		patient := ""
		if len(out.PatientIDs) > 0 {
			patient = out.PatientIDs[rng.IntN(len(out.PatientIDs))]
		}
		a := Appointment{
			PracticeID:  p.ID,
			PatientID:   patient,
			ProviderID:  out.ProviderIDs[rng.IntN(len(out.ProviderIDs))],
			Operatory:   out.OperatoryIDs[op],
			Date:        day.Format(time.DateOnly),
			Time:        fmt.Sprintf("%02d:%02d", 8+slot/2, 30*(slot%2)),
			Length:      30,
			Status:      status,
			Type:        apptTypes[rng.IntN(len(apptTypes))],
			Description: "Seeded visit",
			MadeDate:    day.AddDate(0, 0, -14).Format(time.DateOnly),
			LastChanged: day.AddDate(0, 0, -7).Format("2006-01-02") + "T10:00:00",
		}
		out.AppointmentIDs = append(out.AppointmentIDs, s.addAppointment(off, a))
		if op++; op == len(out.OperatoryIDs) {
			op = 0
			if slot++; slot == slotsPerDay {
				slot, day = 0, day.AddDate(0, 0, 1)
			}
		}
	}
	return out
}
