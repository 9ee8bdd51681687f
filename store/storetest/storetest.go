// Package storetest opens real test databases: a SQLite file in a temporary
// directory, and, when NIAGA_TEST_POSTGRES holds a URL, a fresh schema in
// that PostgreSQL. Every store test runs against both.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"niaga/store"
)

// Engines returns the engines to test: SQLite always, PostgreSQL when
// NIAGA_TEST_POSTGRES is set.
func Engines() []store.Engine {
	if os.Getenv("NIAGA_TEST_POSTGRES") != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// Each runs fn as a subtest once per engine with a fresh, migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a fresh, migrated and seeded database of the engine; it is
// closed and removed when the test ends.
func Open(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	dsn := DSN(t, e)
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Logf("close %s: %v", e, err)
		}
	})
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", e, err)
	}
	if err := db.SeedCommodities(context.Background()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

// DSN makes an empty database for the engine and returns its DSN: a file in
// t.TempDir, or a new schema in NIAGA_TEST_POSTGRES dropped after the test.
func DSN(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return filepath.Join(t.TempDir(), "niaga.db")
	}
	base := os.Getenv("NIAGA_TEST_POSTGRES")
	if base == "" {
		t.Skip("NIAGA_TEST_POSTGRES not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
		if err := admin.Close(); err != nil {
			t.Logf("close the admin connection: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
