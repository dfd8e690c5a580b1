package vapi

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestClientCreateCallBypass(t *testing.T) {
	c, s, _ := newTestClient(t)
	got, err := c.CreateCall(context.Background(), CallRequest{
		AssistantID: "as-1", PhoneNumberID: "pn-1", Customer: Customer{Number: "+15551234567"}, PhoneCallProviderBypassEnabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == "" || got.PhoneNumberID != "pn-1" || got.Customer.Number != "+15551234567" ||
		!strings.HasPrefix(got.Twiml, `<?xml`) || !strings.Contains(got.Twiml, "<Stream") {
		t.Errorf("created call = %+v", got)
	}
	var sent map[string]any
	if err := json.Unmarshal([]byte(lastBody(t, s)), &sent); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"assistantId": "as-1", "phoneNumberId": "pn-1", "customer": map[string]any{"number": "+15551234567"}, "phoneCallProviderBypassEnabled": true}
	if len(sent) != len(want) || sent["phoneCallProviderBypassEnabled"] != true || sent["phoneNumberId"] != "pn-1" {
		t.Errorf("sent %v, want %v", sent, want)
	}
	if back, err := c.GetCall(context.Background(), got.ID); err != nil || back.ID != got.ID {
		t.Errorf("GET /call/%s = %+v, %v", got.ID, back, err)
	}
}

func TestClientCreateCallRefused(t *testing.T) {
	c, s, _ := newTestClient(t)
	_, err := c.CreateCall(context.Background(), CallRequest{PhoneNumberID: "pn-1", Customer: Customer{Number: "555"}})
	if err == nil || !strings.Contains(err.Error(), "customer.number must be a valid phone number") || !strings.Contains(err.Error(), "assistantId") {
		t.Errorf("invalid call: %v", err)
	}
	// A POST is tried once: a retried call creation could connect a caller twice.
	s.FailNext(503, 1)
	_, err = c.CreateCall(context.Background(), CallRequest{AssistantID: "a", PhoneNumberID: "p", Customer: Customer{Number: "+15551234567"}})
	if err == nil || s.Count("POST") != 2 {
		t.Errorf("503: err %v after %d POSTs", err, s.Count("POST"))
	}
	// The caller's deadline bounds a slow Vapi.
	s.DelayNext(time.Minute, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.CreateCall(ctx, CallRequest{AssistantID: "a", PhoneNumberID: "p", Customer: Customer{Number: "+15551234567"}}); err == nil {
		t.Error("a call that outlived its deadline succeeded")
	}
}
