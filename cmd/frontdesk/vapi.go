package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/practice"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

const vapiUsage = `Usage:
  frontdesk vapi sync (--practice ID | --all) [--rotate]
      create or update in Vapi the webhook credential, the seven tools, and each
      practice's assistant and AGENT-routed numbers, all pointing at
      FRONTDESK_PUBLIC_URL. A second run changes nothing. Needs VAPI_API_KEY and,
      outside dev mode, VAPI_WEBHOOK_SECRET; TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN
      to import numbers into Vapi. The database must be migrated (frontdesk migrate).
`

// vapiCommand runs `frontdesk vapi SUBCOMMAND`.
func vapiCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "sync" {
		fmt.Fprint(stderr, vapiUsage)
		if len(args) == 0 {
			return errors.New("vapi: no sub-command given: try `frontdesk vapi sync --all`")
		}
		return fmt.Errorf("vapi: unknown sub-command %q: try `frontdesk vapi sync --all`", args[0])
	}
	return vapiSync(ctx, args[1:], getenv, stdout, stderr)
}

// vapiSync provisions practices' voice agents as the system, one practice
// at a time, printing what it did; a failed practice does not stop the
// others, but fails the command.
func vapiSync(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("frontdesk vapi sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, vapiUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	practiceID := fs.String("practice", "", "the id of the practice to sync")
	all := fs.Bool("all", false, "sync every practice")
	rotate := fs.Bool("rotate", false, "with --all: first give Vapi a new webhook credential made from the current "+
		"VAPI_WEBHOOK_SECRET (and VAPI_WEBHOOK_HMAC_SECRET); run it after changing either")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		fs.Usage()
		return fmt.Errorf("vapi sync: unexpected argument %q", fs.Arg(0))
	case (*practiceID == "") == !*all:
		fs.Usage()
		return errors.New("vapi sync: give either --practice ID or --all")
	case *rotate && !*all:
		return errors.New("vapi sync: --rotate needs --all: every practice's assistant must move to the new credential")
	}

	cfg, err := config.Load(nil, getenv, stderr)
	if err != nil {
		return err
	}
	if err := vapiConfig(cfg, stdout); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	pending, err := db.Pending(ctx)
	if err != nil {
		return fmt.Errorf("vapi sync: read the database's migrations: %w", err)
	}
	if len(pending) > 0 {
		return fmt.Errorf("vapi sync: the database is %d migration(s) behind this binary: run `frontdesk migrate` (or start `frontdesk serve`, which migrates) and sync again", len(pending))
	}

	svc := agentsetup.New(agentsetup.Config{
		DB:                db,
		Vapi:              vapi.NewClient(vapi.ClientConfig{BaseURL: cfg.VapiBaseURL, APIKey: cfg.VapiAPIKey}),
		PublicURL:         cfg.PublicURL,
		WebhookSecret:     cfg.VapiWebhookSecret,
		WebhookHMACSecret: cfg.VapiWebhookHMACSecret,
		TwilioAccountSID:  cfg.TwilioAccountSID,
		TwilioAuthToken:   cfg.TwilioAuthToken,
		Clock:             clock.Real{},
	})
	practices, err := syncTargets(ctx, db, *practiceID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Vapi %s: webhooks at %s\n", cfg.VapiBaseURL, cfg.PublicURL)
	if *rotate {
		if err := svc.RotateCredential(ctx); err != nil {
			return fmt.Errorf("vapi sync: rotate: %s", errorLine(err))
		}
		fmt.Fprintln(stdout, "rotated the webhook credential: every practice below moves to the new one")
	}

	var total agentsetup.Result
	failed, rejected := 0, false
	for i, p := range practices {
		if i > 0 && rejected {
			fmt.Fprintf(stdout, "\n%s (%s)\n  %-10s Vapi rejected the API key above\n", p.Name, p.ID, "not tried")
			failed++
			continue
		}
		fmt.Fprintf(stdout, "\n%s (%s)\n", p.Name, p.ID)
		res, err := svc.Provision(tenant.System(ctx, p.ID))
		if res != nil {
			printResult(stdout, res)
			total.Created = append(total.Created, res.Created...)
			total.Updated = append(total.Updated, res.Updated...)
			total.Unchanged = append(total.Unchanged, res.Unchanged...)
			total.Skipped = append(total.Skipped, res.Skipped...)
		}
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "  %-10s %s\n", "failed", errorLine(err))
			// A rejected key fails every practice alike.
			var ae *vapi.APIError
			rejected = errors.As(err, &ae) && (ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden)
		}
	}
	fmt.Fprintf(stdout, "\n%d %s: %d created, %d updated, %d unchanged, %d skipped, %d failed\n",
		len(practices), plural(len(practices), "practice", "practices"),
		len(total.Created), len(total.Updated), len(total.Unchanged), len(total.Skipped), failed)
	if failed > 0 {
		return fmt.Errorf("vapi sync: %d of %d %s failed: see above", failed, len(practices), plural(len(practices), "practice", "practices"))
	}
	return nil
}

