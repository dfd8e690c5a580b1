// Package pmsconn connects practices to their practice-management systems:
// it proves and stores (sealed) their credentials, and opens the pms.PMS a
// sync, a booking or a writeback talks to.
package pmsconn

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/jobargs"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Config is what the Service needs.
type Config struct {
	DB    *database.DB
	Box   *secrets.Box
	Clock clock.Clock
	Queue *jobs.Queue
	// Sikka is nil when SIKKA_APP_ID/SIKKA_APP_KEY are not configured.
	Sikka *sikka.Client
	// SandboxWritebackDelay is how long sandbox writes stay pending.
	SandboxWritebackDelay time.Duration
}

// Service manages PMS connections.
type Service struct {
	Config
	mu        sync.Mutex
	sandboxes map[string]*sandbox.Sandbox
}

// New returns a Service.
func New(c Config) *Service {
	return &Service{Config: c, sandboxes: map[string]*sandbox.Sandbox{}}
}

// Get returns the acting practice's connection, or nil when it has none.
func (s *Service) Get(ctx context.Context) (*ent.PMSConnection, error) {
	c, err := s.DB.Client(ctx).PMSConnection.Query().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return c, err
}

// ConnectSikka proves the credentials by getting a request key from Sikka,
// then, in one transaction, stores them (sealed), replaces the mirror when
// it came from another PMS (see connect) and enqueues a full sync — all or
// nothing: refused credentials leave nothing behind, the mirror included.
func (s *Service) ConnectSikka(ctx context.Context, officeID, secretKey, pmsPracticeID string) (*ent.PMSConnection, error) {
	practiceID, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	officeID, secretKey = strings.TrimSpace(officeID), strings.TrimSpace(secretKey)
	if pmsPracticeID = strings.TrimSpace(pmsPracticeID); pmsPracticeID == "" {
		pmsPracticeID = "1"
	}
	switch {
	case officeID == "" || secretKey == "":
		return nil, apperr.New(apperr.Invalid, "officeId and secretKey are required: find them in the Sikka portal under authorized practices")
	case s.Sikka == nil:
		return nil, apperr.New(apperr.Unavailable, "Sikka is not configured on this server: set SIKKA_APP_ID and SIKKA_APP_KEY")
	}
	keys, err := s.Sikka.RequestKey(ctx, officeID, secretKey)
	if err != nil {
		return nil, describe(err, "Sikka did not accept these credentials")
	}
	var conn *ent.PMSConnection
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		to := source{provider: pmsconnection.ProviderSIKKA, officeID: officeID, practiceID: pmsPracticeID}
		conn, err = s.connect(ctx, practiceID, to, func(create *ent.PMSConnectionCreate) {
			create.SetOfficeID(officeID).SetPmsPracticeID(pmsPracticeID).
				SetSecretKey(s.Box.Seal(secretKey, sealContext(practiceID, "secret_key")))
			setKeys(create.Mutation(), s.Box, practiceID, keys)
		})
		if err != nil {
			return err
		}
		return s.Queue.Insert(ctx, jobargs.Sync{PracticeID: practiceID, Full: true}, nil)
	})
	if err != nil {
		return nil, err
	}
	return conn, nil
}

// ConnectSandbox connects the acting practice to a sandbox PMS with
// deterministic demo data, replacing the mirror when it came from another
// PMS (see connect), and enqueues a full sync.
func (s *Service) ConnectSandbox(ctx context.Context) (*ent.PMSConnection, error) {
	practiceID, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	var conn *ent.PMSConnection
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		conn, err = s.connect(ctx, practiceID, source{provider: pmsconnection.ProviderSANDBOX}, func(create *ent.PMSConnectionCreate) {
			create.SetSystem("frontdesk sandbox")
		})
		if err != nil {
			return err
		}
		return s.Queue.Insert(ctx, jobargs.Sync{PracticeID: practiceID, Full: true}, nil)
	})
	return conn, err
}

// Disconnect stops syncing and forgets the keys. The mirror stays, so the
// dashboard still shows what was last known, until another PMS is
// connected.
func (s *Service) Disconnect(ctx context.Context) (*ent.PMSConnection, error) {
	if _, err := tenant.ActingPractice(ctx); err != nil {
		return nil, err
	}
	c := s.DB.Client(ctx)
	conn, err := c.PMSConnection.Query().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no PMS is connected")
	}
	if err != nil {
		return nil, err
	}
	return c.PMSConnection.UpdateOne(conn).
		SetStatus(pmsconnection.StatusDISCONNECTED).
		ClearSecretKey().ClearRequestKey().ClearRefreshKey().ClearKeyExpiresAt().
		Save(ctx)
}

