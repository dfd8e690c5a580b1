package sikkatest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

var t0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

type wire struct {
	t   *testing.T
	srv *sikkatest.Server
	clk *clock.Fake
}

func newWire(t *testing.T, opts sikkatest.Options) *wire {
	t.Helper()
	clk := clock.NewFake(t0)
	opts.Clock = clk
	srv := sikkatest.New(opts)
	t.Cleanup(srv.Close)
	return &wire{t: t, srv: srv, clk: clk}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (a answer) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, a.body)
	}
	return v
}

// object decodes a body that must be a JSON object.
func (a answer) object(t *testing.T) map[string]any {
	t.Helper()
	m, ok := a.json(t).(map[string]any)
	if !ok {
		t.Fatalf("body is not an object: %s", a.body)
	}
	return m
}

func (w *wire) call(method, path string, q url.Values, header map[string]string, body any) answer {
	w.t.Helper()
	u := w.srv.URL + path
	if q != nil {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

func (w *wire) app() map[string]string {
	return map[string]string{"App-Id": w.srv.AppID(), "App-Key": w.srv.AppKey()}
}

// grant gets keys for an office through POST /request_key.
func (w *wire) grant(office, secret string) map[string]any {
	w.t.Helper()
	a := w.call("POST", "/request_key", nil, nil, map[string]string{
		"grant_type": "request_key", "office_id": office, "secret_key": secret, "app_id": w.srv.AppID(), "app_key": w.srv.AppKey(),
	})
	if a.status != 200 {
		w.t.Fatalf("grant: %d %s", a.status, a.body)
	}
	return a.object(w.t)
}

func (w *wire) get(key, path string, q url.Values) answer {
	w.t.Helper()
	return w.call("GET", path, q, map[string]string{"Request-Key": key}, nil)
}

func wantCode(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	m := a.object(t)
	if m["error_code"] != code {
		t.Fatalf("error_code %v, want %s: %s", m["error_code"], code, a.body)
	}
	if m["http_code"] != strconv.Itoa(status) {
		t.Fatalf("http_code %#v is not the status as a string", m["http_code"])
	}
}

func TestRequestKeyGrant(t *testing.T) {
	w := newWire(t, sikkatest.Options{})
	w.srv.SeedPractice("D1", "sec", sikkatest.SeedOptions{})
	k := w.grant("D1", "sec")
	for _, f := range []string{"request_key", "refresh_key", "start_time", "end_time", "expires_in", "issued_to", "status", "request_count"} {
		if _, ok := k[f].(string); !ok {
			t.Errorf("%s = %#v, want a string", f, k[f])
		}
	}
	if k["expires_in"] != "86400 second(s)" || k["end_time"] != "2026-03-03T15:00:00" || k["issued_to"] != "D1" {
		t.Errorf("answer %v", k)
	}

	tests := []struct {
		name   string
		body   map[string]string
		status int
		code   string
	}{
		{"no app id", map[string]string{"grant_type": "request_key", "office_id": "D1", "secret_key": "sec", "app_key": w.srv.AppKey()}, 400, "API1001"},
		{"no app key", map[string]string{"grant_type": "request_key", "office_id": "D1", "secret_key": "sec", "app_id": w.srv.AppID()}, 400, "API1002"},
		{"no office", map[string]string{"grant_type": "request_key", "secret_key": "sec", "app_id": w.srv.AppID(), "app_key": w.srv.AppKey()}, 400, "API1003"},
		{"no secret", map[string]string{"grant_type": "request_key", "office_id": "D1", "app_id": w.srv.AppID(), "app_key": w.srv.AppKey()}, 400, "API1005"},
		{"wrong secret", map[string]string{"grant_type": "request_key", "office_id": "D1", "secret_key": "nope", "app_id": w.srv.AppID(), "app_key": w.srv.AppKey()}, 401, "API2003"},
		{"wrong app key", map[string]string{"grant_type": "request_key", "office_id": "D1", "secret_key": "sec", "app_id": w.srv.AppID(), "app_key": "nope"}, 401, "API2003"},
		{"unknown refresh key", map[string]string{"grant_type": "refresh_key", "refresh_key": "nope", "app_id": w.srv.AppID(), "app_key": w.srv.AppKey()}, 401, "API2003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, w.call("POST", "/request_key", nil, nil, tt.body), tt.status, tt.code)
		})
	}
}

func TestRequestKeyLifecycle(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(map[bool]string{false: "same refresh key", true: "rotating refresh key"}[rotate], func(t *testing.T) {
			w := newWire(t, sikkatest.Options{KeyTTL: time.Hour, RotateRefreshKeys: rotate})
			w.srv.SeedPractice("D1", "sec", sikkatest.SeedOptions{})
			k := w.grant("D1", "sec")
			key := k["request_key"].(string)

			wantCode(t, w.get("", "/practices", nil), 400, "API1004")
			wantCode(t, w.get("not-a-key", "/practices", nil), 400, "API1004")
			a := w.get(key, "/practices", nil)
			if a.status != 200 {
				t.Fatalf("fresh key: %d %s", a.status, a.body)
			}
			if got := a.header.Get("Request-Key-Expires"); got != "Mon, 02 Mar 2026 16:00:00 GMT" {
				t.Errorf("Request-Key-Expires %q", got)
			}
			if a := w.get("", "/practices", url.Values{"request_key": {key}}); a.status != 200 {
				t.Errorf("request_key as a parameter: %d", a.status)
			}

			w.clk.Advance(time.Hour)
			wantCode(t, w.get(key, "/practices", nil), 400, "API1025")

			refresh := map[string]string{"grant_type": "refresh_key", "refresh_key": k["refresh_key"].(string), "app_id": w.srv.AppID(), "app_key": w.srv.AppKey()}
			r := w.call("POST", "/request_key", nil, nil, refresh)
			if r.status != 200 {
				t.Fatalf("refresh: %d %s", r.status, r.body)
			}
			nk := r.object(t)
			if a := w.get(nk["request_key"].(string), "/practices", nil); a.status != 200 {
				t.Fatalf("refreshed key: %d %s", a.status, a.body)
			}
			if rotated := nk["refresh_key"] != k["refresh_key"]; rotated != rotate {
				t.Fatalf("refresh key rotated = %v", rotated)
			}
			again := w.call("POST", "/request_key", nil, nil, refresh)
			if rotate {
				wantCode(t, again, 401, "API2003")
			} else if again.status != 200 {
				t.Fatalf("refresh key reused: %d", again.status)
			} else {
				wantCode(t, w.get(nk["request_key"].(string), "/practices", nil), 400, "API1025")
			}
			if got := w.srv.Refreshes(); got != 2 {
				t.Errorf("Refreshes() = %d, want 2", got)
			}
		})
	}
}

