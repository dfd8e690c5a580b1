// Package vapi receives Vapi's server messages: tool calls during a call,
// the assistant for an incoming call, status updates and the end-of-call
// report. It verifies every request before reading it, and hands the work
// to the receptionist service.
//
// A verified request is always answered 200: Vapi ignores any other status
// (and a configured retry plan would only send the same bad message again).
// What could not be read is left out, named in a warning (JSON paths, never
// values), and the rest is done: each tool call that can be named gets its
// result or error.
package vapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// Handler serves the Vapi webhook routes.
type Handler struct {
	Verifier *vapi.Verifier
	Desk     *receptionist.Service
	Log      *slog.Logger
}

// Routes are the Vapi webhook routes (README.md, "Routes").
func (h *Handler) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /webhooks/vapi":              http.HandlerFunc(h.serveMessage),
		"POST /webhooks/vapi/tools/{tool}": http.HandlerFunc(h.serveTool),
	}
}

// read verifies the request and parses its message; on failure it has
// already answered. The secret is checked from the headers before a byte of
// the body is read; the body (bounded by the server's webhook limit) is read
// only for a caller who holds it, to check its signature and parse it.
func (h *Handler) read(w http.ResponseWriter, r *http.Request) (*vapi.Message, bool) {
	if err := h.Verifier.Authenticate(r.Header); err != nil {
		h.refuse(w, r, err)
		return nil, false
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 && r.ContentLength < 1<<20 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(r.Body)
	body := buf.Bytes()
	if err != nil {
		status := http.StatusBadRequest
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
		}
		writeJSON(w, status, map[string]string{"error": "could not read the request body"})
		return nil, false
	}
	if err := h.Verifier.Signed(r.Header, body); err != nil {
		h.refuse(w, r, err)
		return nil, false
	}
	m, err := vapi.ParseMessage(body)
	if err != nil {
		h.Log.WarnContext(r.Context(), "vapi: not a server message", "err", err)
		writeJSON(w, http.StatusOK, map[string]string{"error": "not a Vapi server message: " + err.Error()})
		return nil, false
	}
	return m, true
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	h.Log.WarnContext(r.Context(), "vapi: webhook refused", "reason", err.Error())
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": err.Error()})
}

func (h *Handler) serveMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := h.read(w, r)
	if !ok {
		return
	}
	h.dispatch(w, r, m, "")
}

// serveTool is the route of one tool: its tool-calls are answered like the
// main route's, but a call naming another tool is refused.
func (h *Handler) serveTool(w http.ResponseWriter, r *http.Request) {
	m, ok := h.read(w, r)
	if !ok {
		return
	}
	if m.Type != vapi.TypeToolCalls {
		h.Log.WarnContext(r.Context(), "vapi: a message that is not tool-calls on a tool route", "type", m.Type)
		writeJSON(w, http.StatusOK, map[string]string{"error": "this route takes tool-calls messages only; send others to /webhooks/vapi"})
		return
	}
	h.dispatch(w, r, m, r.PathValue("tool"))
}

func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request, m *vapi.Message, only string) {
	ctx := r.Context()
	line := receptionist.LineOf(m)
	route, routeErr := h.Desk.Route(ctx, line)
	if routeErr != nil && !errors.Is(routeErr, receptionist.ErrUnknownPractice) {
		h.Log.ErrorContext(ctx, "vapi: route call", "err", routeErr)
	}
	ctx = tenant.System(ctx, route.PracticeID)
	log := h.Log.With("type", m.Type, "vapi_call_id", line.VapiCallID)
	defer func() {
		if len(m.Problems) > 0 {
			log.WarnContext(ctx, "vapi: parts of the message left out", "parts", m.Problems)
		}
	}()

	switch m.Type {
	case vapi.TypeToolCalls:
		calls := m.ToolCalls()
		tooMany := receptionist.TooManyToolCalls(len(calls))
		resp := vapi.Respond(calls, func(tc vapi.ToolCall) vapi.ToolCallResult {
			switch {
			case tooMany != "":
				return vapi.ErrorResult(tc, tooMany)
			case routeErr != nil:
				return vapi.ErrorResult(tc, "This phone line is not set up with a practice, so I cannot look anything up. Please call the practice directly.")
			case only != "" && tc.Name != only:
				return vapi.ErrorResult(tc, "tool "+tc.Name+" was sent to the route of "+only)
			}
			res := h.Desk.Answer(ctx, line, tc)
			log.DebugContext(ctx, "vapi: tool call", "tool", tc.Name, "ok", res.Error == "")
			return res
		})
		body, _ := resp.MarshalJSON()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(append(body, '\n'))

	case vapi.TypeAssistantRequest:
		if routeErr != nil {
			writeJSON(w, http.StatusOK, vapi.AssistantRequestResponse{Error: "Sorry, this number is not in service."})
			return
		}
		writeJSON(w, http.StatusOK, h.Desk.AssistantRequest(ctx, route))

	case vapi.TypeTransferDestinationRequest:
		if routeErr != nil {
			writeJSON(w, http.StatusOK, vapi.TransferDestinationResponse{Error: "No one is available to take the call."})
			return
		}
		writeJSON(w, http.StatusOK, h.Desk.TransferDestination(ctx, route))

	case vapi.TypeStatusUpdate, vapi.TypeEndOfCallReport:
		if routeErr != nil {
			writeJSON(w, http.StatusOK, struct{}{})
			return
		}
		var err error
		if m.Type == vapi.TypeStatusUpdate {
			err = h.Desk.StatusUpdate(ctx, line, m)
		} else {
			err = h.Desk.EndOfCall(ctx, line, m)
		}
		if err != nil {
			if apperr.CodeOf(err) == apperr.Internal {
				log.ErrorContext(ctx, "vapi: record call", "err", err)
			} else {
				log.WarnContext(ctx, "vapi: record call", "err", err)
			}
			writeJSON(w, http.StatusOK, map[string]string{"error": apperr.MessageOf(err)})
			return
		}
		writeJSON(w, http.StatusOK, struct{}{})

	default:
		writeJSON(w, http.StatusOK, struct{}{})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
