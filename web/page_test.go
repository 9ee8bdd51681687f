package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"niaga"
	"niaga/demo"
	"niaga/store"
)

// browser is an HTTP client with cookies that follows redirects, like a
// browser without JavaScript.
type browser struct {
	t    *testing.T
	e    *env
	c    *http.Client
	lang string // Accept-Language
}

func (e *env) browser(lang string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, c: &http.Client{Jar: jar}, lang: lang}
}

// page is a fetched HTML page.
type page struct {
	t      *testing.T
	Status int
	URL    string
	Body   string
	doc    *html.Node
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		b.t.Fatalf("%s: parse: %v", req.URL, err)
	}
	return &page{t: b.t, Status: res.StatusCode, URL: res.Request.URL.Path, Body: string(body), doc: doc}
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	p := b.post("/signin", url.Values{"email": {email}, "password": {demo.Password}, "next": {"/"}})
	if p.Status != 200 || p.URL != "/" || p.ByID("main") == nil || p.Text(".flash") == "" {
		b.t.Fatalf("sign in %s: status %d at %s: %s", email, p.Status, p.URL, p.Text(".alert"))
	}
}

// find returns the first element matching a simple selector: "#id",
// ".class", "tag", "tag.class" or "tag[attr=value]".
func (p *page) find(sel string) *html.Node {
	all := p.findAll(sel)
	if len(all) == 0 {
		return nil
	}
	return all[0]
}

var selRE = regexp.MustCompile(`^([a-z0-9]*)(?:#([\w-]+))?(?:\.([\w-]+))?(?:\[([\w-]+)(?:=([^\]]*))?\])?$`)

func (p *page) findAll(sel string) []*html.Node {
	roots := []*html.Node{p.doc}
	for _, part := range strings.Fields(sel) { // descendant selectors: "tbody tr"
		m := selRE.FindStringSubmatch(part)
		if m == nil {
			p.t.Fatalf("bad selector %q", sel)
		}
		seen := map[*html.Node]bool{}
		var out []*html.Node
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && !seen[c] && matches(c, m[1], m[2], m[3], m[4], m[5]) {
					seen[c] = true
					out = append(out, c)
				}
				walk(c)
			}
		}
		for _, r := range roots {
			walk(r)
		}
		roots = out
	}
	return roots
}

func matches(n *html.Node, tag, id, class, attr, val string) bool {
	if tag != "" && n.Data != tag {
		return false
	}
	if id != "" && attrOf(n, "id") != id {
		return false
	}
	if class != "" && !contains(strings.Fields(attrOf(n, "class")), class) {
		return false
	}
	if attr != "" {
		v, ok := hasAttr(n, attr)
		if !ok || (val != "" && v != strings.Trim(val, `"'`)) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasAttr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func attrOf(n *html.Node, name string) string { v, _ := hasAttr(n, name); return v }

// ByID returns the element with the id, or nil.
func (p *page) ByID(id string) *html.Node { return p.find("#" + id) }

// Text returns the whitespace-collapsed text of the first match ("" if none).
func (p *page) Text(sel string) string {
	n := p.find(sel)
	if n == nil {
		return ""
	}
	return textOf(n)
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestPageSignInAndLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser("")
		home := b.get("/")
		if home.Status != 200 || home.Text("h1") != "Perdagangan komoditas antardaerah" {
			t.Fatalf("home: %d %q", home.Status, home.Text("h1"))
		}
		if lang := attrOf(home.find("html"), "lang"); lang != "id" {
			t.Fatalf("default language %q, want id", lang)
		}

		// Wrong password: translated message, the email kept, the password not echoed.
		p := b.post("/signin", url.Values{"email": {"pembeli@niaga.id"}, "password": {"salah-sekali"}, "next": {"/"}})
		if p.Status != http.StatusUnauthorized || p.Text(".alert") != "Email atau kata sandi salah." {
			t.Fatalf("wrong password: %d %q", p.Status, p.Text(".alert"))
		}
		if v := attrOf(p.ByID("f-email"), "value"); v != "pembeli@niaga.id" {
			t.Fatalf("email not kept: %q", v)
		}
		if v := attrOf(p.ByID("f-password"), "value"); v != "" {
			t.Fatalf("password echoed back")
		}
		// Empty fields: errors next to the fields.
		p = b.post("/signin", url.Values{"email": {""}, "password": {""}})
		if p.Text("#e-email") != "Wajib diisi." || p.Text("#e-password") != "Wajib diisi." {
			t.Fatalf("field errors: %q %q", p.Text("#e-email"), p.Text("#e-password"))
		}

		// Signed-in pages send signed-out visitors to sign in, then back.
		p = b.get("/admin/users")
		if p.URL != "/signin" || attrOf(p.find("input[name=next]"), "value") != "/admin/users" {
			t.Fatalf("signed out: at %s, next %q", p.URL, attrOf(p.find("input[name=next]"), "value"))
		}
		p = b.post("/signin", url.Values{"email": {demo.Admin}, "password": {demo.Password}, "next": {"/admin/users"}})
		if p.URL != "/admin/users" || p.ByID("user-form") == nil {
			t.Fatalf("after sign in at %s (%d) %s", p.URL, p.Status, p.Text(".alert"))
		}
		if p.Text(".who .me") == "" {
			t.Fatal("no signed-in user in the header")
		}

		// Switch to English: the same page, in English, remembered.
		p = b.post("/lang", url.Values{"lang": {"en"}, "back": {"/admin/users"}})
		if p.URL != "/admin/users" || p.Text("h1") != "Users" || attrOf(p.find("html"), "lang") != "en" {
			t.Fatalf("english: at %s %q", p.URL, p.Text("h1"))
		}
		if p = b.get("/"); p.Text("h1") != "Inter-regional commodity trade" {
			t.Fatalf("english not kept: %q", p.Text("h1"))
		}
		// Off-site return addresses are ignored.
		if p = b.post("/lang", url.Values{"lang": {"id"}, "back": {"//evil.example/"}}); p.URL != "/" {
			t.Fatalf("open redirect to %s", p.URL)
		}

		// Sign out.
		p = b.post("/signout", nil)
		if p.URL != "/" || p.find("form[action=/signout]") != nil {
			t.Fatalf("sign out: at %s", p.URL)
		}
	})
}

