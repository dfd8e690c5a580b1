package main

import (
	"strings"
	"testing"
	"time"
)

// waitForDemoSync waits until the demo practice's first sync has run.
func waitForDemoSync(t *testing.T, in *instance, token string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		data := graphql(t, in.URL, token, `{ syncRuns(first: 5) { edges { node { status } } } }`)
		for _, e := range data["syncRuns"].(map[string]any)["edges"].([]any) {
			if e.(map[string]any)["node"].(map[string]any)["status"] == "SUCCEEDED" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the demo practice did not sync")
}

// TestSimulateCall runs the scripted call against dev mode's demo practice,
// as the README tells a new user to.
func TestSimulateCall(t *testing.T) {
	env := devEnv(t)
	in := start(t, env)
	token, _ := runCmd(t, env, "dev-token")
	token = strings.TrimSpace(token)
	waitForDemoSync(t, in, token)

	out, err := runCmd(t, env, "simulate-call", "--url", in.URL)
	if err != nil {
		t.Fatalf("simulate-call: %v\n%s", err, out)
	}
	for _, want := range []string{`"verified":true`, `"slots":[`, `"status":"booked"`, `"status":"transferring"`, `"type":"transfer"`, "Done"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	data := graphql(t, in.URL, token, `{ appointments(where: {source: PHONE}) { totalCount edges { node { writebackState notes } } } }`)
	appts := data["appointments"].(map[string]any)
	if appts["totalCount"].(float64) != 1 {
		t.Fatalf("phone bookings: %v", appts)
	}

	// The server's log saw the whole call and holds none of the patient's data.
	for _, phi := range []string{"Alvarez", "Maria", "1986-03-14", "+15550100123", "5550100123"} {
		if strings.Contains(in.stderr.String(), phi) {
			t.Errorf("the server log carries %q", phi)
		}
	}

	if _, err := runCmd(t, env, "simulate-call", "--url", in.URL, "--practice", "prac_nope"); err == nil {
		t.Error("a missing practice was simulated")
	}
	wrong := map[string]string{}
	for k, v := range env {
		wrong[k] = v
	}
	wrong["VAPI_WEBHOOK_SECRET"] = "not-the-servers"
	if out, err := runCmd(t, wrong, "simulate-call", "--url", in.URL); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a wrong secret was accepted: %v\n%s", err, out)
	}
}
