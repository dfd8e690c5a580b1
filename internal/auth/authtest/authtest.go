// Package authtest runs a local OIDC issuer (go-oidc's oidctest) that signs
// Cognito-shaped ID and access tokens, so sign-in is tested through the real
// discovery, JWKS and verification path.
package authtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// ClientID is the app client the issuer's tokens are for.
const ClientID = "test-app-client"

// Issuer is a running test issuer.
type Issuer struct {
	URL string
	key *rsa.PrivateKey
}

const keyID = "test-key"

// New starts an issuer, stopped when the test ends.
func New(t testing.TB) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: keyID, Algorithm: oidc.RS256}}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.SetIssuer(srv.URL)
	return &Issuer{URL: srv.URL, key: key}
}

// User describes whom a token is for.
type User struct {
	Subject string
	Email   string
	Groups  []string
}

// IDToken returns a Cognito ID token (aud = ClientID, token_use = id),
// valid for an hour from now. extra claims override the defaults.
func (i *Issuer) IDToken(u User, extra map[string]any) string {
	c := i.base(u)
	c["aud"] = ClientID
	c["token_use"] = "id"
	c["email"] = u.Email
	c["email_verified"] = true
	c["cognito:username"] = u.Subject
	return i.Sign(merge(c, extra))
}

// AccessToken returns a Cognito access token (no aud; client_id = ClientID,
// token_use = access, no email).
func (i *Issuer) AccessToken(u User, extra map[string]any) string {
	c := i.base(u)
	c["client_id"] = ClientID
	c["token_use"] = "access"
	c["scope"] = "aws.cognito.signin.user.admin"
	c["username"] = u.Subject
	return i.Sign(merge(c, extra))
}

// MachineToken returns what Cognito issues to a client-credentials grant:
// an access token for the app client itself (sub = client_id, no username,
// no groups) carrying only the resource-server scopes it was granted, e.g.
// "frontdesk/read".
func (i *Issuer) MachineToken(clientID string, scopes ...string) string {
	now := time.Now()
	return i.Sign(map[string]any{
		"iss":       i.URL,
		"sub":       clientID,
		"client_id": clientID,
		"token_use": "access",
		"scope":     strings.Join(scopes, " "),
		"auth_time": now.Unix(),
		"iat":       now.Unix(),
		"exp":       now.Add(time.Hour).Unix(),
		"version":   2,
		"jti":       "jti-" + clientID,
	})
}

// Sign signs arbitrary claims with the issuer's key.
func (i *Issuer) Sign(claims map[string]any) string {
	b, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	return oidctest.SignIDToken(i.key, keyID, oidc.RS256, string(b))
}

func (i *Issuer) base(u User) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss":       i.URL,
		"sub":       u.Subject,
		"iat":       now.Unix(),
		"auth_time": now.Unix(),
		"exp":       now.Add(time.Hour).Unix(),
		"jti":       "jti-" + u.Subject,
	}
	if len(u.Groups) > 0 {
		c["cognito:groups"] = u.Groups
	}
	return c
}

func merge(c, extra map[string]any) map[string]any {
	for k, v := range extra {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}
