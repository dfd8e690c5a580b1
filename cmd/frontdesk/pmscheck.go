package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
)

const pmsUsage = `Usage:
  frontdesk pms check --office-id ID --secret-key KEY [--practice-id 1] [--timezone ZONE]
      prove a practice's Sikka credentials and show what they reach; prints
      counts only, never patient data or keys. Needs SIKKA_APP_ID and SIKKA_APP_KEY.
`

// upcomingDays is the span of upcoming appointments the check counts.
const upcomingDays = 30

// pmsCommand runs `frontdesk pms SUBCOMMAND`.
func pmsCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(stderr, pmsUsage)
		if len(args) == 0 {
			return errors.New("pms: no sub-command given: try `frontdesk pms check`")
		}
		return fmt.Errorf("pms: unknown sub-command %q: try `frontdesk pms check`", args[0])
	}
	return pmsCheck(ctx, args[1:], getenv, stdout, stderr)
}

// pmsCheck is an operator's first diagnostic of a practice's Sikka
// connection: each step proves one thing (the application's credentials,
// the office's, the practice's data) and a failure says which, in Sikka's
// words and ours.
func pmsCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("frontdesk pms check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, pmsUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	officeID := fs.String("office-id", "", "the practice's Sikka office id, e.g. D12345 (required)")
	secretKey := fs.String("secret-key", "", "the office's Sikka secret key (required; never printed)")
	practiceID := fs.String("practice-id", "1", "which practice of the office to read")
	zone := fs.String("timezone", "", "the practice's IANA time zone, e.g. America/New_York (default: the zone Sikka reports)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("pms check: unexpected argument %q", fs.Arg(0))
	}
	for _, f := range []struct{ name, value, hint string }{
		{"office-id", *officeID, "the practice's office id, from the Sikka portal"},
		{"secret-key", *secretKey, "the office's secret key, from the Sikka portal"},
		{"practice-id", *practiceID, "1 unless the office runs several practices"},
	} {
		if strings.TrimSpace(f.value) == "" {
			fs.Usage()
			return fmt.Errorf("pms check: --%s is required: %s", f.name, f.hint)
		}
	}
	c := &pmsChecker{
		officeID:   strings.TrimSpace(*officeID),
		secretKey:  strings.TrimSpace(*secretKey),
		practiceID: strings.TrimSpace(*practiceID),
		out:        stdout,
	}
	if *zone != "" {
		loc, err := time.LoadLocation(*zone)
		if err != nil {
			return fmt.Errorf("pms check: --timezone %q is not an IANA time zone such as America/New_York", *zone)
		}
		c.loc = loc
	}

	cfg, err := config.Load(nil, getenv, stderr)
	if err != nil {
		return err
	}
	switch {
	case cfg.SikkaAppID == "":
		return errors.New("SIKKA_APP_ID is not set: export SIKKA_APP_ID=<application id> from the Sikka API portal")
	case cfg.SikkaAppKey == "":
		return errors.New("SIKKA_APP_KEY is not set: export SIKKA_APP_KEY=<application key> from the Sikka API portal")
	}
	c.base, c.appID = cfg.SikkaBaseURL, cfg.SikkaAppID
	c.client = sikka.New(sikka.Config{
		BaseURL: cfg.SikkaBaseURL,
		AppID:   cfg.SikkaAppID,
		AppKey:  cfg.SikkaAppKey,
		// A diagnostic reports what Sikka answers now: retries would turn an
		// overloaded API into a slow success, and a rate-limit wait into a
		// minute's silence.
		MaxRetries: -1,
	})
	return c.run(ctx)
}

type pmsChecker struct {
	client                          *sikka.Client
	base, appID                     string
	officeID, secretKey, practiceID string
	loc                             *time.Location // from --timezone; nil: the zone Sikka reports
	out                             io.Writer
}

