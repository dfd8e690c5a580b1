// Package graph is frontdesk's GraphQL API: thin resolvers over the services
// in internal/, and the gqlgen server that runs them (server.go).
package graph

import (
	"context"

	"github.com/frontdesk/frontdesk/ent/schema"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calllog"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/pmsconn"
	"github.com/frontdesk/frontdesk/internal/practice"
)

// Resolver holds what the resolvers call.
type Resolver struct {
	DB  *database.DB
	Svc Services
}

// Services are the domain services behind the API.
type Services struct {
	Practice *practice.Service
	PMS      *pmsconn.Service
	Booking  *booking.Service
	Actions  *actionitems.Service
	Calls    *calllog.Service
	Agent    *agentsetup.Service
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// nodeType tells Relay node lookups which table an id belongs to.
func nodeType(_ context.Context, id string) (string, error) { return schema.NodeType(id) }
