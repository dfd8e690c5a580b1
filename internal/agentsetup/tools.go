package agentsetup

import (
	"encoding/json"

	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// The tool names are the receptionist's (README.md, "The voice agent"), each
// also the route /webhooks/vapi/tools/{name} and the Vapi function name the
// webhook dispatches on.
const (
	CheckAvailability     = receptionist.CheckAvailability
	BookAppointment       = receptionist.BookAppointment
	GetPatientInfo        = receptionist.GetPatientInfo
	TransferToHuman       = receptionist.TransferToHuman
	CancelAppointment     = receptionist.CancelAppointment
	RescheduleAppointment = receptionist.RescheduleAppointment
	TakeMessage           = receptionist.TakeMessage
)

// ToolTimeoutSeconds bounds each tool webhook: our tools answer from our own
// database, so a slow answer means trouble, and the caller is waiting.
const ToolTimeoutSeconds = 10

// ServerAuth is how Vapi authenticates to our webhooks: the credential's id
// and, in HMAC mode, static headers carrying the shared secret.
type ServerAuth struct {
	CredentialID string
	Headers      map[string]string
}

func (a ServerAuth) server(url string, timeout int) *vapi.Server {
	return &vapi.Server{URL: url, TimeoutSeconds: timeout, CredentialID: a.CredentialID, Headers: a.Headers}
}

// toolSpec is one tool of the contract. Parameters use only the JSON Schema
// keywords Vapi's JsonSchema DTO declares (type, properties, required, enum,
// pattern, description, items, format, title): anything else may be dropped
// by Vapi, and a dropped keyword would make every sync see a difference.
type toolSpec struct {
	name, description string
	params            schema
	start, delayed    string // spoken while the tool runs, and if it is slow
}

type schema = map[string]any

func object(required []string, props schema) schema {
	s := schema{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func str(description string) schema { return schema{"type": "string", "description": description} }

func enum(description string, values ...string) schema {
	return schema{"type": "string", "description": description, "enum": values}
}

const datePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

func date(description string) schema {
	return schema{"type": "string", "description": description, "pattern": datePattern}
}

var (
	slotID = str("The slot_id of a time check-availability returned on this call. Preferred over start.")
	start  = str(`Only when no slot_id fits: the practice-local start time the caller agreed to, as "2026-12-01T09:00" (no time zone).`)
)

var toolSpecs = []toolSpec{
	{
		name: CheckAvailability,
		description: "Find open appointment times at the practice. Call it before offering or confirming any time, and offer only the times it returns. " +
			`Returns {"slots":[{"slot_id","start","end","provider","appointment_type","spoken"}],"next_available"}: say a slot's "spoken" text to the caller ` +
			"and keep its slot_id for book-appointment or reschedule-appointment; next_available is the first open time when nothing matched.",
		params: object(nil, schema{
			"appointment_type": str("The service the caller wants, as named in your instructions (e.g. \"Cleaning\"). Omit for the practice's default visit."),
			"date_from":        date("First day to search, YYYY-MM-DD in the practice's time zone. Omit to start at the earliest bookable time."),
			"date_to":          date("Last day to search, YYYY-MM-DD, inclusive. Omit to let the tool choose."),
			"time_of_day":      enum("The part of the day the caller prefers.", "morning", "afternoon", "evening", "any"),
			"provider":         str("A provider the caller asked for, named as in your instructions (e.g. \"Dr. Lee\"). Omit for anyone."),
			"max_results":      schema{"type": "integer", "description": "How many times to return, 1 to 10. Defaults to 5."},
		}),
		start: "Let me check the schedule.",
	},
	{
		name: BookAppointment,
		description: "Book an appointment once the caller has clearly agreed to a time you read back to them. " +
			"Give the slot_id from check-availability, and either the patient_id get-patient-info returned on this call or the patient's first name, last name and date of birth. " +
			`Returns {"status":"booked","appointment_id","start","spoken"}. If the time was just taken, the error names nearby times with their slot_ids: offer those.`,
		params: object(nil, schema{
			"slot_id":          slotID,
			"start":            start,
			"appointment_type": str("The service, when booking by start rather than slot_id."),
			"provider":         str("The provider, when booking by start rather than slot_id."),
			"patient_id":       str("The patient_id get-patient-info returned on this call for the verified caller."),
			"first_name":       str("The patient's first name, for a patient get-patient-info did not verify (e.g. a new patient)."),
			"last_name":        str("The patient's last name, with first_name and date_of_birth."),
			"date_of_birth":    date("The patient's date of birth, YYYY-MM-DD."),
			"phone":            str("A callback number for a new patient, if different from the number they are calling from."),
			"notes":            str("A short note for the practice about the visit's reason, in the caller's words. No other personal details."),
		}),
		start:   "One moment while I book that.",
		delayed: "Still working on that booking, thank you for waiting.",
	},
	{
		name: GetPatientInfo,
		description: "Identify the caller before discussing, changing or cancelling any appointment: pass first name, last name and date of birth together. " +
			`Returns {"verified":true,"patient_id","first_name","upcoming_appointments":[{"appointment_id","start","spoken","provider","appointment_type"}]} only when all three match one patient; ` +
			"otherwise verified is false with a message saying what to do. The calling number alone never identifies anyone.",
		params: object(nil, schema{
			"first_name":    str("The patient's first name as the caller says it. Ask for it: never guess."),
			"last_name":     str("The patient's last name as the caller says it."),
			"date_of_birth": date("The patient's date of birth as the caller says it, YYYY-MM-DD."),
			"phone":         str("The phone number on file, only if the tool asked for it; defaults to the calling number."),
		}),
		start: "Let me look that up.",
	},
	{
		name: TransferToHuman,
		description: "Transfer the live call to the practice's front desk when the caller asks for a person or you cannot help. " +
			"If it returns an error, no one can take the call: offer to take a message instead.",
		params: object(nil, schema{
			"reason": str("Why the caller needs a person, in a few words, for the staff who pick up."),
		}),
		start: "One moment.",
	},
	{
		name: CancelAppointment,
		description: "Cancel an appointment of the patient get-patient-info verified on this call, after the caller confirmed which one. " +
			`Returns {"status":"cancelled","appointment_id","start","spoken"}.`,
		params: object([]string{"appointment_id"}, schema{
			"appointment_id": str("An appointment_id from get-patient-info's upcoming_appointments on this call."),
			"reason":         str("Why the caller is cancelling, in a few words, if they said."),
		}),
		start: "One moment while I cancel that.",
	},
	{
		name: RescheduleAppointment,
		description: "Move an appointment of the patient get-patient-info verified on this call to a new time from check-availability, after the caller agreed to it. " +
			`Returns {"status":"rescheduled","appointment_id","start","spoken"}.`,
		params: object([]string{"appointment_id"}, schema{
			"appointment_id": str("An appointment_id from get-patient-info's upcoming_appointments on this call."),
			"slot_id":        slotID,
			"start":          start,
		}),
		start:   "One moment while I move that appointment.",
		delayed: "Still working on that, thank you for waiting.",
	},
	{
		name: TakeMessage,
		description: "Leave a message for the practice's staff to call back: when the caller needs a person and a transfer is not possible, " +
			"or asks for something you cannot do. Returns a confirmation to read to the caller.",
		params: object([]string{"message"}, schema{
			"message":         str("What the caller needs, in a sentence or two, including who they are if they said."),
			"callback_number": str("The number to call back on, if not the number they are calling from."),
			"urgency":         enum("urgent for pain, swelling, bleeding, a broken or knocked-out tooth, or anything that cannot wait a day; otherwise routine.", "routine", "urgent"),
		}),
		start: "Let me write that down.",
	},
}

// delayedAfterMS is how long a slow booking stays silent before the
// caller hears that it is still in progress.
const delayedAfterMS = 4000

// Tools returns the seven function tools of the contract, in contract
// order, pointing at publicURL. They are shared by every practice of the
// Vapi org: a tool call names no practice, the webhook finds it from the
// call's phone number or assistant.
func Tools(publicURL string, auth ServerAuth) []vapi.Tool {
	out := make([]vapi.Tool, 0, len(toolSpecs))
	for _, t := range toolSpecs {
		params, err := json.Marshal(t.params)
		if err != nil {
			panic("agentsetup: tool parameters: " + err.Error()) // static data
		}
		msgs := []vapi.ToolMessage{{Type: "request-start", Content: t.start}}
		if t.delayed != "" {
			msgs = append(msgs, vapi.ToolMessage{Type: "request-response-delayed", Content: t.delayed, TimingMilliseconds: delayedAfterMS})
		}
		async := false
		out = append(out, vapi.Tool{
			Type:     "function",
			Async:    &async,
			Function: &vapi.Function{Name: t.name, Description: t.description, Parameters: params},
			Server:   auth.server(publicURL+"/webhooks/vapi/tools/"+t.name, ToolTimeoutSeconds),
			Messages: msgs,
		})
	}
	return out
}

// ToolNames lists the tool names in contract order.
func ToolNames() []string {
	names := make([]string, len(toolSpecs))
	for i, t := range toolSpecs {
		names[i] = t.name
	}
	return names
}
