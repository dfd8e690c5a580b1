// Package txonce remembers, for one transaction, which practices' schedules
// it has already marked changed, so a transaction that writes five thousand
// appointments bumps the practice's schedule version once, not five
// thousand times.
package txonce

import (
	"context"
	"sync"
)

type key struct{}

type set struct {
	mu   sync.Mutex
	seen map[string]bool
}

// Track returns ctx with a fresh record; the database attaches one to every
// transaction it begins.
func Track(ctx context.Context) context.Context {
	return context.WithValue(ctx, key{}, &set{seen: map[string]bool{}})
}

// First reports whether practiceID has not been marked yet in ctx's record,
// and marks it. Without a record (outside a transaction) every call is first.
func First(ctx context.Context, practiceID string) bool {
	s, ok := ctx.Value(key{}).(*set)
	if !ok {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[practiceID] {
		return false
	}
	s.seen[practiceID] = true
	return true
}
