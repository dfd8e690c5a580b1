package sikkatest

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// entity is a listable resource: its rows (every get_all field), the fields
// shown by default, and the query parameters it filters on.
type entity struct {
	path     string
	defaults []string
	rows     func(o *office) []map[string]string
	// params maps a query parameter to the fields it matches exactly
	// (case-insensitive); a row matches when any of them equals the value.
	params map[string][]string
	// search lists the fields the search parameter looks into (substring).
	search   []string
	required []string
	// dated entities filter on startdate/enddate and date_filter_on.
	dated bool
}

var practicesEntity = &entity{
	path:     "practices",
	defaults: []string{"href", "practice_id", "name", "cust_id", "phone", "address_line1", "address_line2", "city", "state", "zipcode", "email", "description"},
	rows: func(o *office) []map[string]string {
		var out []map[string]string
		for _, p := range o.practices {
			out = append(out, p.record())
		}
		return out
	},
	params: map[string][]string{"practice_id": {"practice_id"}, "national_provider_identifier": {"national_provider_identifier"}},
}

var providersEntity = &entity{
	path: "providers",
	defaults: []string{"href", "provider_id", "firstname", "lastname", "provider_type", "specialty", "specialty_code",
		"status", "practice_id", "is_hidden", "phone", "email", "national_provider_identifier"},
	rows: func(o *office) []map[string]string {
		var out []map[string]string
		for _, p := range o.providers {
			out = append(out, p.record())
		}
		return out
	},
	params: map[string][]string{
		"practice_id": {"practice_id"}, "provider_id": {"provider_id"}, "provider_type": {"provider_type"},
		"status": {"status"}, "firstname": {"firstname"}, "lastname": {"lastname"}, "is_user": {"is_user"},
		"national_provider_identifier": {"national_provider_identifier"},
	},
}

var operatoriesEntity = &entity{
	path:     "operatories",
	defaults: []string{"provider_id", "practice_id", "operatory", "cust_id", "is_hidden", "abbreviation"},
	rows: func(o *office) []map[string]string {
		var out []map[string]string
		for _, op := range o.operatories {
			out = append(out, op.record())
		}
		return out
	},
	params:   map[string][]string{"cust_id": {"cust_id"}, "is_hidden": {"is_hidden"}},
	required: []string{"cust_id"},
}

var variablesEntity = &entity{
	path:     "practice_variables",
	defaults: []string{"href", "practice_id", "description", "service_name", "value"},
	rows: func(o *office) []map[string]string {
		var out []map[string]string
		for _, v := range o.variables {
			out = append(out, v.record())
		}
		return out
	},
	params: map[string][]string{"practice_id": {"practice_id"}, "service_name": {"service_name"}, "service_item": {"service_item"}},
}

var statusesEntity = &entity{
	path:     "appointment_statuses",
	defaults: []string{"href", "status", "practice_id"},
	rows: func(o *office) []map[string]string {
		var out []map[string]string
		for _, v := range o.statuses {
			out = append(out, statusRecord(v))
		}
		return out
	},
	params: map[string][]string{"practice_id": {"practice_id"}, "status": {"status"}},
}

var scheduleEntity = &entity{
	path:     "practice_schedule",
	defaults: []string{"href", "practice_id", "date", "cust_id", "resource_type", "resource_id"},
	rows: func(o *office) []map[string]string {
		var out []map[string]string
		for _, sc := range o.schedules {
			p, _ := o.practice(sc.PracticeID)
			out = append(out, sc.record(p.CustID))
		}
		return out
	},
	params: map[string][]string{
		"practice_id": {"practice_id"}, "resource_id": {"resource_id"}, "resource_type": {"resource_type"},
		"resource_type_id": {"resource_type_id"}, "date": {"date"},
	},
}

var patientsEntity = &entity{
	path: "patients",
	defaults: []string{"href", "patient_id", "guarantor_id", "firstname", "middlename", "lastname", "preferred_name",
		"salutation", "birthdate", "status", "address_line1", "address_line2", "city", "state", "zipcode", "cell",
		"email", "first_visit", "last_visit", "provider_id", "practice_id", "created_date", "fee_no"},
	rows: func(o *office) []map[string]string {
		out := make([]map[string]string, 0, len(o.patients))
		for _, p := range o.patients {
			out = append(out, p.record())
		}
		return out
	},
	params: map[string][]string{
		"patient_id": {"patient_id"}, "practice_id": {"practice_id"}, "firstname": {"firstname"},
		"lastname": {"lastname"}, "email": {"email"}, "cell": {"cell"}, "homephone": {"homephone"},
		"workphone": {"workphone"}, "phone": {"cell", "homephone", "workphone", "other_phone"}, "status": {"status"},
		"provider_id": {"provider_id"}, "guarantor_id": {"guarantor_id"},
	},
	search: []string{"firstname", "lastname", "email", "middlename", "city", "state", "zipcode", "homephone", "workphone", "cell"},
}

