package vapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"

	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/server"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

// callers is how many calls are in progress at once.
const callers = 100

// BenchmarkToolLatency sends tool calls through frontdesk's real HTTP server
// (its middleware, the verifier, the parser, the receptionist, SQLite) from
// 100 concurrent callers and reports p50/p99 latency and throughput. The
// baseline is a bare net/http handler that answers every tool call with a
// fixed result, in the same run, over the same loopback and client.
func BenchmarkToolLatency(b *testing.B) {
	e := newEnv(b, dbtest.Open(b))
	e.db.Client(e.sys).Practice.UpdateOneID(e.id).SetHorizonDays(365).ExecX(e.sys)
	defer e.desk.RecordInBackground()()
	real := httptest.NewServer(server.Handler(discard, prometheus.NewRegistry(), server.Routes{
		Webhooks: e.hooks.Routes(),
		Ready:    func(context.Context) error { return nil },
	}))
	defer real.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: callers, MaxConnsPerHost: callers}}

	fixed := []byte(`{"results":[{"toolCallId":"x","name":"check-availability","result":"{\"slots\":[]}"}]}` + "\n")
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixed)
	}))
	defer bare.Close()

	availability := func(i int) []byte {
		c := e.theCall(fmt.Sprintf("bench-avail-%d", i%callers))
		return c.ToolCalls(now, vapitest.ToolCall{ID: fmt.Sprintf("avail-%d-%d", i, time.Now().UnixNano()), Name: receptionist.CheckAvailability,
			Arguments: map[string]any{"appointment_type": "Exam", "time_of_day": []string{"morning", "afternoon", "any"}[i%3]}})
	}

	b.Run("baseline", func(b *testing.B) {
		load(b, client, bare.URL, availability)
	})
	b.Run("check-availability", func(b *testing.B) {
		load(b, client, real.URL+"/webhooks/vapi", availability)
	})
	b.Run("book-appointment", func(b *testing.B) {
		slots := e.bookableSlots(b)
		var next atomic.Int64
		load(b, client, real.URL+"/webhooks/vapi", func(i int) []byte {
			n := int(next.Add(1)) - 1
			if n >= len(slots) {
				b.Fatalf("ran out of open slots after %d bookings", n)
			}
			c := e.theCall(fmt.Sprintf("bench-book-%d", n))
			return c.ToolCalls(now, vapitest.ToolCall{ID: fmt.Sprintf("book-%d", n), Name: receptionist.BookAppointment, Arguments: map[string]any{
				"slot_id": slots[n], "first_name": "Caller", "last_name": fmt.Sprint(n), "date_of_birth": "1990-01-01",
			}})
		})
	})
}

// load sends rounds of requests from callers goroutines and reports the
// latency percentiles and the throughput.
func load(b *testing.B, client *http.Client, url string, body func(i int) []byte) {
	const perRound = 1000
	var lat []time.Duration
	var mu sync.Mutex
	var i atomic.Int64
	start := time.Now()
	rounds := 0
	for b.Loop() {
		rounds++
		var wg sync.WaitGroup
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for {
					n := int(i.Add(1))
					if n > rounds*perRound {
						break
					}
					payload := body(n)
					req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
					vapi.Sign(req, payload, secret, "", now)
					t0 := time.Now()
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					mine = append(mine, time.Since(t0))
					if res.StatusCode != http.StatusOK {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(0, "ns/op")
}

// bookableSlots are exam slots that do not overlap one another, so every
// booking of them succeeds.
func (e *env) bookableSlots(b *testing.B) []string {
	a, err := e.bookings.Availability(e.sys, booking.AvailabilityQuery{
		AppointmentType: "Exam", From: calendar.Date{Year: 2026, Month: 12, Day: 2}, To: calendar.Date{Year: 2027, Month: 11, Day: 30}, MaxResults: 1 << 20,
	})
	if err != nil {
		b.Fatal(err)
	}
	busyUntil := map[string]time.Time{}
	var ids []string
	for _, s := range a.Slots {
		if !s.Start.Before(busyUntil[s.Provider.ID]) {
			ids = append(ids, s.ID)
			busyUntil[s.Provider.ID] = s.End
		}
	}
	return ids
}
