package graph_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/telephony"
)

// Calls that never reached the agent are in `calls`, with the route they
// took and who answered; a number's routing mode and ring time are set
// through the API.
func TestPhoneLineThroughTheAPI(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	env := graphtest.New(t, dbtest.Open(t), graphtest.WithClock(clk))
	owner := user("owner", "owner@example.com")
	mustCreate(t, env, owner, "Line Dental")
	env.MustDo(t, owner, `mutation { updatePractice(input: {frontDeskNumber: "+15555550199"}) { id } }`, nil, nil)

	var num struct {
		AddPhoneNumber struct {
			ID, Routing          string
			FrontDeskRingSeconds int
		}
	}
	env.MustDo(t, owner, `mutation { addPhoneNumber(number: "+15555550142", routing: FRONT_DESK_FIRST, frontDeskRingSeconds: 30) { id routing frontDeskRingSeconds } }`, nil, &num)
	if num.AddPhoneNumber.Routing != "FRONT_DESK_FIRST" || num.AddPhoneNumber.FrontDeskRingSeconds != 30 {
		t.Fatalf("number = %+v", num)
	}
	vars := map[string]any{"id": num.AddPhoneNumber.ID}
	if r := env.Do(t, owner, `mutation($id: ID!) { setPhoneNumberRouting(id: $id, routing: AFTER_HOURS, frontDeskRingSeconds: 600) { id } }`, vars); r.Code() != "INVALID" {
		t.Fatalf("a 10-minute ring: %+v", r.Errors)
	}
	var set struct {
		SetPhoneNumberRouting struct {
			Routing              string
			FrontDeskRingSeconds int
		}
	}
	env.MustDo(t, owner, `mutation($id: ID!) { setPhoneNumberRouting(id: $id, routing: FRONT_DESK) { routing frontDeskRingSeconds } }`, vars, &set)
	if set.SetPhoneNumberRouting.Routing != "FRONT_DESK" || set.SetPhoneNumberRouting.FrontDeskRingSeconds != 30 {
		t.Fatalf("after setPhoneNumberRouting: %+v", set)
	}

	// Two calls on the front desk's number: one answered, one missed.
	phone := &telephony.Service{DB: env.DB, Clock: clk, Actions: &actionitems.Service{DB: env.DB, Clock: clk},
		PublicURL: "https://frontdesk.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	for sid, dialStatus := range map[string]string{"CAanswered": "completed", "CAmissed": "no-answer"} {
		c := telephony.Call{CallSid: sid, From: "+15555550123", To: "+15555550142", CallStatus: "ringing"}
		phone.Incoming(ctx, c)
		phone.DialResult(ctx, c, telephony.AfterFrontDesk, dialStatus)
		c.CallStatus = "completed"
		if err := phone.Status(ctx, c, 61); err != nil {
			t.Fatal(err)
		}
	}
	var out struct {
		Calls struct {
			Edges []struct {
				Node struct {
					TwilioCallSid, Route, CallerNumber, CalledNumber, Status, Outcome string
					AnsweredBy                                                        *string
					DurationSeconds                                                   int
				}
			}
		}
		CallStats struct{ Total, Transferred, Abandoned, InProgress int }
	}
	env.MustDo(t, owner, `{ calls(first: 10, where: {routeIn: [FRONT_DESK, VOICEMAIL]}) { edges { node { twilioCallSid route answeredBy callerNumber calledNumber status durationSeconds outcome } } }
		callStats(from: "2026-12-01T00:00:00Z", to: "2026-12-02T00:00:00Z") { total transferred abandoned inProgress } }`, nil, &out)
	got := map[string]string{}
	for _, e := range out.Calls.Edges {
		n := e.Node
		if n.CallerNumber != "+15555550123" || n.CalledNumber != "+15555550142" || n.Status != "completed" || n.DurationSeconds != 61 {
			t.Errorf("call = %+v", n)
		}
		by := "nobody"
		if n.AnsweredBy != nil {
			by = *n.AnsweredBy
		}
		got[n.TwilioCallSid] = n.Route + " " + by + " " + n.Outcome
	}
	if got["CAanswered"] != "FRONT_DESK FRONT_DESK TRANSFERRED" || got["CAmissed"] != "FRONT_DESK nobody ABANDONED" {
		t.Errorf("calls = %v", got)
	}
	if s := out.CallStats; s.Total != 2 || s.Transferred != 1 || s.Abandoned != 1 || s.InProgress != 0 {
		t.Errorf("stats = %+v", s)
	}
}
