package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
)

// Journal keeps what is written to a sandbox across restarts, and lets the
// sandboxes of several processes on one database act as one PMS. It holds
// numbered entries: the day the data is built around, then every write
// queued and every write withdrawn, in order. A sandbox replays it when it
// opens and takes in the entries it has not seen before each use, so it never
// issues an id twice.
type Journal interface {
	// Load returns the entries numbered after seq, in order.
	Load(ctx context.Context, after int) ([]Entry, error)
	// Append stores e under e.Seq; ErrJournalConflict when that number is
	// taken (another process's sandbox wrote first).
	Append(ctx context.Context, e Entry) error
}

// Entry is one line of a Journal.
type Entry struct {
	Seq  int
	Kind string // "anchor", "withdraw" or a write kind (KindCreatePatient, ...)
	Data []byte // JSON
}

// ErrJournalConflict: the entry's number was taken.
var ErrJournalConflict = errors.New("sandbox: journal entry already written")

const (
	kindAnchor   = "anchor"
	kindWithdraw = "withdraw"
	// maxJournalRetries bounds how often one write gives way to another
	// process's before it fails.
	maxJournalRetries = 5
)

// record is a queued write as the journal keeps it: enough to queue it
// again, with its id and times, and apply it as it was applied.
type record struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Request   request   `json:"request"`
	Submitted time.Time `json:"submitted"`
	Due       time.Time `json:"due"`
	Fail      string    `json:"fail,omitempty"`
}

// request is what a write was asked to do.
type request struct {
	Patient       *pms.NewPatient     `json:"patient,omitempty"`
	Appointment   *pms.NewAppointment `json:"appointment,omitempty"`
	AppointmentID string              `json:"appointment_id,omitempty"`
	Reason        string              `json:"reason,omitempty"`
	Reschedule    *pms.Reschedule     `json:"reschedule,omitempty"`
}

type withdrawal struct {
	ID string `json:"id"`
}

type anchorEntry struct {
	Anchor string `json:"anchor"`
}

// Open builds the sandbox cfg describes over j: the anchor day comes from
// the journal (recorded on first open, so a restart on another day builds
// the same practice), then every journalled write is queued again and
// applies as it did. New writes are journalled before they are queued.
func Open(ctx context.Context, cfg Config, j Journal) (*Sandbox, error) {
	entries, err := j.Load(ctx, 0)
	if err != nil {
		return nil, journalErr(err)
	}
	if len(entries) == 0 {
		_, _, anchor := cfg.defaults()
		data, _ := json.Marshal(anchorEntry{Anchor: anchor.String()})
		err := j.Append(ctx, Entry{Seq: 1, Kind: kindAnchor, Data: data})
		if err != nil && !errors.Is(err, ErrJournalConflict) {
			return nil, journalErr(err)
		}
		if entries, err = j.Load(ctx, 0); err != nil {
			return nil, journalErr(err)
		}
	}
	if len(entries) == 0 || entries[0].Kind != kindAnchor {
		return nil, fmt.Errorf("sandbox: the journal does not start with its anchor day: %w", pms.ErrUnavailable)
	}
	var a anchorEntry
	if err := json.Unmarshal(entries[0].Data, &a); err != nil {
		return nil, fmt.Errorf("sandbox: journal anchor: %w", err)
	}
	if cfg.Anchor, err = pms.ParseDate(a.Anchor); err != nil {
		return nil, fmt.Errorf("sandbox: journal anchor: %w", err)
	}
	s := New(cfg)
	s.journal = j
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.replay(entries); err != nil {
		return nil, err
	}
	return s, nil
}

// catchUp takes in the journal entries this sandbox has not seen. s.mu is
// held.
func (s *Sandbox) catchUp(ctx context.Context) error {
	if s.journal == nil {
		return nil
	}
	entries, err := s.journal.Load(ctx, s.seq)
	if err != nil {
		return journalErr(err)
	}
	return s.replay(entries)
}

// replay applies entries in order. s.mu is held.
func (s *Sandbox) replay(entries []Entry) error {
	for _, e := range entries {
		switch e.Kind {
		case kindAnchor:
		case kindWithdraw:
			var wd withdrawal
			if err := json.Unmarshal(e.Data, &wd); err != nil {
				return fmt.Errorf("sandbox: journal entry %d: %w", e.Seq, err)
			}
			if w, ok := s.writebacks[wd.ID]; ok && w.status.State == pms.WritebackPending {
				s.withdraw(w)
			}
		default:
			var rec record
			if err := json.Unmarshal(e.Data, &rec); err != nil {
				return fmt.Errorf("sandbox: journal entry %d: %w", e.Seq, err)
			}
			body, apply := s.build(rec.Kind, rec.Request)
			if apply == nil {
				return fmt.Errorf("sandbox: journal entry %d: unknown write %q", e.Seq, rec.Kind)
			}
			s.restore(rec, body, apply)
		}
		s.seq = e.Seq
	}
	return nil
}

// append journals one entry after the last. s.mu is held.
func (s *Sandbox) append(ctx context.Context, kind string, v any) error {
	if s.journal == nil {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := s.journal.Append(ctx, Entry{Seq: s.seq + 1, Kind: kind, Data: data}); err != nil {
		if errors.Is(err, ErrJournalConflict) {
			return err
		}
		return journalErr(err)
	}
	s.seq++
	return nil
}

// build makes a write's body and the function that applies it; apply is
// nil for an unknown kind.
func (s *Sandbox) build(kind string, r request) (map[string]string, func(time.Time) (string, string)) {
	switch {
	case kind == KindCreatePatient && r.Patient != nil:
		return s.createPatient(*r.Patient)
	case kind == KindCreateAppointment && r.Appointment != nil:
		return s.createAppointment(*r.Appointment)
	case kind == KindCancelAppointment:
		return s.cancelAppointment(r.AppointmentID, r.Reason)
	case kind == KindRescheduleAppointment && r.Reschedule != nil:
		return s.rescheduleAppointment(r.AppointmentID, *r.Reschedule)
	}
	return map[string]string{}, nil
}

func journalErr(err error) error {
	return fmt.Errorf("sandbox: journal: %w: %w", err, pms.ErrUnavailable)
}
