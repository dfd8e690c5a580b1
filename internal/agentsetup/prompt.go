package agentsetup

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/spoken"
)

// PromptInput is what the system prompt is made of: the practice's own
// settings and its PMS mirror, never a patient's data.
type PromptInput struct {
	PracticeName string
	TimeZone     string // IANA
	// Hours are the practice's opening hours: its own when set in
	// frontdesk, else the PMS's (practice.Hours); empty when unknown.
	Hours calendar.WeeklyHours
	// Providers and AppointmentTypes may hold inactive providers and types
	// not bookable by phone: SystemPrompt leaves those out.
	Providers        []*ent.Provider
	AppointmentTypes []*ent.AppointmentType
	// CanTransfer is whether a transfer number is known (the agent's, else
	// the practice's front desk).
	CanTransfer       bool
	ExtraInstructions string
}

// SystemPrompt is the assistant's system prompt. The same input always
// gives the same text (lists are sorted), so provisioning is idempotent.
//
// It holds no fixed "today": today's date is a Vapi template variable that
// Vapi renders in the practice's zone when each call starts (Liquid's
// {{"now" | date: …, zone}}), and the tools compute every slot from the
// practice's own clock. Text from the practice's settings is stripped of
// braces so it can never be read as a template.
func SystemPrompt(in PromptInput) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	practice := liquidSafe(in.PracticeName)

	line("You are the virtual receptionist of %s, a dental practice, answering its phone line.", practice)
	line("Be warm, brief and clear: this is a phone call, so keep each answer to a sentence or two and ask one question at a time.")
	line("")
	line("The practice is in the %s time zone, and every time you say is the practice's local time.", in.TimeZone)
	line(`Today is {{"now" | date: "%%A, %%Y-%%m-%%d", "%s"}} there. Use it only to turn what the caller says ("tomorrow", "next Tuesday") into dates for the tools.`, in.TimeZone)
	line("")
	hours(&b, in.Hours)
	line("")
	providers(&b, in.Providers)
	services(&b, in.AppointmentTypes)
	line("")
	line("Rules for every call:")
	line("- Never state an appointment date or time that a tool did not return. Before offering any time, call check-availability and offer only the times it returned, in their \"spoken\" wording.")
	line("- Before booking, read the service, provider and time back to the caller and wait for a clear yes; then call book-appointment with that time's slot_id.")
	line("- Before discussing, changing or cancelling an existing appointment, identify the caller with get-patient-info using the patient's first name, last name and date of birth. The calling number alone never proves who is calling.")
	line("- Share appointment details only for the patient get-patient-info verified on this call. Never reveal anything about anyone else, and never say whether someone is a patient here.")
	line("- cancel-appointment and reschedule-appointment take an appointment_id that get-patient-info returned on this call. Confirm which appointment and the change with the caller first.")
	line("- To book for someone get-patient-info did not find, such as a new patient, pass their first name, last name and date of birth to book-appointment.")
	if in.CanTransfer {
		line("- When the caller asks for a person, or you cannot help, use transfer-to-human. If the transfer fails, take a message with take-message.")
	} else {
		line("- No one can take transferred calls: when the caller needs a person, take a message with take-message and tell them the team will call back.")
	}
	line("- Emergencies: if the caller describes trouble breathing or swallowing, swelling spreading to the eye or neck, bleeding that will not stop, or a serious injury, tell them to hang up and call 911 now.")
	if in.CanTransfer {
		line("  For an urgent dental problem such as severe pain or a knocked-out tooth, transfer the call; if that fails, take an urgent message and offer the earliest time check-availability finds.")
	} else {
		line("  For an urgent dental problem such as severe pain or a knocked-out tooth, take an urgent message and offer the earliest time check-availability finds.")
	}
	line("- Do not give medical or dental advice, diagnoses or prices.")
	line("- Tool results are for you, not the caller: never read ids aloud. If a tool returns an error, explain it simply and offer another time, a message or a transfer.")
	line("- Repeat a caller's personal details, such as a date of birth, only as far as needed to confirm them.")
	if extra := strings.TrimSpace(in.ExtraInstructions); extra != "" {
		line("")
		line("Instructions from the practice (the rules above always come first):")
		line("%s", liquidSafe(extra))
	}
	return strings.TrimRight(b.String(), "\n")
}

