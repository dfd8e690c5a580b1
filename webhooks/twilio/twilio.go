// Package twilio receives Twilio's voice webhooks for the practices'
// numbers: the incoming call, where a dialled leg ended, a voicemail, and
// the status callback. Every request is checked against X-Twilio-Signature
// before anything is done, and the work is handed to internal/telephony.
package twilio

import (
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	twilioclient "github.com/twilio/twilio-go/client"

	"github.com/frontdesk/frontdesk/internal/telephony"
)

// maxFormBytes bounds a webhook's form body: Twilio's voice parameters
// fill a few kilobytes.
const maxFormBytes = 64 << 10

// SignatureHeader carries Twilio's signature of the request.
const SignatureHeader = "X-Twilio-Signature"

// Handler serves the Twilio webhook routes.
type Handler struct {
	// AuthToken is the account's auth token (TWILIO_AUTH_TOKEN), the key
	// of the signatures; empty switches the routes off.
	AuthToken string
	// AccountSID, when set (TWILIO_ACCOUNT_SID), must be the AccountSid of
	// every request.
	AccountSID string
	// PublicURL is the URL Twilio calls us at (FRONTDESK_PUBLIC_URL): what
	// Twilio signed is it, the path and the query.
	PublicURL string
	Phone     *telephony.Service
	Log       *slog.Logger
}

// Routes are the Twilio webhook routes (README.md, "Routes").
func (h *Handler) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /webhooks/twilio/voice":      h.verified(h.voice),
		"POST " + telephony.DialResultPath: h.verified(h.dialResult),
		"POST " + telephony.VoicemailPath:  h.verified(h.voicemail),
		"POST /webhooks/twilio/status":     h.verified(h.status),
	}
}

// verified checks the signature, then serves next with the request's form
// parameters. Without a signature nothing is read; the body is read only
// up to maxFormBytes.
func (h *Handler) verified(next func(http.ResponseWriter, *http.Request, url.Values)) http.Handler {
	validator := twilioclient.NewRequestValidator(h.AuthToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.AuthToken == "" {
			refuse(w, http.StatusNotFound, "Twilio webhooks are off: set TWILIO_AUTH_TOKEN")
			return
		}
		sig := r.Header.Get(SignatureHeader)
		if sig == "" {
			h.refused(w, r, http.StatusForbidden, "missing "+SignatureHeader)
			return
		}
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
			h.refused(w, r, http.StatusUnsupportedMediaType, "Twilio webhooks are application/x-www-form-urlencoded")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
				h.refused(w, r, http.StatusRequestEntityTooLarge, "the form is larger than "+strconv.Itoa(maxFormBytes)+" bytes")
				return
			}
			h.refused(w, r, http.StatusBadRequest, "the body is not a form")
			return
		}
		// Twilio signs the body's parameters, first value of each (as its
		// SDKs check them); the query is part of the URL, as sent.
		params := make(map[string]string, len(r.PostForm))
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
		if !validator.Validate(h.PublicURL+r.URL.RequestURI(), params, sig) {
			h.refused(w, r, http.StatusForbidden, SignatureHeader+" does not match this request (check FRONTDESK_PUBLIC_URL and TWILIO_AUTH_TOKEN)")
			return
		}
		if h.AccountSID != "" && params["AccountSid"] != h.AccountSID {
			h.refused(w, r, http.StatusForbidden, "the request is for another Twilio account")
			return
		}
		next(w, r, r.PostForm)
	})
}

func (h *Handler) refused(w http.ResponseWriter, r *http.Request, status int, reason string) {
	h.Log.WarnContext(r.Context(), "twilio: webhook refused", "status", status, "reason", reason)
	refuse(w, status, reason)
}

func refuse(w http.ResponseWriter, status int, reason string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(reason + "\n"))
}

func callOf(f url.Values) telephony.Call {
	return telephony.Call{
		CallSid: f.Get("CallSid"), AccountSid: f.Get("AccountSid"),
		From: f.Get("From"), To: f.Get("To"), CallStatus: f.Get("CallStatus"),
	}
}

func (h *Handler) voice(w http.ResponseWriter, r *http.Request, f url.Values) {
	h.Phone.Incoming(r.Context(), callOf(f)).Write(w)
}

func (h *Handler) dialResult(w http.ResponseWriter, r *http.Request, f url.Values) {
	after := telephony.After(r.URL.Query().Get("after"))
	h.Phone.DialResult(r.Context(), callOf(f), after, f.Get("DialCallStatus")).Write(w)
}

func (h *Handler) voicemail(w http.ResponseWriter, r *http.Request, f url.Values) {
	seconds, _ := strconv.Atoi(f.Get("RecordingDuration"))
	res, err := h.Phone.Voicemail(r.Context(), callOf(f), f.Get("RecordingUrl"), seconds)
	if err != nil {
		h.Log.ErrorContext(r.Context(), "twilio: keep a voicemail", "call_sid", f.Get("CallSid"), "err", err)
		res = &telephony.Response{Verbs: []any{telephony.Say{Text: "Sorry, we could not keep your message. Please call back later."}, telephony.Hangup{}}}
	}
	res.Write(w)
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request, f url.Values) {
	seconds, _ := strconv.Atoi(f.Get("CallDuration"))
	if err := h.Phone.Status(r.Context(), callOf(f), seconds); err != nil {
		h.Log.ErrorContext(r.Context(), "twilio: record a status", "call_sid", f.Get("CallSid"), "err", err)
		refuse(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
