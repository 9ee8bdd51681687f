package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"niaga"
)

// Links mailed to users (migration 00009, user_links): a random token of
// which only the hash is kept, good once, for one purpose, until it
// expires. Password reset and email confirmation share this one rule.

// Link purposes and lifetimes.
const (
	LinkPasswordReset = "password_reset"
	LinkConfirmEmail  = "confirm_email"

	PasswordResetTTL = time.Hour
	ConfirmEmailTTL  = 7 * 24 * time.Hour
)

// maxLinkMails bounds the links of one purpose one user is sent per hour,
// so a form cannot be used to flood a mailbox.
const maxLinkMails = 3

var errBadLink = niaga.Invalid("token", "the link is unknown, already used or expired; ask for a new one")

// mailLink records a link for the user and queues the mail compose makes,
// unless the user was sent maxLinkMails of them in the last hour; sent
// says whether it was.
func (tx *Tx) mailLink(ctx context.Context, u niaga.User, purpose, hash string, ttl time.Duration,
	compose func(u niaga.User, expires time.Time) niaga.Mail) (sent bool, err error) {
	var recent int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM user_links WHERE user_id = $1 AND purpose = $2 AND created_at > $3",
		u.ID, purpose, micros(tx.Now.Add(-time.Hour))).Scan(&recent); err != nil {
		return false, err
	}
	if recent >= maxLinkMails {
		return false, nil
	}
	expires := tx.Now.Add(ttl)
	if _, err := tx.Exec(ctx, "INSERT INTO user_links (hash, user_id, purpose, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)",
		hash, u.ID, purpose, micros(tx.Now), micros(expires)); err != nil {
		return false, err
	}
	return true, tx.Enqueue(ctx, purpose, compose(u, expires))
}

// useLink spends a link of the purpose and returns its user; every other
// open link of that purpose of the user ends with it.
func (tx *Tx) useLink(ctx context.Context, purpose, hash string) (userID int64, err error) {
	var expires, used int64
	err = tx.QueryRow(ctx, "SELECT user_id, expires_at, used_at FROM user_links WHERE hash = $1 AND purpose = $2", hash, purpose).Scan(&userID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (used != 0 || expires <= micros(tx.Now))) {
		return 0, errBadLink
	}
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, "UPDATE user_links SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at = 0", micros(tx.Now), userID, purpose)
	return userID, err
}

// RequestPasswordReset records a reset link (only its hash) for the active
// user with that email and queues the mail compose makes, in one
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
		if queued, err = tx.mailLink(ctx, u, LinkPasswordReset, tokenHash, PasswordResetTTL, compose); err != nil || !queued {
			return err
		}
		return tx.Audit(nil, "user.password_reset_requested", "user", u.ID, nil, nil)
	})
	return queued, err
}

// ResetPassword sets a new password hash for the user of a reset link,
// once and before it expires, revoking every session and API token of the
// user as SetPassword does.
func (db *DB) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if id, err = tx.useLink(ctx, LinkPasswordReset, tokenHash); err != nil {
			return err
		}
		var email string
		if err := tx.QueryRow(ctx, "SELECT email FROM users WHERE id = $1 AND active", id).Scan(&email); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errBadLink
			}
			return err
		}
		return tx.setPassword(ctx, nil, id, email, passwordHash, "user.password_reset")
	})
	return id, err
}

// ConfirmEmail marks the address of a confirmation link's user confirmed.
func (db *DB) ConfirmEmail(ctx context.Context, tokenHash string) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if id, err = tx.useLink(ctx, LinkConfirmEmail, tokenHash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at = 0", tx.Now.Unix(), id); err != nil {
			return err
		}
		return tx.Audit(nil, "user.email_confirmed", "user", id, nil, nil)
	})
	return id, err
}

// ResendConfirmation mails the signed-in user a new confirmation link, if
// the address is not confirmed yet (and the hourly bound allows).
func (db *DB) ResendConfirmation(ctx context.Context, actor *niaga.Actor, tokenHash string, compose func(u niaga.User, expires time.Time) niaga.Mail) (sent bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		var u niaga.User
		var confirmed int64
		if err := tx.QueryRow(ctx, "SELECT "+userCols+", email_confirmed_at FROM users WHERE id = $1", actor.UserID).Scan(
			&u.ID, &u.Email, &u.Name, &u.Role, &u.OrgID, &u.Lang, &u.Active, &confirmed); err != nil {
			return db.classify(err)
		}
		if confirmed != 0 {
			return niaga.Errorf(niaga.CodeConflict, "the address is already confirmed")
		}
		sent, err = tx.mailLink(ctx, u, LinkConfirmEmail, tokenHash, ConfirmEmailTTL, compose)
		return err
	})
	return sent, err
}
