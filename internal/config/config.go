// Package config reads frontdesk's configuration from the environment, each
// variable also a flag of `frontdesk serve`, and refuses a bad one with one
// line naming the variable and the fix.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/secrets"
)

// Dev-mode defaults: printed at start, never accepted outside dev mode.
const (
	DevVapiWebhookSecret = "dev-vapi-secret"
	DevTwilioAuthToken   = "dev-twilio-token"
)

// Listen addresses when FRONTDESK_ADDR is not set. Dev mode hands every
// visitor of / an owner's token, so it listens on loopback only.
const (
	DefaultAddr    = ":8080"
	DefaultDevAddr = "127.0.0.1:8080"
)

// DevCORSOrigin is the local dashboard's dev server, allowed as a browser
// origin in dev mode.
const DevCORSOrigin = "http://localhost:3000"

// DefaultRequestTimeout is how long one API request may run before its
// resolvers are cancelled (FRONTDESK_REQUEST_TIMEOUT).
const DefaultRequestTimeout = 15 * time.Second

// Config is frontdesk's configuration.
type Config struct {
	Addr        string
	DatabaseURL string
	PublicURL   string
	DataDir     string
	SecretKey   []byte
	// PreviousSecretKey still opens secrets during a key rotation.
	PreviousSecretKey []byte
	Dev               bool

	CognitoIssuer   string
	CognitoClientID string
	AdminGroup      string

	SikkaAppID   string
	SikkaAppKey  string
	SikkaBaseURL string

	VapiAPIKey            string
	VapiBaseURL           string
	VapiWebhookSecret     string
	VapiWebhookHMACSecret string
	// VapiControlHosts are the hosts a call's controlUrl may name (each
	// with its subdomains); dev mode also allows loopback.
	VapiControlHosts []string

	TwilioAccountSID string
	TwilioAuthToken  string
	TwilioBaseURL    string

	// CORSOrigins are the browser origins (scheme://host[:port]) allowed
	// to call /graphql and the exports; dev mode adds DevCORSOrigin.
	CORSOrigins []string

	ShutdownTimeout time.Duration
	JobRescueAfter  time.Duration
	RequestTimeout  time.Duration
}

type setting struct {
	env, flag, def, usage string
	dst                   *string
}

func (c *Config) settings(raw map[string]*string) []setting {
	s := func(env, flagName, def, usage string) setting {
		v := new(string)
		raw[env] = v
		return setting{env, flagName, def, usage, v}
	}
	return []setting{
		s("FRONTDESK_ADDR", "addr", "", "listen address (default "+DefaultAddr+"; dev mode "+DefaultDevAddr+")"),
		s("FRONTDESK_DATABASE_URL", "database-url", "sqlite://./frontdesk.db", "sqlite://PATH or postgres://USER@HOST/DB"),
		s("FRONTDESK_PUBLIC_URL", "public-url", "", "the URL Twilio and Vapi reach this server at (default http://localhost:PORT, PORT from the listen address)"),
		s("FRONTDESK_DATA_DIR", "data-dir", "./.frontdesk", "where dev mode keeps its keys"),
		s("FRONTDESK_SECRET_KEY", "secret-key", "", "base64 32-byte key that encrypts secrets at rest (dev: generated into the data dir)"),
		s("FRONTDESK_SECRET_KEY_PREVIOUS", "secret-key-previous", "", "the key FRONTDESK_SECRET_KEY replaces, during a rotation: secrets sealed under it still open (see frontdesk rotate-key)"),
		s("FRONTDESK_DEV", "dev", "0", "1 for dev mode: demo practice, dev sign-in, dev webhook secrets"),
		s("COGNITO_ISSUER", "cognito-issuer", "", "https://cognito-idp.REGION.amazonaws.com/POOL_ID (any OIDC issuer)"),
		s("COGNITO_CLIENT_ID", "cognito-client-id", "", "the Cognito app client id"),
		s("FRONTDESK_ADMIN_GROUP", "admin-group", "admin", "Cognito group whose members may act on every practice"),
		s("SIKKA_APP_ID", "sikka-app-id", "", "Sikka application id"),
		s("SIKKA_APP_KEY", "sikka-app-key", "", "Sikka application key"),
		s("SIKKA_BASE_URL", "sikka-base-url", "https://api.sikkasoft.com/v4", "Sikka API base URL"),
		s("VAPI_API_KEY", "vapi-api-key", "", "Vapi private API key"),
		s("VAPI_BASE_URL", "vapi-base-url", "https://api.vapi.ai", "Vapi API base URL"),
		s("VAPI_WEBHOOK_SECRET", "vapi-webhook-secret", "", "secret Vapi sends as X-Vapi-Secret or Authorization: Bearer"),
		s("VAPI_WEBHOOK_HMAC_SECRET", "vapi-webhook-hmac-secret", "", "when set, Vapi webhooks must carry an HMAC x-signature"),
		s("VAPI_CONTROL_HOSTS", "vapi-control-hosts", "vapi.ai", "comma-separated hosts (with their subdomains) a call's transfer may be posted to, over https"),
		s("TWILIO_ACCOUNT_SID", "twilio-account-sid", "", "Twilio account SID"),
		s("TWILIO_AUTH_TOKEN", "twilio-auth-token", "", "Twilio auth token (REST and webhook signatures)"),
		s("TWILIO_BASE_URL", "twilio-base-url", "https://api.twilio.com", "Twilio API base URL"),
		s("FRONTDESK_CORS_ORIGINS", "cors-origins", "", "comma-separated browser origins (such as https://app.example.com) allowed to call /graphql and the exports (dev mode adds "+DevCORSOrigin+")"),
		s("FRONTDESK_SHUTDOWN_TIMEOUT", "shutdown-timeout", "30s", "how long in-flight requests and jobs get to finish on SIGTERM"),
		s("FRONTDESK_JOB_RESCUE_AFTER", "job-rescue-after", "5m", "how long a job may run before it is taken for a dead process's and run again"),
		s("FRONTDESK_REQUEST_TIMEOUT", "request-timeout", DefaultRequestTimeout.String(), "how long one API request may run before it is cancelled"),
	}
}

