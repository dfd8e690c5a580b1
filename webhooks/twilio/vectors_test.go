package twilio

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Twilio's published signature test vectors (twilio-python
// tests/unit/test_request_validator.py, twilio-go
// client/request_validator_test.go) through the route's check: auth token
// "12345", the request POSTed to /myapp.php?foo=1&bar=2 of a deployment
// whose public URL is given.
func TestTwilioSignatureVectors(t *testing.T) {
	python := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Digits": {"1234"}, "From": {"+14158675309"}, "To": {"+18005551212"}, "Caller": {"+14158675309"}}
	goParams := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"}, "Caller": {"+14158675309"},
		"From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}
	tampered := url.Values{}
	for k, v := range python {
		tampered[k] = v
	}
	tampered.Set("Digits", "1235")
	tests := []struct {
		name      string
		publicURL string
		params    url.Values
		sig       string
		ok        bool
	}{
		{"python vector", "https://mycompany.com", python, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{"signed with :443, configured without", "https://mycompany.com", python, "kvajT1Ptam85bY51eRf/AJRuM3w=", true},
		{"signed with :80 over http", "http://mycompany.com", python, "0ZXoZLH/DfblKGATFgpif+LLRf4=", true},
		{"configured with a port, signed without", "https://mycompany.com:1234", python, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{"http with a port", "http://mycompany.com:1234", python, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", true},
		{"go vector, sorted by key", "https://mycompany.com", goParams, "vOEb5UThFn24KEfnOFLQY2AE5FY=", true},
		{"go vector sorted by key+value is refused", "https://mycompany.com", goParams, "95+Bu0JVPi0r/SsESZCVf0dWAjw=", false},
		{"a tampered parameter", "https://mycompany.com", tampered, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", false},
		{"a wrong URL", "https://mycompany.org", python, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &Handler{AuthToken: "12345", PublicURL: tt.publicURL, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			served := false
			route := h.verified(func(w http.ResponseWriter, _ *http.Request, f url.Values) {
				served = f.Get("CallSid") == "CA1234567890ABCDE"
			})
			req := httptest.NewRequest(http.MethodPost, "/myapp.php?foo=1&bar=2", strings.NewReader(tt.params.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(SignatureHeader, tt.sig)
			rec := httptest.NewRecorder()
			route.ServeHTTP(rec, req)
			if served != tt.ok || (rec.Code == http.StatusForbidden) == tt.ok {
				t.Errorf("served %v, status %d %q; want accepted %v", served, rec.Code, rec.Body.String(), tt.ok)
			}
		})
	}
}
