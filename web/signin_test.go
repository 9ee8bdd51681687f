package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/demo"
	"niaga/store"
	"niaga/store/storetest"
	"niaga/web"
)

// newProxiedEnv is newEnv behind a trusted proxy on loopback: the test
// client plays the proxy and names the client in X-Forwarded-For.
func newProxiedEnv(t *testing.T, eng store.Engine) *env {
	t.Helper()
	db := storetest.Open(t, eng)
	data, err := demo.Seed(context.Background(), db, time.Now())
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	trusted, err := web.ParseTrustedProxies("127.0.0.1/32, ::1")
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: trusted})
	ts, conf := serve(t, srv)
	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
	})
	return &env{t: t, URL: ts.URL, DB: db, Srv: srv, Data: data, tokens: map[string]string{}, conf: conf}
}

// attempt is one sign-in as seen by the client: what a stranger could
// compare between a known and an unknown address.
type attempt struct {
	Status     int
	Code       niaga.Code
	Detail     string
	RetryAfter string
}

func (e *env) login(from, email, password string) (attempt, web.LoginOutput) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	var hdr []string
	if from != "" {
		hdr = []string{"X-Forwarded-For", from}
	}
	res, b := e.raw("POST", "/api/v1/auth/login", "", "application/json", body, hdr...)
	a := attempt{Status: res.StatusCode, RetryAfter: res.Header.Get("Retry-After")}
	var out web.LoginOutput
	if res.StatusCode == 200 {
		if err := json.Unmarshal(b, &out); err != nil {
			e.t.Fatal(err)
		}
		return a, out
	}
	var p web.Problem
	if err := json.Unmarshal(b, &p); err != nil {
		e.t.Fatalf("login: %d %s", res.StatusCode, b)
	}
	a.Code, a.Detail = p.Code, p.Detail
	return a, out
}

// TestSignInNoLockout: a stranger's failures from one address slow that
// address down with growing delays (429 + Retry-After) and never block the
// owner signing in with the right password from another address.
func TestSignInNoLockout(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			e := newProxiedEnv(t, eng)
			const victim, attacker, home = "kopi@niaga.id", "198.51.100.7", "203.0.113.9"
			var seq []attempt
			for range 12 {
				a, _ := e.login(attacker, victim, "bad-password")
				seq = append(seq, a)
			}
			for i, a := range seq {
				want := http.StatusTooManyRequests
				if i < auth.FreeFailures {
					want = http.StatusUnauthorized
				}
				if a.Status != want {
					t.Fatalf("attacker attempt %d: %+v, want status %d (all: %+v)", i+1, a, want, seq)
				}
				if want == http.StatusTooManyRequests && (a.Code != niaga.CodeRateLimited || a.RetryAfter == "") {
					t.Fatalf("attacker attempt %d: %+v, want rate_limited with Retry-After", i+1, a)
				}
			}
			// The owner, from home, with the right password: in.
			if a, out := e.login(home, victim, demo.Password); a.Status != 200 || out.Token == "" {
				t.Fatalf("owner locked out by a stranger: %+v", a)
			}
			// Even the right password from the attacker's address waits.
			if a, _ := e.login(attacker, victim, demo.Password); a.Status != http.StatusTooManyRequests {
				t.Fatalf("attacker's address not throttled: %+v", a)
			}
			// The delay grows: wait it out, fail once more, wait longer.
			first, _ := strconv.Atoi(seq[len(seq)-1].RetryAfter)
			if first < 1 {
				t.Fatalf("Retry-After %q", seq[len(seq)-1].RetryAfter)
			}
			time.Sleep(time.Duration(first)*time.Second + 100*time.Millisecond)
			if a, _ := e.login(attacker, victim, "bad-password"); a.Status != http.StatusUnauthorized {
				t.Fatalf("after the delay: %+v", a)
			}
			a, _ := e.login(attacker, victim, "bad-password")
			second, _ := strconv.Atoi(a.RetryAfter)
			if a.Status != http.StatusTooManyRequests || second <= first {
				t.Fatalf("delay does not grow: first %d s, then %+v", first, a)
			}
		})
	}
}

