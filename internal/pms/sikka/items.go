package sikka

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/pms"
)

type patientItem struct {
	PatientID     str `json:"patient_id"`
	FirstName     str `json:"firstname"`
	LastName      str `json:"lastname"`
	PreferredName str `json:"preferred_name"`
	BirthDate     str `json:"birthdate"`
	Status        str `json:"status"`
	Cell          str `json:"cell"`
	HomePhone     str `json:"homephone"`
	WorkPhone     str `json:"workphone"`
	OtherPhone    str `json:"other_phone"`
	Email         str `json:"email"`
	ProviderID    str `json:"provider_id"`
}

func (it patientItem) patient() pms.Patient {
	p := pms.Patient{
		ID:            string(it.PatientID),
		FirstName:     string(it.FirstName),
		LastName:      string(it.LastName),
		PreferredName: string(it.PreferredName),
		Email:         string(it.Email),
		Status:        string(it.Status),
		ProviderID:    string(it.ProviderID),
	}
	// An unreadable birth date stays zero: it cannot verify anyone.
	p.BirthDate, _ = pms.ParseDate(string(it.BirthDate))
	for _, ph := range []str{it.Cell, it.HomePhone, it.WorkPhone, it.OtherPhone} {
		if ph != "" {
			p.Phones = append(p.Phones, string(ph))
		}
	}
	return p
}

// patientMatcher confirms on our side what the server-side filters
// approximate.
type patientMatcher struct {
	id        string
	phone     string // E.164
	first     string
	last      string
	birthDate calendar.Date
}

func newPatientMatcher(q pms.PatientQuery) (patientMatcher, error) {
	m := patientMatcher{id: q.ID, first: strings.TrimSpace(q.FirstName), last: strings.TrimSpace(q.LastName), birthDate: q.BirthDate}
	if q.Phone != "" {
		e164, err := phone.Normalize(q.Phone)
		if err != nil {
			return m, fmt.Errorf("sikka: patient search by phone %s: %w: %w", phone.Mask(q.Phone), pms.ErrRejected, err)
		}
		m.phone = e164
	}
	return m, nil
}

func (m patientMatcher) match(p pms.Patient) bool {
	if m.id != "" && m.id != p.ID {
		return false
	}
	if m.first != "" && !strings.EqualFold(m.first, strings.TrimSpace(p.FirstName)) {
		return false
	}
	if m.last != "" && !strings.EqualFold(m.last, strings.TrimSpace(p.LastName)) {
		return false
	}
	if !m.birthDate.IsZero() && m.birthDate != p.BirthDate {
		return false
	}
	if m.phone == "" {
		return true
	}
	for _, ph := range p.Phones {
		if n, err := phone.Normalize(ph); err == nil && n == m.phone {
			return true
		}
	}
	return false
}

type appointmentItem struct {
	SrNo        str `json:"appointment_sr_no"`
	PatientID   str `json:"patient_id"`
	ProviderID  str `json:"provider_id"`
	Operatory   str `json:"operatory"`
	Date        str `json:"date"`
	Time        str `json:"time"`
	Length      str `json:"length"`
	Status      str `json:"status"`
	Type        str `json:"type"`
	Description str `json:"description"`
	LastChanged str `json:"last_changed_date"`
	Cancelled   str `json:"cancelled"`
}

// appointment maps an item; date ("2020-09-29T00:00:00") and time ("10:30")
// are wall clock in loc, and length is minutes.
func (it appointmentItem) appointment(loc *time.Location) (pms.Appointment, error) {
	d, err := pms.ParseDate(string(it.Date))
	if err != nil {
		return pms.Appointment{}, fmt.Errorf("date: %w", err)
	}
	mins, err := calendar.ParseClock(string(it.Time))
	if err != nil {
		return pms.Appointment{}, fmt.Errorf("time: %w", err)
	}
	length, _ := strconv.Atoi(string(it.Length))
	a := pms.Appointment{
		ID:          string(it.SrNo),
		PatientID:   string(it.PatientID),
		ProviderID:  string(it.ProviderID),
		OperatoryID: string(it.Operatory),
		Type:        string(it.Type),
		Start:       time.Date(d.Year, d.Month, d.Day, mins/60, mins%60, 0, 0, loc),
		Length:      time.Duration(length) * time.Minute,
		Status:      string(it.Status),
		Description: string(it.Description),
		Cancelled:   cancelledStatus(string(it.Status)) || it.Cancelled.truthy(),
		LastChanged: parseWall(string(it.LastChanged), loc),
	}
	return a, nil
}

// parseWall reads a zone-less Sikka timestamp as wall clock in loc; zero when
// empty or unreadable.
func parseWall(s string, loc *time.Location) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	return time.Time{}
}

// The keys listings de-duplicate by (see keyed): each record's own id.

func (it patientItem) key() string         { return string(it.PatientID) }
func (it appointmentItem) key() string     { return string(it.SrNo) }
func (it practiceItem) key() string        { return string(it.PracticeID) }
func (it providerItem) key() string        { return string(it.ProviderID) }
func (it variableItem) key() string        { return string(it.ServiceName) + "\x00" + string(it.Value) }
func (it statusItem) key() string          { return string(it.Status) }
func (it authorizedItem) key() string      { return string(it.OfficeID) + "\x00" + string(it.PracticeID) }
func (it writebackItem) key() string       { return string(it.ID) }
func (it writebackStatusItem) key() string { return string(it.ID) }

// An operatory is named by its practice and its name: two locations of an
// office can both have an "OP1".
func (it operatoryItem) key() string { return string(it.PracticeID) + "\x00" + string(it.Operatory) }
