package sikka

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// Practice is one practice's connection: pms.PMS over Sikka. It is a cheap
// view; the keys, their refresh and the rate-limit window live in the
// Client, one per office and practice.
type Practice struct {
	c   *Client
	st  *practiceState
	loc *time.Location
	// cancel is the status cancellations write, as the practice chose it;
	// empty: the best match.
	cancel string
}

var (
	_ pms.PMS          = (*Practice)(nil)
	_ pms.StatusLister = (*Practice)(nil)
)

// Practice returns the connection to practiceID of officeID. loc is the
// practice's zone: Sikka's dates and times are wall clock there. The store
// given the first time for an office and practice is the one its token
// manager uses for the Client's lifetime.
func (c *Client) Practice(officeID, practiceID string, loc *time.Location, store KeyStore) *Practice {
	if loc == nil {
		loc = time.UTC
	}
	k := practiceKey{officeID, practiceID}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.practices[k]
	if !ok {
		st = &practiceState{officeID: officeID, practiceID: practiceID, store: store, refreshing: make(chan struct{}, 1)}
		c.practices[k] = st
	}
	return &Practice{c: c, st: st, loc: loc}
}

// send makes a practice call with its request key. An expired (API1025) or
// rejected (API1004) key is refreshed once and the call repeated: Sikka
// refused it without acting on it, so even a POST is safe to repeat.
func (p *Practice) send(ctx context.Context, cl call) (*response, error) {
	cl.auth = authRequestKey
	keys, err := p.c.current(ctx, p.st)
	if err != nil {
		return nil, err
	}
	resp, err := p.c.do(ctx, &p.st.lim, cl, keys.RequestKey)
	var apiErr *Error
	if errors.As(err, &apiErr) && (apiErr.Code == "API1025" || apiErr.Code == "API1004") {
		p.c.log.InfoContext(ctx, "sikka: request key refused", "office_id", p.st.officeID, "practice_id", p.st.practiceID, "code", apiErr.Code)
		if keys, err = p.c.refresh(ctx, p.st, keys); err != nil {
			return nil, err
		}
		resp, err = p.c.do(ctx, &p.st.lim, cl, keys.RequestKey)
	}
	if err != nil {
		return nil, err
	}
	if t, ok := headerExpiry(resp.header); ok {
		p.st.noteExpiry(keys.RequestKey, t)
	}
	return resp, nil
}

func (p *Practice) get(path string) func(ctx context.Context, q url.Values) (*response, error) {
	return func(ctx context.Context, q url.Values) (*response, error) {
		return p.send(ctx, call{method: http.MethodGet, path: path, query: q, idempotent: true})
	}
}