var appointmentsEntity = &entity{
	path: "appointments",
	defaults: []string{"href", "patient_id", "guarantor_id", "provider_id", "practice_id", "amount", "status", "note",
		"appointment_sr_no", "date", "time", "length", "description", "appointment_made_date", "type", "patient_name"},
	rows: func(o *office) []map[string]string {
		out := make([]map[string]string, 0, len(o.appointments))
		for _, a := range o.appointments {
			out = append(out, a.record())
		}
		return out
	},
	params: map[string][]string{
		"appointment_sr_no": {"appointment_sr_no"}, "practice_id": {"practice_id"}, "patient_id": {"patient_id"},
		"guarantor_id": {"guarantor_id"}, "provider_id": {"provider_id"}, "status": {"status"},
		"operatory": {"operatory"}, "type": {"type"},
	},
	dated: true,
}

var dateFilterFields = map[string]string{
	"date": "date", "last_changed_date": "last_changed_date", "appointment_made_date": "appointment_made_date",
	"confirmed_on_date": "confirmed_on_date", "cancelled_date": "cancelled_date",
}

// list serves a paged GET of e for the caller's office.
func (s *Server) list(e *entity) handler {
	return func(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
		q := r.URL.Query()
		for _, p := range e.required {
			if q.Get(p) == "" {
				missing(w, p)
				return
			}
		}
		rows, ok := filterRows(w, e, e.rows(rc.office), q)
		if !ok {
			return
		}
		s.page(w, r, e.path, rows, e.defaults, s.opts.WrapEnvelopes)
	}
}

func filterRows(w http.ResponseWriter, e *entity, rows []map[string]string, q url.Values) ([]map[string]string, bool) {
	var conds []rqlCond
	if f := q.Get("find"); f != "" {
		var err error
		if conds, err = parseRQL(f); err != nil {
			invalid(w, "find")
			return nil, false
		}
	}
	dateField, from, to := "", "", ""
	if e.dated {
		dateField = "date"
		if f := q.Get("date_filter_on"); f != "" {
			if dateField = dateFilterFields[f]; dateField == "" {
				invalid(w, "date_filter_on")
				return nil, false
			}
		}
		from, to = q.Get("startdate"), q.Get("enddate")
		for _, d := range []string{from, to} {
			if d != "" && !isDate(d) {
				invalid(w, "startdate/enddate")
				return nil, false
			}
		}
	}
	search := strings.ToLower(q.Get("search"))
	var out []map[string]string
rows:
	for _, row := range rows {
		for param, fields := range e.params {
			v := q.Get(param)
			if v == "" {
				continue
			}
			hit := false
			for _, f := range fields {
				hit = hit || strings.EqualFold(row[f], v)
			}
			if !hit {
				continue rows
			}
		}
		if search != "" && len(e.search) > 0 {
			hit := false
			for _, f := range e.search {
				hit = hit || strings.Contains(strings.ToLower(row[f]), search)
			}
			if !hit {
				continue
			}
		}
		if dateField != "" && (from != "" || to != "") {
			d := datePart(row[dateField])
			if d == "" || (from != "" && d < from) || (to != "" && d > to) {
				continue
			}
		}
		if conds != nil && !evalRQL(conds, row) {
			continue
		}
		out = append(out, row)
	}
	return out, true
}

