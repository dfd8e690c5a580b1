package pmsconn

import (
	"context"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/sandboxentry"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// sandboxJournal keeps a practice's sandbox journal in the database
// (sandbox_entries), so that the sandbox survives restarts and the
// processes sharing the database share one sandbox. A sandbox is called
// like a PMS, never inside a transaction, so each append commits at once.
type sandboxJournal struct {
	db         *database.DB
	practiceID string
}

var _ sandbox.Journal = (*sandboxJournal)(nil)

func (j *sandboxJournal) Load(ctx context.Context, after int) ([]sandbox.Entry, error) {
	ctx = tenant.System(ctx, j.practiceID)
	rows, err := j.db.Client(ctx).SandboxEntry.Query().
		Where(sandboxentry.SeqGT(after)).Order(sandboxentry.BySeq()).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]sandbox.Entry, len(rows))
	for i, r := range rows {
		out[i] = sandbox.Entry{Seq: r.Seq, Kind: r.Kind, Data: []byte(r.Data)}
	}
	return out, nil
}

func (j *sandboxJournal) Append(ctx context.Context, e sandbox.Entry) error {
	ctx = tenant.System(ctx, j.practiceID)
	err := j.db.Client(ctx).SandboxEntry.Create().SetPracticeID(j.practiceID).
		SetSeq(e.Seq).SetKind(e.Kind).SetData(string(e.Data)).Exec(ctx)
	if ent.IsConstraintError(err) {
		return sandbox.ErrJournalConflict
	}
	return err
}
