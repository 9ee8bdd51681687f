// Package e2e drives Debian's Chromium (headless, through chromedp) against
// a real niaga server on a loopback port over a real database filled with
// the demo data. Tests skip when /usr/bin/chromium is absent; CI installs it.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"niaga/demo"
	"niaga/files"
	"niaga/mail"
	"niaga/mail/mailtest"
	"niaga/store"
	"niaga/store/storetest"
	"niaga/web"
)

const chromium = "/usr/bin/chromium"

// server is a niaga server on loopback over a fresh demo database.
type server struct {
	TS   *httptest.Server
	URL  string
	DB   *store.DB
	Srv  *web.Server
	Data *demo.Data
	// Inbox receives the server's mail.
	Inbox *mailtest.Inbox
}

func startServer(t *testing.T) *server {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("no " + chromium + " (apt-get install chromium)")
	}
	db := storetest.Open(t, store.SQLite)
	data, err := demo.Seed(context.Background(), db, time.Now())
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	// The server knows its address before it starts: links in mail use it.
	ts := httptest.NewUnstartedServer(nil)
	url := "http://" + ts.Listener.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := web.New(web.Config{DB: db, Logger: log, PublicURL: url, Files: filesDir(t)})
	ts.Config.Handler = srv.Handler()
	ts.Start()
	// Mail goes to a real SMTP server on loopback that the tests read.
	inbox := mailtest.Start(t, "127.0.0.1:0")
	sender, err := mail.ParseSMTP("smtp://" + inbox.Addr + "?from=noreply@niaga.id")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { srv.RunBackground(ctx); done <- struct{}{} }()
	go func() {
		(&mail.Mailer{DB: db, Sender: sender, Log: log}).Run(ctx, 200*time.Millisecond)
		done <- struct{}{}
	}()
	t.Cleanup(func() {
		cancel()
		ts.CloseClientConnections()
		ts.Close()
		<-done
		<-done
	})
	return &server{TS: ts, URL: url, DB: db, Srv: srv, Data: data, Inbox: inbox}
}

// filesDir is a directory for the server's uploaded documents.
func filesDir(t *testing.T) *files.Dir {
	t.Helper()
	d, err := files.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// tab is one browser tab with its own cookies, plus what it logged.
type tab struct {
	t   *testing.T
	ctx context.Context
	srv *server

	mu       sync.Mutex
	problems []string // uncaught exceptions, CSP violations, failed loads
}

// browser starts a headless Chromium with a fresh profile for this test and
// returns its first tab.
func (s *server) browser(t *testing.T) *tab {
	t.Helper()
	dir := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1366, 768),
		// The tests read the pages as an Indonesian visitor would.
		chromedp.Flag("lang", "id-ID"),
		chromedp.Flag("accept-lang", "id-ID,id"),
	)
	base, cancelBase := context.WithTimeout(context.Background(), 8*time.Minute) // the phone layout walk opens some 250 pages on a busy CI machine
	actx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc(); cancelBase() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return s.watch(t, ctx)
}

// another opens a tab in a new browser context of the same browser: its
// own cookies, like a second person on another device.
func (b *tab) another() *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("new browser context: %v", err)
	}
	return b.srv.watch(b.t, ctx)
}

// watch records the tab's uncaught exceptions and console errors (CSP
// violations show there) so a test can check that a page ran cleanly.
func (s *server) watch(t *testing.T, ctx context.Context) *tab {
	tb := &tab{t: t, ctx: ctx, srv: s}
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	entries := chromedp.Events(ctx, cdplog.EntryAdded)
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("log enable: %v", err)
	}
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			tb.problem("exception: " + msg)
		}
	}()
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			e := ev.Entry
			// A refused form answers 401 or 422 on purpose: only failed
			// static files and streams are problems on the network side.
			if e.Source == cdplog.EntrySourceNetwork && !strings.Contains(e.URL, "/static/") && !strings.Contains(e.URL, "/stream") {
				continue
			}
			if e.Level == cdplog.EntryLevelError {
				tb.problem(fmt.Sprintf("console %s: %s %s", e.Source, e.Text, e.URL))
			}
		}
	}()
	return tb
}

func (b *tab) problem(s string) {
	b.mu.Lock()
	b.problems = append(b.problems, s)
	b.mu.Unlock()
}

// problemsExcept forgets the problems logged so far that name s (failures
// a test caused on purpose, as a cut network).
func (b *tab) problemsExcept(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.problems[:0]
	for _, p := range b.problems {
		if !strings.Contains(p, s) {
			kept = append(kept, p)
		}
	}
	b.problems = kept
}

// clean fails the test if the tab logged errors so far.
func (b *tab) clean() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser: %s", p)
	}
	b.problems = nil
}

// do runs actions, failing the test on error.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a page of the server.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.srv.URL+path))
}

// submit clicks a button that submits a form and waits for the next page.
func (b *tab) submit(sel string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("submit %s: %v", sel, err)
	}
}

