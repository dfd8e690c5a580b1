package server

import (
	"net/http"

	"github.com/rs/cors"

	"github.com/frontdesk/frontdesk/internal/auth"
)

// corsMaxAge is how long, in seconds, a browser may reuse a preflight's
// answer (Chromium caps it at 7200).
const corsMaxAge = 600

// allowOrigins lets the browser origins listed call what it wraps (/graphql
// and the exports): a preflight is answered with the exact origin, the
// method asked for and the headers the API reads; any other origin gets no
// CORS headers, so the browser keeps the answer from its page. With no
// origins it adds nothing. rs/cors is the well-kept implementation of the
// Fetch standard's rules (Vary, preflight short-circuit before sign-in);
// origins are matched exactly through AllowOriginFunc, so it never answers
// "*", and credentials are allowed only with an exact origin.
func allowOrigins(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		return func(h http.Handler) http.Handler { return h }
	}
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	c := cors.New(cors.Options{
		AllowOriginFunc:  func(origin string) bool { return allowed[origin] },
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Authorization", "Content-Type", auth.PracticeHeader, RequestIDHeader},
		ExposedHeaders:   []string{"Content-Disposition", RequestIDHeader},
		AllowCredentials: true,
		MaxAge:           corsMaxAge,
	})
	return c.Handler
}
