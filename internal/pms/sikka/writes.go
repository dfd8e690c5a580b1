package sikka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// checkSPU makes Sikka answer 412 API2017 at once when the practice's Sikka
// Practice Utility is offline, instead of queuing a write that cannot run.
const checkSPU = "true"

// CreatePatient queues POST /patient. Sikka requires firstname, lastname,
// provider_id and practice_id.
func (p *Practice) CreatePatient(ctx context.Context, np pms.NewPatient) (string, error) {
	if strings.TrimSpace(np.FirstName) == "" || strings.TrimSpace(np.LastName) == "" || np.ProviderID == "" {
		return "", fmt.Errorf("sikka: create patient: first name, last name and provider are required: %w", pms.ErrRejected)
	}
	body := map[string]string{
		"firstname":   strings.TrimSpace(np.FirstName),
		"lastname":    strings.TrimSpace(np.LastName),
		"provider_id": np.ProviderID,
		"practice_id": p.st.practiceID,
		"check_spu":   checkSPU,
	}
	if !np.BirthDate.IsZero() {
		body["birthdate"] = np.BirthDate.String()
	}
	if np.Email != "" {
		body["email"] = np.Email
	}
	if np.Phone != "" {
		body["cell"] = pmsPhone(np.Phone)
	}
	return p.write(ctx, http.MethodPost, "/patient", body)
}

// pmsPhone formats a number for a PMS: the 10 national digits for a North
// American number (some PMSs accept nothing else), else E.164.
func pmsPhone(s string) string {
	n, err := phone.Normalize(s)
	if err != nil {
		return s
	}
	if strings.HasPrefix(n, "+1") && len(n) == 12 {
		return n[2:]
	}
	return n
}

// CreateAppointment queues POST /appointment. Date and time are wall clock
// in the practice's zone; length is whole minutes.
func (p *Practice) CreateAppointment(ctx context.Context, a pms.NewAppointment) (string, error) {
	if a.PatientID == "" || a.ProviderID == "" || a.OperatoryID == "" || a.Start.IsZero() || a.Length <= 0 {
		return "", fmt.Errorf("sikka: create appointment: patient, provider, operatory, start and length are required: %w", pms.ErrRejected)
	}
	start := a.Start.In(p.loc)
	body := map[string]string{
		"patient_id":  a.PatientID,
		"provider_id": a.ProviderID,
		"operatory":   a.OperatoryID,
		"date":        start.Format(time.DateOnly),
		"time":        start.Format("15:04"),
		"length":      strconv.Itoa(minutes(a.Length)),
		"description": description(a.Description),
		"practice_id": p.st.practiceID,
		"check_spu":   checkSPU,
	}
	if a.TypeID != "" {
		body["type"] = a.TypeID
	}
	if a.Note != "" {
		body["note"] = a.Note
	}
	return p.write(ctx, http.MethodPost, "/appointment", body)
}

// minutes rounds a length up to whole minutes: Sikka takes an integer.
func minutes(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }

// description keeps letters, digits and single spaces: Sikka refuses
// special characters in it. It is required, so an empty one becomes
// "Appointment".
func description(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "Appointment"
	}
	return s
}

// CancelAppointment queues PATCH /appointments/{id} setting the status to
// the practice's cancelled status (see AppointmentStatuses). Sikka has no
// DELETE for appointments. The reason goes to cancellation_note, which only
// Planet DDS keeps.
func (p *Practice) CancelAppointment(ctx context.Context, appointmentID, reason string) (string, error) {
	if appointmentID == "" {
		return "", fmt.Errorf("sikka: cancel appointment: no id: %w", pms.ErrRejected)
	}
	status, err := p.cancelValue(ctx)
	if err != nil {
		return "", err
	}
	body := map[string]string{
		"op":                "replace",
		"path":              "/appointment_status",
		"value":             status,
		"practice_id":       p.st.practiceID,
		"appointment_sr_no": appointmentID,
		"check_spu":         checkSPU,
	}
	if reason != "" {
		body["cancellation_note"] = reason
	}
	return p.write(ctx, http.MethodPatch, "/appointments/"+url.PathEscape(appointmentID), body)
}

