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
	// Exports are the CSV downloads, pattern → handler ("GET /exports/…"),
	// signed in already.
	Exports map[string]http.Handler
	// CORSOrigins may call /graphql and the exports from a browser page
	// (exact origins, such as https://app.example.com).
	CORSOrigins []string
	// Ready reports whether the server can do its work: database reachable,
	// migrations applied.
	Ready func(context.Context) error
}

func (rt Routes) mux(reg *prometheus.Registry) *http.ServeMux {
	mux := http.NewServeMux()
	browser := allowOrigins(rt.CORSOrigins)
	if rt.GraphQL != nil {
		gql := browser(rt.GraphQL)
		mux.Handle("POST /graphql", gql)
		mux.Handle("GET /graphql", gql)
		mux.Handle("OPTIONS /graphql", gql)
		// Any other method too: the GraphQL handler refuses it in GraphQL's
		// error shape, which the mux's plain 405 is not.
		mux.Handle("/graphql", gql)
	}
	for pattern, h := range rt.Exports {
		mux.Handle(pattern, browser(h))
	}
	if len(rt.Exports) > 0 {
		// A preflight is answered by browser; any other OPTIONS is not a
		// method the exports have.
		mux.Handle("OPTIONS /exports/", browser(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Allow", http.MethodGet)
			w.WriteHeader(http.StatusMethodNotAllowed)
		})))
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
