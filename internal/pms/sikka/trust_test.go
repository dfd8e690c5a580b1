package sikka

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

// Sikka's documented operatories answer reports "total_count":"11" over two
// rows with an empty next link. Paging by total_count asked again and again
// and, where Sikka answers a page past the last with the last one, read the
// same operatories several times.
func TestPagingStopsAtEmptyNextAndDeduplicates(t *testing.T) {
	tests := []struct {
		name string
		opts sikkatest.Options
	}{
		{"documented total_count", sikkatest.Options{TotalCountExtra: 9}},
		{"documented total_count, pages repeat", sikkatest.Options{TotalCountExtra: 9, RepeatPastLast: true}},
		{"documented total_count, wrapped", sikkatest.Options{TotalCountExtra: 9, RepeatPastLast: true, WrapEnvelopes: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts, nil)
			s := e.connect(sikkatest.SeedOptions{Operatories: 2, Patients: 120})
			ctx := context.Background()
			ops, err := e.p.Operatories(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, o := range ops {
				ids = append(ids, o.ID)
			}
			if !slices.Equal(ids, s.OperatoryIDs) {
				t.Fatalf("operatories %v, want %v", ids, s.OperatoryIDs)
			}
			if n := e.srv.Requests("GET /v4/operatories"); n != 1 {
				t.Fatalf("%d requests for one page of operatories", n)
			}
			// Three pages of 50: exactly three requests, 120 patients once each.
			pts, err := collect(e.p.Patients(ctx, pms.PatientQuery{}))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, p := range pts {
				if seen[p.ID] {
					t.Fatalf("patient %s twice", p.ID)
				}
				seen[p.ID] = true
			}
			if len(pts) != 120 || e.srv.Requests("GET /v4/patients") != 3 {
				t.Fatalf("%d patients in %d requests", len(pts), e.srv.Requests("GET /v4/patients"))
			}
		})
	}
}

// GET /operatories takes the office's cust_id and answers with the chairs of
// every practice of the office, each with its practice_id ("1-0").
func TestOperatoriesOfThisPracticeOnly(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	s := e.connect(sikkatest.SeedOptions{Operatories: 2})
	e.srv.AddPractice("D1", sikkatest.Practice{ID: "2", Name: "Second location", CustID: s.CustID, TimeZone: "America/New_York"})
	e.srv.AddOperatory("D1", sikkatest.Operatory{ID: "OP1", Abbreviation: "B-1", CustID: s.CustID, PracticeID: "2-0"})
	e.srv.AddOperatory("D1", sikkatest.Operatory{ID: "North", Abbreviation: "B-2", CustID: s.CustID, PracticeID: "2-0"})
	e.srv.AddOperatory("D1", sikkatest.Operatory{ID: "Shared", Abbreviation: "S", CustID: s.CustID})
	ctx := context.Background()
	ops, err := e.p.Operatories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range ops {
		got = append(got, o.ID+"/"+o.Abbreviation)
	}
	if want := []string{"OP1/Op-1", "OP2/Op-2", "Shared/S"}; !slices.Equal(got, want) {
		t.Fatalf("practice 1's operatories %v, want %v", got, want)
	}
	second := e.c.Practice("D1", "2", e.loc, e.store)
	ops, err = second.Operatories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, o := range ops {
		got = append(got, o.ID+"/"+o.Abbreviation)
	}
	if want := []string{"OP1/B-1", "North/B-2", "Shared/S"}; !slices.Equal(got, want) {
		t.Fatalf("practice 2's operatories %v, want %v", got, want)
	}
}

// Sikka's own example statuses name no cancellation: cancelling fails until
// the practice chooses a status, and then writes that one.
func TestCancelStatus(t *testing.T) {
	tests := []struct {
		name     string
		statuses []string
		chosen   string
		want     string // "" : refused
	}{
		{"documented statuses, none chosen", sikkatest.DocumentedStatuses, "", ""},
		{"documented statuses, chosen", sikkatest.DocumentedStatuses, "complete.unconfirm", "complete.unconfirm"},
		{"a cancelled status", []string{"Scheduled", "Broken", "Cancelled"}, "", "Cancelled"},
		{"only broken", []string{"Scheduled", "Broken appointment"}, "", "Broken appointment"},
		{"chosen over the best match", []string{"Scheduled", "Cancelled", "Patient cancelled"}, "Patient cancelled", "Patient cancelled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, sikkatest.Options{WritebackPolls: 1}, nil)
			s := e.connect(sikkatest.SeedOptions{Appointments: 1, Patients: 1, Statuses: tt.statuses})
			ctx := context.Background()
			values, err := e.p.AppointmentStatusValues(ctx)
			if err != nil || !slices.Equal(values, tt.statuses) {
				t.Fatalf("statuses %v, %v", values, err)
			}
			_, err = e.p.WithCancelStatus(tt.chosen).CancelAppointment(ctx, s.AppointmentIDs[0], "")
			if tt.want == "" {
				if !errors.Is(err, ErrNoCancelStatus) || !errors.Is(err, pms.ErrRejected) {
					t.Fatalf("cancel with no cancelled status: %v", err)
				}
				if len(e.srv.Writebacks()) != 0 {
					t.Fatal("a write was queued")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := e.srv.Writebacks()[0].Body["value"]; v != tt.want {
				t.Fatalf("cancel wrote status %q, want %q", v, tt.want)
			}
		})
	}
}
