package sikkatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

type writebackState string

const (
	statePending writebackState = "pending"
	stateDone    writebackState = "done"
	stateFailed  writebackState = "failed"
	stateDeleted writebackState = "deleted"
)

type writeback struct {
	id         string
	office     *office
	practiceID string
	method     string
	api        string // writeback_status "api": "appointments" or "patients"
	apiName    string // GET /writebacks "api_name": "appointment" or "patient"
	srNo       string // the appointment a PATCH or PUT changes
	body       map[string]string
	sent       []field // the body as sent, for api_request_body
	requestKey string
	queued     time.Time
	polls      int
	state      writebackState
	result     string
	createdID  string
	completed  time.Time
}

// Writeback is what the fake knows about a queued write.
type Writeback struct {
	ID        string
	OfficeID  string
	Method    string
	API       string
	Body      map[string]string
	State     string // "pending", "done", "failed", "deleted"
	Result    string
	CreatedID string
}

// Writebacks returns every writeback queued so far, oldest first.
func (s *Server) Writebacks() []Writeback {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Writeback, 0, len(s.writebacks))
	for _, wb := range s.writebacks {
		out = append(out, Writeback{
			ID: wb.id, OfficeID: wb.office.id, Method: wb.method, API: wb.apiName, Body: maps.Clone(wb.body),
			State: string(wb.state), Result: wb.result, CreatedID: wb.createdID,
		})
	}
	return out
}

// CompleteWriteback runs a pending writeback now, as the practice's SPU
// would: the record is created or changed, or the writeback fails with the
// PMS's reason (an unknown patient, provider or operatory).
func (s *Server) CompleteWriteback(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	wb := s.writeback(id)
	if wb == nil || wb.state != statePending {
		return fmt.Errorf("sikkatest: no pending writeback %s", id)
	}
	s.settle(wb)
	return nil
}

// FailWriteback makes a pending writeback fail with reason.
func (s *Server) FailWriteback(id, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	wb := s.writeback(id)
	if wb == nil || wb.state != statePending {
		return fmt.Errorf("sikkatest: no pending writeback %s", id)
	}
	s.finish(wb, stateFailed, reason, "")
	return nil
}

func (s *Server) writeback(id string) *writeback {
	for _, wb := range s.writebacks {
		if wb.id == id && wb.state != stateDeleted {
			return wb
		}
	}
	return nil
}

// settleDue completes writebacks whose WritebackDelay has passed.
func (s *Server) settleDue() {
	if s.opts.WritebackDelay <= 0 {
		return
	}
	now := s.clock.Now()
	for _, wb := range s.writebacks {
		if wb.state == statePending && wb.office.spuOnline && !now.Before(wb.queued.Add(s.opts.WritebackDelay)) {
			s.settle(wb)
		}
	}
}

func (s *Server) finish(wb *writeback, state writebackState, result, created string) {
	wb.state, wb.result, wb.createdID, wb.completed = state, result, created, s.clock.Now()
}

// wallNow is now as wall clock at the practice (its TimeZone when that is
// an IANA name), the way a PMS stamps its rows.
func (s *Server) wallNow(o *office, practiceID string) time.Time {
	now := s.clock.Now()
	if p, ok := o.practice(practiceID); ok && p.TimeZone != "" {
		if loc, err := time.LoadLocation(p.TimeZone); err == nil {
			return now.In(loc)
		}
	}
	return now.UTC()
}

func wall(t time.Time) string { return t.Format("2006-01-02T15:04:05") }

