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

// Dev mode hands any visitor of / an owner's token: it listens on loopback
// unless told otherwise, and the public URL (the dev issuer's) follows the
// address for serve and dev-token alike.
func TestDevModeListensOnLoopback(t *testing.T) {
	for _, tt := range []struct {
		name            string
		kv              map[string]string
		addr, publicURL string
	}{
		{"dev", map[string]string{"FRONTDESK_DEV": "1"}, "127.0.0.1:8080", "http://localhost:8080"},
		{"dev, explicit address wins", map[string]string{"FRONTDESK_DEV": "1", "FRONTDESK_ADDR": ":9090"}, ":9090", "http://localhost:9090"},
		{"dev, explicit public URL wins", map[string]string{"FRONTDESK_DEV": "1", "FRONTDESK_PUBLIC_URL": "https://dev.example/"}, "127.0.0.1:8080", "https://dev.example"},
		{"production", nil, ":8080", "http://localhost:8080"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(nil, env(tt.kv), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tt.addr || c.PublicURL != tt.publicURL {
				t.Fatalf("Addr = %q, PublicURL = %q; want %q, %q", c.Addr, c.PublicURL, tt.addr, tt.publicURL)
			}
		})
	}
}

func TestRequestTimeout(t *testing.T) {
	c, err := Load(nil, env(nil), io.Discard)
	if err != nil || c.RequestTimeout != DefaultRequestTimeout {
		t.Fatalf("default = %v, %v", c, err)
	}
	c, err = Load([]string{"--request-timeout", "2s"}, env(map[string]string{"FRONTDESK_REQUEST_TIMEOUT": "5s"}), io.Discard)
	if err != nil || c.RequestTimeout.String() != "2s" {
		t.Fatalf("flag = %v, %v", c, err)
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
		"FRONTDESK_SECRET_KEY":      {"FRONTDESK_SECRET_KEY": "short"},
		"FRONTDESK_PUBLIC_URL":      {"FRONTDESK_PUBLIC_URL": "localhost:8080"},
		"FRONTDESK_DATABASE_URL":    {"FRONTDESK_DATABASE_URL": "frontdesk.db"},
		"FRONTDESK_DEV":             {"FRONTDESK_DEV": "maybe"},
		"COGNITO_ISSUER":            {"COGNITO_ISSUER": "cognito"},
		"FRONTDESK_ADDR":            {"FRONTDESK_ADDR": "8080"},
		"FRONTDESK_REQUEST_TIMEOUT": {"FRONTDESK_REQUEST_TIMEOUT": "0s"},
		"VAPI_CONTROL_HOSTS":        {"VAPI_CONTROL_HOSTS": "https://evil.example/"},
		"VAPI_CONTROL_HOSTS ":       {"VAPI_CONTROL_HOSTS": " , "},
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

// Browser origins are exact origins, as a browser sends them: none by
// default, dev mode adds the local dashboard, and anything that is not
// scheme://host[:port] is refused naming the variable.
func TestCORSOrigins(t *testing.T) {
	for _, tt := range []struct {
		name, origins, dev string
		want               []string
	}{
		{"none by default", "", "0", nil},
		{"dev mode allows the local dashboard", "", "1", []string{DevCORSOrigin}},
		{"normalised like Origin", " HTTPS://App.Example.com/ ,http://localhost:5173", "0", []string{"https://app.example.com", "http://localhost:5173"}},
		{"dev adds its own once", "http://localhost:3000,https://app.example.com", "1", []string{"http://localhost:3000", "https://app.example.com"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(nil, env(map[string]string{"FRONTDESK_CORS_ORIGINS": tt.origins, "FRONTDESK_DEV": tt.dev}), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(c.CORSOrigins, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("CORSOrigins = %q, want %q", c.CORSOrigins, tt.want)
			}
		})
	}
	for _, bad := range []string{"*", "https://*.example.com", "app.example.com", "https://app.example.com/dashboard",
		"ftp://app.example.com", "https://user@app.example.com", "https://app.example.com?x=1", "https://app.example.com:", "null"} {
		_, err := Load(nil, env(map[string]string{"FRONTDESK_CORS_ORIGINS": bad}), io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), "FRONTDESK_CORS_ORIGINS: ") {
			t.Errorf("%q: err = %v, want a refusal naming FRONTDESK_CORS_ORIGINS", bad, err)
		}
	}
}
