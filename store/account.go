package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"niaga"
)

// CreateOrganization adds an organization.
func (db *DB) CreateOrganization(ctx context.Context, actor *niaga.Actor, o *niaga.Organization) error {
	var c niaga.Check
	c.Text("name", o.Name, niaga.RangeName)
	c.OneOf("kind", string(o.Kind), niaga.EnumOrgKind)
	_, ok := niaga.ProvinceByCode(o.Province)
	c.Require(ok, "province", "unknown province code")
	if err := c.Err(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		o.Created = tx.Now.Unix()
		id, err := tx.InsertID(ctx, "INSERT INTO organizations (name, kind, province, verified, created_at) VALUES ($1,$2,$3,$4,$5)",
			o.Name, o.Kind, o.Province, o.Verified, o.Created)
		if err != nil {
			return err
		}
		o.ID = id
		return tx.Audit(actor, "organization.create", "organization", id, nil, o)
	})
}

// VerifyOrganization marks an organization verified (or not).
func (db *DB) VerifyOrganization(ctx context.Context, actor *niaga.Actor, id int64, verified bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE organizations SET verified = $1 WHERE id = $2", verified, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return niaga.Errorf(niaga.CodeNotFound, "organization %d not found", id)
		}
		return tx.Audit(actor, "organization.verify", "organization", id, nil, map[string]bool{"verified": verified})
	})
}

const orgCols = "id, name, kind, province, verified, created_at"

func scanOrg(s interface{ Scan(...any) error }, o *niaga.Organization) error {
	return s.Scan(&o.ID, &o.Name, &o.Kind, &o.Province, &o.Verified, &o.Created)
}

// Organization returns one organization.
func (db *DB) Organization(ctx context.Context, id int64) (niaga.Organization, error) {
	var o niaga.Organization
	err := scanOrg(db.queryRow(ctx, "SELECT "+orgCols+" FROM organizations WHERE id = $1", id), &o)
	return o, db.classify(err)
}

// Organizations lists organizations, optionally of one kind.
func (db *DB) Organizations(ctx context.Context, kind niaga.OrgKind) ([]niaga.Organization, error) {
	rows, err := db.query(ctx, "SELECT "+orgCols+" FROM organizations WHERE ($1 = '' OR kind = $1) ORDER BY id", string(kind))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Organization{}
	for rows.Next() {
		var o niaga.Organization
		if err := scanOrg(rows, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, db.classify(rows.Err())
}

// NewUser is the input for CreateUser; PasswordHash is already hashed.
type NewUser struct {
	Email, Name, PasswordHash, Lang string
	Role                            niaga.Role
	OrgID                           int64
}

// CreateUser adds a user to an organization. Staff vouch for the address
// of a user they add: it counts as confirmed.
func (db *DB) CreateUser(ctx context.Context, actor *niaga.Actor, u NewUser) (niaga.User, error) {
	if err := u.check(); err != nil {
		return niaga.User{}, err
	}
	var out niaga.User
	err := db.InTx(ctx, func(tx *Tx) error {
		var exists int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM organizations WHERE id = $1", u.OrgID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return niaga.Invalid("org_id", "organization does not exist")
		}
		var err error
		out, err = tx.insertUser(ctx, actor, u, "", true)
		return err
	})
	return out, err
}

// check normalizes and checks a new user.
func (u *NewUser) check() error {
	u.Email = niaga.NormalizeEmail(u.Email)
	if u.Lang == "" {
		u.Lang = "id"
	}
	var c niaga.Check
	c.Require(strings.Contains(u.Email, "@") && len(u.Email) <= 200 && !strings.ContainsAny(u.Email, " \r\n<>,"), "email", "must be an email address")
	c.Text("name", u.Name, niaga.RangeName)
	c.Require(u.Role.Valid(), "role", "unknown role")
	c.OneOf("lang", u.Lang, niaga.EnumLang)
	c.Require(u.OrgID > 0, "org_id", "required")
	return c.Err()
}

// insertUser writes a checked new user; an address already registered is
// a conflict on the email field.
func (tx *Tx) insertUser(ctx context.Context, actor *niaga.Actor, u NewUser, phone string, confirmed bool) (niaga.User, error) {
	var confirmedAt int64
	if confirmed {
		confirmedAt = tx.Now.Unix()
	}
	out := niaga.User{Email: u.Email, Name: u.Name, Role: u.Role, OrgID: u.OrgID, Lang: u.Lang, Active: true}
	id, err := tx.InsertID(ctx, "INSERT INTO users (email, name, password_hash, role, org_id, lang, created_at, phone, email_confirmed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
		u.Email, u.Name, u.PasswordHash, u.Role, u.OrgID, u.Lang, tx.Now.Unix(), phone, confirmedAt)
	if err != nil {
		if niaga.ErrorCode(err) == niaga.CodeConflict {
			return out, &niaga.Error{Code: niaga.CodeConflict, Message: "email already registered", Fields: []niaga.FieldError{{Field: "email", Reason: "already registered"}}}
		}
		return out, err
	}
	out.ID = id
	return out, tx.Audit(actor, "user.create", "user", id, nil, out)
}

// SetPassword replaces a user's password hash and revokes every session
// and API token of that user (a changed password must shut out whoever
// held the old one), and clears the user's failed sign-in counts.
func (db *DB) SetPassword(ctx context.Context, actor *niaga.Actor, email, hash string) (int64, error) {
	email = niaga.NormalizeEmail(email)
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, "SELECT id FROM users WHERE email = $1", email).Scan(&id); err != nil {
			return db.classify(err)
		}
		return tx.setPassword(ctx, actor, id, email, hash, "user.set_password")
	})
	return id, err
}

