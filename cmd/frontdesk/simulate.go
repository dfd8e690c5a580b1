package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/ids"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

// simulateCall plays a phone call through the real webhook routes, as Vapi
// would send it: the caller is identified, asks for a time, books it and
// asks for a person. Anyone can watch the receptionist work without a phone.
func simulateCall(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("frontdesk simulate-call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	practiceID := fs.String("practice", "", "the practice to call (dev mode: the demo practice)")
	baseURL := fs.String("url", "", "where frontdesk serves (default FRONTDESK_PUBLIC_URL)")
	first := fs.String("first-name", "", "the caller's first name (default: the sandbox's demo patient)")
	last := fs.String("last-name", "", "the caller's last name")
	dob := fs.String("date-of-birth", "", "the caller's date of birth, YYYY-MM-DD")
	callerPhone := fs.String("caller", "", "the calling number")
	realPMS := fs.Bool("allow-real-pms", false, "allow a practice on a real PMS: the booking will reach it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(nil, getenv, stderr)
	if err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	if *practiceID == "" {
		if !cfg.Dev {
			return fmt.Errorf("--practice is required: the id of the practice to call")
		}
		*practiceID = demoPracticeID
	}
	if *baseURL == "" {
		*baseURL = cfg.PublicURL
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	line, sandboxed, err := callLine(ctx, db, *practiceID)
	if err != nil {
		return err
	}
	if !sandboxed && !*realPMS {
		return fmt.Errorf("practice %s is on a real PMS: the simulated booking would reach it; pass --allow-real-pms if that is what you want", *practiceID)
	}
	who := sandbox.DemoPatient
	if *first != "" || *last != "" || *dob != "" {
		who.FirstName, who.LastName, who.Phone = *first, *last, *callerPhone
		if who.BirthDate, err = calendar.ParseDate(*dob, "--date-of-birth"); err != nil || who.BirthDate.IsZero() {
			return fmt.Errorf("--date-of-birth must be YYYY-MM-DD")
		}
	}
	if *callerPhone != "" {
		who.Phone = *callerPhone
	}

	// Transfers go to a control URL of ours, which shows what Vapi would be
	// asked to do.
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(stdout, "   (live-call control received: %s)\n", strings.TrimSpace(string(body)))
	}))
	defer control.Close()

	call := vapitest.Call{
		ID: ids.New("simcall"), PhoneNumberID: line.PhoneNumberID, AssistantID: line.AssistantID,
		CustomerNumber: who.Phone, TwilioCallSID: "CA" + strings.Repeat("0", 32), ControlURL: control.URL + "/control",
		StartedAt: time.Now(),
	}
	sim := &simulator{url: strings.TrimRight(*baseURL, "/") + "/webhooks/vapi", secret: cfg.VapiWebhookSecret, hmac: cfg.VapiWebhookHMACSecret, out: stdout}
	fmt.Fprintf(stdout, "Simulating a call to practice %s from %s, through %s\n\n", *practiceID, who.Phone, sim.url)

	if _, err := sim.message("status-update (in-progress)", call.StatusUpdate(time.Now(), "in-progress", "")); err != nil {
		return err
	}
	verified, err := sim.tool(call, receptionist.GetPatientInfo, map[string]any{
		"first_name": who.FirstName, "last_name": who.LastName, "date_of_birth": who.BirthDate.String(),
	})
	if err != nil {
		return err
	}
	var patient struct {
		Verified  bool   `json:"verified"`
		PatientID string `json:"patient_id"`
	}
	_ = json.Unmarshal([]byte(verified), &patient)
	avail, err := sim.tool(call, receptionist.CheckAvailability, map[string]any{
		"appointment_type": "cleaning", "date_from": time.Now().AddDate(0, 0, 7).Format(time.DateOnly), "time_of_day": "morning", "max_results": 3,
	})
	if err != nil {
		return err
	}
	var slots struct {
		Slots []struct {
			SlotID string `json:"slot_id"`
		} `json:"slots"`
	}
	if err := json.Unmarshal([]byte(avail), &slots); err != nil || len(slots.Slots) == 0 {
		return fmt.Errorf("no open times to book: is the practice's PMS synced? (%s)", avail)
	}
	book := map[string]any{"slot_id": slots.Slots[0].SlotID, "notes": "booked by frontdesk simulate-call"}
	if patient.Verified {
		book["patient_id"] = patient.PatientID
	} else {
		book["first_name"], book["last_name"], book["date_of_birth"] = who.FirstName, who.LastName, who.BirthDate.String()
	}
	if _, err := sim.tool(call, receptionist.BookAppointment, book); err != nil {
		return err
	}
	if _, err := sim.tool(call, receptionist.TransferToHuman, map[string]any{"reason": "wants to ask about insurance"}); err != nil {
		return err
	}
	call.EndedAt = time.Now()
	if _, err := sim.message("end-of-call-report", call.EndOfCallReport(time.Now(), vapitest.Report{
		Summary: "Simulated call: verified the caller, booked a cleaning, transferred to the front desk.",
	})); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nDone: see the call, the booking and its writeback in GraphiQL.")
	return nil
}

