// Package ids makes frontdesk's record ids: a short type prefix and a
// time-ordered random part ("appt_01jdq3x6m8r5v9k2c4t7w0y1z3"). The prefix
// tells a Relay node lookup which table to read and makes an id in a log or a
// support ticket self-explanatory; the time order keeps inserts at the end of
// the primary-key index.
package ids

import (
	"encoding/base32"
	"strings"

	"github.com/google/uuid"
)

var encoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// New returns a new id with the given prefix.
func New(prefix string) string {
	u := uuid.Must(uuid.NewV7())
	return prefix + "_" + encoding.EncodeToString(u[:])
}

// Prefix returns the prefix of id, or "" when it has none.
func Prefix(id string) string {
	p, _, ok := strings.Cut(id, "_")
	if !ok {
		return ""
	}
	return p
}
