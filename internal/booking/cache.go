package booking

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/frontdesk/frontdesk/internal/scheduling"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Availability is asked far more often than a practice's schedule changes,
// and it is asked while a caller waits on the line. So each process keeps,
// per practice, what availability is computed from — the view and every
// busy interval up to the horizon — keyed by the practice's schedule
// version, which the ent hooks (ent/schema/hooks.go) bump in the same
// transaction as any change to it. One indexed read of that version is all a
// warm question costs before the search itself; the answers to recent
// questions are kept too. Bookings never use this: they re-read and re-check
// inside their own transaction.

type snapshot struct {
	version int64
	view    *practiceView
	input   scheduling.Input // Now and Rules are set per question
	until   time.Time        // busy intervals are loaded up to here
	results map[resultKey]*Availability
}

type resultKey struct {
	query  AvailabilityQuery
	minute int64 // answers depend on now, through lead time and "today"
}

// maxResults bounds the answers a snapshot keeps.
const maxResults = 512

type cache struct {
	mu        sync.Mutex
	practices map[string]*snapshot
	building  singleflight.Group
}

func (s *Service) snapshot(ctx context.Context) (*snapshot, error) {
	id, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	// The one read a warm question costs: a prepared point query, the
	// practice being the acting one.
	var version int64
	if err := s.DB.QueryRowHot(ctx, "SELECT schedule_version FROM practices WHERE id = ?", id).Scan(&version); err != nil {
		return nil, fmt.Errorf("booking: schedule version: %w", err)
	}
	now := s.Clock.Now()
	s.cache.mu.Lock()
	snap := s.cache.practices[id]
	s.cache.mu.Unlock()
	if snap != nil && snap.version == version && now.Before(snap.until) {
		return snap, nil
	}
	// Callers arriving together for a stale snapshot wait for one rebuild.
	built, err, _ := s.cache.building.Do(fmt.Sprintf("%s@%d", id, version), func() (any, error) {
		return s.build(context.WithoutCancel(ctx), id, now)
	})
	if err != nil {
		return nil, err
	}
	return built.(*snapshot), nil
}

func (s *Service) build(ctx context.Context, id string, now time.Time) (*snapshot, error) {
	v, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	horizon := time.Duration(v.practice.HorizonDays) * 24 * time.Hour
	// A day's margin either side, and a week past the horizon, so the
	// snapshot stays good as the clock moves.
	from := now.Add(-24 * time.Hour)
	until := now.Add(horizon + 7*24*time.Hour)
	in, err := s.input(ctx, v, from, until, "")
	if err != nil {
		return nil, err
	}
	snap := &snapshot{version: v.practice.ScheduleVersion, view: v, input: in, until: now.Add(7 * 24 * time.Hour), results: map[resultKey]*Availability{}}
	s.cache.mu.Lock()
	if s.cache.practices == nil {
		s.cache.practices = map[string]*snapshot{}
	}
	s.cache.practices[id] = snap
	s.cache.mu.Unlock()
	return snap, nil
}

func (s *Service) remembered(snap *snapshot, k resultKey) *Availability {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return snap.results[k]
}

func (s *Service) remember(snap *snapshot, k resultKey, a *Availability) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if len(snap.results) >= maxResults {
		clear(snap.results)
	}
	snap.results[k] = a
}
