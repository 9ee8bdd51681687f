package web

import (
	"net/http"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/demo"
	"niaga/store"
)

// accountAdmin limits the user and organization registry to the admin.
var accountAdmin = Only(niaga.RoleAdmin)

// accountRoutes is the accounts API: signing in and out, the caller's
// tokens and password, the registries, and the admin's users and
// organizations. Handlers are below; the shared sign-in code is in
// account.go.
func accountRoutes() []endpoint {
	return []endpoint{
		{Route{Method: "POST", Path: "/api/v1/auth/login", ID: "login", Summary: "Sign in: returns a token and sets a session cookie", Tag: "auth", Policy: &Public,
			Doc: "The token is a bearer token for the API (Authorization: Bearer …), valid 12 hours, like the session cookie set with it. A wrong email or password answers 401 alike; " +
				"repeated failures from one source are throttled (429 with Retry-After).",
			Errors:  []niaga.Code{niaga.CodeUnauthorized, niaga.CodeRateLimited},
			Example: LoginInput{Email: demo.Admin, Password: demo.Password}},
			api((*Server).login)},
		{Route{Method: "POST", Path: "/api/v1/auth/logout", ID: "logout", Summary: "End the session or revoke the bearer token", Tag: "auth", Policy: &SignedIn, Status: http.StatusNoContent},
			api((*Server).logout)},
		{Route{Method: "GET", Path: "/api/v1/me", ID: "me", Summary: "The signed-in user", Tag: "auth", Policy: &SignedIn},
			api((*Server).me)},
		{Route{Method: "POST", Path: "/api/v1/tokens", ID: "createToken", Summary: "Create an API token for the signed-in user", Tag: "auth", Policy: &SignedIn, Status: http.StatusCreated,
			Doc:     "The token is shown once, in this answer; it is valid 90 days, until revoked or until the user's password changes.",
			Example: TokenInput{Name: "Integrasi ERP gudang"}},
			api((*Server).createToken)},
		{Route{Method: "GET", Path: "/api/v1/tokens", ID: "listTokens", Summary: "The signed-in user's sessions and API tokens (never their secrets)", Tag: "auth", Policy: &SignedIn},
			api((*Server).listTokens)},
		{Route{Method: "DELETE", Path: "/api/v1/tokens/{id}", ID: "revokeToken", Summary: "Revoke one of the signed-in user's sessions or API tokens", Tag: "auth", Policy: &SignedIn, Status: http.StatusNoContent},
			api((*Server).revokeToken)},
		{Route{Method: "POST", Path: "/api/v1/me/password", ID: "changePassword", Summary: "Change one's password: revokes every session and API token, returns a fresh session", Tag: "auth", Policy: &SignedIn,
			Doc:     "A wrong current password answers 400 naming current_password and counts as a failed sign-in of the source (throttled: 429).",
			Errors:  []niaga.Code{niaga.CodeRateLimited},
			Example: PasswordChangeInput{Current: demo.Password, New: "panen-raya-2026-baru"}},
			api((*Server).changePassword)},
		{Route{Method: "GET", Path: "/api/v1/provinces", ID: "listProvinces", Summary: "The 38 provinces with their time zones", Tag: "registry", Policy: &Public},
			api((*Server).listProvinces)},
		{Route{Method: "GET", Path: "/api/v1/commodities", ID: "listCommodities", Summary: "Commodities with base units and grades", Tag: "registry", Policy: &Public},
			api((*Server).listCommodities)},
		{Route{Method: "GET", Path: "/api/v1/users", ID: "listUsers", Summary: "All users", Tag: "admin", Policy: &accountAdmin},
			api((*Server).listUsers)},
		{Route{Method: "POST", Path: "/api/v1/users", ID: "createUser", Summary: "Add a user to an organization", Tag: "admin", Policy: &accountAdmin, Status: http.StatusCreated,
			Doc:     "An email already registered answers 409 naming email.",
			Errors:  []niaga.Code{niaga.CodeConflict},
			Example: UserInput{Email: "gudang@niaga.id", Name: "Admin Gudang Sinar Tani", Password: "gudang-natar-2026", Role: niaga.RoleBusiness, OrgID: 12, Lang: "id"}},
			api((*Server).createUser)},
		{Route{Method: "POST", Path: "/api/v1/users/{id}/password", ID: "resetPassword", Summary: "Set a user's password: revokes every session and API token of that user", Tag: "admin", Policy: &accountAdmin, Status: http.StatusNoContent,
			Doc:     "Not for one's own password (400): that changes with the current one, changePassword.",
			Example: PasswordResetInput{Password: "sementara-2026-ganti"}},
			api((*Server).resetPassword)},
		{Route{Method: "POST", Path: "/api/v1/users/{id}/deactivate", ID: "deactivateUser", Summary: "Deactivate a user: their sessions and tokens stop working and they cannot sign in", Tag: "admin", Policy: &accountAdmin,
			Doc: "Not oneself (400)."},
			api((*Server).deactivateUser)},
		{Route{Method: "POST", Path: "/api/v1/users/{id}/activate", ID: "activateUser", Summary: "Reactivate a deactivated user", Tag: "admin", Policy: &accountAdmin},
			api((*Server).activateUser)},
		{Route{Method: "GET", Path: "/api/v1/organizations", ID: "listOrganizations", Summary: "All organizations, optionally of one kind", Tag: "admin", Policy: &accountAdmin,
			Query: []Param{{Name: "kind", Enum: "org_kind", Doc: "Only the organizations of this kind."}}},
			api((*Server).listOrganizations)},
		{Route{Method: "POST", Path: "/api/v1/organizations", ID: "createOrganization", Summary: "Register an organization", Tag: "admin", Policy: &accountAdmin, Status: http.StatusCreated,
			Example: OrganizationInput{Name: "PT Banua Niaga Banjarmasin", Kind: niaga.OrgBusiness, Province: "63", Verified: true}},
			api((*Server).createOrganization)},
		{Route{Method: "GET", Path: "/api/v1/organizations/{id}", ID: "getOrganization", Summary: "One organization (admin, or a member of it)", Tag: "admin", Policy: &SignedIn,
			Errors: []niaga.Code{niaga.CodeForbidden}},
			api((*Server).getOrganization)},
		{Route{Method: "POST", Path: "/api/v1/organizations/{id}/verify", ID: "verifyOrganization", Summary: "Mark an organization verified", Tag: "admin", Policy: &accountAdmin,
			Doc: "Only verified business organizations bid.", Example: VerifyInput{Verified: true}},
			api((*Server).verifyOrganization)},
	}
}

