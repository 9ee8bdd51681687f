package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"niaga"
)

// What a trader follows from a phone (migration 00013): the lots its
// business bid on with where it stands on each, and a per-user watchlist
// of lots and sessions whose opening the user is told a quarter of an hour
// ahead. Watching is a reading preference, like a bookmark: it changes no
// market state and is not audited.

// MyBids lists the lots the actor's business bid on, the latest bid first
// (at most 200), with where it stands on each and its own latest bid.
func (db *DB) MyBids(ctx context.Context, actor *niaga.Actor, now time.Time) ([]niaga.MyBid, error) {
	if actor == nil || actor.Role != niaga.RoleBusiness {
		return nil, niaga.Errorf(niaga.CodeForbidden, "only businesses bid")
	}
	org := actor.OrgID
	type mine struct {
		price, maxPrice, n, lastID, lastAt int64
	}
	own := map[int64]*mine{}
	rows, err := db.query(ctx, `SELECT b.lot_id, b.price, b.max_price, m.n, m.last_id, m.last_at FROM bids b
		JOIN (SELECT lot_id, COUNT(*) AS n, MAX(id) AS last_id, MAX(created_at) AS last_at FROM bids WHERE bidder_org_id = $1 GROUP BY lot_id) m
		ON b.id = m.last_id`, org)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var lot int64
		m := &mine{}
		if err := rows.Scan(&lot, &m.price, &m.maxPrice, &m.n, &m.lastID, &m.lastAt); err != nil {
			_ = rows.Close() // the scan error is the one to report
			return nil, err
		}
		own[lot] = m
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, db.classify(err)
	}
	won, err := db.ids(ctx, "SELECT DISTINCT lot_id FROM contracts WHERE buyer_org_id = $1", org)
	if err != nil {
		return nil, err
	}
	rows, err = db.query(ctx, lotSelect+`WHERE l.id IN (SELECT lot_id FROM bids WHERE bidder_org_id = $1 GROUP BY lot_id ORDER BY MAX(id) DESC LIMIT 200)`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.MyBid{}
	for rows.Next() {
		r, err := scanLot(rows)
		if err != nil {
			return nil, err
		}
		m := own[r.ID]
		if m == nil {
			continue // a bid placed between the two reads: the next read shows it
		}
		l := r.view(now)
		b := niaga.MyBid{Lot: l, Standing: niaga.StandingOf(l, org, won[l.ID]), Offer: m.price, Bids: m.n, LastAt: fromMicros(m.lastAt)}
		if l.Mechanism == "english" {
			b.Offer, b.MaxPrice = offered(m.price, m.maxPrice), m.maxPrice
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, db.classify(err)
	}
	// Newest bid first, as the list reads on a phone.
	slices.SortFunc(out, func(a, b niaga.MyBid) int { return cmp.Compare(own[b.Lot.ID].lastID, own[a.Lot.ID].lastID) })
	return out, nil
}

// ids reads one column of ids as a set.
func (db *DB) ids(ctx context.Context, query string, args ...any) (map[int64]bool, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, db.classify(rows.Err())
}

// Watch adds a lot or a session the actor may see to its watchlist;
// adding one twice keeps the first.
func (db *DB) Watch(ctx context.Context, actor *niaga.Actor, in niaga.WatchInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	kind, id := niaga.WatchLot, in.LotID
	if in.SessionID > 0 {
		kind, id = niaga.WatchSession, in.SessionID
		if _, err := db.Session(ctx, id); err != nil {
			return err
		}
	} else if _, err := db.Lot(ctx, actor, id, time.Now()); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO watchlist (user_id, kind, target_id, created_at) VALUES ($1,$2,$3,$4)
			ON CONFLICT (user_id, kind, target_id) DO NOTHING`, actor.UserID, string(kind), id, tx.Now.Unix())
		return err
	})
}

// Unwatch takes a lot or a session off the actor's watchlist.
func (db *DB) Unwatch(ctx context.Context, actor *niaga.Actor, kind niaga.WatchKind, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM watchlist WHERE user_id = $1 AND kind = $2 AND target_id = $3", actor.UserID, string(kind), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, niaga.Errorf(niaga.CodeNotFound, "%s %d is not on your watchlist", kind, id))
		}
		return nil
	})
}

// Watching reports whether the actor watches a lot or a session.
func (db *DB) Watching(ctx context.Context, actor *niaga.Actor, kind niaga.WatchKind, id int64) (bool, error) {
	if actor == nil {
		return false, nil
	}
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM watchlist WHERE user_id = $1 AND kind = $2 AND target_id = $3", actor.UserID, string(kind), id).Scan(&n)
	return n > 0, db.classify(err)
}

// Watchlist returns the actor's watched lots and sessions as it may see
// them at now, the soonest to open first.
func (db *DB) Watchlist(ctx context.Context, actor *niaga.Actor, now time.Time) ([]niaga.Watch, error) {
	type entry struct {
		added, notified int64
	}
	seen := map[niaga.WatchKind]map[int64]entry{niaga.WatchLot: {}, niaga.WatchSession: {}}
	rows, err := db.query(ctx, "SELECT kind, target_id, created_at, notified_at FROM watchlist WHERE user_id = $1", actor.UserID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var kind string
		var id int64
		var e entry
		if err := rows.Scan(&kind, &id, &e.added, &e.notified); err != nil {
			_ = rows.Close() // the scan error is the one to report
			return nil, err
		}
		if m := seen[niaga.WatchKind(kind)]; m != nil {
			m[id] = e
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, db.classify(err)
	}
	out := []niaga.Watch{}
	add := func(kind niaga.WatchKind, id int64, lot *niaga.Lot, ss *niaga.AuctionSession, state string) {
		e := seen[kind][id]
		out = append(out, niaga.Watch{Kind: kind, ID: id, Lot: lot, Session: ss, State: state, Notified: e.notified != 0, Added: time.Unix(e.added, 0).UTC()})
	}
	for id := range seen[niaga.WatchLot] {
		l, err := db.Lot(ctx, actor, id, now)
		if niaga.ErrorCode(err) == niaga.CodeNotFound {
			continue // no longer visible to the actor (a rejected lot of another seller)
		}
		if err != nil {
			return nil, err
		}
		add(niaga.WatchLot, id, &l, nil, l.State)
	}
	for id := range seen[niaga.WatchSession] {
		ss, err := db.Session(ctx, id)
		if niaga.ErrorCode(err) == niaga.CodeNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		add(niaga.WatchSession, id, nil, &ss, ss.State(now, false))
	}
	slices.SortFunc(out, func(a, b niaga.Watch) int {
		if c := watchStart(a).Compare(watchStart(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

func watchStart(w niaga.Watch) time.Time {
	if w.Lot != nil {
		return w.Lot.StartsAt
	}
	return w.Session.StartsAt
}

// OpeningLead is how long before a watched lot or session opens its
// watchers are told: time to get to a phone and check the deposit.
const OpeningLead = 15 * time.Minute

// NotifyOpenings tells the watchers of admitted lots and of sessions that
// open within lead (and have not opened yet) that they open soon, up to n
// of each per call. Each watch is told once: the row is marked in the same
// transaction, and on PostgreSQL rows another instance is telling are
// skipped. A lot or session watched after it opened is never told.
func (db *DB) NotifyOpenings(ctx context.Context, lead time.Duration, n int) (int, error) {
	told := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		told = 0
		lock := ""
		if db.Engine == Postgres {
			lock = " FOR UPDATE OF w SKIP LOCKED"
		}
		from, to := micros(tx.Now), micros(tx.Now.Add(lead))
		type due struct {
			user, id, opens int64
			kind            niaga.WatchKind
			title, prov     string
		}
		var dues []due
		read := func(kind niaga.WatchKind, q string) error {
			rows, err := tx.Query(ctx, q+lock, string(kind), from, to, n)
			if err != nil {
				return err
			}
			for rows.Next() {
				d := due{kind: kind}
				if err := rows.Scan(&d.user, &d.id, &d.opens, &d.title, &d.prov); err != nil {
					_ = rows.Close() // the scan error is the one to report
					return err
				}
				dues = append(dues, d)
			}
			return errors.Join(rows.Err(), rows.Close())
		}
		// A lot's title is its commodity and grade (translated when shown);
		// a session's, its own. The province sets the zone its time is read in.
		if err := read(niaga.WatchLot, `SELECT w.user_id, l.id, l.starts_at, l.commodity || ' ' || l.grade, m.province
			FROM watchlist w JOIN lots l ON l.id = w.target_id JOIN markets m ON m.id = l.market_id JOIN users u ON u.id = w.user_id
			WHERE w.kind = $1 AND w.notified_at = 0 AND u.active AND l.status = 'admitted' AND l.starts_at > $2 AND l.starts_at <= $3
			ORDER BY l.starts_at LIMIT $4`); err != nil {
			return err
		}
		if err := read(niaga.WatchSession, `SELECT w.user_id, s.id, s.starts_at, s.title,
			(SELECT m.province FROM session_markets sm JOIN markets m ON m.id = sm.market_id WHERE sm.session_id = s.id ORDER BY sm.market_id LIMIT 1)
			FROM watchlist w JOIN auction_sessions s ON s.id = w.target_id JOIN users u ON u.id = w.user_id
			WHERE w.kind = $1 AND w.notified_at = 0 AND u.active AND s.starts_at > $2 AND s.starts_at <= $3
			ORDER BY s.starts_at LIMIT $4`); err != nil {
			return err
		}
		for _, d := range dues {
			opens := fromMicros(d.opens).UTC().Format(time.RFC3339)
			params := map[string]any{"opens_at": opens, "title": d.title, "province": d.prov}
			link := "/sessions/" + strconv.FormatInt(d.id, 10)
			if d.kind == niaga.WatchLot {
				params["lot_id"], link = d.id, "/lots/"+strconv.FormatInt(d.id, 10)
			} else {
				params["session_id"] = d.id
			}
			if err := tx.notifyUsers(ctx, []int64{d.user}, niaga.NotifyLotOpening, params, link); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE watchlist SET notified_at = $1 WHERE user_id = $2 AND kind = $3 AND target_id = $4",
				tx.Now.Unix(), d.user, string(d.kind), d.id); err != nil {
				return err
			}
			told++
		}
		return nil
	})
	return told, err
}