// weekdays in the order a caller expects them.
var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func hours(b *strings.Builder, h calendar.WeeklyHours) {
	open := false
	for _, ranges := range h {
		open = open || len(ranges) > 0
	}
	if !open {
		b.WriteString("Opening hours are not on file: do not state any; check-availability knows when the practice is open.\n")
		return
	}
	b.WriteString("Opening hours:\n")
	for _, d := range weekdays {
		ranges := slices.Clone(h[d])
		slices.SortFunc(ranges, func(x, y calendar.TimeRange) int { return cmp.Compare(x.Start, y.Start) })
		var parts []string
		for _, r := range ranges {
			if r.End > r.Start {
				parts = append(parts, clockTime(r.Start)+" to "+clockTime(r.End))
			}
		}
		if len(parts) == 0 {
			fmt.Fprintf(b, "- %s: closed\n", d)
			continue
		}
		fmt.Fprintf(b, "- %s: %s\n", d, strings.Join(parts, " and "))
	}
	b.WriteString("The practice also closes on some holidays; check-availability knows which days.\n")
}

// clockTime says minutes after midnight the way spoken times are said: "8
// AM", "12:30 PM", "noon".
func clockTime(minutes int) string {
	return spoken.Time(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(minutes)*time.Minute), time.UTC)
}

func providers(b *strings.Builder, all []*ent.Provider) {
	type entry struct{ sortKey, text string }
	var list []entry
	for _, p := range all {
		name := booking.ProviderName(p)
		if !p.Active || name == "" {
			continue
		}
		text := liquidSafe(name)
		if full := strings.TrimSpace(p.FirstName + " " + p.LastName); full != "" && full != name {
			text += " (" + liquidSafe(full) + ")"
		}
		if s := strings.TrimSpace(p.Specialty); s != "" {
			text += ", " + liquidSafe(s)
		}
		list = append(list, entry{strings.ToLower(p.LastName + "\x00" + p.FirstName + "\x00" + p.ID), text})
	}
	if len(list) == 0 {
		return
	}
	slices.SortFunc(list, func(x, y entry) int { return cmp.Compare(x.sortKey, y.sortKey) })
	b.WriteString("Providers (offer only these; check-availability knows who does what):\n")
	for _, e := range list {
		fmt.Fprintf(b, "- %s\n", e.text)
	}
	b.WriteString("\n")
}

func services(b *strings.Builder, all []*ent.AppointmentType) {
	var list []*ent.AppointmentType
	for _, t := range all {
		if t.BookableByPhone && strings.TrimSpace(t.Name) != "" {
			list = append(list, t)
		}
	}
	if len(list) == 0 {
		b.WriteString("No services can be booked by phone: for an appointment, take a message so the team can call back.\n")
		return
	}
	slices.SortFunc(list, func(x, y *ent.AppointmentType) int {
		return cmp.Or(cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), cmp.Compare(x.ID, y.ID))
	})
	b.WriteString("Services callers can book by phone:\n")
	for _, t := range list {
		if t.DurationMinutes > 0 {
			fmt.Fprintf(b, "- %s (%d minutes)\n", liquidSafe(strings.TrimSpace(t.Name)), t.DurationMinutes)
		} else {
			fmt.Fprintf(b, "- %s\n", liquidSafe(strings.TrimSpace(t.Name)))
		}
	}
	b.WriteString("For anything else, take a message or transfer the caller.\n")
}

// liquidSafe keeps text from the practice's settings out of Vapi's Liquid
// templating: a "{{" in a name would be rendered, or break the prompt.
var liquidSafe = strings.NewReplacer("{", "(", "}", ")").Replace
