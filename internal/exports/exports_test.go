package exports_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/exports"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

var chicago = func() *time.Location {
	l, err := time.LoadLocation("America/Chicago")
	if err != nil {
		panic(err)
	}
	return l
}()

func user(sub string, groups ...string) *graphtest.User {
	return &graphtest.User{User: authtest.User{Subject: sub, Email: sub + "@example.com", Groups: groups}}
}

func in(u *graphtest.User, practiceID string) *graphtest.User {
	c := *u
	c.Practice = practiceID
	return &c
}

// newPractice creates a practice in Chicago through the API, owned by u,
// and returns its id and frontdesk's context for it.
func newPractice(t *testing.T, env *graphtest.Env, u *graphtest.User, name string) (string, context.Context) {
	t.Helper()
	var out struct{ CreatePractice struct{ ID string } }
	env.MustDo(t, u, `mutation($name: String!) { createPractice(input: {name: $name, timeZone: "America/Chicago"}) { id } }`,
		map[string]any{"name": name}, &out)
	return out.CreatePractice.ID, tenant.System(context.Background(), out.CreatePractice.ID)
}

func at(day, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, chicago)
	if err != nil {
		panic(err)
	}
	return t
}

// export gets path as u and returns the response and its rows (header
// first) when it is a CSV.
func export(t *testing.T, env *graphtest.Env, u *graphtest.User, path string) (*http.Response, [][]string, string) {
	t.Helper()
	res := env.Request(t, u, http.MethodGet, path, nil)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		return res, nil, string(body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	return res, rows, string(body)
}

// The calls of the asked days in the practice's zone, and only its own, in
// the documented columns, with local times, formulas neutralised and no
// transcript.
func TestCallsExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		ann, bob := user("ann"), user("bob")
		id, sys := newPractice(t, env, ann, "Export Dental")
		otherID, otherSys := newPractice(t, env, bob, "Other Dental")
		c := db.Client(sys)
		mk := func(ctx context.Context, practiceID string, start time.Time, summary string) *ent.CallCreate {
			return db.Client(ctx).Call.Create().SetPracticeID(practiceID).SetStartedAt(start).SetSummary(summary).
				SetTranscript("caller said a secret")
		}
		mk(sys, id, at("2026-03-01", "09:00"), `=HYPERLINK("http://evil.example","x")`).
			SetEndedAt(at("2026-03-01", "09:05")).SetCallerNumber("+15551230001").SetCalledNumber("+15559870000").
			SetRoute(call.RouteAGENT).SetAnsweredBy(call.AnsweredByAGENT).SetOutcome(call.OutcomeBOOKED).
			SetDurationSeconds(300).SetCost(0.42).SaveX(sys)
		// 23:30 in Chicago is the next day in UTC: still the 1st here.
		mk(sys, id, at("2026-03-01", "23:30"), "late, plain").SaveX(sys)
		mk(sys, id, at("2026-02-28", "23:59"), "the day before").SaveX(sys)
		mk(sys, id, at("2026-03-02", "00:00"), "the day after").SaveX(sys)
		c.Call.Create().SetPracticeID(id).SetSummary("never started").SaveX(sys)
		mk(otherSys, otherID, at("2026-03-01", "10:00"), "another practice's").SaveX(otherSys)

		res, rows, body := export(t, env, ann, exports.CallsPath+"?from=2026-03-01&to=2026-03-01")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="calls-2026-03-01-to-2026-03-01.csv"` {
			t.Errorf("Content-Disposition = %q", cd)
		}
		want := [][]string{
			{"started (America/Chicago)", "ended (America/Chicago)", "caller", "number called", "route", "answered by", "outcome", "duration (seconds)", "cost (USD)", "summary"},
			{"2026-03-01 09:00:00", "2026-03-01 09:05:00", "'+15551230001", "'+15559870000", "AGENT", "AGENT", "BOOKED", "300", "0.42", `'=HYPERLINK("http://evil.example","x")`},
			{"2026-03-01 23:30:00", "", "", "", "", "", "", "0", "0", "late, plain"},
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("rows:\n got %q\nwant %q", rows, want)
		}
		if strings.Contains(body, "secret") {
			t.Error("the export carries the transcript")
		}

		// Bob acts on his own practice only.
		_, rows, _ = export(t, env, bob, exports.CallsPath+"?from=2026-03-01&to=2026-03-01")
		if len(rows) != 2 || rows[1][9] != "another practice's" {
			t.Errorf("bob's export = %q", rows)
		}
	})
}

