package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/pmsconn"
	"github.com/frontdesk/frontdesk/internal/secrets"
)

// rotateKey seals every stored secret again under the key in
// --new-key-file, opening them with FRONTDESK_SECRET_KEY (and
// FRONTDESK_SECRET_KEY_PREVIOUS), in one transaction: a failure leaves every
// secret as it was. Servers running with the new key as
// FRONTDESK_SECRET_KEY and the old as FRONTDESK_SECRET_KEY_PREVIOUS read
// both before and after it (README.md, "Rotating the secret key").
func rotateKey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var keyFile string
	cfg, err := config.LoadCommand("frontdesk rotate-key", func(fs *flag.FlagSet) {
		fs.StringVar(&keyFile, "new-key-file", "", "file holding the new base64 32-byte key (required; never printed)")
	}, args, getenv, stderr)
	if err != nil {
		return err
	}
	if keyFile == "" {
		return errors.New("rotate-key: --new-key-file is required: make one with `head -c 32 /dev/urandom | base64 > new.key`")
	}
	if cfg.SecretKey == nil {
		return errors.New("rotate-key: FRONTDESK_SECRET_KEY is required: the key the stored secrets are sealed under")
	}
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("rotate-key: %w", err)
	}
	newKey, err := secrets.ParseKey(string(raw))
	if err != nil {
		return fmt.Errorf("rotate-key: %s %w", keyFile, err)
	}
	from, err := secrets.New(cfg.SecretKey, cfg.PreviousSecretKey)
	if err != nil {
		return fmt.Errorf("rotate-key: %w", err)
	}
	to, err := secrets.New(newKey)
	if err != nil {
		return fmt.Errorf("rotate-key: %w", err)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	// Every column sealed with the secrets Box is resealed here, in this
	// one transaction.
	var n int
	err = db.InTx(ctx, func(ctx context.Context) error {
		n, err = pmsconn.Reseal(ctx, db, from, to)
		return err
	})
	if err != nil {
		return fmt.Errorf("rotate-key: nothing changed: %w", err)
	}
	fmt.Fprintf(stdout, "frontdesk: resealed %d secrets under the new key: set FRONTDESK_SECRET_KEY to it and unset FRONTDESK_SECRET_KEY_PREVIOUS\n", n)
	return nil
}
