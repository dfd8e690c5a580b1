package sikka

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// appGet is a GET with the application's App-Id/App-Key.
func (c *Client) appGet(path string) func(ctx context.Context, q url.Values) (*response, error) {
	return func(ctx context.Context, q url.Values) (*response, error) {
		return c.do(ctx, c.appLimit, call{method: http.MethodGet, path: path, query: q, auth: authApp, idempotent: true}, "")
	}
}

// AuthorizedPractice is a practice that has authorised the application.
// SecretKey with OfficeID gets the practice's keys (RequestKey).
type AuthorizedPractice struct {
	OfficeID      string
	SecretKey     string
	PracticeID    string
	PracticeName  string
	System        string // practice_management_system, e.g. "Dentrix"
	SystemVersion string
	// TimeZone is an IANA name when Sikka's zone field could be read as one
	// (an IANA name or a US Windows zone name); empty otherwise.
	TimeZone string
	// DataInsertDate is when Sikka last loaded the practice's data, as sent.
	DataInsertDate string
}

type authorizedItem struct {
	OfficeID       str `json:"office_id"`
	SecretKey      str `json:"secret_key"`
	PracticeID     str `json:"practice_id"`
	PracticeName   str `json:"practice_name"`
	System         str `json:"practice_management_system"`
	SystemVersion  str `json:"practice_management_system_version"`
	TimeZone       str `json:"practice_management_system_refresh_date_time_zone"`
	DataInsertDate str `json:"data_insert_date"`
}

// AuthorizedPractices lists every practice that authorised the application
// (show=all: by default Sikka lists only practice id 1 of each office).
func (c *Client) AuthorizedPractices(ctx context.Context) ([]AuthorizedPractice, error) {
	items, err := collect(list[authorizedItem](ctx, c.pageSize, c.appGet("/authorized_practices"), "/authorized_practices", url.Values{"show": {"all"}}))
	if err != nil {
		return nil, err
	}
	out := make([]AuthorizedPractice, 0, len(items))
	for _, it := range items {
		out = append(out, AuthorizedPractice{
			OfficeID:       string(it.OfficeID),
			SecretKey:      string(it.SecretKey),
			PracticeID:     string(it.PracticeID),
			PracticeName:   string(it.PracticeName),
			System:         string(it.System),
			SystemVersion:  string(it.SystemVersion),
			TimeZone:       ianaZone(string(it.TimeZone)),
			DataInsertDate: string(it.DataInsertDate),
		})
	}
	return out, nil
}

// windowsZones maps the Windows zone names a practice server in the US may
// report to IANA names.
var windowsZones = map[string]string{
	"eastern standard time":     "America/New_York",
	"central standard time":     "America/Chicago",
	"mountain standard time":    "America/Denver",
	"us mountain standard time": "America/Phoenix",
	"pacific standard time":     "America/Los_Angeles",
	"alaskan standard time":     "America/Anchorage",
	"hawaiian standard time":    "Pacific/Honolulu",
	"atlantic standard time":    "America/Halifax",
}

// ianaZone reads Sikka's undocumented zone field: an IANA name or a Windows
// name; anything else (an offset, an abbreviation) is not trusted.
func ianaZone(s string) string {
	s = strings.TrimSpace(s)
	if z, ok := windowsZones[strings.ToLower(s)]; ok {
		return z
	}
	if strings.Contains(s, "/") {
		if _, err := time.LoadLocation(s); err == nil {
			return s
		}
	}
	return ""
}

// Writeback is one write the application queued, from GET /writebacks.
type Writeback struct {
	ID       string
	OfficeID string
	Method   string // POST, PATCH, PUT
	APIName  string // e.g. "appointment"
	// Result is "pending" while the SPU has not run it, then the PMS's text.
	Result string
	// RequestBody is api_request_body as Sikka sends it: in its one captured
	// example a form-like, unescaped string, "request_key=6ae9dabf68***…&op=
	// replace&…&apiname=PATCH appointments&id=374" (see requestFields).
	RequestBody string
	// CommandTime is when Sikka queued the write, read as UTC: Sikka sends
	// no zone and documents none (see QueuedWrites).
	CommandTime   time.Time
	CompletedTime time.Time
}

// Pending reports whether the write has not run yet: result "pending", or
// neither a result nor a completion time.
func (w Writeback) Pending() bool {
	return strings.EqualFold(w.Result, "pending") || (w.Result == "" && w.CompletedTime.IsZero())
}

type writebackItem struct {
	ID            str `json:"id"`
	OfficeID      str `json:"office_id"`
	Method        str `json:"method"`
	APIName       str `json:"api_name"`
	Result        str `json:"result"`
	RequestBody   str `json:"api_request_body"`
	CommandTime   str `json:"command_time"`
	CompletedTime str `json:"completed_time"`
}

// writebacksSpan is the longest range GET /writebacks accepts.
const writebacksSpan = 7 * 24 * time.Hour

// Writebacks lists the application's writebacks, of every office, queued
// on the UTC days from from's to to's, inclusive. Sikka takes at most 7 days
// per request; longer ranges are asked for in 7-day pieces.
func (c *Client) Writebacks(ctx context.Context, from, to time.Time) ([]Writeback, error) {
	// Whole days: stepping from a time of day later than to's would stop
	// before to's day.
	from, to = utcDay(from), utcDay(to)
	if to.Before(from) {
		return nil, nil
	}
	var out []Writeback
	seen := map[string]bool{}
	for start := from; !start.After(to); start = start.Add(writebacksSpan) {
		end := start.Add(writebacksSpan - 24*time.Hour)
		if end.After(to) {
			end = to
		}
		q := url.Values{"startdate": {start.Format(time.DateOnly)}, "enddate": {end.Format(time.DateOnly)}}
		items, err := collect(list[writebackItem](ctx, c.pageSize, c.appGet("/writebacks"), "/writebacks", q))
		if err != nil {
			return nil, fmt.Errorf("sikka: list writebacks: %w", err)
		}
		for _, it := range items {
			if seen[string(it.ID)] {
				continue
			}
			seen[string(it.ID)] = true
			out = append(out, Writeback{
				ID:            string(it.ID),
				OfficeID:      string(it.OfficeID),
				Method:        string(it.Method),
				APIName:       string(it.APIName),
				Result:        string(it.Result),
				RequestBody:   string(it.RequestBody),
				CommandTime:   parseWall(string(it.CommandTime), time.UTC),
				CompletedTime: parseWall(string(it.CompletedTime), time.UTC),
			})
		}
	}
	return out, nil
}

// utcDay is midnight UTC of t's UTC day.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