// TestSignInAlike: an unknown address gets exactly the answers a known one
// does, attempt by attempt, throttle included; and the address is
// normalized once, so case and spaces neither dodge the throttle nor stop
// the owner.
func TestSignInAlike(t *testing.T) {
	e := newProxiedEnv(t, "sqlite")
	var known, unknown []attempt
	for range auth.FreeFailures + 2 {
		a, _ := e.login("198.51.100.20", "kopi@niaga.id", "bad-password")
		known = append(known, a)
		a, _ = e.login("198.51.100.21", "nobody-here@niaga.id", "bad-password")
		unknown = append(unknown, a)
	}
	if fmt.Sprint(known) != fmt.Sprint(unknown) {
		t.Fatalf("known and unknown addresses answered differently:\n known   %+v\n unknown %+v", known, unknown)
	}
	if known[len(known)-1].Status != http.StatusTooManyRequests {
		t.Fatalf("no throttle: %+v", known)
	}

	// Variants of one address count as one.
	variants := []string{"tani@niaga.id", " tani@niaga.id", "TANI@niaga.id", "tani@niaga.id\t", " Tani@Niaga.Id ", "tani@NIAGA.id  ", "\ttani@niaga.id"}
	var got []attempt
	for _, v := range variants {
		a, _ := e.login("198.51.100.30", v, "bad-password")
		got = append(got, a)
	}
	if got[auth.FreeFailures].Status != http.StatusTooManyRequests {
		t.Fatalf("case and spaces dodge the throttle: %+v", got)
	}
	if a, _ := e.login("198.51.100.31", "  PENJUAL@niaga.id ", demo.Password); a.Status != 200 {
		t.Fatalf("owner typing spaces and capitals: %+v", a)
	}
}

// TestTrustedProxies: X-Forwarded-For is believed only from a trusted
// peer. Directly connected, a client cannot pick its own address.
func TestTrustedProxies(t *testing.T) {
	e := newEnv(t, "sqlite") // no trusted proxies: the test client is the client
	for i := range auth.FreeFailures {
		a, _ := e.login(fmt.Sprintf("192.0.2.%d", i+1), "tani@niaga.id", "bad-password")
		if a.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %+v", i, a)
		}
	}
	if a, _ := e.login("192.0.2.99", "tani@niaga.id", "bad-password"); a.Status != http.StatusTooManyRequests {
		t.Fatalf("spoofed X-Forwarded-For from an untrusted peer was believed: %+v", a)
	}

	p := newProxiedEnv(t, "sqlite")
	for range auth.FreeFailures {
		p.login("198.51.100.50, 192.0.2.1", "tani@niaga.id", "bad-password") // a client-written hop left of the real one
	}
	// The client address is the rightmost untrusted hop: 192.0.2.1 is now
	// throttled whatever it writes on the left, and 192.0.2.2 is not.
	if a, _ := p.login("203.0.113.1, 192.0.2.1", "tani@niaga.id", demo.Password); a.Status != http.StatusTooManyRequests {
		t.Fatalf("client-written hops were believed: %+v", a)
	}
	if a, _ := p.login("192.0.2.1, 192.0.2.2, 127.0.0.1", "tani@niaga.id", demo.Password); a.Status != 200 {
		t.Fatalf("trusted hops are not skipped: %+v", a)
	}
	if _, err := web.ParseTrustedProxies("10.0.0.0/8 192.0.2.10,::1"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0.1/8/2"} {
		if _, err := web.ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
}

