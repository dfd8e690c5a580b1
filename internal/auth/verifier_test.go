package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/frontdesk/frontdesk/internal/auth"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/devauth"
)

func TestVerify(t *testing.T) {
	iss := authtest.New(t)
	other := authtest.New(t)
	v := auth.NewVerifier(context.Background(), nil, auth.Issuer{URL: iss.URL, ClientID: authtest.ClientID})
	user := authtest.User{Subject: "11111111-2222-3333-4444-555555555555", Email: "Ann@Example.com", Groups: []string{"admin"}}
	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)

	hs256 := func() string {
		// A token "signed" with HS256 using the public issuer URL as key:
		// the classic algorithm-confusion attempt.
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT","kid":"test-key"}`))
		p := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"` + iss.URL + `","sub":"x","aud":"` + authtest.ClientID + `","token_use":"id","exp":` + itoa(time.Now().Add(time.Hour).Unix()) + `}`))
		return h + "." + p + ".c2ln"
	}

	tests := []struct {
		name, token, reason string
	}{
		{"id token", iss.IDToken(user, nil), ""},
		{"access token", iss.AccessToken(user, nil), ""},
		{"untrusted issuer", other.IDToken(user, nil), "token from an untrusted issuer"},
		{"id token for another client", iss.IDToken(user, map[string]any{"aud": "someone-else"}), "ID token is for another app client"},
		{"access token for another client", iss.AccessToken(user, map[string]any{"client_id": "someone-else"}), "access token is for another app client"},
		{"access token with only an aud", iss.AccessToken(user, map[string]any{"client_id": nil, "aud": authtest.ClientID}), "access token is for another app client"},
		{"machine token (client credentials)", iss.MachineToken(authtest.ClientID, "frontdesk/read"), auth.MachineTokenReason},
		{"access token without a username", iss.AccessToken(user, map[string]any{"username": nil}), auth.MachineTokenReason},
		{"no token_use", iss.IDToken(user, map[string]any{"token_use": nil}), "token_use must be id or access"},
		{"refresh token_use", iss.IDToken(user, map[string]any{"token_use": "refresh"}), "token_use must be id or access"},
		{"expired", iss.IDToken(user, map[string]any{"exp": time.Now().Add(-time.Minute).Unix()}), "token expired"},
		{"signed by another key", oidctest.SignIDToken(otherKey, "test-key", oidc.RS256, `{"iss":"`+iss.URL+`","sub":"x","aud":"`+authtest.ClientID+`","token_use":"id","exp":`+itoa(time.Now().Add(time.Hour).Unix())+`}`), "token signature is invalid"},
		{"HS256", hs256(), "token signed with an unsupported algorithm"},
		{"not a JWT", "abc.def", "malformed token"},
		{"garbage payload", "a.!!!.c", "malformed token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := v.Verify(context.Background(), tt.token)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if id.Subject != user.Subject || len(id.Groups) != 1 {
					t.Fatalf("identity = %+v", id)
				}
				return
			}
			var rejected *auth.Error
			if !errors.As(err, &rejected) || rejected.Reason != tt.reason {
				t.Fatalf("Verify = %v, want reason %q", err, tt.reason)
			}
		})
	}
}

func TestVerifyIDTokenEmail(t *testing.T) {
	iss := authtest.New(t)
	v := auth.NewVerifier(context.Background(), nil, auth.Issuer{URL: iss.URL, ClientID: authtest.ClientID})
	id, err := v.Verify(context.Background(), iss.IDToken(authtest.User{Subject: "s", Email: "Ann@Example.com"}, map[string]any{"email_verified": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "ann@example.com" || !id.EmailVerified || id.TokenUse != "id" {
		t.Fatalf("identity = %+v", id)
	}
	id, _ = v.Verify(context.Background(), iss.IDToken(authtest.User{Subject: "s", Email: "a@b.c"}, map[string]any{"email_verified": false}))
	if id.EmailVerified {
		t.Fatal("unverified email reported verified")
	}
}

func TestIssuerUnreachable(t *testing.T) {
	// The issuer URL is trusted but nothing answers there.
	v := auth.NewVerifier(context.Background(), nil, auth.Issuer{URL: "http://127.0.0.1:1", ClientID: "c"})
	iss := authtest.New(t)
	tok := iss.Sign(map[string]any{"iss": "http://127.0.0.1:1", "sub": "x", "exp": time.Now().Add(time.Hour).Unix()})
	_, err := v.Verify(context.Background(), tok)
	if !errors.Is(err, auth.ErrIssuerUnavailable) {
		t.Fatalf("Verify = %v, want ErrIssuerUnavailable", err)
	}
}

func TestDevIssuerThroughTheSameVerifier(t *testing.T) {
	dev, err := devauth.Load(t.TempDir(), "http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	v := auth.NewVerifier(context.Background(), nil, auth.Issuer{URL: dev.URL, ClientID: dev.ClientID, KeySet: dev.KeySet()})
	tok, err := dev.Mint(devauth.Token{Email: "dev@frontdesk.local", Groups: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := v.Verify(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != devauth.Subject("dev@frontdesk.local") || id.Email != "dev@frontdesk.local" || id.Groups[0] != "admin" {
		t.Fatalf("identity = %+v", id)
	}
	expired, _ := dev.Mint(devauth.Token{Now: time.Now().Add(-24 * time.Hour), TTL: time.Hour})
	if _, err := v.Verify(context.Background(), expired); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired dev token: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Cognito access tokens carry no email: it is read from the issuer's
// userinfo endpoint, once per token, and a token that yields no verified
// email says why.
func TestAccessTokenEmailFromUserInfo(t *testing.T) {
	tests := []struct {
		name     string
		user     authtest.User
		extra    map[string]any
		fail     int
		email    string
		problem  string // part of EmailProblem; "" for a verified email
		wantCall bool
	}{
		{name: "verified", user: authtest.User{Subject: "a", Email: "Ann@Example.com"}, email: "ann@example.com", wantCall: true},
		{name: "unverified", user: authtest.User{Subject: "b", Email: "b@example.com", EmailUnverified: true}, problem: "not verified", wantCall: true},
		{name: "no openid scope", user: authtest.User{Subject: "c", Email: "c@example.com"}, extra: map[string]any{"scope": "aws.cognito.signin.user.admin"}, problem: "openid scope"},
		{name: "no email scope", user: authtest.User{Subject: "d", Email: "d@example.com"}, extra: map[string]any{"scope": "openid"}, problem: "has no email", wantCall: true},
		{name: "userinfo fails", user: authtest.User{Subject: "e", Email: "e@example.com"}, fail: http.StatusInternalServerError, problem: "userinfo failed", wantCall: true},
		{name: "email in the token", user: authtest.User{Subject: "f"}, extra: map[string]any{"email": "f@example.com", "email_verified": "true"}, email: "f@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := authtest.New(t)
			iss.FailUserInfo(tt.fail)
			v := auth.NewVerifier(context.Background(), nil, auth.Issuer{URL: iss.URL, ClientID: authtest.ClientID})
			tok := iss.AccessToken(tt.user, tt.extra)
			for range 3 {
				id, err := v.Verify(context.Background(), tok)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if tt.problem == "" && (id.Email != tt.email || !id.EmailVerified || id.EmailProblem != "") {
					t.Fatalf("identity = %+v, want verified %s", id, tt.email)
				}
				if tt.problem != "" && (id.EmailVerified || !strings.Contains(id.EmailProblem, tt.problem)) {
					t.Fatalf("identity = %+v, want a problem with %q", id, tt.problem)
				}
			}
			if calls := iss.UserInfoCalls(); (calls == 1) != tt.wantCall || calls > 1 {
				t.Fatalf("userinfo called %d times for three requests", calls)
			}
		})
	}
}

func TestUserInfoRefusesWhatCognitoRefuses(t *testing.T) {
	iss := authtest.New(t)
	u := authtest.User{Subject: "s", Email: "s@example.com"}
	get := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, iss.URL+authtest.UserInfoPath, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get(iss.AccessToken(u, nil)); got != http.StatusOK {
		t.Fatalf("access token: %d", got)
	}
	if got := get(iss.IDToken(u, nil)); got != http.StatusUnauthorized {
		t.Fatalf("ID token: %d", got)
	}
	if got := get(iss.AccessToken(u, map[string]any{"scope": "aws.cognito.signin.user.admin"})); got != http.StatusUnauthorized {
		t.Fatalf("no openid scope: %d", got)
	}
}
