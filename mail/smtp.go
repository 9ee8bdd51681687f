package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"niaga"
)

// SMTP sends over SMTP to the server of a URL:
//
//	smtp://[user:password@]host[:port]   port 587 by default, STARTTLS (but plain
//	                                     to a loopback host, e.g. a local relay)
//	smtps://[user:password@]host[:port]  TLS from the start, port 465 by default
//
// The query parameter from sets the sender (default niaga@<host>);
// starttls=false sends in plain text to a host that offers no TLS, never
// with a password.
type SMTP struct {
	addr, host, from string
	implicitTLS      bool
	startTLS         bool
	user, password   string
	TLS              *tls.Config // nil: the system's roots for host
	Timeout          time.Duration
}

// ParseSMTP reads an SMTP URL (see SMTP).
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	s := &SMTP{host: u.Hostname(), from: u.Query().Get("from"), Timeout: 30 * time.Second}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
		s.startTLS = !loopback(s.host) && u.Query().Get("starttls") != "false"
	case "smtps":
		s.implicitTLS = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("smtp url: scheme %q: want smtp or smtps", u.Scheme)
	}
	if s.host == "" {
		return nil, errors.New("smtp url: no host")
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	if s.user != "" && !s.implicitTLS && !s.startTLS && !loopback(s.host) {
		return nil, errors.New("smtp url: a password is never sent in plain text: use STARTTLS or smtps")
	}
	if s.from == "" {
		s.from = "niaga@" + s.host
	}
	if !strings.Contains(s.from, "@") || strings.ContainsAny(s.from, "\r\n<>, ") {
		return nil, fmt.Errorf("smtp url: from %q is not one address", s.from)
	}
	s.addr = net.JoinHostPort(s.host, port)
	return s, nil
}

// Send delivers m in one SMTP session.
func (s *SMTP) Send(ctx context.Context, m niaga.Mail) error {
	d := net.Dialer{Timeout: s.Timeout}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl) // best effort; the client's own timeouts still apply
	}
	tlsConf := s.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	var c *smtp.Client
	switch {
	case s.implicitTLS:
		c = smtp.NewClient(tls.Client(conn, tlsConf))
	case s.startTLS:
		if c, err = smtp.NewClientStartTLS(conn, tlsConf); err != nil {
			_ = conn.Close()
			return err
		}
	default:
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout, c.SubmissionTimeout = s.Timeout, s.Timeout
	defer func() { _ = c.Close() }() // after Quit this only frees the connection
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.password)); err != nil {
			return err
		}
	}
	body, err := Compose(s.from, m, time.Now())
	if err != nil {
		return err
	}
	if err := c.SendMail(s.from, []string{m.To}, bytes.NewReader(body)); err != nil {
		return err
	}
	return c.Quit()
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Compose writes m as an RFC 5322 message in UTF-8 plain text (headers
// encoded per RFC 2047, the body quoted-printable).
func Compose(from string, m niaga.Mail, now time.Time) ([]byte, error) {
	if strings.ContainsAny(m.To+m.Subject+from, "\r\n") {
		return nil, errors.New("mail: a header holds a line break")
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id) // crypto/rand never fails on supported platforms
	domain := from[strings.LastIndex(from, "@")+1:]
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n",
		from, m.To, mime.QEncoding.Encode("utf-8", m.Subject), now.Format(time.RFC1123Z), hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(strings.ReplaceAll(m.Text, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