// RescheduleAppointment queues PUT /appointments/{id}. Sikka marks
// provider_id required, so when r keeps the provider the appointment's
// current one is read and sent.
func (p *Practice) RescheduleAppointment(ctx context.Context, appointmentID string, r pms.Reschedule) (string, error) {
	if appointmentID == "" || (r.Start.IsZero() && r.Length <= 0 && r.ProviderID == "" && r.OperatoryID == "") {
		return "", fmt.Errorf("sikka: reschedule appointment: an id and something to change are required: %w", pms.ErrRejected)
	}
	body := map[string]string{"practice_id": p.st.practiceID, "check_spu": checkSPU}
	if !r.Start.IsZero() {
		start := r.Start.In(p.loc)
		body["date"] = start.Format(time.DateOnly)
		body["time"] = start.Format("15:04")
	}
	if r.Length > 0 {
		body["length"] = strconv.Itoa(minutes(r.Length))
	}
	if r.OperatoryID != "" {
		body["operatory"] = r.OperatoryID
	}
	body["provider_id"] = r.ProviderID
	if r.ProviderID == "" {
		cur, err := p.appointment(ctx, appointmentID)
		if err != nil {
			return "", err
		}
		body["provider_id"] = cur.ProviderID
	}
	return p.write(ctx, http.MethodPut, "/appointments/"+url.PathEscape(appointmentID), body)
}

// write sends a writeback and returns its id. Creating writes (POST) are not
// retried after an unanswered attempt: the write may have been queued.
func (p *Practice) write(ctx context.Context, method, path string, body map[string]string) (string, error) {
	resp, err := p.send(ctx, call{method: method, path: path, body: body, idempotent: method != http.MethodPost})
	if err != nil {
		return "", err
	}
	id, err := writebackID(resp.body)
	if err != nil {
		return "", fmt.Errorf("sikka: %s %s: %w", method, path, err)
	}
	return id, nil
}

var idInMessage = regexp.MustCompile(`(?i)\bid\s*:\s*([A-Za-z0-9_-]+)`)

// writebackID finds the writeback id, which Sikka gives only inside text:
// long_message "Id:275495" or more_information ".../writeback_status?id=275495".
func writebackID(body []byte) (string, error) {
	var b struct {
		LongMessage     str `json:"long_message"`
		LogMessage      str `json:"log_message"`
		MoreInformation str `json:"more_information"`
	}
	if err := json.Unmarshal(unwrapArray(body), &b); err != nil {
		return "", fmt.Errorf("decode writeback answer: %w", err)
	}
	for _, s := range []str{b.LongMessage, b.LogMessage} {
		if m := idInMessage.FindStringSubmatch(string(s)); m != nil {
			return m[1], nil
		}
	}
	if u, err := url.Parse(string(b.MoreInformation)); err == nil {
		if id := u.Query().Get("id"); id != "" {
			return id, nil
		}
	}
	return "", errors.New("writeback answer holds no writeback id")
}

type writebackStatusItem struct {
	ID              str `json:"id"`
	Method          str `json:"method"`
	IsCompleted     str `json:"is_completed"`
	HasError        str `json:"has_error"`
	Result          str `json:"result"`
	CreatedID       str `json:"created_id"`
	PatientID       str `json:"patient_id"`
	AppointmentSrNo str `json:"appointment_sr_no"`
}

// WritebackStatus polls GET /writeback_status. is_completed "False" is
// pending; completed without error gives the new record's id in created_id
// (for a create, patient_id or appointment_sr_no when created_id is empty);
// completed with has_error "True" failed, and result says why.
func (p *Practice) WritebackStatus(ctx context.Context, writebackID string) (pms.WritebackStatus, error) {
	items, err := collect(list[writebackStatusItem](ctx, p.c.pageSize, p.get("/writeback_status"), "/writeback_status", url.Values{"id": {writebackID}}))
	if err != nil {
		return pms.WritebackStatus{}, err
	}
	for _, it := range items {
		if string(it.ID) != writebackID && len(items) > 1 {
			continue
		}
		switch {
		case !it.IsCompleted.truthy():
			return pms.WritebackStatus{State: pms.WritebackPending}, nil
		case it.HasError.truthy():
			return pms.WritebackStatus{State: pms.WritebackFailed, Reason: string(it.Result)}, nil
		}
		id := string(it.CreatedID)
		if id == "" && strings.EqualFold(string(it.Method), http.MethodPost) {
			id = string(it.PatientID)
			if id == "" {
				id = string(it.AppointmentSrNo)
			}
		}
		return pms.WritebackStatus{State: pms.WritebackCompleted, CreatedID: id}, nil
	}
	return pms.WritebackStatus{}, fmt.Errorf("sikka: writeback %s: %w", writebackID, pms.ErrNotFound)
}

// CancelWriteback withdraws a pending write: DELETE /writebacks with the
// application's credentials. Sikka deletes only pending writebacks.
func (p *Practice) CancelWriteback(ctx context.Context, writebackID string) error {
	_, err := p.c.do(ctx, p.c.appLimit, call{
		method: http.MethodDelete, path: "/writebacks", query: url.Values{"id": {writebackID}}, auth: authApp, idempotent: true,
	}, "")
	if err != nil {
		return fmt.Errorf("sikka: cancel writeback %s: %w", writebackID, err)
	}
	return nil
}