// setPassword is the one way a password changes: the new hash, every
// session and API token of the user revoked, failed sign-in counts cleared,
// audited as action.
func (tx *Tx) setPassword(ctx context.Context, actor *niaga.Actor, id int64, email, hash, action string) error {
	if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = $1 WHERE id = $2", hash, id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM tokens WHERE user_id = $1", id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM login_throttle WHERE email = $1", email); err != nil {
		return err
	}
	return tx.Audit(actor, action, "user", id, nil, nil)
}

// SetUserActive deactivates or reactivates a user. A deactivated user can
// do nothing: their sessions and API tokens are deleted here, and
// authentication checks active besides. An admin cannot deactivate
// themselves (there would be no one left to undo it).
func (db *DB) SetUserActive(ctx context.Context, actor *niaga.Actor, id int64, active bool) error {
	if !active && actor != nil && actor.UserID == id {
		return niaga.Invalid("id", "you cannot deactivate yourself")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE users SET active = $1 WHERE id = $2", active, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return niaga.Errorf(niaga.CodeNotFound, "user %d not found", id)
		}
		if !active {
			if _, err := tx.Exec(ctx, "DELETE FROM tokens WHERE user_id = $1", id); err != nil {
				return err
			}
		}
		action := "user.activate"
		if !active {
			action = "user.deactivate"
		}
		return tx.Audit(actor, action, "user", id, nil, map[string]bool{"active": active})
	})
}

const userCols = "id, email, name, role, org_id, lang, active"

func scanUser(s interface{ Scan(...any) error }, u *niaga.User) error {
	return s.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrgID, &u.Lang, &u.Active)
}