// Load reads the environment, then the flags in args (which win). It checks
// the form of each value; Check adds what `serve` requires.
func Load(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	return LoadCommand("frontdesk serve", nil, args, getenv, stderr)
}

// LoadCommand is Load for another command: it takes every flag serve takes,
// so it reads the same configuration, and adds its own flags with more.
func LoadCommand(name string, more func(*flag.FlagSet), args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	c := &Config{}
	raw := map[string]*string{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if more != nil {
		more(fs)
	}
	for _, s := range c.settings(raw) {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, s.usage+" ("+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	get := func(env string) string { return strings.TrimSpace(*raw[env]) }

	c.DatabaseURL = get("FRONTDESK_DATABASE_URL")
	c.DataDir = get("FRONTDESK_DATA_DIR")
	c.CognitoIssuer = strings.TrimRight(get("COGNITO_ISSUER"), "/")
	c.CognitoClientID = get("COGNITO_CLIENT_ID")
	c.AdminGroup = get("FRONTDESK_ADMIN_GROUP")
	c.SikkaAppID, c.SikkaAppKey = get("SIKKA_APP_ID"), get("SIKKA_APP_KEY")
	c.SikkaBaseURL = strings.TrimRight(get("SIKKA_BASE_URL"), "/")
	c.VapiAPIKey, c.VapiBaseURL = get("VAPI_API_KEY"), strings.TrimRight(get("VAPI_BASE_URL"), "/")
	c.VapiWebhookSecret, c.VapiWebhookHMACSecret = get("VAPI_WEBHOOK_SECRET"), get("VAPI_WEBHOOK_HMAC_SECRET")
	c.TwilioAccountSID, c.TwilioAuthToken = get("TWILIO_ACCOUNT_SID"), get("TWILIO_AUTH_TOKEN")
	for _, h := range strings.Split(get("VAPI_CONTROL_HOSTS"), ",") {
		h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "."))
		if h == "" {
			continue
		}
		if strings.ContainsAny(h, "/:@ ") || !strings.Contains(h, ".") {
			return nil, fmt.Errorf("VAPI_CONTROL_HOSTS: %q is not a host name such as vapi.ai", h)
		}
		c.VapiControlHosts = append(c.VapiControlHosts, h)
	}
	if len(c.VapiControlHosts) == 0 {
		return nil, errors.New("VAPI_CONTROL_HOSTS must name at least one host, such as vapi.ai")
	}
	c.TwilioBaseURL = strings.TrimRight(get("TWILIO_BASE_URL"), "/")

	switch get("FRONTDESK_DEV") {
	case "1", "true", "yes":
		c.Dev = true
	case "0", "false", "no", "":
	default:
		return nil, errors.New("FRONTDESK_DEV must be 1 or 0")
	}
	c.Addr = get("FRONTDESK_ADDR")
	if c.Addr == "" {
		c.Addr = DefaultAddr
		if c.Dev {
			c.Addr = DefaultDevAddr
		}
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return nil, fmt.Errorf("FRONTDESK_ADDR %q is not HOST:PORT (such as %s or %s)", c.Addr, DefaultDevAddr, DefaultAddr)
	}
	for _, o := range strings.Split(get("FRONTDESK_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		origin, err := parseOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("FRONTDESK_CORS_ORIGINS: %v", err)
		}
		if !slices.Contains(c.CORSOrigins, origin) {
			c.CORSOrigins = append(c.CORSOrigins, origin)
		}
	}
	if c.Dev && !slices.Contains(c.CORSOrigins, DevCORSOrigin) {
		c.CORSOrigins = append(c.CORSOrigins, DevCORSOrigin)
	}
	c.PublicURL = strings.TrimRight(get("FRONTDESK_PUBLIC_URL"), "/")
	if c.PublicURL == "" {
		c.PublicURL = DefaultPublicURL(c.Addr)
	}
	d, err := time.ParseDuration(get("FRONTDESK_SHUTDOWN_TIMEOUT"))
	if err != nil || d <= 0 {
		return nil, errors.New("FRONTDESK_SHUTDOWN_TIMEOUT must be a duration such as 30s")
	}
	c.ShutdownTimeout = d
	if c.RequestTimeout, err = time.ParseDuration(get("FRONTDESK_REQUEST_TIMEOUT")); err != nil || c.RequestTimeout <= 0 {
		return nil, errors.New("FRONTDESK_REQUEST_TIMEOUT must be a duration such as 15s")
	}
	if c.JobRescueAfter, err = time.ParseDuration(get("FRONTDESK_JOB_RESCUE_AFTER")); err != nil || c.JobRescueAfter < 2*time.Second {
		return nil, errors.New("FRONTDESK_JOB_RESCUE_AFTER must be a duration of 2s or more, such as 5m")
	}

	for env, v := range map[string]string{
		"FRONTDESK_PUBLIC_URL": c.PublicURL, "SIKKA_BASE_URL": c.SikkaBaseURL,
		"VAPI_BASE_URL": c.VapiBaseURL, "TWILIO_BASE_URL": c.TwilioBaseURL,
	} {
		if err := checkURL(v); err != nil {
			return nil, fmt.Errorf("%s %v", env, err)
		}
	}
	if c.CognitoIssuer != "" {
		if err := checkURL(c.CognitoIssuer); err != nil {
			return nil, fmt.Errorf("COGNITO_ISSUER %v: use https://cognito-idp.REGION.amazonaws.com/POOL_ID", err)
		}
	}
	if !strings.Contains(c.DatabaseURL, "://") {
		return nil, fmt.Errorf("FRONTDESK_DATABASE_URL %q is not a URL: use sqlite://PATH or postgres://USER@HOST/DB", c.DatabaseURL)
	}
	if k := get("FRONTDESK_SECRET_KEY"); k != "" {
		key, err := secrets.ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("FRONTDESK_SECRET_KEY %v: make one with `head -c 32 /dev/urandom | base64`", err)
		}
		c.SecretKey = key
	}
	if k := get("FRONTDESK_SECRET_KEY_PREVIOUS"); k != "" {
		key, err := secrets.ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("FRONTDESK_SECRET_KEY_PREVIOUS %v", err)
		}
		c.PreviousSecretKey = key
	}
	return c, nil
}

