// Package store keeps Niaga's state in SQLite (the embedded default) or
// PostgreSQL behind one set of methods. Queries are written once in the
// portable subset of SQL with $N placeholders; for SQLite they are rebound
// to ?N, because the SQLite drivers bind $N in order of appearance.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"niaga"
	"niaga/live"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/ncruces/go-sqlite3"
	_ "github.com/ncruces/go-sqlite3/driver" // registers the "sqlite3" driver
)

// Engine names the database behind a DB.
type Engine string

// Engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options tune how a database is opened.
type Options struct {
	// SyncFull makes SQLite fsync every commit (survives power loss). The
	// default, synchronous=NORMAL in WAL mode, survives a killed process.
	SyncFull bool
	// MaxConns caps the PostgreSQL pool (default 32).
	MaxConns int
	Logger   *slog.Logger
}

// DB is a handle on the database. It is safe for concurrent use and holds
// no state that another instance would need: everything lives in the database.
type DB struct {
	Engine    Engine
	w         *sql.DB // writes: one connection on SQLite (one writer), the pool on PostgreSQL
	r         *sql.DB // reads: many connections; the same pool on PostgreSQL
	log       *slog.Logger
	dsn       string
	hub       *live.Hub
	bids      *bidder
	closing   chan struct{}
	clock     func() time.Time
	closeOnce sync.Once

	rebound sync.Map // query text → rebound query text (SQLite)
}

// Open connects to dsn: a postgres:// URL or a SQLite file path.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	db := &DB{log: opt.Logger, dsn: dsn}
	if db.log == nil {
		db.log = slog.Default()
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.Engine = Postgres
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		n := opt.MaxConns
		if n <= 0 {
			n = 32
		}
		p.SetMaxOpenConns(n)
		p.SetMaxIdleConns(n)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.w, db.r = p, p
	} else {
		db.Engine = SQLite
		sync := "normal"
		if opt.SyncFull {
			sync = "full"
		}
		path := strings.TrimPrefix(dsn, "file:")
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		q := url.Values{}
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(wal)")
		q.Add("_pragma", "foreign_keys(on)")
		q.Add("_pragma", "synchronous("+sync+")")
		u := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
		w, err := sql.Open("sqlite3", u)
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1) // SQLite has one writer; queueing here beats SQLITE_BUSY
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite3", u)
		if err != nil {
			w.Close()
			return nil, err
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		db.w, db.r = w, r
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	db.closing = make(chan struct{})
	db.startBidder()
	return db, nil
}

// Raw is the underlying write pool, for verification tools and tests that
// must read the tables as they are (crash and backup checks).
func (db *DB) Raw() *sql.DB { return db.w }

// Close releases the connections.
func (db *DB) Close() error {
	if db.closing != nil {
		db.closeOnce.Do(func() { close(db.closing) })
	}
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := db.w.PingContext(ctx); err != nil {
		return &niaga.Error{Code: niaga.CodeUnavailable, Message: "database unavailable", Err: err}
	}
	return nil
}

// SetClock replaces the clock that stamps transactions. The demo uses it
// to build past sessions through the real code paths; set it only before
// serving, and reset it with nil.
func (db *DB) SetClock(now func() time.Time) { db.clock = now }

func (db *DB) now() time.Time {
	if db.clock != nil {
		return db.clock().UTC()
	}
	return time.Now().UTC()
}

// q rebinds $N placeholders for SQLite.
func (db *DB) q(query string) string {
	if db.Engine != SQLite {
		return query
	}
	if v, ok := db.rebound.Load(query); ok {
		return v.(string)
	}
	s := strings.ReplaceAll(query, "$", "?")
	db.rebound.Store(query, s)
	return s
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := db.r.QueryContext(ctx, db.q(query), args...)
	return rows, db.classify(err)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.q(query), args...)
}