func TestPageAcceptLanguage(t *testing.T) {
	e := newEnv(t, store.SQLite)
	p := e.browser("en-US,en;q=0.9").get("/signin")
	if p.Text("h1") != "Sign in" || attrOf(p.find("html"), "lang") != "en" {
		t.Fatalf("Accept-Language en: %q", p.Text("h1"))
	}
	p = e.browser("id-ID,id;q=0.9,en;q=0.5").get("/signin")
	if p.Text("h1") != "Masuk" {
		t.Fatalf("Accept-Language id: %q", p.Text("h1"))
	}
}

func TestPageAdmin(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser("")
		b.signIn(demo.Admin)
		p := b.get("/admin/organizations")
		all, err := e.DB.Organizations(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.findAll("tbody tr")) != len(all) {
			t.Fatalf("%d organization rows, want %d", len(p.findAll("tbody tr")), len(all))
		}
		// A bad form keeps what was typed and says what is wrong, next to the field.
		p = b.post("/admin/organizations", url.Values{"name": {""}, "kind": {"business"}, "province": {"63"}})
		if p.Status != http.StatusUnprocessableEntity || p.Text("#e-name") == "" || p.Text(".alert") == "" {
			t.Fatalf("bad org: %d %q %q", p.Status, p.Text(".alert"), p.Text("#e-name"))
		}
		if attrOf(p.find("option[selected]"), "value") != "business" {
			t.Fatal("kind not kept")
		}
		p = b.post("/admin/organizations", url.Values{"name": {"UD Maju Jaya Banjarbaru"}, "kind": {"business"}, "province": {"63"}})
		if p.URL != "/admin/organizations" || !strings.Contains(p.Body, "UD Maju Jaya Banjarbaru") || p.Text(".flash") != "Organisasi terdaftar." {
			t.Fatalf("create org: at %s %q", p.URL, p.Text(".flash"))
		}
		orgs, _ := e.DB.Organizations(t.Context(), "")
		newOrg := orgs[len(orgs)-1]
		if newOrg.Verified {
			t.Fatal("verified without asking")
		}
		p = b.post("/admin/organizations/"+itoa(newOrg.ID)+"/verify", url.Values{"verified": {"true"}})
		if p.Text("#org-"+itoa(newOrg.ID)+" .badge") != "Ya" {
			t.Fatalf("verify: %q", p.Text("#org-"+itoa(newOrg.ID)+" .badge"))
		}

		// Users: a short password is refused next to its field, in Indonesian.
		form := url.Values{"name": {"Budi"}, "email": {"budi@majujaya.id"}, "password": {"pendek"}, "role": {"business"}, "org_id": {itoa(newOrg.ID)}, "lang": {"id"}}
		p = b.post("/admin/users", form)
		if p.Text("#e-password") != "Minimal 10 karakter." {
			t.Fatalf("short password: %q", p.Text("#e-password"))
		}
		form.Set("password", "rahasia-panjang-1")
		p = b.post("/admin/users", form)
		if p.Text(".flash") != "Pengguna ditambahkan." || !strings.Contains(p.Body, "budi@majujaya.id") {
			t.Fatalf("create user: %q %q", p.Text(".flash"), p.Text(".alert"))
		}
		p = b.post("/admin/users", form)
		if p.Text("#e-email") != "Sudah terdaftar." {
			t.Fatalf("duplicate email: %q", p.Text("#e-email"))
		}
		// The new user signs in.
		nb := e.browser("")
		nb.post("/signin", url.Values{"email": {"budi@majujaya.id"}, "password": {"rahasia-panjang-1"}})
		if p := nb.get("/"); p.find("form[action=/signout]") == nil {
			t.Fatal("new user cannot sign in")
		}
	})
}

