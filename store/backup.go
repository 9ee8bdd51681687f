package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"niaga"
)

// Backup writes a consistent copy of a live SQLite database to path with
// VACUUM INTO: one read transaction, so writers go on and the copy is a
// snapshot of one commit. PostgreSQL is backed up with pg_dump (see
// docs/operations.md).
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return niaga.Errorf(niaga.CodeInvalid, "niaga backup copies SQLite databases; back up PostgreSQL with pg_dump (docs/operations.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	_, err := db.r.ExecContext(ctx, "VACUUM INTO ?", path)
	return db.classify(err)
}

// Restore replaces the SQLite database at target with the backup at from,
// after checking the backup: SQLite's integrity check and the audit chain.
// The server must be stopped. It refuses to overwrite unless force is set.
func Restore(ctx context.Context, from, target string, force bool) error {
	if _, err := os.Stat(target); err == nil && !force {
		return fmt.Errorf("%s exists: stop the server and pass --force to replace it", target)
	}
	src, err := Open(ctx, from, Options{})
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	var ok string
	if err := src.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		src.Close()
		return fmt.Errorf("backup fails SQLite's integrity check: %s %v", ok, err)
	}
	if broken, _, err := src.VerifyAudit(ctx); err != nil || broken != 0 {
		src.Close()
		return fmt.Errorf("backup's audit chain is broken at record %d: %v", broken, err)
	}
	src.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(target + suffix)
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := target + ".restore"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, target)
}

// TableCounts returns the number of rows in every table: a cheap
// fingerprint to compare a database with its restored copy.
func (db *DB) TableCounts(ctx context.Context) (map[string]int64, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if db.Engine == Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, db.classify(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	sort.Strings(names)
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(n)).Scan(&c); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, db.classify(err)
		}
		out[n] = c
	}
	return out, nil
}

func quoteIdent(s string) string { return `"` + s + `"` }
