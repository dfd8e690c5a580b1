// Package devauth is the OIDC issuer dev mode signs in with: it mints
// Cognito-shaped ID tokens with a key kept in the data directory and serves
// its discovery document and keys at /dev/oidc. The server trusts it only in
// dev mode, through the same go-oidc verification as Cognito.
package devauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/frontdesk/frontdesk/internal/secrets"
)

// Path is where the issuer is mounted under the public URL.
const Path = "/dev/oidc"

// ClientID is the app client id of dev tokens.
const ClientID = "frontdesk-dev"

// DefaultEmail is the dev user `make run` signs in as.
const DefaultEmail = "dev@frontdesk.local"

// Issuer is the dev OIDC issuer.
type Issuer struct {
	URL      string
	ClientID string
	key      *rsa.PrivateKey
	kid      string
}

// Load returns the dev issuer of publicURL, creating its signing key in
// dataDir on first use.
func Load(dataDir, publicURL string) (*Issuer, error) {
	key, err := loadOrCreateKey(filepath.Join(dataDir, "dev-oidc-key.pem"))
	if err != nil {
		return nil, fmt.Errorf("devauth: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("devauth: %w", err)
	}
	sum := sha256.Sum256(der)
	return &Issuer{
		URL:      strings.TrimRight(publicURL, "/") + Path,
		ClientID: ClientID,
		key:      key,
		kid:      hex.EncodeToString(sum[:8]),
	}, nil
}

func loadOrCreateKey(path string) (*rsa.PrivateKey, error) {
	b, err := secrets.CreateOnce(path, func() ([]byte, error) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), nil
	})
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s is not a PEM key: delete it to make a new one", path)
	}
	return x509.ParsePKCS1PrivateKey(block.Bytes)
}

// KeySet verifies the issuer's signatures without an HTTP round trip to
// ourselves (the server may not be listening yet).
func (i *Issuer) KeySet() oidc.KeySet {
	return &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{&i.key.PublicKey}}
}

// Token describes a token to mint.
type Token struct {
	Email  string
	Groups []string
	TTL    time.Duration // default 12h
	Now    time.Time     // default time.Now()
}

// Subject returns the stable subject the dev issuer gives an email, shaped
// like a Cognito sub (a UUID).
func Subject(email string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("frontdesk-dev:"+strings.ToLower(email))).String()
}

// Mint returns a signed Cognito-shaped ID token.
func (i *Issuer) Mint(t Token) (string, error) {
	if t.Email == "" {
		t.Email = DefaultEmail
	}
	if t.TTL == 0 {
		t.TTL = 12 * time.Hour
	}
	if t.Now.IsZero() {
		t.Now = time.Now()
	}
	email := strings.ToLower(t.Email)
	claims := map[string]any{
		"iss":              i.URL,
		"sub":              Subject(email),
		"aud":              i.ClientID,
		"token_use":        "id",
		"email":            email,
		"email_verified":   true,
		"cognito:username": email,
		"iat":              t.Now.Unix(),
		"auth_time":        t.Now.Unix(),
		"exp":              t.Now.Add(t.TTL).Unix(),
	}
	if len(t.Groups) > 0 {
		claims["cognito:groups"] = t.Groups
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: i.key, KeyID: i.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("devauth: %w", err)
	}
	sig, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("devauth: sign: %w", err)
	}
	return sig.CompactSerialize()
}

// Handler serves the discovery document and the JWKS, mounted at Path.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path+"/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"issuer":                                i.URL,
			"jwks_uri":                              i.URL + "/.well-known/jwks.json",
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"subject_types_supported":               []string{"public"},
			"response_types_supported":              []string{"code", "token"},
		})
	})
	mux.HandleFunc("GET "+Path+"/.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
			Key: &i.key.PublicKey, KeyID: i.kid, Algorithm: "RS256", Use: "sig",
		}}})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