// fill types into a form field, replacing what it held.
func (b *tab) fill(sel, value string) {
	b.t.Helper()
	b.do("fill "+sel, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), value))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// text returns the trimmed text content of the first match, "" if none.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.textContent.replace(/\s+/g," ").trim():""})()`, sel))
}

// waitText waits until the first match's text contains want.
func (b *tab) waitText(sel, want string, within time.Duration) time.Duration {
	b.t.Helper()
	start := time.Now()
	var got string
	for time.Since(start) < within {
		if got = b.text(sel); strings.Contains(got, want) {
			return time.Since(start)
		}
		time.Sleep(25 * time.Millisecond)
	}
	b.t.Fatalf("%s: text %q after %v, want it to contain %q", sel, got, within, want)
	return 0
}

// path returns the current location's path.
func (b *tab) path() string { return eval[string](b, "location.pathname") }

// signIn signs in a demo user through the form.
func (b *tab) signIn(email string) {
	b.t.Helper()
	b.open("/signin")
	b.fill("#f-email", email)
	b.fill("#f-password", demo.Password)
	b.submit("form[action='/signin'] button[type=submit]")
	if b.text(".flash") == "" || b.text(".who .me") == "" {
		b.t.Fatalf("sign in %s: at %s, alert %q", email, b.path(), b.text(".alert"))
	}
}

func TestSignIn(t *testing.T) {
	s := startServer(t)
	b := s.browser(t)
	b.open("/admin/users")
	if b.path() != "/signin" {
		t.Fatalf("signed out on an admin page: at %s, want /signin", b.path())
	}
	b.fill("#f-email", demo.Admin)
	b.fill("#f-password", "not-the-password")
	b.submit("form[action='/signin'] button[type=submit]")
	if got := b.text(".alert"); got != "Email atau kata sandi salah." {
		t.Fatalf("wrong password: alert %q", got)
	}
	b.fill("#f-password", demo.Password)
	b.submit("form[action='/signin'] button[type=submit]")
	if b.path() != "/admin/users" {
		t.Fatalf("after sign in at %s, want back at /admin/users", b.path())
	}
	if !strings.Contains(b.text(".who .me"), "Admin Niaga") {
		t.Fatalf("header shows %q", b.text(".who .me"))
	}
	b.submit("form[action='/signout'] button")
	if b.text("a[href^='/signin']") == "" {
		t.Fatal("still signed in after sign-out")
	}
	b.clean()
}

func TestLanguageSwitch(t *testing.T) {
	s := startServer(t)
	b := s.browser(t)
	b.open("/")
	if got := b.text("h1"); got != "Perdagangan komoditas antardaerah" {
		t.Fatalf("default language: h1 %q", got)
	}
	b.submit("form.lang button[value=en]")
	if got := b.text("h1"); got != "Inter-regional commodity trade" {
		t.Fatalf("after switching to English: h1 %q", got)
	}
	if lang := eval[string](b, "document.documentElement.lang"); lang != "en" {
		t.Fatalf("html lang %q", lang)
	}
	// The choice is remembered on the next page.
	b.open("/signin")
	if got := b.text("h1"); got != "Sign in" {
		t.Fatalf("sign-in page after switching: %q", got)
	}
	b.submit("form.lang button[value=id]")
	if got := b.text("h1"); got != "Masuk" || b.path() != "/signin" {
		t.Fatalf("back to Indonesian: %q at %s", got, b.path())
	}
	b.clean()
}

func TestAdminPages(t *testing.T) {
	s := startServer(t)
	b := s.browser(t)
	b.signIn(demo.Admin)
	b.open("/admin/organizations")
	b.submit("#org-form button[type=submit]") // empty name
	if b.text("#e-name") == "" {
		t.Fatalf("empty name: no error next to the field")
	}
	if id := eval[string](b, "document.activeElement.id"); id != "f-name" {
		t.Fatalf("focus on %q, want the invalid field", id)
	}
	b.fill("#f-name", "Koperasi Tani Makmur Kapuas")
	b.do("choose kind", chromedp.SetValue(chromedp.CSS("#f-kind"), "business"), chromedp.SetValue(chromedp.CSS("#f-province"), "62"))
	b.submit("#org-form button[type=submit]")
	if got := b.text(".flash"); got != "Organisasi terdaftar." {
		t.Fatalf("create organization: flash %q, alert %q", got, b.text(".alert"))
	}
	if !strings.Contains(b.text("table"), "Koperasi Tani Makmur Kapuas") {
		t.Fatal("new organization not listed")
	}
	b.open("/admin/users")
	b.fill("#user-form #f-name", "Siti Aminah")
	b.fill("#user-form #f-email", "siti@tanimakmur.id")
	b.fill("#user-form #f-password", "kata-sandi-kuat-1")
	b.submit("#user-form button[type=submit]")
	if got := b.text(".flash"); got != "Pengguna ditambahkan." {
		t.Fatalf("create user: flash %q, alert %q", got, b.text(".alert"))
	}
	b.clean()
}
