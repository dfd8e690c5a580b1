package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

// TestWebsocketSignsInWithConnectionInit: browsers cannot set headers on a
// websocket, so the token rides in connection_init — and is checked there.
func TestWebsocketSignsInWithConnectionInit(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	mustCreate(t, env, ann, "Socket Dental")
	url := "ws" + strings.TrimPrefix(env.GraphQLURL, "http")

	dial := func(t *testing.T, payload map[string]any) (*websocket.Conn, map[string]any) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		t.Cleanup(cancel)
		c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() })
		if err := wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": payload}); err != nil {
			t.Fatal(err)
		}
		var msg map[string]any
		if err := wsjson.Read(ctx, c, &msg); err != nil {
			return c, map[string]any{"type": "closed", "err": err.Error()}
		}
		return c, msg
	}

	t.Run("with a token", func(t *testing.T) {
		c, msg := dial(t, map[string]any{"Authorization": "Bearer " + env.Token(*ann)})
		if msg["type"] != "connection_ack" {
			t.Fatalf("got %v", msg)
		}
		ctx := context.Background()
		_ = wsjson.Write(ctx, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "{ practice { name } }"}})
		var next map[string]any
		if err := wsjson.Read(ctx, c, &next); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(toJSON(next), "Socket Dental") {
			t.Fatalf("got %v", next)
		}
	})
	t.Run("without a token", func(t *testing.T) {
		_, msg := dial(t, map[string]any{})
		if msg["type"] == "connection_ack" {
			t.Fatal("a socket without a token was accepted")
		}
	})
	t.Run("with a token from an untrusted issuer", func(t *testing.T) {
		forged := authtest.New(t).IDToken(authtest.User{Subject: "ann", Email: "ann@example.com"}, nil)
		_, msg := dial(t, map[string]any{"Authorization": "Bearer " + forged})
		if msg["type"] == "connection_ack" {
			t.Fatal("a socket with a forged token was accepted")
		}
	})
}
