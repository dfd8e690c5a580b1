package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

// MaxBodyBytes bounds a GraphQL request body: a document and its variables
// are small.
const MaxBodyBytes = 1 << 20

// DefaultRequestTimeout is a request's deadline when Config names none.
const DefaultRequestTimeout = 15 * time.Second

// CodeBadRequest is the code of a request that is not a GraphQL request at
// all: not JSON, not one operation, not UTF-8, too large, or a method or
// transport the API does not take.
const CodeBadRequest = "BAD_REQUEST"

// guard answers what gqlgen would panic on or answer without a code.
// Websocket upgrades pass through: they speak their own protocol.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		switch r.Method {
		case http.MethodOptions:
		case http.MethodGet:
			for _, p := range []string{"variables", "extensions"} {
				var m map[string]any
				if v := r.URL.Query().Get(p); v != "" && json.Unmarshal([]byte(v), &m) != nil {
					badRequest(w, http.StatusBadRequest, p+" must be a JSON object")
					return
				}
			}
			r = r.WithContext(context.WithValue(r.Context(), getRequestKey{}, true))
		case http.MethodPost:
			body, status, msg := readRequest(w, r)
			if status != 0 {
				badRequest(w, status, msg)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		default:
			badRequest(w, http.StatusMethodNotAllowed, "use POST (or GET for queries)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readRequest reads a POST body and checks it is one GraphQL request:
// a JSON object whose query is a string. It answers a status and a reason
// when it is not.
func readRequest(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, http.StatusUnsupportedMediaType, "send Content-Type: application/json"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge, "the request body is larger than 1 MiB"
	case err != nil:
		return nil, http.StatusBadRequest, "the request body could not be read"
	case !utf8.Valid(body):
		return nil, http.StatusBadRequest, "the request body is not UTF-8"
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
		return nil, http.StatusBadRequest, "batched requests are not supported: send one operation per request"
	}
	var req struct {
		Query         *string        `json:"query"`
		OperationName *string        `json:"operationName"`
		Variables     map[string]any `json:"variables"`
		Extensions    map[string]any `json:"extensions"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return nil, http.StatusBadRequest, "the request's " + typeErr.Field + " has the wrong type"
		}
		return nil, http.StatusBadRequest, "the request body is not a JSON object"
	}
	if dec.More() {
		return nil, http.StatusBadRequest, "the request body holds more than one JSON value"
	}
	return body, 0, ""
}

func badRequest(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": CodeBadRequest}}},
	})
}

type getRequestKey struct{}

// getOnlyQueries refuses mutations over GET (a link must not change
// anything) with a code; gqlgen's own refusal has none.
type getOnlyQueries struct{}

func (getOnlyQueries) ExtensionName() string                   { return "GetOnlyQueries" }
func (getOnlyQueries) Validate(graphql.ExecutableSchema) error { return nil }

func (getOnlyQueries) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if get, _ := ctx.Value(getRequestKey{}).(bool); get && oc.Operation.Operation != ast.Query {
		err := gqlerror.Errorf("GET requests only allow query operations: send mutations with POST")
		err.Extensions = map[string]any{"code": CodeBadRequest}
		return err
	}
	return nil
}

// deadline gives each query and mutation its time; resolvers run under it
// (a subscription lives longer than any request).
type deadline time.Duration

func (deadline) ExtensionName() string                   { return "Deadline" }
func (deadline) Validate(graphql.ExecutableSchema) error { return nil }

func (d deadline) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
			return next(ctx)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(d))
	defer cancel()
	return next(ctx)
}

// transactioner is entgql's, except for a request that never became an
// operation (it has nothing to run, and entgql would panic looking for it),
// and for a mutation whose client went away (gqlgen then answers nothing,
// and entgql would panic reading the answer): that one is rolled back.
type transactioner struct{ entgql.Transactioner }

func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || graphql.GetOperationContext(ctx).Operation == nil {
		return next(ctx)
	}
	return t.Transactioner.InterceptResponse(ctx, func(ctx context.Context) *graphql.Response {
		if r := next(ctx); r != nil {
			return r
		}
		return &graphql.Response{Errors: gqlerror.List{{
			Message:    "request cancelled or timed out",
			Extensions: map[string]any{"code": string(apperr.Unavailable)},
		}}}
	})
}

// stopWhenCancelled runs no resolver once the request's deadline has passed
// or its client has gone.
func stopWhenCancelled(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.IsResolver {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return next(ctx)
}
