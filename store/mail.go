package store

import (
	"context"
	"strings"
	"time"

	"niaga"
)

// The mail outbox (migration 00009): messages are queued inside the
// transaction whose outcome they tell and leave through the mailer, which
// claims due messages, sends them and records the attempt.

// Enqueue queues m in the outbox; it is sent only if tx commits. kind names
// the message for operators (password_reset, …).
func (tx *Tx) Enqueue(ctx context.Context, kind string, m niaga.Mail) error {
	var c niaga.Check
	c.Require(strings.Contains(m.To, "@") && !strings.ContainsAny(m.To, "\r\n<>, "), "to", "must be one email address")
	c.Require(!strings.ContainsAny(m.Subject, "\r\n"), "subject", "must be one line")
	if err := c.Err(); err != nil {
		return err
	}
	now := micros(tx.Now)
	_, err := tx.Exec(ctx, "INSERT INTO mail_outbox (kind, to_addr, subject, body, created_at, next_at) VALUES ($1,$2,$3,$4,$5,$5)",
		kind, m.To, m.Subject, m.Text, now)
	return err
}

// OutboxMail is a queued message claimed for sending.
type OutboxMail struct {
	ID       int64
	Kind     string
	Attempts int // attempts before this one
	niaga.Mail
}

// ClaimMail claims up to n messages that are due, for lease: no other
// mailer takes them until the lease ends. A mailer that dies mid-send
// leaves its claims to expire, and the messages go out again.
func (db *DB) ClaimMail(ctx context.Context, n int, lease time.Duration) ([]OutboxMail, error) {
	var out []OutboxMail
	err := db.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		now := micros(tx.Now)
		q := `SELECT id, kind, to_addr, subject, body, attempts FROM mail_outbox
			WHERE sent_at = 0 AND failed_at = 0 AND next_at <= $1 AND claimed_until <= $1 ORDER BY next_at, id LIMIT $2`
		if db.Engine == Postgres {
			q += " FOR UPDATE SKIP LOCKED" // instances share the queue without waiting on each other
		}
		rows, err := tx.Query(ctx, q, now, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m OutboxMail
			if err := rows.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Text, &m.Attempts); err != nil {
				return err
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		until := micros(tx.Now.Add(lease))
		for _, m := range out {
			if _, err := tx.Exec(ctx, "UPDATE mail_outbox SET claimed_until = $1 WHERE id = $2", until, m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// MailSent records that a claimed message was accepted by the mail server.
func (db *DB) MailSent(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = '' WHERE id = $2", micros(tx.Now), id)
		return err
	})
}

// MailFailed records a failed attempt: the message is due again at next,
// or, when final, given up (it stays in the table with its last error for
// the operator to see).
func (db *DB) MailFailed(ctx context.Context, id int64, cause error, next time.Time, final bool) error {
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return db.InTx(ctx, func(tx *Tx) error {
		failed := int64(0)
		if final {
			failed = micros(tx.Now)
		}
		_, err := tx.Exec(ctx, "UPDATE mail_outbox SET attempts = attempts + 1, next_at = $1, claimed_until = 0, failed_at = $2, last_error = $3 WHERE id = $4",
			micros(next), failed, msg, id)
		return err
	})
}

// MailCounts are the outbox's messages by state.
type MailCounts struct {
	Queued, Sent, Failed int64
}

// OutboxCounts counts the outbox's messages by state (operations' view).
func (db *DB) OutboxCounts(ctx context.Context) (MailCounts, error) {
	var c MailCounts
	err := db.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN sent_at = 0 AND failed_at = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed_at > 0 THEN 1 ELSE 0 END), 0) FROM mail_outbox`).Scan(&c.Queued, &c.Sent, &c.Failed)
	return c, err
}
