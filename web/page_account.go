package web

import (
	"net/http"
	"strings"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/store"
)

// homeData is the home page: what the platform is, and for a signed-in
// user the places their role works in.
type homeData struct {
	Tiles []navLink
	Live  []niaga.MissionInfo // missions open now: their boards
}

func (s *Server) pageHome(c *PageCall) error {
	var d homeData
	for _, l := range s.nav(c.Actor, "") {
		if l.Href != "/" {
			d.Tiles = append(d.Tiles, l)
		}
	}
	ms, err := s.db.Missions(c)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Status == niaga.MissionOpen {
			d.Live = append(d.Live, m)
		}
	}
	return c.Render(0, "home", "home.title", d)
}

type signInData struct {
	Next string
}

func (s *Server) pageSignIn(c *PageCall) error {
	next := localPath(c.R.URL.Query().Get("next"))
	if c.Actor != nil {
		return c.Redirect(next, "")
	}
	return c.Render(0, "signin", "signin.title", signInData{Next: next})
}

func (s *Server) pageSignInPost(c *PageCall) error {
	email := niaga.NormalizeEmail(c.R.PostFormValue("email"))
	password := c.R.PostFormValue("password")
	next := localPath(c.R.PostFormValue("next"))
	var check niaga.Check
	check.Require(email != "", "email", "required")
	check.Require(password != "", "password", "required")
	err := check.Err()
	var out LoginOutput
	if err == nil {
		out, err = s.Login(c.R, c.W, email, password)
	}
	if err != nil {
		c.Fail(err)
		c.R.PostForm.Del("password") // never echo a password back
		return c.Render(StatusOf(niaga.ErrorCode(err)), "signin", "signin.title", signInData{Next: next})
	}
	// The user's saved language applies unless they chose one on this device.
	if _, err := c.R.Cookie(langCookie); err != nil && (out.User.Lang == "id" || out.User.Lang == "en") {
		s.setLang(c.W, out.User.Lang)
	}
	return c.Redirect(next, "flash.signed_in")
}

func (s *Server) pageSignOut(c *PageCall) error {
	if err := s.Logout(c.R, c.W); err != nil {
		return err
	}
	return c.Redirect("/", "flash.signed_out")
}

// pageLang sets the interface language and goes back to the page it was
// chosen on.
func (s *Server) pageLang(c *PageCall) error {
	lang := c.R.PostFormValue("lang")
	if lang != "id" && lang != "en" {
		return niaga.Invalid("lang", "must be id or en")
	}
	s.setLang(c.W, lang)
	return c.Redirect(localPath(c.R.PostFormValue("back")), "")
}

