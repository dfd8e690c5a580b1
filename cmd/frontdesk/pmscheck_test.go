package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

const (
	pmsOffice = "D1"
	pmsSecret = "office-secret-must-not-show"
	pmsAppKey = "app-key-must-not-show"
)

// sikkaKeys matches the request and refresh keys the fake issues.
var sikkaKeys = regexp.MustCompile(`r[kf]\d{30}`)

// pmsFake is a Sikka with office D1 (practices 1 and 2; practice 1 with
// three providers, five operatories of which one hidden, 30 patients and
// 40 appointments in the next days) and office D2, which is not asked about.
type pmsFake struct {
	srv *sikkatest.Server
	env map[string]string
}

func newPmsFake(t *testing.T) *pmsFake {
	t.Helper()
	srv := sikkatest.New(sikkatest.Options{AppID: "frontdesk-test-app", AppKey: pmsAppKey})
	t.Cleanup(srv.Close)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// Appointments start tomorrow in the practice's zone, so that all of them
	// fall in the next 30 days whenever the test runs.
	tomorrow := time.Now().In(ny).AddDate(0, 0, 1)
	srv.SeedPractice(pmsOffice, pmsSecret, sikkatest.SeedOptions{Appointments: 40, From: tomorrow.Format(time.DateOnly)})
	srv.AddPractice(pmsOffice, sikkatest.Practice{ID: "2", Name: "Seeded Dental North", System: "Dentrix", TimeZone: "America/Chicago"})
	srv.AddOperatory(pmsOffice, sikkatest.Operatory{ID: "OP9", Abbreviation: "Op-9", CustID: "1", PracticeID: "1-0", Hidden: true})
	for _, d := range []time.Time{tomorrow.AddDate(0, 0, -5), tomorrow.AddDate(0, 0, 45)} {
		srv.AddAppointment(pmsOffice, sikkatest.Appointment{
			PracticeID: "1", ProviderID: "DR1", Operatory: "OP1", Date: d.Format(time.DateOnly),
			Time: "09:00", Length: 30, Status: "Scheduled", Type: "Exam", Description: "outside the window",
		})
	}
	firsts := []string{"Quillon", "Rosamund", "Thaddeus", "Ursula", "Wilhelmina"}
	lasts := []string{"Zamorano", "Yardley", "Xenakis", "Vanterpool", "Underhill", "Templeton"}
	for i := range 30 {
		pt := sikkatest.Patient{
			PracticeID: "1", FirstName: firsts[i%len(firsts)], LastName: lasts[i%len(lasts)],
			PreferredName: "Nick" + firsts[i%len(firsts)], BirthDate: fmt.Sprintf("19%02d-03-%02d", 30+i, 1+i%28),
			Email: fmt.Sprintf("pt%d@patients.example", i), ProviderID: "DR1",
		}
		switch number := fmt.Sprintf("917%07d", 4440000+i); i % 3 {
		case 0:
			pt.Cell = number[:3] + "-" + number[3:6] + "-" + number[6:]
		case 1:
			pt.HomePhone = "(" + number[:3] + ") " + number[3:6] + "-" + number[6:]
		default:
			pt.WorkPhone = number
		}
		srv.AddPatient(pmsOffice, pt)
	}
	srv.SeedPractice("D2", "other-secret", sikkatest.SeedOptions{Name: "Other Office Dental"})
	return &pmsFake{srv: srv, env: map[string]string{
		"SIKKA_APP_ID":   srv.AppID(),
		"SIKKA_APP_KEY":  srv.AppKey(),
		"SIKKA_BASE_URL": srv.URL,
	}}
}

// phi lists what the check must never print: every patient field that
// identifies someone.
func (f *pmsFake) phi() []string {
	var out []string
	for _, p := range f.srv.Patients(pmsOffice) {
		out = append(out, p.FirstName, p.LastName, p.PreferredName, p.BirthDate, p.Email)
		for _, ph := range []string{p.Cell, p.HomePhone, p.WorkPhone} {
			if ph != "" {
				out = append(out, ph, strings.Map(func(r rune) rune {
					if r < '0' || r > '9' {
						return -1
					}
					return r
				}, ph)[3:])
			}
		}
	}
	return out
}

// closedURL is a base URL nothing listens at.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v4"
}

