package sikka

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
)

var _ pms.WriteLister = (*Practice)(nil)

const (
	// zoneSlack is the widest distance of a wall clock from UTC (UTC−12 to
	// UTC+14). command_time carries no zone; if Sikka stamps it in a zone
	// other than UTC, reading it as UTC is off by at most this.
	zoneSlack = 14 * time.Hour
	// MaxLookback is how far back QueuedWrites lists. Every 7 days is one
	// more request, and Sikka does not say how long it keeps writebacks.
	MaxLookback = 31 * 24 * time.Hour
)

// QueuedWrites lists the writes of this practice queued since since, in the
// order Sikka lists them, from the application-level GET /writebacks
// (App-Id/App-Key, 7 days per request).
//
// Times: command_time has no zone and Sikka documents none. It is read as
// UTC, as Writebacks reads it and as the fake serves it, and Submitted is
// that reading. So that a write is never missed because the guess is wrong,
// the days asked for and the cut at since both reach zoneSlack further out:
// the list can hold writes queued up to 14 hours before since, and if Sikka
// stamps another zone, Submitted is off by that zone's offset.
//
// Kept: writes of this office whose body names this practice or no practice,
// of the four kinds frontdesk makes (POST appointment, POST patient, PATCH
// appointments, PUT appointments); Sikka answers DELETEd (withdrawn) writes
// no more. Body is api_request_body read by requestFields; for a cancel or
// a reschedule, the appointment it changes is Body["appointment_sr_no"]. A
// body that cannot be read leaves Body nil and the write listed. Pending is
// true until the SPU has run the write, whatever the outcome: whether it
// failed is WritebackStatus's to say.
//
// A since further back than MaxLookback, or zero, is refused with
// pms.ErrRejected; a listing that fails returns the error and nothing else.
func (p *Practice) QueuedWrites(ctx context.Context, since time.Time) ([]pms.QueuedWrite, error) {
	now := p.c.clock.Now()
	if since.IsZero() || now.Sub(since) > MaxLookback {
		return nil, fmt.Errorf("sikka: queued writes of office %s: since is more than %v ago: %w", p.st.officeID, MaxLookback, pms.ErrRejected)
	}
	from := since.Add(-zoneSlack)
	wbs, err := p.c.Writebacks(ctx, from, now.Add(zoneSlack))
	if err != nil {
		return nil, fmt.Errorf("sikka: queued writes of office %s: %w", p.st.officeID, err)
	}
	var out []pms.QueuedWrite
	for _, wb := range wbs {
		kind := writeKind(wb.Method, wb.APIName)
		if wb.OfficeID != p.st.officeID || kind == "" || (!wb.CommandTime.IsZero() && wb.CommandTime.Before(from)) {
			continue
		}
		body := requestFields(wb.RequestBody)
		if pid, ok := body["practice_id"]; ok && pid != p.st.practiceID {
			continue
		}
		if id, ok := body["id"]; ok && (kind == kindCancelAppointment || kind == kindRescheduleAppointment) {
			// Sikka appends the path's record as id; PUT sends it nowhere else.
			if body["appointment_sr_no"] == "" {
				body["appointment_sr_no"] = id
			}
			delete(body, "id")
		}
		out = append(out, pms.QueuedWrite{ID: wb.ID, Kind: kind, Body: body, Pending: wb.Pending(), Submitted: wb.CommandTime})
	}
	return out, nil
}

// The kinds of pms.QueuedWrite.
const (
	kindCreatePatient         = "create_patient"
	kindCreateAppointment     = "create_appointment"
	kindCancelAppointment     = "cancel_appointment"
	kindRescheduleAppointment = "reschedule_appointment"
)

// writeKind names what a listed writeback does, from its method and
// api_name ("appointment" in Sikka's example, whatever the endpoint's
// number); "" for writes frontdesk does not make.
func writeKind(method, apiName string) string {
	api := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(apiName)), "s")
	switch m := strings.ToUpper(strings.TrimSpace(method)); {
	case api == "patient" && m == http.MethodPost:
		return kindCreatePatient
	case api != "appointment":
		return ""
	case m == http.MethodPost:
		return kindCreateAppointment
	case m == http.MethodPatch:
		return kindCancelAppointment
	case m == http.MethodPut:
		return kindRescheduleAppointment
	}
	return ""
}

// requestFields reads api_request_body into the fields as sent, or nil when
// it cannot be read.
//
// Sikka's one example is form-like and unescaped: "request_key=6ae9dabf68
// ***…&op=replace&path=/appointment_status&value=Ready to go back&
// practice_id=1-1&apiname=PATCH appointments&id=374". A value may then hold
// '&' or '=' itself, so a piece that does not start with a field name
// continues the previous value; a value holding "&name=" cannot be told
// from two fields. A JSON object is read too, numbers kept as written.
// Sikka's own additions are dropped: request_key (a masked credential) and
// apiname (Method and APIName say it).
func requestFields(raw string) map[string]string {
	raw = strings.TrimSpace(raw)
	var out map[string]string
	if strings.HasPrefix(raw, "{") {
		out = jsonFields(raw)
	} else {
		out = formFields(raw)
	}
	delete(out, "request_key")
	delete(out, "apiname")
	return out
}

func formFields(raw string) map[string]string {
	out := map[string]string{}
	last := ""
	for piece := range strings.SplitSeq(raw, "&") {
		if k, v, ok := strings.Cut(piece, "="); ok && fieldName(k) {
			out[k], last = v, k
			continue
		}
		if last == "" {
			return nil
		}
		out[last] += "&" + piece
	}
	return out
}

// fieldName reports whether s can be a Sikka field name: letters, digits
// and underscores, as every documented one is.
func fieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// jsonFields reads a flat JSON object whose values are strings, numbers or
// booleans; null values are left out, nesting makes it unreadable.
func jsonFields(raw string) map[string]string {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return nil
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		v = bytes.TrimSpace(v)
		switch {
		case string(v) == "null":
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil
			}
			out[k] = s
		case v[0] == '{' || v[0] == '[':
			return nil
		default:
			out[k] = string(v)
		}
	}
	return out
}