func (s *Server) setLang(w http.ResponseWriter, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

type orgsData struct {
	Orgs      []niaga.Organization
	Kinds     []niaga.OrgKind
	Provinces []niaga.Province
}

func (s *Server) pageOrgs(c *PageCall) error {
	orgs, err := s.db.Organizations(c, "")
	if err != nil {
		return err
	}
	return c.Render(0, "orgs", "orgs.title", orgsData{Orgs: orgs, Kinds: niaga.OrgKinds, Provinces: niaga.Provinces()})
}

func (s *Server) pageOrgCreate(c *PageCall) error {
	f := c.R.PostForm
	o := niaga.Organization{Name: strings.TrimSpace(f.Get("name")), Kind: niaga.OrgKind(f.Get("kind")), Province: f.Get("province"), Verified: f.Get("verified") == "on"}
	if err := s.db.CreateOrganization(c, c.Actor, &o); err != nil {
		c.Fail(err)
		return s.pageOrgs(c)
	}
	return c.Redirect("/admin/organizations", "flash.org_created")
}

func (s *Server) pageOrgVerify(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if err := s.db.VerifyOrganization(c, c.Actor, id, c.R.PostFormValue("verified") == "true"); err != nil {
		return err
	}
	return c.Redirect("/admin/organizations", "flash.saved")
}

type usersData struct {
	Users   []niaga.User
	OrgName map[int64]string
	Orgs    []niaga.Organization
	Roles   []niaga.Role
}

func (s *Server) pageUsers(c *PageCall) error {
	users, err := s.db.Users(c, 0)
	if err != nil {
		return err
	}
	orgs, err := s.db.Organizations(c, "")
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return c.Render(0, "users", "users.title", usersData{Users: users, OrgName: names, Orgs: orgs, Roles: niaga.Roles})
}

func (s *Server) pageUserCreate(c *PageCall) error {
	f := c.R.PostForm
	in := UserInput{Email: f.Get("email"), Name: strings.TrimSpace(f.Get("name")), Password: f.Get("password"), Role: niaga.Role(f.Get("role")), Lang: f.Get("lang")}
	org, err := c.FormInt("org_id")
	if err == nil {
		in.OrgID = org
		err = in.Validate()
	}
	if err == nil {
		var hash string
		if hash, err = auth.HashPassword(in.Password); err == nil {
			_, err = s.db.CreateUser(c, c.Actor, store.NewUser{Email: in.Email, Name: in.Name, PasswordHash: hash, Role: in.Role, OrgID: in.OrgID, Lang: in.Lang})
		}
	}
	if err != nil {
		c.Fail(err)
		c.R.PostForm.Del("password")
		return s.pageUsers(c)
	}
	return c.Redirect("/admin/users", "flash.user_created")
}

// accountData is the signed-in user's own page: their password and their
// sessions and API tokens.
type accountData struct {
	User     niaga.User
	Tokens   []store.TokenInfo
	Province string // for showing times in the user's zone
	Prefs    []niaga.NotificationPref
}

func (s *Server) pageAccount(c *PageCall) error {
	u, err := s.db.User(c, c.Actor.UserID)
	if err != nil {
		return err
	}
	toks, err := s.db.Tokens(c, u.ID, time.Now())
	if err != nil {
		return err
	}
	if cur := requestToken(c.R); cur != "" {
		id := TokenID(cur)
		for i := range toks {
			toks[i].Current = toks[i].ID == id
		}
	}
	prov := "31"
	if o, err := s.db.Organization(c, u.OrgID); err == nil {
		prov = o.Province
	}
	prefs, err := s.db.NotificationPrefs(c, c.Actor)
	if err != nil {
		return err
	}
	return c.Render(0, "account", "account.title", accountData{User: u, Tokens: toks, Province: prov, Prefs: prefs})
}

// pageAccountPassword changes the signed-in user's password: every session
// and token of the user ends, and this browser gets a fresh session.
func (s *Server) pageAccountPassword(c *PageCall) error {
	in := PasswordChangeInput{Current: c.R.PostFormValue("current_password"), New: c.R.PostFormValue("new_password")}
	err := in.Validate()
	if err == nil {
		_, err = s.ChangePassword(c.R, c.W, c.Actor, in.Current, in.New)
	}
	if err != nil {
		c.Fail(err)
		c.R.PostForm.Del("current_password") // never echo a password back
		c.R.PostForm.Del("new_password")
		return s.pageAccount(c)
	}
	return c.Redirect("/account", "flash.password_changed")
}

// pageAccountRevoke ends one of the user's sessions or API tokens.
func (s *Server) pageAccountRevoke(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	current := false
	if cur := requestToken(c.R); cur != "" {
		current = TokenID(cur) == id
	}
	if err := s.db.RevokeToken(c, c.Actor.UserID, id); err != nil {
		return err
	}
	s.forgetUser(c.Actor.UserID)
	if current {
		return c.Redirect("/", "flash.signed_out")
	}
	return c.Redirect("/account", "flash.token_revoked")
}

// pageUserActive deactivates or reactivates a user (admin).
func (s *Server) pageUserActive(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	active := c.R.PostFormValue("active") == "true"
	if err := s.db.SetUserActive(c, c.Actor, id, active); err != nil {
		return err
	}
	s.forgetUser(id)
	if active {
		return c.Redirect("/admin/users", "flash.user_activated")
	}
	return c.Redirect("/admin/users", "flash.user_deactivated")
}
