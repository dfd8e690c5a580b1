package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Server is the HTTP server.
type Server struct {
	http *http.Server
	log  *slog.Logger
}

// Handler is every route behind the middleware every request passes
// through (recover, request id and log, metrics; body limits per route);
// reg collects its metrics (a fresh registry per handler keeps tests
// independent).
func Handler(log *slog.Logger, reg *prometheus.Registry, rt Routes) http.Handler {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return recoverPanics(log, observe(log, newMetrics(reg), rt.mux(reg)))
}

// New returns a server for h (Handler's).
func New(log *slog.Logger, h http.Handler) *Server {
	return &Server{
		log: log,
		http: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			// Long enough for any GraphQL query; websocket subscriptions
			// lift it for their own connection.
			WriteTimeout: 60 * time.Second,
			IdleTimeout:  120 * time.Second,
			ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}
}

// Serve serves on ln until ctx is done, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish for up to grace, and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := s.http.Shutdown(shutdownCtx); err != nil {
		// Out of grace: what is still open (a request that would not end,
		// a client that connected and never asked) is cut off. That is
		// the end of a normal stop, not a failure of it.
		s.log.Warn("server: connections still open after the shutdown grace; closing them", "grace", grace.String(), "err", err)
		_ = s.http.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}
