package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// Restore replaces the SQLite database at target with the backup at from.
// The server must be stopped. It refuses to overwrite unless force is set.
//
// Nothing of the target is touched until a checked copy is durable beside
// it: the backup is copied to a temporary file in the target's directory
// and fsynced; the copy (what will be installed, not the file it came
// from) must pass SQLite's integrity check and the audit chain; any WAL of
// the old target is checkpointed into it (a crash between the rename and
// the WAL's removal must not replay old frames onto the new file); the copy
// is renamed over the target and the directory fsynced; only then are the
// old -wal and -shm removed. A failure at any step before the rename leaves
// the target and its WAL as they were, and removes the temporary file.
func Restore(ctx context.Context, from, target string, force bool) error {
	if _, err := os.Stat(target); err == nil && !force {
		return fmt.Errorf("%s exists: stop the server and pass --force to replace it", target)
	}
	dir := filepath.Dir(target)
	out, err := os.CreateTemp(dir, "."+filepath.Base(target)+".restore-*")
	if err != nil {
		return err
	}
	tmp := out.Name()
	installed := false
	defer func() {
		out.Close() //nolint:errcheck // closed and checked below; on a failure the file is removed
		if !installed {
			removeSQLite(tmp)
		}
	}()
	if err := copyFile(out, from); err != nil {
		return fmt.Errorf("copy backup: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copy backup: %w", err)
	}
	if err := restoreFault("copied"); err != nil {
		return err
	}
	if err := checkBackup(ctx, tmp); err != nil {
		return err
	}
	// Opening the copy to check it may have rewritten it (WAL mode in its
	// header, a checkpoint on close): make that durable too.
	if err := syncPath(tmp); err != nil {
		return err
	}
	if err := restoreFault("checked"); err != nil {
		return err
	}
	if _, err := os.Stat(target); err == nil {
		checkpointOld(ctx, target)
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	installed = true
	if err := syncPath(dir); err != nil {
		return fmt.Errorf("restored, but syncing %s failed: %w", dir, err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("restored, but removing the old %s failed: %w", suffix, err)
		}
	}
	return nil
}

// restoreFault, when a test sets restoreFaultHook, fails a Restore after a
// step ("copied", "checked") as a full disk or a crash would.
func restoreFault(step string) error {
	if restoreFaultHook != nil {
		return restoreFaultHook(step)
	}
	return nil
}

var restoreFaultHook func(step string) error

// copyFile copies the file at from into out and fsyncs it.
func copyFile(out *os.File, from string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close() //nolint:errcheck // opened read-only: nothing to lose
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Sync()
}

// checkBackup opens a copy and runs SQLite's integrity check and the audit
// chain's verification.
func checkBackup(ctx context.Context, path string) (err error) {
	src, err := Open(ctx, path, Options{})
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	// Closing checkpoints the copy's WAL into it: that must succeed before
	// the copy is synced and installed.
	defer func() {
		if cerr := src.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close backup: %w", cerr)
		}
	}()
	var ok string
	if err := src.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		return fmt.Errorf("backup fails SQLite's integrity check: %s %v", ok, err)
	}
	if broken, _, err := src.VerifyAudit(ctx); err != nil || broken != 0 {
		return fmt.Errorf("backup's audit chain is broken at record %d: %v", broken, err)
	}
	return nil
}

// checkpointOld folds the old target's WAL into it, so that the WAL left
// for a moment beside the restored file holds no frames. Errors are
// ignored: an old database that cannot be opened is what a restore is for.
func checkpointOld(ctx context.Context, target string) {
	if _, err := os.Stat(target + "-wal"); err != nil {
		return
	}
	old, err := Open(ctx, target, Options{})
	if err != nil {
		return
	}
	defer old.Close() //nolint:errcheck // best effort, as above
	_, _ = old.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
}

// syncPath fsyncs a file or a directory.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close() //nolint:errcheck // opened read-only to fsync: Sync's error is the one that matters
	return f.Sync()
}

// removeSQLite removes a database file with its -wal and -shm.
func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix) // best effort: most of these do not exist
	}
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
	if err := rows.Err(); err != nil {
		return nil, db.classify(err)
	}
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