// routeAccounts registers the accounts API.
func (s *Server) routeAccounts() { s.handleAll(accountRoutes()) }

// The accounts handlers.

func (s *Server) login(c *Call, in *LoginInput) (LoginOutput, error) {
	return s.Login(c.R, c.W, in.Email, in.Password)
}

func (s *Server) logout(c *Call, _ *NoBody) (struct{}, error) { return struct{}{}, s.Logout(c.R, c.W) }

func (s *Server) me(c *Call, _ *NoBody) (niaga.User, error) { return s.db.User(c, c.Actor.UserID) }

func (s *Server) createToken(c *Call, in *TokenInput) (TokenOutput, error) {
	tok, hash := auth.NewToken("nga_")
	exp := time.Now().Add(apiTokenTTL).UTC()
	err := s.db.CreateToken(c, store.Token{Hash: hash, UserID: c.Actor.UserID, Kind: store.TokenAPI, Name: in.Name, ExpiresAt: exp})
	return TokenOutput{Token: tok, Name: in.Name, ExpiresAt: exp}, err
}

func (s *Server) listTokens(c *Call, _ *NoBody) ([]store.TokenInfo, error) {
	ts, err := s.db.Tokens(c, c.Actor.UserID, time.Now())
	if cur := requestToken(c.R); cur != "" {
		id := TokenID(cur)
		for i := range ts {
			ts[i].Current = ts[i].ID == id
		}
	}
	return ts, err
}