// page writes one page of rows: offset is the page index, limit the page
// size (default 50, at most 5000). An empty page is 204 with no body.
func (s *Server) page(w http.ResponseWriter, r *http.Request, path string, rows []map[string]string, defaults []string, wrap bool) {
	q := r.URL.Query()
	limit, offset := 50, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			invalid(w, "limit")
			return
		}
		if n > 0 {
			limit = min(n, 5000)
		}
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			invalid(w, "offset")
			return
		}
		offset = n
	}
	start := offset * limit
	if start >= len(rows) && s.opts.RepeatPastLast && len(rows) > 0 {
		offset = (len(rows) - 1) / limit
		start = offset * limit
	}
	if start >= len(rows) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	end := min(start+limit, len(rows))
	fields, lightweight := q.Get("fields"), strings.EqualFold(q.Get("lightweight"), "true")
	items := make([]map[string]string, 0, end-start)
	for _, row := range rows[start:end] {
		items = append(items, project(row, defaults, fields, lightweight))
	}
	last := (len(rows) - 1) / limit
	link := func(page int) string {
		return "https://api.sikkasoft.com/v4/" + path + "?offset=" + strconv.Itoa(page) + "&limit=" + strconv.Itoa(limit)
	}
	pagination := map[string]string{"first": link(0), "current": link(offset), "last": link(last), "previous": "", "next": ""}
	if offset > 0 {
		pagination["previous"] = link(offset - 1)
	}
	if offset < last {
		pagination["next"] = link(offset + 1)
	}
	env := map[string]any{
		"offset":         strconv.Itoa(offset),
		"limit":          strconv.Itoa(limit),
		"total_count":    strconv.Itoa(len(rows) + s.opts.TotalCountExtra),
		"execution_time": "7",
		"pagination":     pagination,
		"items":          items,
	}
	if path == "patients" || path == "appointments" {
		w.Header().Set("Data-Insert", "completed")
	}
	if wrap {
		writeJSON(w, http.StatusOK, []any{env})
		return
	}
	writeJSON(w, http.StatusOK, env)
}

// project applies the fields parameter: named fields are added to the
// defaults, get_all gives every field, lightweight=true gives only the
// named ones. Rows of an entity without defaults are shown whole.
func project(row map[string]string, defaults []string, fields string, lightweight bool) map[string]string {
	if defaults == nil || strings.EqualFold(strings.TrimSpace(fields), "get_all") {
		return row
	}
	out := map[string]string{}
	if !lightweight || fields == "" {
		for _, f := range defaults {
			if v, ok := row[f]; ok {
				out[f] = v
			}
		}
	}
	for f := range strings.SplitSeq(fields, ",") {
		f = strings.TrimSpace(f)
		if v, ok := row[f]; ok {
			out[f] = v
		}
	}
	return out
}

func datePart(s string) string {
	if len(s) < 10 {
		return ""
	}
	return s[:10]
}

func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// rqlCond is one RQL condition, joined to the previous one by op
// ("AND"/"OR"; conditions are read left to right).
type rqlCond struct {
	join  string
	field string
	op    string
	value string
}

// parseRQL reads find=field=op_value[::AND::|::OR::field=op_value...].
func parseRQL(s string) ([]rqlCond, error) {
	var conds []rqlCond
	join := ""
	for {
		i, sep := -1, ""
		for _, j := range []string{"::AND::", "::OR::"} {
			if k := strings.Index(s, j); k >= 0 && (i < 0 || k < i) {
				i, sep = k, j
			}
		}
		part, rest := s, ""
		if i >= 0 {
			part, rest = s[:i], s[i+len(sep):]
		}
		field, expr, ok := strings.Cut(part, "=")
		op, value, ok2 := strings.Cut(expr, "_")
		if !ok || !ok2 || field == "" {
			return nil, errBadRQL
		}
		switch op {
		case "eq", "neq", "like", "gt", "gte", "lt", "lte":
		default:
			return nil, errBadRQL
		}
		conds = append(conds, rqlCond{join: join, field: field, op: op, value: value})
		if i < 0 {
			return conds, nil
		}
		s, join = rest, strings.Trim(sep, ":")
	}
}

var errBadRQL = errors.New("malformed RQL")

func evalRQL(conds []rqlCond, row map[string]string) bool {
	result := false
	for i, c := range conds {
		v := evalCond(c, row)
		switch {
		case i == 0:
			result = v
		case c.join == "OR":
			result = result || v
		default:
			result = result && v
		}
	}
	return result
}

func evalCond(c rqlCond, row map[string]string) bool {
	field, ok := row[c.field]
	if !ok {
		return false
	}
	a, b := strings.ToLower(field), strings.ToLower(c.value)
	if isDate(b) {
		a = datePart(a)
	}
	cmp := strings.Compare(a, b)
	if x, err := strconv.ParseFloat(a, 64); err == nil {
		if y, err := strconv.ParseFloat(b, 64); err == nil {
			cmp = 0
			if x < y {
				cmp = -1
			} else if x > y {
				cmp = 1
			}
		}
	}
	switch c.op {
	case "eq":
		return cmp == 0
	case "neq":
		return cmp != 0
	case "like":
		return strings.HasPrefix(a, b)
	case "gt":
		return cmp > 0
	case "gte":
		return cmp >= 0
	case "lt":
		return cmp < 0
	default: // lte
		return cmp <= 0
	}
}
