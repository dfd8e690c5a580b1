package sikkatest

import (
	"slices"
	"strconv"
	"strings"
)

// Practice is a practice of an office, as GET /practices and
// authorized_practices describe it.
type Practice struct {
	ID       string // default "1"
	Name     string
	Phone    string
	CustID   string // default "1"
	System   string // practice_management_system, e.g. "Dentrix"
	TimeZone string // practice_management_system_refresh_date_time_zone
}

// Provider is a row of GET /providers.
type Provider struct {
	ID            string
	PracticeID    string
	FirstName     string
	LastName      string
	Type          string // "Provider" (default) or "Staff"
	Specialty     string
	SpecialtyCode string
	Status        string // default "Active"
	Hidden        bool
}

// Operatory is a row of GET /operatories; ID is the "operatory" value.
type Operatory struct {
	ID           string
	Abbreviation string
	CustID       string // default "1"
	PracticeID   string
	Hidden       bool
	ProviderIDs  []string // only EagleSoft fills these
}

// Variable is a row of GET /practice_variables, e.g. service name
// "Appointment Type" or "Appointment Status".
type Variable struct {
	PracticeID  string
	ServiceName string
	Value       string
	Description string
}

// Patient is a patient. Phones are stored as given, in any format.
type Patient struct {
	ID            string // assigned when empty
	PracticeID    string
	FirstName     string
	MiddleName    string
	LastName      string
	PreferredName string
	BirthDate     string // "2006-01-02"
	Status        string // default "Active"
	Gender        string
	Cell          string
	HomePhone     string
	WorkPhone     string
	OtherPhone    string
	Email         string
	ProviderID    string
	City          string
	State         string
	Zipcode       string
	CreatedDate   string
}

// Appointment is an appointment. Date and Time are wall clock.
type Appointment struct {
	SrNo        string // assigned when empty
	PracticeID  string
	PatientID   string
	ProviderID  string
	Operatory   string
	Date        string // "2006-01-02"
	Time        string // "15:04"
	Length      int    // minutes
	Status      string
	Type        string
	Description string
	Note        string
	MadeDate    string // "2006-01-02"
	LastChanged string // "2006-01-02T15:04:05", practice wall clock
}

// Schedule is a row of GET /practice_schedule. Days holds the get_all day
// fields verbatim, e.g. "monday_start_1": "8:00 AM", "friday_holiday": "True",
// so tests can try any time format.
type Schedule struct {
	PracticeID   string
	ResourceID   string
	ResourceType string
	Date         string // the week's start
	Days         map[string]string
}

type office struct {
	id         string
	secret     string
	authorized bool
	spuOnline  bool

	practices    []Practice
	providers    []Provider
	operatories  []Operatory
	variables    []Variable
	statuses     []Variable // appointment_statuses rows: PracticeID and Value
	schedules    []Schedule
	patients     []*Patient
	appointments []*Appointment
}

func (o *office) practice(id string) (Practice, bool) {
	for _, p := range o.practices {
		if p.ID == id {
			return p, true
		}
	}
	return Practice{}, false
}

func (o *office) patient(id string) *Patient {
	for _, p := range o.patients {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (o *office) appointment(sr string) *Appointment {
	for _, a := range o.appointments {
		if a.SrNo == sr {
			return a
		}
	}
	return nil
}

func (o *office) provider(id string) bool {
	return slices.ContainsFunc(o.providers, func(p Provider) bool { return p.ID == id })
}

func (o *office) operatory(id string) bool {
	return slices.ContainsFunc(o.operatories, func(op Operatory) bool { return op.ID == id })
}

// officeFor returns the office, creating it (authorised, SPU online).
func (s *Server) officeFor(id string) *office {
	o := s.offices[id]
	if o == nil {
		o = &office{id: id, authorized: true, spuOnline: true}
		s.offices[id] = o
		s.officeList = append(s.officeList, o)
	}
	return o
}

// AddOffice adds an office with its secret key; the application is
// authorised for it.
func (s *Server) AddOffice(officeID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.officeFor(officeID).secret = secret
}

// AddPractice adds a practice to an office.
func (s *Server) AddPractice(officeID string, p Practice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.ID == "" {
		p.ID = "1"
	}
	if p.CustID == "" {
		p.CustID = "1"
	}
	o := s.officeFor(officeID)
	o.practices = append(o.practices, p)
}

// AddProvider adds a provider.
func (s *Server) AddProvider(officeID string, p Provider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.Type == "" {
		p.Type = "Provider"
	}
	if p.Status == "" {
		p.Status = "Active"
	}
	o := s.officeFor(officeID)
	o.providers = append(o.providers, p)
}

// AddOperatory adds an operatory.
func (s *Server) AddOperatory(officeID string, op Operatory) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if op.CustID == "" {
		op.CustID = "1"
	}
	o := s.officeFor(officeID)
	o.operatories = append(o.operatories, op)
}

// AddVariable adds a practice variable (an appointment type or status).
func (s *Server) AddVariable(officeID string, v Variable) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.officeFor(officeID)
	o.variables = append(o.variables, v)
}

