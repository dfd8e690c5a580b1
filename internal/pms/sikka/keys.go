package sikka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
)

// refreshMargin is how long before its expiry a request key is replaced, so
// that a call does not start with a key that dies in flight.
const refreshMargin = 10 * time.Minute

// Keys are a practice's Sikka credentials for calls: the request key (24 h)
// and the refresh key that gets the next one.
type Keys struct {
	RequestKey string
	RefreshKey string
	// Expires is when RequestKey stops working; zero when unknown (the key is
	// then used until Sikka answers API1025).
	Expires time.Time
}

// KeyStore persists one practice's keys. The caller owns it: frontdesk's is
// database-backed and encrypted, MemoryKeyStore serves tests and tools.
type KeyStore interface {
	Keys(ctx context.Context) (Keys, error)
	// Rotate calls refresh with the keys stored now, while holding the
	// store's lock for this practice (other processes sharing the database
	// wait), and stores what it returns before returning it. refresh may
	// return current unchanged when another process already rotated the keys.
	Rotate(ctx context.Context, refresh func(ctx context.Context, current Keys) (Keys, error)) (Keys, error)
}

// MemoryKeyStore is a KeyStore in memory. Safe for concurrent use.
type MemoryKeyStore struct {
	rotate sync.Mutex // held across a refresh, like the database row lock
	mu     sync.Mutex
	keys   Keys
}

// NewMemoryKeyStore returns a store holding k.
func NewMemoryKeyStore(k Keys) *MemoryKeyStore { return &MemoryKeyStore{keys: k} }

// Keys returns the stored keys.
func (m *MemoryKeyStore) Keys(context.Context) (Keys, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.keys, nil
}

// Rotate implements KeyStore.
func (m *MemoryKeyStore) Rotate(ctx context.Context, refresh func(context.Context, Keys) (Keys, error)) (Keys, error) {
	m.rotate.Lock()
	defer m.rotate.Unlock()
	current, _ := m.Keys(ctx)
	next, err := refresh(ctx, current)
	if err != nil {
		return Keys{}, err
	}
	m.mu.Lock()
	m.keys = next
	m.mu.Unlock()
	return next, nil
}

// keyResponse is POST /request_key's answer; every value is a string.
type keyResponse struct {
	RequestKey str `json:"request_key"`
	RefreshKey str `json:"refresh_key"`
	EndTime    str `json:"end_time"`
	ExpiresIn  str `json:"expires_in"`
}

// RequestKey exchanges a practice's office id and secret key (from
// AuthorizedPractices or the practice) for its first keys. It proves the
// credentials: an error means nothing should be stored.
func (c *Client) RequestKey(ctx context.Context, officeID, secretKey string) (Keys, error) {
	k, err := c.grant(ctx, map[string]string{
		"grant_type": "request_key",
		"office_id":  officeID,
		"secret_key": secretKey,
		"app_id":     c.appID,
		"app_key":    c.appKey,
	})
	if err != nil {
		return Keys{}, fmt.Errorf("sikka: request key for office %s: %w", officeID, err)
	}
	return k, nil
}

// refreshKeys trades a refresh key for a new request key. A refresh key that
// Sikka rejects (any 4xx) means staff must reconnect: ErrCredentials.
func (c *Client) refreshKeys(ctx context.Context, refreshKey string) (Keys, error) {
	k, err := c.grant(ctx, map[string]string{
		"grant_type":  "refresh_key",
		"refresh_key": refreshKey,
		"app_id":      c.appID,
		"app_key":     c.appKey,
	})
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.HTTPStatus >= 400 && apiErr.HTTPStatus < 500 && apiErr.HTTPStatus != http.StatusTooManyRequests {
		return Keys{}, fmt.Errorf("sikka: refresh key rejected (HTTP %d %s): %w", apiErr.HTTPStatus, apiErr.Code, pms.ErrCredentials)
	}
	if err != nil {
		return Keys{}, fmt.Errorf("sikka: refresh key: %w", err)
	}
	if k.RefreshKey == "" {
		k.RefreshKey = refreshKey
	}
	return k, nil
}

func (c *Client) grant(ctx context.Context, body map[string]string) (Keys, error) {
	resp, err := c.do(ctx, c.appLimit, call{method: http.MethodPost, path: "/request_key", body: body, auth: authNone, idempotent: true}, "")
	if err != nil {
		return Keys{}, err
	}
	var kr keyResponse
	if err := json.Unmarshal(unwrapArray(resp.body), &kr); err != nil {
		return Keys{}, fmt.Errorf("decode request_key answer: %w", err)
	}
	if kr.RequestKey == "" {
		return Keys{}, errors.New("request_key answer holds no request key")
	}
	now := c.clock.Now()
	k := Keys{RequestKey: string(kr.RequestKey), RefreshKey: string(kr.RefreshKey), Expires: expiryOf(now, kr)}
	if t, ok := headerExpiry(resp.header); ok {
		k.Expires = t
	}
	return k, nil
}

