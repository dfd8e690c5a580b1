// Command frontdesk is the backend of an AI phone receptionist for dental
// practices. `frontdesk serve` runs everything: the GraphQL API, the
// webhooks, and the jobs. serve.go shows the life of a server; internal/app
// builds the pieces and wires them.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `frontdesk — the backend of an AI phone receptionist for dental practices.

Usage:
  frontdesk serve [flags]      serve the API, webhooks and jobs (flags: frontdesk serve -h)
  frontdesk migrate            apply database migrations and exit
  frontdesk dev-token [--email E] [--admin]
                               mint a dev sign-in token (dev mode's issuer)
  frontdesk pms check --office-id ID --secret-key KEY [--practice-id 1] [--timezone ZONE]
                               check a practice's Sikka credentials and what they reach
  frontdesk vapi sync (--practice ID | --all) [--rotate]
                               create or update the practices' Vapi tools, assistants and numbers
  frontdesk rotate-key --new-key-file FILE
                               reseal every stored secret under a new FRONTDESK_SECRET_KEY
  frontdesk simulate-call [--practice ID] [--url URL]
                               play a scripted call through the webhooks (dev: the demo practice)
  frontdesk version            print the version

Configuration comes from the environment (see README.md); every variable is also a flag of serve.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "frontdesk:", err)
		os.Exit(1)
	}
}

// run is the whole program; tests call it as main would.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given: try `frontdesk serve`")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout, stderr)
	case "dev-token":
		return devToken(rest, getenv, stdout, stderr)
	case "pms":
		return pmsCommand(ctx, rest, getenv, stdout, stderr)
	case "vapi":
		return vapiCommand(ctx, rest, getenv, stdout, stderr)
	case "rotate-key":
		return rotateKey(ctx, rest, getenv, stdout, stderr)
	case "simulate-call":
		return simulateCall(ctx, rest, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "frontdesk", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// version reports the VCS revision the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	switch {
	case rev == "":
		return info.Main.Version
	case dirty:
		return rev + "-dirty"
	default:
		return rev
	}
}
