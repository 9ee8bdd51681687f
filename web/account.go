package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
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
	maxLoginFails = 10
	lockoutFor    = 15 * time.Minute
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

// Login checks a password and starts a session; shared by the API and pages.
func (s *Server) Login(r *http.Request, w http.ResponseWriter, email, password string) (LoginOutput, error) {
	ctx := r.Context()
	if !s.loginIP.Allow(clientIP(r)) || !s.loginEmail.Allow(strings.ToLower(email)) {
		return LoginOutput{}, niaga.Errorf(niaga.CodeRateLimited, "too many sign-in attempts; wait a minute")
	}
	bad := niaga.Errorf(niaga.CodeUnauthorized, "wrong email or password")
	cred, err := s.db.CredentialsByEmail(ctx, email)
	if niaga.ErrorCode(err) == niaga.CodeNotFound {
		auth.CheckDummy(password)
		return LoginOutput{}, bad
	}
	if err != nil {
		return LoginOutput{}, err
	}
	if time.Now().Before(cred.LockedUntil) {
		return LoginOutput{}, niaga.Errorf(niaga.CodeRateLimited, "account locked after repeated failures; try again later")
	}
	if !auth.CheckPassword(cred.PasswordHash, password) || !cred.User.Active {
		if _, err := s.db.LoginFailed(ctx, cred.User.ID, maxLoginFails, lockoutFor); err != nil {
			return LoginOutput{}, err
		}
		return LoginOutput{}, bad
	}
	tok, hash := auth.NewToken("nga_s_")
	exp := time.Now().Add(sessionTTL).UTC()
	if err := s.db.CreateToken(ctx, store.Token{Hash: hash, UserID: cred.User.ID, Kind: "session", ExpiresAt: exp}); err != nil {
		return LoginOutput{}, err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: exp, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	return LoginOutput{Token: tok, ExpiresAt: exp, User: cred.User}, nil
}

// Logout ends the session or revokes the bearer token of the request.
func (s *Server) Logout(r *http.Request, w http.ResponseWriter) error {
	tok := ""
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		tok = h
	} else if c, err := r.Cookie(sessionCookie); err == nil {
		tok = c.Value
	}
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
