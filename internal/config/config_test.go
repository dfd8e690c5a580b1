package config

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/internal/secrets"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DatabaseURL != "sqlite://./frontdesk.db" || c.PublicURL != "http://localhost:8080" ||
		c.AdminGroup != "admin" || c.Dev || c.SikkaBaseURL != "https://api.sikkasoft.com/v4" || c.VapiBaseURL != "https://api.vapi.ai" {
		t.Fatalf("defaults = %+v", c)
	}
	if len(c.VapiControlHosts) != 1 || c.VapiControlHosts[0] != "vapi.ai" {
		t.Fatalf("control hosts = %q", c.VapiControlHosts)
	}
	c, err = Load(nil, env(map[string]string{"VAPI_CONTROL_HOSTS": "vapi.ai, .Control.Example.com"}), io.Discard)
	if err != nil || strings.Join(c.VapiControlHosts, " ") != "vapi.ai control.example.com" {
		t.Fatalf("control hosts = %q, %v", c.VapiControlHosts, err)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, err := Load([]string{"--addr", ":9000"}, env(map[string]string{"FRONTDESK_ADDR": ":7000", "FRONTDESK_DEV": "1"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || !c.Dev {
		t.Fatalf("Addr = %q Dev = %v", c.Addr, c.Dev)
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	for name, kv := range map[string]map[string]string{
		"FRONTDESK_SECRET_KEY":   {"FRONTDESK_SECRET_KEY": "short"},
		"FRONTDESK_PUBLIC_URL":   {"FRONTDESK_PUBLIC_URL": "localhost:8080"},
		"FRONTDESK_DATABASE_URL": {"FRONTDESK_DATABASE_URL": "frontdesk.db"},
		"FRONTDESK_DEV":          {"FRONTDESK_DEV": "maybe"},
		"COGNITO_ISSUER":         {"COGNITO_ISSUER": "cognito"},
		"VAPI_CONTROL_HOSTS":     {"VAPI_CONTROL_HOSTS": "https://evil.example/"},
		"VAPI_CONTROL_HOSTS ":    {"VAPI_CONTROL_HOSTS": " , "},
	} {
		name = strings.TrimSpace(name)
		_, err := Load(nil, env(kv), io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), name) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q does not start with the variable's name on one line", name, err)
		}
	}
}

func TestCheckOutsideDevMode(t *testing.T) {
	full := map[string]string{
		"FRONTDESK_SECRET_KEY": secrets.NewKey(),
		"COGNITO_ISSUER":       "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x",
		"COGNITO_CLIENT_ID":    "client",
		"VAPI_WEBHOOK_SECRET":  "a-real-secret",
	}
	c, err := Load(nil, env(full), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(); err != nil {
		t.Fatalf("Check = %v", err)
	}
	for _, missing := range []string{"FRONTDESK_SECRET_KEY", "COGNITO_ISSUER", "COGNITO_CLIENT_ID", "VAPI_WEBHOOK_SECRET"} {
		kv := map[string]string{}
		for k, v := range full {
			if k != missing {
				kv[k] = v
			}
		}
		c, err := Load(nil, env(kv), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Check(); err == nil || !strings.HasPrefix(err.Error(), missing) {
			t.Errorf("without %s: Check = %v", missing, err)
		}
	}
	kv := map[string]string{}
	for k, v := range full {
		kv[k] = v
	}
	kv["VAPI_WEBHOOK_SECRET"] = DevVapiWebhookSecret
	c, _ = Load(nil, env(kv), io.Discard)
	if err := c.Check(); err == nil || !strings.HasPrefix(err.Error(), "VAPI_WEBHOOK_SECRET") {
		t.Errorf("dev Vapi secret outside dev mode: Check = %v", err)
	}
}

func TestCheckDevModeFillsDevValues(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(nil, env(map[string]string{"FRONTDESK_DEV": "1", "FRONTDESK_DATA_DIR": dir}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	if len(c.SecretKey) != secrets.KeySize || c.VapiWebhookSecret != DevVapiWebhookSecret || c.TwilioAuthToken != DevTwilioAuthToken {
		t.Fatalf("dev values not filled: %+v", c)
	}
	again, _ := Load(nil, env(map[string]string{"FRONTDESK_DEV": "1", "FRONTDESK_DATA_DIR": dir}), io.Discard)
	_ = again.Check()
	if string(again.SecretKey) != string(c.SecretKey) {
		t.Fatal("dev secret key changed between starts")
	}
	if _, err := filepath.Glob(filepath.Join(dir, "secret.key")); err != nil {
		t.Fatal(err)
	}
}