// AddAppointmentStatus adds a row of GET /appointment_statuses.
func (s *Server) AddAppointmentStatus(officeID, practiceID, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.officeFor(officeID)
	o.statuses = append(o.statuses, Variable{PracticeID: practiceID, Value: status})
}

// AddSchedule adds a practice_schedule row.
func (s *Server) AddSchedule(officeID string, sc Schedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.officeFor(officeID)
	o.schedules = append(o.schedules, sc)
}

// AddPatient adds a patient and returns its id.
func (s *Server) AddPatient(officeID string, p Patient) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPatient(s.officeFor(officeID), p)
}

func (s *Server) addPatient(o *office, p Patient) string {
	if p.ID == "" {
		p.ID = s.newID()
	}
	if p.Status == "" {
		p.Status = "Active"
	}
	o.patients = append(o.patients, &p)
	return p.ID
}

// AddAppointment adds an appointment and returns its appointment_sr_no.
func (s *Server) AddAppointment(officeID string, a Appointment) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addAppointment(s.officeFor(officeID), a)
}

func (s *Server) addAppointment(o *office, a Appointment) string {
	if a.SrNo == "" {
		a.SrNo = s.newID()
	}
	if a.LastChanged == "" {
		a.LastChanged = wallTime(s.clock.Now())
	}
	o.appointments = append(o.appointments, &a)
	return a.SrNo
}

// Deauthorize withdraws the office's authorisation of the application:
// its calls then fail with 401 API2007.
func (s *Server) Deauthorize(officeID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.officeFor(officeID).authorized = false
}

// SetSPUOnline sets whether the office's Sikka Practice Utility runs. While
// it is offline, writes with check_spu "true" fail with 412 API2017 and
// other writes stay pending.
func (s *Server) SetSPUOnline(officeID string, online bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.officeFor(officeID).spuOnline = online
}

// Patients returns a copy of the office's patients.
func (s *Server) Patients(officeID string) []Patient {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Patient
	if o := s.offices[officeID]; o != nil {
		for _, p := range o.patients {
			out = append(out, *p)
		}
	}
	return out
}

// Appointments returns a copy of the office's appointments.
func (s *Server) Appointments(officeID string) []Appointment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Appointment
	if o := s.offices[officeID]; o != nil {
		for _, a := range o.appointments {
			out = append(out, *a)
		}
	}
	return out
}

// record renderings: every field a row has with get_all, and the defaults.

func (p Practice) record() map[string]string {
	return map[string]string{
		"href": "https://api.sikkasoft.com/v4/practices/" + p.ID, "practice_id": p.ID, "name": p.Name,
		"cust_id": p.CustID, "phone": p.Phone, "address_line1": "", "address_line2": "", "city": "", "state": "",
		"zipcode": "", "email": "", "description": "", "country": "", "website": "", "is_main_office": "True",
		"national_provider_identifier": "",
	}
}

func (p Provider) record() map[string]string {
	return map[string]string{
		"href": "https://api.sikkasoft.com/v4/practices/" + p.PracticeID + "/providers/" + p.ID, "provider_id": p.ID,
		"firstname": p.FirstName, "lastname": p.LastName, "provider_type": p.Type, "specialty": p.Specialty,
		"speciality": p.Specialty, "specialty_code": p.SpecialtyCode, "status": p.Status, "practice_id": p.PracticeID,
		"is_hidden": boolWord(p.Hidden), "phone": "", "email": "", "national_provider_identifier": "", "is_user": "false",
	}
}

