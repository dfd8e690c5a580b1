package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// openUnmigrated opens an empty database of the dialect (dbtest migrates,
// and importing it here would be a cycle).
func openUnmigrated(t *testing.T, dialectName string) *DB {
	t.Helper()
	ctx := context.Background()
	raw := "sqlite://" + filepath.Join(t.TempDir(), "old.db")
	if dialectName == "postgres" {
		base := os.Getenv("FRONTDESK_TEST_POSTGRES_URL")
		if base == "" {
			t.Skip("FRONTDESK_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run")
		}
		schema := fmt.Sprintf("mig_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
		u, _ := url.Parse(base)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		raw = u.String()
	}
	db, err := Open(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A database from before routing ids were unique may hold an id twice, and
// invitations as member rows without a subject. Migrating it does not fail:
// a duplicated id is cleared on every row that holds it (no practice gets
// the line until vapi sync learns it again), and each unclaimed member row
// becomes a pending invitation.
func TestMigratingDuplicateRoutingIDsAndUnclaimedMembers(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			db := openUnmigrated(t, d)
			dir, err := db.migrationDir()
			if err != nil {
				t.Fatal(err)
			}
			files, err := dir.Files()
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if f.Version() >= "20261204000000" {
					break
				}
				if err := db.apply(ctx, f); err != nil {
					t.Fatal(err)
				}
			}
			now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.SQL.ExecContext(ctx, db.rebind(q), args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			for _, p := range []string{"prac_a", "prac_b"} {
				exec(`INSERT INTO practices (id, created_at, updated_at, name, time_zone) VALUES (?, ?, ?, ?, ?)`, p, now, now, p, "America/New_York")
				exec(`INSERT INTO agents (id, created_at, updated_at, practice_id, vapi_assistant_id) VALUES (?, ?, ?, ?, ?)`, "agent_"+p, now, now, p, "asst-shared")
			}
			exec(`INSERT INTO phone_numbers (id, created_at, updated_at, number, twilio_sid, vapi_phone_number_id, practice_id) VALUES (?, ?, ?, ?, ?, ?, ?)`, "num_1", now, now, "+15555550100", "PN1", "demo-phone-number", "prac_a")
			exec(`INSERT INTO phone_numbers (id, created_at, updated_at, number, twilio_sid, vapi_phone_number_id, practice_id) VALUES (?, ?, ?, ?, ?, ?, ?)`, "num_2", now, now, "+15555550111", "PN1", "demo-phone-number", "prac_b")
			exec(`INSERT INTO phone_numbers (id, created_at, updated_at, number, twilio_sid, vapi_phone_number_id, practice_id) VALUES (?, ?, ?, ?, ?, ?, ?)`, "num_3", now, now, "+15555550122", "PN3", "own-id", "prac_b")
			exec(`INSERT INTO members (id, created_at, updated_at, subject, email, role, joined_at, practice_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, "mem_owner", now, now, "owner-sub", "owner@example.com", "OWNER", now, "prac_a")
			exec(`INSERT INTO members (id, created_at, updated_at, email, role, practice_id) VALUES (?, ?, ?, ?, ?, ?)`, "mem_invited", now, now, "new@example.com", "STAFF", "prac_a")

			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("Migrate over duplicates: %v", err)
			}
			query := func(q string) []string {
				t.Helper()
				rows, err := db.SQL.QueryContext(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var out []string
				for rows.Next() {
					var s string
					if err := rows.Scan(&s); err != nil {
						t.Fatal(err)
					}
					out = append(out, s)
				}
				return out
			}
			if got := fmt.Sprint(query(`SELECT id || ':' || twilio_sid || ':' || vapi_phone_number_id FROM phone_numbers ORDER BY id`)); got != "[num_1:: num_2:: num_3:PN3:own-id]" {
				t.Errorf("phone numbers = %s", got)
			}
			if got := fmt.Sprint(query(`SELECT id || ':' || vapi_assistant_id FROM agents ORDER BY id`)); got != "[agent_prac_a: agent_prac_b:]" {
				t.Errorf("agents = %s", got)
			}
			if got := fmt.Sprint(query(`SELECT id FROM members ORDER BY id`)); got != "[mem_owner]" {
				t.Errorf("members = %s", got)
			}
			if got := fmt.Sprint(query(`SELECT id || ':' || email || ':' || role || ':' || practice_id FROM invitations`)); got != "[inv_invited:new@example.com:STAFF:prac_a]" {
				t.Errorf("invitations = %s", got)
			}
			var pending int
			if err := db.SQL.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM invitations WHERE expires_at > ?`), time.Now().UTC().Add(6*24*time.Hour)).Scan(&pending); err != nil || pending != 1 {
				t.Errorf("invitation valid for a week: %d, %v", pending, err)
			}
			// And the indexes hold from now on.
			if _, err := db.SQL.ExecContext(ctx, db.rebind(`UPDATE phone_numbers SET vapi_phone_number_id = ? WHERE id = ?`), "own-id", "num_1"); err == nil {
				t.Error("a second row took a Vapi phone number id")
			}
		})
	}
}