// expiryOf reads when a new key expires. expires_in ("85603 second(s)") is
// relative to now and so free of any zone question; it is preferred.
// end_time carries no zone: it is read as UTC, which for practices west of
// Greenwich (all of frontdesk's market) can only make us refresh early,
// never late. The Request-Key-Expires header corrects either on later calls.
func expiryOf(now time.Time, kr keyResponse) time.Time {
	s := string(kr.ExpiresIn)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if n, err := strconv.Atoi(s[:end]); err == nil && end > 0 {
		return now.Add(time.Duration(n) * time.Second)
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(string(kr.EndTime)), time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// headerExpiry reads Request-Key-Expires (an http-date).
func headerExpiry(h http.Header) (time.Time, bool) {
	v := h.Get("Request-Key-Expires")
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// practiceState is the one token manager (and rate-limit window and
// metadata cache) of an office's practice, shared by every Practice value
// for it.
type practiceState struct {
	officeID   string
	practiceID string
	store      KeyStore
	lim        limiter
	// refreshing is a lock that a waiter can give up on when its context
	// ends: at most one refresh per practice is in flight in this process.
	refreshing chan struct{}

	mu           sync.Mutex
	keys         Keys
	loaded       bool
	custID       string
	cancelStatus string
}

func (st *practiceState) cached() (Keys, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.keys, st.loaded
}

func (st *practiceState) setKeys(k Keys) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.keys, st.loaded = k, true
}

// noteExpiry records the Request-Key-Expires Sikka sent for key, in memory
// only: the stored value is corrected at the next rotation.
func (st *practiceState) noteExpiry(key string, t time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.keys.RequestKey == key {
		st.keys.Expires = t
	}
}

func expiring(k Keys, now time.Time) bool {
	return k.RequestKey == "" || (!k.Expires.IsZero() && !now.Before(k.Expires.Add(-refreshMargin)))
}

// current returns keys to call with, loading them from the store on first
// use and refreshing them when they are about to expire.
func (c *Client) current(ctx context.Context, st *practiceState) (Keys, error) {
	k, ok := st.cached()
	if !ok {
		var err error
		if k, err = st.store.Keys(ctx); err != nil {
			return Keys{}, fmt.Errorf("sikka: load keys: %w", err)
		}
		st.setKeys(k)
	}
	if k.RequestKey == "" && k.RefreshKey == "" {
		return Keys{}, fmt.Errorf("sikka: office %s practice %s has no keys; connect it first: %w", st.officeID, st.practiceID, pms.ErrCredentials)
	}
	if expiring(k, c.clock.Now()) {
		return c.refresh(ctx, st, k)
	}
	return k, nil
}

// refresh replaces stale, the keys a caller found expired or rejected.
// Callers that arrive while a refresh runs wait for it and use its result;
// inside the store's lock, keys another process already rotated are used
// without calling Sikka.
func (c *Client) refresh(ctx context.Context, st *practiceState, stale Keys) (Keys, error) {
	select {
	case st.refreshing <- struct{}{}:
	case <-ctx.Done():
		return Keys{}, fmt.Errorf("sikka: refresh key: %w", ctx.Err())
	}
	defer func() { <-st.refreshing }()

	fresh := func(k Keys) bool {
		return k.RequestKey != stale.RequestKey && !expiring(k, c.clock.Now())
	}
	if k, _ := st.cached(); fresh(k) {
		return k, nil
	}
	k, err := st.store.Rotate(ctx, func(ctx context.Context, current Keys) (Keys, error) {
		if fresh(current) {
			return current, nil
		}
		if current.RefreshKey == "" {
			return Keys{}, fmt.Errorf("sikka: no refresh key stored: %w", pms.ErrCredentials)
		}
		c.log.InfoContext(ctx, "sikka: refreshing request key", "office_id", st.officeID, "practice_id", st.practiceID)
		return c.refreshKeys(ctx, current.RefreshKey)
	})
	if err != nil {
		c.log.WarnContext(ctx, "sikka: request key refresh failed", "office_id", st.officeID, "practice_id", st.practiceID, "error", err)
		return Keys{}, err
	}
	st.setKeys(k)
	return k, nil
}
