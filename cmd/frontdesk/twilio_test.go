package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/twilio/twiliotest"
)

// serve routes Twilio's voice webhook for the demo practice's number,
// checked against FRONTDESK_PUBLIC_URL (where Twilio reaches it, not where
// it listens) and dev mode's token.
func TestServeTwilioVoiceInDevMode(t *testing.T) {
	env := devEnv(t)
	env["FRONTDESK_PUBLIC_URL"] = "https://frontdesk.example"
	in := start(t, env)
	for _, tt := range []struct {
		name, publicURL, token string
		status                 int
	}{
		{"signed for the public URL", "https://frontdesk.example", config.DevTwilioAuthToken, http.StatusOK},
		{"signed for the listening address", in.URL, config.DevTwilioAuthToken, http.StatusForbidden},
		{"signed with another token", "https://frontdesk.example", "another-token", http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tw := &twiliotest.Twilio{BaseURL: in.URL, PublicURL: tt.publicURL, AuthToken: tt.token}
			a, err := tw.NewCall("+15555550123", demoTwilioNumber).Voice(context.Background(), "/webhooks/twilio/voice")
			if err != nil || a.Status != tt.status {
				t.Fatalf("answer %+v, %v; want %d", a, err, tt.status)
			}
			// No Vapi key in dev mode: the demo number's caller still gets
			// TwiML that reaches a person or takes a message.
			if tt.status == http.StatusOK && a.TwiML.Find("Dial") == nil && a.TwiML.Find("Record") == nil {
				t.Errorf("TwiML = %s", a.Body)
			}
		})
	}
}
