package writeback

import (
	"context"
	"fmt"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/patient"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
)

// adoptPatient gives our patient row the PMS id the PMS created for it. A
// sync that ran between the PMS creating the patient and this job learning
// its id has mirrored the PMS's copy as a row of its own: that row is merged
// into ours (whatever points at it points at ours) and dropped, so the
// patient exists once.
func adoptPatient(ctx context.Context, c *ent.Client, ours, pmsID string) error {
	copies, err := c.Patient.Query().Where(patient.PmsID(pmsID), patient.IDNEQ(ours)).IDs(ctx)
	if err != nil {
		return err
	}
	for _, dup := range copies {
		if err := c.Appointment.Update().Where(appointment.PatientID(dup)).SetPatientID(ours).Exec(ctx); err != nil {
			return fmt.Errorf("writeback: merge patient: appointments: %w", err)
		}
		if err := c.Call.Update().Where(call.VerifiedPatientID(dup)).SetVerifiedPatientID(ours).Exec(ctx); err != nil {
			return fmt.Errorf("writeback: merge patient: calls: %w", err)
		}
		if err := c.ActionItem.Update().Where(actionitem.PatientID(dup)).SetPatientID(ours).Exec(ctx); err != nil {
			return fmt.Errorf("writeback: merge patient: action items: %w", err)
		}
		if err := c.Writeback.Update().Where(ewb.PatientID(dup)).SetPatientID(ours).Exec(ctx); err != nil {
			return fmt.Errorf("writeback: merge patient: writebacks: %w", err)
		}
		if err := c.Patient.DeleteOneID(dup).Exec(ctx); err != nil {
			return fmt.Errorf("writeback: merge patient: %w", err)
		}
	}
	return c.Patient.UpdateOneID(ours).SetPmsID(pmsID).Exec(ctx)
}
