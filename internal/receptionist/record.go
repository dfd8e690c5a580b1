package receptionist

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/ent/toolinvocation"
	"github.com/frontdesk/frontdesk/internal/ids"
)

// A read-only tool call (check-availability) is answered before its record
// is written: the record of a read is a log entry, and writing it inside the
// request would queue every caller behind one database writer. The
// recorder writes them in batches, a few milliseconds later; a duplicate
// delivery in between is answered afresh, which for a read is the same.

type invocation struct {
	practiceID, callID, toolCallID, tool, result string
	outcome                                      toolinvocation.Outcome
	latency                                      time.Duration
}

type recorder struct {
	ch   chan invocation
	done chan struct{}
}

const (
	recordBatch = 200
	recordEvery = 20 * time.Millisecond
)

// RecordInBackground starts writing read-only tool calls' records in
// batches; stop flushes what is pending and returns when it is written.
// Without it, records are written as each call is answered.
func (s *Service) RecordInBackground() (stop func()) {
	r := &recorder{ch: make(chan invocation, 4096), done: make(chan struct{})}
	s.recorder.Store(r)
	go s.drain(r)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.recorder.Store(nil)
			close(r.ch)
			<-r.done
		})
	}
}

func (s *Service) drain(r *recorder) {
	defer close(r.done)
	tick := time.NewTicker(recordEvery)
	defer tick.Stop()
	var batch []invocation
	flush := func() {
		if len(batch) > 0 {
			s.writeRecords(batch)
			batch = batch[:0]
		}
	}
	for {
		select {
		case inv, ok := <-r.ch:
			if !ok {
				flush()
				return
			}
			batch = append(batch, inv)
			if len(batch) >= recordBatch {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// writeRecords inserts a batch in one statement. It is plain SQL, not ent:
// rows for several practices at once, from frontdesk itself, a few
// thousand a second on a busy server.
func (s *Service) writeRecords(batch []invocation) {
	var q strings.Builder
	q.WriteString("INSERT INTO tool_invocations (id, created_at, updated_at, practice_id, call_id, tool_call_id, tool, outcome, result, latency_ms) VALUES ")
	args := make([]any, 0, 10*len(batch))
	now := s.Clock.Now().UTC()
	for i, inv := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, ids.New("tool"), now, now, inv.practiceID, inv.callID, inv.toolCallID, inv.tool,
			string(inv.outcome), inv.result, int(inv.latency.Milliseconds()))
	}
	q.WriteString(" ON CONFLICT (practice_id, tool_call_id) DO NOTHING")
	if err := s.DB.ExecBatch(context.Background(), q.String(), args...); err != nil {
		s.Log.Error("receptionist: record tool calls", "count", len(batch), "err", err)
	}
}

// enqueue hands a record to the background recorder, or reports false when
// none is running (or it is full) so the caller writes it itself.
func (s *Service) enqueue(inv invocation) bool {
	r := s.recorder.Load()
	if r == nil {
		return false
	}
	select {
	case r.ch <- inv:
		return true
	default:
		return false
	}
}
