// Package store keeps Niaga's state in SQLite (the embedded default) or
// PostgreSQL behind one set of methods. Queries are written once in the
// portable subset of SQL with $N placeholders; for SQLite they are rebound
// to ?N, because the SQLite drivers bind $N in order of appearance.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"niaga"
	"niaga/live"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
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
	Engine Engine
	w      *sql.DB // writes: one connection on SQLite (one writer), the pool on PostgreSQL
	r      *sql.DB // reads: many connections; the same pool on PostgreSQL
	log    *slog.Logger
	dsn    string
	hub    *live.Hub
	pubMu  sync.Mutex // orders publication with commits (see InTx)

	afterCommitHook func() // tests: runs between a commit and its publication
	bids            *bidder
	closing         chan struct{}
	clock           func() time.Time
	closeOnce       sync.Once

	rebound sync.Map // query text → rebound query text (SQLite)

	// hot holds statements prepared once on the SQLite write connection:
	// the bid path's from the start (parsing them was 40 % of a bid's
	// cost), any other after its first use (prepareMore). PostgreSQL
	// needs none: pgx caches prepared statements per connection.
	hot     atomic.Pointer[map[string]*sql.Stmt]
	reads   sync.Map // query → *sql.Stmt on the SQLite read pool (readStmt)
	readN   atomic.Int64
	hotMu   sync.Mutex
	lotInfo sync.Map // lot id → *lotRow: the fields of a lot that never change
	lotN    atomic.Int64

	// writeGen counts the write transactions: one the bid loop's cache did
	// not follow empties it (see bidCache).
	writeGen atomic.Uint64
	bidCache *bidCache // SQLite: owned by the bid loop
}

// Open connects to dsn: a postgres:// URL or a SQLite file path.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	db := &DB{log: opt.Logger, dsn: dsn}
	if db.log == nil {
		db.log = slog.Default()
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.Engine = Postgres
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		// Random reads cost about as much as sequential ones on SSDs and
		// cloud disks; at PostgreSQL's default of 4 the planner scans
		// whole tables (lots, organizations) to lock a batch's few rows.
		// A random_page_cost in the DSN wins.
		if _, ok := cfg.RuntimeParams["random_page_cost"]; !ok {
			cfg.RuntimeParams["random_page_cost"] = "1.1"
		}
		p := stdlib.OpenDB(*cfg)
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
		// Checkpoints: a background one (checkpointLoop) copies most WAL
		// frames into the database while the writer goes on; only the
		// writer can finish one and restart the log (with a continuous
		// writer the log never stops growing under a background
		// checkpoint), which it does past 4 000 pages (16 MB), by then
		// mostly copied already.
		q.Add("_pragma", "wal_autocheckpoint(4000)")
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
			_ = w.Close()
			return nil, err
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		db.w, db.r = w, r
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	db.closing = make(chan struct{})
	db.startBidder()
	if db.Engine == SQLite {
		// Every 25 ms: a checkpoint also fsyncs the WAL, and whatever it
		// has not synced the writer's own checkpoint (every 4 000 pages)
		// must, inside a commit. At 9 000 bids/s the WAL grows by ~1 000
		// pages in 25 ms; at 100 ms the writer's fsync of ~4 000 pages
		// set the bids' p99 (29 ms; 18-21 ms at 25 ms, same throughput).
		go db.checkpointLoop(25 * time.Millisecond)
	}
	return db, nil
}

// checkpointLoop copies committed WAL frames into the database file from a
// read connection, without blocking the writer (PASSIVE), so that the
// writer's own checkpoint, in the commit that crosses the threshold, has
// little left to copy. Durability does not depend on it: a commit is
// durable once in the WAL.
func (db *DB) checkpointLoop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-db.closing:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := db.r.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			select {
			case <-db.closing:
			default:
				db.log.Debug("background checkpoint", "error", err)
			}
		}
		cancel()
	}
}

// Raw is the underlying write pool, for verification tools and tests that
// must read the tables as they are (crash and backup checks).
func (db *DB) Raw() *sql.DB { return db.w }