// TestPagePolicies checks every page in the table: public pages open to
// all; the others send the public to sign in and refuse roles not allowed.
func TestPagePolicies(t *testing.T) {
	e := newEnv(t, store.SQLite)
	visitors := map[string]*browser{"": e.browser("")}
	for _, email := range []string{demo.Admin, "pembeli@niaga.id"} {
		b := e.browser("")
		b.signIn(email)
		visitors[email] = b
	}
	for _, r := range e.Srv.Pages() {
		if r.Method != "GET" || strings.Contains(r.Path, "{") && !strings.HasSuffix(r.Path, "{$}") {
			continue
		}
		path := strings.TrimSuffix(r.Path, "{$}")
		for who, b := range visitors {
			p := b.get(path)
			var role string
			switch who {
			case demo.Admin:
				role = "admin"
			case "pembeli@niaga.id":
				role = "business"
			}
			allowed := r.Policy.Allows(roleOf(role))
			switch {
			case allowed && p.Status != 200 && !(path == "/signin" && who != ""):
				t.Errorf("%s as %q: status %d, want 200", path, who, p.Status)
			case !allowed && who == "" && p.URL != "/signin":
				t.Errorf("%s signed out: at %s, want the sign-in page", path, p.URL)
			case !allowed && who != "" && p.Status != http.StatusForbidden:
				t.Errorf("%s as %q: status %d, want 403", path, who, p.Status)
			}
		}
	}
	if p := e.browser("").get("/no/such/page"); p.Status != 404 || p.Text("h1") == "" {
		t.Fatalf("unknown page: %d", p.Status)
	}
	// The API keeps answering in problem+json.
	res, body := e.raw("GET", "/api/v1/no-such", "", "", nil)
	if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("API fallback: %d %s", res.StatusCode, body)
	}
}

func TestPageStaticAssets(t *testing.T) {
	e := newEnv(t, store.SQLite)
	p := e.browser("").get("/")
	href := attrOf(p.find("link[rel=stylesheet]"), "href")
	if !strings.Contains(href, "?v=") {
		t.Fatalf("stylesheet without version: %q", href)
	}
	req, _ := http.NewRequest("GET", e.URL+href, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("static: %d %q %q", res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("Cache-Control"))
	}
	// An old version is served but not cached for long.
	res, _ = e.raw("GET", "/static/app.css?v=old", "", "", nil)
	if res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("old version cached: %q", res.Header.Get("Cache-Control"))
	}
	if res, _ := e.raw("GET", "/static/nope.js", "", "", nil); res.StatusCode != 404 {
		t.Fatalf("missing file: %d", res.StatusCode)
	}
}

// pageWeight fetches a page and everything it loads, compressed, and
// returns the bytes transferred.
func pageWeight(t *testing.T, b *browser, path string) int {
	t.Helper()
	get := func(u string) (int, string) {
		req, _ := http.NewRequest("GET", b.e.URL+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		for _, c := range b.c.Jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", u, res.StatusCode)
		}
		text := raw
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			text, _ = io.ReadAll(zr)
		}
		return len(raw), string(text)
	}
	n, body := get(path)
	doc, _ := html.Parse(strings.NewReader(body))
	pg := &page{t: t, doc: doc}
	for _, l := range pg.findAll("link[href]") {
		m, _ := get(attrOf(l, "href"))
		n += m
	}
	for _, s := range pg.findAll("script[src]") {
		m, _ := get(attrOf(s, "src"))
		n += m
	}
	return n
}

// TestPageWeight: no page, with what it loads, transfers more than 300 KB
// compressed (a slow phone connection).
func TestPageWeight(t *testing.T) {
	e := newEnv(t, store.SQLite)
	admin := e.browser("")
	admin.signIn(demo.Admin)
	buyer := e.browser("")
	buyer.signIn("pembeli@niaga.id")
	desk := e.browser("")
	desk.signIn("jatim@niaga.id")
	public := e.browser("")
	lots, err := e.DB.Lots(t.Context(), nil, store.LotFilter{Status: niaga.LotAdmitted}, time.Now())
	if err != nil || len(lots) == 0 {
		t.Fatalf("no admitted demo lot: %v", err)
	}
	ms, err := e.DB.Missions(t.Context())
	if err != nil || len(ms) == 0 {
		t.Fatalf("no demo mission: %v", err)
	}
	mission := "/missions/" + itoa(ms[0].ID)
	for _, c := range []struct {
		b    *browser
		path string
	}{
		{public, "/"}, {public, "/signin"}, {public, "/prices"}, {public, "/sessions"}, {public, "/missions"},
		{public, mission + "/board"}, {public, "/lots/" + itoa(lots[0].ID)},
		{buyer, "/lots/" + itoa(lots[0].ID)}, {buyer, "/contracts"}, {desk, mission + "/desk"},
		{admin, "/admin/organizations"}, {admin, "/admin/users"},
	} {
		n := pageWeight(t, c.b, c.path)
		t.Logf("%-28s %6.1f KB", c.path, float64(n)/1024)
		if n > 300<<10 {
			t.Errorf("%s weighs %d bytes", c.path, n)
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func roleOf(s string) niaga.Role { return niaga.Role(s) }
