// Package app is frontdesk's one composition root: New builds every service,
// every route behind the server's middleware, and the job runner, from the
// configuration. `frontdesk serve`, graph/graphtest and the process tests
// all run what it builds, so tests exercise what production runs.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/graph"
	"github.com/frontdesk/frontdesk/graph/graphiql"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calllog"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/devauth"
	"github.com/frontdesk/frontdesk/internal/exports"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/pmsconn"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/server"
	"github.com/frontdesk/frontdesk/internal/telephony"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/writeback"
	twiliowebhook "github.com/frontdesk/frontdesk/webhooks/twilio"
	vapiwebhook "github.com/frontdesk/frontdesk/webhooks/vapi"
)

// Timings of the PMS side.
const (
	// IncrementalSyncEvery is how often each connected practice's
	// appointments are synced.
	IncrementalSyncEvery = 5 * time.Minute
	// SandboxWritebackDelay is how long the sandbox PMS takes to apply a
	// write, as a real PMS's queue does.
	SandboxWritebackDelay = 5 * time.Second
)

// App is frontdesk, built and not yet running: Handler serves every route,
// Start begins the background work, Stop and Close end it.
type App struct {
	DB       *database.DB
	Clock    clock.Clock
	Log      *slog.Logger
	Box      *secrets.Box
	Services graph.Services
	Syncer   *mirror.Syncer
	// Desk is the receptionist: the phone agent's side, behind the Vapi
	// webhooks.
	Desk *receptionist.Service
	// Queue enqueues jobs; Jobs works them once started.
	Queue *jobs.Queue
	Jobs  *jobs.Runner
	// Handler is every route (GraphQL at /graphql, GraphiQL, the CSV
	// exports, webhooks, health, readiness, metrics) behind the server's
	// middleware.
	Handler http.Handler
	// Dev is dev mode's built-in issuer, nil outside dev mode.
	Dev *devauth.Issuer

	ownDB        bool
	ready        atomic.Bool
	stopRecorder func()
	closeOnce    sync.Once
}

// Option changes what New builds. serve passes a logger; tests pass the
// rest.
type Option func(*options)

type options struct {
	log   *slog.Logger
	clock clock.Clock
	db    *database.DB
	sikka *sikka.Client
	vapi  *vapi.Client
}

// WithLogger logs there (default: nowhere).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithClock gives every service, the token verifier and the webhook
// verifier c (default: the real clock). A database New opens stamps rows
// from it too.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithDB uses db, already open (a test's, from dbtest), instead of opening
// cfg.DatabaseURL; Close leaves it open.
func WithDB(db *database.DB) Option { return func(o *options) { o.db = db } }

// WithSikka talks to Sikka through client instead of one built from the
// SIKKA_* settings.
func WithSikka(client *sikka.Client) Option { return func(o *options) { o.sikka = client } }

// WithVapi talks to Vapi (provisioning and live-call control) through
// client instead of one built from the VAPI_* settings.
func WithVapi(client *vapi.Client) Option { return func(o *options) { o.vapi = client } }

