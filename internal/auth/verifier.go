// Package auth signs users in: it verifies Cognito JWTs with go-oidc and turns
// them into a tenant.Viewer. Both Cognito token kinds are accepted: ID tokens
// (aud = the app client) and access tokens (no aud; client_id = the app client).
package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Identity is what a verified token says about its user.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	// EmailProblem says why there is no verified email, when there is none.
	EmailProblem string
	Groups       []string
	TokenUse     string // "id" or "access"
}

// Error is a rejected token. Reason is safe to show the client.
type Error struct {
	Reason string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return "auth: " + e.Reason + ": " + e.Err.Error()
	}
	return "auth: " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

func reject(reason string, err error) *Error { return &Error{Reason: reason, Err: err} }

// MachineTokenReason is why a client-credentials (machine) token is refused.
const MachineTokenReason = "machine tokens (client credentials) cannot sign in: use a user's ID or access token"

// ErrIssuerUnavailable reports an issuer whose discovery document or keys
// cannot be fetched: not the client's fault, so not a 401.
var ErrIssuerUnavailable = errors.New("auth: token issuer unavailable")

// Issuer is one trusted token issuer.
type Issuer struct {
	URL      string // exact "iss" value
	ClientID string // the app client id tokens must be for
	// KeySet, when set, verifies signatures without OIDC discovery (the
	// built-in dev issuer). Otherwise the issuer's discovery document is
	// fetched on first use and its JWKS cached by go-oidc.
	KeySet oidc.KeySet
}

// Verifier verifies tokens from a fixed set of issuers.
type Verifier struct {
	issuers map[string]*issuerVerifier
	now     func() time.Time
	// providerCtx carries the HTTP client for discovery and JWKS fetches.
	providerCtx context.Context
	userInfo    userInfoCache
}

type issuerVerifier struct {
	Issuer
	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	provider *oidc.Provider // nil for a KeySet issuer
}

// NewVerifier trusts the given issuers. ctx carries the HTTP client for
// discovery (oidc.ClientContext) and must outlive the Verifier. now may be
// nil for the real clock.
func NewVerifier(ctx context.Context, now func() time.Time, issuers ...Issuer) *Verifier {
	if now == nil {
		now = time.Now
	}
	v := &Verifier{issuers: map[string]*issuerVerifier{}, now: now, providerCtx: ctx}
	for _, is := range issuers {
		v.issuers[is.URL] = &issuerVerifier{Issuer: is}
	}
	return v
}

// oidcConfig: Cognito signs with RS256 only; the client check is ours, as
// access tokens carry no aud.
func (v *Verifier) oidcConfig() *oidc.Config {
	return &oidc.Config{
		SkipClientIDCheck:    true,
		SupportedSigningAlgs: []string{oidc.RS256},
		Now:                  v.now,
	}
}

func (v *Verifier) verifierFor(iv *issuerVerifier) (*oidc.IDTokenVerifier, error) {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	if iv.verifier != nil {
		return iv.verifier, nil
	}
	if iv.KeySet != nil {
		iv.verifier = oidc.NewVerifier(iv.URL, iv.KeySet, v.oidcConfig())
		return iv.verifier, nil
	}
	// Discovery happens on first use, not at start, so an issuer outage
	// does not stop the server from starting; a failure is retried on the
	// next request.
	// go-oidc keeps only the HTTP client of this context for later JWKS
	// fetches, not its deadline.
	dctx, cancel := context.WithTimeout(v.providerCtx, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(dctx, iv.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrIssuerUnavailable, err)
	}
	iv.verifier = p.Verifier(v.oidcConfig())
	iv.provider = p
	return iv.verifier, nil
}

// Verify checks a raw JWT and returns its identity, or an *Error saying why
// it was refused, or ErrIssuerUnavailable. An access token's email, which
// Cognito leaves out, comes from the issuer's userinfo endpoint.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Identity, error) {
	iss, err := unverifiedIssuer(raw)
	if err != nil {
		return nil, reject("malformed token", err)
	}
	iv, ok := v.issuers[iss]
	if !ok {
		return nil, reject("token from an untrusted issuer", fmt.Errorf("iss %q", iss))
	}
	verifier, err := v.verifierFor(iv)
	if err != nil {
		return nil, err
	}
	tok, err := verifier.Verify(ctx, raw)
	if err != nil {
		return nil, classify(err)
	}
	var c struct {
		TokenUse      string   `json:"token_use"`
		ClientID      string   `json:"client_id"`
		Username      string   `json:"username"`
		Email         string   `json:"email"`
		EmailVerified any      `json:"email_verified"`
		Groups        []string `json:"cognito:groups"`
		Scope         string   `json:"scope"`
	}
	if err := tok.Claims(&c); err != nil {
		return nil, reject("malformed claims", err)
	}
	switch c.TokenUse {
	case "id":
		if !slices.Contains(tok.Audience, iv.ClientID) {
			return nil, reject("ID token is for another app client", fmt.Errorf("aud %v", tok.Audience))
		}
	case "access":
		if c.ClientID != iv.ClientID {
			return nil, reject("access token is for another app client", fmt.Errorf("client_id %q", c.ClientID))
		}
		// A client-credentials token names the app client as its subject
		// and no user: it is a machine, and only people sign in.
		if c.Username == "" || tok.Subject == c.ClientID {
			return nil, reject(MachineTokenReason, nil)
		}
	default:
		return nil, reject("token_use must be id or access", fmt.Errorf("token_use %q", c.TokenUse))
	}
	if tok.Subject == "" {
		return nil, reject("token has no subject", nil)
	}
	id := &Identity{
		Issuer:        iss,
		Subject:       tok.Subject,
		Email:         strings.ToLower(c.Email),
		EmailVerified: c.EmailVerified == true || c.EmailVerified == "true",
		Groups:        c.Groups,
		TokenUse:      c.TokenUse,
	}
	switch {
	case id.Email != "" && id.EmailVerified:
	case c.TokenUse == "access" && id.Email == "":
		e := v.accessTokenEmail(ctx, iv, raw, tok, c.Scope)
		id.Email, id.EmailVerified, id.EmailProblem = e.email, e.verified, e.problem
	case id.Email == "":
		id.EmailProblem = "the token carries no email"
	default:
		id.EmailProblem = "your email address is not verified with the sign-in provider"
	}
	return id, nil
}

// classify turns go-oidc's errors into reasons a client can act on.
func classify(err error) *Error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return reject("token expired", err)
	case strings.Contains(msg, "unsupported algorithm") || strings.Contains(msg, "unexpected signature algorithm"):
		return reject("token signed with an unsupported algorithm", err)
	case strings.Contains(msg, "failed to verify signature"):
		return reject("token signature is invalid", err)
	case strings.Contains(msg, "issued by a different provider"):
		return reject("token from an untrusted issuer", err)
	case strings.Contains(msg, "malformed"):
		return reject("malformed token", err)
	case strings.Contains(msg, "before the nbf"):
		return reject("token not valid yet", err)
	default:
		return reject("invalid token", err)
	}
}

// unverifiedIssuer reads "iss" to choose the verifier; nothing is trusted
// until that verifier has checked the signature.
func unverifiedIssuer(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errors.New("not a JWS compact token")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return "", err
	}
	return c.Iss, nil
}