// TestSignInRedirectBypasses: next= on /signin leads only to a path on
// this site; every known open-redirect trick falls back to "/".
func TestSignInRedirectBypasses(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token("pembeli@niaga.id")
	bypasses := []string{
		"//evil.example", "///evil.example", "////evil.example", "/\\evil.example", "\\/evil.example", "\\\\evil.example",
		"/%2F%2Fevil.example", "/%2f/evil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%5C%5Cevil.example",
		"/\t/evil.example", "/%09/evil.example", "/\r\n/evil.example", "/%0d%0a/evil.example", "/\n/evil.example",
		"/%0a/evil.example", "/ /evil.example", "/%20/evil.example", "\t//evil.example", " //evil.example",
		"https://evil.example", "http:/evil.example", "https:evil.example", "//evil.example/%2e%2e", "javascript:alert(1)",
		"JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example", "@evil.example", "/\\/evil.example", "//\\evil.example",
		"/%E3%80%80/evil.example", "/\u3000/evil.example", "/\x00/evil.example", "/%00/evil.example", "/%ZZ",
		"\x7f//evil.example", "http://niaga.example@evil.example", "//niaga.example@evil.example",
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	location := func(next string) string {
		req, _ := http.NewRequest("GET", e.URL+"/signin?next="+url.QueryEscape(next), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := client.Do(req)
		if err != nil {
			return err.Error() // e.g. a Location with a control character
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("next=%q: status %d", next, res.StatusCode)
		}
		return res.Header.Get("Location")
	}
	for _, next := range bypasses {
		if loc := location(next); loc != "/" {
			t.Errorf("next=%q redirects to %q, want /", next, loc)
		}
	}
	for _, next := range []string{"/missions/3", "/auctions?status=open", "/admin/users"} {
		if loc := location(next); loc != next {
			t.Errorf("next=%q redirects to %q", next, loc)
		}
	}
	// The sign-in form's hidden next field goes through the same check.
	form := url.Values{"email": {"tani@niaga.id"}, "password": {demo.Password}, "next": {"/%09/evil.example"}}
	res, err := client.PostForm(e.URL+"/signin", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/" {
		t.Fatalf("sign-in form: %d to %q", res.StatusCode, loc)
	}
}

// TestTokensListRevoke: a user lists their sessions and tokens (no secret
// in sight) and revokes one; another user's token is not found.
func TestTokensListRevoke(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		_, s1 := e.login("", "tani@niaga.id", demo.Password)
		_, s2 := e.login("", "tani@niaga.id", demo.Password)
		var api web.TokenOutput
		e.call("POST", "/api/v1/tokens", s1.Token, map[string]string{"name": "script"}, 201, &api)
		var list []store.TokenInfo
		b := e.call("GET", "/api/v1/tokens", s2.Token, nil, 200, &list)
		if len(list) != 3 {
			t.Fatalf("tokens %s", b)
		}
		for _, secret := range []string{s1.Token, s2.Token, api.Token, auth.HashToken(api.Token)[:20]} {
			if strings.Contains(string(b), secret) {
				t.Fatalf("token list shows a secret: %s", b)
			}
		}
		current, named := 0, ""
		for _, ti := range list {
			if ti.Current {
				current++
				if ti.ID != web.TokenID(s2.Token) {
					t.Errorf("current is %d, want %d", ti.ID, web.TokenID(s2.Token))
				}
			}
			if ti.Kind == "api" {
				named = ti.Name
			}
		}
		if current != 1 || named != "script" {
			t.Fatalf("tokens %s", b)
		}
		// Another user cannot see or revoke them.
		other := e.token("kopi@niaga.id")
		var theirs []store.TokenInfo
		e.call("GET", "/api/v1/tokens", other, nil, 200, &theirs)
		for _, ti := range theirs {
			if ti.ID == web.TokenID(api.Token) {
				t.Fatal("another user lists my token")
			}
		}
		e.problem("DELETE", fmt.Sprintf("/api/v1/tokens/%d", web.TokenID(api.Token)), other, nil, 404, "not_found")
		e.call("GET", "/api/v1/me", api.Token, nil, 200, nil)
		e.problem("DELETE", "/api/v1/tokens/nonsense", s2.Token, nil, 400, "invalid")
		e.problem("DELETE", "/api/v1/tokens/4503599627370496", s2.Token, nil, 404, "not_found")
		// The owner revokes it: it stops at once.
		e.call("DELETE", fmt.Sprintf("/api/v1/tokens/%d", web.TokenID(api.Token)), s2.Token, nil, 204, nil)
		e.problem("GET", "/api/v1/me", api.Token, nil, 401, "unauthorized")
		e.call("GET", "/api/v1/me", s1.Token, nil, 200, nil)
		e.problem("DELETE", fmt.Sprintf("/api/v1/tokens/%d", web.TokenID(api.Token)), s2.Token, nil, 404, "not_found")
	})
}