func (s *Server) revokeToken(c *Call, _ *NoBody) (struct{}, error) {
	id, err := c.ID("id")
	if err != nil {
		return struct{}{}, err
	}
	if err := s.db.RevokeToken(c, c.Actor.UserID, id); err != nil {
		return struct{}{}, err
	}
	s.forgetUser(c.Actor.UserID)
	return struct{}{}, nil
}

func (s *Server) changePassword(c *Call, in *PasswordChangeInput) (LoginOutput, error) {
	return s.ChangePassword(c.R, c.W, c.Actor, in.Current, in.New)
}

func (s *Server) listProvinces(c *Call, _ *NoBody) ([]niaga.Province, error) {
	return niaga.Provinces(), nil
}

func (s *Server) listCommodities(c *Call, _ *NoBody) ([]niaga.Commodity, error) {
	return s.db.Commodities(c)
}

func (s *Server) listUsers(c *Call, _ *NoBody) ([]niaga.User, error) { return s.db.Users(c, 0) }

func (s *Server) createUser(c *Call, in *UserInput) (niaga.User, error) {
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return niaga.User{}, err
	}
	return s.db.CreateUser(c, c.Actor, store.NewUser{Email: in.Email, Name: in.Name, PasswordHash: hash, Role: in.Role, OrgID: in.OrgID, Lang: in.Lang})
}

func (s *Server) resetPassword(c *Call, in *PasswordResetInput) (struct{}, error) {
	u, err := s.userByID(c)
	if err != nil {
		return struct{}{}, err
	}
	if u.ID == c.Actor.UserID {
		// One's own password changes with the current one (/me/password).
		return struct{}{}, niaga.Invalid("id", "change your own password with /api/v1/me/password")
	}
	return struct{}{}, s.setPassword(c, c.Actor, u.Email, in.Password)
}

func (s *Server) deactivateUser(c *Call, _ *NoBody) (niaga.User, error) {
	return s.setUserActive(c, false)
}

func (s *Server) activateUser(c *Call, _ *NoBody) (niaga.User, error) {
	return s.setUserActive(c, true)
}

func (s *Server) setUserActive(c *Call, active bool) (niaga.User, error) {
	u, err := s.userByID(c)
	if err != nil {
		return u, err
	}
	if err := s.db.SetUserActive(c, c.Actor, u.ID, active); err != nil {
		return u, err
	}
	s.forgetUser(u.ID)
	return s.db.User(c, u.ID)
}

func (s *Server) listOrganizations(c *Call, _ *NoBody) ([]niaga.Organization, error) {
	return s.db.Organizations(c, niaga.OrgKind(c.R.URL.Query().Get("kind")))
}

func (s *Server) createOrganization(c *Call, in *OrganizationInput) (niaga.Organization, error) {
	o := niaga.Organization{Name: in.Name, Kind: in.Kind, Province: in.Province, Verified: in.Verified}
	err := s.db.CreateOrganization(c, c.Actor, &o)
	return o, err
}

func (s *Server) getOrganization(c *Call, _ *NoBody) (niaga.Organization, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Organization{}, err
	}
	if !c.Actor.Is(niaga.RoleAdmin) && c.Actor.OrgID != id {
		return niaga.Organization{}, niaga.Errorf(niaga.CodeForbidden, "not your organization")
	}
	return s.db.Organization(c, id)
}

func (s *Server) verifyOrganization(c *Call, in *VerifyInput) (niaga.Organization, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Organization{}, err
	}
	if err := s.db.VerifyOrganization(c, c.Actor, id, in.Verified); err != nil {
		return niaga.Organization{}, err
	}
	return s.db.Organization(c, id)
}