func (c *pmsChecker) run(ctx context.Context) error {
	fmt.Fprintln(c.out, "Sikka")
	c.field("API", c.base)
	c.field("App id", c.appID)
	c.field("Office id", c.officeID)
	keys, err := c.client.RequestKey(ctx, c.officeID, c.secretKey)
	if err != nil {
		return c.fail("request key", err, c.keyAdvice(ctx, err))
	}
	expires := "Sikka sent no expiry"
	if !keys.Expires.IsZero() {
		expires = "valid until " + keys.Expires.UTC().Format("2006-01-02 15:04 MST")
	}
	c.field("Request key", "issued, "+expires)

	authorized, err := c.client.AuthorizedPractices(ctx)
	if err != nil {
		return c.fail("authorised practices", err, "")
	}
	chosen, err := c.practices(authorized)
	if err != nil {
		return err
	}

	loc, zoneNote := c.zone(chosen)
	p := c.client.Practice(c.officeID, c.practiceID, loc, sikka.NewMemoryKeyStore(keys))
	fmt.Fprintf(c.out, "\nPractice %s\n", c.practiceID)
	info, err := p.Practice(ctx)
	if err != nil {
		return c.fail("practice", err, "")
	}
	c.field("Name", info.Name)
	c.field("Time zone", zoneNote)

	providers, err := p.Providers(ctx)
	if err != nil {
		return c.fail("providers", err, "")
	}
	c.providers(providers)

	ops, err := p.Operatories(ctx)
	if err != nil {
		return c.fail("operatories", err, "")
	}
	var hidden []string
	for _, op := range ops {
		if op.Hidden {
			hidden = append(hidden, op.Name)
		}
	}
	if len(hidden) == 0 {
		c.field("Operatories", fmt.Sprintf("%d, none hidden", len(ops)))
	} else {
		c.field("Operatories", fmt.Sprintf("%d, %d hidden: %s", len(ops), len(hidden), strings.Join(hidden, ", ")))
	}

	types, err := p.AppointmentTypes(ctx)
	if err != nil {
		return c.fail("appointment types", err, "")
	}
	c.field("Appointment types", fmt.Sprint(len(types)))

	statuses, err := p.AppointmentStatusValues(ctx)
	if err != nil {
		return c.fail("appointment statuses", err, "")
	}
	c.field("Statuses", orDash(strings.Join(statuses, ", ")))
	if best := pms.BestCancelStatus(statuses); best != "" {
		c.field("Cancel status", best+" (the best match; the practice can choose another in PMS setup)")
	} else {
		c.field("Cancel status", "none of these means cancelled: phone cancellations fail until the practice chooses the status they write in PMS setup (setPMSCancelStatus)")
	}

	// Patients and appointments are counted as they stream by and never
	// kept: they are PHI.
	patients := 0
	for _, err := range p.Patients(ctx, pms.PatientQuery{}) {
		if err != nil {
			return c.fail("patients", err, "")
		}
		patients++
	}
	c.field("Patients", fmt.Sprint(patients))

	now := time.Now().In(loc)
	from, to := calendar.DateOf(now), calendar.DateOf(now.AddDate(0, 0, upcomingDays-1))
	appts, cancelled := 0, 0
	for a, err := range p.Appointments(ctx, pms.AppointmentQuery{From: from, To: to}) {
		if err != nil {
			return c.fail("appointments", err, "")
		}
		appts++
		if a.Cancelled {
			cancelled++
		}
	}
	c.field("Appointments", fmt.Sprintf("%d from %s to %s (next %d days), %d of them cancelled", appts, from, to, upcomingDays, cancelled))

	fmt.Fprintln(c.out, "\nok: these credentials work")
	return nil
}

// field prints one aligned "name value" line of a section.
func (c *pmsChecker) field(name, value string) {
	fmt.Fprintf(c.out, "  %-18s %s\n", name, value)
}

// practices prints the practices the office authorised the application
// for and returns the one asked for. Other offices' rows, and every
// secret key, stay unprinted.
func (c *pmsChecker) practices(all []sikka.AuthorizedPractice) (sikka.AuthorizedPractice, error) {
	fmt.Fprintf(c.out, "\nPractices of office %s that authorised this application\n", c.officeID)
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  PRACTICE\tNAME\tPMS\tTIME ZONE")
	var (
		chosen sikka.AuthorizedPractice
		found  bool
		ids    []string
	)
	for _, a := range all {
		if a.OfficeID != c.officeID {
			continue
		}
		system := strings.TrimSpace(a.System + " " + a.SystemVersion)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.PracticeID, a.PracticeName, orDash(system), orDash(a.TimeZone))
		ids = append(ids, a.PracticeID)
		if a.PracticeID == c.practiceID {
			chosen, found = a, true
		}
	}
	if len(ids) == 0 {
		fmt.Fprintln(tw, "  (none listed)")
	}
	tw.Flush()
	if !found {
		return chosen, fmt.Errorf("pms check: practice %s is not among the practices office %s authorised (listed: %s): pass one of them with --practice-id",
			c.practiceID, c.officeID, orDash(strings.Join(ids, ", ")))
	}
	return chosen, nil
}

