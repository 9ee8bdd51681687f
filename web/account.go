package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/store"
)

const (
	sessionCookie = "niaga_session"
	sessionTTL    = 12 * time.Hour
	apiTokenTTL   = 90 * 24 * time.Hour
	loginIPEvery  = 6 * time.Second // the per-instance bucket of sign-ins per client address
	maxEmail      = 200
	maxPassword   = 1024
)

// authenticate finds the caller from a bearer token or the session cookie.
// No credentials is the public (nil actor); bad credentials are an error.
func (s *Server) authenticate(r *http.Request) (*niaga.Actor, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" || len(tok) > 200 {
			return nil, niaga.Errorf(niaga.CodeUnauthorized, "Authorization must be a Bearer token")
		}
		return s.actorByToken(r, tok, "")
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && len(c.Value) <= 200 {
		a, err := s.actorByToken(r, c.Value, "session")
		if niaga.ErrorCode(err) == niaga.CodeUnauthorized {
			return nil, nil // a stale cookie is just a signed-out visitor
		}
		return a, err
	}
	return nil, nil
}

// authTTL bounds how long a resolved token is trusted without asking the
// database again. A logout on this instance takes effect at once (the
// entry is dropped); a change made elsewhere — a logout or password change
// on another instance or from the CLI, a deactivated user, an expired
// token, a changed role — takes effect within authTTL.
const authTTL = 2 * time.Second

// maxAuthEntries bounds the cache; past it, expired entries are swept and,
// if that is not enough, the cache starts over.
const maxAuthEntries = 100_000

// authCache maps a token's hash (and the kind asked for) to its actor.
// Only successful lookups are kept.
type authCache struct {
	mu sync.RWMutex
	m  map[authKey]authEntry
}

type authKey struct {
	hash [sha256.Size]byte
	kind string
}

type authEntry struct {
	actor   niaga.Actor
	expires time.Time
}

// authCaches holds each Server's cache (a test process runs many servers).
var authCaches sync.Map // *Server → *authCache

func (s *Server) auth() *authCache {
	if c, ok := authCaches.Load(s); ok {
		return c.(*authCache)
	}
	c, _ := authCaches.LoadOrStore(s, &authCache{m: map[authKey]authEntry{}})
	return c.(*authCache)
}

// actorByToken resolves a token through the cache. Each request gets its
// own copy of the actor.
func (s *Server) actorByToken(r *http.Request, tok, kind string) (*niaga.Actor, error) {
	key := authKey{hash: sha256.Sum256([]byte(tok)), kind: kind}
	c := s.auth()
	now := time.Now()
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if ok && now.Before(e.expires) {
		a := e.actor
		return &a, nil
	}
	a, err := s.db.ActorByToken(r.Context(), hex.EncodeToString(key.hash[:]), kind, now)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxAuthEntries {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxAuthEntries {
			clear(c.m)
		}
	}
	c.m[key] = authEntry{actor: *a, expires: now.Add(authTTL)}
	c.mu.Unlock()
	return a, nil
}

// forget drops a token from the cache (logout).
func (s *Server) forget(tok string) {
	h := sha256.Sum256([]byte(tok))
	c := s.auth()
	c.mu.Lock()
	delete(c.m, authKey{hash: h, kind: ""})
	delete(c.m, authKey{hash: h, kind: "session"})
	c.mu.Unlock()
}

