package twilio_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/server"
	"github.com/frontdesk/frontdesk/internal/twilio/twiliotest"
)

// BenchmarkTwilioVoice answers incoming calls through frontdesk's real HTTP
// server (middleware, signature check, routing, the call's row, Vapi's
// fake for the agent), one sub-benchmark per routing mode. The baseline is
// a bare net/http handler that reads the form and writes fixed TwiML, in
// the same run, over the same loopback and client.
func BenchmarkTwilioVoice(b *testing.B) {
	e := newEnv(b, dbtest.Open(b))
	real := httptest.NewServer(server.Handler(discard, prometheus.NewRegistry(), server.Routes{
		Webhooks: e.hooks.Routes(),
		Ready:    func(context.Context) error { return nil },
	}))
	defer real.Close()
	// Twilio signs the public URL; the requests go to the real server.
	tw := &twiliotest.Twilio{BaseURL: real.URL, PublicURL: e.srv.URL, AuthToken: authToken}

	fixed := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Response><Dial><Number>+15555550199</Number></Dial></Response>`)
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write(fixed)
	}))
	defer bare.Close()
	baseline := &twiliotest.Twilio{BaseURL: bare.URL, AuthToken: authToken}

	run := func(b *testing.B, tw *twiliotest.Twilio, to string) {
		ctx := context.Background()
		for b.Loop() {
			a, err := tw.NewCall(caller, to).Voice(ctx, "/webhooks/twilio/voice")
			if err != nil || a.Status != http.StatusOK || a.TwiML == nil {
				b.Fatalf("answer %+v, %v", a, err)
			}
		}
	}
	b.Run("baseline", func(b *testing.B) { run(b, baseline, numbers[phonenumber.RoutingAGENT]) })
	for _, routing := range []phonenumber.Routing{phonenumber.RoutingAGENT, phonenumber.RoutingAFTER_HOURS, phonenumber.RoutingFRONT_DESK_FIRST, phonenumber.RoutingFRONT_DESK} {
		b.Run(string(routing), func(b *testing.B) { run(b, tw, numbers[routing]) })
	}
}
