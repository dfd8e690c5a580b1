// Package exports serves the dashboard's CSV downloads of a practice's calls
// and appointments. A request is signed in as /graphql is (auth.Middleware
// in front), reads through ent's privacy rules as its viewer, and streams:
// rows are read in keyset-paged batches and written as they come, so an
// export of a year holds one batch in memory, not the year.
package exports

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/apperr/coded"
	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/practice"
)

const (
	// MaxRangeDays bounds one export (from and to inclusive), and with it the
	// rows and the time one request may take.
	MaxRangeDays = 366
	// BatchSize is how many rows one read fetches: what the export holds in
	// memory at once.
	BatchSize = 500
	// Timeout is how long one export may run. It is longer than an API
	// request's, since a year of calls is written row by row to a client
	// that may read slowly; the server's write timeout is lifted to it.
	Timeout = 5 * time.Minute
)

// Paths of the exports.
const (
	CallsPath        = "/exports/calls.csv"
	AppointmentsPath = "/exports/appointments.csv"
)

// localLayout is how a time is written: the practice's wall clock, which
// the header row names the zone of. Spreadsheets read it as a date and time.
const localLayout = "2006-01-02 15:04:05"

// Handler serves the exports. Put auth.Middleware in front of it.
type Handler struct {
	DB  *database.DB
	Log *slog.Logger
}

// Routes returns the export routes, pattern → handler.
func (h *Handler) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"GET " + CallsPath:        h.serve("calls", writeCalls),
		"GET " + AppointmentsPath: h.serve("appointments", writeAppointments),
	}
}

// span is what one export covers: practice-local days from and to
// (inclusive), as instants [start, end).
type span struct {
	db         *database.DB
	loc        *time.Location
	start, end time.Time
}

type writer func(ctx context.Context, s span, out *csvOut) error

func (h *Handler) serve(name string, write writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), Timeout)
		defer cancel()
		from, to, err := dates(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		_, loc, err := practice.Acting(ctx, h.DB)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		s := span{db: h.DB, loc: loc, start: from.In(loc).UTC(), end: addDay(to).In(loc).UTC()}

		// The server's write timeout suits API answers; an export gets its own.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(Timeout))
		hd := w.Header()
		hd.Set("Content-Type", "text/csv; charset=utf-8")
		hd.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-to-%s.csv"`, name, from, to))
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Content-Type-Options", "nosniff")
		out := &csvOut{csv: csv.NewWriter(w), flusher: http.NewResponseController(w)}
		if err := write(ctx, s, out); err != nil {
			// The status and some rows are sent already: cut the response
			// off, so the client sees a failed download, not a short file.
			h.Log.ErrorContext(ctx, "export failed", "export", name, "err", err)
			panic(http.ErrAbortHandler)
		}
	})
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if status := auth.WriteError(w, coded.Of(err)); status >= 500 {
		h.Log.ErrorContext(r.Context(), "export refused", "err", err)
	}
}

// dates reads from and to: both required, practice-local YYYY-MM-DD, from
// not after to, at most MaxRangeDays days.
func dates(r *http.Request) (from, to calendar.Date, err error) {
	q := r.URL.Query()
	for _, f := range []struct {
		name string
		dst  *calendar.Date
	}{{"from", &from}, {"to", &to}} {
		if *f.dst, err = calendar.ParseDate(q.Get(f.name), f.name); err != nil {
			return from, to, err
		}
		if f.dst.IsZero() {
			return from, to, apperr.New(apperr.Invalid, "%s is required: a date in the practice's zone like 2026-12-01", f.name)
		}
	}
	// Days between two dates, counted on UTC midnights so no DST day is
	// short.
	days := int(to.In(time.UTC).Sub(from.In(time.UTC)).Hours()/24) + 1
	switch {
	case days < 1:
		return from, to, apperr.New(apperr.Invalid, "to must not be before from")
	case days > MaxRangeDays:
		return from, to, apperr.New(apperr.Invalid, "an export may span at most %d days; ask for a shorter range", MaxRangeDays)
	}
	return from, to, nil
}