// RequestSync enqueues a sync of the acting practice now.
func (s *Service) RequestSync(ctx context.Context, full bool) (*ent.PMSConnection, error) {
	practiceID, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := s.Get(ctx)
	if err != nil {
		return nil, err
	}
	if conn == nil || conn.Status == pmsconnection.StatusDISCONNECTED {
		return nil, apperr.New(apperr.Invalid, "no PMS is connected: connect one first")
	}
	if err := s.Queue.Insert(ctx, jobargs.Sync{PracticeID: practiceID, Full: full}, nil); err != nil {
		return nil, err
	}
	return conn, nil
}

// Open returns the PMS of a practice and the practice's zone. Callers act
// as the system for that practice.
func (s *Service) Open(ctx context.Context, practiceID string) (pms.PMS, *time.Location, error) {
	ctx = tenant.System(ctx, practiceID)
	c := s.DB.Client(ctx)
	loc, err := practice.Zone(ctx, s.DB, practiceID)
	if err != nil {
		return nil, nil, fmt.Errorf("pmsconn: %w", err)
	}
	conn, err := c.PMSConnection.Query().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.New(apperr.Invalid, "practice %s has no PMS connected", practiceID)
	}
	if err != nil {
		return nil, nil, err
	}
	if conn.Status == pmsconnection.StatusDISCONNECTED {
		return nil, nil, apperr.New(apperr.Invalid, "practice %s has disconnected its PMS", practiceID)
	}
	switch conn.Provider {
	case pmsconnection.ProviderSANDBOX:
		sb, err := s.sandbox(ctx, practiceID, loc)
		if err != nil {
			return nil, nil, err
		}
		return sb, loc, nil
	case pmsconnection.ProviderSIKKA:
		if s.Sikka == nil {
			return nil, nil, apperr.New(apperr.Unavailable, "Sikka is not configured on this server: set SIKKA_APP_ID and SIKKA_APP_KEY")
		}
		store := &keyStore{db: s.DB, box: s.Box, practiceID: practiceID}
		return s.Sikka.Practice(conn.OfficeID, conn.PmsPracticeID, loc, store).WithCancelStatus(conn.CancelStatus), loc, nil
	default:
		return nil, nil, fmt.Errorf("pmsconn: unknown provider %q", conn.Provider)
	}
}

// sandbox returns the practice's one sandbox in this process, opened over
// its journal in the database the first time.
func (s *Service) sandbox(ctx context.Context, practiceID string, loc *time.Location) (*sandbox.Sandbox, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sb, ok := s.sandboxes[practiceID]; ok {
		return sb, nil
	}
	h := fnv.New64a()
	h.Write([]byte(practiceID))
	sb, err := sandbox.Open(ctx, sandbox.Config{
		Seed:           int64(h.Sum64() >> 1),
		Location:       loc,
		Clock:          s.Clock,
		WritebackDelay: s.SandboxWritebackDelay,
	}, &sandboxJournal{db: s.DB, practiceID: practiceID})
	if err != nil {
		return nil, err
	}
	s.sandboxes[practiceID] = sb
	return sb, nil
}

// describe turns a PMS error into a coded error an owner can act on,
// with Sikka's own explanation of its code.
func describe(err error, what string) error {
	var se *sikka.Error
	detail := ""
	if errors.As(err, &se) {
		detail = fmt.Sprintf(" (%s: %s)", se.Code, sikka.Describe(se.Code))
	}
	switch {
	case errors.Is(err, pms.ErrCredentials), errors.Is(err, pms.ErrRejected), errors.Is(err, pms.ErrNotFound):
		return apperr.Wrap(apperr.Invalid, err, "%s%s", what, detail)
	case errors.Is(err, pms.ErrUnavailable):
		return apperr.Wrap(apperr.Unavailable, err, "Sikka is unavailable right now; try again shortly%s", detail)
	default:
		return apperr.Wrap(apperr.Unavailable, err, "Sikka could not be reached; try again shortly")
	}
}
