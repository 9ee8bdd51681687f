package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"niaga/demo"
	"niaga/store"
	"niaga/store/storetest"
)

// TestBackupRestoreSQLite backs up a live database while bids are being
// placed, restores the copy and compares every table and the audit head.
func TestBackupRestoreSQLite(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	want, _ := db.TableCounts(ctx)
	_, wantHead, _ := db.AuditHead(ctx)

	target := filepath.Join(dir, "restored.db")
	os.WriteFile(target, []byte("old"), 0o600)
	if err := store.Restore(ctx, backup, target, false); err == nil {
		t.Fatal("restore replaced a database without --force")
	}
	if err := store.Restore(ctx, backup, target, true); err != nil {
		t.Fatal(err)
	}
	got := openCounts(t, target)
	if !maps.Equal(got.counts, want) || got.head != wantHead {
		t.Fatalf("restored %v head %s, want %v head %s", got.counts, got.head, want, wantHead)
	}
	// A damaged backup is refused.
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte("this is not a database"), 0o600)
	if err := store.Restore(ctx, bad, filepath.Join(dir, "x.db"), true); err == nil {
		t.Fatal("restored a damaged backup")
	}
}

type fingerprint struct {
	counts map[string]int64
	head   string
}

func openCounts(t *testing.T, dsn string) fingerprint {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counts, err := db.TableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if broken, _, err := db.VerifyAudit(ctx); err != nil || broken != 0 {
		t.Fatalf("restored audit chain broken at %d: %v", broken, err)
	}
	_, head, _ := db.AuditHead(ctx)
	return fingerprint{counts, head}
}

// TestBackupRestorePostgres follows docs/operations.md: pg_dump the schema,
// restore it into a new database with psql, compare.
func TestBackupRestorePostgres(t *testing.T) {
	base := os.Getenv("NIAGA_TEST_POSTGRES")
	if base == "" {
		t.Skip("NIAGA_TEST_POSTGRES not set")
	}
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump not installed")
	}
	ctx := context.Background()
	dsn := storetest.DSN(t, store.Postgres)
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	want, _ := db.TableCounts(ctx)
	_, wantHead, _ := db.AuditHead(ctx)

	u, _ := url.Parse(dsn)
	schema := u.Query().Get("search_path")
	conn := strings.Split(base, "?")[0]
	dump := filepath.Join(t.TempDir(), "niaga.sql")
	if out, err := exec.Command("pg_dump", "--no-owner", "--schema="+schema, "--file="+dump, conn).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v %s", err, out)
	}
	newDB := "niaga_restore_" + strings.TrimPrefix(schema, "t_")
	if _, err := db.Raw().Exec("CREATE DATABASE " + newDB); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Raw().Exec("DROP DATABASE IF EXISTS " + newDB + " WITH (FORCE)") })
	bu, _ := url.Parse(base)
	bu.Path = "/" + newDB
	target := bu.String()
	if out, err := exec.Command("psql", "--quiet", "--set=ON_ERROR_STOP=1", "--file="+dump, strings.Split(target, "?")[0]).CombinedOutput(); err != nil {
		t.Fatalf("psql restore: %v %s", err, out)
	}
	q := bu.Query()
	q.Set("search_path", schema)
	bu.RawQuery = q.Encode()
	got := openCounts(t, bu.String())
	if !maps.Equal(got.counts, want) || got.head != wantHead {
		t.Fatalf("restored %v head %s, want %v head %s", got.counts, got.head, want, wantHead)
	}
}

// TestRestoreFailureKeepsTarget restores over a database left by a killed
// process (its latest commit only in the -wal): every failed restore, a
// damaged or truncated backup, a copy or a check that fails, leaves the
// database and its WAL byte for byte as they were, still holding that
// commit, and no temporary file behind; a good restore then replaces it.
func TestRestoreFailureKeepsTarget(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	want, _ := db.TableCounts(ctx)

	// The target: the backup, then one more commit that a killed process
	// left only in the WAL (no checkpoint ran).
	live := filepath.Join(dir, "live")
	os.Mkdir(live, 0o700)
	copyTo(t, backup, filepath.Join(live, "niaga.db"))
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(live, "niaga.db")+"?_pragma=journal_mode(wal)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec("CREATE TABLE crash_marker (v TEXT); INSERT INTO crash_marker VALUES ('latest')"); err != nil {
		t.Fatal(err)
	}
	srv := filepath.Join(dir, "srv")
	os.Mkdir(srv, 0o700)
	target := filepath.Join(srv, "niaga.db")
	copyTo(t, filepath.Join(live, "niaga.db"), target)
	copyTo(t, filepath.Join(live, "niaga.db-wal"), target+"-wal")
	raw.Close()
	if fi, err := os.Stat(target + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no WAL to protect: %v", err)
	}
	dbBytes, walBytes := readFile(t, target), readFile(t, target+"-wal")

	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, readFile(t, backup)[:len(readFile(t, backup))/2], 0o600)
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("this is not a database"), 0o600)
	fail := func(step string) func(string) error {
		return func(s string) error {
			if s == step {
				return errors.New("injected failure after " + s)
			}
			return nil
		}
	}
	cases := []struct {
		name, from string
		fault      func(string) error
	}{
		{"truncated backup", truncated, nil},
		{"not a database", garbage, nil},
		{"missing backup", filepath.Join(dir, "missing.db"), nil},
		{"copy fails", backup, fail("copied")},
		{"fails after the check", backup, fail("checked")},
	}
	for _, c := range cases {
		undo := store.SetRestoreFaultForTest(c.fault)
		err := store.Restore(ctx, c.from, target, true)
		undo()
		if err == nil {
			t.Fatalf("%s: restore succeeded", c.name)
		}
		if !bytes.Equal(readFile(t, target), dbBytes) || !bytes.Equal(readFile(t, target+"-wal"), walBytes) {
			t.Fatalf("%s: the target or its WAL changed (%v)", c.name, err)
		}
		if ents, _ := os.ReadDir(srv); len(ents) != 2 {
			names := []string{}
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Fatalf("%s: left %v", c.name, names)
		}
	}
	// The database with its WAL still opens and holds the last commit.
	check := filepath.Join(dir, "check")
	os.Mkdir(check, 0o700)
	copyTo(t, target, filepath.Join(check, "niaga.db"))
	copyTo(t, target+"-wal", filepath.Join(check, "niaga.db-wal"))
	if got := marker(t, filepath.Join(check, "niaga.db")); got != "latest" {
		t.Fatalf("the last commit is gone: %q", got)
	}

	// A good restore replaces the database and drops the old WAL.
	if err := store.Restore(ctx, backup, target, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("old WAL left beside the restored database: %v", err)
	}
	if got := marker(t, target); got != "" {
		t.Fatalf("restored database has the old commit %q", got)
	}
	if got := openCounts(t, target); !maps.Equal(got.counts, want) {
		t.Fatalf("restored %v, want %v", got.counts, want)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyTo(t *testing.T, from, to string) {
	t.Helper()
	if err := os.WriteFile(to, readFile(t, from), 0o600); err != nil {
		t.Fatal(err)
	}
}

// marker reads crash_marker ("" when the table is absent).
func marker(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("SELECT v FROM crash_marker").Scan(&v); err != nil && !strings.Contains(err.Error(), "no such table") {
		t.Fatal(err)
	}
	return v
}