// TestPasswordChangeRevokes: changing or resetting a password ends every
// session and API token of the user; the page-less API change hands the
// caller a fresh session.
func TestPasswordChangeRevokes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		_, s1 := e.login("", "tani@niaga.id", demo.Password)
		_, s2 := e.login("", "tani@niaga.id", demo.Password)
		var api web.TokenOutput
		e.call("POST", "/api/v1/tokens", s1.Token, map[string]string{"name": "script"}, 201, &api)
		e.call("GET", "/api/v1/me", api.Token, nil, 200, nil) // cached now

		e.problem("POST", "/api/v1/me/password", s1.Token, map[string]string{"current_password": "wrong-one", "new_password": "sandi-baru-panjang"}, 400, "invalid")
		var fresh web.LoginOutput
		e.call("POST", "/api/v1/me/password", s1.Token, map[string]string{"current_password": demo.Password, "new_password": "sandi-baru-panjang"}, 200, &fresh)
		for _, tok := range []string{s1.Token, s2.Token, api.Token} {
			e.problem("GET", "/api/v1/me", tok, nil, 401, "unauthorized")
		}
		e.call("GET", "/api/v1/me", fresh.Token, nil, 200, nil)
		if a, _ := e.login("", "tani@niaga.id", demo.Password); a.Status != 401 {
			t.Fatalf("old password still works: %+v", a)
		}

		// An admin's reset does the same.
		var api2 web.TokenOutput
		e.call("POST", "/api/v1/tokens", fresh.Token, map[string]string{"name": "script 2"}, 201, &api2)
		admin := e.token(demo.Admin)
		id := e.Data.Users["tani@niaga.id"].ID
		e.problem("POST", fmt.Sprintf("/api/v1/users/%d/password", id), admin, map[string]string{"password": "short"}, 400, "invalid")
		e.call("POST", fmt.Sprintf("/api/v1/users/%d/password", id), admin, map[string]string{"password": "diatur-admin-123"}, 204, nil)
		e.problem("GET", "/api/v1/me", fresh.Token, nil, 401, "unauthorized")
		e.problem("GET", "/api/v1/me", api2.Token, nil, 401, "unauthorized")
		if a, _ := e.login("", "tani@niaga.id", "diatur-admin-123"); a.Status != 200 {
			t.Fatalf("reset password refused: %+v", a)
		}
		e.problem("POST", fmt.Sprintf("/api/v1/users/%d/password", e.Data.Users[demo.Admin].ID), admin, map[string]string{"password": "diatur-admin-123"}, 400, "invalid")
		e.call("GET", "/api/v1/me", admin, nil, 200, nil)
		e.problem("POST", fmt.Sprintf("/api/v1/users/%d/password", id), e.token("kopi@niaga.id"), map[string]string{"password": "diatur-admin-123"}, 403, "forbidden")

		// The CLI path: store.SetPassword, on the same database.
		_, s3 := e.login("", "tani@niaga.id", "diatur-admin-123")
		var api3 web.TokenOutput
		e.call("POST", "/api/v1/tokens", s3.Token, map[string]string{"name": "cli"}, 201, &api3)
		hash, _ := auth.HashPassword("dari-cli-panjang")
		if _, err := e.DB.SetPassword(context.Background(), nil, " Tani@Niaga.id", hash); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2100 * time.Millisecond) // another process: the auth cache trusts for authTTL
		e.problem("GET", "/api/v1/me", s3.Token, nil, 401, "unauthorized")
		e.problem("GET", "/api/v1/me", api3.Token, nil, 401, "unauthorized")
	})
}

// TestDeactivateUser: a deactivated user can do nothing, at once; an admin
// cannot deactivate themselves; reactivation lets them sign in again.
func TestDeactivateUser(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.token(demo.Admin)
		kopi := e.token("kopi@niaga.id")
		var api web.TokenOutput
		e.call("POST", "/api/v1/tokens", kopi, map[string]string{"name": "script"}, 201, &api)
		e.call("GET", "/api/v1/me", api.Token, nil, 200, nil)
		id := e.Data.Users["kopi@niaga.id"].ID
		path := fmt.Sprintf("/api/v1/users/%d/", id)
		e.problem("POST", path+"deactivate", e.token("jatim@niaga.id"), nil, 403, "forbidden")
		var u niaga.User
		e.call("POST", path+"deactivate", admin, nil, 200, &u)
		if u.Active {
			t.Fatal("still active")
		}
		e.problem("GET", "/api/v1/me", kopi, nil, 401, "unauthorized")
		e.problem("GET", "/api/v1/me", api.Token, nil, 401, "unauthorized")
		if a, _ := e.login("", "kopi@niaga.id", demo.Password); a.Status != 401 {
			t.Fatalf("deactivated user signs in: %+v", a)
		}
		// Still the same answer as any wrong password: nothing to learn.
		if a, _ := e.login("", "kopi@niaga.id", "bad-password"); a.Status != 401 {
			t.Fatalf("%+v", a)
		}
		e.problem("POST", fmt.Sprintf("/api/v1/users/%d/deactivate", e.Data.Users[demo.Admin].ID), admin, nil, 400, "invalid")
		e.problem("POST", "/api/v1/users/987654/deactivate", admin, nil, 404, "not_found")
		e.call("POST", path+"activate", admin, nil, 200, &u)
		if !u.Active {
			t.Fatal("not reactivated")
		}
		if a, _ := e.login("", "kopi@niaga.id", demo.Password); a.Status != 200 {
			t.Fatalf("reactivated user cannot sign in: %+v", a)
		}
	})
}