// classify turns driver errors into domain errors by driver code, never by
// message text.
func (db *DB) classify(err error) error {
	if err == nil {
		return nil
	}
	var ne *niaga.Error
	if errors.As(err, &ne) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &niaga.Error{Code: niaga.CodeNotFound, Message: "not found", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &niaga.Error{Code: niaga.CodeUnavailable, Message: "request cancelled or timed out", Err: err}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return &niaga.Error{Code: niaga.CodeConflict, Message: "already exists", Err: err}
		case pe.Code == "23503":
			return &niaga.Error{Code: niaga.CodeInvalid, Message: "refers to something that does not exist", Err: err}
		case pe.Code == "23514" || pe.Code == "22003" || pe.Code == "22P02" || pe.Code == "22021" || pe.Code == "22P05" || pe.Code == "22001":
			return &niaga.Error{Code: niaga.CodeInvalid, Message: "value out of range", Err: err}
		case pe.Code == "40001" || pe.Code == "40P01":
			return &niaga.Error{Code: niaga.CodeConflict, Message: "concurrent update, retry", Err: err}
		case strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P"):
			return &niaga.Error{Code: niaga.CodeUnavailable, Message: "database unavailable", Err: err}
		}
		return err
	}
	if code, ext, ok := sqliteCodes(err); ok {
		switch ext {
		case sqlite3.CONSTRAINT_UNIQUE, sqlite3.CONSTRAINT_PRIMARYKEY:
			return &niaga.Error{Code: niaga.CodeConflict, Message: "already exists", Err: err}
		case sqlite3.CONSTRAINT_FOREIGNKEY:
			return &niaga.Error{Code: niaga.CodeInvalid, Message: "refers to something that does not exist", Err: err}
		case sqlite3.CONSTRAINT_CHECK:
			return &niaga.Error{Code: niaga.CodeInvalid, Message: "value out of range", Err: err}
		}
		switch code {
		case sqlite3.FULL:
			return &niaga.Error{Code: niaga.CodeUnavailable, Message: "database disk is full", Err: err}
		case sqlite3.IOERR: // a full disk shows as an I/O error when the WAL cannot grow
			return &niaga.Error{Code: niaga.CodeUnavailable, Message: "the database could not write to disk (full or failing)", Err: err}
		case sqlite3.READONLY:
			return &niaga.Error{Code: niaga.CodeUnavailable, Message: "database is read-only", Err: err}
		case sqlite3.BUSY, sqlite3.LOCKED:
			return &niaga.Error{Code: niaga.CodeUnavailable, Message: "database busy", Err: err}
		}
		return err
	}
	if errors.Is(err, sql.ErrConnDone) || pgconn.SafeToRetry(err) || isConnErr(err) {
		return &niaga.Error{Code: niaga.CodeUnavailable, Message: "database unavailable", Err: err}
	}
	return err
}

// sqliteCodes finds SQLite's result code in err: the driver returns
// *sqlite3.Error from statements but bare codes from some calls (COMMIT).
func sqliteCodes(err error) (sqlite3.ErrorCode, sqlite3.ExtendedErrorCode, bool) {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		return se.Code(), se.ExtendedCode(), true
	}
	var ext sqlite3.ExtendedErrorCode
	if errors.As(err, &ext) {
		return ext.Code(), ext, true
	}
	var code sqlite3.ErrorCode
	if errors.As(err, &code) {
		return code, sqlite3.ExtendedErrorCode(code), true
	}
	return 0, 0, false
}

func isConnErr(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

// Tx is a write transaction. It carries one "now" for every row it writes,
// the audit records to chain at commit, and callbacks to run after commit.
type Tx struct {
	tx    *sql.Tx
	db    *DB
	Now   time.Time
	after []func()
	audit []auditRecord

	committed time.Time // when Commit returned: live events carry it
}

// AfterCommit runs fn once the transaction has committed (events are
// published only for durable state, never from inside the transaction).
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.db.q(query), args...)
	return res, tx.db.classify(err)
}

// QueryRow runs a one-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.q(query), args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.db.q(query), args...)
	return rows, tx.db.classify(err)
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) InsertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, tx.db.classify(err)
}

// ForUpdate is the row-lock suffix: FOR UPDATE on PostgreSQL; nothing on
// SQLite, where the IMMEDIATE transaction already holds the write lock.
func (tx *Tx) ForUpdate() string {
	if tx.db.Engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ForUpdateOf locks only the rows of the named table alias in a join.
func (tx *Tx) ForUpdateOf(alias string) string {
	if tx.db.Engine == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// savepoint runs fn inside a savepoint: if fn fails, its writes, audit
// records, events and after-commit hooks are undone and the transaction
// goes on (one refused bid must not undo the others of a group commit).
// jobErr is fn's error; txErr means the transaction itself is broken.
func (tx *Tx) savepoint(ctx context.Context, fn func() error) (jobErr, txErr error) {
	if _, err := tx.tx.ExecContext(ctx, "SAVEPOINT sp"); err != nil {
		return nil, tx.db.classify(err)
	}
	nAfter, nAudit := len(tx.after), len(tx.audit)
	if jobErr = fn(); jobErr != nil {
		tx.after, tx.audit = tx.after[:nAfter], tx.audit[:nAudit]
		if _, err := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT sp"); err != nil {
			return jobErr, tx.db.classify(err)
		}
	}
	if _, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT sp"); err != nil {
		return jobErr, tx.db.classify(err)
	}
	return tx.db.classify(jobErr), nil
}

// InTx runs fn in a write transaction and commits if fn returns nil. The
// audit chain is extended just before commit, so its order is commit order.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.classify(err)
	}
	tx := &Tx{tx: sqlTx, db: db, Now: db.now()}
	defer sqlTx.Rollback()
	if err := fn(tx); err != nil {
		return db.classify(err)
	}
	if err := tx.chainAudit(ctx); err != nil {
		return db.classify(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return db.classify(fmt.Errorf("commit: %w", err))
	}
	tx.committed = time.Now()
	for _, f := range tx.after {
		f()
	}
	return nil
}

// micros stores times as BIGINT microseconds since the epoch, UTC: portable
// across both engines and exact.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}