// vapiConfig checks what the sync uses, with serve's messages: the API
// key always, the webhook secret outside dev mode (dev mode gives it its
// dev value, as serve does), and a public URL Vapi can reach.
func vapiConfig(cfg *config.Config, stdout io.Writer) error {
	if cfg.VapiAPIKey == "" {
		return errors.New("VAPI_API_KEY is not set: export VAPI_API_KEY=<private API key> from the Vapi dashboard (Organization settings → API Keys)")
	}
	switch {
	case cfg.VapiWebhookSecret == "" && cfg.Dev:
		cfg.VapiWebhookSecret = config.DevVapiWebhookSecret
	case cfg.VapiWebhookSecret == "":
		return errors.New("VAPI_WEBHOOK_SECRET is required outside dev mode: set it to a long random string (`head -c 32 /dev/urandom | base64`); `frontdesk vapi sync` gives it to Vapi")
	case cfg.VapiWebhookSecret == config.DevVapiWebhookSecret && !cfg.Dev:
		return errors.New("VAPI_WEBHOOK_SECRET is the public dev value: set a real secret outside dev mode")
	}
	if cfg.TwilioAuthToken == config.DevTwilioAuthToken && !cfg.Dev {
		return errors.New("TWILIO_AUTH_TOKEN is the public dev value: set a real secret outside dev mode")
	}
	if u, err := url.Parse(cfg.PublicURL); err == nil && isLocal(u.Hostname()) {
		msg := "FRONTDESK_PUBLIC_URL is " + cfg.PublicURL + ", which Vapi cannot reach: set it to the https URL this deployment is reached at (a tunnel's, in development)"
		if !cfg.Dev {
			return errors.New(msg)
		}
		fmt.Fprintln(stdout, "warning:", msg)
	}
	return nil
}

func isLocal(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified() || ip.IsPrivate())
}

// syncTargets are the practices to sync: the one named, or all by name.
func syncTargets(ctx context.Context, db *database.DB, id string) ([]*ent.Practice, error) {
	if id != "" {
		sys := tenant.System(ctx, id)
		p, err := db.Client(sys).Practice.Get(sys, id)
		if ent.IsNotFound(err) {
			return nil, fmt.Errorf("vapi sync: practice %q not found: --practice takes a practice id such as prac_…, or use --all", id)
		}
		if err != nil {
			return nil, fmt.Errorf("vapi sync: practice: %w", err)
		}
		return []*ent.Practice{p}, nil
	}
	all := tenant.Unscoped(ctx)
	ps, err := db.Client(all).Practice.Query().Order(practice.ByName(), practice.ByID()).All(all)
	if err != nil {
		return nil, fmt.Errorf("vapi sync: practices: %w", err)
	}
	if len(ps) == 0 {
		return nil, errors.New("vapi sync: there are no practices yet: create one in the dashboard (createPractice) first")
	}
	return ps, nil
}

// printResult prints one line per item, in the order provisioning goes:
// credential, tools, assistant, numbers.
func printResult(w io.Writer, res *agentsetup.Result) {
	type line struct{ verb, item string }
	var lines []line
	for _, group := range []struct {
		verb  string
		items []string
	}{{"created", res.Created}, {"updated", res.Updated}, {"unchanged", res.Unchanged}, {"skipped", res.Skipped}} {
		for _, item := range group.items {
			lines = append(lines, line{group.verb, item})
		}
	}
	tools := agentsetup.ToolNames()
	rank := func(item string) int {
		switch kind, rest, _ := strings.Cut(item, " "); kind {
		case "credential":
			return 0
		case "tool":
			return 1 + slices.Index(tools, rest)
		case "assistant":
			return 1 + len(tools)
		default:
			return 2 + len(tools)
		}
	}
	slices.SortStableFunc(lines, func(a, b line) int { return cmp.Compare(rank(a.item), rank(b.item)) })
	for _, l := range lines {
		fmt.Fprintf(w, "  %-10s %s\n", l.verb, l.item)
	}
}

// errorLine is an error as the operator reads it: a coded error's own
// message (which names the fix), anything else in full.
func errorLine(err error) string {
	if apperr.CodeOf(err) != apperr.Internal {
		return apperr.MessageOf(err)
	}
	return err.Error()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
