package mirror

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/appointmenttype"
	"github.com/frontdesk/frontdesk/ent/operatory"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/ent/provider"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/patients"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// row is a mirrored record as the sync needs it: our id and the digest of
// what the PMS said last time.
type row struct {
	id, digest string
}

// state maps PMS ids to mirror rows, per entity.
type state struct {
	providers, operatories, types, patients, appointments map[string]row
	// inactivePatients holds the PMS ids of patients marked inactive.
	inactivePatients map[string]bool
	// typeByName finds a type when the PMS names it instead of giving its id.
	typeByName map[string]string
	typeLength map[string]time.Duration
}

func (s *Syncer) load(ctx context.Context) (*state, error) {
	c := s.DB.Client(ctx)
	st := &state{typeByName: map[string]string{}, typeLength: map[string]time.Duration{}, inactivePatients: map[string]bool{}}
	type scanned struct {
		ID        string `json:"id"`
		PmsID     string `json:"pms_id"`
		PmsDigest string `json:"pms_digest"`
	}
	toMap := func(rows []scanned) map[string]row {
		m := make(map[string]row, len(rows))
		for _, r := range rows {
			m[r.PmsID] = row{r.ID, r.PmsDigest}
		}
		return m
	}
	var ps, os, ts, pats, appts []scanned
	cols := []string{"id", "pms_id", "pms_digest"}
	if err := c.Provider.Query().Where(provider.PmsIDNotNil()).Select(cols...).Scan(ctx, &ps); err != nil {
		return nil, fmt.Errorf("mirror: load providers: %w", err)
	}
	if err := c.Operatory.Query().Where(operatory.PmsIDNotNil()).Select(cols...).Scan(ctx, &os); err != nil {
		return nil, fmt.Errorf("mirror: load operatories: %w", err)
	}
	if err := c.AppointmentType.Query().Where(appointmenttype.PmsIDNotNil()).Select(cols...).Scan(ctx, &ts); err != nil {
		return nil, fmt.Errorf("mirror: load types: %w", err)
	}
	if err := c.Patient.Query().Where(patient.PmsIDNotNil()).Select(cols...).Scan(ctx, &pats); err != nil {
		return nil, fmt.Errorf("mirror: load patients: %w", err)
	}
	if err := c.Appointment.Query().Where(appointment.PmsIDNotNil()).Select(cols...).Scan(ctx, &appts); err != nil {
		return nil, fmt.Errorf("mirror: load appointments: %w", err)
	}
	st.providers, st.operatories, st.types, st.patients, st.appointments = toMap(ps), toMap(os), toMap(ts), toMap(pats), toMap(appts)
	inactive, err := c.Patient.Query().Where(patient.PmsIDNotNil(), patient.Active(false)).Select(patient.FieldPmsID).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("mirror: load inactive patients: %w", err)
	}
	for _, id := range inactive {
		st.inactivePatients[id] = true
	}
	types, err := c.AppointmentType.Query().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		st.typeByName[strings.ToLower(t.Name)] = t.ID
		st.typeLength[t.ID] = time.Duration(t.DurationMinutes) * time.Minute
	}
	return st, nil
}

// writer applies what a PMS said to one practice's mirror.
type writer struct {
	s          *Syncer
	ctx        context.Context
	practiceID string
	connID     string // the connection whose PMS is read
	st         *state
	loc        *time.Location
	n          *Counts
}

func (w *writer) client() *ent.Client { return w.s.DB.Client(w.ctx) }

// ErrConnectionChanged stops a sync whose PMS the practice disconnected or
// replaced while it ran: what it read must not land in the new PMS's mirror.
var ErrConnectionChanged = errors.New("mirror: the practice's PMS connection changed during the sync")

// stillConnected checks, inside a batch's transaction, that the
// connection the sync reads is still the practice's and connected.
func (w *writer) stillConnected(ctx context.Context, c *ent.Client) error {
	ok, err := c.PMSConnection.Query().
		Where(pmsconnection.ID(w.connID), pmsconnection.StatusNEQ(pmsconnection.StatusDISCONNECTED)).Exist(ctx)
	switch {
	case err != nil:
		return err
	case !ok:
		return ErrConnectionChanged
	}
	return nil
}

