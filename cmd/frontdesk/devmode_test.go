package main

import (
	"net"
	"strings"
	"testing"
)

// TestDevModeListensOnLoopback is `make run` as it is typed: no address, no
// public URL. The server listens on loopback only (its / hands out an
// owner's token), and dev-token, given the same environment, mints a token
// that server trusts.
func TestDevModeListensOnLoopback(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		t.Skipf("127.0.0.1:8080 is in use here, so the default address cannot be tried: %v", err)
	}
	probe.Close()
	env := devEnv(t)
	delete(env, "FRONTDESK_ADDR")
	in := start(t, env)
	if in.URL != "http://127.0.0.1:8080" {
		t.Fatalf("dev mode listens on %s, want 127.0.0.1:8080", in.URL)
	}
	token, err := runCmd(t, env, "dev-token")
	if err != nil {
		t.Fatal(err)
	}
	graphql(t, in.URL, strings.TrimSpace(token), `{ practice { id } }`)
}

// TestDevTokenReadsServesConfiguration: whatever address and public URL
// serve was given, in the environment or as flags, dev-token takes the same
// and its tokens name the issuer the server trusts.
func TestDevTokenReadsServesConfiguration(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := devEnv(t)
	env["FRONTDESK_ADDR"] = addr
	in := start(t, env)

	fromEnv, err := runCmd(t, env, "dev-token")
	if err != nil {
		t.Fatal(err)
	}
	graphql(t, in.URL, strings.TrimSpace(fromEnv), `{ practice { id } }`)

	// The same settings as serve's flags instead of the environment.
	flagEnv := map[string]string{"FRONTDESK_DEV": "1"}
	fromFlags, err := runCmd(t, flagEnv, "dev-token", "--email", "dev@frontdesk.local", "--addr", addr, "--data-dir", env["FRONTDESK_DATA_DIR"])
	if err != nil {
		t.Fatal(fromFlags, err)
	}
	graphql(t, in.URL, strings.TrimSpace(fromFlags), `{ practice { id } }`)
}