func TestAuthorization(t *testing.T) {
	w := newWire(t, sikkatest.Options{})
	w.srv.SeedPractice("D1", "sec", sikkatest.SeedOptions{})
	w.srv.SeedPractice("D2", "sec2", sikkatest.SeedOptions{PracticeID: "7"})
	key := w.grant("D1", "sec")["request_key"].(string)

	wantCode(t, w.get(key, "/patients", url.Values{"practice_id": {"7"}}), 401, "API2007")
	wantCode(t, w.call("GET", "/authorized_practices", nil, nil, nil), 400, "API1001")
	wantCode(t, w.call("GET", "/authorized_practices", nil, map[string]string{"App-Id": w.srv.AppID()}, nil), 400, "API1002")
	wantCode(t, w.call("GET", "/authorized_practices", nil, map[string]string{"App-Id": w.srv.AppID(), "App-Key": "x"}, nil), 401, "API2003")

	a := w.call("GET", "/authorized_practices", url.Values{"show": {"all"}}, w.app(), nil)
	if a.status != 200 || a.object(t)["total_count"] != "2" {
		t.Fatalf("show=all: %d %s", a.status, a.body)
	}
	if a := w.call("GET", "/authorized_practices", nil, w.app(), nil); a.object(t)["total_count"] != "1" {
		t.Fatalf("default lists only practice 1: %s", a.body)
	}

	w.srv.Deauthorize("D1")
	wantCode(t, w.get(key, "/patients", nil), 401, "API2007")
}

