package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"niaga"
)

//go:embed templates
var templatesFS embed.FS

// PageRoute is one HTML page or form action. Like API routes, every page
// declares its Policy; registering one without a policy panics (default
// deny). The whole table is in pageTable, so who may see what is in one place.
type PageRoute struct {
	Method, Path string
	Policy       *Policy
	fn           func(c *PageCall) error
}

// PageCall is one page request as seen by a handler.
type PageCall struct {
	context.Context
	W     http.ResponseWriter
	R     *http.Request
	Actor *niaga.Actor
	Lang  string
	S     *Server

	errMsg string
	fields map[string]string
}

// ui is what every page shares: templates per language, static files and
// the translation catalog, loaded once on first use.
type ui struct {
	cat    catalog
	assets assets
	tmpl   map[string]map[string]*template.Template // lang → page → template
}

var loadUIOnce = sync.OnceValue(loadUI)

func loadUI() *ui {
	u := &ui{cat: loadCatalog(), assets: loadAssets(), tmpl: map[string]map[string]*template.Template{}}
	pages, err := fs.Glob(templatesFS, "templates/pages/*.html")
	if err != nil || len(pages) == 0 {
		panic("web: no page templates")
	}
	for _, lang := range Langs {
		base := template.Must(template.New("").Funcs(u.funcs(lang)).ParseFS(templatesFS, "templates/layout.html", "templates/partials/*.html"))
		u.tmpl[lang] = map[string]*template.Template{}
		for _, p := range pages {
			t := template.Must(template.Must(base.Clone()).ParseFS(templatesFS, p))
			u.tmpl[lang][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	return u
}

// funcs are the template functions of one language.
func (u *ui) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":         func(key string, args ...any) string { return u.cat.T(lang, key, args...) },
		"rp":        func(v int64) string { return niaga.FormatRupiah(v, lang) },
		"num":       func(v int64) string { return niaga.FormatInt(v, lang) },
		"when":      func(t time.Time, province string) string { return When(t, province, lang) },
		"date":      func(t time.Time, province string) string { return DateOnly(t, province, lang) },
		"clock":     func(t time.Time, province string) string { return niaga.LocalTime(t, province, "15:04") },
		"localdate": func(date string) string { return dateLabel(date, lang) },
		"asset":     u.assets.URL,
		"province": func(code string) string {
			if p, ok := niaga.ProvinceByCode(code); ok {
				return p.Name
			}
			return code
		},
		"zone": func(code string) string {
			if p, ok := niaga.ProvinceByCode(code); ok {
				return p.Zone
			}
			return "WIB"
		},
		"unix": func(t time.Time) int64 { return t.UnixMilli() },
		"kb":   func(n int64) string { return niaga.FormatInt((n+1023)/1024, lang) + " KB" },
		"json": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			return template.JS(b), err
		},
		"add": func(a, b int) int { return a + b },
		"mul": func(a, b int64) int64 {
			v, _ := niaga.MulInt64(a, b)
			return v
		},
		"div": func(a, b int64) int64 {
			if b == 0 {
				return 0
			}
			return a / b
		},
		"list":   func(xs ...any) []any { return xs },
		"pct":    func(bps int64) string { return formPercent(bps, lang) },
		"payref": niaga.FormatPaymentReference,
		"nonce": func() string {
			b := make([]byte, 12)
			rand.Read(b)
			return hex.EncodeToString(b)
		},
		"args": func(pairs ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(pairs); i += 2 {
				k, _ := pairs[i].(string)
				m[k] = pairs[i+1]
			}
			return m
		},
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i + 1
			}
			return out
		},
	}
}

// view is the data every page template gets; page-specific data is in Data.
type view struct {
	Lang, Other string // current and the other interface language
	Title       string
	Actor       *niaga.Actor
	Path        string // the request URI: the language switcher and sign-in return here
	Nav         []navLink
	Flash       string
	Error       string
	Fields      map[string]string
	Form        url.Values
	Page        string   // page name: a body class for page-specific CSS
	Scripts     []string // static files to load after the common ones
	Wide        bool     // big-screen layout without the narrow column
	Kiosk       bool     // the big screen alone: no site header, menu or footer
	Description string   // meta description: "meta.<page>" where the catalog has one (public pages)
	OOB         bool     // a fragment may carry out-of-band swaps (htmx)
	Now         int64    // server time, ms since the epoch: countdowns follow it
	Com         map[string]niaga.Commodity
	Unread      int // the signed-in user's unread notifications (the bell)
	Data        any
}

