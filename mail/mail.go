// Package mail sends what the outbox holds. Messages are queued in the
// database inside the transaction whose outcome they tell (store's
// Tx.Enqueue); a Mailer claims due messages, hands each to a Sender and
// records the attempt, retrying with growing delays, so a mail server that
// is down delays mail and loses none. Sender is the channel interface: SMTP
// is the one built in, and an SMS or WhatsApp Business gateway can be
// another implementation of the same method.
package mail

import (
	"context"
	"log/slog"
	"time"

	"niaga"
	"niaga/store"
)

// Sender delivers one message, or says why it could not.
type Sender interface {
	Send(ctx context.Context, m niaga.Mail) error
}

// Retry policy: the first retry after RetryBase, then doubling up to
// RetryMax; after MaxAttempts the message is given up (kept, with its last
// error, for the operator). 12 attempts span about a day.
const (
	RetryBase   = 30 * time.Second
	RetryMax    = 4 * time.Hour
	MaxAttempts = 12
)

// RetryDelay is the wait after the given number of failed attempts (1 for
// the first failure).
func RetryDelay(failures int) time.Duration {
	d := RetryBase
	for i := 1; i < failures && d < RetryMax; i++ {
		d *= 2
	}
	return min(d, RetryMax)
}

// Mailer moves messages from the outbox to a Sender.
type Mailer struct {
	DB     *store.DB
	Sender Sender
	Log    *slog.Logger
	Batch  int                              // messages claimed at a time (default 20)
	Lease  time.Duration                    // how long a claim holds (default 2 minutes)
	Retry  func(failures int) time.Duration // the wait before a retry (default RetryDelay)
}

// Run sends what is due every interval until ctx ends.
func (m *Mailer) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := m.Flush(ctx); err != nil && ctx.Err() == nil {
			m.log().Warn("mail outbox", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Flush sends every message due now, batch by batch, and reports how many
// were sent. A message that fails is rescheduled, not retried here.
func (m *Mailer) Flush(ctx context.Context) (sent int, err error) {
	batch, lease := m.Batch, m.Lease
	if batch <= 0 {
		batch = 20
	}
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	for {
		claimed, err := m.DB.ClaimMail(ctx, batch, lease)
		if err != nil || len(claimed) == 0 {
			return sent, err
		}
		for _, c := range claimed {
			if serr := m.Sender.Send(ctx, c.Mail); serr != nil {
				failures := c.Attempts + 1
				final := failures >= MaxAttempts
				m.log().Warn("mail not sent", "id", c.ID, "kind", c.Kind, "attempt", failures, "final", final, "error", serr)
				if err := m.DB.MailFailed(ctx, c.ID, serr, time.Now().Add(m.retry(failures)), final); err != nil {
					return sent, err
				}
				continue
			}
			if err := m.DB.MailSent(ctx, c.ID); err != nil {
				return sent, err
			}
			sent++
		}
		if len(claimed) < batch {
			return sent, nil
		}
	}
}

func (m *Mailer) retry(failures int) time.Duration {
	if m.Retry == nil {
		return RetryDelay(failures)
	}
	return m.Retry(failures)
}

func (m *Mailer) log() *slog.Logger {
	if m.Log == nil {
		return slog.Default()
	}
	return m.Log
}

// LogSender writes each message to a log instead of sending it: for the
// demo and development, where there is no mail server (--smtp-url log).
type LogSender struct{ Log *slog.Logger }

// Send logs m whole, link included: never use it where others read the log.
func (l LogSender) Send(_ context.Context, m niaga.Mail) error {
	l.Log.Info("mail (not sent: --smtp-url log)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// NewSender makes the sender of an --smtp-url: "log" for LogSender, an
// smtp:// or smtps:// URL for SMTP.
func NewSender(url string, log *slog.Logger) (Sender, error) {
	if url == "log" {
		return LogSender{Log: log}, nil
	}
	return ParseSMTP(url)
}