// Check completes the configuration for `serve`: outside dev mode every
// secret must be given; in dev mode the missing ones get dev values.
func (c *Config) Check() error {
	if c.Dev {
		if c.SecretKey == nil {
			key, err := secrets.LoadOrCreateKeyFile(filepath.Join(c.DataDir, "secret.key"))
			if err != nil {
				return fmt.Errorf("FRONTDESK_DATA_DIR: %v", err)
			}
			c.SecretKey = key
		}
		if c.VapiWebhookSecret == "" {
			c.VapiWebhookSecret = DevVapiWebhookSecret
		}
		if c.TwilioAuthToken == "" {
			c.TwilioAuthToken = DevTwilioAuthToken
		}
		return nil
	}
	switch {
	case c.SecretKey == nil:
		return errors.New("FRONTDESK_SECRET_KEY is required outside dev mode: make one with `head -c 32 /dev/urandom | base64` and keep it safe (it decrypts the stored PMS keys)")
	case c.CognitoIssuer == "":
		return errors.New("COGNITO_ISSUER is required outside dev mode: set it to https://cognito-idp.REGION.amazonaws.com/POOL_ID (or run with FRONTDESK_DEV=1)")
	case c.CognitoClientID == "":
		return errors.New("COGNITO_CLIENT_ID is required outside dev mode: set it to the Cognito app client id")
	case c.VapiWebhookSecret == "":
		return errors.New("VAPI_WEBHOOK_SECRET is required outside dev mode: set it to a long random string (`head -c 32 /dev/urandom | base64`); `frontdesk vapi sync` gives it to Vapi")
	}
	for _, dev := range []struct{ env, got, devValue string }{
		{"VAPI_WEBHOOK_SECRET", c.VapiWebhookSecret, DevVapiWebhookSecret},
		{"TWILIO_AUTH_TOKEN", c.TwilioAuthToken, DevTwilioAuthToken},
	} {
		if dev.got == dev.devValue {
			return fmt.Errorf("%s is the public dev value: set a real secret outside dev mode", dev.env)
		}
	}
	return nil
}

// DefaultPublicURL is the public URL when FRONTDESK_PUBLIC_URL is not set:
// this machine, on the listen address's port. serve and dev-token both
// derive it here, so the dev issuer they name is the same.
func DefaultPublicURL(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		port = "8080"
	}
	return "http://localhost:" + port
}

// parseOrigin reads a browser origin as the browser sends it in Origin:
// scheme, host and port only, lower case. A wildcard is refused: each
// origin is trusted with the API by name.
func parseOrigin(s string) (string, error) {
	bad := fmt.Errorf("%q is not an origin: use scheme://host[:port], such as https://app.example.com", s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "*") {
		return "", bad
	}
	if _, port, err := net.SplitHostPort(u.Host); err == nil && port == "" {
		return "", bad
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}