func addDay(d calendar.Date) calendar.Date {
	return calendar.DateOf(time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, time.UTC))
}

func writeCalls(ctx context.Context, s span, out *csvOut) error {
	out.row("started ("+s.loc.String()+")", "ended ("+s.loc.String()+")", "caller", "number called",
		"route", "answered by", "outcome", "duration (seconds)", "cost (USD)", "summary")
	var last *ent.Call
	for {
		q := s.db.Client(ctx).Call.Query().
			Where(call.StartedAtGTE(s.start), call.StartedAtLT(s.end)).
			Order(call.ByStartedAt(), call.ByID()).Limit(BatchSize)
		if last != nil {
			q.Where(call.Or(call.StartedAtGT(*last.StartedAt), call.And(call.StartedAt(*last.StartedAt), call.IDGT(last.ID))))
		}
		batch, err := q.All(ctx)
		if err != nil {
			return err
		}
		for _, c := range batch {
			out.row(local(c.StartedAt, s.loc), local(c.EndedAt, s.loc), c.CallerNumber, c.CalledNumber,
				enum(c.Route), enum(c.AnsweredBy), enum(c.Outcome), strconv.Itoa(c.DurationSeconds),
				strconv.FormatFloat(c.Cost, 'f', -1, 64), c.Summary)
		}
		if err := out.flush(); err != nil || len(batch) < BatchSize {
			return err
		}
		last = batch[len(batch)-1]
	}
}

func writeAppointments(ctx context.Context, s span, out *csvOut) error {
	out.row("start ("+s.loc.String()+")", "end ("+s.loc.String()+")", "patient", "provider", "operatory",
		"type", "status", "source", "writeback")
	var last *ent.Appointment
	for {
		q := s.db.Client(ctx).Appointment.Query().
			Where(appointment.StartAtGTE(s.start), appointment.StartAtLT(s.end)).
			WithPatient().WithProvider().WithOperatory().WithAppointmentType().
			Order(appointment.ByStartAt(), appointment.ByID()).Limit(BatchSize)
		if last != nil {
			q.Where(appointment.Or(appointment.StartAtGT(last.StartAt),
				appointment.And(appointment.StartAt(last.StartAt), appointment.IDGT(last.ID))))
		}
		batch, err := q.All(ctx)
		if err != nil {
			return err
		}
		for _, a := range batch {
			var patient, operatory, kind string
			if p := a.Edges.Patient; p != nil {
				patient = strings.TrimSpace(p.FirstName + " " + p.LastName)
			}
			if o := a.Edges.Operatory; o != nil {
				operatory = o.Name
			}
			if t := a.Edges.AppointmentType; t != nil {
				kind = t.Name
			}
			out.row(local(&a.StartAt, s.loc), local(&a.EndAt, s.loc), patient, booking.ProviderName(a.Edges.Provider),
				operatory, kind, a.Status.String(), a.Source.String(), a.WritebackState.String())
		}
		if err := out.flush(); err != nil || len(batch) < BatchSize {
			return err
		}
		last = batch[len(batch)-1]
	}
}

func local(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(localLayout)
}

func enum[E fmt.Stringer](v *E) string {
	if v == nil {
		return ""
	}
	return (*v).String()
}

// csvOut writes rows, each cell made safe to open in a spreadsheet.
type csvOut struct {
	csv     *csv.Writer
	flusher *http.ResponseController
}

func (o *csvOut) row(cells ...string) {
	for i, c := range cells {
		cells[i] = Cell(c)
	}
	// csv.Writer buffers; its error surfaces at flush.
	_ = o.csv.Write(cells)
}

// flush sends what is buffered to the client, a batch at a time.
func (o *csvOut) flush() error {
	o.csv.Flush()
	if err := o.csv.Error(); err != nil {
		return err
	}
	return o.flusher.Flush()
}

// Cell makes s safe to open in a spreadsheet (OWASP's CSV injection
// advice): a cell that starts with =, +, -, @, a tab or a carriage return
// could run as a formula, so it gets a leading single quote, which
// spreadsheets show as text.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
