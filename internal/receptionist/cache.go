package receptionist

import (
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/booking"
)

// routeTTL is how long a line's practice is remembered. A number moved to
// another practice, or an agent switched off, takes effect within it.
const routeTTL = 10 * time.Second

type routeCache struct {
	mu sync.Mutex
	m  map[string]routeEntry
}

type routeEntry struct {
	r       Route
	expires time.Time
}

func (c *routeCache) get(key string, now time.Time) (Route, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || now.After(e.expires) {
		return Route{}, false
	}
	return e.r, true
}

func (c *routeCache) put(key string, r Route, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]routeEntry{}
	}
	c.m[key] = routeEntry{r, now.Add(routeTTL)}
}

// callCache remembers call rows by practice and Vapi call id for the calls
// in progress.
type callCache struct {
	mu sync.Mutex
	m  map[[2]string]ent.Call
}

// get returns a copy of the row: every request of a call may run at once,
// and each may change its own (the verified patient) without a lock.
func (c *callCache) get(practiceID, vapiID string) *ent.Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	row, ok := c.m[[2]string{practiceID, vapiID}]
	if !ok {
		return nil
	}
	return &row
}

func (c *callCache) put(row *ent.Call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[[2]string]ent.Call{}
	}
	c.m[[2]string{row.PracticeID, row.VapiCallID}] = *row
}

// answerTTL is how long a read's answer is kept for a repeated delivery.
const answerTTL = 10 * time.Minute

// answerCache remembers the answers of read-only tool calls by practice and
// tool call id, with the call and tool they answered.
type answerCache struct {
	mu sync.Mutex
	m  map[[2]string]answerEntry
}

type answerEntry struct {
	st      stored
	expires time.Time
}

func (c *answerCache) get(practiceID, toolCallID string, now time.Time) (stored, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[[2]string{practiceID, toolCallID}]
	if !ok || now.After(e.expires) {
		return stored{}, false
	}
	return e.st, true
}

func (c *answerCache) put(practiceID, toolCallID string, st stored, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 50000 {
		// Start over rather than scan: a full cache means old entries.
		fresh := map[[2]string]answerEntry{}
		for k, e := range c.m {
			if now.Before(e.expires) && len(fresh) < 10000 {
				fresh[k] = e
			}
		}
		c.m = fresh
	}
	c.m[[2]string{practiceID, toolCallID}] = answerEntry{st, now.Add(answerTTL)}
}

// slotTextCache keeps the text of availability answers by the answer the
// booking service returned: it hands out the same *Availability for the
// same question until the schedule changes.
type slotTextCache struct {
	mu sync.Mutex
	m  map[*booking.Availability]string
}

func (c *slotTextCache) get(a *booking.Availability) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[a]
	return s, ok
}

func (c *slotTextCache) put(a *booking.Availability, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 1024 {
		c.m = map[*booking.Availability]string{}
	}
	c.m[a] = text
}
