package sikka

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

var t0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// env is a Client wired to a fake Sikka on one fake clock; the client's
// waits advance the clock instead of sleeping.
type env struct {
	t     *testing.T
	srv   *sikkatest.Server
	clk   *clock.Fake
	c     *Client
	store *MemoryKeyStore
	p     *Practice
	loc   *time.Location

	mu     sync.Mutex
	sleeps []time.Duration
}

func newEnv(t *testing.T, opts sikkatest.Options, tweak func(*Config)) *env {
	t.Helper()
	e := &env{t: t, clk: clock.NewFake(t0)}
	opts.Clock = e.clk
	e.srv = sikkatest.New(opts)
	t.Cleanup(e.srv.Close)
	cfg := Config{
		BaseURL: e.srv.URL, AppID: e.srv.AppID(), AppKey: e.srv.AppKey(), Clock: e.clk, PageSize: 50,
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			e.clk.Advance(d)
			return ctx.Err()
		},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	e.c = New(cfg)
	var err error
	if e.loc, err = time.LoadLocation("America/New_York"); err != nil {
		t.Fatal(err)
	}
	return e
}

// connect seeds office D1 (practice 1) and connects to it.
func (e *env) connect(seed sikkatest.SeedOptions) sikkatest.Seeded {
	e.t.Helper()
	s := e.srv.SeedPractice("D1", "secret", seed)
	keys, err := e.c.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		e.t.Fatal(err)
	}
	e.store = NewMemoryKeyStore(keys)
	e.p = e.c.Practice("D1", s.PracticeID, e.loc, e.store)
	return s
}

func (e *env) slept() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

func TestRequestKey(t *testing.T) {
	e := newEnv(t, sikkatest.Options{KeyTTL: 2 * time.Hour}, nil)
	e.srv.SeedPractice("D1", "secret", sikkatest.SeedOptions{})
	ctx := context.Background()

	k, err := e.c.RequestKey(ctx, "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	if k.RequestKey == "" || k.RefreshKey == "" || !k.Expires.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("keys %+v", k)
	}
	auth, err := e.c.AuthorizedPractices(ctx)
	if err != nil || len(auth) != 1 || auth[0].OfficeID != "D1" || auth[0].SecretKey != "secret" || auth[0].PracticeID != "1" || auth[0].System != "Dentrix" {
		t.Fatalf("authorized practices %+v, %v", auth, err)
	}
	_, err = e.c.RequestKey(ctx, "D1", "wrong")
	var apiErr *Error
	if !errors.Is(err, pms.ErrCredentials) || !errors.As(err, &apiErr) || apiErr.Code != "API2003" {
		t.Fatalf("wrong secret: %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the secret leaks into the error: %v", err)
	}
}