// forgetUser drops every cached token of a user (password changed, user
// deactivated, token revoked): on this instance that takes effect at once,
// on others within authTTL.
func (s *Server) forgetUser(id int64) {
	c := s.auth()
	c.mu.Lock()
	for k, e := range c.m {
		if e.actor.UserID == id {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

// requestToken is the bearer token or session cookie the request came with.
func requestToken(r *http.Request) string {
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return h
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// LoginInput is the body of POST /auth/login.
type LoginInput struct {
	Email    string `json:"email" range:"credential"`
	Password string `json:"password" range:"credential"`
}

// Validate checks the login input.
func (in *LoginInput) Validate() error {
	var c niaga.Check
	c.LenInRange("email", len(in.Email), niaga.RangeCredential)
	c.LenInRange("password", len(in.Password), niaga.RangeCredential)
	return c.Err()
}

// LoginOutput is the answer to a successful login.
type LoginOutput struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expires_at"`
	User      niaga.User `json:"user"`
}

// tooManyAttempts is the answer to a throttled sign-in: the same status and
// message whether the address is known or not, with Retry-After.
func tooManyAttempts(w http.ResponseWriter, wait time.Duration) error {
	secs := int64((wait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	return niaga.Errorf(niaga.CodeRateLimited, "too many sign-in attempts; try again in %d s", secs)
}

// Login checks a password and starts a session; shared by the API and pages.
//
// Failed attempts are throttled per (email, source) in the database, so the
// throttle holds across instances and a stranger's failures never block
// the owner signing in from elsewhere (see auth.ThrottleDelay). Known and
// unknown addresses are treated alike: the same throttle, the same answer,
// a password hash checked either way.
func (s *Server) Login(r *http.Request, w http.ResponseWriter, email, password string) (LoginOutput, error) {
	ctx := r.Context()
	email = niaga.NormalizeEmail(email)
	ip := clientIP(r)
	if !s.loginIP.Allow(ip) {
		return LoginOutput{}, tooManyAttempts(w, loginIPEvery)
	}
	source := auth.SourceKey(ip)
	now := time.Now()
	th, err := s.db.LoginThrottleOf(ctx, email, source, now)
	if err != nil {
		return LoginOutput{}, err
	}
	if now.Before(th.BlockedUntil) {
		return LoginOutput{}, tooManyAttempts(w, th.BlockedUntil.Sub(now))
	}
	bad := niaga.Errorf(niaga.CodeUnauthorized, "wrong email or password")
	if len(email) > maxEmail || len(password) > maxPassword {
		// No account has such an address or password (CreateUser and
		// UserInput refuse them): answer as for a wrong one, store nothing.
		auth.CheckDummy(password[:min(len(password), maxPassword)])
		return LoginOutput{}, bad
	}
	cred, err := s.db.CredentialsByEmail(ctx, email)
	ok := false
	switch niaga.ErrorCode(err) {
	case niaga.CodeNotFound:
		auth.CheckDummy(password)
	case "":
		ok = auth.CheckPassword(cred.PasswordHash, password) && cred.User.Active
	default:
		return LoginOutput{}, err
	}
	if !ok {
		if _, err := s.db.LoginFailed(ctx, email, source, auth.ThrottleDelay); err != nil {
			return LoginOutput{}, err
		}
		return LoginOutput{}, bad
	}
	if th.Failures > 0 {
		if err := s.db.LoginSucceeded(ctx, email, source); err != nil {
			return LoginOutput{}, err
		}
	}
	return s.startSession(r, w, cred.User)
}

// startSession issues a session token for u and sets its cookie.
func (s *Server) startSession(r *http.Request, w http.ResponseWriter, u niaga.User) (LoginOutput, error) {
	tok, hash := auth.NewToken("nga_s_")
	exp := time.Now().Add(sessionTTL).UTC()
	if err := s.db.CreateToken(r.Context(), store.Token{Hash: hash, UserID: u.ID, Kind: store.TokenSession, ExpiresAt: exp}); err != nil {
		return LoginOutput{}, err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: exp, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	return LoginOutput{Token: tok, ExpiresAt: exp, User: u}, nil
}

// Logout ends the session or revokes the bearer token of the request.
func (s *Server) Logout(r *http.Request, w http.ResponseWriter) error {
	tok := requestToken(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	if tok == "" {
		return nil
	}
	s.forget(tok)
	err := s.db.DeleteToken(r.Context(), auth.HashToken(tok))
	s.forget(tok) // a request that raced the delete may have cached it again
	return err
}

// TokenInput names a new API token.
type TokenInput struct {
	Name string `json:"name" range:"token_name" doc:"What the token is for, to recognize it in listTokens."`
}

// Validate checks the token name.
func (in *TokenInput) Validate() error {
	var c niaga.Check
	c.Text("name", in.Name, niaga.RangeTokenName)
	return c.Err()
}

// TokenOutput carries a new token, shown once.
type TokenOutput struct {
	Token     string    `json:"token"`
	Name      string    `json:"name"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PasswordChangeInput is the body of POST /me/password.
type PasswordChangeInput struct {
	Current string `json:"current_password" range:"credential"`
	New     string `json:"new_password" range:"password"`
}

// Validate checks the new password.
func (in *PasswordChangeInput) Validate() error {
	var c niaga.Check
	c.LenInRange("current_password", len(in.Current), niaga.RangeCredential)
	c.LenInRange("new_password", len(in.New), niaga.RangePassword)
	return c.Err()
}

// PasswordResetInput is the body of POST /users/{id}/password.
type PasswordResetInput struct {
	Password string `json:"password" range:"password"`
}

// Validate checks the new password.
func (in *PasswordResetInput) Validate() error {
	var c niaga.Check
	c.LenInRange("password", len(in.Password), niaga.RangePassword)
	return c.Err()
}

// ChangePassword checks the user's current password (a wrong one counts as
// a failed sign-in of that source), sets the new one, which revokes every
// session and API token of the user, and starts a fresh session for the
// caller. Shared by the API and pages.
func (s *Server) ChangePassword(r *http.Request, w http.ResponseWriter, actor *niaga.Actor, current, next string) (LoginOutput, error) {
	ctx := r.Context()
	u, err := s.db.User(ctx, actor.UserID)
	if err != nil {
		return LoginOutput{}, err
	}
	source := auth.SourceKey(clientIP(r))
	now := time.Now()
	th, err := s.db.LoginThrottleOf(ctx, u.Email, source, now)
	if err != nil {
		return LoginOutput{}, err
	}
	if now.Before(th.BlockedUntil) {
		return LoginOutput{}, tooManyAttempts(w, th.BlockedUntil.Sub(now))
	}
	cred, err := s.db.CredentialsByEmail(ctx, u.Email)
	if err != nil {
		return LoginOutput{}, err
	}
	if !auth.CheckPassword(cred.PasswordHash, current) {
		if _, err := s.db.LoginFailed(ctx, u.Email, source, auth.ThrottleDelay); err != nil {
			return LoginOutput{}, err
		}
		return LoginOutput{}, niaga.Invalid("current_password", "wrong password")
	}
	if err := s.setPassword(ctx, actor, u.Email, next); err != nil {
		return LoginOutput{}, err
	}
	return s.startSession(r, w, cred.User)
}

// setPassword hashes and stores a new password; the store revokes every
// session and token of the user, and this instance forgets them at once.
func (s *Server) setPassword(ctx context.Context, actor *niaga.Actor, email, password string) error {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	id, err := s.db.SetPassword(ctx, actor, email, hash)
	if err == nil {
		s.forgetUser(id)
	}
	return err
}

// TokenID is the public id of a token (see store.TokenID).
func TokenID(token string) int64 { return store.TokenID(auth.HashToken(token)) }

// UserInput is the body of POST /users.
type UserInput struct {
	Email    string     `json:"email"`
	Name     string     `json:"name" range:"name"`
	Password string     `json:"password" range:"password"`
	Role     niaga.Role `json:"role"`
	OrgID    int64      `json:"org_id" doc:"The organization the user belongs to."`
	Lang     string     `json:"lang,omitempty" enum:"lang" doc:"The user's language; id by default."`
}

// Validate checks the password; the store checks the rest.
func (in *UserInput) Validate() error {
	var c niaga.Check
	c.LenInRange("password", len(in.Password), niaga.RangePassword)
	return c.Err()
}

// OrganizationInput is the body of POST /organizations.
type OrganizationInput struct {
	Name     string        `json:"name" range:"name"`
	Kind     niaga.OrgKind `json:"kind"`
	Province string        `json:"province" doc:"Province code, e.g. 63 (see listProvinces)."`
	Verified bool          `json:"verified"`
}

// VerifyInput sets an organization's verification.
type VerifyInput struct {
	Verified bool `json:"verified"`
}

// userByID reads the user named by the {id} path parameter.
func (s *Server) userByID(c *Call) (niaga.User, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.User{}, err
	}
	return s.db.User(c, id)
}