type simulator struct {
	url, secret, hmac string
	out               io.Writer
	n                 int
}

// tool sends one tool call and returns its result; a tool's error is
// printed, not fatal, as Vapi would read it to the caller.
func (s *simulator) tool(c vapitest.Call, name string, args map[string]any) (string, error) {
	s.n++
	shown, _ := json.Marshal(args)
	fmt.Fprintf(s.out, "→ %s %s\n", name, shown)
	body, err := s.post(c.ToolCalls(time.Now(), vapitest.ToolCall{ID: fmt.Sprintf("sim-%d-%s", s.n, c.ID), Name: name, Arguments: args}))
	if err != nil {
		return "", err
	}
	var resp struct {
		Results []vapi.ToolCallResult `json:"results"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.Results) != 1 {
		return "", fmt.Errorf("%s: unexpected answer %s", name, body)
	}
	r := resp.Results[0]
	if r.Error != "" {
		fmt.Fprintf(s.out, "← error: %s\n\n", r.Error)
		return "", nil
	}
	fmt.Fprintf(s.out, "← %s\n\n", r.Result)
	return r.Result, nil
}

func (s *simulator) message(what string, body []byte) ([]byte, error) {
	fmt.Fprintf(s.out, "→ %s\n", what)
	out, err := s.post(body)
	if err == nil {
		fmt.Fprintf(s.out, "← %s\n\n", bytes.TrimSpace(out))
	}
	return out, err
}

func (s *simulator) post(body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	vapi.Sign(req, body, s.secret, s.hmac, time.Now())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach frontdesk at %s (is it running? pass --url): %w", s.url, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("frontdesk answered %d: %s (is VAPI_WEBHOOK_SECRET the server's?)", res.StatusCode, bytes.TrimSpace(out))
	}
	return out, nil
}

// callLine finds how Vapi would name a call to the practice.
func callLine(ctx context.Context, db *database.DB, practiceID string) (receptionist.Line, bool, error) {
	ctx = tenant.System(ctx, practiceID)
	c := db.Client(ctx)
	var l receptionist.Line
	if _, err := c.Practice.Get(ctx, practiceID); err != nil {
		return l, false, fmt.Errorf("no practice %s in this database", practiceID)
	}
	if n, err := c.PhoneNumber.Query().First(ctx); err == nil && n.VapiPhoneNumberID != "" {
		l.PhoneNumberID = n.VapiPhoneNumberID
	}
	if a, err := c.Agent.Query().Only(ctx); err == nil && a.VapiAssistantID != "" {
		l.AssistantID = a.VapiAssistantID
	}
	if l.PhoneNumberID == "" && l.AssistantID == "" {
		return l, false, fmt.Errorf("practice %s has no Vapi phone number or assistant: run `frontdesk vapi sync --practice %s` first", practiceID, practiceID)
	}
	conn, err := c.PMSConnection.Query().Only(ctx)
	sandboxed := err == nil && conn.Provider == pmsconnection.ProviderSANDBOX
	if err != nil && !ent.IsNotFound(err) {
		return l, false, err
	}
	return l, sandboxed, nil
}