func TestExpiryOf(t *testing.T) {
	tests := []struct {
		name string
		kr   keyResponse
		want time.Time
	}{
		{"expires_in wins", keyResponse{ExpiresIn: "85603 second(s)", EndTime: "2020-09-24T04:00:28"}, t0.Add(85603 * time.Second)},
		{"end_time as UTC", keyResponse{EndTime: "2020-09-24T04:00:28"}, time.Date(2020, 9, 24, 4, 0, 28, 0, time.UTC)},
		{"neither", keyResponse{ExpiresIn: "soon"}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := expiryOf(t0, tt.kr); !got.Equal(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOneTokenManagerPerPractice(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.connect(sikkatest.SeedOptions{})
	again := e.c.Practice("D1", "1", time.UTC, NewMemoryKeyStore(Keys{}))
	if again.st != e.p.st {
		t.Fatal("a second Practice call made a second token manager")
	}
	if other := e.c.Practice("D1", "2", time.UTC, e.store); other.st == e.p.st {
		t.Fatal("two practices share a token manager")
	}
}

func TestHeaderUpdatesExpiry(t *testing.T) {
	e := newEnv(t, sikkatest.Options{KeyTTL: 3 * time.Hour}, nil)
	e.connect(sikkatest.SeedOptions{})
	e.p.st.setKeys(Keys{RequestKey: mustKeys(t, e.store).RequestKey, RefreshKey: "x"})
	if _, err := e.p.Providers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if k, _ := e.p.st.cached(); !k.Expires.Equal(t0.Add(3 * time.Hour)) {
		t.Fatalf("Expires %v after Request-Key-Expires", k.Expires)
	}
}

func mustKeys(t *testing.T, s KeyStore) Keys {
	t.Helper()
	k, err := s.Keys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestExpiredKeyIsRefreshed(t *testing.T) {
	tests := []struct {
		name string
		// forget drops the known expiry, so only Sikka's 400 API1025 tells.
		forget bool
	}{
		{"known expiry, refreshed before the call", false},
		{"unknown expiry, refreshed on API1025", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, sikkatest.Options{KeyTTL: time.Hour}, nil)
			e.connect(sikkatest.SeedOptions{})
			old := mustKeys(t, e.store)
			if tt.forget {
				old.Expires = time.Time{}
				e.store = NewMemoryKeyStore(old)
				e.p.st.store = e.store
				e.p.st.setKeys(old)
			}
			e.clk.Advance(2 * time.Hour)
			if _, err := e.p.Providers(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := e.srv.Refreshes(); n != 1 {
				t.Fatalf("%d refreshes, want 1", n)
			}
			now := mustKeys(t, e.store)
			if now.RequestKey == old.RequestKey || !now.Expires.Equal(e.clk.Now().Add(time.Hour)) {
				t.Fatalf("stored keys not replaced: %+v", now)
			}
			if got := e.srv.Requests("GET /v4/providers"); got != map[bool]int{false: 1, true: 2}[tt.forget] {
				t.Errorf("%d provider calls", got)
			}
		})
	}
}

func TestOneRefreshUnderConcurrency(t *testing.T) {
	for _, forget := range []bool{false, true} {
		t.Run(map[bool]string{false: "known expiry", true: "API1025"}[forget], func(t *testing.T) {
			e := newEnv(t, sikkatest.Options{KeyTTL: time.Hour, RateLimit: -1}, nil)
			e.connect(sikkatest.SeedOptions{})
			if forget {
				k := mustKeys(t, e.store)
				k.Expires = time.Time{}
				e.p.st.setKeys(k)
			}
			store := &countingStore{KeyStore: e.store}
			e.p.st.store = store
			e.clk.Advance(2 * time.Hour)
			var wg sync.WaitGroup
			errs := make(chan error, 50)
			for range 50 {
				wg.Go(func() {
					_, err := e.c.Practice("D1", "1", e.loc, store).Providers(context.Background())
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := e.srv.Refreshes(); n != 1 {
				t.Fatalf("Sikka saw %d refreshes, want exactly 1", n)
			}
			if n := store.rotations.Load(); n != 1 {
				t.Fatalf("the store was asked to rotate %d times, want 1", n)
			}
		})
	}
}

// countingStore counts Rotate calls: callers in one process that find a
// refresh under way wait for it instead of queueing on the store's lock.
type countingStore struct {
	KeyStore
	rotations atomic.Int32
}

func (s *countingStore) Rotate(ctx context.Context, refresh func(context.Context, Keys) (Keys, error)) (Keys, error) {
	s.rotations.Add(1)
	return s.KeyStore.Rotate(ctx, refresh)
}

func TestRotatedKeysAreSaved(t *testing.T) {
	e := newEnv(t, sikkatest.Options{KeyTTL: time.Hour, RotateRefreshKeys: true}, nil)
	e.connect(sikkatest.SeedOptions{})
	ctx := context.Background()
	first := mustKeys(t, e.store)
	for i := range 3 {
		e.clk.Advance(2 * time.Hour)
		if _, err := e.p.Providers(ctx); err != nil {
			t.Fatalf("rotation %d: %v", i+1, err)
		}
	}
	now := mustKeys(t, e.store)
	if now.RefreshKey == first.RefreshKey || e.srv.Refreshes() != 3 {
		t.Fatalf("refresh key not rotated and saved: %+v, %d refreshes", now, e.srv.Refreshes())
	}
}

// Another process sharing the key store refreshed first: inside Rotate the
// stored keys differ from the stale ones, and are used without calling Sikka.
func TestKeysRotatedByAnotherProcess(t *testing.T) {
	e := newEnv(t, sikkatest.Options{KeyTTL: time.Hour}, nil)
	e.connect(sikkatest.SeedOptions{})
	ctx := context.Background()
	stale := mustKeys(t, e.store)
	stale.Expires = time.Time{}
	e.p.st.setKeys(stale) // this process has not noticed anything

	other := New(Config{BaseURL: e.srv.URL, AppID: e.srv.AppID(), AppKey: e.srv.AppKey(), Clock: e.clk})
	e.clk.Advance(2 * time.Hour)
	if _, err := other.Practice("D1", "1", e.loc, e.store).Providers(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.Providers(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.Refreshes(); n != 1 {
		t.Fatalf("%d refreshes, want 1: the second process should reuse the stored keys", n)
	}
}

func TestRefreshKeyRejected(t *testing.T) {
	e := newEnv(t, sikkatest.Options{KeyTTL: time.Hour}, nil)
	e.connect(sikkatest.SeedOptions{})
	e.srv.RevokeRefreshKey(mustKeys(t, e.store).RefreshKey)
	e.clk.Advance(2 * time.Hour)
	_, err := e.p.Providers(context.Background())
	if !errors.Is(err, pms.ErrCredentials) {
		t.Fatalf("got %v, want ErrCredentials", err)
	}
}

func TestNoKeysStored(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	e.srv.SeedPractice("D1", "secret", sikkatest.SeedOptions{})
	p := e.c.Practice("D1", "1", e.loc, NewMemoryKeyStore(Keys{}))
	if _, err := p.Providers(context.Background()); !errors.Is(err, pms.ErrCredentials) {
		t.Fatalf("got %v, want ErrCredentials", err)
	}
}

func TestRateLimits(t *testing.T) {
	ctx := context.Background()
	t.Run("remaining 0 waits for the window", func(t *testing.T) {
		e := newEnv(t, sikkatest.Options{RateLimit: 3}, nil)
		e.connect(sikkatest.SeedOptions{})
		for range 4 {
			if _, err := e.p.Providers(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if s := e.slept(); len(s) != 1 || s[0] != 60*time.Second {
			t.Fatalf("waits %v, want one of 60s", s)
		}
		if n := e.srv.Requests("GET /v4/providers"); n != 4 {
			t.Fatalf("%d calls: one hit a 429", n)
		}
	})
	t.Run("429 waits Reset and retries", func(t *testing.T) {
		e := newEnv(t, sikkatest.Options{}, nil)
		e.connect(sikkatest.SeedOptions{})
		e.srv.Inject(sikkatest.TooManyRequests(30))
		if _, err := e.p.Providers(ctx); err != nil {
			t.Fatal(err)
		}
		if s := e.slept(); len(s) != 1 || s[0] != 30*time.Second {
			t.Fatalf("waits %v, want one of 30s", s)
		}
	})
	t.Run("429 retries are limited", func(t *testing.T) {
		e := newEnv(t, sikkatest.Options{}, func(c *Config) { c.MaxRetries = 2 })
		e.connect(sikkatest.SeedOptions{})
		f := sikkatest.TooManyRequests(5)
		f.Times = 10
		e.srv.Inject(f)
		if _, err := e.p.Providers(ctx); !errors.Is(err, pms.ErrUnavailable) {
			t.Fatalf("got %v, want ErrUnavailable", err)
		}
		if n := e.srv.Requests("GET /v4/providers"); n != 3 {
			t.Fatalf("%d calls, want 3", n)
		}
	})
	t.Run("a window past the deadline is not waited for", func(t *testing.T) {
		e := newEnv(t, sikkatest.Options{}, nil)
		e.connect(sikkatest.SeedOptions{})
		e.srv.Inject(sikkatest.TooManyRequests(60))
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if _, err := e.p.Providers(ctx); !errors.Is(err, pms.ErrUnavailable) || len(e.slept()) != 0 {
			t.Fatalf("got %v after waits %v", err, e.slept())
		}
	})
	for _, f := range []sikkatest.Fault{sikkatest.DailyRequests, sikkatest.DailyData} {
		t.Run("daily limit "+f.Code+" is not retried", func(t *testing.T) {
			e := newEnv(t, sikkatest.Options{}, nil)
			e.connect(sikkatest.SeedOptions{})
			e.srv.Inject(f)
			_, err := e.p.Providers(ctx)
			var apiErr *Error
			if !errors.Is(err, pms.ErrUnavailable) || !errors.As(err, &apiErr) || apiErr.Code != f.Code {
				t.Fatalf("got %v", err)
			}
			if n := e.srv.Requests("GET /v4/providers"); n != 1 {
				t.Fatalf("%d calls, want 1", n)
			}
		})
	}
}

func TestServerErrorRetries(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		fault     sikkatest.Fault
		times     int
		wantCalls int
		wantErr   error
	}{
		{"503 then success", sikkatest.Overloaded, 2, 3, nil},
		{"504 then success", sikkatest.GatewayTimeout, 1, 2, nil},
		{"500 past the retry budget", sikkatest.InternalError, 5, 4, pms.ErrUnavailable},
		{"400 is not retried", sikkatest.Fault{Status: 400, Code: "API1026", ShortMessage: "Missing/Invalid Parameter"}, 1, 1, pms.ErrRejected},
		{"401 is not retried", sikkatest.Fault{Status: 401, Code: "API2004"}, 1, 1, pms.ErrCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, sikkatest.Options{}, nil)
			e.connect(sikkatest.SeedOptions{})
			f := tt.fault
			f.Path, f.Times = "/v4/providers", tt.times
			e.srv.Inject(f)
			_, err := e.p.Providers(ctx)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if n := e.srv.Requests("GET /v4/providers"); n != tt.wantCalls {
				t.Fatalf("%d calls, want %d", n, tt.wantCalls)
			}
			for i, d := range e.slept() {
				if lo, hi := 250*time.Millisecond<<i, 500*time.Millisecond<<i; d < lo || d > hi {
					t.Errorf("backoff %d = %v, want jittered in [%v, %v]", i+1, d, lo, hi)
				}
			}
		})
	}
}

func TestHungCall(t *testing.T) {
	ctx := context.Background()
	t.Run("the per-attempt deadline ends it", func(t *testing.T) {
		e := newEnv(t, sikkatest.Options{}, func(c *Config) { c.CallTimeout = 30 * time.Millisecond; c.MaxRetries = -1 })
		e.connect(sikkatest.SeedOptions{})
		e.srv.Inject(sikkatest.Hung)
		if _, err := e.p.Providers(ctx); !errors.Is(err, pms.ErrUnavailable) {
			t.Fatalf("got %v, want ErrUnavailable", err)
		}
	})
	t.Run("a read is retried after it", func(t *testing.T) {
		e := newEnv(t, sikkatest.Options{}, func(c *Config) { c.CallTimeout = 30 * time.Millisecond })
		e.connect(sikkatest.SeedOptions{})
		e.srv.Inject(sikkatest.Hung)
		if _, err := e.p.Providers(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a create is not retried after it", func(t *testing.T) {
		e := newEnv(t, sikkatest.Options{}, func(c *Config) { c.CallTimeout = 30 * time.Millisecond })
		s := e.connect(sikkatest.SeedOptions{Patients: 1})
		e.srv.Inject(sikkatest.Fault{Method: "POST", Path: "/v4/appointment", Hang: true})
		_, err := e.p.CreateAppointment(ctx, pms.NewAppointment{
			PatientID: s.PatientIDs[0], ProviderID: s.ProviderIDs[0], OperatoryID: s.OperatoryIDs[0],
			Start: time.Date(2026, 3, 9, 10, 0, 0, 0, e.loc), Length: 30 * time.Minute,
		})
		if !errors.Is(err, pms.ErrUnavailable) || e.srv.Requests("POST /v4/appointment") != 1 {
			t.Fatalf("got %v after %d calls", err, e.srv.Requests("POST /v4/appointment"))
		}
	})
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   error
	}{
		{400, "API1001", pms.ErrCredentials},
		{400, "API1002", pms.ErrCredentials},
		{400, "API1003", pms.ErrCredentials},
		{400, "API1005", pms.ErrCredentials},
		{401, "API2003", pms.ErrCredentials},
		{401, "API2004", pms.ErrCredentials},
		{401, "API2007", pms.ErrCredentials},
		{400, "API1020", pms.ErrRejected},
		{400, "API1026", pms.ErrRejected},
		{400, "API1027", pms.ErrRejected},
		{415, "API1006", pms.ErrRejected},
		{409, "API2013", pms.ErrRejected},
		{409, "API2015", pms.ErrRejected},
		{405, "API2014", pms.ErrRejected},
		{422, "API2019", pms.ErrRejected},
		{404, "API2009", pms.ErrNotFound},
		{410, "API2018", pms.ErrNotFound},
		{500, "API2001", pms.ErrUnavailable},
		{500, "API2006", pms.ErrUnavailable},
		{500, "API2010", pms.ErrUnavailable},
		{503, "API2002", pms.ErrUnavailable},
		{504, "API2022", pms.ErrUnavailable},
		{412, "API2017", pms.ErrUnavailable},
		{429, "API2011", pms.ErrUnavailable},
		{429, "API2012", pms.ErrUnavailable},
		{403, "", pms.ErrCredentials},
		{418, "", pms.ErrRejected},
		{502, "", pms.ErrUnavailable},
	}
	all := []error{pms.ErrCredentials, pms.ErrUnavailable, pms.ErrNotFound, pms.ErrRejected}
	for _, tt := range tests {
		t.Run(tt.code+"_"+http.StatusText(tt.status), func(t *testing.T) {
			e := newEnv(t, sikkatest.Options{}, func(c *Config) { c.MaxRetries = -1 })
			e.connect(sikkatest.SeedOptions{})
			e.srv.Inject(sikkatest.Fault{Path: "/v4/providers", Status: tt.status, Code: tt.code, ShortMessage: "short"})
			_, err := e.p.Providers(context.Background())
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.HTTPStatus != tt.status || apiErr.Code != tt.code {
				t.Fatalf("got %v", err)
			}
			for _, target := range all {
				if errors.Is(err, target) != (target == tt.want) {
					t.Errorf("errors.Is(%v) = %v", target, !(target == tt.want))
				}
			}
			if tt.code != "" && (Describe(tt.code) == "" || strings.HasPrefix(Describe(tt.code), "Undocumented")) {
				t.Errorf("no description for %s", tt.code)
			}
		})
	}
	if !strings.HasPrefix(Describe("API9999"), "Undocumented") {
		t.Error("an unknown code should say so")
	}
}

func TestErrorsCarryNoPatientData(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, func(c *Config) { c.MaxRetries = -1 })
	e.connect(sikkatest.SeedOptions{})
	ctx := context.Background()
	q := pms.PatientQuery{FirstName: "Zelda", LastName: "Quimby", Phone: "+12015550042"}
	e.srv.Inject(sikkatest.Fault{Path: "/v4/patients", Status: 400, Code: "API1026"})
	_, err := collect(e.p.Patients(ctx, q))
	e.srv.Close()
	_, netErr := collect(e.p.Patients(ctx, q))
	for _, err := range []error{err, netErr} {
		if err == nil {
			t.Fatal("want an error")
		}
		for _, leak := range []string{"Zelda", "Quimby", "5550042", "search="} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("error %q shows %q", err, leak)
			}
		}
	}
}
