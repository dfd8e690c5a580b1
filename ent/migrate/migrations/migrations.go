// Package migrations holds the versioned SQL migrations generated from the
// ent schema, one directory per dialect, embedded in the binary. New ones
// come from `make migration NAME=...` (gen.go); a test fails when the schema
// and the migrations disagree.
package migrations

import "embed"

// FS holds sqlite/ and postgres/, each a directory of NNN_name.sql files and
// the atlas.sum that guards them against edits.
//
//go:embed sqlite postgres
var FS embed.FS
