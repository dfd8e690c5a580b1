package secrets

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func newBox(t *testing.T) *Box {
	t.Helper()
	key, err := ParseKey(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	b := newBox(t)
	sealed := b.Seal("s3cret-key", "pms/1/secret")
	if bytes.Contains(sealed, []byte("s3cret-key")) {
		t.Fatal("sealed value contains the plaintext")
	}
	if got, err := b.Open(sealed, "pms/1/secret"); err != nil || got != "s3cret-key" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if bytes.Equal(sealed, b.Seal("s3cret-key", "pms/1/secret")) {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
}

func TestOpenFails(t *testing.T) {
	b := newBox(t)
	sealed := b.Seal("value", "ctx")
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	cases := map[string]struct {
		box     *Box
		sealed  []byte
		context string
	}{
		"other context": {b, sealed, "other"},
		"other key":     {newBox(t), sealed, "ctx"},
		"tampered":      {b, tampered, "ctx"},
		"truncated":     {b, sealed[:5], "ctx"},
		"empty":         {b, nil, "ctx"},
	}
	for name, c := range cases {
		if _, err := c.box.Open(c.sealed, c.context); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open = %v, want ErrOpen", name, err)
		}
	}
}

func TestParseKey(t *testing.T) {
	if _, err := ParseKey("not base64!"); err == nil {
		t.Error("accepted garbage")
	}
	if _, err := ParseKey("c2hvcnQ="); err == nil {
		t.Error("accepted a short key")
	}
	if _, err := ParseKey(NewKey()); err != nil {
		t.Error(err)
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	k1, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKeyFile(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load = %x, %v; want the same key", k2, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestCreateOnceUnderConcurrency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := CreateOnce(path, func() ([]byte, error) { return []byte(NewKey()), nil })
			if err != nil {
				t.Error(err)
			}
			got[i] = string(b)
		}()
	}
	wg.Wait()
	for _, g := range got[1:] {
		if g != got[0] {
			t.Fatal("two processes starting at once got different keys")
		}
	}
}

// TestPreviousKeyOpens: during a rotation a Box opens values sealed under
// its previous key, and seals only under its own.
func TestPreviousKeyOpens(t *testing.T) {
	oldKey, _ := ParseKey(NewKey())
	newKey, _ := ParseKey(NewKey())
	old, _ := New(oldKey)
	both, err := New(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := both.Open(old.Seal("v", "ctx"), "ctx"); err != nil || got != "v" {
		t.Fatalf("Open(sealed under the previous key) = %q, %v", got, err)
	}
	if _, err := old.Open(both.Seal("v", "ctx"), "ctx"); !errors.Is(err, ErrOpen) {
		t.Fatalf("a value sealed during the rotation opened under the old key alone: %v", err)
	}
	if _, err := both.Open(old.Seal("v", "ctx"), "other"); !errors.Is(err, ErrOpen) {
		t.Fatalf("the previous key opened another context: %v", err)
	}
	if _, err := New(newKey, []byte("short")); err == nil {
		t.Fatal("accepted a short previous key")
	}
}
