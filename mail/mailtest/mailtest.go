// Package mailtest runs a real SMTP server on loopback (emersion/go-smtp)
// that keeps what it receives, for tests that must read the mail a flow
// sent: the message as delivered, headers decoded and body unquoted.
package mailtest

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// Message is a delivered message.
type Message struct {
	From, To, Subject string
	Text              string // the body, quoted-printable decoded
}

// Inbox is an SMTP server that keeps every message it accepts.
type Inbox struct {
	Addr string // host:port it listens on

	mu  sync.Mutex
	got []Message
}

// Start listens on addr ("127.0.0.1:0" for any port) until the test ends.
func Start(t testing.TB, addr string) *Inbox {
	t.Helper()
	in := &Inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return session{in}, nil }))
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	in.Addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return in
}

// Messages returns what has been delivered so far.
func (in *Inbox) Messages() []Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Message(nil), in.got...)
}

type session struct{ in *Inbox }

func (session) Reset()                               {}
func (session) Logout() error                        { return nil }
func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(string, *smtp.RcptOptions) error { return nil }

func (s session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body := m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	s.in.got = append(s.in.got, Message{From: m.Header.Get("From"), To: m.Header.Get("To"), Subject: subject,
		Text: strings.ReplaceAll(string(text), "\r\n", "\n")})
	s.in.mu.Unlock()
	return nil
}