// T translates a key in the page's language (for titles built in Go).
func (v *view) T(key string, args ...any) string { return loadUIOnce().cat.T(v.Lang, key, args...) }

// ComName is a commodity's name in the page's language.
func (v *view) ComName(code string) string {
	if c, ok := v.Com[code]; ok {
		return c.Name(v.Lang)
	}
	return code
}

// Unit is a commodity's base unit, translated.
func (v *view) Unit(code string) string {
	if c, ok := v.Com[code]; ok {
		return v.T("unit." + c.Unit)
	}
	return ""
}

// Field returns the translated error of a form field, if any.
func (v *view) Field(name string) string { return v.Fields[name] }

// Value returns a submitted form value, to refill a form after an error.
func (v *view) Value(name string) string { return v.Form.Get(name) }

// Is reports whether the viewer has one of the roles.
func (v *view) Is(roles ...string) bool {
	for _, r := range roles {
		if v.Actor.Is(niaga.Role(r)) {
			return true
		}
	}
	return false
}

type navLink struct {
	Key, Href string
	Current   bool
}

// navItem is a link in the header, shown to those its policy allows.
type navItem struct {
	key, href string
	policy    Policy
}

// T translates a key in the caller's language.
func (c *PageCall) T(key string, args ...any) string { return loadUIOnce().cat.T(c.Lang, key, args...) }

// Fail records an error to show on the re-rendered form: a message at the
// top and one per field, in the caller's language.
func (c *PageCall) Fail(err error) {
	c.errMsg, c.fields = loadUIOnce().cat.ErrorText(c.Lang, err)
	if niaga.ErrorCode(err) == niaga.CodeInternal {
		c.S.log.LogAttrs(c, slog.LevelError, "page action failed", slog.String("request_id", requestID(c.R)),
			slog.String("path", c.R.URL.Path), slog.String("error", err.Error()))
	}
}

// FieldAs shows the store's error about field from next to the form field
// to (form fields are not always named as the store names them).
func (c *PageCall) FieldAs(pairs ...string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		if msg, ok := c.fields[pairs[i]]; ok {
			if _, dup := c.fields[pairs[i+1]]; !dup {
				c.fields[pairs[i+1]] = msg
			}
		}
	}
}

// Failed reports whether Fail was called.
func (c *PageCall) Failed() bool { return c.errMsg != "" }

// ID parses a positive integer path parameter.
func (c *PageCall) ID(name string) (int64, error) {
	v, err := strconv.ParseInt(c.R.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, niaga.Errorf(niaga.CodeNotFound, "no such page")
	}
	return v, nil
}

// FormInt parses an integer form field; a bad value is an invalid error on it.
func (c *PageCall) FormInt(name string) (int64, error) {
	s := strings.TrimSpace(c.R.PostFormValue(name))
	// People type Rupiah with separators: "1.250.000" or "1,250,000".
	s = strings.NewReplacer(".", "", ",", "", " ", "", "_", "").Replace(s)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, niaga.Invalid(name, "must be a whole number")
	}
	return v, nil
}

