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
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Validate checks the login input.
func (in *LoginInput) Validate() error {
	var c niaga.Check
	c.Require(in.Email != "" && len(in.Email) <= 200, "email", "required")
	c.Require(in.Password != "" && len(in.Password) <= 200, "password", "required")
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
	if err := s.db.CreateToken(r.Context(), store.Token{Hash: hash, UserID: u.ID, Kind: "session", ExpiresAt: exp}); err != nil {
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
	Name string `json:"name"`
}

// Validate checks the token name.
func (in *TokenInput) Validate() error {
	var c niaga.Check
	c.Require(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 100, "name", "required, at most 100 characters")
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
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// Validate checks the new password.
func (in *PasswordChangeInput) Validate() error {
	var c niaga.Check
	c.Require(in.Current != "" && len(in.Current) <= 200, "current_password", "required")
	c.Require(len(in.New) >= 10 && len(in.New) <= 200, "new_password", "at least 10 characters")
	return c.Err()
}

// PasswordResetInput is the body of POST /users/{id}/password.
type PasswordResetInput struct {
	Password string `json:"password"`
}

// Validate checks the new password.
func (in *PasswordResetInput) Validate() error {
	var c niaga.Check
	c.Require(len(in.Password) >= 10 && len(in.Password) <= 200, "password", "at least 10 characters")
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
	Name     string     `json:"name"`
	Password string     `json:"password"`
	Role     niaga.Role `json:"role"`
	OrgID    int64      `json:"org_id"`
	Lang     string     `json:"lang,omitempty"`
}

// Validate checks the password; the store checks the rest.
func (in *UserInput) Validate() error {
	var c niaga.Check
	c.Require(len(in.Password) >= 10 && len(in.Password) <= 200, "password", "at least 10 characters")
	return c.Err()
}

// OrganizationInput is the body of POST /organizations.
type OrganizationInput struct {
	Name     string        `json:"name"`
	Kind     niaga.OrgKind `json:"kind"`
	Province string        `json:"province"`
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

func (s *Server) routeAccounts() {
	admin := Only(niaga.RoleAdmin)
	Handle(s, Route{Method: "POST", Path: "/api/v1/auth/login", ID: "login", Summary: "Sign in: returns a token and sets a session cookie", Tag: "auth", Policy: &Public},
		func(c *Call, in *LoginInput) (LoginOutput, error) { return s.Login(c.R, c.W, in.Email, in.Password) })
	Handle(s, Route{Method: "POST", Path: "/api/v1/auth/logout", ID: "logout", Summary: "End the session or revoke the bearer token", Tag: "auth", Policy: &SignedIn, Status: http.StatusNoContent},
		func(c *Call, _ *NoBody) (struct{}, error) { return struct{}{}, s.Logout(c.R, c.W) })
	Handle(s, Route{Method: "GET", Path: "/api/v1/me", ID: "me", Summary: "The signed-in user", Tag: "auth", Policy: &SignedIn},
		func(c *Call, _ *NoBody) (niaga.User, error) { return s.db.User(c, c.Actor.UserID) })
	Handle(s, Route{Method: "POST", Path: "/api/v1/tokens", ID: "createToken", Summary: "Create an API token for the signed-in user", Tag: "auth", Policy: &SignedIn, Status: http.StatusCreated},
		func(c *Call, in *TokenInput) (TokenOutput, error) {
			tok, hash := auth.NewToken("nga_")
			exp := time.Now().Add(apiTokenTTL).UTC()
			err := s.db.CreateToken(c, store.Token{Hash: hash, UserID: c.Actor.UserID, Kind: "api", Name: in.Name, ExpiresAt: exp})
			return TokenOutput{Token: tok, Name: in.Name, ExpiresAt: exp}, err
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/tokens", ID: "listTokens", Summary: "The signed-in user's sessions and API tokens (never their secrets)", Tag: "auth", Policy: &SignedIn},
		func(c *Call, _ *NoBody) ([]store.TokenInfo, error) {
			ts, err := s.db.Tokens(c, c.Actor.UserID, time.Now())
			if cur := requestToken(c.R); cur != "" {
				id := TokenID(cur)
				for i := range ts {
					ts[i].Current = ts[i].ID == id
				}
			}
			return ts, err
		})
	Handle(s, Route{Method: "DELETE", Path: "/api/v1/tokens/{id}", ID: "revokeToken", Summary: "Revoke one of the signed-in user's sessions or API tokens", Tag: "auth", Policy: &SignedIn, Status: http.StatusNoContent},
		func(c *Call, _ *NoBody) (struct{}, error) {
			id, err := c.ID("id")
			if err != nil {
				return struct{}{}, err
			}
			if err := s.db.RevokeToken(c, c.Actor.UserID, id); err != nil {
				return struct{}{}, err
			}
			s.forgetUser(c.Actor.UserID)
			return struct{}{}, nil
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/me/password", ID: "changePassword", Summary: "Change one's password: revokes every session and API token, returns a fresh session", Tag: "auth", Policy: &SignedIn},
		func(c *Call, in *PasswordChangeInput) (LoginOutput, error) {
			return s.ChangePassword(c.R, c.W, c.Actor, in.Current, in.New)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/provinces", ID: "listProvinces", Summary: "The 38 provinces with their time zones", Tag: "registry", Policy: &Public},
		func(c *Call, _ *NoBody) ([]niaga.Province, error) { return niaga.Provinces(), nil })
	Handle(s, Route{Method: "GET", Path: "/api/v1/commodities", ID: "listCommodities", Summary: "Commodities with base units and grades", Tag: "registry", Policy: &Public},
		func(c *Call, _ *NoBody) ([]niaga.Commodity, error) { return s.db.Commodities(c) })
	Handle(s, Route{Method: "GET", Path: "/api/v1/users", ID: "listUsers", Summary: "All users", Tag: "admin", Policy: &admin},
		func(c *Call, _ *NoBody) ([]niaga.User, error) { return s.db.Users(c, 0) })
	Handle(s, Route{Method: "POST", Path: "/api/v1/users", ID: "createUser", Summary: "Add a user to an organization", Tag: "admin", Policy: &admin, Status: http.StatusCreated},
		func(c *Call, in *UserInput) (niaga.User, error) {
			hash, err := auth.HashPassword(in.Password)
			if err != nil {
				return niaga.User{}, err
			}
			return s.db.CreateUser(c, c.Actor, store.NewUser{Email: in.Email, Name: in.Name, PasswordHash: hash, Role: in.Role, OrgID: in.OrgID, Lang: in.Lang})
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/users/{id}/password", ID: "resetPassword", Summary: "Set a user's password: revokes every session and API token of that user", Tag: "admin", Policy: &admin, Status: http.StatusNoContent},
		func(c *Call, in *PasswordResetInput) (struct{}, error) {
			u, err := s.userByID(c)
			if err != nil {
				return struct{}{}, err
			}
			if u.ID == c.Actor.UserID {
				// One's own password changes with the current one (/me/password).
				return struct{}{}, niaga.Invalid("id", "change your own password with /api/v1/me/password")
			}
			return struct{}{}, s.setPassword(c, c.Actor, u.Email, in.Password)
		})
	for _, active := range []bool{false, true} {
		id, path, summary := "deactivateUser", "/deactivate", "Deactivate a user: their sessions and tokens stop working and they cannot sign in"
		if active {
			id, path, summary = "activateUser", "/activate", "Reactivate a deactivated user"
		}
		Handle(s, Route{Method: "POST", Path: "/api/v1/users/{id}" + path, ID: id, Summary: summary, Tag: "admin", Policy: &admin},
			func(c *Call, _ *NoBody) (niaga.User, error) {
				u, err := s.userByID(c)
				if err != nil {
					return u, err
				}
				if err := s.db.SetUserActive(c, c.Actor, u.ID, active); err != nil {
					return u, err
				}
				s.forgetUser(u.ID)
				return s.db.User(c, u.ID)
			})
	}
	Handle(s, Route{Method: "GET", Path: "/api/v1/organizations", ID: "listOrganizations", Summary: "All organizations, optionally of one kind", Tag: "admin", Policy: &admin, Query: []string{"kind"}},
		func(c *Call, _ *NoBody) ([]niaga.Organization, error) {
			return s.db.Organizations(c, niaga.OrgKind(c.R.URL.Query().Get("kind")))
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/organizations", ID: "createOrganization", Summary: "Register an organization", Tag: "admin", Policy: &admin, Status: http.StatusCreated},
		func(c *Call, in *OrganizationInput) (niaga.Organization, error) {
			o := niaga.Organization{Name: in.Name, Kind: in.Kind, Province: in.Province, Verified: in.Verified}
			err := s.db.CreateOrganization(c, c.Actor, &o)
			return o, err
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/organizations/{id}", ID: "getOrganization", Summary: "One organization (admin, or a member of it)", Tag: "admin", Policy: &SignedIn},
		func(c *Call, _ *NoBody) (niaga.Organization, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Organization{}, err
			}
			if !c.Actor.Is(niaga.RoleAdmin) && c.Actor.OrgID != id {
				return niaga.Organization{}, niaga.Errorf(niaga.CodeForbidden, "not your organization")
			}
			return s.db.Organization(c, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/organizations/{id}/verify", ID: "verifyOrganization", Summary: "Mark an organization verified", Tag: "admin", Policy: &admin},
		func(c *Call, in *VerifyInput) (niaga.Organization, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Organization{}, err
			}
			if err := s.db.VerifyOrganization(c, c.Actor, id, in.Verified); err != nil {
				return niaga.Organization{}, err
			}
			return s.db.Organization(c, id)
		})
}