// Rows with the same start are paged through by id: each is written once,
// across batches.
func TestExportPagesThroughEqualStarts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		ann := user("ann")
		id, sys := newPractice(t, env, ann, "Busy Dental")
		n := 2*exports.BatchSize + 3
		start := at("2026-05-04", "10:00")
		builders := make([]*ent.CallCreate, n)
		for i := range builders {
			builders[i] = db.Client(sys).Call.Create().SetPracticeID(id).SetStartedAt(start.Add(time.Duration(i%3) * time.Second)).
				SetSummary(fmt.Sprintf("call %d", i))
		}
		db.Client(sys).Call.CreateBulk(builders...).SaveX(sys)

		_, rows, body := export(t, env, ann, exports.CallsPath+"?from=2026-05-04&to=2026-05-04")
		if len(rows) != n+1 {
			t.Fatalf("%d rows, want %d: %.300s", len(rows)-1, n, body)
		}
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			if seen[r[9]] {
				t.Fatalf("%s written twice", r[9])
			}
			seen[r[9]] = true
		}
	})
}

// Appointments of the range with their people and places by name, in local
// times.
func TestAppointmentsExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		ann := user("ann")
		id, sys := newPractice(t, env, ann, "Appointment Dental")
		c := db.Client(sys)
		pat := c.Patient.Create().SetPracticeID(id).SetFirstName("@Jane").SetLastName("Roe").SaveX(sys)
		prov := c.Provider.Create().SetPracticeID(id).SetTitle("Dr.").SetFirstName("Ada").SetLastName("Smith").SaveX(sys)
		op := c.Operatory.Create().SetPracticeID(id).SetName("Op 1").SaveX(sys)
		kind := c.AppointmentType.Create().SetPracticeID(id).SetName("Cleaning").SaveX(sys)
		c.Appointment.Create().SetPracticeID(id).SetStartAt(at("2026-07-01", "08:30")).SetEndAt(at("2026-07-01", "09:30")).
			SetPatient(pat).SetProvider(prov).SetOperatory(op).SetAppointmentType(kind).
			SetSource(appointment.SourcePHONE).SetWritebackState(appointment.WritebackStatePENDING).SaveX(sys)
		c.Appointment.Create().SetPracticeID(id).SetStartAt(at("2026-07-02", "14:00")).SetEndAt(at("2026-07-02", "14:30")).
			SetStatus(appointment.StatusCANCELLED).SaveX(sys)
		c.Appointment.Create().SetPracticeID(id).SetStartAt(at("2026-07-03", "14:00")).SetEndAt(at("2026-07-03", "14:30")).SaveX(sys)

		res, rows, body := export(t, env, ann, exports.AppointmentsPath+"?from=2026-07-01&to=2026-07-02")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="appointments-2026-07-01-to-2026-07-02.csv"` {
			t.Errorf("Content-Disposition = %q", cd)
		}
		want := [][]string{
			{"start (America/Chicago)", "end (America/Chicago)", "patient", "provider", "operatory", "type", "status", "source", "writeback"},
			{"2026-07-01 08:30:00", "2026-07-01 09:30:00", "'@Jane Roe", "Dr. Smith", "Op 1", "Cleaning", "SCHEDULED", "PHONE", "PENDING"},
			{"2026-07-02 14:00:00", "2026-07-02 14:30:00", "", "", "", "", "CANCELLED", "PMS", "NONE"},
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("rows:\n got %q\nwant %q", rows, want)
		}
	})
}

// Refusals say why, with the status of their code: not signed in (401), a
// practice the viewer is not a member of (403), an admin who has not chosen
// one, or dates missing, malformed, reversed or too far apart (400).
func TestExportRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		ann, bob, admin := user("ann"), user("bob"), user("root", graphtest.AdminGroup)
		id, _ := newPractice(t, env, ann, "Refusing Dental")
		newPractice(t, env, bob, "Bob Dental")
		year := "?from=2026-01-01&to=2026-12-31"
		for _, tc := range []struct {
			name   string
			u      *graphtest.User
			path   string
			status int
			reason string
		}{
			{"no token", nil, exports.CallsPath + year, http.StatusUnauthorized, "bearer token"},
			{"another practice", in(bob, id), exports.CallsPath + year, http.StatusForbidden, ""},
			{"admin choosing none", admin, exports.CallsPath + year, http.StatusBadRequest, ""},
			{"no from", ann, exports.CallsPath + "?to=2026-01-01", http.StatusBadRequest, "from is required"},
			{"no to", ann, exports.AppointmentsPath + "?from=2026-01-01", http.StatusBadRequest, "to is required"},
			{"not a date", ann, exports.CallsPath + "?from=01/02/2026&to=2026-01-03", http.StatusBadRequest, "from must be a date"},
			{"reversed", ann, exports.CallsPath + "?from=2026-01-02&to=2026-01-01", http.StatusBadRequest, "before from"},
			{"too long", ann, exports.CallsPath + "?from=2025-12-30&to=2026-12-31", http.StatusBadRequest, "at most 366 days"},
			{"a leap year", ann, exports.AppointmentsPath + "?from=2028-01-01&to=2028-12-31", http.StatusOK, ""},
			{"admin acting on it", in(admin, id), exports.CallsPath + year, http.StatusOK, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, _, body := export(t, env, tc.u, tc.path)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
				}
				if tc.status == http.StatusOK {
					return
				}
				var e struct {
					Errors []struct{ Message string }
				}
				if err := json.Unmarshal([]byte(body), &e); err != nil || len(e.Errors) != 1 || e.Errors[0].Message == "" {
					t.Fatalf("no reason: %s", body)
				}
				if !strings.Contains(e.Errors[0].Message, tc.reason) {
					t.Errorf("reason %q does not say %q", e.Errors[0].Message, tc.reason)
				}
			})
		}
	})
}

// A year's worth of calls streams in constant memory: the live heap while
// the export is read stays far below what 100,000 rows would take.
func TestCallsExportStreamsInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,000 calls")
	}
	const rows = 100_000
	const maxGrowth = 32 << 20
	db := dbtest.Open(t)
	env := graphtest.New(t, db)
	ann := user("ann")
	id, sys := newPractice(t, env, ann, "Streaming Dental")
	start := at("2026-01-01", "00:00")
	// A summary the size of a real one, so holding every row would show.
	summary := strings.Repeat("The caller asked about whitening and booked a cleaning. ", 8)
	err := db.InTx(sys, func(ctx context.Context) error {
		for i := 0; i < rows; i += 1000 {
			builders := make([]*ent.CallCreate, 1000)
			for j := range builders {
				builders[j] = db.Client(ctx).Call.Create().SetPracticeID(id).
					SetStartedAt(start.Add(time.Duration(i+j) * 5 * time.Minute)).SetCallerNumber("+15551230001").SetSummary(summary)
			}
			if err := db.Client(ctx).Call.CreateBulk(builders...).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := live()
	res := env.Request(t, ann, http.MethodGet, exports.CallsPath+"?from=2026-01-01&to=2026-12-31", nil)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("status %d: %s", res.StatusCode, b)
	}
	var peak uint64
	lines, n := 0, 0
	buf := make([]byte, 64<<10)
	for {
		k, err := res.Body.Read(buf)
		lines += strings.Count(string(buf[:k]), "\n")
		if n += k; n >= 2<<20 {
			n = 0
			peak = max(peak, live())
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if lines != rows+1 {
		t.Fatalf("%d lines, want %d", lines, rows+1)
	}
	if peak < base {
		peak = base
	}
	t.Logf("live heap grew by %d KiB while streaming %d rows", (peak-base)>>10, rows)
	if peak-base > maxGrowth {
		t.Errorf("live heap grew by %d MiB, more than %d MiB: the export holds rows", (peak-base)>>20, maxGrowth>>20)
	}
}
