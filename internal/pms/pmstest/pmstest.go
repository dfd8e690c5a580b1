// Package pmstest holds test doubles for the pms interfaces.
package pmstest

import (
	"context"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
)

// Fixed is a pms.Opener that opens the same PMS, in the same location, for
// every practice.
type Fixed struct {
	PMS      pms.PMS
	Location *time.Location
}

func (f Fixed) Open(context.Context, string) (pms.PMS, *time.Location, error) {
	return f.PMS, f.Location, nil
}
