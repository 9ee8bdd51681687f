package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"niaga"
	"niaga/mail/mailtest"
	"niaga/store"
)

// The trader's own path from nothing to a verified business, on a 360 px
// phone over a slow link, in Bahasa Indonesia: sign up, confirm the
// address from the mail, upload an ID card and a business paper, and be
// told of the organizer's approval (in the app and by mail). actions counts
// what the trader does (a page opened by hand, a form sent, a link
// followed, a file chosen).
func TestTraderJoins(t *testing.T) {
	s := startServer(t)
	trader := s.browser(t)
	trader.phone()
	trader.throttle(true)
	actions := 0
	act := func(what string) { actions++; t.Logf("trader action %d: %s", actions, what) }

	trader.open("/")
	act("open the site")
	trader.do("follow the sign-up link", chromedp.Click(chromedp.CSS(`a[href="/signup"]`)), chromedp.WaitVisible(chromedp.CSS("#f-business_name")))
	act("tap «Daftar sebagai pelaku usaha»")
	for sel, v := range map[string]string{"#f-name": "Ani Lestari", "#f-email": "ani@tokoberas.id", "#f-phone": "0812 7788 9900",
		"#f-password": "beras-lampung-2026", "#f-business_name": "Toko Beras Ani", "#f-city": "Metro", "#f-nib": "9120001234567",
		"#f-bank_name": "Bank Lampung", "#f-bank_account": "0123456789", "#f-bank_holder": "Ani Lestari"} {
		trader.fill(sel, v)
	}
	trader.do("choose the province", chromedp.SetValue(chromedp.CSS("#f-province"), "18"))
	trader.submit("form[action='/signup'] button[type=submit]")
	act("fill in and send the sign-up form")
	if trader.path() != "/account/verification" || !strings.Contains(trader.text("#state"), "Belum diverifikasi") {
		t.Fatalf("after sign-up: at %s, state %q, alert %q", trader.path(), trader.text("#state"), trader.text(".alert"))
	}

	// The confirmation link, from the mail.
	link := waitMail(t, s.Inbox, "ani@tokoberas.id", "Konfirmasi email", regexp.MustCompile(`http://\S+/confirm-email\?token=\S+`))
	trader.do("open the mailed link", chromedp.Navigate(link))
	act("open the link in the mail")
	trader.submit("form[action='/confirm-email'] button[type=submit]")
	act("tap «Konfirmasi»")
	if trader.path() != "/account/verification" || trader.text(".flash") != "Email terkonfirmasi." {
		t.Fatalf("after confirming: at %s, flash %q", trader.path(), trader.text(".flash"))
	}

	// The documents: a scan of the ID card, a photo of the NIB.
	dir := t.TempDir()
	for _, d := range []struct{ kind, name string }{{"identity", "ktp.pdf"}, {"business", "nib.pdf"}} {
		path := filepath.Join(dir, d.name)
		if err := os.WriteFile(path, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		trader.do("choose "+d.name, chromedp.SetUploadFiles(chromedp.CSS("#f-"+d.kind), []string{path}))
		act("choose the file " + d.name)
	}
	trader.submit("form[action='/account/documents'] button[type=submit]")
	act("tap «Unggah»")
	if docs := trader.text("#documents"); !strings.Contains(docs, "ktp.pdf") || !strings.Contains(docs, "nib.pdf") {
		t.Fatalf("documents not listed: %q / %q", docs, trader.text(".alert"))
	}
	if !strings.Contains(trader.text("#state"), "Menunggu verifikasi") {
		t.Fatalf("state after both documents: %q", trader.text("#state"))
	}
	trader.checkWidth("trader", "/account/verification")

	// The organizer of Lampung approves, on another device.
	staff := trader.another()
	staff.signIn("lampung@niaga.id")
	staff.open("/verifications")
	if !strings.Contains(staff.text("main"), "Toko Beras Ani") {
		t.Fatalf("the queue lacks the new business: %q", staff.text("main"))
	}
	staff.submit(`section[id^="case-"] button[value="approved"]`)
	if !strings.Contains(staff.text(".flash"), "disetujui") {
		t.Fatalf("approval: flash %q, alert %q", staff.text(".flash"), staff.text(".alert"))
	}

	// The trader is told: the bell counts it live, and a mail arrives.
	trader.waitText(".bell .count", "1", 30*time.Second)
	waitMail(t, s.Inbox, "ani@tokoberas.id", "Toko Beras Ani terverifikasi", regexp.MustCompile(`/account/verification`))
	trader.open("/account/verification")
	if !strings.Contains(trader.text("#state"), "Terverifikasi") {
		t.Fatalf("state after approval: %q", trader.text("#state"))
	}
	t.Logf("the trader's own actions from nothing to a verified business: %d (plus one approval by staff)", actions)

	// The deposit: the lot says what is missing and how to pay; the trader
	// pays at the bank with the reference; the organizer imports the
	// statement; the trader is told.
	lot, market := s.lampungEnglishLot(t)
	trader.open(fmt.Sprintf("/lots/%d", lot.ID))
	act("open the lot")
	if !strings.Contains(trader.text("#bid-missing"), "Rp") {
		t.Fatalf("the lot does not say what is missing: %q / %q", trader.text("#bid-missing"), trader.text("#bid-deposit"))
	}
	ref := strings.ReplaceAll(trader.text("#bid-payhow .payref"), " ", "")
	if len(ref) != 16 {
		t.Fatalf("payment reference %q", ref)
	}
	act("pay the guarantee at the bank, with the reference in the remark (outside Niaga)")
	statement := filepath.Join(dir, "mutasi.csv")
	today := time.Now()
	csv := fmt.Sprintf("No. rekening : ;%s\nPeriode : ;%s - %s\nTanggal Transaksi;Keterangan;Cabang;Jumlah;;Saldo\n'%s;TRSF E-BANKING CR %s TOKO BERAS ANI;'0998;%s;CR;%s\n",
		market.Payment.AccountNumber, today.Format("02/01/2006"), today.Format("02/01/2006"), today.Format("02/01"), ref, niaga.FormatInt(lot.Guarantee, "id")+",00", niaga.FormatInt(lot.Guarantee+1_000_000, "id")+",00")
	if err := os.WriteFile(statement, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	staff.open(fmt.Sprintf("/markets/%d/statement", market.ID))
	staff.do("choose the statement", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{statement}))
	staff.submit("#statement-form button[type=submit]")
	if staff.text("#statement-confirm button") == "" {
		t.Fatalf("the preview credits nothing: %q / %q\n%s", staff.text("#statement-result"), staff.text(".alert"), csv)
	}
	staff.submit("#statement-confirm button[type=submit]")
	if !strings.Contains(staff.text("#statement-done"), "1") {
		t.Fatalf("statement import: %q / %q", staff.text("#statement-result"), staff.text(".alert"))
	}
	trader.waitText(".bell .count", "2", 30*time.Second) // the approval, unread, and now the deposit
	waitMail(t, s.Inbox, "ani@tokoberas.id", "Uang jaminan", regexp.MustCompile(`/deposits`))
	trader.open(fmt.Sprintf("/lots/%d", lot.ID))
	act("open the lot again")
	if trader.text("#bid-missing") != "" {
		t.Fatalf("still missing after the credit: %q", trader.text("#bid-missing"))
	}

	// The first bid: a typed price above the minimum is shown back first.
	price := lotMinNext(t, s, lot.ID) + 200
	trader.fill("#f-price", niaga.FormatInt(price, "id"))
	trader.tap("#bid-form button[type=submit]")
	act("type a price and tap «Tawar»")
	trader.waitText("#confirm-send", "Ya, tawar "+niaga.FormatRupiah(price, "id"), 10*time.Second)
	if trader.text("#confirm-deposit") == "" || trader.text("#confirm-value") == "" {
		t.Fatalf("the confirmation lacks the value or the deposit effect: %q", trader.text("#bid-confirm"))
	}
	trader.tap("#confirm-send")
	act("tap «Ya, tawar»")
	trader.waitText("#bid-result", "Anda memimpin", 15*time.Second)
	trader.checkWidth("trader", fmt.Sprintf("/lots/%d", lot.ID))
	t.Logf("the trader's own actions from nothing to a first bid: %d (plus one approval and one statement import by staff); "+
		"with the one-tap «Tawar Rp N» instead of a typed price and its confirmation: %d", actions, actions-1)
	trader.clean()
}

// lotMinNext is the lot's minimum next bid now.
func lotMinNext(t *testing.T, s *server, id int64) int64 {
	t.Helper()
	l, err := s.DB.Lot(context.Background(), nil, id, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return l.MinNext
}

// lampungEnglishLot is an open english lot of a Lampung market and its market.
func (s *server) lampungEnglishLot(t *testing.T) (niaga.Lot, niaga.Market) {
	t.Helper()
	ctx := context.Background()
	lots, err := s.DB.Lots(ctx, nil, store.LotFilter{Status: niaga.LotAdmitted}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lots {
		if l.Mechanism != "english" || l.State != "open" {
			continue
		}
		m, err := s.DB.Market(ctx, l.MarketID)
		if err != nil {
			t.Fatal(err)
		}
		if m.OrganizerOrgID == s.Data.Orgs["pl_lampung"].ID && m.Payment.Set() {
			return l, m
		}
	}
	t.Fatal("no open english lot at a Lampung market with payment instructions")
	return niaga.Lot{}, niaga.Market{}
}

// waitMail waits for a mail to to whose subject contains subject and
// returns the first match of re in its text.
func waitMail(t *testing.T, in *mailtest.Inbox, to, subject string, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range in.Messages() {
			if m.To == to && strings.Contains(m.Subject, subject) {
				if got := re.FindString(m.Text); got != "" {
					return got
				}
				t.Fatalf("mail %q lacks %s:\n%s", m.Subject, re, m.Text)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no mail to %s about %q within 20 s (%d mails in all)", to, subject, len(in.Messages()))
	return ""
}

// An outbid reaches the trader on the phone: the bell counts it on the
// page being read (it asks every 15 s), and, since the trader asked for it on the account
// page, a mail arrives.
func TestOutbidNotification(t *testing.T) {
	s := startServer(t)
	ani := s.browser(t)
	ani.phone()
	ani.signIn("pembeli@niaga.id")
	ani.open("/account")
	ani.do("mail me outbids", chromedp.Click(chromedp.CSS(`input[name="email.outbid"]`)))
	ani.submit("#notifications button[type=submit]")
	if ani.text(".flash") == "" {
		t.Fatalf("preferences not saved: %q", ani.text(".alert"))
	}
	lot, _ := s.lampungEnglishLot(t)
	ctx := context.Background()
	bid := func(email string, price int64) store.BidResult {
		r, err := s.DB.PlaceBid(ctx, store.BidRequest{Actor: s.actor(email), LotID: lot.ID, In: store.BidInput{Price: price}, At: time.Now()})
		if err != nil {
			t.Fatalf("bid of %s: %v", email, err)
		}
		return r
	}
	r := bid("pembeli@niaga.id", lot.MinNext)
	for !r.Leading {
		r = bid("pembeli@niaga.id", r.MinNext)
	}
	ani.open(fmt.Sprintf("/lots/%d", lot.ID))
	before := ani.text(".bell .count")
	for range 50 { // Budi bids until he leads (Ani may hold a proxy maximum)
		if r = bid("pembeli2@niaga.id", r.MinNext); r.Leading {
			break
		}
	}
	deadline := time.After(30 * time.Second) // the bell asks every 15 s
	for ani.text(".bell .count") == before {
		select {
		case <-deadline:
			t.Fatalf("the bell stayed at %q", before)
		case <-time.After(100 * time.Millisecond):
		}
	}
	waitMail(t, s.Inbox, "pembeli@niaga.id", "dilampaui", regexp.MustCompile(fmt.Sprintf(`/lots/%d`, lot.ID)))
	ani.open("/notifications")
	if !strings.Contains(ani.text(".notifications"), fmt.Sprintf("lot #%d dilampaui", lot.ID)) {
		t.Fatalf("notifications page: %q", ani.text(".notifications"))
	}
	if ani.text(".bell .count") != "" && ani.text(".bell .count") != "0" {
		t.Fatalf("the bell still counts after the page was read: %q", ani.text(".bell .count"))
	}
	ani.clean()
}