// New builds frontdesk from cfg (as config.Check left it). It opens the
// database but neither migrates it nor starts anything.
func New(ctx context.Context, cfg *config.Config, opts ...Option) (*App, error) {
	o := options{log: slog.New(slog.DiscardHandler), clock: clock.Real{}}
	for _, opt := range opts {
		opt(&o)
	}
	a := &App{DB: o.db, Clock: o.clock, Log: o.log}
	if a.DB == nil {
		db, err := database.Open(ctx, cfg.DatabaseURL, database.WithClock(o.clock))
		if err != nil {
			return nil, fmt.Errorf("FRONTDESK_DATABASE_URL: %w", err)
		}
		a.DB, a.ownDB = db, true
	}
	if err := a.build(ctx, cfg, o); err != nil {
		_ = a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, cfg *config.Config, o options) error {
	db, clk, log := a.DB, a.Clock, a.Log
	box, err := secrets.New(cfg.SecretKey, cfg.PreviousSecretKey)
	if err != nil {
		return fmt.Errorf("FRONTDESK_SECRET_KEY: %w", err)
	}
	a.Box = box

	// The PMS side: connections (with the Sikka client when configured) and
	// the mirror their syncs keep fresh, run as durable jobs.
	a.Queue = &jobs.Queue{}
	sikkaClient := o.sikka
	if sikkaClient == nil && cfg.SikkaAppID != "" {
		sikkaClient = sikka.New(sikka.Config{BaseURL: cfg.SikkaBaseURL, AppID: cfg.SikkaAppID, AppKey: cfg.SikkaAppKey, Clock: clk, Logger: log})
	}
	pmsConns := pmsconn.New(pmsconn.Config{DB: db, Box: box, Clock: clk, Queue: a.Queue, Sikka: sikkaClient, SandboxWritebackDelay: SandboxWritebackDelay})
	a.Syncer = &mirror.Syncer{DB: db, PMS: pmsConns, Clock: clk, Log: log}
	actionItems := &actionitems.Service{DB: db, Clock: clk}
	bookings := &booking.Service{DB: db, Clock: clk, Queue: a.Queue}
	workers := river.NewWorkers()
	river.AddWorker(workers, &mirror.Worker{Syncer: a.Syncer})
	river.AddWorker(workers, &mirror.Scheduler{DB: db, Queue: a.Queue, Clock: clk})
	river.AddWorker(workers, &writeback.Worker{DB: db, PMS: pmsConns, Clock: clk, Actions: actionItems, Policy: writeback.DefaultPolicy, Log: log})
	if a.Jobs, err = jobs.New(jobs.Config{
		DB: db, Logger: log, Workers: workers, RescueAfter: cfg.JobRescueAfter,
		Periodic: []*river.PeriodicJob{mirror.Periodic(IncrementalSyncEvery)},
	}, a.Queue); err != nil {
		return err
	}

	// Sign-in: Cognito when configured; in dev mode also the built-in
	// issuer, verified by the same go-oidc path.
	var issuers []auth.Issuer
	if cfg.CognitoIssuer != "" {
		issuers = append(issuers, auth.Issuer{URL: cfg.CognitoIssuer, ClientID: cfg.CognitoClientID})
	}
	if cfg.Dev {
		if a.Dev, err = devauth.Load(cfg.DataDir, cfg.PublicURL); err != nil {
			return fmt.Errorf("FRONTDESK_DATA_DIR: %w", err)
		}
		issuers = append(issuers, auth.Issuer{URL: a.Dev.URL, ClientID: a.Dev.ClientID, KeySet: a.Dev.KeySet()})
	}
	practices := practice.New(db, clk)
	authn := &auth.Authenticator{
		Verifier:   auth.NewVerifier(context.WithoutCancel(ctx), clk.Now, issuers...),
		Viewers:    practices,
		AdminGroup: cfg.AdminGroup,
		Logger:     log,
	}

	// The voice agent's side: Vapi's webhooks, answered by the receptionist.
	vapiControl, vapiAPI := o.vapi, o.vapi
	if vapiControl == nil {
		vapiControl = vapi.NewClient(vapi.ClientConfig{BaseURL: cfg.VapiBaseURL, APIKey: cfg.VapiAPIKey,
			ControlHosts: cfg.VapiControlHosts, ControlLoopback: cfg.Dev})
		// Provisioning says it is unavailable without a key.
		if cfg.VapiAPIKey != "" {
			vapiAPI = vapiControl
		}
	}
	a.Desk = &receptionist.Service{DB: db, Clock: clk, Booking: bookings, Actions: actionItems, Control: vapiControl, Log: log}
	vapiHooks := &vapiwebhook.Handler{
		Verifier: &vapi.Verifier{Secret: cfg.VapiWebhookSecret, HMACSecret: cfg.VapiWebhookHMACSecret, Clock: clk},
		Desk:     a.Desk,
		Log:      log,
	}
	// The practice's phone line: Twilio's webhooks, routed by internal/telephony
	// (off, with a 404 saying why, while TWILIO_AUTH_TOKEN is unset).
	twilioHooks := &twiliowebhook.Handler{
		AuthToken: cfg.TwilioAuthToken, AccountSID: cfg.TwilioAccountSID, PublicURL: cfg.PublicURL, Log: log,
		Phone: &telephony.Service{DB: db, Clock: clk, Agent: vapiControl, Actions: actionItems, PublicURL: cfg.PublicURL, Log: log},
	}
	webhooks := vapiHooks.Routes()
	maps.Copy(webhooks, twilioHooks.Routes())

	agents := agentsetup.New(agentsetup.Config{
		DB: db, Vapi: vapiAPI, PublicURL: cfg.PublicURL, Clock: clk,
		WebhookSecret: cfg.VapiWebhookSecret, WebhookHMACSecret: cfg.VapiWebhookHMACSecret,
		TwilioAccountSID: cfg.TwilioAccountSID, TwilioAuthToken: cfg.TwilioAuthToken,
	})

	a.Services = graph.Services{
		Practice: practices, PMS: pmsConns, Booking: bookings, Actions: actionItems, Calls: &calllog.Service{DB: db}, Agent: agents,
	}
	resolver := &graph.Resolver{DB: db, Svc: a.Services}
	csvExports := &exports.Handler{DB: db, Log: log}
	signedIn := map[string]http.Handler{}
	for pattern, h := range csvExports.Routes() {
		signedIn[pattern] = authn.Middleware(h)
	}
	// Dev mode's GraphiQL opens on a query that works for the demo practice.
	var page []graphiql.Option
	if cfg.Dev {
		page = append(page, graphiql.WithDefaultQuery(graphiql.ExampleQuery))
	}
	routes := server.Routes{
		GraphQL:        authn.Middleware(graph.NewHandler(graph.Config{Resolver: resolver, Auth: authn, Logger: log, RequestTimeout: cfg.RequestTimeout})),
		GraphiQL:       graphiql.Handler("/graphql", devHeaders(a.Dev), page...),
		GraphiQLAssets: graphiql.Assets(),
		AssetsPrefix:   graphiql.AssetsPrefix,
		Webhooks:       webhooks,
		Exports:        signedIn,
		CORSOrigins:    cfg.CORSOrigins,
		Ready:          a.readiness,
	}
	if a.Dev != nil {
		routes.DevIssuer, routes.DevIssuerPath = a.Dev.Handler(), devauth.Path
	}
	a.Handler = server.Handler(log, prometheus.NewRegistry(), routes)
	return nil
}

// readiness: ready once Start has run, while the database answers.
func (a *App) readiness(ctx context.Context) error {
	if !a.ready.Load() {
		return fmt.Errorf("starting: migrations not applied yet")
	}
	return a.DB.Ping(ctx)
}

// Start begins the background work: the jobs, and writing read-only tool
// calls' records in batches. The database must be migrated; the app then
// reports ready. Jobs run under ctx, so give it one that outlives the
// signal to stop: Stop ends them.
func (a *App) Start(ctx context.Context) error {
	a.stopRecorder = a.Desk.RecordInBackground()
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	a.ready.Store(true)
	return nil
}

// Stop stops the jobs: running ones get until ctx ends to finish, then are
// cancelled (and retried after a restart).
func (a *App) Stop(ctx context.Context) error {
	a.ready.Store(false)
	if err := a.Jobs.Stop(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Close writes the tool-call records still queued and closes the database
// New opened (not one given WithDB). Call it after the server has drained.
func (a *App) Close() error {
	var err error
	a.closeOnce.Do(func() {
		if a.stopRecorder != nil {
			a.stopRecorder()
		}
		if a.ownDB {
			err = a.DB.Close()
		}
	})
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