// zone is the practice's location and how it was chosen: --timezone, else
// the zone Sikka reports, else UTC (which shifts the appointment window).
func (c *pmsChecker) zone(a sikka.AuthorizedPractice) (*time.Location, string) {
	if c.loc != nil {
		return c.loc, c.loc.String() + " (from --timezone)"
	}
	if loc, err := time.LoadLocation(a.TimeZone); a.TimeZone != "" && err == nil {
		return loc, a.TimeZone + " (reported by Sikka)"
	}
	return time.UTC, "UTC: Sikka reports no zone it names; pass --timezone"
}

func (c *pmsChecker) providers(ps []pms.Provider) {
	c.field("Providers", fmt.Sprint(len(ps)))
	if len(ps) == 0 {
		return
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "    ID\tNAME\tSPECIALTY\tACTIVE")
	for _, p := range ps {
		name := strings.TrimSpace(strings.Join([]string{p.Title, p.FirstName, p.LastName}, " "))
		active := "no"
		if p.Active {
			active = "yes"
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", p.ID, orDash(name), orDash(p.Specialty), active)
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// checkError is a failed check: one line for the operator, with the cause
// kept for errors.Is (pms.ErrCredentials, pms.ErrUnavailable).
type checkError struct {
	msg string
	err error
}

func (e *checkError) Error() string { return e.msg }
func (e *checkError) Unwrap() error { return e.err }

// retryAdvice is what to do about Sikka's transient failures: the server
// retries them by itself (which sikka.Describe says), the check does not.
var retryAdvice = map[string]string{
	"API2001": "run the check again in a few minutes",
	"API2002": "run the check again in a few minutes",
	"API2006": "run the check again in a few minutes",
	"API2022": "run the check again in a few minutes",
}

// fail explains a failed step in one line: Sikka's code, what it means
// (sikka.Describe) and what to do. What was printed so far stays printed.
func (c *pmsChecker) fail(step string, err error, advice string) error {
	var apiErr *sikka.Error
	var msg string
	switch {
	case errors.As(err, &apiErr) && apiErr.Code != "":
		msg = fmt.Sprintf("Sikka %s (HTTP %d %s): %s", apiErr.Code, apiErr.HTTPStatus, apiErr.ShortMessage, sikka.Describe(apiErr.Code))
		if advice == "" {
			advice = retryAdvice[apiErr.Code]
		}
	case errors.As(err, &apiErr) && apiErr.HTTPStatus == http.StatusTooManyRequests:
		msg = "Sikka rate limit (HTTP 429): the calls allowed this minute are used up"
		advice = "wait a minute and run the check again"
	case errors.As(err, &apiErr) && apiErr.HTTPStatus >= 500:
		msg = fmt.Sprintf("Sikka answered HTTP %d %s with no error code", apiErr.HTTPStatus, apiErr.ShortMessage)
		advice = "run the check again in a few minutes; contact Sikka API support if it persists"
	case errors.As(err, &apiErr):
		msg = fmt.Sprintf("Sikka answered HTTP %d %s with no error code", apiErr.HTTPStatus, apiErr.ShortMessage)
		advice = "check SIKKA_BASE_URL: it should be Sikka's v4 API, " + sikka.DefaultBaseURL
	case errors.Is(err, pms.ErrUnavailable):
		// The client's only ErrUnavailable without a Sikka answer: the
		// request got none. Its text ends with the network's reason, which
		// is all the operator needs.
		reason := err.Error()
		if _, r, ok := strings.Cut(reason, pms.ErrUnavailable.Error()+": "); ok {
			reason = r
		}
		msg = fmt.Sprintf("cannot reach SIKKA_BASE_URL %s: %s", c.base, reason)
		advice = "check the URL and that this machine can reach it (DNS, firewall, proxy)"
	default:
		msg = err.Error()
	}
	if advice != "" {
		msg = strings.TrimSuffix(msg, ".") + ". What to do: " + advice + "."
	}
	return &checkError{msg: "pms check: " + step + ": " + msg, err: err}
}

// keyAdvice says which credentials Sikka rejected when it refuses a request
// key with API2003, which covers both the application's and the office's:
// the application's own call succeeding clears its id and key.
func (c *pmsChecker) keyAdvice(ctx context.Context, err error) string {
	var apiErr *sikka.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "API2003" {
		return ""
	}
	_, err = c.client.AuthorizedPractices(ctx)
	switch {
	case err == nil:
		return "Sikka accepts SIKKA_APP_ID/SIKKA_APP_KEY, so check the office id and secret key in the Sikka portal"
	case errors.As(err, &apiErr) && apiErr.Code == "API2003":
		return "Sikka rejects SIKKA_APP_ID/SIKKA_APP_KEY: copy them again from the Sikka API portal"
	}
	return "check SIKKA_APP_ID/SIKKA_APP_KEY, then the office id and secret key in the Sikka portal"
}
