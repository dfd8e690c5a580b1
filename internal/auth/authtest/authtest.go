// Package authtest runs a local OIDC issuer (go-oidc's oidctest) that signs
// Cognito-shaped ID and access tokens, so sign-in is tested through the real
// discovery, JWKS and verification path. It also answers Cognito's userinfo
// endpoint (/oauth2/userInfo) for the access tokens it signed.
package authtest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// ClientID is the app client the issuer's tokens are for.
const ClientID = "test-app-client"

// UserInfoPath is where Cognito serves userinfo (on the user pool's domain;
// the issuer's discovery document names it as userinfo_endpoint).
const UserInfoPath = "/oauth2/userInfo"

// Issuer is a running test issuer.
type Issuer struct {
	URL string
	key *rsa.PrivateKey

	mu            sync.Mutex
	users         map[string]User // by subject, as signed
	userInfoCalls int
	userInfoFail  int // HTTP status to answer userinfo with; 0 answers
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
	i := &Issuer{key: key, users: map[string]User{}}
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.HandleFunc("GET /.well-known/openid-configuration", i.discovery)
	mux.HandleFunc(UserInfoPath, i.userInfo)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.SetIssuer(srv.URL)
	i.URL = srv.URL
	return i
}

// User describes whom a token is for.
type User struct {
	Subject string
	Email   string
	Groups  []string
	// EmailUnverified makes email_verified false, in ID tokens and userinfo.
	EmailUnverified bool
}

// IDToken returns a Cognito ID token (aud = ClientID, token_use = id),
// valid for an hour from now. extra claims override the defaults.
func (i *Issuer) IDToken(u User, extra map[string]any) string {
	c := i.base(u)
	c["aud"] = ClientID
	c["token_use"] = "id"
	c["email"] = u.Email
	c["email_verified"] = !u.EmailUnverified
	c["cognito:username"] = u.Subject
	return i.Sign(merge(c, extra))
}

// AccessToken returns a Cognito access token from the token endpoint (no
// aud; client_id = ClientID, token_use = access, scopes openid and email,
// no email claim). Its user's email is served by userinfo.
func (i *Issuer) AccessToken(u User, extra map[string]any) string {
	c := i.base(u)
	c["client_id"] = ClientID
	c["token_use"] = "access"
	c["scope"] = "aws.cognito.signin.user.admin openid email"
	c["username"] = u.Subject
	i.mu.Lock()
	i.users[u.Subject] = u
	i.mu.Unlock()
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

// FailUserInfo makes userinfo answer with status (0: answer normally).
func (i *Issuer) FailUserInfo(status int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.userInfoFail = status
}

// UserInfoCalls counts the userinfo requests so far.
func (i *Issuer) UserInfoCalls() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.userInfoCalls
}

// discovery is oidctest's document plus the userinfo endpoint, as Cognito's
// has it.
func (i *Issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer":                                i.URL,
		"authorization_endpoint":                i.URL + "/oauth2/authorize",
		"token_endpoint":                        i.URL + "/oauth2/token",
		"userinfo_endpoint":                     i.URL + UserInfoPath,
		"jwks_uri":                              i.URL + "/keys",
		"response_types_supported":              []string{"code", "token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
	})
}

// userInfo answers like Cognito's /oauth2/userInfo: a GET with the access
// token as a bearer token; only access tokens with the openid scope; the
// user's attributes with email_verified as a string; 401 with
// WWW-Authenticate and a JSON error otherwise.
func (i *Issuer) userInfo(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	i.userInfoCalls++
	fail := i.userInfoFail
	i.mu.Unlock()
	if fail != 0 {
		http.Error(w, http.StatusText(fail), fail)
		return
	}
	refuse := func(status int, code, desc string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`", error_description="`+desc+`"`)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		refuse(http.StatusBadRequest, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint")
		return
	}
	scheme, raw, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		refuse(http.StatusBadRequest, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint")
		return
	}
	v := oidc.NewVerifier(i.URL, &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{i.key.Public()}}, &oidc.Config{SkipClientIDCheck: true})
	tok, err := v.Verify(context.Background(), raw)
	var c struct {
		TokenUse string `json:"token_use"`
		Scope    string `json:"scope"`
	}
	if err == nil {
		err = tok.Claims(&c)
	}
	if err != nil || c.TokenUse != "access" || !slices.Contains(strings.Fields(c.Scope), "openid") {
		refuse(http.StatusUnauthorized, "invalid_token", "Access token is expired, disabled, or deleted, or the user has globally signed out.")
		return
	}
	i.mu.Lock()
	u, ok := i.users[tok.Subject]
	i.mu.Unlock()
	if !ok {
		refuse(http.StatusUnauthorized, "invalid_token", "Access token is expired, disabled, or deleted, or the user has globally signed out.")
		return
	}
	attrs := map[string]string{"sub": u.Subject, "username": u.Subject}
	if u.Email != "" && slices.Contains(strings.Fields(c.Scope), "email") {
		attrs["email"] = u.Email
		attrs["email_verified"] = "true"
		if u.EmailUnverified {
			attrs["email_verified"] = "false"
		}
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(attrs)
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
