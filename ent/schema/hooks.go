package schema

import (
	"context"

	gen "github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/hook"
	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/txonce"

	"entgo.io/ent"
)

// Availability is cached per practice and keyed by the practice's schedule
// version (internal/booking). These hooks are the one place that version
// moves: every change to what availability is computed from bumps it, in the
// same transaction, once per transaction.

// scheduleChanged bumps the schedule version of the practice a mirrored
// schedule row (appointment, provider, operatory, type) belongs to.
func scheduleChanged() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			practiceID := ""
			if id, ok := m.Field("practice_id"); ok {
				practiceID, _ = id.(string)
			} else if viewer := tenant.FromContext(ctx); viewer != nil {
				practiceID = viewer.PracticeID
			}
			if practiceID == "" || !txonce.First(ctx, practiceID) {
				return v, nil
			}
			c, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return v, nil
			}
			// frontdesk's own bookkeeping, not the viewer's change of the
			// practice: no privacy rule applies.
			err = c.Client().Practice.UpdateOneID(practiceID).AddScheduleVersion(1).
				Exec(privacy.DecisionContext(ctx, privacy.Allow))
			if gen.IsNotFound(err) {
				return v, nil
			}
			return v, err
		})
	}
}

// practiceScheduleChanged bumps a practice's version when its own schedule
// settings change.
func practiceScheduleChanged() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PracticeFunc(func(ctx context.Context, m *gen.PracticeMutation) (ent.Value, error) {
			for _, f := range []string{"time_zone", "hours", "closures", "pms_hours", "pms_closures",
				"lead_time_minutes", "horizon_days", "slot_step_minutes", "default_appointment_type_id"} {
				_, set := m.Field(f)
				if set || m.FieldCleared(f) {
					if _, bumped := m.AddedScheduleVersion(); !bumped {
						m.AddScheduleVersion(1)
					}
					break
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne)
}

// Hooks of the Practice.
func (Practice) Hooks() []ent.Hook { return []ent.Hook{practiceScheduleChanged()} }

// Hooks of the Appointment.
func (Appointment) Hooks() []ent.Hook { return []ent.Hook{scheduleChanged()} }

// Hooks of the Provider.
func (Provider) Hooks() []ent.Hook { return []ent.Hook{scheduleChanged()} }

// Hooks of the Operatory.
func (Operatory) Hooks() []ent.Hook { return []ent.Hook{scheduleChanged()} }

// Hooks of the AppointmentType.
func (AppointmentType) Hooks() []ent.Hook { return []ent.Hook{scheduleChanged()} }
