package store_test

import (
	"context"
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
