package twiliotest

import (
	"net/url"
	"testing"
)

// Twilio's own test vectors (twilio-python tests/unit/test_request_validator.py,
// twilio-go client/request_validator_test.go), token "12345".
func TestSignMatchesTwilioVectors(t *testing.T) {
	python := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Digits": {"1234"}, "From": {"+14158675309"}, "To": {"+18005551212"}, "Caller": {"+14158675309"}}
	goParams := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"}, "Caller": {"+14158675309"},
		"From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}
	tests := []struct {
		url    string
		params url.Values
		want   string
	}{
		{"https://mycompany.com/myapp.php?foo=1&bar=2", python, "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
		{"https://mycompany.com:443/myapp.php?foo=1&bar=2", python, "kvajT1Ptam85bY51eRf/AJRuM3w="},
		{"http://mycompany.com:80/myapp.php?foo=1&bar=2", python, "0ZXoZLH/DfblKGATFgpif+LLRf4="},
		{"http://mycompany.com:1234/myapp.php?foo=1&bar=2", python, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="},
		{"https://mycompany.com/myapp.php?foo=1&bar=2", goParams, "vOEb5UThFn24KEfnOFLQY2AE5FY="},
	}
	for _, tt := range tests {
		if got := Sign("12345", tt.url, tt.params); got != tt.want {
			t.Errorf("Sign(%s) = %s, want %s", tt.url, got, tt.want)
		}
	}
}