// query is the base query of a practice read.
func (p *Practice) query(kv ...string) url.Values {
	q := url.Values{"practice_id": {p.st.practiceID}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

type practiceItem struct {
	PracticeID str `json:"practice_id"`
	Name       str `json:"name"`
	Phone      str `json:"phone"`
	CustID     str `json:"cust_id"`
}

// practiceRecord reads this practice's row of GET /practices.
func (p *Practice) practiceRecord(ctx context.Context) (practiceItem, error) {
	items, err := collect(list[practiceItem](ctx, p.c.pageSize, p.get("/practices"), "/practices", p.query()))
	if err != nil {
		return practiceItem{}, err
	}
	for _, it := range items {
		if string(it.PracticeID) == p.st.practiceID {
			return it, nil
		}
	}
	return practiceItem{}, fmt.Errorf("sikka: practice %s not in office %s: %w", p.st.practiceID, p.st.officeID, pms.ErrNotFound)
}

// Practice describes the practice: name and phone from GET /practices, the
// PMS product and zone from the application's authorized_practices.
func (p *Practice) Practice(ctx context.Context) (pms.PracticeInfo, error) {
	rec, err := p.practiceRecord(ctx)
	if err != nil {
		return pms.PracticeInfo{}, err
	}
	p.setCustID(string(rec.CustID))
	info := pms.PracticeInfo{ID: p.st.practiceID, Name: string(rec.Name), Phone: string(rec.Phone)}
	auth, err := p.c.AuthorizedPractices(ctx)
	if err != nil {
		return pms.PracticeInfo{}, err
	}
	for _, a := range auth {
		if a.OfficeID == p.st.officeID && a.PracticeID == p.st.practiceID {
			info.System = a.System
			info.TimeZone = a.TimeZone
		}
	}
	return info, nil
}

func (p *Practice) setCustID(id string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	if id != "" {
		p.st.custID = id
	}
}

// custID is the practice's cust_id, which GET /operatories requires.
func (p *Practice) custID(ctx context.Context) (string, error) {
	p.st.mu.Lock()
	id := p.st.custID
	p.st.mu.Unlock()
	if id != "" {
		return id, nil
	}
	rec, err := p.practiceRecord(ctx)
	if err != nil {
		return "", err
	}
	if rec.CustID == "" {
		return "", fmt.Errorf("sikka: practice %s has no cust_id: %w", p.st.practiceID, pms.ErrNotFound)
	}
	p.setCustID(string(rec.CustID))
	return string(rec.CustID), nil
}

type providerItem struct {
	ProviderID   str `json:"provider_id"`
	FirstName    str `json:"firstname"`
	LastName     str `json:"lastname"`
	ProviderType str `json:"provider_type"`
	Specialty    str `json:"specialty"`
	Speciality   str `json:"speciality"` // get_all's spelling
	SpecialtyNo  str `json:"specialty_code"`
	Status       str `json:"status"`
	IsHidden     str `json:"is_hidden"`
}

// Providers lists the practice's bookable people. Staff (provider_type
// Staff) are not bookable and are left out; a provider is Active when Sikka
// says "Active" and it is not hidden.
func (p *Practice) Providers(ctx context.Context) ([]pms.Provider, error) {
	items, err := collect(list[providerItem](ctx, p.c.pageSize, p.get("/providers"), "/providers", p.query()))
	if err != nil {
		return nil, err
	}
	out := make([]pms.Provider, 0, len(items))
	for _, it := range items {
		if strings.EqualFold(string(it.ProviderType), "Staff") {
			continue
		}
		spec := string(it.Specialty)
		if spec == "" {
			spec = string(it.Speciality)
		}
		out = append(out, pms.Provider{
			ID:        string(it.ProviderID),
			FirstName: string(it.FirstName),
			LastName:  string(it.LastName),
			Title:     title(spec, string(it.SpecialtyNo)),
			Specialty: spec,
			Active:    strings.EqualFold(string(it.Status), "Active") && !it.IsHidden.truthy(),
		})
	}
	return out, nil
}

// title is "Dr." for a dentist: NUCC taxonomy 1223* (dentist and its
// specialties) or a specialty that names one.
func title(specialty, code string) string {
	if strings.HasPrefix(code, "1223") {
		return "Dr."
	}
	s := strings.ToLower(specialty)
	for _, w := range []string{"dentist", "orthodont", "endodont", "periodont", "prosthodont", "pedodont", "oral surg", "maxillofacial", "dds", "dmd"} {
		if strings.Contains(s, w) {
			return "Dr."
		}
	}
	return ""
}

type operatoryItem struct {
	PracticeID   str `json:"practice_id"`
	Operatory    str `json:"operatory"`
	Abbreviation str `json:"abbreviation"`
	IsHidden     str `json:"is_hidden"`
	ProviderID   str `json:"provider_id"`
}

// Operatories lists the practice's chairs. Sikka requires cust_id (from
// GET /practices), which names the whole office: the answer holds the
// chairs of every location, so only those of this practice are kept (see
// ownOperatory). The operatory value is both the id that writebacks take
// and the display name: Sikka has no other. provider_id is filled only by
// Eaglesoft, pipe-separated.
func (p *Practice) Operatories(ctx context.Context) ([]pms.Operatory, error) {
	cust, err := p.custID(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{"cust_id": {cust}}
	items, err := collect(list[operatoryItem](ctx, p.c.pageSize, p.get("/operatories"), "/operatories", q))
	if err != nil {
		return nil, err
	}
	out := make([]pms.Operatory, 0, len(items))
	for _, it := range items {
		if !p.ownOperatory(string(it.PracticeID)) {
			continue
		}
		op := pms.Operatory{
			ID:           string(it.Operatory),
			Name:         string(it.Operatory),
			Abbreviation: string(it.Abbreviation),
			Hidden:       it.IsHidden.truthy(),
		}
		for id := range strings.SplitSeq(string(it.ProviderID), "|") {
			if id = strings.TrimSpace(id); id != "" {
				op.ProviderIDs = append(op.ProviderIDs, id)
			}
		}
		out = append(out, op)
	}
	return out, nil
}

// ownOperatory reports whether an operatory's practice_id is this
// practice's. Sikka writes it as "<practice_id>-<n>" ("1-0" in its example
// for practice 1); an operatory with none is kept, since nothing says whose
// it is.
func (p *Practice) ownOperatory(practiceID string) bool {
	if practiceID == "" || practiceID == p.st.practiceID {
		return true
	}
	own, _, _ := strings.Cut(practiceID, "-")
	return own == p.st.practiceID
}

type variableItem struct {
	ServiceName str `json:"service_name"`
	Value       str `json:"value"`
	Description str `json:"description"`
}

func (p *Practice) variables(ctx context.Context, service string) ([]variableItem, error) {
	return collect(list[variableItem](ctx, p.c.pageSize, p.get("/practice_variables"), "/practice_variables", p.query("service_name", service)))
}

// AppointmentTypes lists practice_variables with service_name "Appointment
// Type": value is the id writebacks take, description the name. Sikka gives
// no durations.
func (p *Practice) AppointmentTypes(ctx context.Context) ([]pms.AppointmentType, error) {
	items, err := p.variables(ctx, "Appointment Type")
	if err != nil {
		return nil, err
	}
	out := make([]pms.AppointmentType, 0, len(items))
	for _, it := range items {
		name := string(it.Description)
		if name == "" {
			name = string(it.Value)
		}
		out = append(out, pms.AppointmentType{ID: string(it.Value), Name: name})
	}
	return out, nil
}

// AppointmentStatus is a status value the practice's PMS accepts.
type AppointmentStatus struct {
	Value       string
	Description string
	// Cancelled is true when the status means the visit will not happen.
	Cancelled bool
}

type statusItem struct {
	Status str `json:"status"`
}

// AppointmentStatuses lists the statuses the PMS accepts: practice_variables
// "Appointment Status" (what the status writeback docs point to), else
// GET /appointment_statuses.
func (p *Practice) AppointmentStatuses(ctx context.Context) ([]AppointmentStatus, error) {
	vars, err := p.variables(ctx, "Appointment Status")
	if err != nil {
		return nil, err
	}
	var out []AppointmentStatus
	for _, v := range vars {
		out = append(out, AppointmentStatus{Value: string(v.Value), Description: string(v.Description), Cancelled: cancelledStatus(string(v.Value))})
	}
	if len(out) > 0 {
		return out, nil
	}
	items, err := collect(list[statusItem](ctx, p.c.pageSize, p.get("/appointment_statuses"), "/appointment_statuses", p.query()))
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		out = append(out, AppointmentStatus{Value: string(it.Status), Description: string(it.Status), Cancelled: cancelledStatus(string(it.Status))})
	}
	return out, nil
}

// cancelledStatus recognises the status names PMSs use for a visit that
// will not happen (Dentrix and Open Dental "Broken", "Cancelled", ...).
func cancelledStatus(s string) bool {
	s = strings.ToLower(s)
	for _, w := range []string{"cancel", "broken", "deleted", "no show", "no-show", "noshow", "missed"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// AppointmentStatusValues lists the status values the practice's PMS
// accepts (see AppointmentStatuses), each once.
func (p *Practice) AppointmentStatusValues(ctx context.Context) ([]string, error) {
	statuses, err := p.AppointmentStatuses(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(statuses))
	for _, s := range statuses {
		if s.Value != "" && !slices.Contains(out, s.Value) {
			out = append(out, s.Value)
		}
	}
	return out, nil
}

// WithCancelStatus returns a view of the practice whose cancellations write
// status, the one the practice chose; "" keeps the best match.
func (p *Practice) WithCancelStatus(status string) *Practice {
	v := *p
	v.cancel = status
	return &v
}

// ErrNoCancelStatus: no appointment status of the practice means
// cancelled and the practice has chosen none.
var ErrNoCancelStatus = errors.New("no appointment status of the practice means cancelled: choose the one phone cancellations write in PMS setup")

// cancelValue is the status value to write to cancel a visit: the
// practice's choice, else the best match among its statuses
// (pms.BestCancelStatus), cached per practice.
func (p *Practice) cancelValue(ctx context.Context) (string, error) {
	if p.cancel != "" {
		return p.cancel, nil
	}
	p.st.mu.Lock()
	v := p.st.cancelStatus
	p.st.mu.Unlock()
	if v != "" {
		return v, nil
	}
	statuses, err := p.AppointmentStatusValues(ctx)
	if err != nil {
		return "", err
	}
	v = pms.BestCancelStatus(statuses)
	if v == "" {
		return "", fmt.Errorf("sikka: practice %s: %w: %w", p.st.practiceID, ErrNoCancelStatus, pms.ErrRejected)
	}
	p.st.mu.Lock()
	p.st.cancelStatus = v
	p.st.mu.Unlock()
	return v, nil
}

// Patients streams the patients matching q.
//
// A phone can sit in cell, homephone, workphone or other_phone, stored in
// any format ("555-010-0123", "(555) 010-0123", "5550100123"), so an exact
// cell= filter misses most of them. Sikka's search parameter looks in all
// those fields; we search for the last four digits, the one run of digits
// that every format keeps together, and confirm each candidate here by
// normalising every phone field to E.164. The extra phone fields come only
// when asked for by name.
//
// An id goes to patient_id=, names to firstname=/lastname= and a birth
// date to RQL find=birthdate=eq_YYYY-MM-DD (patients has no birthdate
// parameter); the match is confirmed here too (names case-insensitively),
// since how loosely Sikka matches them is undocumented.
func (p *Practice) Patients(ctx context.Context, q pms.PatientQuery) iter.Seq2[pms.Patient, error] {
	m, err := newPatientMatcher(q)
	if err != nil {
		return func(yield func(pms.Patient, error) bool) { yield(pms.Patient{}, err) }
	}
	v := p.query("fields", "homephone,workphone,other_phone")
	if q.ID != "" {
		v.Set("patient_id", q.ID)
	}
	if m.phone != "" {
		v.Set("search", m.phone[len(m.phone)-4:])
	}
	if q.FirstName != "" {
		v.Set("firstname", strings.TrimSpace(q.FirstName))
	}
	if q.LastName != "" {
		v.Set("lastname", strings.TrimSpace(q.LastName))
	}
	if !q.BirthDate.IsZero() {
		v.Set("find", "birthdate=eq_"+q.BirthDate.String())
	}
	return func(yield func(pms.Patient, error) bool) {
		for it, err := range list[patientItem](ctx, p.c.pageSize, p.get("/patients"), "/patients", v) {
			if err != nil {
				yield(pms.Patient{}, err)
				return
			}
			pt := it.patient()
			if !m.match(pt) {
				continue
			}
			if !yield(pt, nil) {
				return
			}
		}
	}
}

// Appointments streams the appointments matching q. operatory and
// last_changed_date are not default fields and are asked for by name.
//
// With ChangedSince, Sikka filters last_changed_date by whole days, so the
// stream holds every appointment changed on that day or later, some of them
// before ChangedSince; a sync applying them again is harmless, one missing
// them is not.
func (p *Practice) Appointments(ctx context.Context, q pms.AppointmentQuery) iter.Seq2[pms.Appointment, error] {
	v := p.query("fields", "operatory,last_changed_date,cancelled")
	switch {
	case !q.ChangedSince.IsZero():
		v.Set("date_filter_on", "last_changed_date")
		v.Set("startdate", calendar.DateOf(q.ChangedSince.In(p.loc)).String())
		// Tomorrow, so that a practice ahead of our clock loses nothing.
		v.Set("enddate", calendar.DateOf(p.c.clock.Now().In(p.loc).AddDate(0, 0, 1)).String())
	case !q.From.IsZero() || !q.To.IsZero():
		v.Set("date_filter_on", "date")
		if !q.From.IsZero() {
			v.Set("startdate", q.From.String())
		}
		if !q.To.IsZero() {
			v.Set("enddate", q.To.String())
		}
	}
	if q.PatientID != "" {
		v.Set("patient_id", q.PatientID)
	}
	return func(yield func(pms.Appointment, error) bool) {
		for it, err := range list[appointmentItem](ctx, p.c.pageSize, p.get("/appointments"), "/appointments", v) {
			if err != nil {
				yield(pms.Appointment{}, err)
				return
			}
			a, err := it.appointment(p.loc)
			if err != nil {
				// One unreadable row must not stop every sync of the practice.
				p.c.log.WarnContext(ctx, "sikka: skipping unreadable appointment", "office_id", p.st.officeID, "practice_id", p.st.practiceID, "appointment_sr_no", string(it.SrNo), "error", err)
				continue
			}
			if !yield(a, nil) {
				return
			}
		}
	}
}

// appointment reads one appointment by its appointment_sr_no.
func (p *Practice) appointment(ctx context.Context, id string) (pms.Appointment, error) {
	v := p.query("appointment_sr_no", id, "fields", "operatory,last_changed_date,cancelled")
	for it, err := range list[appointmentItem](ctx, p.c.pageSize, p.get("/appointments"), "/appointments", v) {
		if err != nil {
			return pms.Appointment{}, err
		}
		if string(it.SrNo) == id {
			return it.appointment(p.loc)
		}
	}
	return pms.Appointment{}, fmt.Errorf("sikka: appointment %s: %w", id, pms.ErrNotFound)
}
