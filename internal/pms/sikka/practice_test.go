package sikka

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

func TestStrDecodesSikkaScalars(t *testing.T) {
	var v struct {
		A, B, C, D, E str
	}
	if err := json.Unmarshal([]byte(`{"A":"1234","B":1234,"C":true,"D":null,"E":" x "}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "1234" || v.B != "1234" || v.C != "true" || v.D != "" || v.E != "x" {
		t.Fatalf("%+v", v)
	}
	if err := json.Unmarshal([]byte(`{"A":{"x":1}}`), &v); err == nil {
		t.Fatal("an object is not a string")
	}
}

func TestDecodeEnvelope(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		items  int
		total  string
	}{
		{"object", 200, `{"offset":"0","limit":"50","total_count":"2","items":[{},{}]}`, 2, "2"},
		{"wrapped in an array", 200, `[{"offset":"0","limit":"50","total_count":"1","items":[{}]}]`, 1, "1"},
		{"204", 204, ``, 0, ""},
		{"empty 200", 200, "  ", 0, ""},
		{"empty array", 200, `[]`, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := decodeEnvelope(tt.status, []byte(tt.body))
			if err != nil || len(env.Items) != tt.items || string(env.TotalCount) != tt.total {
				t.Fatalf("%+v, %v", env, err)
			}
		})
	}
}

func TestArrayEnvelopesAndStringNumbers(t *testing.T) {
	e := newEnv(t, sikkatest.Options{WrapEnvelopes: true}, nil)
	s := e.connect(sikkatest.SeedOptions{Patients: 60, Appointments: 70})
	ctx := context.Background()
	pts, err := collect(e.p.Patients(ctx, pms.PatientQuery{}))
	if err != nil || len(pts) != 60 {
		t.Fatalf("%d patients, %v", len(pts), err)
	}
	appts, err := collect(e.p.Appointments(ctx, pms.AppointmentQuery{}))
	if err != nil || len(appts) != 70 {
		t.Fatalf("%d appointments, %v", len(appts), err)
	}
	if appts[0].Length != 30*time.Minute || appts[0].OperatoryID != s.OperatoryIDs[0] {
		t.Fatalf("appointment %+v", appts[0])
	}
}

func TestPagesByPageIndex(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil) // page size 50
	s := e.connect(sikkatest.SeedOptions{Patients: 120})
	pts, err := collect(e.p.Patients(context.Background(), pms.PatientQuery{}))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range pts {
		ids = append(ids, p.ID)
	}
	if !reflect.DeepEqual(ids, s.PatientIDs) {
		t.Fatalf("read %d patients, not the seeded 120 in order", len(ids))
	}
	if n := e.srv.Requests("GET /v4/patients"); n != 3 {
		t.Fatalf("%d page requests, want 3", n)
	}
}

func TestFullPracticeRead(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, func(c *Config) { c.PageSize = 0 }) // the default
	e.connect(sikkatest.SeedOptions{Patients: 2000, Appointments: 5000, Seed: 1})
	ctx := context.Background()
	pts, err := collect(e.p.Patients(ctx, pms.PatientQuery{}))
	if err != nil || len(pts) != 2000 {
		t.Fatalf("%d patients, %v", len(pts), err)
	}
	appts, err := collect(e.p.Appointments(ctx, pms.AppointmentQuery{}))
	if err != nil || len(appts) != 5000 {
		t.Fatalf("%d appointments, %v", len(appts), err)
	}
	cancelled := 0
	for _, a := range appts {
		if a.Cancelled {
			cancelled++
		}
	}
	if cancelled != 500 {
		t.Errorf("%d cancelled appointments, want 500", cancelled)
	}
	if p, a := e.srv.Requests("GET /v4/patients"), e.srv.Requests("GET /v4/appointments"); p != 2 || a != 5 {
		t.Errorf("%d patient and %d appointment pages, want 2 and 5", p, a)
	}
}

func TestStreamStopsWhenTheConsumerDoes(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.connect(sikkatest.SeedOptions{Patients: 120})
	for _, err := range e.p.Patients(context.Background(), pms.PatientQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if n := e.srv.Requests("GET /v4/patients"); n != 1 {
		t.Fatalf("%d page requests after the first item, want 1", n)
	}
}

func TestNoContentIsAnEmptyList(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.connect(sikkatest.SeedOptions{Patients: 5})
	pts, err := collect(e.p.Patients(context.Background(), pms.PatientQuery{LastName: "Nobody"}))
	if err != nil || len(pts) != 0 {
		t.Fatalf("%v, %v", pts, err)
	}
}

func TestPracticeInfo(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.connect(sikkatest.SeedOptions{Name: "Bright Smile", TimeZone: "Eastern Standard Time"})
	info, err := e.p.Practice(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := pms.PracticeInfo{ID: "1", Name: "Bright Smile", Phone: "2015550100", TimeZone: "America/New_York", System: "Dentrix"}
	if info != want {
		t.Fatalf("got %+v, want %+v", info, want)
	}
}

func TestIANAZone(t *testing.T) {
	for in, want := range map[string]string{
		"America/Chicago":       "America/Chicago",
		"Pacific Standard Time": "America/Los_Angeles",
		"EST":                   "",
		"-05:00":                "",
		"Not/AZone":             "",
	} {
		if got := ianaZone(in); got != want {
			t.Errorf("ianaZone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProvidersAndOperatories(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.srv.AddOffice("D1", "secret")
	e.srv.AddPractice("D1", sikkatest.Practice{ID: "1", CustID: "9"})
	e.srv.AddProvider("D1", sikkatest.Provider{ID: "DMD2", PracticeID: "1", FirstName: "Ann", LastName: "Lee", Specialty: "General Dentist", SpecialtyCode: "1223G0001X"})
	e.srv.AddProvider("D1", sikkatest.Provider{ID: "HYG1", PracticeID: "1", Specialty: "Dental Hygienist", SpecialtyCode: "124Q00000X"})
	e.srv.AddProvider("D1", sikkatest.Provider{ID: "OLD", PracticeID: "1", Status: "Inactive", Specialty: "Orthodontist"})
	e.srv.AddProvider("D1", sikkatest.Provider{ID: "HID", PracticeID: "1", Hidden: true})
	e.srv.AddProvider("D1", sikkatest.Provider{ID: "FD", PracticeID: "1", Type: "Staff"})
	e.srv.AddOperatory("D1", sikkatest.Operatory{ID: "OP1", Abbreviation: "1", CustID: "9", ProviderIDs: []string{"DMD2", "HYG1"}})
	e.srv.AddOperatory("D1", sikkatest.Operatory{ID: "OP2", CustID: "9", Hidden: true})
	e.srv.AddOperatory("D1", sikkatest.Operatory{ID: "ELSE", CustID: "4"})
	keys, err := e.c.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	p := e.c.Practice("D1", "1", e.loc, NewMemoryKeyStore(keys))
	ctx := context.Background()

	provs, err := p.Providers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []pms.Provider{
		{ID: "DMD2", FirstName: "Ann", LastName: "Lee", Title: "Dr.", Specialty: "General Dentist", Active: true},
		{ID: "HYG1", Specialty: "Dental Hygienist", Active: true},
		{ID: "OLD", Title: "Dr.", Specialty: "Orthodontist"},
		{ID: "HID"},
	}
	if !reflect.DeepEqual(provs, want) {
		t.Fatalf("providers\n got %+v\nwant %+v", provs, want)
	}

	for range 2 {
		ops, err := p.Operatories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantOps := []pms.Operatory{
			{ID: "OP1", Name: "OP1", Abbreviation: "1", ProviderIDs: []string{"DMD2", "HYG1"}},
			{ID: "OP2", Name: "OP2", Hidden: true},
		}
		if !reflect.DeepEqual(ops, wantOps) {
			t.Fatalf("operatories\n got %+v\nwant %+v", ops, wantOps)
		}
	}
	if n := e.srv.Requests("GET /v4/practices"); n != 1 {
		t.Errorf("cust_id read %d times, want once", n)
	}
}

func TestAppointmentTypesAndStatuses(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.connect(sikkatest.SeedOptions{})
	ctx := context.Background()
	types, err := e.p.AppointmentTypes(ctx)
	if err != nil || len(types) != 5 || types[0] != (pms.AppointmentType{ID: "1", Name: "Cleaning"}) {
		t.Fatalf("%+v, %v", types, err)
	}
	statuses, err := e.p.AppointmentStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cancelled []string
	for _, s := range statuses {
		if s.Cancelled {
			cancelled = append(cancelled, s.Value)
		}
	}
	if !reflect.DeepEqual(cancelled, []string{"Cancelled", "Broken"}) {
		t.Fatalf("cancelled statuses %v", cancelled)
	}

	// A PMS without status variables: GET /appointment_statuses.
	e2 := newEnv(t, sikkatest.Options{}, nil)
	e2.srv.AddOffice("D1", "secret")
	e2.srv.AddPractice("D1", sikkatest.Practice{ID: "1"})
	e2.srv.AddAppointmentStatus("D1", "1", "Open")
	e2.srv.AddAppointmentStatus("D1", "1", "Canceled")
	keys, err := e2.c.RequestKey(ctx, "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e2.c.Practice("D1", "1", e2.loc, NewMemoryKeyStore(keys)).AppointmentStatuses(ctx)
	if err != nil || len(got) != 2 || got[0].Cancelled || !got[1].Cancelled {
		t.Fatalf("%+v, %v", got, err)
	}
}

func TestPatientSearchByPhone(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.srv.AddOffice("D1", "secret")
	e.srv.AddPractice("D1", sikkatest.Practice{ID: "1"})
	add := func(id string, p sikkatest.Patient) {
		p.ID, p.PracticeID, p.FirstName, p.LastName = id, "1", "F"+id, "L"+id
		e.srv.AddPatient("D1", p)
	}
	add("1", sikkatest.Patient{Cell: "555-010-0123"})
	add("2", sikkatest.Patient{HomePhone: "(555) 010-0123"})
	add("3", sikkatest.Patient{WorkPhone: "555.010.0123 x12"})
	add("4", sikkatest.Patient{Cell: "5550100123"})
	add("5", sikkatest.Patient{Cell: "1-555-010-0123"})
	add("6", sikkatest.Patient{Cell: "555-010-0124", HomePhone: "555-999-0123"}) // same last four, other number
	add("7", sikkatest.Patient{Zipcode: "90123"})                                // "0123" elsewhere
	add("8", sikkatest.Patient{OtherPhone: "555-010-0123"})                      // other_phone is not searched by Sikka
	keys, err := e.c.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	p := e.c.Practice("D1", "1", e.loc, NewMemoryKeyStore(keys))

	for _, q := range []string{"+15550100123", "(555) 010-0123", "555.010.0123"} {
		t.Run(q, func(t *testing.T) {
			pts, err := collect(p.Patients(context.Background(), pms.PatientQuery{Phone: q}))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, pt := range pts {
				ids = append(ids, pt.ID)
			}
			if want := []string{"1", "2", "3", "4", "5"}; !reflect.DeepEqual(ids, want) {
				t.Fatalf("found %v, want %v", ids, want)
			}
		})
	}
	if _, err := collect(p.Patients(context.Background(), pms.PatientQuery{Phone: "call me"})); err == nil {
		t.Fatal("an unreadable phone should be rejected")
	}
}

func TestPatientSearchByNameAndBirthDate(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.srv.AddOffice("D1", "secret")
	e.srv.AddPractice("D1", sikkatest.Practice{ID: "1"})
	e.srv.AddPatient("D1", sikkatest.Patient{ID: "1", PracticeID: "1", FirstName: "Joe", LastName: "Ames", BirthDate: "1984-12-10", Cell: "555-010-0001"})
	e.srv.AddPatient("D1", sikkatest.Patient{ID: "2", PracticeID: "1", FirstName: "Joe", LastName: "Ames", BirthDate: "1990-01-02"})
	e.srv.AddPatient("D1", sikkatest.Patient{ID: "3", PracticeID: "1", FirstName: "Ann", LastName: "Ames", BirthDate: "1984-12-10"})
	keys, err := e.c.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	p := e.c.Practice("D1", "1", e.loc, NewMemoryKeyStore(keys))
	bd := calendar.Date{Year: 1984, Month: 12, Day: 10}
	tests := []struct {
		name string
		q    pms.PatientQuery
		want []string
	}{
		{"name", pms.PatientQuery{FirstName: "joe", LastName: "AMES"}, []string{"1", "2"}},
		{"birth date", pms.PatientQuery{BirthDate: bd}, []string{"1", "3"}},
		{"name and birth date", pms.PatientQuery{FirstName: "Joe", LastName: "Ames", BirthDate: bd}, []string{"1"}},
		{"all three", pms.PatientQuery{FirstName: "Joe", BirthDate: bd, Phone: "+15550100001"}, []string{"1"}},
		{"id", pms.PatientQuery{ID: "2"}, []string{"2"}},
		{"id and a birth date that is not theirs", pms.PatientQuery{ID: "2", BirthDate: bd}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pts, err := collect(p.Patients(context.Background(), tt.q))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, pt := range pts {
				ids = append(ids, pt.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Fatalf("found %v, want %v", ids, tt.want)
			}
		})
	}
	pts, _ := collect(p.Patients(context.Background(), pms.PatientQuery{FirstName: "Joe", BirthDate: bd}))
	if len(pts) != 1 || pts[0].BirthDate != bd || !slices.Equal(pts[0].Phones, []string{"555-010-0001"}) {
		t.Fatalf("mapped %+v", pts)
	}
}

func TestSchedule(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.srv.AddOffice("D1", "secret")
	e.srv.AddPractice("D1", sikkatest.Practice{ID: "1"})
	e.srv.AddSchedule("D1", sikkatest.Schedule{PracticeID: "1", ResourceID: "1", Date: "2026-02-22", Days: map[string]string{
		"monday_start_1": "9:00", "monday_end_1": "17:00",
	}})
	e.srv.AddSchedule("D1", sikkatest.Schedule{PracticeID: "1", ResourceID: "1", Date: "2026-03-01", Days: map[string]string{
		"monday_start_1": "08:00", "monday_end_1": "12:00", "monday_start_2": "1:00 PM", "monday_end_2": "5:00 PM",
		"tuesday_start_1": "8:00", "tuesday_end_1": "17:00:00",
		"wednesday_start_1": "0800", "wednesday_end_1": "1700",
		"thursday_start_1": "00:00", "thursday_end_1": "00:00",
		"friday_start_1": "8:00 AM", "friday_end_1": "2:00 PM", "friday_holiday": "True",
	}})
	e.srv.AddSchedule("D1", sikkatest.Schedule{PracticeID: "1", ResourceID: "DR1", Date: "2026-03-01", Days: map[string]string{
		"saturday_start_1": "09:00", "saturday_end_1": "13:00",
	}})
	keys, err := e.c.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	p := e.c.Practice("D1", "1", e.loc, NewMemoryKeyStore(keys))
	ctx := context.Background()
	week := calendar.Date{Year: 2026, Month: 3, Day: 1}

	got, err := p.Schedule(ctx, pms.ScheduleQuery{WeekOf: week})
	if err != nil {
		t.Fatal(err)
	}
	want := pms.Schedule{
		Hours: calendar.WeeklyHours{
			time.Monday:    {{Start: 480, End: 720}, {Start: 780, End: 1020}},
			time.Tuesday:   {{Start: 480, End: 1020}},
			time.Wednesday: {{Start: 480, End: 1020}},
			time.Friday:    {{Start: 480, End: 840}},
		},
		Closed: []calendar.Date{{Year: 2026, Month: 3, Day: 6}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("practice week\n got %+v\nwant %+v", got, want)
	}

	earlier, err := p.Schedule(ctx, pms.ScheduleQuery{WeekOf: calendar.Date{Year: 2026, Month: 2, Day: 22}})
	if err != nil || !reflect.DeepEqual(earlier.Hours, calendar.WeeklyHours{time.Monday: {{Start: 540, End: 1020}}}) || earlier.Closed != nil {
		t.Fatalf("earlier week %+v, %v", earlier, err)
	}
	prov, err := p.Schedule(ctx, pms.ScheduleQuery{ProviderID: "DR1", WeekOf: calendar.Date{Year: 2026, Month: 3, Day: 8}})
	if err != nil || !reflect.DeepEqual(prov.Hours, calendar.WeeklyHours{time.Saturday: {{Start: 540, End: 780}}}) || prov.Closed != nil {
		t.Fatalf("provider %+v, %v", prov, err)
	}
	if _, err := p.Schedule(ctx, pms.ScheduleQuery{ProviderID: "NOBODY", WeekOf: week}); !errors.Is(err, pms.ErrNotFound) {
		t.Fatalf("no schedule: %v", err)
	}
}

func TestAppointmentTimesAreLocal(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.srv.AddOffice("D1", "secret")
	e.srv.AddPractice("D1", sikkatest.Practice{ID: "1"})
	// US daylight saving time starts on 2026-03-08.
	e.srv.AddAppointment("D1", sikkatest.Appointment{SrNo: "1", PracticeID: "1", Date: "2026-03-07", Time: "10:00", Length: 60, Status: "Confirmed", Operatory: "OP1", LastChanged: "2026-03-01T09:15:00"})
	e.srv.AddAppointment("D1", sikkatest.Appointment{SrNo: "2", PracticeID: "1", Date: "2026-03-09", Time: "10:00", Length: 45, Status: "Broken"})
	keys, err := e.c.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	p := e.c.Practice("D1", "1", e.loc, NewMemoryKeyStore(keys))
	appts, err := collect(p.Appointments(context.Background(), pms.AppointmentQuery{From: calendar.Date{Year: 2026, Month: 3, Day: 1}, To: calendar.Date{Year: 2026, Month: 3, Day: 31}}))
	if err != nil || len(appts) != 2 {
		t.Fatalf("%+v, %v", appts, err)
	}
	if got := appts[0].Start.UTC(); !got.Equal(time.Date(2026, 3, 7, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("EST start %v", got)
	}
	if got := appts[1].Start.UTC(); !got.Equal(time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("EDT start %v", got)
	}
	if !appts[0].LastChanged.Equal(time.Date(2026, 3, 1, 9, 15, 0, 0, e.loc)) || appts[0].OperatoryID != "OP1" || appts[0].Cancelled {
		t.Errorf("first %+v", appts[0])
	}
	if !appts[1].Cancelled || appts[1].Length != 45*time.Minute {
		t.Errorf("a Broken appointment is cancelled: %+v", appts[1])
	}
}

func TestAppointmentsChangedSince(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.srv.AddOffice("D1", "secret")
	e.srv.AddPractice("D1", sikkatest.Practice{ID: "1"})
	e.srv.AddAppointment("D1", sikkatest.Appointment{SrNo: "1", PracticeID: "1", Date: "2026-04-01", Time: "10:00", Length: 30, LastChanged: "2026-02-20T10:00:00"})
	e.srv.AddAppointment("D1", sikkatest.Appointment{SrNo: "2", PracticeID: "1", Date: "2026-01-01", Time: "10:00", Length: 30, LastChanged: "2026-03-01T08:00:00"})
	e.srv.AddAppointment("D1", sikkatest.Appointment{SrNo: "3", PracticeID: "1", Date: "2026-05-01", Time: "10:00", Length: 30, LastChanged: "2026-03-02T09:00:00"})
	keys, err := e.c.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	p := e.c.Practice("D1", "1", e.loc, NewMemoryKeyStore(keys))
	// 2026-03-01 12:00 in New York: the whole day's changes come back.
	since := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)
	appts, err := collect(p.Appointments(context.Background(), pms.AppointmentQuery{ChangedSince: since}))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range appts {
		ids = append(ids, a.ID)
	}
	if !reflect.DeepEqual(ids, []string{"2", "3"}) {
		t.Fatalf("changed since: %v", ids)
	}
}