// Render writes a full page. Every page gets the layout, the navigation,
// the language switcher and any flash message.
func (c *PageCall) Render(status int, page, titleKey string, data any, opts ...func(*view)) error {
	u := loadUIOnce()
	v := &view{Lang: c.Lang, Other: otherLang(c.Lang), Title: u.cat.T(c.Lang, titleKey), Actor: c.Actor,
		Path: c.R.URL.RequestURI(), Error: c.errMsg, Fields: c.fields, Form: c.R.PostForm, Page: page, Data: data,
		Now: time.Now().UnixMilli()}
	v.Nav = c.S.nav(c.Actor, c.R.URL.Path)
	if key := "meta." + page; u.cat.Has(key) {
		v.Description = u.cat.T(c.Lang, key)
	}
	v.Com = c.commodities()
	if c.Actor != nil {
		// A page without its bell is still a page: a failed count shows none.
		v.Unread, _ = c.S.db.Unread(c, c.Actor.UserID)
	}
	if f, err := c.R.Cookie(flashCookie); err == nil && u.cat.Has(f.Value) {
		v.Flash = u.cat.T(c.Lang, f.Value)
		http.SetCookie(c.W, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	for _, o := range opts {
		o(v)
	}
	if status == 0 {
		status = http.StatusOK
		if c.errMsg != "" {
			status = http.StatusUnprocessableEntity
		}
	}
	return c.execute(status, page, "layout", v)
}

// Fragment writes one named template of a page (an htmx swap target).
func (c *PageCall) Fragment(status int, page, name string, data any, opts ...func(*view)) error {
	v := &view{Lang: c.Lang, Other: otherLang(c.Lang), Actor: c.Actor, Path: c.R.URL.RequestURI(),
		Error: c.errMsg, Fields: c.fields, Form: c.R.PostForm, Page: page, Data: data, Com: c.commodities()}
	for _, o := range opts {
		o(v)
	}
	return c.execute(status, page, name, v)
}

// commodities maps codes to commodities (names and units on pages).
func (c *PageCall) commodities() map[string]niaga.Commodity { return c.S.commodityMap(c) }

// commodityMap maps codes to commodities (names and units), the seeded
// ones when the database cannot say.
func (s *Server) commodityMap(ctx context.Context) map[string]niaga.Commodity {
	cs, err := s.db.Commodities(ctx)
	if err != nil {
		cs = niaga.SeedCommodities
	}
	m := make(map[string]niaga.Commodity, len(cs))
	for _, x := range cs {
		m[x.Code] = x
	}
	return m
}

// execute renders into a buffer first, so a template error never sends
// half a page, then compresses what is worth compressing.
func (c *PageCall) execute(status int, page, name string, v *view) error {
	t := loadUIOnce().tmpl[c.Lang][page]
	if t == nil {
		return niaga.Errorf(niaga.CodeInternal, "no template %s", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return &niaga.Error{Code: niaga.CodeInternal, Message: "template " + page, Err: err}
	}
	h := c.W.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache, private")
	h.Set("Content-Language", c.Lang)
	h.Set("Vary", "Cookie, Accept-Language, Accept-Encoding")
	body := buf.Bytes()
	if len(body) > 1400 && acceptsGzip(c.R) {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(body) // to memory: cannot fail
		_ = zw.Close()
		h.Set("Content-Encoding", "gzip")
		body = z.Bytes()
	}
	c.W.WriteHeader(status)
	c.W.Write(body)
	return nil
}

// Redirect answers a form post with 303 See Other (post/redirect/get),
// optionally leaving a flash message key for the next page.
func (c *PageCall) Redirect(to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(c.W, &http.Cookie{Name: flashCookie, Value: flashKey, Path: "/", MaxAge: 60, HttpOnly: true, Secure: c.S.secure, SameSite: http.SameSiteLaxMode})
	}
	if c.R.Header.Get("HX-Request") == "true" {
		c.W.Header().Set("HX-Redirect", to)
		c.W.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(c.W, c.R, to, http.StatusSeeOther)
	return nil
}

const (
	flashCookie = "niaga_flash"
	langCookie  = "lang"
)

func otherLang(lang string) string {
	if lang == "en" {
		return "id"
	}
	return "en"
}

// localPath accepts only a path on this site as a redirect target, and
// "/" for anything else. The target must parse as a bare absolute path
// (no scheme, host or user), and neither it nor its unescaped form may hold
// control characters, whitespace or backslashes, or start with "//":
// browsers strip tabs and newlines and read "\" as "/", which turns
// "/%09/evil.example" or "/\evil.example" into another site.
func localPath(p string) string {
	const home = "/"
	if p == "" || len(p) > 2000 || p[0] != '/' {
		return home
	}
	unescaped, err := url.PathUnescape(p)
	if err != nil {
		return home
	}
	for _, s := range []string{p, unescaped} {
		if strings.HasPrefix(s, "//") || strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 || r == 0x7f || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
		}) {
			return home
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return p
}

// registerPage wires a page with its policy. A signed-out visitor asking
// for a signed-in page is sent to sign in and brought back after.
func (s *Server) registerPage(p PageRoute) {
	if p.Policy == nil {
		panic("web: page " + p.Method + " " + p.Path + " has no policy")
	}
	policy := *p.Policy
	pattern := p.Path
	if p.Method != "" {
		pattern = p.Method + " " + p.Path
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		actor, err := s.authenticate(r)
		c := &PageCall{Context: r.Context(), W: w, R: r, Lang: normLang(langOf(r)), S: s}
		if err != nil {
			s.pageError(c, err)
			return
		}
		c.Actor = actor
		var role niaga.Role
		if actor != nil {
			role = actor.Role
			setLogUser(r, actor.UserID)
		}
		if !policy.Allows(role) {
			if actor == nil {
				next := r.URL.RequestURI()
				if r.Method != http.MethodGet {
					next = r.Header.Get("Referer")
					if u, err := url.Parse(next); err == nil {
						next = u.RequestURI()
					}
				}
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(localPath(next)), http.StatusSeeOther)
				return
			}
			s.pageError(c, niaga.Errorf(niaga.CodeForbidden, "your role may not see this page"))
			return
		}
		c.Context = niaga.WithActor(r.Context(), actor)
		c.R = r.WithContext(c.Context)
		if r.Method == http.MethodPost {
			limit := int64(maxBody)
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				limit = maxDocumentSize + 64<<10 // an uploaded document and its form
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := c.R.ParseForm(); err != nil {
				s.pageError(c, niaga.Invalid("body", "could not be read"))
				return
			}
		}
		if err := p.fn(c); err != nil {
			s.pageError(c, err)
		}
	})
}

// pageError renders an error page in the caller's language with the
// status its code maps to.
func (s *Server) pageError(c *PageCall, err error) {
	code := niaga.ErrorCode(err)
	status := StatusOf(code)
	if status >= 500 {
		s.log.LogAttrs(c, slog.LevelError, "page failed", slog.String("request_id", requestID(c.R)),
			slog.String("path", c.R.URL.Path), slog.String("error", err.Error()))
	}
	msg, _ := loadUIOnce().cat.ErrorText(c.Lang, err)
	c.errMsg, c.fields = "", nil
	data := struct {
		Status    int
		Message   string
		RequestID string
		SignIn    bool
	}{status, msg, requestID(c.R), c.Actor == nil && code == niaga.CodeForbidden}
	if rerr := c.Render(status, "error", "error.title", data); rerr != nil {
		http.Error(c.W, msg, status)
	}
}

// nav lists the header links the actor may follow.
func (s *Server) nav(actor *niaga.Actor, current string) []navLink {
	var role niaga.Role
	if actor != nil {
		role = actor.Role
	}
	var out []navLink
	for _, it := range navItems {
		if it.policy.Allows(role) {
			out = append(out, navLink{Key: it.key, Href: it.href, Current: current == it.href || (it.href != "/" && strings.HasPrefix(current, it.href+"/"))})
		}
	}
	return out
}

// routePages registers the pages, their static files and the not-found page.
func (s *Server) routePages() {
	u := loadUIOnce()
	s.mux.Handle("GET /static/", u.assets)
	for _, p := range s.pageTable() {
		s.registerPage(p)
	}
	// Anything else outside /api/ is a page that does not exist.
	s.registerPage(PageRoute{Method: "", Path: "/", Policy: &Public, fn: func(c *PageCall) error {
		return niaga.Errorf(niaga.CodeNotFound, "no such page")
	}})
}

// Pages returns the page table (for the policy matrix test).
func (s *Server) Pages() []PageRoute { return s.pageTable() }