// settle applies a writeback to the office's data, as the SPU does.
func (s *Server) settle(wb *writeback) {
	o, b := wb.office, wb.body
	now := s.wallNow(o, wb.practiceID)
	fail := func(reason string) { s.finish(wb, stateFailed, reason, "") }
	switch {
	case wb.method == http.MethodPost && wb.api == "patients":
		if b["provider_id"] != "" && !o.provider(b["provider_id"]) {
			fail("Provider does not exist in PMS")
			return
		}
		id := s.addPatient(o, Patient{
			PracticeID: wb.practiceID, FirstName: b["firstname"], LastName: b["lastname"], BirthDate: b["birthdate"],
			Gender: b["gender"], Cell: b["cell"], HomePhone: b["homephone"], WorkPhone: b["workphone"],
			OtherPhone: b["other_phone"], Email: b["email"], ProviderID: b["provider_id"], City: b["city"],
			State: b["state"], Zipcode: b["zipcode"], CreatedDate: now.Format("2006-01-02") + "T00:00:00",
		})
		s.finish(wb, stateDone, "New Patient inserted successfully", id)
	case wb.method == http.MethodPost:
		switch {
		case o.patient(b["patient_id"]) == nil:
			fail("Patient does not exist in PMS")
			return
		case !o.provider(b["provider_id"]):
			fail("Provider does not exist in PMS")
			return
		case !o.operatory(b["operatory"]):
			fail("Operatory does not exist in PMS")
			return
		}
		length, _ := strconv.Atoi(b["length"])
		status := b["status"]
		if status == "" {
			status = "Scheduled"
		}
		id := s.addAppointment(o, Appointment{
			PracticeID: wb.practiceID, PatientID: b["patient_id"], ProviderID: b["provider_id"], Operatory: b["operatory"],
			Date: b["date"], Time: b["time"], Length: length, Status: status, Type: b["type"],
			Description: b["description"], Note: b["note"], MadeDate: now.Format("2006-01-02"), LastChanged: wall(now),
		})
		s.finish(wb, stateDone, "New Appointment inserted successfully", id)
	case wb.method == http.MethodPatch:
		a := o.appointment(wb.srNo)
		if a == nil {
			fail("Appointment does not exist in PMS")
			return
		}
		a.Status, a.LastChanged = b["value"], wall(now)
		s.finish(wb, stateDone, "Appointment status updated successfully", "")
	default: // PUT
		a := o.appointment(wb.srNo)
		switch {
		case a == nil:
			fail("Appointment does not exist in PMS")
			return
		case b["provider_id"] != "" && !o.provider(b["provider_id"]):
			fail("Provider does not exist in PMS")
			return
		case b["operatory"] != "" && !o.operatory(b["operatory"]):
			fail("Operatory does not exist in PMS")
			return
		}
		set := func(dst *string, k string) {
			if v := b[k]; v != "" {
				*dst = v
			}
		}
		set(&a.Date, "date")
		set(&a.Time, "time")
		set(&a.Operatory, "operatory")
		set(&a.ProviderID, "provider_id")
		set(&a.Status, "status")
		if n, err := strconv.Atoi(b["length"]); err == nil {
			a.Length = n
		}
		a.LastChanged = wall(now)
		s.finish(wb, stateDone, "Appointment updated successfully", "")
	}
}

// field is one field of a writeback body, its value as sent.
type field struct{ name, value string }

// writeBody decodes a writeback's JSON object; values may be strings or
// numbers. It returns the fields trimmed, as the PMS stores them, and in the
// order and text they were sent (a number as written), as api_request_body
// echoes them.
func writeBody(w http.ResponseWriter, r *http.Request) (map[string]string, []field, bool) {
	sent, err := decodeFields(r.Body)
	if err != nil {
		invalid(w, "body")
		return nil, nil, false
	}
	out := map[string]string{}
	for _, f := range sent {
		out[f.name] = strings.TrimSpace(f.value)
	}
	return out, sent, true
}