func (op Operatory) record() map[string]string {
	return map[string]string{
		"operatory": op.ID, "abbreviation": op.Abbreviation, "cust_id": op.CustID, "practice_id": op.PracticeID,
		"is_hidden": tf(op.Hidden), "provider_id": strings.Join(op.ProviderIDs, "|"),
	}
}

func (v Variable) record() map[string]string {
	return map[string]string{
		"href": "https://api.sikkasoft.com/v4/practices/" + v.PracticeID + "/practice_variables", "practice_id": v.PracticeID,
		"service_name": v.ServiceName, "value": v.Value, "description": v.Description, "service_item": "",
	}
}

func statusRecord(v Variable) map[string]string {
	return map[string]string{
		"href":   "https://api.sikkasoft.com/v4/practices/" + v.PracticeID + "/appointment_statuses/" + v.Value,
		"status": v.Value, "practice_id": v.PracticeID,
	}
}

func (sc Schedule) record(custID string) map[string]string {
	m := map[string]string{
		"href":        "https://api.sikkasoft.com/v4/practices/" + sc.PracticeID + "/practice_schedule/" + sc.ResourceID,
		"practice_id": sc.PracticeID, "date": sc.Date, "cust_id": custID, "resource_type": sc.ResourceType,
		"resource_id": sc.ResourceID, "resource_type_id": "",
	}
	for _, day := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		for i := 1; i <= 3; i++ {
			n := strconv.Itoa(i)
			m[day+"_start_"+n] = sc.Days[day+"_start_"+n]
			m[day+"_end_"+n] = sc.Days[day+"_end_"+n]
		}
		m[day+"_holiday"] = sc.Days[day+"_holiday"]
	}
	return m
}

func (p *Patient) record() map[string]string {
	birth := ""
	if p.BirthDate != "" {
		birth = p.BirthDate + "T00:00:00"
	}
	return map[string]string{
		"href": "https://api.sikkasoft.com/v4/practices/" + p.PracticeID + "/patients/" + p.ID, "patient_id": p.ID,
		"guarantor_id": p.ID, "firstname": p.FirstName, "middlename": p.MiddleName, "lastname": p.LastName,
		"preferred_name": p.PreferredName, "salutation": "", "birthdate": birth, "status": p.Status,
		"address_line1": "", "address_line2": "", "city": p.City, "state": p.State, "zipcode": p.Zipcode,
		"cell": p.Cell, "email": p.Email, "first_visit": "", "last_visit": "", "provider_id": p.ProviderID,
		"practice_id": p.PracticeID, "created_date": p.CreatedDate, "gender": p.Gender, "homephone": p.HomePhone,
		"workphone": p.WorkPhone, "other_phone": p.OtherPhone, "fee_no": "0", "cust_id": "1",
	}
}

func (a *Appointment) record() map[string]string {
	cancelled := "False"
	if strings.Contains(strings.ToLower(a.Status), "cancel") {
		cancelled = "True"
	}
	made := a.MadeDate
	if made != "" {
		made += "T00:00:00"
	}
	return map[string]string{
		"href":              "https://api.sikkasoft.com/v4/practices/" + a.PracticeID + "/appointments/" + a.SrNo,
		"appointment_sr_no": a.SrNo, "patient_id": a.PatientID, "guarantor_id": "", "provider_id": a.ProviderID,
		"practice_id": a.PracticeID, "amount": "0.0000", "status": a.Status, "note": a.Note,
		"date": a.Date + "T00:00:00", "time": a.Time, "length": strconv.Itoa(a.Length), "description": a.Description,
		"appointment_made_date": made, "type": a.Type, "patient_name": "", "operatory": a.Operatory,
		"hygienist": "", "last_changed_date": a.LastChanged, "confirmed_on_date": "", "cancelled": cancelled,
		"cancelled_date": "", "sooner_if_possible": "False", "cust_id": "1",
	}
}

func boolWord(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func tf(b bool) string {
	if b {
		return "T"
	}
	return "F"
}
