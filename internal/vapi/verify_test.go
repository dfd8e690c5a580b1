package vapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/clock"
)

const (
	testSecret = "s3cret-webhook-value"
	testHMAC   = "hmac-key-value"
	testBody   = `{"message":{"type":"tool-calls"}}`
)

// sign computes Vapi's default HMAC independently of the code under test.
func sign(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + body))
	return hex.EncodeToString(m.Sum(nil))
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	sec := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	ms := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	signed := func(ts string) map[string]string {
		return map[string]string{"X-Vapi-Secret": testSecret, "x-timestamp": ts, "x-signature": sign(testHMAC, ts, testBody)}
	}
	with := func(h map[string]string, k, v string) map[string]string {
		out := map[string]string{}
		for a, b := range h {
			out[a] = b
		}
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name          string
		secret, hmacK string
		headers       map[string]string
		body          string
		want          error
	}{
		{"X-Vapi-Secret", testSecret, "", map[string]string{"X-Vapi-Secret": testSecret}, testBody, nil},
		{"lower-case header", testSecret, "", map[string]string{"x-vapi-secret": testSecret}, testBody, nil},
		{"Authorization Bearer", testSecret, "", map[string]string{"Authorization": "Bearer " + testSecret}, testBody, nil},
		{"bearer in lower case", testSecret, "", map[string]string{"Authorization": "bearer " + testSecret}, testBody, nil},
		{"either header may carry it", testSecret, "", map[string]string{"X-Vapi-Secret": "stale", "Authorization": "Bearer " + testSecret}, testBody, nil},
		{"wrong secret", testSecret, "", map[string]string{"X-Vapi-Secret": "nope"}, testBody, ErrWrongSecret},
		{"wrong bearer", testSecret, "", map[string]string{"Authorization": "Bearer nope"}, testBody, ErrWrongSecret},
		{"secret as prefix", testSecret, "", map[string]string{"X-Vapi-Secret": testSecret + "x"}, testBody, ErrWrongSecret},
		{"missing", testSecret, "", map[string]string{}, testBody, ErrMissingSecret},
		{"basic auth is not a secret", testSecret, "", map[string]string{"Authorization": "Basic " + testSecret}, testBody, ErrMissingSecret},
		{"empty bearer", testSecret, "", map[string]string{"Authorization": "Bearer "}, testBody, ErrMissingSecret},
		{"empty configured secret refuses all", "", "", map[string]string{"X-Vapi-Secret": ""}, testBody, ErrNotConfigured},
		{"empty configured secret, secret sent", "", "", map[string]string{"Authorization": "Bearer anything"}, testBody, ErrNotConfigured},

		{"hmac good, seconds", testSecret, testHMAC, signed(sec(0)), testBody, nil},
		{"hmac good, milliseconds", testSecret, testHMAC, signed(ms(-time.Minute)), testBody, nil},
		{"hmac sha256= prefix", testSecret, testHMAC, with(signed(sec(0)), "x-signature", "sha256="+sign(testHMAC, sec(0), testBody)), testBody, nil},
		{"hmac upper-case hex", testSecret, testHMAC, with(signed(sec(0)), "x-signature", strings.ToUpper(sign(testHMAC, sec(0), testBody))), testBody, nil},
		{"hmac within skew ahead", testSecret, testHMAC, signed(ms(4 * time.Minute)), testBody, nil},
		{"hmac still needs the secret", testSecret, testHMAC, with(signed(sec(0)), "X-Vapi-Secret", ""), testBody, ErrMissingSecret},
		{"hmac missing signature", testSecret, testHMAC, with(signed(sec(0)), "x-signature", ""), testBody, ErrMissingSignature},
		{"hmac missing timestamp", testSecret, testHMAC, with(signed(sec(0)), "x-timestamp", ""), testBody, ErrBadTimestamp},
		{"hmac malformed timestamp", testSecret, testHMAC, with(signed(sec(0)), "x-timestamp", "2026-03-02T12:00:00Z"), testBody, ErrBadTimestamp},
		{"hmac tampered body", testSecret, testHMAC, signed(sec(0)), testBody + " ", ErrBadSignature},
		{"hmac other key", testSecret, testHMAC, with(signed(sec(0)), "x-signature", sign("other", sec(0), testBody)), testBody, ErrBadSignature},
		{"hmac timestamp swapped after signing", testSecret, testHMAC, with(signed(sec(0)), "x-timestamp", sec(time.Second)), testBody, ErrBadSignature},
		{"hmac not hex", testSecret, testHMAC, with(signed(sec(0)), "x-signature", "zz"), testBody, ErrBadSignature},
		{"hmac stale seconds", testSecret, testHMAC, signed(sec(-6 * time.Minute)), testBody, ErrStaleTimestamp},
		{"hmac stale milliseconds", testSecret, testHMAC, signed(ms(-5*time.Minute - time.Millisecond)), testBody, ErrStaleTimestamp},
		{"hmac future seconds", testSecret, testHMAC, signed(sec(6 * time.Minute)), testBody, ErrStaleTimestamp},
		{"hmac future milliseconds", testSecret, testHMAC, signed(ms(5*time.Minute + time.Second)), testBody, ErrStaleTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &Verifier{Secret: tt.secret, HMACSecret: tt.hmacK, Clock: clock.NewFake(now)}
			h := http.Header{}
			for k, val := range tt.headers {
				h.Set(k, val)
			}
			err := v.Verify(h, []byte(tt.body))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if err == nil {
				return
			}
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Reason == "" {
				t.Fatalf("err %v is not a *VerifyError with a reason", err)
			}
			for _, s := range []string{testSecret, testHMAC, h.Get("x-signature")} {
				if s != "" && strings.Contains(err.Error(), s) {
					t.Errorf("error %q echoes a credential", err)
				}
			}
		})
	}
}