func decodeFields(r io.Reader) ([]field, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out []field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case nil:
		case string:
			out = append(out, field{t.(string), v})
		case json.Number:
			out = append(out, field{t.(string), v.String()})
		default:
			out = append(out, field{t.(string), fmt.Sprint(v)})
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// queue validates and queues a writeback: required fields (400 API1020),
// the practice (401 API2007), check_spu against an offline SPU (412
// API2017).
func (s *Server) queue(w http.ResponseWriter, r *http.Request, rc *reqCtx, api, apiName, srNo string, required ...string) *writeback {
	b, sent, ok := writeBody(w, r)
	if !ok {
		return nil
	}
	for _, f := range append([]string{"practice_id"}, required...) {
		if b[f] == "" {
			missing(w, f)
			return nil
		}
	}
	if _, ok := rc.office.practice(b["practice_id"]); !ok {
		writeError(w, http.StatusUnauthorized, "API2007", "Authentication/Authorization Failed", "You are not authorized to access practice details with Sikka API.")
		return nil
	}
	for _, f := range []string{"date", "birthdate"} {
		if v := b[f]; v != "" && !isDate(v) {
			invalid(w, f)
			return nil
		}
	}
	if v := b["time"]; v != "" && !isHHMM(v) {
		invalid(w, "time")
		return nil
	}
	if v := b["length"]; v != "" {
		if n, err := strconv.Atoi(v); err != nil || n <= 0 {
			invalid(w, "length")
			return nil
		}
	}
	if strings.EqualFold(b["check_spu"], "true") && !rc.office.spuOnline {
		writeMessage(w, http.StatusPreconditionFailed, message{
			ErrorCode:       "API2017",
			ShortMessage:    "The server does not meet one of the preconditions that the requester put on the request.",
			LogMessage:      "Sikka platform utility is offline",
			MoreInformation: "--",
		})
		return nil
	}
	wb := &writeback{
		id: s.newID(), office: rc.office, practiceID: b["practice_id"], method: r.Method, api: api, apiName: apiName,
		srNo: srNo, body: b, sent: sent, requestKey: rc.key.key, queued: s.clock.Now(), state: statePending,
	}
	s.writebacks = append(s.writebacks, wb)
	return wb
}

func isHHMM(s string) bool {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	return ok && len(m) == 2 && err1 == nil && err2 == nil && hh >= 0 && hh < 24 && mm >= 0 && mm < 60
}

func (s *Server) queued(w http.ResponseWriter, status int, code, short string, wb *writeback) {
	writeMessage(w, status, message{
		ErrorCode: code, ShortMessage: short, LongMessage: "Id:" + wb.id,
		MoreInformation: "https://api.sikkasoft.com/v4/writeback_status?id=" + wb.id,
	})
}

// createAppointment serves POST /appointment: 201 API2016, id in the text.
func (s *Server) createAppointment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	wb := s.queue(w, r, rc, "appointments", "appointment", "", "patient_id", "date", "time", "description", "provider_id", "length", "operatory")
	if wb != nil {
		s.queued(w, http.StatusCreated, "API2016", "New resource created successfully", wb)
	}
}

// createPatient serves POST /patient.
func (s *Server) createPatient(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	wb := s.queue(w, r, rc, "patients", "patient", "", "firstname", "lastname", "provider_id")
	if wb != nil {
		s.queued(w, http.StatusCreated, "API2016", "New resource created successfully", wb)
	}
}

// patchAppointment serves PATCH /appointments/{sr}: a status change.
func (s *Server) patchAppointment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	wb := s.queue(w, r, rc, "appointments", "appointment", r.PathValue("sr"), "op", "path", "value")
	if wb == nil {
		return
	}
	if wb.body["op"] != "replace" {
		s.writebacks = s.writebacks[:len(s.writebacks)-1]
		invalid(w, "op")
		return
	}
	s.queued(w, http.StatusOK, "API0007", "Appointment status logged successfully", wb)
}

// putAppointment serves PUT /appointments/{sr}: provider_id and at least
// one of date, time, length, operatory, status.
func (s *Server) putAppointment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	wb := s.queue(w, r, rc, "appointments", "appointment", r.PathValue("sr"), "provider_id")
	if wb == nil {
		return
	}
	if !slices.ContainsFunc([]string{"date", "time", "length", "operatory", "status"}, func(f string) bool { return wb.body[f] != "" }) {
		s.writebacks = s.writebacks[:len(s.writebacks)-1]
		missing(w, "date/time/length/operatory/status")
		return
	}
	s.queued(w, http.StatusOK, "API0007", "Appointment status logged successfully", wb)
}

