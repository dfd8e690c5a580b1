package vapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/clock"
)

// Header names Vapi authenticates server messages with. The secret arrives
// as the legacy X-Vapi-Secret or, from a bearer credential, as Authorization;
// an HMAC credential signs with x-signature over "{x-timestamp}.{body}".
const (
	HeaderSecret    = "X-Vapi-Secret"
	HeaderSignature = "X-Signature"
	HeaderTimestamp = "X-Timestamp"
)

// DefaultMaxAge is how far a signed timestamp may be from now, either way.
const DefaultMaxAge = 5 * time.Minute

// VerifyError is why a webhook was refused. Reason is safe to send back in
// a 401 body: it never contains a secret or a signature.
type VerifyError struct {
	Reason string
}

func (e *VerifyError) Error() string { return "vapi webhook: " + e.Reason }

// The reasons Verify fails with; compare with errors.Is.
var (
	ErrNotConfigured    = &VerifyError{Reason: "webhook secret not configured"}
	ErrMissingSecret    = &VerifyError{Reason: "missing secret"}
	ErrWrongSecret      = &VerifyError{Reason: "wrong secret"}
	ErrMissingSignature = &VerifyError{Reason: "missing signature"}
	ErrBadSignature     = &VerifyError{Reason: "bad signature"}
	ErrBadTimestamp     = &VerifyError{Reason: "missing or malformed timestamp"}
	ErrStaleTimestamp   = &VerifyError{Reason: "stale timestamp"}
)

// Verifier checks that a server message came from Vapi.
type Verifier struct {
	// Secret is required: an empty Secret refuses every request.
	Secret string
	// HMACSecret, when set, also requires a valid x-signature.
	HMACSecret string
	Clock      clock.Clock   // nil means the system clock
	MaxAge     time.Duration // 0 means DefaultMaxAge
}

// Verify checks h and the raw body: Authenticate, then Signed. Every
// comparison is constant-time. Failures are *VerifyError.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if err := v.Authenticate(h); err != nil {
		return err
	}
	return v.Signed(h, body)
}

// Authenticate checks what needs no body: the shared secret in X-Vapi-Secret
// or Authorization: Bearer. A handler calls it before reading a byte of the
// body, so that a stranger's request costs no more than its headers.
func (v *Verifier) Authenticate(h http.Header) error {
	if v.Secret == "" {
		return ErrNotConfigured
	}
	var candidates []string
	if s := h.Get(HeaderSecret); s != "" {
		candidates = append(candidates, s)
	}
	if a := h.Get("Authorization"); len(a) > len("Bearer ") && strings.EqualFold(a[:len("Bearer ")], "Bearer ") {
		candidates = append(candidates, strings.TrimSpace(a[len("Bearer "):]))
	}
	if len(candidates) == 0 {
		return ErrMissingSecret
	}
	ok := 0
	for _, c := range candidates {
		ok |= equalSecret(c, v.Secret)
	}
	if ok != 1 {
		return ErrWrongSecret
	}
	return nil
}

// Signed checks, with an HMAC secret, that body carries a fresh x-signature;
// without one it accepts. Call it after Authenticate.
func (v *Verifier) Signed(h http.Header, body []byte) error {
	if v.HMACSecret == "" {
		return nil
	}
	sig := strings.TrimSpace(h.Get(HeaderSignature))
	if sig == "" {
		return ErrMissingSignature
	}
	ts := strings.TrimSpace(h.Get(HeaderTimestamp))
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || n <= 0 {
		return ErrBadTimestamp
	}
	if len(sig) > len("sha256=") && strings.EqualFold(sig[:len("sha256=")], "sha256=") {
		sig = sig[len("sha256="):]
	}
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, signature(v.HMACSecret, ts, body)) {
		return ErrBadSignature
	}
	// Freshness is judged only once the timestamp is known to be Vapi's.
	var at time.Time
	if n >= 1e12 { // 1e12 ms is 2001; 1e12 s is the year 33658
		at = time.UnixMilli(n)
	} else {
		at = time.Unix(n, 0)
	}
	maxAge := v.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	now := time.Now()
	if v.Clock != nil {
		now = v.Clock.Now()
	}
	if age := now.Sub(at); age > maxAge || age < -maxAge {
		return ErrStaleTimestamp
	}
	return nil
}

// equalSecret compares digests so that neither the content nor the length
// of the secret leaks through timing; it returns 1 on a match.
func equalSecret(got, want string) int {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:])
}

func signature(secret, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return mac.Sum(nil)
}

// Sign sets the headers Vapi would send with body: Authorization: Bearer
// with secret (as a bearer credential does) and, when hmacSecret is set,
// x-timestamp (epoch milliseconds) and x-signature. It is for tests and the
// call simulator.
func Sign(req *http.Request, body []byte, secret, hmacSecret string, now time.Time) {
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if hmacSecret != "" {
		ts := strconv.FormatInt(now.UnixMilli(), 10)
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, hex.EncodeToString(signature(hmacSecret, ts, body)))
	}
}
