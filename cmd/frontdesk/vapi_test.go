package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

const vapiTestSecret = "vapi-webhook-secret-for-tests"

// vapiEnv is a migrated database with two practices, one with a number,
// and a Vapi fake, as the environment of `frontdesk vapi sync`.
func vapiEnv(t *testing.T) (map[string]string, *vapitest.Server, []string) {
	t.Helper()
	fake := vapitest.NewServer()
	t.Cleanup(fake.Close)
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "frontdesk.db")
	ctx := context.Background()
	db, err := database.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	all := tenant.Unscoped(ctx)
	c := db.Client(all)
	a := c.Practice.Create().SetName("Bright Smile Dental").SetTimeZone("America/New_York").SetFrontDeskNumber("+15555550199").SaveX(all)
	b := c.Practice.Create().SetName("Riverside Family Dentistry").SetTimeZone("America/Chicago").SaveX(all)
	c.PhoneNumber.Create().SetPracticeID(a.ID).SetNumber("+15555550100").SaveX(all)
	return map[string]string{
		"FRONTDESK_DATABASE_URL": dbURL,
		"FRONTDESK_PUBLIC_URL":   "https://frontdesk.example.com",
		"VAPI_API_KEY":           fake.APIKey,
		"VAPI_BASE_URL":          fake.URL,
		"VAPI_WEBHOOK_SECRET":    vapiTestSecret,
	}, fake, []string{a.ID, b.ID}
}

func TestVapiSyncCommand(t *testing.T) {
	env, fake, ids := vapiEnv(t)
	out, err := runCmd(t, env, "vapi", "sync", "--all")
	if err != nil {
		t.Fatalf("vapi sync: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Bright Smile Dental (" + ids[0] + ")",
		"  created    credential\n",
		"  created    tool check-availability\n",
		"  created    tool take-message\n",
		"  created    assistant\n",
		"  skipped    number +15555550100: not in Vapi yet, and TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to import it\n",
		"Riverside Family Dentistry (" + ids[1] + ")",
		"  unchanged  tool book-appointment\n",
		"2 practices: 10 created, 0 updated, 8 unchanged, 1 skipped, 0 failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, vapiTestSecret) || strings.Contains(out, fake.APIKey) {
		t.Errorf("output shows a secret:\n%s", out)
	}
	if n := len(fake.Assistants()); n != 2 {
		t.Errorf("%d assistants in Vapi, want 2", n)
	}

	// Again, for one practice: nothing to do.
	fake.ResetCounts()
	out, err = runCmd(t, env, "vapi", "sync", "--practice", ids[0])
	if err != nil {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
	if n := len(fake.Mutations()); n != 0 {
		t.Errorf("second sync made %d changes in Vapi:\n%s", n, out)
	}
	for _, want := range []string{"  unchanged  assistant\n", "1 practice: 0 created, 0 updated, 9 unchanged, 1 skipped, 0 failed\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("second sync output lacks %q:\n%s", want, out)
		}
	}

	// Importing numbers once Twilio is configured.
	env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"] = "AC00000000000000000000000000000001", "twilio-token"
	if out, err = runCmd(t, env, "vapi", "sync", "--practice", ids[0]); err != nil || !strings.Contains(out, "  created    number +15555550100\n") {
		t.Errorf("sync with Twilio: %v\n%s", err, out)
	}
}

func TestVapiSyncCommandFailures(t *testing.T) {
	env, fake, ids := vapiEnv(t)
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for key, val := range env {
			m[key] = val
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no key", with("VAPI_API_KEY", ""), []string{"--all"}, "VAPI_API_KEY is not set"},
		{"no secret", with("VAPI_WEBHOOK_SECRET", ""), []string{"--all"}, "VAPI_WEBHOOK_SECRET is required outside dev mode"},
		{"dev secret", with("VAPI_WEBHOOK_SECRET", "dev-vapi-secret"), []string{"--all"}, "VAPI_WEBHOOK_SECRET is the public dev value"},
		{"local public URL", with("FRONTDESK_PUBLIC_URL", "http://localhost:8080"), []string{"--all"}, "FRONTDESK_PUBLIC_URL is http://localhost:8080, which Vapi cannot reach"},
		{"no target", env, nil, "give either --practice ID or --all"},
		{"both targets", env, []string{"--all", "--practice", ids[0]}, "give either --practice ID or --all"},
		{"rotate one", env, []string{"--rotate", "--practice", ids[0]}, "--rotate needs --all"},
		{"unknown practice", env, []string{"--practice", "prac_nope"}, `practice "prac_nope" not found`},
		{"wrong key", with("VAPI_API_KEY", "wrong-key-7f3a"), []string{"--all"}, "vapi sync: 2 of 2 practices failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCmd(t, tc.env, append([]string{"vapi", "sync"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q\n%s", err, tc.want, out)
			}
			if strings.Contains(out, "wrong-key-7f3a") {
				t.Errorf("output shows the key:\n%s", out)
			}
		})
	}
	out, _ := runCmd(t, with("VAPI_API_KEY", "wrong-key-7f3a"), "vapi", "sync", "--all")
	if !strings.Contains(out, "  failed     Vapi rejected VAPI_API_KEY (HTTP 401") || !strings.Contains(out, "  not tried  Vapi rejected the API key above") {
		t.Errorf("wrong key output:\n%s", out)
	}
	if n := len(fake.Mutations()); n != 0 {
		t.Errorf("failed syncs changed Vapi %d times", n)
	}
	if _, err := runCmd(t, env, "vapi"); err == nil || !strings.Contains(err.Error(), "no sub-command") {
		t.Errorf("vapi without sub-command: %v", err)
	}
}

func TestVapiSyncRefusesAnUnmigratedDatabase(t *testing.T) {
	env, _, _ := vapiEnv(t)
	env["FRONTDESK_DATABASE_URL"] = "sqlite://" + filepath.Join(t.TempDir(), "fresh.db")
	out, err := runCmd(t, env, "vapi", "sync", "--all")
	if err == nil || !strings.Contains(err.Error(), "run `frontdesk migrate`") {
		t.Fatalf("err %v\n%s", err, out)
	}
}

func TestVapiSyncRotate(t *testing.T) {
	env, fake, _ := vapiEnv(t)
	if out, err := runCmd(t, env, "vapi", "sync", "--all"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	env["VAPI_WEBHOOK_SECRET"] = "a-new-secret-after-a-leak"
	out, err := runCmd(t, env, "vapi", "sync", "--all", "--rotate")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "rotated the webhook credential") || !strings.Contains(out, "  updated    tool check-availability\n") {
		t.Errorf("rotate output:\n%s", out)
	}
	creds := fake.Credentials()
	newest := creds[len(creds)-1]["id"]
	for _, a := range fake.Assistants() {
		if a["server"].(map[string]any)["credentialId"] != newest {
			t.Errorf("assistant %v still on the old credential", a["name"])
		}
	}
}