// Close releases the connections.
func (db *DB) Close() error {
	if db.closing != nil {
		db.closeOnce.Do(func() { close(db.closing) })
	}
	if m := db.hot.Load(); m != nil {
		for _, st := range *m {
			_ = st.Close()
		}
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
	if st := db.readStmt(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, db.classify(err)
	}
	rows, err := db.r.QueryContext(ctx, db.q(query), args...)
	return rows, db.classify(err)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.readStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, db.q(query), args...)
}

// readStmt is query prepared on the SQLite read pool (database/sql
// prepares it on each connection as the connection first runs it), or
// nil: on PostgreSQL, where pgx caches statements per connection, and past
// maxPrepared statements. As on the writer, parsing was a large part of
// the CPU of a read.
func (db *DB) readStmt(ctx context.Context, query string) *sql.Stmt {
	if db.Engine != SQLite {
		return nil
	}
	if v, ok := db.reads.Load(query); ok {
		return v.(*sql.Stmt)
	}
	if db.readN.Load() >= maxPrepared {
		return nil
	}
	st, err := db.r.PrepareContext(ctx, db.q(query))
	if err != nil {
		return nil
	}
	if v, loaded := db.reads.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return v.(*sql.Stmt)
	}
	db.readN.Add(1)
	return st
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
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) || isConnErr(err) {
		// The connection broke; for a commit the outcome is unknown, and a
		// retry with the same Idempotency-Key returns the first result.
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
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
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

	stmts map[string]*sql.Stmt // hot statements bound to this transaction
	fresh []string             // statements run unprepared (SQLite): prepared after it
}

// prepareHot prepares the hot statements on the SQLite write connection,
// once. It must not run inside a write transaction: the single write
// connection would be busy. Until it succeeds (the schema may not exist
// yet), the hot statements are simply parsed on each use.
func (db *DB) prepareHot(ctx context.Context) {
	if db.Engine != SQLite || db.hot.Load() != nil {
		return
	}
	db.hotMu.Lock()
	defer db.hotMu.Unlock()
	if db.hot.Load() != nil {
		return
	}
	m := make(map[string]*sql.Stmt, len(hotQueries))
	for _, q := range hotQueries {
		st, err := db.w.PrepareContext(ctx, db.q(q))
		if err != nil {
			for _, st := range m {
				_ = st.Close()
			}
			return
		}
		m[q] = st
	}
	db.hot.Store(&m)
}

// maxPrepared bounds the statements kept prepared on the SQLite writer.
const maxPrepared = 300

// prepareMore prepares, on the SQLite write connection, statements that
// write transactions ran unprepared: parsing SQL cost a third of the
// server's CPU in the deals scenario. The statements are the code's own
// constant queries, so the set stays small; it is bounded all the same.
// It runs after the transaction, when the writer's connection is free.
func (db *DB) prepareMore(queries []string) {
	db.prepareHot(context.Background()) // no bid may have run yet
	db.hotMu.Lock()
	defer db.hotMu.Unlock()
	cur := db.hot.Load()
	if cur == nil {
		return // the schema does not exist yet
	}
	m := make(map[string]*sql.Stmt, len(*cur)+len(queries))
	for q, st := range *cur {
		m[q] = st
	}
	added := false
	for _, q := range queries {
		if _, ok := m[q]; ok || len(m) >= maxPrepared {
			continue
		}
		st, err := db.w.PrepareContext(context.Background(), db.q(q))
		if err != nil {
			continue // not preparable (DDL on a changing schema): parsed each time
		}
		m[q] = st
		added = true
	}
	if added {
		db.hot.Store(&m)
	}
}

// hotStmt returns query's prepared statement bound to this transaction, or
// nil when it is not a prepared hot statement.
func (tx *Tx) hotStmt(ctx context.Context, query string) *sql.Stmt {
	if st := tx.stmts[query]; st != nil {
		return st
	}
	m := tx.db.hot.Load()
	if m == nil {
		return nil
	}
	parent := (*m)[query]
	if parent == nil {
		return nil
	}
	st := tx.tx.StmtContext(ctx, parent)
	if tx.stmts == nil {
		tx.stmts = make(map[string]*sql.Stmt, len(hotQueries))
	}
	tx.stmts[query] = st
	return st
}