// TestAccountPage: the account page lists one's sessions and tokens,
// revokes one, and changes the password, which ends every other session
// and token while this browser stays signed in; an admin deactivates a
// user from the users page and the user's browser is signed out at once.
func TestAccountPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	b := e.browser("en")
	b.signIn("tani@niaga.id")
	other := e.token("tani@niaga.id") // a session elsewhere
	var api web.TokenOutput
	e.call("POST", "/api/v1/tokens", other, map[string]string{"name": "script"}, 201, &api)

	p := b.get("/account")
	if p.Status != 200 || p.URL != "/account" || p.ByID(fmt.Sprintf("token-%d", web.TokenID(api.Token))) == nil || tokenRows(p) != 3 {
		t.Fatalf("account page %d at %s: %.2000s", p.Status, p.URL, p.Body)
	}
	if strings.Contains(p.Body, api.Token) || strings.Contains(p.Body, other) {
		t.Fatal("the account page shows a secret")
	}

	// Revoke the API token from the page.
	p = b.post(fmt.Sprintf("/account/tokens/%d/revoke", web.TokenID(api.Token)), url.Values{})
	if p.URL != "/account" || p.Text(".flash") == "" {
		t.Fatalf("revoke: %d at %s", p.Status, p.URL)
	}
	e.problem("GET", "/api/v1/me", api.Token, nil, 401, "unauthorized")
	e.call("GET", "/api/v1/me", other, nil, 200, nil)

	// A wrong current password changes nothing.
	p = b.post("/account/password", url.Values{"current_password": {"bad-password"}, "new_password": {"sandi-baru-panjang"}})
	if p.Status < 400 || p.Status > 499 || p.ByID("e-current_password") == nil || strings.Contains(p.Body, "sandi-baru-panjang") {
		t.Fatalf("wrong current password: %d %s", p.Status, p.Text(".alert"))
	}
	e.call("GET", "/api/v1/me", other, nil, 200, nil)
	p = b.post("/account/password", url.Values{"current_password": {demo.Password}, "new_password": {"sandi-baru-panjang"}})
	if p.URL != "/account" || p.Text(".flash") == "" {
		t.Fatalf("change password: %d at %s: %s", p.Status, p.URL, p.Text(".alert"))
	}
	e.problem("GET", "/api/v1/me", other, nil, 401, "unauthorized")
	if p = b.get("/account"); p.URL != "/account" || tokenRows(p) != 1 {
		t.Fatalf("after the change: %d at %s with %d sessions", p.Status, p.URL, tokenRows(p))
	}

	// An admin deactivates the user: the browser is signed out at once.
	admin := e.browser("en")
	admin.signIn(demo.Admin)
	id := e.Data.Users["tani@niaga.id"].ID
	p = admin.post(fmt.Sprintf("/admin/users/%d/active", id), url.Values{"active": {"false"}})
	if p.URL != "/admin/users" || p.Text(".flash") == "" {
		t.Fatalf("deactivate: %d at %s", p.Status, p.URL)
	}
	if p = b.get("/account"); p.URL != "/signin" {
		t.Fatalf("deactivated user still in: %d at %s", p.Status, p.URL)
	}
	p = admin.post(fmt.Sprintf("/admin/users/%d/active", id), url.Values{"active": {"true"}})
	if p.URL != "/admin/users" {
		t.Fatalf("reactivate: %d at %s", p.Status, p.URL)
	}
	if a, _ := e.login("", "tani@niaga.id", "sandi-baru-panjang"); a.Status != 200 {
		t.Fatalf("reactivated: %+v", a)
	}
}

// tokenRows counts the sessions and tokens listed on the account page.
func tokenRows(p *page) int {
	n := 0
	for _, tr := range p.findAll("tbody tr") {
		if id, ok := hasAttr(tr, "id"); ok && strings.HasPrefix(id, "token-") {
			n++
		}
	}
	return n
}
