package store

import (
	"context"
	"database/sql"
	"errors"
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

// PasswordResetTTL is how long a password reset link works.
const PasswordResetTTL = time.Hour

// maxResetMails bounds the reset mails one address is sent per
// PasswordResetTTL, so the form cannot be used to flood a mailbox.
const maxResetMails = 3

// RequestPasswordReset records a reset token (only its hash) for the
// active user with that email and queues the mail compose makes, in one
// transaction. An unknown or inactive address, or one sent too many links
// lately, gets nothing and the same nil answer: the reply tells no one
// which addresses exist. queued says whether a mail was queued (for logs
// and tests).
func (db *DB) RequestPasswordReset(ctx context.Context, email, tokenHash string, compose func(u niaga.User, expires time.Time) niaga.Mail) (queued bool, err error) {
	email = niaga.NormalizeEmail(email)
	err = db.InTx(ctx, func(tx *Tx) error {
		var u niaga.User
		err := scanUser(tx.QueryRow(ctx, "SELECT "+userCols+" FROM users WHERE email = $1 AND active", email), &u)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var recent int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2",
			u.ID, micros(tx.Now.Add(-PasswordResetTTL))).Scan(&recent); err != nil {
			return err
		}
		if recent >= maxResetMails {
			return nil
		}
		expires := tx.Now.Add(PasswordResetTTL)
		if _, err := tx.Exec(ctx, "INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES ($1,$2,$3,$4)",
			tokenHash, u.ID, micros(tx.Now), micros(expires)); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, "password_reset", compose(u, expires)); err != nil {
			return err
		}
		queued = true
		return tx.Audit(nil, "user.password_reset_requested", "user", u.ID, nil, nil)
	})
	return queued, err
}

// ResetPassword sets a new password hash for the user of a reset token,
// once and before the token expires, revoking every session and API token
// of the user as SetPassword does.
func (db *DB) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var expires, used int64
		err := tx.QueryRow(ctx, "SELECT user_id, expires_at, used_at FROM password_resets WHERE hash = $1", tokenHash).Scan(&id, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (used != 0 || expires <= micros(tx.Now))) {
			return niaga.Invalid("token", "the link is unknown, already used or expired; ask for a new one")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = $1 WHERE hash = $2", micros(tx.Now), tokenHash); err != nil {
			return err
		}
		// Other links of the same user stop working too: one reset ends them all.
		if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at = 0", micros(tx.Now), id); err != nil {
			return err
		}
		var email string
		if err := tx.QueryRow(ctx, "SELECT email FROM users WHERE id = $1 AND active", id).Scan(&email); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return niaga.Invalid("token", "the link is unknown, already used or expired; ask for a new one")
			}
			return err
		}
		return tx.setPassword(ctx, nil, id, email, passwordHash, "user.password_reset")
	})
	return id, err
}