// hotInsertID inserts one row into a table whose id is its rowid on SQLite
// (INTEGER PRIMARY KEY) and returns the id: there through Exec and the
// last insert rowid, which costs half of reading a RETURNING row through
// database/sql; on PostgreSQL through RETURNING id.
func (tx *Tx) hotInsertID(ctx context.Context, query string, args ...any) (int64, error) {
	if tx.db.Engine == SQLite {
		res, err := tx.Exec(ctx, query, args...)
		if err != nil {
			return 0, err
		}
		id, err := res.LastInsertId()
		if err == nil && id == 0 {
			err = fmt.Errorf("insert made no row")
		}
		return id, err
	}
	var id int64
	err := tx.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, tx.db.classify(err)
}

// AfterCommit runs fn once the transaction has committed (events are
// published only for durable state, never from inside the transaction).
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, tx.db.classify(err)
	}
	res, err := tx.tx.ExecContext(ctx, tx.db.q(query), args...)
	return res, tx.db.classify(err)
}

// ExecLiteral runs a statement as written, with no arguments: no
// placeholder rewriting and never kept as a prepared statement. It is the
// seam for bulk loads of literal values (internal/datagen); everything
// else uses Exec.
func (tx *Tx) ExecLiteral(ctx context.Context, query string) error {
	_, err := tx.tx.ExecContext(ctx, query)
	return tx.db.classify(err)
}

// QueryRow runs a one-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, tx.db.q(query), args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, tx.db.classify(err)
	}
	rows, err := tx.tx.QueryContext(ctx, tx.db.q(query), args...)
	return rows, tx.db.classify(err)
}

// stmt is query's statement prepared on the SQLite writer, bound to this
// transaction, or nil: on PostgreSQL (pgx caches statements per
// connection), and for a statement not prepared yet, which is then noted
// for prepareMore.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.db.Engine != SQLite {
		return nil
	}
	if st := tx.hotStmt(ctx, query); st != nil {
		return st
	}
	if m := tx.db.hot.Load(); m == nil || len(*m) < maxPrepared {
		tx.fresh = append(tx.fresh, query)
	}
	return nil
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

// InTx runs fn in a write transaction and commits if fn returns nil. The
// audit chain is extended just before commit, so its order is commit order.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.classify(err)
	}
	tx := &Tx{tx: sqlTx, db: db, Now: db.now()}
	defer func() { // after the rollback below has released the connection
		if len(tx.fresh) > 0 {
			go db.prepareMore(tx.fresh)
		}
	}()
	defer sqlTx.Rollback() //nolint:errcheck // after a commit it only says ErrTxDone
	if err := fn(tx); err != nil {
		return db.classify(err)
	}
	if err := tx.chainAudit(ctx); err != nil {
		return db.classify(err)
	}
	// Any write may change what bids read. Bumped while this transaction
	// still holds the write connection, so the next transaction, which can
	// only begin after it, sees the change.
	db.writeGen.Add(1)
	if len(tx.after) > 0 {
		// SQLite: events are published here, by the committing
		// goroutine. Holding pubMu from before the commit until they are
		// published keeps a later transaction's events (higher ids) from
		// overtaking them: a watcher skips an id below one it has seen
		// and resumes after the highest, so an overtaken event was lost.
		db.pubMu.Lock()
		defer db.pubMu.Unlock()
	}
	if err := sqlTx.Commit(); err != nil {
		return db.classify(fmt.Errorf("commit: %w", err))
	}
	tx.committed = time.Now()
	if db.afterCommitHook != nil {
		db.afterCommitHook()
	}
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

// scanIDs reads a one-column result of ids and closes rows.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer func() { _ = rows.Close() }() // read-only: the error that counts is rows.Err
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// queryIDs runs a query that selects (or returns) one column of ids.
func (tx *Tx) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}
