package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/frontdesk/frontdesk/internal/app"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/logging"
	"github.com/frontdesk/frontdesk/internal/server"
)

// serve is the whole life of a server: configuration, app.New (every
// service and route), listen, migrate, start the jobs, serve until the
// signal, stop.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	log := logging.New(stderr, slog.LevelInfo)
	a, err := app.New(ctx, cfg, app.WithLogger(log))
	if err != nil {
		return err
	}
	// Runs after the server has drained (defers run last in, first out).
	defer a.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("FRONTDESK_ADDR: %w", err)
	}
	// Serve liveness at once; readiness waits for the migrations and Start.
	served := make(chan error, 1)
	go func() { served <- server.New(log, a.Handler).Serve(ctx, ln, cfg.ShutdownTimeout) }()

	if err := a.DB.Migrate(ctx); err != nil {
		return err
	}
	if cfg.Dev {
		if err := seedDemo(ctx, a.DB, a.Clock, a.Queue); err != nil {
			return err
		}
		if err := printDevBanner(stdout, cfg, a.Dev, ln.Addr()); err != nil {
			return err
		}
	}
	// Jobs outlive the signal: after the server has drained, they get the
	// same grace to finish before they are cancelled (and retried later).
	if err := a.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	log.Info("serving", "addr", ln.Addr().String(), "dev", cfg.Dev)
	fmt.Fprintf(stdout, "frontdesk: listening on %s\n", ln.Addr())

	err = <-served
	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if stopErr := a.Stop(stopCtx); stopErr != nil {
		err = errors.Join(err, stopErr)
	}
	log.Info("stopped")
	return err
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

// openDB opens the configured database; a failure names the variable.
func openDB(ctx context.Context, cfg *config.Config) (*database.DB, error) {
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("FRONTDESK_DATABASE_URL: %w", err)
	}
	return db, nil
}
