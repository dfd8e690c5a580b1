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
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/patients"
)

// adoptPatient gives our patient row the PMS id the PMS created for it. A
// sync that ran between the PMS creating the patient and this job learning
// its id has mirrored the PMS's copy as a row of its own: that row is merged
// into ours (whatever points at it points at ours) and dropped, so the
// patient exists once. A row holding the id for another person is no copy:
// the PMS has reissued the id, and that row is set aside
// (patients.Supersede), never merged into ours.
func adoptPatient(ctx context.Context, c *ent.Client, acts *actionitems.Service, ours, pmsID string) error {
	me, err := c.Patient.Get(ctx, ours)
	if err != nil {
		return err
	}
	holders, err := c.Patient.Query().Where(patient.PmsID(pmsID), patient.IDNEQ(ours)).All(ctx)
	if err != nil {
		return err
	}
	for _, dup := range holders {
		if !patients.SamePerson(dup.FirstName, dup.LastName, dup.BirthDate, me.FirstName, me.LastName, me.BirthDate) {
			if err := patients.Supersede(ctx, c, acts, dup); err != nil {
				return err
			}
			continue
		}
		if err := merge(ctx, c, dup.ID, ours); err != nil {
			return err
		}
	}
	return c.Patient.UpdateOneID(ours).SetPmsID(pmsID).SetActive(true).Exec(ctx)
}

// merge points whatever points at patient dup at ours, and drops dup.
func merge(ctx context.Context, c *ent.Client, dup, ours string) error {
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
	return nil
}
