package mail_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"niaga"
	nmail "niaga/mail"
	"niaga/mail/mailtest"
	"niaga/store"
	"niaga/store/storetest"
)

func enqueue(t *testing.T, db *store.DB, m niaga.Mail) {
	t.Helper()
	if err := db.InTx(context.Background(), func(tx *store.Tx) error { return tx.Enqueue(context.Background(), "test", m) }); err != nil {
		t.Fatal(err)
	}
}

func sender(t *testing.T, addr string) *nmail.SMTP {
	t.Helper()
	s, err := nmail.ParseSMTP("smtp://" + addr + "?from=pasar@niaga.id")
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = 5 * time.Second
	return s
}

func TestOutboxDelivers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in := mailtest.Start(t, "127.0.0.1:0")
		enqueue(t, db, niaga.Mail{To: "pembeli@niaga.id", Subject: "Atur ulang kata sandi Niaga — tautan berlaku 1 jam", Text: "Halo,\nbuka tautan ini: http://localhost/reset?token=abc\n"})
		m := &nmail.Mailer{DB: db, Sender: sender(t, in.Addr)}
		if n, err := m.Flush(ctx); err != nil || n != 1 {
			t.Fatalf("flush: %d sent, %v", n, err)
		}
		got := in.Messages()
		if len(got) != 1 {
			t.Fatalf("inbox holds %d messages", len(got))
		}
		if got[0].Subject != "Atur ulang kata sandi Niaga — tautan berlaku 1 jam" {
			t.Fatalf("subject %q", got[0].Subject)
		}
		if !strings.Contains(got[0].Text, "buka tautan ini: http://localhost/reset?token=abc\n") || got[0].To != "pembeli@niaga.id" || got[0].From != "pasar@niaga.id" {
			t.Fatalf("message: %+v", got[0])
		}
		if n, err := m.Flush(ctx); err != nil || n != 0 {
			t.Fatalf("a second flush sent %d (%v): sent twice", n, err)
		}
		if c, err := db.OutboxCounts(ctx); err != nil || c != (store.MailCounts{Sent: 1}) {
			t.Fatalf("counts %+v, %v", c, err)
		}
	})
}

// A mail server that is down loses nothing: the message waits, and goes
// out once the server is back.
func TestOutboxSurvivesAServerThatIsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close() // nobody listens there now
		enqueue(t, db, niaga.Mail{To: "penjual@niaga.id", Subject: "Deposit", Text: "Deposit masuk."})
		m := &nmail.Mailer{DB: db, Sender: sender(t, addr), Retry: func(int) time.Duration { return 0 }, Log: slog.New(slog.DiscardHandler)}
		for range 3 {
			if n, err := m.Flush(ctx); err != nil || n != 0 {
				t.Fatalf("flush to a closed port: %d, %v", n, err)
			}
		}
		if c, _ := db.OutboxCounts(ctx); c != (store.MailCounts{Queued: 1}) {
			t.Fatalf("after failures: %+v", c)
		}
		in := mailtest.Start(t, addr)
		if n, err := m.Flush(ctx); err != nil || n != 1 || len(in.Messages()) != 1 {
			t.Fatalf("after the server came back: %d sent, %v, inbox %d", n, err, len(in.Messages()))
		}
	})
}

type refusing struct{ calls int }

func (r *refusing) Send(context.Context, niaga.Mail) error {
	r.calls++
	return errors.New("550 mailbox unavailable")
}

// After MaxAttempts a message is given up, kept with its error.
func TestOutboxGivesUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		enqueue(t, db, niaga.Mail{To: "x@niaga.id", Subject: "s", Text: "t"})
		r := &refusing{}
		m := &nmail.Mailer{DB: db, Sender: r, Retry: func(int) time.Duration { return 0 }, Log: slog.New(slog.DiscardHandler)}
		for range nmail.MaxAttempts + 3 {
			if _, err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if r.calls != nmail.MaxAttempts {
			t.Fatalf("%d attempts, want %d", r.calls, nmail.MaxAttempts)
		}
		if c, _ := db.OutboxCounts(ctx); c != (store.MailCounts{Failed: 1}) {
			t.Fatalf("counts %+v", c)
		}
	})
}

// Mailers of several instances share one outbox without sending a message
// twice.
func TestOutboxSharedByMailers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in := mailtest.Start(t, "127.0.0.1:0")
		const n = 40
		for i := range n {
			enqueue(t, db, niaga.Mail{To: "b@niaga.id", Subject: "pesan " + string(rune('A'+i%26)), Text: "t"})
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 4 {
			wg.Go(func() {
				m := &nmail.Mailer{DB: db, Sender: sender(t, in.Addr), Batch: 3}
				k, err := m.Flush(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += k
				mu.Unlock()
			})
		}
		wg.Wait()
		if total != n || len(in.Messages()) != n {
			t.Fatalf("sent %d, inbox %d, want %d each", total, len(in.Messages()), n)
		}
	})
}

func TestRetryDelay(t *testing.T) {
	cases := []struct {
		failures int
		want     time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {9, 256 * 30 * time.Second}, {10, nmail.RetryMax}, {100, nmail.RetryMax}}
	for _, c := range cases {
		if got := nmail.RetryDelay(c.failures); got != c.want {
			t.Errorf("RetryDelay(%d) = %v, want %v", c.failures, got, c.want)
		}
	}
}

func TestParseSMTP(t *testing.T) {
	for _, bad := range []string{"http://mail.example.com", "smtp://", "smtp://u:p@mail.example.com?starttls=false", "smtp://mail.example.com?from=a%0d%0aBcc:x@y"} {
		if _, err := nmail.ParseSMTP(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	for _, good := range []string{"smtp://127.0.0.1:1025", "smtps://u:p@mail.example.com", "smtp://u:p@mail.example.com:587?from=lelang@niaga.id"} {
		if _, err := nmail.ParseSMTP(good); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
}

func TestComposeRefusesHeaderInjection(t *testing.T) {
	if _, err := nmail.Compose("a@niaga.id", niaga.Mail{To: "b@niaga.id", Subject: "x\r\nBcc: c@evil.example"}, time.Now()); err == nil {
		t.Fatal("a subject with a line break was composed")
	}
}