// writebackStatus serves GET /writeback_status?id=, always wrapped in an
// array as Sikka's example is.
func (s *Server) writebackStatus(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.URL.Query().Get("id")
	if id == "" {
		missing(w, "id")
		return
	}
	wb := s.writeback(id)
	if wb == nil || wb.office != rc.office {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	wb.polls++
	if wb.state == statePending && s.opts.WritebackPolls > 0 && wb.polls >= s.opts.WritebackPolls && wb.office.spuOnline {
		s.settle(wb)
	}
	status, completed := "Pending", ""
	switch wb.state {
	case stateDone:
		status = "Success"
	case stateFailed:
		status = "Failed"
	}
	if !wb.completed.IsZero() {
		completed = wb.completed.UTC().Format("2006-01-02 15:04:05")
	}
	patientID := ""
	if wb.api == "patients" {
		patientID = wb.createdID
	}
	row := map[string]string{
		"id": wb.id, "office_id": wb.office.id, "method": wb.method, "api": wb.api, "payload_body": "",
		"appointment_sr_no": wb.srNo, "request_time": wb.queued.UTC().Format("2006-01-02 15:04:05"),
		"is_completed": boolWord(wb.state != statePending), "has_error": boolWord(wb.state == stateFailed),
		"completed_time": completed, "result": wb.result, "practice_id": wb.practiceID, "status": status,
		"patient_id": patientID, "created_id": wb.createdID,
	}
	s.page(w, r, "writeback_status", []map[string]string{row}, nil, true)
}

// listWritebacks serves GET /writebacks: startdate and enddate required, at
// most 7 days apart.
func (s *Server) listWritebacks(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	q := r.URL.Query()
	from, to := q.Get("startdate"), q.Get("enddate")
	switch {
	case from == "":
		missing(w, "startdate")
		return
	case to == "":
		missing(w, "enddate")
		return
	}
	start, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || end.Before(start) || end.Sub(start) > 7*24*time.Hour {
		invalid(w, "Date range of startdate and enddate should not be greater than 7 days. startdate/enddate")
		return
	}
	var rows []map[string]string
	for _, wb := range s.writebacks {
		day := wb.queued.UTC().Format(time.DateOnly)
		if wb.state == stateDeleted || day < from || day > to || (q.Get("id") != "" && q.Get("id") != wb.id) {
			continue
		}
		result, completed, duration := "pending", "", ""
		if wb.state != statePending {
			result = wb.result
			completed = wallTime(wb.completed)
			duration = strconv.Itoa(int(wb.completed.Sub(wb.queued) / time.Second))
		}
		rows = append(rows, map[string]string{
			"href": "https://api.sikkasoft.com/v4/writebacks/" + wb.id, "description": "", "id": wb.id,
			"result": result, "office_id": wb.office.id, "method": wb.method, "completed_time": completed,
			"api_name": wb.apiName, "api_request_body": requestBody(wb), "command_time": wallTime(wb.queued),
			"duration_in_second": duration,
		})
	}
	s.page(w, r, "writebacks", rows, nil, s.opts.WrapEnvelopes)
}

// requestBody renders api_request_body as Sikka's example does: form-like,
// unescaped, the request key masked, the fields in the order and with the
// text they were sent in, then apiname and the path's id.
func requestBody(wb *writeback) string {
	key := strings.Repeat("*", len(wb.requestKey))
	if k := wb.requestKey; len(k) > 16 {
		key = k[:10] + key[16:] + k[len(k)-6:]
	}
	parts := []string{"request_key=" + key}
	for _, f := range wb.sent {
		parts = append(parts, f.name+"="+f.value)
	}
	parts = append(parts, "apiname="+wb.method+" "+wb.api)
	if wb.srNo != "" {
		parts = append(parts, "id="+wb.srNo)
	}
	return strings.Join(parts, "&")
}

// deleteWriteback serves DELETE /writebacks?id=: only a pending writeback
// can be deleted (API4006).
func (s *Server) deleteWriteback(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	id := r.URL.Query().Get("id")
	if id == "" {
		missing(w, "id")
		return
	}
	wb := s.writeback(id)
	switch {
	case wb == nil:
		writeError(w, http.StatusNotFound, "API2009", "Resource not found", "The resource you requested does not exist.")
	case wb.state != statePending:
		invalid(w, "id (only a pending writeback request can be deleted)")
	default:
		wb.state = stateDeleted
		writeMessage(w, http.StatusOK, message{ErrorCode: "API4006", LongMessage: "Writeback request deleted successfully."})
	}
}
