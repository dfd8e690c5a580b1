package sikkatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type requestKey struct {
	key     string
	office  *office
	refresh *refreshKey
	start   time.Time
	expires time.Time
	// retired is set when a refresh replaced the key: it then answers
	// API1025 like an expired one.
	retired bool
}

func (k *requestKey) expiresHeader() string { return k.expires.UTC().Format(http.TimeFormat) }

type refreshKey struct {
	key     string
	office  *office
	current *requestKey
	revoked bool
}

// checkApp verifies App-Id/App-Key: missing → 400 API1001/API1002, wrong →
// 401 API2003.
func (s *Server) checkApp(w http.ResponseWriter, id, key string) bool {
	switch {
	case id == "":
		writeError(w, http.StatusBadRequest, "API1001", "Missing Parameter", "ApplicationID is missing.")
	case key == "":
		writeError(w, http.StatusBadRequest, "API1002", "Missing Parameter", "ApplicationKey is missing.")
	case id != s.opts.AppID || key != s.opts.AppKey:
		writeError(w, http.StatusUnauthorized, "API2003", "Authentication/Authorization Failed", "ID or key is incorrect.")
	default:
		return true
	}
	return false
}

// checkRequestKey verifies a practice call: no key → 400 API1004, unknown →
// 400 API1004 (as the writeback docs show), expired or replaced → 400
// API1025, office not authorised or a practice_id outside the office → 401
// API2007.
func (s *Server) checkRequestKey(w http.ResponseWriter, r *http.Request, rc *reqCtx) bool {
	key := requestKeyOf(r)
	switch k := rc.key; {
	case key == "":
		writeError(w, http.StatusBadRequest, "API1004", "Missing Parameter", "Requestkey is missing.")
	case k == nil:
		writeError(w, http.StatusBadRequest, "API1004", "Missing Parameter", "Requestkey is missing/invalid")
	case k.retired || !s.clock.Now().Before(k.expires):
		writeError(w, http.StatusBadRequest, "API1025", "Request key expired", "Request key is not valid, it is expired.")
	case !k.office.authorized:
		writeError(w, http.StatusUnauthorized, "API2007", "Authentication/Authorization Failed", "You are not authorized to access practice details with Sikka API.")
	default:
		if pid := r.URL.Query().Get("practice_id"); pid != "" {
			if _, ok := k.office.practice(pid); !ok {
				writeError(w, http.StatusUnauthorized, "API2007", "Authentication/Authorization Failed", "You are not authorized to access practice details with Sikka API.")
				return false
			}
		}
		return true
	}
	return false
}

type keyAnswer struct {
	Href         string `json:"href"`
	RequestKey   string `json:"request_key"`
	StartTime    string `json:"start_time"`
	EndTime      string `json:"end_time"`
	ExpiresIn    string `json:"expires_in"`
	IssuedTo     string `json:"issued_to"`
	Status       string `json:"status"`
	RequestCount string `json:"request_count"`
	Scope        string `json:"scope"`
	Domain       string `json:"domain"`
	RefreshKey   string `json:"refresh_key"`
}

