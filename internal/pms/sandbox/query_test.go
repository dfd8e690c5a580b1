package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
)

func TestPatientQueries(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1})
	mateo := calendar.Date{Year: 2015, Month: time.July, Day: 22}
	tests := []struct {
		name string
		q    pms.PatientQuery
		want []string // ids, or nil to check only the count
		n    int
	}{
		{"E.164", pms.PatientQuery{Phone: "+15550100123"}, []string{"P00001", "P00002"}, 2},
		{"as typed in the PMS", pms.PatientQuery{Phone: "(555) 010-0123"}, []string{"P00001", "P00002"}, 2},
		{"another format", pms.PatientQuery{Phone: "1-555-010-0123"}, []string{"P00001", "P00002"}, 2},
		{"a phone nobody has", pms.PatientQuery{Phone: "+15550100199"}, nil, 0},
		{"not a phone", pms.PatientQuery{Phone: "anonymous"}, nil, 0},
		{"name, any case", pms.PatientQuery{FirstName: "mARIA", LastName: " alvarez "}, []string{"P00001"}, 1},
		{"last name only", pms.PatientQuery{LastName: "Alvarez"}, []string{"P00001", "P00002"}, 2},
		{"birth date", pms.PatientQuery{LastName: "alvarez", BirthDate: mateo}, []string{"P00002"}, 1},
		{"name with the wrong birth date", pms.PatientQuery{FirstName: "Maria", LastName: "Alvarez", BirthDate: mateo}, nil, 0},
		{"phone and name", pms.PatientQuery{Phone: "555.010.0123", FirstName: "Mateo"}, []string{"P00002"}, 1},
		{"everyone", pms.PatientQuery{}, nil, 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := allPatients(t, s, tt.q)
			if len(got) != tt.n {
				t.Fatalf("found %d, want %d", len(got), tt.n)
			}
			for i, id := range tt.want {
				if got[i].ID != id {
					t.Errorf("found %s at %d, want %s", got[i].ID, i, id)
				}
			}
		})
	}

	// Names match across the whole list, accents and apostrophes included.
	for _, p := range s.patients[2:50] {
		if n := len(allPatients(t, s, pms.PatientQuery{FirstName: p.FirstName, LastName: p.LastName, BirthDate: p.BirthDate})); n == 0 {
			t.Errorf("%s not found by name and birth date", p.ID)
		}
	}
	got := allPatients(t, s, pms.PatientQuery{Phone: DemoPatient.Phone})
	got[0].Phones[0] = "changed by a caller"
	if again := allPatients(t, s, pms.PatientQuery{Phone: DemoPatient.Phone}); again[0].Phones[0] == "changed by a caller" {
		t.Error("Patients shares its phone slices with callers")
	}
}

func TestAppointmentQueries(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1})
	all := allAppointments(t, s, pms.AppointmentQuery{})
	monday := calendar.Date{Year: 2026, Month: time.November, Day: 30}
	onDays := func(from, to calendar.Date) int {
		n := 0
		for _, a := range all {
			if d := calendar.DateOf(a.Start); compareDates(d, from) >= 0 && compareDates(d, to) <= 0 {
				n++
			}
		}
		return n
	}
	patient := all[0].PatientID
	ofPatient := 0
	for _, a := range all {
		if a.PatientID == patient {
			ofPatient++
		}
	}
	tests := []struct {
		name string
		q    pms.AppointmentQuery
		want int
	}{
		{"one day", pms.AppointmentQuery{From: monday, To: monday}, onDays(monday, monday)},
		{"a week, both ends inclusive", pms.AppointmentQuery{From: monday, To: addDays(monday, 6)}, onDays(monday, addDays(monday, 6))},
		{"open end", pms.AppointmentQuery{From: monday}, onDays(monday, s.to)},
		{"open start", pms.AppointmentQuery{To: monday}, onDays(s.from, monday)},
		{"the closure", pms.AppointmentQuery{From: addDays(testAnchor, 1), To: addDays(testAnchor, 1)}, 0},
		{"a patient", pms.AppointmentQuery{PatientID: patient}, ofPatient},
		{"a patient on a day they have none", pms.AppointmentQuery{PatientID: patient, From: monday, To: monday}, 0},
		{"changed since the seed", pms.AppointmentQuery{ChangedSince: s.seededAt}, len(all)},
		{"changed since the window began", pms.AppointmentQuery{ChangedSince: s.from.In(s.loc)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(allAppointments(t, s, tt.q)); got != tt.want {
				t.Errorf("found %d, want %d", got, tt.want)
			}
		})
	}
	if onDays(monday, monday) == 0 {
		t.Error("no appointments on an open Monday")
	}
}

// TestIteratorsStream checks that a consumer may stop early, may call the
// sandbox from inside its loop (no lock is held while it runs), and is told
// when its context ends.
func TestIteratorsStream(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	n := 0
	for _, err := range s.Patients(ctx, pms.PatientQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePatient(ctx, pms.NewPatient{FirstName: "In", LastName: "Loop"}); err != nil {
			t.Fatal(err)
		}
		if n++; n == pageSize+5 {
			break
		}
	}
	if n != pageSize+5 {
		t.Errorf("stopped after %d", n)
	}

	n = 0
	var last error
	for _, err := range s.Appointments(ctx, pms.AppointmentQuery{}) {
		if err != nil {
			last = err
			continue
		}
		if n++; n == 3 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) || n != pageSize {
		t.Errorf("after cancel: %d appointments, error %v; want the rest of the page, then context.Canceled", n, last)
	}
}