func (w *writer) batchSize() int {
	if w.s.BatchSize > 0 {
		return w.s.BatchSize
	}
	return 500
}

// inBatches runs fn over items in transactions of batchSize, each only
// while the practice is still connected to the PMS the sync reads.
func inBatches[T any](w *writer, items []T, fn func(ctx context.Context, c *ent.Client, chunk []T) error) error {
	for chunk := range slices.Chunk(items, w.batchSize()) {
		err := w.s.DB.InTx(w.ctx, func(ctx context.Context) error {
			c := w.s.DB.Client(ctx)
			if err := w.stillConnected(ctx, c); err != nil {
				return err
			}
			return fn(ctx, c, chunk)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) full(p pms.PMS) error {
	ctx := w.ctx
	info, err := p.Practice(ctx)
	if err != nil {
		return fmt.Errorf("mirror: practice: %w", err)
	}
	if info.System != "" {
		err := w.client().PMSConnection.UpdateOneID(w.connID).SetSystem(info.System).Exec(ctx)
		if ent.IsNotFound(err) {
			return ErrConnectionChanged
		}
		if err != nil {
			return err
		}
	}
	w.statuses(p)
	if err := w.providers(p); err != nil {
		return err
	}
	if err := w.operatories(p); err != nil {
		return err
	}
	if err := w.types(p); err != nil {
		return err
	}
	if err := w.hours(p); err != nil {
		return err
	}
	if err := w.patients(p, pms.PatientQuery{}, true); err != nil {
		return err
	}
	today := calendar.DateOf(w.s.Clock.Now().In(w.loc))
	window := w.s.Window
	if window == (Window{}) {
		window = DefaultWindow
	}
	from := calendar.DateOf(today.In(w.loc).Add(-window.Past))
	to := calendar.DateOf(today.In(w.loc).Add(window.Future))
	return w.appointments(p, pms.AppointmentQuery{From: from, To: to}, true)
}

// statuses records the appointment statuses the PMS accepts, which the
// practice chooses its cancellation status among. Reading them is not worth
// failing a sync over: the last ones read stay.
func (w *writer) statuses(p pms.PMS) {
	sl, ok := p.(pms.StatusLister)
	if !ok {
		return
	}
	list, err := sl.AppointmentStatusValues(w.ctx)
	if err == nil {
		err = w.client().PMSConnection.UpdateOneID(w.connID).SetAppointmentStatuses(list).Exec(w.ctx)
	}
	if err != nil {
		w.s.Log.WarnContext(w.ctx, "mirror: appointment statuses not read", "practice_id", w.practiceID, "error", err)
	}
}

func (w *writer) providers(p pms.PMS) error {
	list, err := p.Providers(w.ctx)
	if err != nil {
		return fmt.Errorf("mirror: providers: %w", err)
	}
	w.n.Providers = len(list)
	seen := map[string]bool{}
	var changed []pms.Provider
	hours := map[string]calendar.WeeklyHours{}
	week := calendar.DateOf(w.s.Clock.Now().In(w.loc))
	for _, pr := range list {
		seen[pr.ID] = true
		sched, err := p.Schedule(w.ctx, pms.ScheduleQuery{ProviderID: pr.ID, WeekOf: week})
		if err == nil {
			hours[pr.ID] = sched.Hours
		}
		if r, ok := w.st.providers[pr.ID]; !ok || r.digest != digestProvider(pr, hours[pr.ID]) {
			changed = append(changed, pr)
		}
	}
	err = inBatches(w, changed, func(ctx context.Context, c *ent.Client, chunk []pms.Provider) error {
		var creates []*ent.ProviderCreate
		for _, pr := range chunk {
			d := digestProvider(pr, hours[pr.ID])
			if r, ok := w.st.providers[pr.ID]; ok {
				w.n.Updated++
				if err := c.Provider.UpdateOneID(r.id).
					SetFirstName(pr.FirstName).SetLastName(pr.LastName).SetTitle(pr.Title).
					SetSpecialty(pr.Specialty).SetActive(pr.Active).SetHours(hours[pr.ID]).SetPmsDigest(d).
					Exec(ctx); err != nil {
					return err
				}
				continue
			}
			creates = append(creates, c.Provider.Create().SetPracticeID(w.practiceID).SetPmsID(pr.ID).
				SetFirstName(pr.FirstName).SetLastName(pr.LastName).SetTitle(pr.Title).
				SetSpecialty(pr.Specialty).SetActive(pr.Active).SetHours(hours[pr.ID]).SetPmsDigest(d))
		}
		made, err := c.Provider.CreateBulk(creates...).Save(ctx)
		for _, m := range made {
			w.st.providers[*m.PmsID] = row{m.ID, m.PmsDigest}
		}
		w.n.Created += len(made)
		return err
	})
	if err != nil {
		return fmt.Errorf("mirror: write providers: %w", err)
	}
	// A provider the PMS no longer lists stops being bookable; their
	// appointments keep pointing at them.
	gone := missing(w.st.providers, seen)
	if len(gone) > 0 {
		n, err := w.client().Provider.Update().Where(provider.IDIn(gone...), provider.Active(true)).
			SetActive(false).SetPmsDigest("").Save(w.ctx)
		if err != nil {
			return err
		}
		w.n.Removed += n
	}
	return nil
}

func (w *writer) operatories(p pms.PMS) error {
	list, err := p.Operatories(w.ctx)
	if err != nil {
		return fmt.Errorf("mirror: operatories: %w", err)
	}
	w.n.Operatories = len(list)
	seen := map[string]bool{}
	var changed []pms.Operatory
	for _, o := range list {
		seen[o.ID] = true
		if r, ok := w.st.operatories[o.ID]; !ok || r.digest != digestOperatory(o) {
			changed = append(changed, o)
		}
	}
	err = inBatches(w, changed, func(ctx context.Context, c *ent.Client, chunk []pms.Operatory) error {
		var creates []*ent.OperatoryCreate
		for _, o := range chunk {
			d := digestOperatory(o)
			if r, ok := w.st.operatories[o.ID]; ok {
				w.n.Updated++
				if err := c.Operatory.UpdateOneID(r.id).SetName(o.Name).SetAbbreviation(o.Abbreviation).
					SetHidden(o.Hidden).SetProviderPmsIds(o.ProviderIDs).SetPmsDigest(d).Exec(ctx); err != nil {
					return err
				}
				continue
			}
			creates = append(creates, c.Operatory.Create().SetPracticeID(w.practiceID).SetPmsID(o.ID).
				SetName(o.Name).SetAbbreviation(o.Abbreviation).SetHidden(o.Hidden).
				SetProviderPmsIds(o.ProviderIDs).SetPmsDigest(d))
		}
		made, err := c.Operatory.CreateBulk(creates...).Save(ctx)
		for _, m := range made {
			w.st.operatories[*m.PmsID] = row{m.ID, m.PmsDigest}
		}
		w.n.Created += len(made)
		return err
	})
	if err != nil {
		return fmt.Errorf("mirror: write operatories: %w", err)
	}
	if gone := missing(w.st.operatories, seen); len(gone) > 0 {
		n, err := w.client().Operatory.Update().Where(operatory.IDIn(gone...), operatory.Hidden(false)).
			SetHidden(true).SetPmsDigest("").Save(w.ctx)
		if err != nil {
			return err
		}
		w.n.Removed += n
	}
	return nil
}

func (w *writer) types(p pms.PMS) error {
	list, err := p.AppointmentTypes(w.ctx)
	if err != nil {
		return fmt.Errorf("mirror: appointment types: %w", err)
	}
	w.n.AppointmentTypes = len(list)
	seen := map[string]bool{}
	var changed []pms.AppointmentType
	for _, t := range list {
		seen[t.ID] = true
		if r, ok := w.st.types[t.ID]; !ok || r.digest != digestType(t) {
			changed = append(changed, t)
		}
	}
	err = inBatches(w, changed, func(ctx context.Context, c *ent.Client, chunk []pms.AppointmentType) error {
		var creates []*ent.AppointmentTypeCreate
		for _, t := range chunk {
			d := digestType(t)
			minutes := int(t.Duration / time.Minute)
			if r, ok := w.st.types[t.ID]; ok {
				// Only what the PMS owns; whether callers may book the type,
				// and with whom, is the practice's setting.
				w.n.Updated++
				if err := c.AppointmentType.UpdateOneID(r.id).SetName(t.Name).SetDurationMinutes(minutes).
					SetPmsDigest(d).Exec(ctx); err != nil {
					return err
				}
				w.st.typeLength[r.id] = t.Duration
				continue
			}
			creates = append(creates, c.AppointmentType.Create().SetPracticeID(w.practiceID).SetPmsID(t.ID).
				SetName(t.Name).SetDurationMinutes(minutes).SetPmsDigest(d))
		}
		made, err := c.AppointmentType.CreateBulk(creates...).Save(ctx)
		for _, m := range made {
			w.st.types[*m.PmsID] = row{m.ID, m.PmsDigest}
			w.st.typeByName[strings.ToLower(m.Name)] = m.ID
			w.st.typeLength[m.ID] = time.Duration(m.DurationMinutes) * time.Minute
		}
		w.n.Created += len(made)
		return err
	})
	if err != nil {
		return fmt.Errorf("mirror: write appointment types: %w", err)
	}
	if gone := missing(w.st.types, seen); len(gone) > 0 {
		n, err := w.client().AppointmentType.Update().
			Where(appointmenttype.IDIn(gone...), appointmenttype.BookableByPhone(true)).
			SetBookableByPhone(false).SetPmsDigest("").Save(w.ctx)
		if err != nil {
			return err
		}
		w.n.Removed += n
	}
	return nil
}

// closureWeeks is how far ahead holidays are read.
const closureWeeks = 13

func (w *writer) hours(p pms.PMS) error {
	today := w.s.Clock.Now().In(w.loc)
	sched, err := p.Schedule(w.ctx, pms.ScheduleQuery{WeekOf: calendar.DateOf(today)})
	if err != nil {
		return fmt.Errorf("mirror: practice hours: %w", err)
	}
	var closures []string
	for _, d := range sched.Closed {
		closures = append(closures, d.String())
	}
	for wk := 1; wk < closureWeeks; wk++ {
		s, err := p.Schedule(w.ctx, pms.ScheduleQuery{WeekOf: calendar.DateOf(today.AddDate(0, 0, 7*wk))})
		if err != nil {
			return fmt.Errorf("mirror: practice closures: %w", err)
		}
		for _, d := range s.Closed {
			closures = append(closures, d.String())
		}
	}
	slices.Sort(closures)
	closures = slices.Compact(closures)
	cur, err := w.client().Practice.Get(w.ctx, w.practiceID)
	if err != nil {
		return err
	}
	if hoursEqual(cur.PmsHours, sched.Hours) && slices.Equal(cur.PmsClosures, closures) {
		return nil
	}
	w.n.Updated++
	return w.s.DB.InTx(w.ctx, func(ctx context.Context) error {
		c := w.s.DB.Client(ctx)
		if err := w.stillConnected(ctx, c); err != nil {
			return err
		}
		return c.Practice.UpdateOneID(w.practiceID).SetPmsHours(sched.Hours).SetPmsClosures(closures).Exec(ctx)
	})
}

// patients mirrors the patients q returns. With all (a full sync's listing
// of every patient), a mirrored patient the PMS no longer lists — deleted,
// or merged into another record — is marked inactive rather than removed:
// the calls that verified them still name them, but no call verifies or
// books them again. One the PMS lists again is active again.
func (w *writer) patients(p pms.PMS, q pms.PatientQuery, all bool) error {
	var changed []pms.Patient
	seen := map[string]bool{}
	for pt, err := range p.Patients(w.ctx, q) {
		if err != nil {
			return fmt.Errorf("mirror: patients: %w", err)
		}
		w.n.Patients++
		seen[pt.ID] = true
		if r, ok := w.st.patients[pt.ID]; !ok || r.digest != digestPatient(pt) || w.st.inactivePatients[pt.ID] {
			changed = append(changed, pt)
		}
	}
	err := inBatches(w, changed, func(ctx context.Context, c *ent.Client, chunk []pms.Patient) error {
		current, err := w.currentPatients(ctx, c, chunk)
		if err != nil {
			return err
		}
		var creates []*ent.PatientCreate
		for _, pt := range chunk {
			d := digestPatient(pt)
			phones := normalizedPhones(pt.Phones)
			birth := ""
			if !pt.BirthDate.IsZero() {
				birth = pt.BirthDate.String()
			}
			if r, ok := w.st.patients[pt.ID]; ok {
				if old := current[r.id]; old != nil && !patients.SamePerson(old.FirstName, old.LastName, old.BirthDate, pt.FirstName, pt.LastName, birth) {
					if err := w.supersede(ctx, c, old); err != nil {
						return err
					}
					delete(w.st.patients, pt.ID)
				} else {
					w.n.Updated++
					if err := c.Patient.UpdateOneID(r.id).
						SetFirstName(pt.FirstName).SetLastName(pt.LastName).SetPreferredName(pt.PreferredName).
						SetBirthDate(birth).SetPhones(phones).SetPhoneIndex(patients.PhoneIndex(phones)).
						SetEmail(pt.Email).SetStatus(pt.Status).SetActive(true).SetPmsDigest(d).Exec(ctx); err != nil {
						return err
					}
					delete(w.st.inactivePatients, pt.ID)
					continue
				}
			}
			creates = append(creates, c.Patient.Create().SetPracticeID(w.practiceID).SetPmsID(pt.ID).
				SetFirstName(pt.FirstName).SetLastName(pt.LastName).SetPreferredName(pt.PreferredName).
				SetBirthDate(birth).SetPhones(phones).SetPhoneIndex(patients.PhoneIndex(phones)).
				SetEmail(pt.Email).SetStatus(pt.Status).SetPmsDigest(d))
		}
		made, err := c.Patient.CreateBulk(creates...).Save(ctx)
		for _, m := range made {
			w.st.patients[*m.PmsID] = row{m.ID, m.PmsDigest}
			delete(w.st.inactivePatients, *m.PmsID)
		}
		w.n.Created += len(made)
		return err
	})
	if err != nil {
		return fmt.Errorf("mirror: write patients: %w", err)
	}
	// An empty listing is no evidence that every patient is gone: Sikka
	// answers 204 while it reloads a practice's data.
	if !all || len(seen) == 0 {
		return nil
	}
	var gone []string
	for pmsID, r := range w.st.patients {
		if !seen[pmsID] && !w.st.inactivePatients[pmsID] {
			gone = append(gone, r.id)
		}
	}
	for chunk := range slices.Chunk(gone, w.batchSize()) {
		n, err := w.client().Patient.Update().Where(patient.IDIn(chunk...), patient.Active(true)).
			SetActive(false).SetPmsDigest("").Save(w.ctx)
		if err != nil {
			return fmt.Errorf("mirror: deactivate patients: %w", err)
		}
		w.n.Removed += n
	}
	return nil
}

// currentPatients reads the mirror rows of the patients in chunk that are
// already mirrored, by row id.
func (w *writer) currentPatients(ctx context.Context, c *ent.Client, chunk []pms.Patient) (map[string]*ent.Patient, error) {
	var ids []string
	for _, pt := range chunk {
		if r, ok := w.st.patients[pt.ID]; ok {
			ids = append(ids, r.id)
		}
	}
	out := map[string]*ent.Patient{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := c.Patient.Query().Where(patient.IDIn(ids...)).
		Select(patient.FieldID, patient.FieldPmsID, patient.FieldFirstName, patient.FieldLastName, patient.FieldBirthDate).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// supersede sets aside a patient row whose PMS id now names another
// person (see patients.Supersede); the new record is then mirrored as a
// row of its own.
func (w *writer) supersede(ctx context.Context, c *ent.Client, old *ent.Patient) error {
	w.s.Log.WarnContext(ctx, "mirror: the PMS reissued a patient id to another person", "practice_id", w.practiceID, "patient_id", old.ID)
	w.n.Updated++
	return patients.Supersede(ctx, c, &actionitems.Service{DB: w.s.DB, Clock: w.s.Clock}, old)
}

// appointments mirrors what q returns. With removeUnseen (a full sync over
// a window), an appointment the mirror has in that window but the PMS no
// longer returns is marked cancelled.
func (w *writer) appointments(p pms.PMS, q pms.AppointmentQuery, removeUnseen bool) error {
	seen := map[string]bool{}
	var changed []pms.Appointment
	unknownPatients := map[string]bool{}
	for a, err := range p.Appointments(w.ctx, q) {
		if err != nil {
			return fmt.Errorf("mirror: appointments: %w", err)
		}
		w.n.Appointments++
		seen[a.ID] = true
		if r, ok := w.st.appointments[a.ID]; !ok || r.digest != digestAppointment(a) {
			changed = append(changed, a)
			if _, known := w.st.patients[a.PatientID]; !known && a.PatientID != "" {
				unknownPatients[a.PatientID] = true
			}
		}
	}
	// An appointment can name a patient added since the last full sync.
	for id := range unknownPatients {
		if err := w.patients(p, pms.PatientQuery{ID: id}, false); err != nil {
			return err
		}
	}
	err := inBatches(w, changed, func(ctx context.Context, c *ent.Client, chunk []pms.Appointment) error {
		var creates []*ent.AppointmentCreate
		for _, a := range chunk {
			m := w.mapAppointment(a)
			if r, ok := w.st.appointments[a.ID]; ok {
				w.n.Updated++
				upd := c.Appointment.UpdateOneID(r.id).
					SetStartAt(m.start).SetEndAt(m.end).SetStatus(m.status).SetPmsStatus(a.Status).
					SetDescription(a.Description).SetPmsDigest(m.digest).
					SetNillablePatientID(m.patientID).SetNillableProviderID(m.providerID).
					SetNillableOperatoryID(m.operatoryID).SetNillableAppointmentTypeID(m.typeID)
				if !a.LastChanged.IsZero() {
					upd.SetPmsChangedAt(a.LastChanged)
				}
				if err := upd.Exec(ctx); err != nil {
					return err
				}
				continue
			}
			create := c.Appointment.Create().SetPracticeID(w.practiceID).SetPmsID(a.ID).
				SetStartAt(m.start).SetEndAt(m.end).SetStatus(m.status).SetPmsStatus(a.Status).
				SetDescription(a.Description).SetPmsDigest(m.digest).
				SetNillablePatientID(m.patientID).SetNillableProviderID(m.providerID).
				SetNillableOperatoryID(m.operatoryID).SetNillableAppointmentTypeID(m.typeID)
			if !a.LastChanged.IsZero() {
				create.SetPmsChangedAt(a.LastChanged)
			}
			creates = append(creates, create)
		}
		made, err := c.Appointment.CreateBulk(creates...).Save(ctx)
		for _, m := range made {
			w.st.appointments[*m.PmsID] = row{m.ID, m.PmsDigest}
		}
		w.n.Created += len(made)
		return err
	})
	if err != nil {
		return fmt.Errorf("mirror: write appointments: %w", err)
	}
	if !removeUnseen {
		return nil
	}
	from, to := q.From.In(w.loc), q.To.In(w.loc).AddDate(0, 0, 1)
	var gone []string
	for pmsID, r := range w.st.appointments {
		if !seen[pmsID] {
			gone = append(gone, r.id)
		}
	}
	for chunk := range slices.Chunk(gone, w.batchSize()) {
		n, err := w.client().Appointment.Update().
			Where(appointment.IDIn(chunk...), appointment.StatusEQ(appointment.StatusSCHEDULED),
				appointment.StartAtGTE(from), appointment.StartAtLT(to)).
			SetStatus(appointment.StatusCANCELLED).SetPmsStatus("deleted in the PMS").SetPmsDigest("").
			Save(w.ctx)
		if err != nil {
			return fmt.Errorf("mirror: remove appointments: %w", err)
		}
		w.n.Removed += n
	}
	return nil
}

type mapped struct {
	start, end                                 time.Time
	status                                     appointment.Status
	patientID, providerID, operatoryID, typeID *string
	digest                                     string
}

func (w *writer) mapAppointment(a pms.Appointment) mapped {
	ref := func(m map[string]row, pmsID string) *string {
		if r, ok := m[pmsID]; ok && pmsID != "" {
			return &r.id
		}
		return nil
	}
	typeID := ref(w.st.types, a.Type)
	if typeID == nil && a.Type != "" {
		if id, ok := w.st.typeByName[strings.ToLower(a.Type)]; ok {
			typeID = &id
		}
	}
	length := a.Length
	if length <= 0 && typeID != nil {
		length = w.st.typeLength[*typeID]
	}
	if length <= 0 {
		length = 30 * time.Minute
	}
	status := appointment.StatusSCHEDULED
	if a.Cancelled {
		status = appointment.StatusCANCELLED
	}
	start := a.Start.UTC()
	return mapped{
		start: start, end: start.Add(length), status: status,
		patientID: ref(w.st.patients, a.PatientID), providerID: ref(w.st.providers, a.ProviderID),
		operatoryID: ref(w.st.operatories, a.OperatoryID), typeID: typeID,
		digest: digestAppointment(a),
	}
}

func missing(m map[string]row, seen map[string]bool) []string {
	var ids []string
	for pmsID, r := range m {
		if !seen[pmsID] {
			ids = append(ids, r.id)
		}
	}
	return ids
}

// normalizedPhones returns the phones that normalise, in E.164, once each.
func normalizedPhones(raw []string) []string {
	var out []string
	for _, p := range raw {
		if n, err := phone.Normalize(p); err == nil && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func hoursEqual(a, b calendar.WeeklyHours) bool {
	if len(a) != len(b) {
		return false
	}
	for d, r := range a {
		if !slices.Equal(r, b[d]) {
			return false
		}
	}
	return true
}

// digest fingerprints what the PMS said about a record: equal digests mean
// nothing to write.
type digest struct{ h hash.Hash64 }

func newDigest() digest { return digest{fnv.New64a()} }

func (d digest) str(ss ...string) digest {
	for _, s := range ss {
		d.h.Write([]byte(s))
		d.h.Write([]byte{0})
	}
	return d
}

func (d digest) num(ns ...int64) digest {
	var b [8]byte
	for _, n := range ns {
		binary.LittleEndian.PutUint64(b[:], uint64(n))
		d.h.Write(b[:])
	}
	return d
}

func (d digest) hours(h calendar.WeeklyHours) digest {
	for day := time.Sunday; day <= time.Saturday; day++ {
		d.num(int64(day))
		for _, r := range h[day] {
			d.num(int64(r.Start), int64(r.End))
		}
	}
	return d
}

func (d digest) sum() string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], d.h.Sum64())
	return hex.EncodeToString(b[:])
}

func boolNum(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func digestProvider(p pms.Provider, h calendar.WeeklyHours) string {
	return newDigest().str(p.FirstName, p.LastName, p.Title, p.Specialty).num(boolNum(p.Active)).hours(h).sum()
}

func digestOperatory(o pms.Operatory) string {
	return newDigest().str(o.Name, o.Abbreviation).num(boolNum(o.Hidden)).str(o.ProviderIDs...).sum()
}

func digestType(t pms.AppointmentType) string {
	return newDigest().str(t.Name).num(int64(t.Duration)).sum()
}

func digestPatient(p pms.Patient) string {
	return newDigest().str(p.FirstName, p.LastName, p.PreferredName, p.BirthDate.String(), p.Email, p.Status).
		str(normalizedPhones(p.Phones)...).sum()
}

func digestAppointment(a pms.Appointment) string {
	return newDigest().str(a.PatientID, a.ProviderID, a.OperatoryID, a.Type, a.Status, a.Description).
		num(a.Start.Unix(), int64(a.Length), boolNum(a.Cancelled)).sum()
}
