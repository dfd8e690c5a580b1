package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/graph"
	"github.com/frontdesk/frontdesk/graph/graphiql"
	"github.com/frontdesk/frontdesk/internal/actions"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/devauth"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/logging"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/pmsconn"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/server"
	"github.com/frontdesk/frontdesk/internal/telephony"
	"github.com/frontdesk/frontdesk/internal/voice"
	"github.com/frontdesk/frontdesk/internal/writeback"
	twiliowebhook "github.com/frontdesk/frontdesk/webhooks/twilio"
	vapiwebhook "github.com/frontdesk/frontdesk/webhooks/vapi"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	log := logging.New(stderr, slog.LevelInfo)
	clk := clock.Real{}

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	box, err := secrets.New(cfg.SecretKey)
	if err != nil {
		return fmt.Errorf("FRONTDESK_SECRET_KEY: %w", err)
	}

	// The PMS side: connections (with the Sikka client when configured) and
	// the mirror their syncs keep fresh, run as durable jobs.
	queue := &jobs.Queue{}
	var sikkaClient *sikka.Client
	if cfg.SikkaAppID != "" {
		sikkaClient = sikka.New(sikka.Config{BaseURL: cfg.SikkaBaseURL, AppID: cfg.SikkaAppID, AppKey: cfg.SikkaAppKey, Clock: clk, Logger: log})
	}
	pmsConns := pmsconn.New(pmsconn.Config{DB: db, Box: box, Clock: clk, Queue: queue, Sikka: sikkaClient, SandboxWritebackDelay: 5 * time.Second})
	syncer := &mirror.Syncer{DB: db, PMS: pmsConns, Clock: clk, Log: log}
	actionItems := &actions.Service{DB: db, Clock: clk}
	bookings := &booking.Service{DB: db, Clock: clk, Queue: queue}
	workers := river.NewWorkers()
	river.AddWorker(workers, &mirror.Worker{Syncer: syncer})
	river.AddWorker(workers, &mirror.Scheduler{DB: db, Queue: queue, Clock: clk})
	river.AddWorker(workers, &writeback.Worker{DB: db, PMS: pmsConns, Clock: clk, Actions: actionItems, Policy: writeback.DefaultPolicy, Log: log})
	runner, err := jobs.New(jobs.Config{
		DB: db, Logger: log, Workers: workers, RescueAfter: cfg.JobRescueAfter,
		Periodic: []*river.PeriodicJob{mirror.Periodic(5 * time.Minute)},
	}, queue)
	if err != nil {
		return err
	}

	// Sign-in: Cognito when configured; in dev mode also the built-in issuer,
	// verified by the same go-oidc path.
	var issuers []auth.Issuer
	if cfg.CognitoIssuer != "" {
		issuers = append(issuers, auth.Issuer{URL: cfg.CognitoIssuer, ClientID: cfg.CognitoClientID})
	}
	var dev *devauth.Issuer
	if cfg.Dev {
		if dev, err = devauth.Load(cfg.DataDir, cfg.PublicURL); err != nil {
			return fmt.Errorf("FRONTDESK_DATA_DIR: %w", err)
		}
		issuers = append(issuers, auth.Issuer{URL: dev.URL, ClientID: dev.ClientID, KeySet: dev.KeySet()})
	}
	practices := practice.New(db, clk)
	authn := &auth.Authenticator{
		Verifier:   auth.NewVerifier(context.WithoutCancel(ctx), clk.Now, issuers...),
		Viewers:    practices,
		AdminGroup: cfg.AdminGroup,
		Logger:     log,
	}

	// The voice agent's side: Vapi's webhooks, answered by the receptionist.
	vapiClient := voice.NewClient(voice.ClientConfig{BaseURL: cfg.VapiBaseURL, APIKey: cfg.VapiAPIKey,
		ControlHosts: cfg.VapiControlHosts, ControlLoopback: cfg.Dev})
	desk := &receptionist.Service{DB: db, Clock: clk, Booking: bookings, Actions: actionItems, Control: vapiClient, Log: log}
	// Stopped after the server has drained (defers run last in, first out).
	defer desk.RecordInBackground()()
	vapiHooks := &vapiwebhook.Handler{
		Verifier: &voice.Verifier{Secret: cfg.VapiWebhookSecret, HMACSecret: cfg.VapiWebhookHMACSecret, Clock: clk},
		Desk:     desk,
		Log:      log,
	}

	// The practice's phone line: Twilio's webhooks, routed by internal/telephony
	// (off, with a 404 saying why, while TWILIO_AUTH_TOKEN is unset).
	twilioHooks := &twiliowebhook.Handler{
		AuthToken: cfg.TwilioAuthToken, AccountSID: cfg.TwilioAccountSID, PublicURL: cfg.PublicURL, Log: log,
		Phone: &telephony.Service{DB: db, Clock: clk, Agent: vapiClient, Actions: actionItems, PublicURL: cfg.PublicURL, Log: log},
	}
	webhooks := vapiHooks.Routes()
	maps.Copy(webhooks, twilioHooks.Routes())

	agents := agentsetup.New(agentsetup.Config{
		DB: db, Vapi: vapiAPI(cfg), PublicURL: cfg.PublicURL, Clock: clk,
		WebhookSecret: cfg.VapiWebhookSecret, WebhookHMACSecret: cfg.VapiWebhookHMACSecret,
		TwilioAccountSID: cfg.TwilioAccountSID, TwilioAuthToken: cfg.TwilioAuthToken,
	})
	resolver := &graph.Resolver{DB: db, Svc: graph.Services{
		Practice: practices, PMS: pmsConns, Booking: bookings, Actions: actionItems, Calls: desk, Agent: agents,
	}}
	gql := authn.Middleware(graph.NewHandler(graph.Config{Resolver: resolver, Auth: authn, Logger: log, RequestTimeout: cfg.RequestTimeout}))

	var ready atomic.Bool
	routes := server.Routes{
		GraphQL:        gql,
		GraphiQL:       graphiql.Handler("/graphql", devHeaders(dev)),
		GraphiQLAssets: graphiql.Assets(),
		AssetsPrefix:   graphiql.AssetsPrefix,
		Webhooks:       webhooks,
		Ready: func(ctx context.Context) error {
			if !ready.Load() {
				return fmt.Errorf("starting: migrations not applied yet")
			}
			return db.Ping(ctx)
		},
	}
	if dev != nil {
		routes.DevIssuer, routes.DevIssuerPath = dev.Handler(), devauth.Path
	}
	srv := server.New(log, prometheus.NewRegistry(), routes)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("FRONTDESK_ADDR: %w", err)
	}
	// Serve liveness at once; readiness waits for the migrations.
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln, cfg.ShutdownTimeout) }()

	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if cfg.Dev {
		if err := seedDemo(ctx, db, clk, queue); err != nil {
			return err
		}
		if err := printDevBanner(stdout, cfg, dev, ln.Addr()); err != nil {
			return err
		}
	}
	// Jobs outlive the signal: after the server has drained, they get the
	// same grace to finish before they are cancelled (and retried later).
	if err := runner.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	ready.Store(true)
	log.Info("serving", "addr", ln.Addr().String(), "dev", cfg.Dev)
	fmt.Fprintf(stdout, "frontdesk: listening on %s\n", ln.Addr())

	err = <-served
	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if stopErr := runner.Stop(stopCtx); stopErr != nil {
		err = errors.Join(err, fmt.Errorf("jobs: stop: %w", stopErr))
	}
	log.Info("stopped")
	return err
}