func TestPagesAreIndexes(t *testing.T) {
	w := newWire(t, sikkatest.Options{})
	w.srv.SeedPractice("D1", "sec", sikkatest.SeedOptions{Patients: 120})
	key := w.grant("D1", "sec")["request_key"].(string)

	first := w.get(key, "/patients", nil).object(t)
	if first["limit"] != "50" || first["offset"] != "0" || first["total_count"] != "120" || len(first["items"].([]any)) != 50 {
		t.Fatalf("default page: limit %v offset %v total %v", first["limit"], first["offset"], first["total_count"])
	}
	all := w.get(key, "/patients", url.Values{"limit": {"5000"}}).object(t)["items"].([]any)
	second := w.get(key, "/patients", url.Values{"offset": {"1"}, "limit": {"50"}}).object(t)
	items := second["items"].([]any)
	if len(items) != 50 || !reflect.DeepEqual(items, all[50:100]) {
		t.Fatalf("offset=1&limit=50 is not rows 51 to 100")
	}
	if last := w.get(key, "/patients", url.Values{"offset": {"2"}, "limit": {"50"}}).object(t); len(last["items"].([]any)) != 20 || last["pagination"].(map[string]any)["next"] != "" {
		t.Fatalf("last page: %d items", len(last["items"].([]any)))
	}
	if a := w.get(key, "/patients", url.Values{"offset": {"3"}, "limit": {"50"}}); a.status != 204 || len(a.body) != 0 {
		t.Fatalf("past the end: %d %q", a.status, a.body)
	}
	if big := w.get(key, "/patients", url.Values{"limit": {"9999"}}).object(t); big["limit"] != "5000" {
		t.Fatalf("limit is capped at 5000, got %v", big["limit"])
	}
}