// requestKey serves POST /request_key for grant_type request_key (office_id
// and secret_key) and refresh_key.
func (s *Server) requestKey(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		invalid(w, "body")
		return
	}
	get := func(k string) string {
		if v, ok := body[k]; ok && v != nil {
			return strings.TrimSpace(fmt.Sprint(v))
		}
		return ""
	}
	grant := get("grant_type")
	if grant == "refresh_key" {
		s.counts["refresh_key grant"]++
	}
	switch {
	case grant != "request_key" && grant != "refresh_key":
		invalid(w, "grant_type")
		return
	case get("app_id") == "":
		writeError(w, http.StatusBadRequest, "API1001", "Missing Parameter", "ApplicationID is missing.")
		return
	case get("app_key") == "":
		writeError(w, http.StatusBadRequest, "API1002", "Missing Parameter", "ApplicationKey is missing.")
		return
	case get("app_id") != s.opts.AppID || get("app_key") != s.opts.AppKey:
		writeError(w, http.StatusUnauthorized, "API2003", "Authentication/Authorization Failed", "ID or key is incorrect.")
		return
	}

	var rf *refreshKey
	if grant == "request_key" {
		officeID, secret := get("office_id"), get("secret_key")
		o := s.offices[officeID]
		switch {
		case officeID == "":
			writeError(w, http.StatusBadRequest, "API1003", "Missing Parameter", "MID is missing.")
			return
		case secret == "":
			writeError(w, http.StatusBadRequest, "API1005", "Missing Parameter", "SecretKey is missing.")
			return
		case o == nil || o.secret != secret:
			writeError(w, http.StatusUnauthorized, "API2003", "Authentication/Authorization Failed", "ID or key is incorrect.")
			return
		case !o.authorized:
			writeError(w, http.StatusUnauthorized, "API2007", "Authentication/Authorization Failed", "You are not authorized to access practice details with Sikka API.")
			return
		}
		rf = &refreshKey{key: fmt.Sprintf("rf%030d", s.nextSerial()), office: o}
		s.refreshes[rf.key] = rf
	} else {
		key := get("refresh_key")
		if key == "" {
			missing(w, "refresh_key")
			return
		}
		rf = s.refreshes[key]
		if rf == nil || rf.revoked {
			writeError(w, http.StatusUnauthorized, "API2003", "Authentication/Authorization Failed", "ID or key is incorrect.")
			return
		}
		if !rf.office.authorized {
			writeError(w, http.StatusUnauthorized, "API2007", "Authentication/Authorization Failed", "You are not authorized to access practice details with Sikka API.")
			return
		}
		if s.opts.RotateRefreshKeys {
			rf.revoked = true
			next := &refreshKey{key: fmt.Sprintf("rf%030d", s.nextSerial()), office: rf.office, current: rf.current}
			s.refreshes[next.key] = next
			rf = next
		}
	}
	if rf.current != nil {
		rf.current.retired = true
	}
	now := s.clock.Now()
	k := &requestKey{key: fmt.Sprintf("rk%030d", s.nextSerial()), office: rf.office, refresh: rf, start: now, expires: now.Add(s.opts.KeyTTL)}
	s.keys[k.key] = k
	rf.current = k
	w.Header().Set("Request-Key-Expires", k.expiresHeader())
	writeJSON(w, http.StatusOK, keyAnswer{
		Href:         "https://api.sikkasoft.com/v4/request_key_info?request_key=" + k.key,
		RequestKey:   k.key,
		StartTime:    wallTime(k.start),
		EndTime:      wallTime(k.expires),
		ExpiresIn:    fmt.Sprintf("%d second(s)", int(s.opts.KeyTTL/time.Second)),
		IssuedTo:     rf.office.id,
		Status:       "active",
		RequestCount: "1",
		Scope:        "appointments,patients,practices,providers,operatories,practice_variables,appointment_statuses,practice_schedule",
		Domain:       "Dental",
		RefreshKey:   rf.key,
	})
}

func (s *Server) nextSerial() int {
	s.nextID++
	return s.nextID
}

// Refreshes counts the refresh_key grants asked for.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts["refresh_key grant"]
}

// RevokeRefreshKey makes a refresh key fail (401 API2003), as deleting it
// through DELETE /refresh_key would.
func (s *Server) RevokeRefreshKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rf := s.refreshes[key]; rf != nil {
		rf.revoked = true
	}
}

// authorizedPractices serves GET /authorized_practices: without show=all
// Sikka lists only practice id 1 of each office.
func (s *Server) authorizedPractices(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	all := r.URL.Query().Get("show") == "all"
	var rows []map[string]string
	for _, o := range s.officeList {
		if !o.authorized {
			continue
		}
		for _, p := range o.practices {
			if !all && p.ID != "1" {
				continue
			}
			rows = append(rows, map[string]string{
				"href": "https://api.sikkasoft.com/v4/authorized_practices/" + o.id, "office_id": o.id,
				"secret_key": o.secret, "practice_id": p.ID, "practice_name": p.Name, "domain": "Dental",
				"practice_management_system": p.System, "practice_management_system_version": "",
				"practice_management_system_refresh_date_time_zone": p.TimeZone,
				"data_insert_date": wallTime(s.clock.Now()), "city": "", "state": "", "address": "", "zip": "",
				"partner_id": "", "difference_in_minutes": "0", "financial_system": "",
			})
		}
	}
	s.page(w, r, "authorized_practices", rows, nil, s.opts.WrapEnvelopes)
}
