package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"niaga/demo"
	"niaga/mail"
	"niaga/mail/mailtest"
)

// resetLink matches the link of a reset mail.
var resetLink = regexp.MustCompile(`http://localhost:8080/password/reset\?token=(\S+)`)

// deliver turns pending notifications into mail, sends what the outbox
// holds to a real SMTP server and returns the mail delivered to addr since
// the inbox started.
func deliver(t *testing.T, e *env, in *mailtest.Inbox, to string) []mailtest.Message {
	t.Helper()
	s, err := mail.ParseSMTP("smtp://" + in.Addr + "?from=noreply@niaga.id")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Srv.FlushNotifications(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := &mail.Mailer{DB: e.DB, Sender: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []mailtest.Message
	for _, msg := range in.Messages() {
		if msg.To == to {
			out = append(out, msg)
		}
	}
	return out
}

func tokenOf(t *testing.T, msg mailtest.Message) string {
	t.Helper()
	m := resetLink.FindStringSubmatch(msg.Text)
	if m == nil {
		t.Fatalf("no reset link in %q", msg.Text)
	}
	tok, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// A forgotten password is reset by an emailed link, delivered over SMTP:
// the link works once, the old password and every old session stop
// working, and the answer never tells whether an address is registered.
func TestPasswordResetByMail(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		in := mailtest.Start(t, "127.0.0.1:0")
		const who = "pembeli@niaga.id"
		old := e.token(who)

		known := e.call("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": " Pembeli@Niaga.id "}, 202, nil)
		unknown := e.call("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "nobody@niaga.id"}, 202, nil)
		if string(known) != string(unknown) {
			t.Fatalf("known and unknown addresses answered differently:\n%s\n%s", known, unknown)
		}
		got := deliver(t, e, in, who)
		if len(got) != 1 || len(in.Messages()) != 1 {
			t.Fatalf("delivered %d to %s, %d in all; want one", len(got), who, len(in.Messages()))
		}
		if got[0].Subject != "Atur ulang kata sandi Niaga" || !strings.Contains(got[0].Text, "berlaku 60 menit") {
			t.Fatalf("mail in the user's language (id): %+v", got[0])
		}
		tok := tokenOf(t, got[0])

		e.problem("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "new_password": "pendek"}, 400, "invalid")
		e.call("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "new_password": "kata-sandi-baru-2026"}, 204, nil)
		p := e.problem("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "new_password": "lagi-lagi-baru-2026"}, 400, "invalid")
		if len(p.Errors) == 0 || p.Errors[0].Field != "token" {
			t.Fatalf("a used link: %+v", p)
		}
		e.problem("GET", "/api/v1/me", old, nil, 401, "unauthorized")
		if a, _ := e.login("", who, demo.Password); a.Status != 401 {
			t.Fatalf("the old password still signs in: %d", a.Status)
		}
		if a, _ := e.login("", who, "kata-sandi-baru-2026"); a.Status != 200 {
			t.Fatalf("the new password does not sign in: %d %s", a.Status, a.Detail)
		}
		e.problem("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": "rst_made-up", "new_password": "kata-sandi-baru-2026"}, 400, "invalid")
	})
}

// The form cannot flood a mailbox: at most three links an hour per user.
func TestPasswordResetMailsBounded(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		in := mailtest.Start(t, "127.0.0.1:0")
		for range 6 {
			e.call("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "penjual@niaga.id"}, 202, nil)
		}
		if got := deliver(t, e, in, "penjual@niaga.id"); len(got) != 3 {
			t.Fatalf("%d mails for 6 requests, want 3", len(got))
		}
	})
}

// The pages walk the same flow in the user's language.
func TestPasswordResetPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		in := mailtest.Start(t, "127.0.0.1:0")
		b := e.browser("en")
		if p := b.get("/signin"); p.find("a[href=/password/forgot]") == nil {
			t.Fatal("the sign-in page has no forgotten-password link")
		}
		p := b.post("/password/forgot", url.Values{"email": {"tani@niaga.id"}})
		if p.Status != 200 || !strings.Contains(p.Body, "the link is on its way") {
			t.Fatalf("forgot: %d %s", p.Status, p.Text("main"))
		}
		got := deliver(t, e, in, "tani@niaga.id")
		if len(got) != 1 {
			t.Fatalf("%d mails", len(got))
		}
		tok := tokenOf(t, got[0])
		if p := b.get("/password/reset?token=" + url.QueryEscape(tok)); p.find("input[name=new_password]") == nil {
			t.Fatalf("reset page: %d %s", p.Status, p.Text("main"))
		}
		if p := b.post("/password/reset", url.Values{"token": {tok}, "new_password": {"short"}}); p.Status != 400 || p.find("input[name=new_password]") == nil {
			t.Fatalf("short password: %d", p.Status)
		}
		p = b.post("/password/reset", url.Values{"token": {tok}, "new_password": {"a-much-longer-one-2026"}})
		if p.Status != 200 || p.URL != "/signin" || p.Text(".flash") == "" {
			t.Fatalf("reset: %d at %s: %s", p.Status, p.URL, p.Text("main"))
		}
		if p := b.post("/password/reset", url.Values{"token": {tok}, "new_password": {"a-much-longer-one-2027"}}); p.Status != 400 {
			t.Fatalf("a used link on the page: %d", p.Status)
		}
	})
}