// User returns one user.
func (db *DB) User(ctx context.Context, id int64) (niaga.User, error) {
	var u niaga.User
	err := scanUser(db.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = $1", id), &u)
	return u, db.classify(err)
}

// Users lists users, of one organization when orgID > 0.
func (db *DB) Users(ctx context.Context, orgID int64) ([]niaga.User, error) {
	rows, err := db.query(ctx, "SELECT "+userCols+" FROM users WHERE ($1 = 0 OR org_id = $1) ORDER BY id", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.User{}
	for rows.Next() {
		var u niaga.User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, db.classify(rows.Err())
}

// Credentials is what login needs to check a password.
type Credentials struct {
	User         niaga.User
	PasswordHash string
}

// CredentialsByEmail finds a user for login.
func (db *DB) CredentialsByEmail(ctx context.Context, email string) (Credentials, error) {
	var c Credentials
	err := db.queryRow(ctx, "SELECT "+userCols+", password_hash FROM users WHERE email = $1", niaga.NormalizeEmail(email)).
		Scan(&c.User.ID, &c.User.Email, &c.User.Name, &c.User.Role, &c.User.OrgID, &c.User.Lang, &c.User.Active, &c.PasswordHash)
	return c, db.classify(err)
}

// LoginThrottle is the state of failed sign-ins for one (email, source)
// pair: how many failed in a row, and until when further attempts from
// that source for that address are refused unchecked.
type LoginThrottle struct {
	Failures     int
	BlockedUntil time.Time
}

// loginThrottleWindow forgets failures older than this.
const loginThrottleWindow = 24 * time.Hour

// LoginThrottleOf reads the throttle of an (email, source) pair. It is
// shared by every instance, so an attacker cannot outrun it by landing on
// another one.
func (db *DB) LoginThrottleOf(ctx context.Context, email, source string, now time.Time) (LoginThrottle, error) {
	var t LoginThrottle
	var last, until int64
	err := db.queryRow(ctx, "SELECT failures, last_at, blocked_until FROM login_throttle WHERE email = $1 AND source = $2",
		niaga.NormalizeEmail(email), source).Scan(&t.Failures, &last, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return LoginThrottle{}, nil
	}
	if err != nil {
		return t, db.classify(err)
	}
	if now.Sub(fromMicros(last)) > loginThrottleWindow {
		return LoginThrottle{}, nil
	}
	t.BlockedUntil = fromMicros(until)
	return t, nil
}

// LoginFailed counts a failed sign-in for an (email, source) pair, known
// address or not, and blocks that pair for delay(failures) from now
// (zero: not at all). Counts older than a day start over; rows that old
// are swept.
func (db *DB) LoginFailed(ctx context.Context, email, source string, delay func(failures int) time.Duration) (LoginThrottle, error) {
	email = niaga.NormalizeEmail(email)
	var t LoginThrottle
	err := db.InTx(ctx, func(tx *Tx) error {
		now := micros(tx.Now)
		cutoff := micros(tx.Now.Add(-loginThrottleWindow))
		if err := tx.QueryRow(ctx, `INSERT INTO login_throttle (email, source, failures, last_at) VALUES ($1, $2, 1, $3)
			ON CONFLICT (email, source) DO UPDATE SET
				failures = CASE WHEN login_throttle.last_at < $4 THEN 1 ELSE login_throttle.failures + 1 END,
				last_at = $3
			RETURNING failures`, email, source, now, cutoff).Scan(&t.Failures); err != nil {
			return err
		}
		if d := delay(t.Failures); d > 0 {
			t.BlockedUntil = tx.Now.Add(d)
		}
		if _, err := tx.Exec(ctx, "UPDATE login_throttle SET blocked_until = $1 WHERE email = $2 AND source = $3",
			micros(t.BlockedUntil), email, source); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM login_throttle WHERE last_at < $1", cutoff)
		return err
	})
	return t, err
}

// LoginSucceeded clears the failures of an (email, source) pair.
func (db *DB) LoginSucceeded(ctx context.Context, email, source string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM login_throttle WHERE email = $1 AND source = $2", niaga.NormalizeEmail(email), source)
		return err
	})
}

// Token is a stored session or API token (only its hash is kept).
type Token struct {
	Hash      string
	UserID    int64
	Kind      string // TokenSession or TokenAPI
	Name      string
	ExpiresAt time.Time
}

// Token kinds: a sign-in's session, or an API token made by its user.
const (
	TokenSession = "session"
	TokenAPI     = "api"
)

// EnumTokenKind is the token kinds.
var EnumTokenKind = niaga.NewEnum("token_kind", TokenSession, TokenAPI)

// CreateToken stores a token hash for a user.
func (db *DB) CreateToken(ctx context.Context, t Token) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO tokens (hash, user_id, kind, name, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)",
			t.Hash, t.UserID, t.Kind, t.Name, micros(tx.Now), micros(t.ExpiresAt))
		return err
	})
}

// tokenIDHex is how many hex digits of a token's SHA-256 make its public
// id: 52 bits, an integer exact in JSON numbers, that names the token
// without revealing it.
const tokenIDHex = 13