// devHeaders makes GraphiQL send a fresh dev token with every request, so
// nobody pastes one; outside dev mode the page sends nothing extra.
func devHeaders(dev *devauth.Issuer) func(*http.Request) map[string]string {
	if dev == nil {
		return nil
	}
	return func(*http.Request) map[string]string {
		tok, err := dev.Mint(devauth.Token{Email: devauth.DefaultEmail, TTL: 12 * time.Hour})
		if err != nil {
			return nil
		}
		return map[string]string{"Authorization": "Bearer " + tok}
	}
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(args, getenv, stderr)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	pending, err := db.Pending(ctx)
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if len(pending) == 0 {
		fmt.Fprintln(stdout, "frontdesk: database is up to date")
		return nil
	}
	for _, p := range pending {
		fmt.Fprintln(stdout, "frontdesk: applied", p)
	}
	return nil
}

// vapiAPI is the Vapi REST client provisioning uses, or nil when
// VAPI_API_KEY is not set (provisioning then says so).
func vapiAPI(cfg *config.Config) *voice.Client {
	if cfg.VapiAPIKey == "" {
		return nil
	}
	return voice.NewClient(voice.ClientConfig{BaseURL: cfg.VapiBaseURL, APIKey: cfg.VapiAPIKey})
}

// openDB opens the configured database; a failure names the variable.
func openDB(ctx context.Context, cfg *config.Config) (*database.DB, error) {
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("FRONTDESK_DATABASE_URL: %w", err)
	}
	return db, nil
}
