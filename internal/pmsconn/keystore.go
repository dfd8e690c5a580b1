package pmsconn

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func sealContext(practiceID, field string) string {
	return "pms_connection/" + practiceID + "/" + field
}

func setKeys(m *ent.PMSConnectionMutation, box *secrets.Box, practiceID string, k sikka.Keys) {
	m.SetRequestKey(box.Seal(k.RequestKey, sealContext(practiceID, "request_key")))
	m.SetRefreshKey(box.Seal(k.RefreshKey, sealContext(practiceID, "refresh_key")))
	if k.Expires.IsZero() {
		m.ClearKeyExpiresAt()
	} else {
		m.SetKeyExpiresAt(k.Expires)
	}
}

// keyStore keeps a practice's Sikka keys in its connection row, sealed.
// Rotate holds the row's lock, so two processes never spend one refresh key
// twice.
type keyStore struct {
	db         *database.DB
	box        *secrets.Box
	practiceID string
}

var _ sikka.KeyStore = (*keyStore)(nil)

func (k *keyStore) Keys(ctx context.Context) (sikka.Keys, error) {
	ctx = tenant.System(ctx, k.practiceID)
	conn, err := k.db.Client(ctx).PMSConnection.Query().Only(ctx)
	if err != nil {
		return sikka.Keys{}, fmt.Errorf("pmsconn: keys: %w", err)
	}
	return k.open(conn)
}

func (k *keyStore) open(conn *ent.PMSConnection) (sikka.Keys, error) {
	var out sikka.Keys
	var err error
	if len(conn.RequestKey) > 0 {
		if out.RequestKey, err = k.box.Open(conn.RequestKey, sealContext(k.practiceID, "request_key")); err != nil {
			return sikka.Keys{}, fmt.Errorf("pmsconn: request key: %w", err)
		}
	}
	if len(conn.RefreshKey) > 0 {
		if out.RefreshKey, err = k.box.Open(conn.RefreshKey, sealContext(k.practiceID, "refresh_key")); err != nil {
			return sikka.Keys{}, fmt.Errorf("pmsconn: refresh key: %w", err)
		}
	}
	if conn.KeyExpiresAt != nil {
		out.Expires = *conn.KeyExpiresAt
	}
	return out, nil
}

func (k *keyStore) Rotate(ctx context.Context, refresh func(context.Context, sikka.Keys) (sikka.Keys, error)) (sikka.Keys, error) {
	ctx = tenant.System(ctx, k.practiceID)
	var next sikka.Keys
	err := k.db.InTx(ctx, func(ctx context.Context) error {
		// SQLite's BEGIN IMMEDIATE already holds the database's write lock;
		// PostgreSQL locks the one row.
		if k.db.Dialect == dialect.Postgres {
			if _, err := database.TxFromContext(ctx).SQL().ExecContext(ctx,
				"SELECT id FROM pms_connections WHERE practice_id = $1 FOR UPDATE", k.practiceID); err != nil {
				return fmt.Errorf("pmsconn: lock keys: %w", err)
			}
		}
		c := k.db.Client(ctx)
		conn, err := c.PMSConnection.Query().Only(ctx)
		if err != nil {
			return fmt.Errorf("pmsconn: keys: %w", err)
		}
		current, err := k.open(conn)
		if err != nil {
			return err
		}
		if next, err = refresh(ctx, current); err != nil {
			return err
		}
		if next == current {
			return nil
		}
		upd := c.PMSConnection.UpdateOne(conn)
		setKeys(upd.Mutation(), k.box, k.practiceID, next)
		return upd.Exec(ctx)
	})
	return next, err
}

// sealedFields are the pms_connections columns sealed with the secrets Box.
var sealedFields = []string{pmsconnection.FieldSecretKey, pmsconnection.FieldRequestKey, pmsconnection.FieldRefreshKey}

// Reseal seals every practice's stored PMS secrets again under to, opening
// them with from, in one transaction (the caller's, when it has one). It
// holds every connection row, so a key refresh (Rotate) waits for it
// rather than being overwritten. It returns how many values it resealed.
func Reseal(ctx context.Context, db *database.DB, from, to *secrets.Box) (int, error) {
	n := 0
	err := db.InTx(ctx, func(ctx context.Context) error {
		if db.Dialect == dialect.Postgres {
			if _, err := database.TxFromContext(ctx).SQL().ExecContext(ctx, "SELECT id FROM pms_connections FOR UPDATE"); err != nil {
				return fmt.Errorf("pmsconn: lock keys: %w", err)
			}
		}
		// Unscoped: a rotation spans every practice; each row is then
		// written as its own practice's system.
		conns, err := db.Client(tenant.Unscoped(ctx)).PMSConnection.Query().All(tenant.Unscoped(ctx))
		if err != nil {
			return fmt.Errorf("pmsconn: reseal: %w", err)
		}
		for _, conn := range conns {
			sys := tenant.System(ctx, conn.PracticeID)
			upd := db.Client(sys).PMSConnection.UpdateOne(conn)
			sealed := map[string][]byte{
				pmsconnection.FieldSecretKey:  conn.SecretKey,
				pmsconnection.FieldRequestKey: conn.RequestKey,
				pmsconnection.FieldRefreshKey: conn.RefreshKey,
			}
			changed := false
			for _, field := range sealedFields {
				if len(sealed[field]) == 0 {
					continue
				}
				sc := sealContext(conn.PracticeID, field)
				plain, err := from.Open(sealed[field], sc)
				if err != nil {
					return fmt.Errorf("pmsconn: reseal practice %s %s: %w", conn.PracticeID, field, err)
				}
				if err := upd.Mutation().SetField(field, to.Seal(plain, sc)); err != nil {
					return err
				}
				changed = true
				n++
			}
			if changed {
				if err := upd.Exec(sys); err != nil {
					return fmt.Errorf("pmsconn: reseal practice %s: %w", conn.PracticeID, err)
				}
			}
		}
		return nil
	})
	return n, err
}