// TokenID is the public id of a token, from its stored hash.
func TokenID(hash string) int64 {
	if len(hash) < tokenIDHex {
		return 0
	}
	id, _ := strconv.ParseInt(hash[:tokenIDHex], 16, 64)
	return id
}

// TokenInfo describes a stored token to its owner, never the secret.
type TokenInfo struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind" enum:"token_kind" doc:"session: a sign-in (cookie or login token); api: an API token."`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Current   bool      `json:"current"` // the token of this request
}

// Tokens lists a user's unexpired sessions and API tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64, now time.Time) ([]TokenInfo, error) {
	rows, err := db.query(ctx, "SELECT hash, kind, name, created_at, expires_at FROM tokens WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, hash",
		userID, micros(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TokenInfo{}
	for rows.Next() {
		var t TokenInfo
		var hash string
		var created, expires int64
		if err := rows.Scan(&hash, &t.Kind, &t.Name, &created, &expires); err != nil {
			return nil, err
		}
		t.ID = TokenID(hash)
		t.CreatedAt, t.ExpiresAt = fromMicros(created), fromMicros(expires)
		out = append(out, t)
	}
	return out, db.classify(rows.Err())
}

// RevokeToken deletes one of the user's tokens by its public id; another
// user's token, or none, is not found.
func (db *DB) RevokeToken(ctx context.Context, userID int64, id int64) error {
	if id <= 0 || id >= 1<<(4*tokenIDHex) {
		return niaga.Errorf(niaga.CodeNotFound, "no such token")
	}
	prefix := fmt.Sprintf("%0*x", tokenIDHex, id)
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM tokens WHERE user_id = $1 AND hash >= $2 AND hash < $3", userID, prefix, prefix+"g")
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return niaga.Errorf(niaga.CodeNotFound, "no such token")
		}
		return nil
	})
}

// DeleteToken removes a token (logout).
func (db *DB) DeleteToken(ctx context.Context, hash string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM tokens WHERE hash = $1", hash)
		return err
	})
}

// ActorByToken resolves a token hash of the given kind ("" for any) to its active,
// unexpired user.
func (db *DB) ActorByToken(ctx context.Context, hash, kind string, now time.Time) (*niaga.Actor, error) {
	var a niaga.Actor
	err := db.queryRow(ctx, `SELECT u.id, u.org_id, u.role, u.name FROM tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND ($2 = '' OR t.kind = $2) AND t.expires_at > $3 AND u.active`, hash, kind, micros(now)).Scan(&a.UserID, &a.OrgID, &a.Role, &a.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, niaga.Errorf(niaga.CodeUnauthorized, "invalid or expired credentials")
	}
	if err != nil {
		return nil, db.classify(err)
	}
	return &a, nil
}

// SeedCommodities inserts the built-in commodities that are missing.
func (db *DB) SeedCommodities(ctx context.Context) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, c := range niaga.SeedCommodities {
			if _, err := tx.Exec(ctx, "INSERT INTO commodities (code, name_id, name_en, unit, grades) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (code) DO NOTHING",
				c.Code, c.NameID, c.NameEN, c.Unit, strings.Join(c.Grades, "|")); err != nil {
				return err
			}
		}
		return nil
	})
}

// Commodities lists the commodities.
func (db *DB) Commodities(ctx context.Context) ([]niaga.Commodity, error) {
	rows, err := db.query(ctx, "SELECT code, name_id, name_en, unit, grades FROM commodities ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Commodity{}
	for rows.Next() {
		var c niaga.Commodity
		var g string
		if err := rows.Scan(&c.Code, &c.NameID, &c.NameEN, &c.Unit, &g); err != nil {
			return nil, err
		}
		c.Grades = strings.Split(g, "|")
		out = append(out, c)
	}
	return out, db.classify(rows.Err())
}

// Commodity returns one commodity.
func (db *DB) Commodity(ctx context.Context, code string) (niaga.Commodity, error) {
	var c niaga.Commodity
	var g string
	err := db.queryRow(ctx, "SELECT code, name_id, name_en, unit, grades FROM commodities WHERE code = $1", code).Scan(&c.Code, &c.NameID, &c.NameEN, &c.Unit, &g)
	if err != nil {
		return c, db.classify(err)
	}
	c.Grades = strings.Split(g, "|")
	return c, nil
}
