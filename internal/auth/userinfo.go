package auth

import (
	"context"
	"crypto/sha256"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Cognito access tokens carry no email. The issuer's userinfo endpoint
// (Cognito's /oauth2/userInfo) tells it, given the access token; answers
// are kept per token until it expires, so a token costs one call.
const (
	// UserInfoTimeout bounds one userinfo call; the request waits on it.
	UserInfoTimeout = 5 * time.Second
	// UserInfoCacheSize bounds the answers kept (one per access token).
	UserInfoCacheSize = 10_000
	// userInfoRetryAfter is how long a failed call is remembered, so an
	// issuer outage is not asked again on every request.
	userInfoRetryAfter = time.Minute
)

// emailOf is what is known of a token's email.
type emailOf struct {
	email    string
	verified bool
	problem  string // why there is no verified email
	until    time.Time
}

type userInfoCache struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]emailOf
}

func (c *userInfoCache) get(key [sha256.Size]byte, now time.Time) (emailOf, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.until) {
		return emailOf{}, false
	}
	return e, true
}

func (c *userInfoCache) put(key [sha256.Size]byte, e emailOf, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[[sha256.Size]byte]emailOf{}
	}
	if len(c.entries) >= UserInfoCacheSize {
		for k, old := range c.entries {
			if !now.Before(old.until) {
				delete(c.entries, k)
			}
		}
	}
	if len(c.entries) >= UserInfoCacheSize {
		// Full of live tokens: forget an arbitrary one; it is asked again.
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = e
}

// accessTokenEmail finds the email of an access token that carries none,
// from the issuer's userinfo endpoint. It never fails the sign-in: without
// an email the user may still do everything but answer invitations, and
// problem says why.
func (v *Verifier) accessTokenEmail(ctx context.Context, iv *issuerVerifier, raw string, tok *oidc.IDToken, scope string) emailOf {
	key := sha256.Sum256([]byte(raw))
	now := v.now()
	if e, ok := v.userInfo.get(key, now); ok {
		return e
	}
	e := v.askUserInfo(ctx, iv, raw, tok.Subject, scope)
	if e.verified {
		e.until = tok.Expiry
	} else {
		e.until = now.Add(userInfoRetryAfter)
	}
	v.userInfo.put(key, e, now)
	return e
}

func (v *Verifier) askUserInfo(ctx context.Context, iv *issuerVerifier, raw, subject, scope string) emailOf {
	// Cognito's userInfo endpoint refuses access tokens without the openid
	// scope (those from InitiateAuth carry only aws.cognito.signin.user.admin).
	if !slices.Contains(strings.Fields(scope), "openid") {
		return emailOf{problem: "the access token has no openid scope, so its email cannot be read: sign in with the openid scope, or send the ID token"}
	}
	iv.mu.Lock()
	p := iv.provider
	iv.mu.Unlock()
	if p == nil || p.UserInfoEndpoint() == "" {
		return emailOf{problem: "the access token carries no email and its issuer has no userinfo endpoint: send the ID token"}
	}
	if c, ok := v.providerCtx.Value(oauth2.HTTPClient).(*http.Client); ok {
		ctx = oidc.ClientContext(ctx, c)
	}
	ctx, cancel := context.WithTimeout(ctx, UserInfoTimeout)
	defer cancel()
	info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: raw, TokenType: "Bearer"}))
	switch {
	case err != nil:
		return emailOf{problem: "the sign-in provider did not tell this access token's email (userinfo failed): try again, or send the ID token"}
	case info.Subject != subject:
		return emailOf{problem: "the sign-in provider's userinfo answered for another user"}
	case info.Email == "":
		return emailOf{problem: "the sign-in provider has no email for this user (is the email scope granted?)"}
	case !info.EmailVerified:
		return emailOf{email: strings.ToLower(info.Email), problem: "your email address is not verified with the sign-in provider"}
	}
	return emailOf{email: strings.ToLower(info.Email), verified: true}
}