func TestPmsCheck(t *testing.T) {
	creds := []string{"--office-id", pmsOffice, "--secret-key", pmsSecret}
	tests := []struct {
		name  string
		args  []string // after `pms check`
		setup func(t *testing.T, f *pmsFake)
		want  []string // in the output
		// wantErr are in the error; none means success.
		wantErr []string
		kind    error // the error wraps it
	}{
		{
			name: "works",
			args: creds,
			want: []string{
				"frontdesk-test-app", "valid until",
				"Seeded Dental North", "America/Chicago",
				"Name               Seeded Dental\n", "America/New_York (reported by Sikka)",
				"Providers          3", "Dr. Ava Frost", "Dr. Liam Grove", "Mia Hale", "Dental Hygienist",
				"Operatories        5, 1 hidden: OP9",
				"Appointment types  5",
				"Statuses           Scheduled, Confirmed, Completed, Cancelled, Broken",
				"Cancel status      Cancelled (the best match",
				"Patients           30",
				"Appointments       40 from ", "(next 30 days), 4 of them cancelled",
				"ok: these credentials work",
			},
		},
		{
			name: "another practice of the office, zone from the flag",
			args: append([]string{"--practice-id", "2", "--timezone", "America/Denver"}, creds...),
			want: []string{"Seeded Dental North\n", "America/Denver (from --timezone)", "Providers          0", "ok: these credentials work"},
		},
		{
			name: "no status means cancelled (Sikka's example statuses)",
			args: append([]string{"--practice-id", "3"}, creds...),
			setup: func(_ *testing.T, f *pmsFake) {
				f.srv.AddPractice(pmsOffice, sikkatest.Practice{ID: "3", Name: "Seeded Dental South", CustID: "1", TimeZone: "America/New_York"})
				for _, st := range sikkatest.DocumentedStatuses {
					f.srv.AddVariable(pmsOffice, sikkatest.Variable{PracticeID: "3", ServiceName: "Appointment Status", Value: st, Description: st})
				}
			},
			want: []string{
				"Statuses           open.unconfirm, open.confirm, complete.unconfirm, complete.confirm",
				"Cancel status      none of these means cancelled", "PMS setup (setPMSCancelStatus)",
				"ok: these credentials work",
			},
		},
		{
			name:    "practice the office did not authorise",
			args:    append([]string{"--practice-id", "7"}, creds...),
			want:    []string{"Seeded Dental North"},
			wantErr: []string{"practice 7 is not among", "listed: 1, 2", "--practice-id"},
		},
		{
			name:    "wrong secret key",
			args:    []string{"--office-id", pmsOffice, "--secret-key", "wrong"},
			wantErr: []string{"request key: Sikka API2003", "check the office id and secret key in the Sikka portal"},
			kind:    pms.ErrCredentials,
		},
		{
			name:    "unknown office",
			args:    []string{"--office-id", "D404", "--secret-key", pmsSecret},
			wantErr: []string{"API2003", "check the office id and secret key in the Sikka portal"},
			kind:    pms.ErrCredentials,
		},
		{
			name:    "wrong application key",
			args:    creds,
			setup:   func(_ *testing.T, f *pmsFake) { f.env["SIKKA_APP_KEY"] = "wrong" },
			wantErr: []string{"API2003", "Sikka rejects SIKKA_APP_ID/SIKKA_APP_KEY"},
			kind:    pms.ErrCredentials,
		},
		{
			name:    "practice revoked the application",
			args:    creds,
			setup:   func(_ *testing.T, f *pmsFake) { f.srv.Deauthorize(pmsOffice) },
			wantErr: []string{"request key: Sikka API2007", "authorise it in the Sikka marketplace"},
			kind:    pms.ErrCredentials,
		},
		{
			name: "practice utility offline while reading providers",
			args: creds,
			setup: func(_ *testing.T, f *pmsFake) {
				f.srv.Inject(sikkatest.Fault{Path: "/v4/providers", Status: http.StatusPreconditionFailed, Code: "API2017", ShortMessage: "Precondition Failed"})
			},
			want:    []string{"valid until", "Name               Seeded Dental\n"},
			wantErr: []string{"providers: Sikka API2017 (HTTP 412", "Sikka Practice Utility", "offline"},
			kind:    pms.ErrUnavailable,
		},
		{
			name: "Sikka overloaded while counting patients",
			args: creds,
			setup: func(_ *testing.T, f *pmsFake) {
				f.srv.Inject(sikkatest.Fault{Path: "/v4/patients", Status: sikkatest.Overloaded.Status, Code: sikkatest.Overloaded.Code, ShortMessage: sikkatest.Overloaded.ShortMessage})
			},
			want:    []string{"Dr. Ava Frost", "Appointment types  5"},
			wantErr: []string{"patients: Sikka API2002 (HTTP 503", "overloaded", "run the check again in a few minutes"},
			kind:    pms.ErrUnavailable,
		},
		{
			name: "daily request limit",
			args: creds,
			setup: func(_ *testing.T, f *pmsFake) {
				fault := sikkatest.DailyRequests
				fault.Path = "/v4/appointments"
				f.srv.Inject(fault)
			},
			want:    []string{"Patients           30"},
			wantErr: []string{"appointments: Sikka API2012 (HTTP 429", "daily request limit"},
			kind:    pms.ErrUnavailable,
		},
		{
			name: "per-minute rate limit",
			args: creds,
			setup: func(_ *testing.T, f *pmsFake) {
				fault := sikkatest.TooManyRequests(60)
				fault.Path = "/v4/practice_variables"
				f.srv.Inject(fault)
			},
			wantErr: []string{"appointment types: Sikka rate limit (HTTP 429)", "wait a minute"},
			kind:    pms.ErrUnavailable,
		},
		{
			name:    "unreachable base URL",
			args:    creds,
			setup:   func(t *testing.T, f *pmsFake) { f.env["SIKKA_BASE_URL"] = closedURL(t) },
			wantErr: []string{"request key: cannot reach SIKKA_BASE_URL http://127.0.0.1:", "check the URL"},
			kind:    pms.ErrUnavailable,
		},
		{
			name:    "SIKKA_APP_ID missing",
			args:    creds,
			setup:   func(_ *testing.T, f *pmsFake) { delete(f.env, "SIKKA_APP_ID") },
			wantErr: []string{"SIKKA_APP_ID is not set: export SIKKA_APP_ID="},
		},
		{
			name:    "SIKKA_APP_KEY missing",
			args:    creds,
			setup:   func(_ *testing.T, f *pmsFake) { delete(f.env, "SIKKA_APP_KEY") },
			wantErr: []string{"SIKKA_APP_KEY is not set: export SIKKA_APP_KEY="},
		},
		{
			name:    "--office-id missing",
			args:    []string{"--secret-key", pmsSecret},
			want:    []string{"Usage:", "frontdesk pms check --office-id ID"},
			wantErr: []string{"--office-id is required"},
		},
		{
			name:    "--secret-key missing",
			args:    []string{"--office-id", pmsOffice},
			want:    []string{"Usage:"},
			wantErr: []string{"--secret-key is required"},
		},
		{
			name:    "bad --timezone",
			args:    append([]string{"--timezone", "Mars/Olympus"}, creds...),
			wantErr: []string{`--timezone "Mars/Olympus"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPmsFake(t)
			if tt.setup != nil {
				tt.setup(t, f)
			}
			out, err := runCmd(t, f.env, append([]string{"pms", "check"}, tt.args...)...)
			shown := out
			if err != nil {
				shown += err.Error()
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("error: %v\n%s", err, out)
				}
			} else {
				if err == nil {
					t.Fatalf("no error:\n%s", out)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q: %v", w, err)
					}
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error is not one line: %q", err)
				}
				if strings.Contains(out, "ok: these credentials work") {
					t.Errorf("a failed check says ok:\n%s", out)
				}
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			for _, secret := range []string{pmsSecret, pmsAppKey, "other-secret"} {
				if strings.Contains(shown, secret) {
					t.Errorf("output shows the secret %q:\n%s", secret, shown)
				}
			}
			if k := sikkaKeys.FindString(shown); k != "" {
				t.Errorf("output shows the Sikka key %q:\n%s", k, shown)
			}
			for _, p := range f.phi() {
				if strings.Contains(shown, p) {
					t.Errorf("output shows patient data %q:\n%s", p, shown)
				}
			}
			if strings.Contains(shown, "Other Office Dental") {
				t.Errorf("output shows another office's practice:\n%s", shown)
			}
		})
	}
}

func TestPmsCommandNeedsSubcommand(t *testing.T) {
	for _, args := range [][]string{{"pms"}, {"pms", "frob"}} {
		out, err := runCmd(t, nil, args...)
		if err == nil || !strings.Contains(err.Error(), "frontdesk pms check") || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
}
