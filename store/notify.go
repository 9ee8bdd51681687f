package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"niaga"
)

// Notifications (migration 00012). A rule that tells someone something
// calls notifyOrg or notifyUsers in its own transaction: a row per user,
// the user's live stream gets an event, and the row waits to be mailed if
// the user wants that kind by email. Text is made from the kind and params
// in the reader's language when shown or mailed (web), never here.

// UserTopic is the live topic of one user's notifications.
func UserTopic(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// prefsOf returns a user's channels for a kind: their choice, or the
// kind's default.
func (tx *Tx) prefsOf(ctx context.Context, userID int64, kind niaga.NotificationKind) (inApp, email bool, err error) {
	err = tx.QueryRow(ctx, "SELECT in_app, email FROM notification_prefs WHERE user_id = $1 AND kind = $2", userID, string(kind)).Scan(&inApp, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return true, kind.DefaultByEmail(), nil
	}
	return inApp, email, err
}

// notifyOrg tells every active user of an organization.
func (tx *Tx) notifyOrg(ctx context.Context, orgID int64, kind niaga.NotificationKind, params map[string]any, link string) error {
	ids, err := tx.queryIDs(ctx, "SELECT id FROM users WHERE org_id = $1 AND active ORDER BY id", orgID)
	if err != nil {
		return err
	}
	return tx.notifyUsers(ctx, ids, kind, params, link)
}

// notifyUsers tells each user, by the channels they chose for the kind.
func (tx *Tx) notifyUsers(ctx context.Context, userIDs []int64, kind niaga.NotificationKind, params map[string]any, link string) error {
	data, err := json.Marshal(params)
	if err != nil {
		return err
	}
	for _, uid := range userIDs {
		inApp, email, err := tx.prefsOf(ctx, uid, kind)
		if err != nil {
			return err
		}
		if !inApp && !email {
			continue
		}
		mail, readAt := "none", int64(0)
		if email {
			mail = "pending"
		}
		if !inApp {
			readAt = tx.Now.Unix() // mailed only: nothing to show as unread
		}
		id, err := tx.InsertID(ctx, "INSERT INTO notifications (user_id, kind, params, link, created_at, read_at, mail_state) VALUES ($1,$2,$3,$4,$5,$6,$7)",
			uid, string(kind), string(data), link, tx.Now.Unix(), readAt, mail)
		if err != nil {
			return err
		}
		if inApp {
			ev := map[string]any{"id": id, "kind": kind, "params": params, "link": link}
			if _, err := tx.Emit(ctx, UserTopic(uid), "notification", ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// Notifications returns the actor's latest notifications, newest first,
// and how many are unread.
func (db *DB) Notifications(ctx context.Context, actor *niaga.Actor, limit int) ([]niaga.Notification, int, error) {
	if actor == nil {
		return nil, 0, niaga.Errorf(niaga.CodeUnauthorized, "sign in")
	}
	out := []niaga.Notification{}
	rows, err := db.query(ctx, "SELECT id, kind, params, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2", actor.UserID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	unread, err := db.Unread(ctx, actor.UserID)
	return out, unread, err
}

func scanNotification(s interface{ Scan(...any) error }) (niaga.Notification, error) {
	var n niaga.Notification
	var params string
	var created, read int64
	if err := s.Scan(&n.ID, &n.Kind, &params, &n.Link, &created, &read); err != nil {
		return n, err
	}
	n.CreatedAt, n.Read = time.Unix(created, 0).UTC(), read != 0
	return n, json.Unmarshal([]byte(params), &n.Params)
}

// MarkNotificationsRead marks the actor's notifications read: those with
// the ids given, or all of them.
func (db *DB) MarkNotificationsRead(ctx context.Context, actor *niaga.Actor, ids []int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if len(ids) == 0 {
			_, err := tx.Exec(ctx, "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at = 0", tx.Now.Unix(), actor.UserID)
			return err
		}
		for _, id := range ids {
			if _, err := tx.Exec(ctx, "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at = 0", tx.Now.Unix(), id, actor.UserID); err != nil {
				return err
			}
		}
		return nil
	})
}

// NotificationPrefs returns the actor's channels for every kind.
func (db *DB) NotificationPrefs(ctx context.Context, actor *niaga.Actor) ([]niaga.NotificationPref, error) {
	out := make([]niaga.NotificationPref, 0, len(niaga.NotificationKinds))
	err := db.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		for _, k := range niaga.NotificationKinds {
			inApp, email, err := tx.prefsOf(ctx, actor.UserID, k)
			if err != nil {
				return err
			}
			out = append(out, niaga.NotificationPref{Kind: k, InApp: inApp, Email: email})
		}
		return nil
	})
	return out, err
}

// SetNotificationPrefs records the actor's choices for the kinds given.
func (db *DB) SetNotificationPrefs(ctx context.Context, actor *niaga.Actor, prefs []niaga.NotificationPref) error {
	var c niaga.Check
	for _, p := range prefs {
		c.Require(p.Kind.Valid(), "kind", "unknown notification kind")
	}
	if err := c.Err(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		for _, p := range prefs {
			if _, err := tx.Exec(ctx, "DELETE FROM notification_prefs WHERE user_id = $1 AND kind = $2", actor.UserID, string(p.Kind)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO notification_prefs (user_id, kind, in_app, email) VALUES ($1,$2,$3,$4)", actor.UserID, string(p.Kind), p.InApp, p.Email); err != nil {
				return err
			}
		}
		return tx.Audit(actor, "user.notification_prefs", "user", actor.UserID, nil, prefs)
	})
}

// MailNotifications turns up to n notifications waiting to be mailed into
// mail in the outbox (compose writes it in the user's language), in one
// transaction; instances share the work without doing it twice.
func (db *DB) MailNotifications(ctx context.Context, n int, compose func(u niaga.User, no niaga.Notification) niaga.Mail) (int, error) {
	done := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		done = 0
		q := `SELECT n.id, n.kind, n.params, n.link, n.created_at, n.read_at, u.id, u.email, u.name, u.role, u.org_id, u.lang, u.active
			FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.mail_state = 'pending' ORDER BY n.id LIMIT $1`
		if db.Engine == Postgres {
			q += " FOR UPDATE OF n SKIP LOCKED"
		}
		rows, err := tx.Query(ctx, q, n)
		if err != nil {
			return err
		}
		type item struct {
			n niaga.Notification
			u niaga.User
		}
		var items []item
		for rows.Next() {
			var it item
			var params string
			var created, read int64
			if err := rows.Scan(&it.n.ID, &it.n.Kind, &params, &it.n.Link, &created, &read,
				&it.u.ID, &it.u.Email, &it.u.Name, &it.u.Role, &it.u.OrgID, &it.u.Lang, &it.u.Active); err != nil {
				_ = rows.Close() // the scan error is the one to report
				return err
			}
			it.n.CreatedAt = time.Unix(created, 0).UTC()
			if err := json.Unmarshal([]byte(params), &it.n.Params); err != nil {
				_ = rows.Close() // the decode error is the one to report
				return err
			}
			items = append(items, it)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, it := range items {
			if it.u.Active {
				if err := tx.Enqueue(ctx, "notification_"+string(it.n.Kind), compose(it.u, it.n)); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, "UPDATE notifications SET mail_state = 'queued' WHERE id = $1", it.n.ID); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	return done, err
}

// outbidLag is how old a PostgreSQL event must be before the outbid
// notifier reads it: ids are drawn before commit, so a younger event with
// a smaller id may still be committing; SQLite commits in id order.
const outbidLag = 3 * time.Second

// NotifyOutbids reads up to n english bid events after the notifier's
// cursor and tells the business that led each lot before the event that
// it was outbid; it returns how many events it read (fewer than n: it has
// caught up). The cursor moves in the same transaction: each outbid is
// told once, by whichever instance gets there.
func (db *DB) NotifyOutbids(ctx context.Context, n int) (int, error) {
	read := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		read = 0
		var cursor int64
		if err := tx.QueryRow(ctx, "SELECT event_id FROM notifier_cursor c WHERE name = 'outbid'"+tx.ForUpdateOf("c")).Scan(&cursor); err != nil {
			return err
		}
		upto := micros(tx.Now)
		if db.Engine == Postgres {
			upto = micros(tx.Now.Add(-outbidLag))
		}
		rows, err := tx.Query(ctx, "SELECT id, topic, data FROM events WHERE id > $1 AND kind IN ('bid', 'extend') AND at <= $2 ORDER BY id LIMIT $3", cursor, upto, n)
		if err != nil {
			return err
		}
		type bidEvent struct {
			id    int64
			topic string
			data  string
		}
		var evs []bidEvent
		for rows.Next() {
			var e bidEvent
			if err := rows.Scan(&e.id, &e.topic, &e.data); err != nil {
				_ = rows.Close() // the scan error is the one to report
				return err
			}
			evs = append(evs, e)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, e := range evs {
			now, err := leaderOf(e.data)
			if err != nil {
				return err
			}
			var prevData string
			err = tx.QueryRow(ctx, "SELECT data FROM events WHERE topic = $1 AND id < $2 AND kind IN ('bid', 'extend') ORDER BY id DESC LIMIT 1", e.topic, e.id).Scan(&prevData)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			before, err := leaderOf(prevData)
			if err != nil {
				return err
			}
			if before.Leader == 0 || before.Leader == now.Leader {
				continue
			}
			params := map[string]any{"lot_id": now.LotID, "price": now.Price}
			if err := tx.notifyOrg(ctx, before.Leader, niaga.NotifyOutbid, params, "/lots/"+strconv.FormatInt(now.LotID, 10)); err != nil {
				return err
			}
		}
		read = len(evs)
		if len(evs) > 0 {
			_, err = tx.Exec(ctx, "UPDATE notifier_cursor SET event_id = $1 WHERE name = 'outbid'", evs[len(evs)-1].id)
		}
		return err
	})
	return read, err
}

type leadEvent struct {
	Leader int64 `json:"leader_org_id"`
	LotID  int64 `json:"lot_id"`
	Price  int64 `json:"price"`
}

func leaderOf(data string) (leadEvent, error) {
	var e leadEvent
	return e, json.Unmarshal([]byte(data), &e)
}

// Unread is how many of the user's notifications are unread (the bell).
func (db *DB) Unread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at = 0", userID).Scan(&n)
	return n, err
}

// SkipNotificationMail marks every notification still waiting to be
// mailed as not to be mailed (a seeded history is not news).
func (db *DB) SkipNotificationMail(ctx context.Context) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE notifications SET mail_state = 'none' WHERE mail_state = 'pending'")
		return err
	})
}