func TestFieldsAndFilters(t *testing.T) {
	w := newWire(t, sikkatest.Options{})
	w.srv.AddOffice("D1", "sec")
	w.srv.AddPractice("D1", sikkatest.Practice{ID: "1", Name: "P"})
	w.srv.AddPatient("D1", sikkatest.Patient{ID: "1", PracticeID: "1", FirstName: "Joe", LastName: "Ames", BirthDate: "1984-12-10", Cell: "555-010-0123"})
	w.srv.AddPatient("D1", sikkatest.Patient{ID: "2", PracticeID: "1", FirstName: "Ann", LastName: "Bell", BirthDate: "1990-01-02", HomePhone: "(555) 010-0199"})
	w.srv.AddPatient("D1", sikkatest.Patient{ID: "3", PracticeID: "1", FirstName: "Joey", LastName: "Cole", BirthDate: "2001-05-06", WorkPhone: "555.010.0123"})
	key := w.grant("D1", "sec")["request_key"].(string)

	ids := func(q url.Values) []string {
		t.Helper()
		a := w.get(key, "/patients", q)
		if a.status == 204 {
			return nil
		}
		var out []string
		for _, it := range a.object(t)["items"].([]any) {
			out = append(out, it.(map[string]any)["patient_id"].(string))
		}
		return out
	}
	tests := []struct {
		name string
		q    url.Values
		want []string
	}{
		{"search finds any phone field", url.Values{"search": {"0123"}}, []string{"1", "3"}},
		{"search finds a home phone", url.Values{"search": {"0199"}}, []string{"2"}},
		{"cell is an exact match on the stored text", url.Values{"cell": {"5550100123"}}, nil},
		{"cell as stored", url.Values{"cell": {"555-010-0123"}}, []string{"1"}},
		{"firstname", url.Values{"firstname": {"joe"}}, []string{"1"}},
		{"rql birthdate", url.Values{"find": {"birthdate=eq_1990-01-02"}}, []string{"2"}},
		{"rql birthdate range", url.Values{"find": {"birthdate=gte_1990-01-01::AND::birthdate=lt_2000-01-01"}}, []string{"2"}},
		{"rql or", url.Values{"find": {"patient_id=eq_1::OR::patient_id=eq_3"}}, []string{"1", "3"}},
		{"rql like is a prefix", url.Values{"find": {"firstname=like_jo"}}, []string{"1", "3"}},
		{"nothing", url.Values{"lastname": {"Zed"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(tt.q); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	wantCode(t, w.get(key, "/patients", url.Values{"find": {"birthdate=about_1990"}}), 400, "API1026")

	fieldsOf := func(q url.Values) map[string]any {
		return w.get(key, "/patients", q).object(t)["items"].([]any)[1].(map[string]any)
	}
	if _, ok := fieldsOf(nil)["homephone"]; ok {
		t.Error("homephone is not a default field")
	}
	if fieldsOf(url.Values{"fields": {"homephone,workphone"}})["homephone"] != "(555) 010-0199" {
		t.Error("fields=homephone adds it")
	}
	if m := fieldsOf(url.Values{"fields": {"get_all"}}); m["homephone"] != "(555) 010-0199" || m["gender"] == nil {
		t.Error("get_all gives every field")
	}
	if m := fieldsOf(url.Values{"lightweight": {"true"}, "fields": {"firstname"}}); len(m) != 1 {
		t.Errorf("lightweight gives only the named fields: %v", m)
	}
}

func TestAppointmentsAndOperatories(t *testing.T) {
	w := newWire(t, sikkatest.Options{WrapEnvelopes: true})
	w.srv.AddOffice("D1", "sec")
	w.srv.AddPractice("D1", sikkatest.Practice{ID: "1", CustID: "9"})
	w.srv.AddOperatory("D1", sikkatest.Operatory{ID: "OP1", CustID: "9"})
	w.srv.AddAppointment("D1", sikkatest.Appointment{SrNo: "10", PracticeID: "1", Date: "2026-03-02", Time: "09:00", Length: 30, Operatory: "OP1", LastChanged: "2026-02-01T10:00:00"})
	w.srv.AddAppointment("D1", sikkatest.Appointment{SrNo: "11", PracticeID: "1", Date: "2026-03-05", Time: "09:00", Length: 30, Operatory: "OP1", LastChanged: "2026-03-01T10:00:00"})
	key := w.grant("D1", "sec")["request_key"].(string)

	a := w.get(key, "/appointments", url.Values{"startdate": {"2026-03-01"}, "enddate": {"2026-03-03"}})
	if !bytes.HasPrefix(bytes.TrimSpace(a.body), []byte("[")) {
		t.Fatalf("WrapEnvelopes: body does not start with [: %s", a.body)
	}
	env := a.json(t).([]any)[0].(map[string]any)
	items := env["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["appointment_sr_no"] != "10" {
		t.Fatalf("date window: %v", items)
	}
	if _, ok := items[0].(map[string]any)["operatory"]; ok {
		t.Error("operatory is not a default field")
	}
	b := w.get(key, "/appointments", url.Values{"date_filter_on": {"last_changed_date"}, "startdate": {"2026-02-15"}, "fields": {"operatory,last_changed_date"}})
	got := b.json(t).([]any)[0].(map[string]any)["items"].([]any)
	if len(got) != 1 || got[0].(map[string]any)["appointment_sr_no"] != "11" || got[0].(map[string]any)["operatory"] != "OP1" {
		t.Fatalf("last_changed_date: %v", got)
	}
	if got[0].(map[string]any)["length"] != "30" {
		t.Error("length is a string")
	}
	wantCode(t, w.get(key, "/appointments", url.Values{"date_filter_on": {"whenever"}}), 400, "API1026")

	wantCode(t, w.get(key, "/operatories", nil), 400, "API1020")
	if a := w.get(key, "/operatories", url.Values{"cust_id": {"9"}}); a.status != 200 {
		t.Fatalf("operatories with cust_id: %d", a.status)
	}
	if a := w.get(key, "/operatories", url.Values{"cust_id": {"1"}}); a.status != 204 {
		t.Fatalf("no match is 204, got %d", a.status)
	}
}

func writebackSetup(t *testing.T, opts sikkatest.Options) (*wire, string) {
	w := newWire(t, opts)
	w.srv.AddOffice("D1", "sec")
	w.srv.AddPractice("D1", sikkatest.Practice{ID: "1"})
	w.srv.AddProvider("D1", sikkatest.Provider{ID: "DR1", PracticeID: "1"})
	w.srv.AddOperatory("D1", sikkatest.Operatory{ID: "OP1"})
	w.srv.AddPatient("D1", sikkatest.Patient{ID: "50", PracticeID: "1", FirstName: "A", LastName: "B"})
	return w, w.grant("D1", "sec")["request_key"].(string)
}

func book(patient string) map[string]string {
	return map[string]string{
		"patient_id": patient, "date": "2026-03-09", "time": "10:30", "length": "30", "description": "Cleaning",
		"provider_id": "DR1", "operatory": "OP1", "practice_id": "1",
	}
}

// status polls writeback_status and returns its single item.
func status(t *testing.T, w *wire, key, id string) map[string]any {
	t.Helper()
	a := w.get(key, "/writeback_status", url.Values{"id": {id}})
	arr, ok := a.json(t).([]any)
	if !ok || len(arr) != 1 {
		t.Fatalf("writeback_status is not wrapped in an array: %s", a.body)
	}
	return arr[0].(map[string]any)["items"].([]any)[0].(map[string]any)
}

func TestWritebacks(t *testing.T) {
	w, key := writebackSetup(t, sikkatest.Options{})
	hdr := map[string]string{"Request-Key": key}

	a := w.call("POST", "/appointment", nil, hdr, book("50"))
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	m := a.object(t)
	if m["error_code"] != "API2016" || !strings.HasPrefix(m["long_message"].(string), "Id:") {
		t.Fatalf("create answer %v", m)
	}
	id := strings.TrimPrefix(m["long_message"].(string), "Id:")
	if m["more_information"] != "https://api.sikkasoft.com/v4/writeback_status?id="+id {
		t.Errorf("more_information %v", m["more_information"])
	}
	if st := status(t, w, key, id); st["is_completed"] != "False" || st["has_error"] != "False" {
		t.Fatalf("new writeback is not pending: %v", st)
	}
	if n := len(w.srv.Appointments("D1")); n != 0 {
		t.Fatalf("appointment created before the SPU ran: %d", n)
	}
	if err := w.srv.CompleteWriteback(id); err != nil {
		t.Fatal(err)
	}
	st := status(t, w, key, id)
	appts := w.srv.Appointments("D1")
	if st["is_completed"] != "True" || st["has_error"] != "False" || len(appts) != 1 || st["created_id"] != appts[0].SrNo {
		t.Fatalf("completed: %v, appointments %v", st, appts)
	}

	bad := w.call("POST", "/appointment", nil, hdr, book("999")).object(t)
	badID := strings.TrimPrefix(bad["long_message"].(string), "Id:")
	if err := w.srv.CompleteWriteback(badID); err != nil {
		t.Fatal(err)
	}
	if st := status(t, w, key, badID); st["is_completed"] != "True" || st["has_error"] != "True" || st["result"] != "Patient does not exist in PMS" {
		t.Fatalf("unknown patient: %v", st)
	}

	missing := book("50")
	delete(missing, "operatory")
	wantCode(t, w.call("POST", "/appointment", nil, hdr, missing), 400, "API1020")

	patch := w.call("PATCH", "/appointments/"+appts[0].SrNo, nil, hdr, map[string]string{"op": "replace", "path": "/appointment_status", "value": "Cancelled", "practice_id": "1"})
	if patch.status != 200 || patch.object(t)["error_code"] != "API0007" {
		t.Fatalf("patch: %d %s", patch.status, patch.body)
	}
	pid := strings.TrimPrefix(patch.object(t)["long_message"].(string), "Id:")
	if err := w.srv.CompleteWriteback(pid); err != nil {
		t.Fatal(err)
	}
	if got := w.srv.Appointments("D1")[0].Status; got != "Cancelled" {
		t.Fatalf("status after PATCH %q", got)
	}

	pat := w.call("POST", "/patient", nil, hdr, map[string]string{"firstname": "New", "lastname": "Person", "provider_id": "DR1", "practice_id": "1", "cell": "5550100177"})
	if pat.status != 201 {
		t.Fatalf("patient: %d %s", pat.status, pat.body)
	}
	patID := strings.TrimPrefix(pat.object(t)["long_message"].(string), "Id:")
	if err := w.srv.CompleteWriteback(patID); err != nil {
		t.Fatal(err)
	}
	if st := status(t, w, key, patID); st["created_id"] == "" || len(w.srv.Patients("D1")) != 2 {
		t.Fatalf("patient created: %v", st)
	}
}

func TestWritebacksCompleteOnTheirOwn(t *testing.T) {
	t.Run("after N polls", func(t *testing.T) {
		w, key := writebackSetup(t, sikkatest.Options{WritebackPolls: 3})
		id := strings.TrimPrefix(w.call("POST", "/appointment", nil, map[string]string{"Request-Key": key}, book("50")).object(t)["long_message"].(string), "Id:")
		for i, want := range []string{"False", "False", "True"} {
			if got := status(t, w, key, id)["is_completed"]; got != want {
				t.Fatalf("poll %d: is_completed %v, want %s", i+1, got, want)
			}
		}
	})
	t.Run("after a delay on the clock", func(t *testing.T) {
		w, key := writebackSetup(t, sikkatest.Options{WritebackDelay: 30 * time.Second})
		id := strings.TrimPrefix(w.call("POST", "/appointment", nil, map[string]string{"Request-Key": key}, book("50")).object(t)["long_message"].(string), "Id:")
		if got := status(t, w, key, id)["is_completed"]; got != "False" {
			t.Fatalf("before the delay: %v", got)
		}
		w.clk.Advance(30 * time.Second)
		if got := status(t, w, key, id)["is_completed"]; got != "True" {
			t.Fatalf("after the delay: %v", got)
		}
	})
}

func TestSPUOffline(t *testing.T) {
	w, key := writebackSetup(t, sikkatest.Options{WritebackPolls: 1})
	w.srv.SetSPUOnline("D1", false)
	body := book("50")
	body["check_spu"] = "true"
	a := w.call("POST", "/appointment", nil, map[string]string{"Request-Key": key}, body)
	wantCode(t, a, 412, "API2017")
	if a.object(t)["log_message"] != "Sikka platform utility is offline" {
		t.Errorf("412 body %s", a.body)
	}
	delete(body, "check_spu")
	id := strings.TrimPrefix(w.call("POST", "/appointment", nil, map[string]string{"Request-Key": key}, body).object(t)["long_message"].(string), "Id:")
	if got := status(t, w, key, id)["is_completed"]; got != "False" {
		t.Fatalf("a write without check_spu waits for the SPU: %v", got)
	}
}

func TestWritebackListAndDelete(t *testing.T) {
	w, key := writebackSetup(t, sikkatest.Options{})
	hdr := map[string]string{"Request-Key": key}
	first := strings.TrimPrefix(w.call("POST", "/appointment", nil, hdr, book("50")).object(t)["long_message"].(string), "Id:")
	second := strings.TrimPrefix(w.call("POST", "/appointment", nil, hdr, book("50")).object(t)["long_message"].(string), "Id:")
	if err := w.srv.CompleteWriteback(second); err != nil {
		t.Fatal(err)
	}

	wantCode(t, w.call("GET", "/writebacks", url.Values{"startdate": {"2026-03-01"}}, w.app(), nil), 400, "API1020")
	wantCode(t, w.call("GET", "/writebacks", url.Values{"startdate": {"2026-03-01"}, "enddate": {"2026-03-20"}}, w.app(), nil), 400, "API1026")
	wantCode(t, w.call("GET", "/writebacks", url.Values{"startdate": {"2026-03-01"}, "enddate": {"2026-03-02"}}, nil, nil), 400, "API1001")
	list := w.call("GET", "/writebacks", url.Values{"startdate": {"2026-03-01"}, "enddate": {"2026-03-07"}}, w.app(), nil).object(t)
	items := list["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("listed %d writebacks", len(items))
	}
	it := items[0].(map[string]any)
	if it["result"] != "pending" || it["api_name"] != "appointment" || !strings.Contains(it["api_request_body"].(string), "patient_id=50") {
		t.Fatalf("item %v", it)
	}
	if strings.Contains(it["api_request_body"].(string), key) {
		t.Error("api_request_body shows the whole request key")
	}

	wantCode(t, w.call("DELETE", "/writebacks", url.Values{"id": {second}}, w.app(), nil), 400, "API1026")
	del := w.call("DELETE", "/writebacks", url.Values{"id": {first}}, w.app(), nil)
	if del.status != 200 || del.object(t)["error_code"] != "API4006" {
		t.Fatalf("delete: %d %s", del.status, del.body)
	}
	if a := w.get(key, "/writeback_status", url.Values{"id": {first}}); a.status != 204 {
		t.Fatalf("deleted writeback status: %d", a.status)
	}
	wantCode(t, w.call("DELETE", "/writebacks", url.Values{"id": {first}}, w.app(), nil), 404, "API2009")
}

func TestWritebackListBodyAndRange(t *testing.T) {
	w, key := writebackSetup(t, sikkatest.Options{KeyTTL: 30 * 24 * time.Hour})
	hdr := map[string]string{"Request-Key": key}
	// Fields out of alphabetical order, a number, and a value holding & and =.
	body := json.RawMessage(`{"practice_id":"1","patient_id":50,"date":"2026-03-09","time":"10:30","length":30,` +
		`"description":"Cleaning","provider_id":"DR1","operatory":"OP1","note":" frontdesk:7 & a=b "}`)
	first := strings.TrimPrefix(w.call("POST", "/appointment", nil, hdr, body).object(t)["long_message"].(string), "Id:")
	w.clk.Advance(3 * 24 * time.Hour) // 2026-03-05
	patch := json.RawMessage(`{"op":"replace","path":"/appointment_status","value":"Cancelled","practice_id":"1"}`)
	second := strings.TrimPrefix(w.call("PATCH", "/appointments/374", nil, hdr, patch).object(t)["long_message"].(string), "Id:")

	items := func(from, to string) []map[string]any {
		t.Helper()
		a := w.call("GET", "/writebacks", url.Values{"startdate": {from}, "enddate": {to}}, w.app(), nil)
		if a.status == http.StatusNoContent {
			return nil
		}
		var out []map[string]any
		for _, it := range a.object(t)["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	all := items("2026-03-02", "2026-03-09")
	if len(all) != 2 || all[0]["id"] != first || all[1]["id"] != second {
		t.Fatalf("listed %v", all)
	}
	masked := key[:10] + strings.Repeat("*", len(key)-16) + key[len(key)-6:]
	wantFirst := "request_key=" + masked + "&practice_id=1&patient_id=50&date=2026-03-09&time=10:30&length=30&description=Cleaning" +
		"&provider_id=DR1&operatory=OP1&note= frontdesk:7 & a=b &apiname=POST appointments"
	if got := all[0]["api_request_body"]; got != wantFirst {
		t.Errorf("api_request_body\n got %q\nwant %q", got, wantFirst)
	}
	wantSecond := "request_key=" + masked + "&op=replace&path=/appointment_status&value=Cancelled&practice_id=1&apiname=PATCH appointments&id=374"
	if got := all[1]["api_request_body"]; got != wantSecond {
		t.Errorf("api_request_body\n got %q\nwant %q", got, wantSecond)
	}
	if all[0]["command_time"] != "2026-03-02T15:00:00" || all[1]["command_time"] != "2026-03-05T15:00:00" {
		t.Errorf("command times %v, %v", all[0]["command_time"], all[1]["command_time"])
	}

	for _, tt := range []struct {
		from, to string
		want     []string
	}{
		{"2026-03-02", "2026-03-02", []string{first}},
		{"2026-03-03", "2026-03-05", []string{second}},
		{"2026-03-03", "2026-03-04", nil},
		{"2026-02-23", "2026-03-01", nil},
	} {
		var got []string
		for _, it := range items(tt.from, tt.to) {
			got = append(got, it["id"].(string))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s..%s listed %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
	// Seven days apart is the most one request may span.
	if a := w.call("GET", "/writebacks", url.Values{"startdate": {"2026-03-01"}, "enddate": {"2026-03-08"}}, w.app(), nil); a.status != 200 {
		t.Errorf("7 days: %d %s", a.status, a.body)
	}
	wantCode(t, w.call("GET", "/writebacks", url.Values{"startdate": {"2026-03-01"}, "enddate": {"2026-03-09"}}, w.app(), nil), 400, "API1026")
	wantCode(t, w.call("GET", "/writebacks", url.Values{"startdate": {"2026-03-05"}, "enddate": {"2026-03-01"}}, w.app(), nil), 400, "API1026")
}

func TestRateLimitAndFaults(t *testing.T) {
	w := newWire(t, sikkatest.Options{RateLimit: 3})
	w.srv.SeedPractice("D1", "sec", sikkatest.SeedOptions{})
	key := w.grant("D1", "sec")["request_key"].(string)

	for i, want := range []string{"2", "1", "0"} {
		a := w.get(key, "/practices", nil)
		if a.status != 200 || a.header.Get("X-Rate-Limit-Remaining") != want || a.header.Get("X-Rate-Limit-Limit") != "3" {
			t.Fatalf("call %d: %d remaining %q", i, a.status, a.header.Get("X-Rate-Limit-Remaining"))
		}
	}
	w.clk.Advance(20 * time.Second)
	a := w.get(key, "/practices", nil)
	if a.status != 429 || a.header.Get("X-Rate-Limit-Remaining") != "0" || a.header.Get("X-Rate-Limit-Reset") != "40" {
		t.Fatalf("over budget: %d %v", a.status, a.header)
	}
	w.clk.Advance(40 * time.Second)
	if a := w.get(key, "/practices", nil); a.status != 200 {
		t.Fatalf("after the window: %d", a.status)
	}

	w.srv.Inject(sikkatest.Fault{Path: "/v4/practices", Times: 2, Status: 503, Code: "API2002"})
	w.srv.Inject(sikkatest.TooManyRequests(7))
	wantCode(t, w.get(key, "/practices", nil), 503, "API2002")
	wantCode(t, w.get(key, "/practices", nil), 503, "API2002")
	if a := w.get(key, "/practices", nil); a.status != 429 || a.header.Get("X-Rate-Limit-Reset") != "7" {
		t.Fatalf("injected 429: %d reset %q", a.status, a.header.Get("X-Rate-Limit-Reset"))
	}
	if n := w.srv.Requests("GET /v4/practices"); n != 8 {
		t.Errorf("Requests = %d, want 8", n)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	a := newWire(t, sikkatest.Options{})
	b := newWire(t, sikkatest.Options{})
	opts := sikkatest.SeedOptions{Patients: 2000, Appointments: 5000, Seed: 7}
	sa := a.srv.SeedPractice("D1", "s", opts)
	b.srv.SeedPractice("D1", "s", opts)
	if len(sa.PatientIDs) != 2000 || len(sa.AppointmentIDs) != 5000 {
		t.Fatalf("seeded %d patients, %d appointments", len(sa.PatientIDs), len(sa.AppointmentIDs))
	}
	if !reflect.DeepEqual(a.srv.Patients("D1"), b.srv.Patients("D1")) || !reflect.DeepEqual(a.srv.Appointments("D1"), b.srv.Appointments("D1")) {
		t.Fatal("same options built different data")
	}
}
