package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"text/template"

	"github.com/frontdesk/frontdesk/ent/member"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/ent/practice"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/devauth"
	"github.com/frontdesk/frontdesk/internal/jobargs"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// The demo practice of dev mode (README.md, "First five minutes").
const (
	demoPracticeID     = "prac_demo"
	demoPracticeName   = "Bright Smile Dental"
	demoTimeZone       = "America/New_York"
	demoAssistantID    = "demo-assistant"
	demoPhoneNumberID  = "demo-phone-number"
	demoTwilioNumber   = "+15555550100"
	demoFrontDeskPhone = "+15555550199"
)

// seedDemo creates the demo practice with the dev user as its owner and
// the sandbox PMS connected, once; and syncs it at every start, since the
// sandbox keeps its own writes in memory only.
func seedDemo(ctx context.Context, db *database.DB, clk clock.Clock, queue *jobs.Queue) error {
	ctx = tenant.Unscoped(ctx)
	return db.InTx(ctx, func(ctx context.Context) error {
		// Several processes may start at once on one database.
		if err := db.LockPractice(ctx, demoPracticeID); err != nil {
			return err
		}
		c := db.Client(ctx)
		if err := queue.Insert(ctx, jobargs.Sync{PracticeID: demoPracticeID, Full: true}, nil); err != nil {
			return err
		}
		exists, err := c.Practice.Query().Where(practice.ID(demoPracticeID)).Exist(ctx)
		if err != nil || exists {
			return err
		}
		if err := c.Practice.Create().
			SetID(demoPracticeID).
			SetName(demoPracticeName).
			SetTimeZone(demoTimeZone).
			SetFrontDeskNumber(demoFrontDeskPhone).
			Exec(ctx); err != nil {
			return fmt.Errorf("dev: seed demo practice: %w", err)
		}
		if err := c.Agent.Create().
			SetPracticeID(demoPracticeID).
			SetName("Bright Smile Receptionist").
			SetVapiAssistantID(demoAssistantID).
			Exec(ctx); err != nil {
			return fmt.Errorf("dev: seed the demo agent: %w", err)
		}
		if err := c.PhoneNumber.Create().
			SetPracticeID(demoPracticeID).
			SetNumber(demoTwilioNumber).
			SetVapiPhoneNumberID(demoPhoneNumberID).
			Exec(ctx); err != nil {
			return fmt.Errorf("dev: seed the demo number: %w", err)
		}
		if err := c.PMSConnection.Create().
			SetPracticeID(demoPracticeID).
			SetProvider(pmsconnection.ProviderSANDBOX).
			SetSystem("frontdesk sandbox").
			Exec(ctx); err != nil {
			return fmt.Errorf("dev: connect the sandbox: %w", err)
		}
		return c.Member.Create().
			SetPracticeID(demoPracticeID).
			SetSubject(devauth.Subject(devauth.DefaultEmail)).
			SetEmail(devauth.DefaultEmail).
			SetRole(member.RoleOWNER).
			SetJoinedAt(clk.Now()).
			Exec(ctx)
	})
}

var banner = template.Must(template.New("banner").Parse(`
frontdesk dev mode — nothing here is secret; never use these values in production.

  GraphiQL      {{.URL}}/   (signed in as {{.Email}} automatically)
  GraphQL       {{.URL}}/graphql
  Demo practice {{.PracticeName}} ({{.PracticeID}}), time zone {{.TimeZone}}
  Dev token     {{.Token}}
                (more: frontdesk dev-token [--email E] [--admin])
  Webhook secrets  Vapi: {{.VapiSecret}}   Twilio auth token: {{.TwilioToken}}

Try it:
  curl -s {{.URL}}/graphql -H 'Authorization: Bearer {{.Token}}' \
    -H 'Content-Type: application/json' -d '{"query":"{ viewer { email memberships { role practice { id name } } } }"}'

`))

func printDevBanner(w io.Writer, cfg *config.Config, dev *devauth.Issuer, addr net.Addr) error {
	tok, err := dev.Mint(devauth.Token{Email: devauth.DefaultEmail})
	if err != nil {
		return err
	}
	return banner.Execute(w, map[string]string{
		"URL":          localURL(cfg, addr),
		"Email":        devauth.DefaultEmail,
		"PracticeName": demoPracticeName,
		"PracticeID":   demoPracticeID,
		"TimeZone":     demoTimeZone,
		"Token":        tok,
		"VapiSecret":   cfg.VapiWebhookSecret,
		"TwilioToken":  cfg.TwilioAuthToken,
	})
}

// localURL is the public URL, unless it is the default and the listener's
// port was chosen at start (FRONTDESK_ADDR=127.0.0.1:0): then the URL that
// reaches it.
func localURL(cfg *config.Config, addr net.Addr) string {
	public := cfg.PublicURL
	if public != config.DefaultPublicURL(cfg.Addr) {
		return public
	}
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return public
	}
	return "http://localhost:" + port
}

func devToken(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var email *string
	var admin *bool
	// The same configuration as serve (environment and flags), so the token
	// names the issuer the server trusts.
	cfg, err := config.LoadCommand("frontdesk dev-token", func(fs *flag.FlagSet) {
		email = fs.String("email", devauth.DefaultEmail, "whom the token is for")
		admin = fs.Bool("admin", false, "put the user in the admin group (FRONTDESK_ADMIN_GROUP)")
	}, args, getenv, stderr)
	if err != nil {
		return err
	}
	if !cfg.Dev {
		return fmt.Errorf("dev-token works in dev mode only: set FRONTDESK_DEV=1 (the server trusts dev tokens only then)")
	}
	dev, err := devauth.Load(cfg.DataDir, cfg.PublicURL)
	if err != nil {
		return fmt.Errorf("FRONTDESK_DATA_DIR: %w", err)
	}
	t := devauth.Token{Email: strings.TrimSpace(*email)}
	if *admin {
		t.Groups = []string{cfg.AdminGroup}
	}
	tok, err := dev.Mint(t)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
