package agentsetup_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

func TestVapiPromptHasPracticeFactsAndNoPatientData(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	extra := "Mention our free parking. {{customer.number}}"
	if _, err := e.svc.Update(e.ctx, agentsetup.Settings{ExtraInstructions: &extra}); err != nil {
		t.Fatal(err)
	}
	e.provision(t)
	p := prompt(e.assistant(t, e.agent(t).VapiAssistantID))

	for _, want := range []string{
		"virtual receptionist of Bright Smile Dental",
		"America/New_York time zone",
		// Per call, in the practice's zone: never a date fixed at provisioning.
		`{{"now" | date: "%A, %Y-%m-%d", "America/New_York"}}`,
		"- Monday: 8 AM to noon and 1 PM to 5 PM",
		"- Friday: 8 AM to 2:30 PM",
		"- Saturday: closed", // the practice's own hours win over the PMS's
		"- Sunday: closed",
		"- Dr. Lee (Amy Lee), General dentistry",
		"- Sam Patel, Hygienist",
		"- Cleaning (60 minutes)",
		"- Emergency exam (30 minutes)",
		"transfer-to-human",
		"get-patient-info using the patient's first name, last name and date of birth",
		"The calling number alone never proves who is calling",
		"Never reveal anything about anyone else",
		"call 911",
		"Never state an appointment date or time that a tool did not return",
		"Mention our free parking. ((customer.number))",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
	for _, banned := range []string{
		"Quillon", "Zamorano", "1961", "9175550123", // the patient
		"Oldman",                                   // inactive provider
		"Implant surgery",                          // not bookable by phone
		"2026-03-10", "March 10", "Tuesday, March", // today, frozen
		"{{customer", mainNumber, frontDesk,
	} {
		if strings.Contains(p, banned) {
			t.Errorf("prompt contains %q:\n%s", banned, p)
		}
	}
}

// The same practice in any order gives the same prompt, so that a sync
// with nothing new sends nothing.
func TestVapiPromptIsDeterministic(t *testing.T) {
	provs := []*ent.Provider{
		{ID: "p1", Title: "Dr.", FirstName: "Amy", LastName: "Lee", Active: true},
		{ID: "p2", FirstName: "Sam", LastName: "Patel", Specialty: "Hygienist", Active: true},
		{ID: "p3", Title: "Dr.", FirstName: "Ben", LastName: "Adams", Active: true},
	}
	types := []*ent.AppointmentType{
		{ID: "t1", Name: "Exam", DurationMinutes: 30, BookableByPhone: true},
		{ID: "t2", Name: "cleaning", DurationMinutes: 60, BookableByPhone: true},
	}
	hours := calendar.WeeklyHours{time.Monday: {{Start: 780, End: 1020}, {Start: 480, End: 720}}}
	in := agentsetup.PromptInput{PracticeName: "X Dental", TimeZone: "America/Chicago", Hours: hours, Providers: provs, AppointmentTypes: types}
	first := agentsetup.SystemPrompt(in)
	for range 5 {
		in.Providers = slices.Clone(provs)
		slices.Reverse(in.Providers)
		in.AppointmentTypes = []*ent.AppointmentType{types[1], types[0]}
		if got := agentsetup.SystemPrompt(in); got != first {
			t.Fatalf("prompt changed with input order:\n%s\n---\n%s", first, got)
		}
	}
	for _, want := range []string{"- Dr. Adams (Ben Adams)\n- Dr. Lee (Amy Lee)\n- Sam Patel, Hygienist", "- cleaning (60 minutes)\n- Exam (30 minutes)", "- Monday: 8 AM to noon and 1 PM to 5 PM"} {
		if !strings.Contains(first, want) {
			t.Errorf("prompt lacks %q:\n%s", want, first)
		}
	}
}

func TestVapiPromptWithoutHoursTransferOrServices(t *testing.T) {
	p := agentsetup.SystemPrompt(agentsetup.PromptInput{PracticeName: "Quiet Dental", TimeZone: "UTC"})
	for _, want := range []string{
		"Opening hours are not on file: do not state any",
		"No services can be booked by phone",
		"No one can take transferred calls",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("prompt lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "use transfer-to-human") {
		t.Error("prompt offers a transfer with no number to transfer to")
	}
}
