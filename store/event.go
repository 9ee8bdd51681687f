package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"niaga/live"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the PostgreSQL channel that carries committed events
// between instances.
const notifyChannel = "niaga_events"

// SetHub makes the store publish committed events to hub. On SQLite the
// store publishes right after commit; on PostgreSQL every instance,
// including the writer, receives them through LISTEN (run Listen), so all
// instances see one commit order.
func (db *DB) SetHub(h *live.Hub) { db.hub = h }

type wireEvent struct {
	ID    int64           `json:"i"`
	Topic string          `json:"t"`
	Kind  string          `json:"k"`
	Data  json.RawMessage `json:"d,omitempty"`
	At    int64           `json:"a"`
}

// qEvent records an event (a hot statement: every bid makes one).
const qEvent = "INSERT INTO events (topic, kind, data, at) VALUES ($1,$2,$3,$4)"

// qEventNotify records an event and notifies it in one statement
// (PostgreSQL).
const qEventNotify = `WITH e AS (INSERT INTO events (topic, kind, data, at) VALUES ($1, $2, $3, $4) RETURNING id)
	SELECT e.id, pg_notify($5, CASE WHEN octet_length(w.whole) > 7900 THEN w.bare ELSE w.whole END)
	FROM e, LATERAL (SELECT json_build_object('i', e.id, 't', $1::text, 'k', $2::text, 'd', $3::json, 'a', $4::bigint)::text AS whole,
		json_build_object('i', e.id, 't', $1::text, 'k', $2::text, 'a', $4::bigint)::text AS bare) w`

// rawEvent is an event payload already encoded as a JSON object.
type rawEvent []byte

// Emit records an event in the transaction. Watchers get it only after
// commit; a rolled-back transaction notifies nobody.
func (tx *Tx) Emit(ctx context.Context, topic, kind string, v any) (int64, error) {
	var data []byte
	if raw, ok := v.(rawEvent); ok {
		data = raw
	} else {
		var err error
		if data, err = json.Marshal(v); err != nil {
			return 0, err
		}
	}
	if tx.db.Engine == Postgres {
		// One round trip: the row and its notification (a wireEvent; past
		// NOTIFY's 8000-byte limit without the data, which listeners read
		// from the row).
		var id int64
		var void any
		err := tx.QueryRow(ctx, qEventNotify, topic, kind, string(data), micros(tx.Now), notifyChannel).Scan(&id, &void)
		return id, tx.db.classify(err)
	}
	id, err := tx.hotInsertID(ctx, qEvent, topic, kind, string(data), micros(tx.Now))
	if err != nil {
		return 0, err
	}
	e := &live.Event{ID: id, Topic: topic, Kind: kind, Data: data, At: tx.Now}
	if tx.db.hub != nil {
		tx.AfterCommit(func() { e.Committed = tx.committed; tx.db.hub.Publish(e) })
	}
	return id, nil
}

// LastEventID is the id of a topic's newest event (0 when it has none).
func (db *DB) LastEventID(ctx context.Context, topic string) (int64, error) {
	var id sql.NullInt64
	err := db.queryRow(ctx, "SELECT MAX(id) FROM events WHERE topic = $1", topic).Scan(&id)
	return id.Int64, db.classify(err)
}

// RecentEvents returns a topic's latest n events, oldest first: what a new
// watcher is shown before live events.
func (db *DB) RecentEvents(ctx context.Context, topic string, n int) ([]*live.Event, error) {
	evs, err := db.scanEvents(ctx, topic, "SELECT id, kind, data, at FROM events WHERE topic = $1 ORDER BY id DESC LIMIT $2", topic, n)
	slices.Reverse(evs)
	return evs, err
}

// EventsAfter returns a topic's events with ids above after, oldest first:
// what a watcher missed while disconnected.
func (db *DB) EventsAfter(ctx context.Context, topic string, after int64, limit int) ([]*live.Event, error) {
	return db.scanEvents(ctx, topic, "SELECT id, kind, data, at FROM events WHERE topic = $1 AND id > $2 ORDER BY id LIMIT $3", topic, after, limit)
}

func (db *DB) scanEvents(ctx context.Context, topic, query string, args ...any) ([]*live.Event, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*live.Event
	for rows.Next() {
		e := &live.Event{Topic: topic}
		var data string
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &data, &at); err != nil {
			return nil, err
		}
		e.Data, e.At = []byte(data), fromMicros(at)
		out = append(out, e)
	}
	return out, db.classify(rows.Err())
}

// Listen feeds the hub from PostgreSQL notifications until ctx ends,
// reconnecting after failures. On SQLite it returns at once.
func (db *DB) Listen(ctx context.Context) {
	if db.Engine != Postgres || db.hub == nil {
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := db.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("event listener reconnecting", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (db *DB) listenOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background()) //nolint:errcheck // the connection is dropped either way
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var w wireEvent
		if err := json.Unmarshal([]byte(n.Payload), &w); err != nil {
			db.log.Warn("bad event notification", "payload", n.Payload)
			continue
		}
		e := &live.Event{ID: w.ID, Topic: w.Topic, Kind: w.Kind, Data: w.Data, At: fromMicros(w.At)}
		if e.Data == nil {
			var data string
			if err := conn.QueryRow(ctx, "SELECT data FROM events WHERE id = $1", w.ID).Scan(&data); err != nil {
				return err
			}
			e.Data = []byte(data)
		}
		db.hub.Publish(e)
	}
}

// Topic names: one place so producers and streams agree.
func LotTopic(id int64) string     { return "lot:" + strconv.FormatInt(id, 10) }
func MissionTopic(id int64) string { return "mission:" + strconv.FormatInt(id, 10) }
