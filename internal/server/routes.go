// Package server is frontdesk's one HTTP server: every route in routes.go,
// and the middleware every request passes through (middleware.go).
package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// webhookBodyLimit: a Vapi end-of-call report carries a whole transcript.
// The GraphQL handler bounds its own body (graph.MaxBodyBytes) and answers
// in GraphQL's error shape.
const webhookBodyLimit = 8 << 20

// Routes is what the server serves. Nil handlers are not routed.
type Routes struct {
	GraphQL        http.Handler // signed in already (auth.Middleware)
	GraphiQL       http.Handler
	GraphiQLAssets http.Handler
	AssetsPrefix   string
	DevIssuer      http.Handler // dev mode only
	DevIssuerPath  string
	Webhooks       map[string]http.Handler // pattern → handler, e.g. "POST /webhooks/vapi"
	// Ready reports whether the server can do its work: database reachable,
	// migrations applied.
	Ready func(context.Context) error
}

func (rt Routes) mux(reg *prometheus.Registry) *http.ServeMux {
	mux := http.NewServeMux()
	if rt.GraphQL != nil {
		mux.Handle("POST /graphql", rt.GraphQL)
		mux.Handle("GET /graphql", rt.GraphQL)
		mux.Handle("OPTIONS /graphql", rt.GraphQL)
		// Any other method reaches graph's guard too, which refuses it
		// with a JSON 405, as it does every bad request.
		mux.Handle("/graphql", rt.GraphQL)
	}
	if rt.GraphiQL != nil {
		// "/{$}" is the root alone: a catch-all would answer every unknown
		// path (and the browser's /favicon.ico) with the page.
		mux.Handle("GET /{$}", rt.GraphiQL)
		mux.Handle("GET "+rt.AssetsPrefix, rt.GraphiQLAssets)
	}
	if rt.DevIssuer != nil {
		mux.Handle("GET "+rt.DevIssuerPath+"/", rt.DevIssuer)
	}
	for pattern, h := range rt.Webhooks {
		mux.Handle(pattern, limitBody(webhookBodyLimit, h))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := rt.Ready(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