func TestVerifyMaxAge(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	ts := strconv.FormatInt(now.Add(-90*time.Second).Unix(), 10)
	h := http.Header{}
	h.Set("Authorization", "Bearer "+testSecret)
	h.Set("x-timestamp", ts)
	h.Set("x-signature", sign(testHMAC, ts, testBody))
	v := &Verifier{Secret: testSecret, HMACSecret: testHMAC, Clock: clock.NewFake(now), MaxAge: time.Minute}
	if err := v.Verify(h, []byte(testBody)); !errors.Is(err, ErrStaleTimestamp) {
		t.Errorf("90 s old with MaxAge 1 min: %v", err)
	}
	v.MaxAge = 2 * time.Minute
	if err := v.Verify(h, []byte(testBody)); err != nil {
		t.Errorf("90 s old with MaxAge 2 min: %v", err)
	}
}

// Sign and Verify agree, and Sign's output matches an independent HMAC.
func TestSignVerify(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	body := []byte(testBody)
	for _, hmacKey := range []string{"", testHMAC} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/vapi", nil)
		Sign(req, body, testSecret, hmacKey, now)
		if req.Header.Get("Authorization") != "Bearer "+testSecret || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers = %v", req.Header)
		}
		if hmacKey != "" {
			ts := req.Header.Get("x-timestamp")
			if ts != strconv.FormatInt(now.UnixMilli(), 10) || req.Header.Get("x-signature") != sign(hmacKey, ts, testBody) {
				t.Errorf("hmac headers = %v", req.Header)
			}
		}
		v := &Verifier{Secret: testSecret, HMACSecret: hmacKey, Clock: clock.NewFake(now.Add(time.Minute))}
		if err := v.Verify(req.Header, body); err != nil {
			t.Errorf("hmac %q: Verify(Sign) = %v", hmacKey, err)
		}
	}
}

// A nil Clock means the system clock.
func TestVerifyRealClock(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	Sign(req, []byte(testBody), testSecret, testHMAC, time.Now())
	v := &Verifier{Secret: testSecret, HMACSecret: testHMAC}
	if err := v.Verify(req.Header, []byte(testBody)); err != nil {
		t.Fatal(err)
	}
}
