package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/internal/secrets"
)

// TestRotateKeyCommand: rotate-key refuses without its inputs and reseals
// on a migrated database (pmsconn's TestResealEverySecret reads every
// secret back after a rotation).
func TestRotateKeyCommand(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "new.key")
	if err := os.WriteFile(keyFile, []byte(secrets.NewKey()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"FRONTDESK_DATABASE_URL": "sqlite://" + filepath.Join(dir, "frontdesk.db")}
	if out, err := runCmd(t, env, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if _, err := runCmd(t, env, "rotate-key"); err == nil || !strings.Contains(err.Error(), "--new-key-file") {
		t.Fatalf("without --new-key-file: %v", err)
	}
	if _, err := runCmd(t, env, "rotate-key", "--new-key-file", keyFile); err == nil || !strings.Contains(err.Error(), "FRONTDESK_SECRET_KEY") {
		t.Fatalf("without FRONTDESK_SECRET_KEY: %v", err)
	}
	env["FRONTDESK_SECRET_KEY"] = secrets.NewKey()
	if out, err := runCmd(t, env, "rotate-key", "--new-key-file", keyFile); err != nil || !strings.Contains(out, "resealed 0 secrets") {
		t.Fatalf("rotate-key: %v\n%s", err, out)
	}
}
