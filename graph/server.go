package graph

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/graph/generated"
	"github.com/frontdesk/frontdesk/graph/model"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/booking"
	practicesvc "github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// ComplexityLimit bounds what one query may ask for: a full page of 500
// records with a few fields each, or 50 with their nested edges.
const ComplexityLimit = 10000

// Config is what the GraphQL server needs.
type Config struct {
	Resolver *Resolver
	Auth     *auth.Authenticator
	Logger   *slog.Logger
	// RequestTimeout cancels a request's resolvers when it has run this
	// long (zero: DefaultRequestTimeout).
	RequestTimeout time.Duration
}

func init() {
	// Our refusals of malformed requests are protocol errors: a 4xx, as
	// gqlgen's own parse and validation failures are.
	errcode.RegisterErrorType(CodeBadRequest, errcode.KindProtocol)
}

// NewHandler returns the GraphQL endpoint: POST and GET queries, and
// subscriptions over websocket. It expects requests already signed in by
// auth.Middleware (websockets sign in with their connection_init payload).
func NewHandler(c Config) http.Handler {
	srv := handler.New(generated.NewExecutableSchema(schemaConfig(c.Resolver)))
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{
			// The dashboard is served from its own origin. The token travels
			// in the connection_init payload, not a cookie, so a cross-site
			// page gains nothing from opening the socket.
			InsecureSkipVerify: true,
		}},
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			v, err := c.Auth.Authenticate(ctx, p.Authorization(), p.GetString(auth.PracticeHeader))
			if err != nil {
				return ctx, nil, err
			}
			return tenant.NewContext(ctx, v), nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(pagedDocuments{lru.New[*ast.QueryDocument](1000)})
	srv.SetParserTokenLimit(MaxQueryTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(getOnlyQueries{})
	srv.Use(&inputLimits{})
	srv.Use(extension.FixedComplexityLimit(ComplexityLimit))
	srv.Use(transactioner{entgql.Transactioner{TxOpener: entgql.TxOpenerFunc(c.Resolver.DB.OpenTx)}})
	// Added after the transactioner, so it runs around it: a mutation's
	// transaction lives under the deadline too.
	timeout := c.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	srv.Use(deadline(timeout))
	// Each operation reads a practice's zone once, however many appointments
	// ask for their local time.
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(practicesvc.WithZoneCache(ctx))
	})
	srv.AroundFields(stopWhenCancelled)
	srv.SetErrorPresenter(errorPresenter(c.Logger))
	srv.SetRecoverFunc(recoverFunc(c.Logger))
	return guard(srv)
}

func schemaConfig(r *Resolver) generated.Config {
	c := generated.Config{Resolvers: r}
	// Availability costs the slots it may return times a slot's cost.
	c.Complexity.Query.Availability = func(child int, input model.AvailabilityInput) int {
		n := booking.DefaultMaxResults
		if input.MaxResults != nil && *input.MaxResults > 0 {
			n = *input.MaxResults
		}
		return itemsCost(child, n)
	}
	// Connections cost their page size times their rows' cost.
	type cursor = *entgql.Cursor[string]
	c.Complexity.Query.Practices = func(child int, _ cursor, first *int, _ cursor, last *int, _ *ent.PracticeOrder) int {
		return pageCost(child, first, last)
	}
	c.Complexity.Query.SyncRuns = func(child int, _ cursor, first *int, _ cursor, last *int) int {
		return pageCost(child, first, last)
	}
	c.Complexity.Query.Patients = func(child int, _ cursor, first *int, _ cursor, last *int, _ []*ent.PatientOrder, _ *ent.PatientWhereInput, _ *model.PatientSearch) int {
		return pageCost(child, first, last)
	}
	c.Complexity.Query.Appointments = func(child int, _ cursor, first *int, _ cursor, last *int, _ *ent.AppointmentOrder, _ *ent.AppointmentWhereInput) int {
		return pageCost(child, first, last)
	}
	c.Complexity.Query.ActionItems = func(child int, _ cursor, first *int, _ cursor, last *int, _ *actionitem.Status) int {
		return pageCost(child, first, last)
	}
	c.Complexity.Query.Calls = func(child int, _ cursor, first *int, _ cursor, last *int, _ *ent.CallWhereInput) int {
		return pageCost(child, first, last)
	}
	c.Complexity.Patient.Appointments = func(child int, _ cursor, first *int, _ cursor, last *int, _ *ent.AppointmentOrder, _ *ent.AppointmentWhereInput) int {
		return pageCost(child, first, last)
	}
	return c
}
