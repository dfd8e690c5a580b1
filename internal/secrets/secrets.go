// Package secrets seals the secrets frontdesk keeps for practices (PMS keys,
// API tokens) with AES-256-GCM under FRONTDESK_SECRET_KEY, so a copy of the
// database alone reveals none of them.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a key in bytes.
const KeySize = 32

// version prefixes every sealed value, so the format can change.
const version byte = 1

// ErrOpen reports a value that is not sealed with this key, or was altered.
var ErrOpen = errors.New("secrets: cannot open sealed value (wrong FRONTDESK_SECRET_KEY, or the value was altered)")

// Box seals values with its key and opens them with that key or, during a
// key rotation, with the previous one (FRONTDESK_SECRET_KEY_PREVIOUS), so
// rows not yet resealed still read.
type Box struct {
	aead     cipher.AEAD
	previous []cipher.AEAD
}

// New returns a Box for a 32-byte key; the previous keys (nil ones ignored)
// also open.
func New(key []byte, previous ...[]byte) (*Box, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	b := &Box{aead: aead}
	for _, k := range previous {
		if k == nil {
			continue
		}
		p, err := newAEAD(k)
		if err != nil {
			return nil, fmt.Errorf("previous key: %w", err)
		}
		b.previous = append(b.previous, p)
	}
	return b, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return aead, nil
}

// ParseKey decodes a base64 (standard or URL, padded or not) 32-byte key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("decodes to %d bytes, want %d", len(b), KeySize)
			}
			return b, nil
		}
	}
	return nil, errors.New("is not base64")
}

// NewKey returns a random key, base64-encoded.
func NewKey() string {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}

// LoadOrCreateKeyFile reads a base64 key from path, creating it (mode 0600)
// with a new key when missing. Dev mode keeps its key there.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	b, err := CreateOnce(path, func() ([]byte, error) { return []byte(NewKey() + "\n"), nil })
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("secrets: %s %w", path, err)
	}
	return key, nil
}

// Seal encrypts plaintext. context binds the value to where it is stored
// (e.g. "pms_connection/<id>/secret_key"), so a sealed value copied into
// another row or column does not open.
func (b *Box) Seal(plaintext, context string) []byte {
	nonce := make([]byte, b.aead.NonceSize(), 1+b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	out := append([]byte{version}, nonce...)
	return b.aead.Seal(out, nonce, []byte(plaintext), []byte(context))
}

// Open decrypts a value sealed with the same context and the Box's key or
// its previous key.
func (b *Box) Open(sealed []byte, context string) (string, error) {
	plain, err := open(b.aead, sealed, context)
	for _, p := range b.previous {
		if err == nil {
			break
		}
		plain, err = open(p, sealed, context)
	}
	return plain, err
}

func open(aead cipher.AEAD, sealed []byte, context string) (string, error) {
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() || sealed[0] != version {
		return "", ErrOpen
	}
	plain, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}
