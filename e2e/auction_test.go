package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"niaga"
	"niaga/store"
)

// actor is a demo user as the store sees it.
func (s *server) actor(email string) *niaga.Actor {
	u := s.Data.Users[email]
	return &niaga.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name}
}

// market opens a market run by the Lampung organizer with deposits for
// both demo buyers, and a session open from a minute ago until ends.
func (s *server) market(t *testing.T, ends time.Duration, softClose time.Duration) (niaga.Market, niaga.AuctionSession) {
	t.Helper()
	ctx := context.Background()
	org := s.actor("lampung@niaga.id")
	m, err := s.DB.CreateMarket(ctx, org, store.MarketInput{Name: "Pasar Lelang Uji " + t.Name(), Province: "18", FeeBuyerBps: 10, FeeSellerBps: 10,
		DepositRatioBps: 1000, Mechanisms: []string{"english", "sealed_first"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"pembeli@niaga.id", "pembeli2@niaga.id"} {
		if _, err := s.DB.RecordDeposit(ctx, org, m.ID, store.DepositInput{OrgID: s.actor(b).OrgID, Kind: "deposit", Amount: 5_000_000_000}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	ss, err := s.DB.CreateSession(ctx, org, store.SessionInput{Title: "Sesi Uji " + t.Name(), Kind: "spot", StartsAt: now.Add(-time.Minute), EndsAt: now.Add(ends),
		SoftCloseSec: int64(softClose / time.Second), MarketIDs: []int64{m.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return m, ss
}

// TestLotSubmitAndAdmit: a seller submits a lot through the form; the
// market's organizer admits it from the admission queue in another
// browser context; the lot opens to buyers.
func TestLotSubmitAndAdmit(t *testing.T) {
	s := startServer(t)
	m, ss := s.market(t, 2*time.Hour, 3*time.Minute)
	seller := s.browser(t)
	seller.signIn("penjual@niaga.id")
	seller.open("/lots/new?session=" + strconv.FormatInt(ss.ID, 10))
	seller.do("choose session and commodity",
		chromedp.SetValue(chromedp.CSS("#f-session_market"), fmt.Sprintf("%d:%d", ss.ID, m.ID)),
		chromedp.SetValue(chromedp.CSS("#f-commodity_grade"), "beras|premium"),
		chromedp.SetValue(chromedp.CSS("#f-mechanism"), "english"))
	seller.fill("#f-quantity", "15.000")
	seller.fill("#f-origin", "Gudang Natar, Lampung Selatan")
	seller.fill("#f-reserve", "12.800")
	seller.submit("#lot-form button[type=submit]") // no increment: refused next to the field
	if got := seller.text("#e-increment"); got != "Wajib diisi (lebih dari nol) untuk lelang naik." {
		t.Fatalf("missing increment: %q (alert %q)", got, seller.text(".alert"))
	}
	seller.fill("#f-increment", "50")
	seller.submit("#lot-form button[type=submit]")
	if got := seller.text(".flash"); got != "Lot diajukan; menunggu verifikasi penyelenggara." {
		t.Fatalf("submit: flash %q, alert %q", got, seller.text(".alert"))
	}
	lotPath := seller.path()
	if !strings.HasPrefix(lotPath, "/lots/") || seller.text(".live .badge") != "menunggu verifikasi" {
		t.Fatalf("after submit at %s, state %q", lotPath, seller.text(".live .badge"))
	}
	id := strings.TrimPrefix(lotPath, "/lots/")

	organizer := seller.another()
	organizer.signIn("lampung@niaga.id")
	organizer.open("/admission")
	if !strings.Contains(organizer.text("#admit-"+id), "Beras premium") {
		t.Fatalf("lot %s not in the admission queue: %q", id, organizer.text(".admit"))
	}
	organizer.submit("form[action='/lots/" + id + "/admit'] button")
	if got := organizer.text(".flash"); got != "Lot diterima dan terbuka bagi pembeli." {
		t.Fatalf("admit: flash %q, alert %q", got, organizer.text(".alert"))
	}
	seller.open(lotPath)
	if got := seller.text(".live .badge"); got != "dibuka" {
		t.Fatalf("after admission the lot is %q", got)
	}
	if got := seller.text("#bidbox"); !strings.Contains(got, "Ini lot Anda sendiri") {
		t.Fatalf("seller's bid box: %q", got)
	}
	seller.clean()
	organizer.clean()
}

// TestLiveBidding: two buyers on the same lot page in two browser contexts
// each see the other's bid without reloading; a bid in the soft-close
// window moves the countdown; a too-low bid is refused with the minimum.
func TestLiveBidding(t *testing.T) {
	s := startServer(t)
	m, ss := s.market(t, 45*time.Second, time.Minute)
	ctx := context.Background()
	lot, err := s.DB.SubmitLot(ctx, s.actor("penjual@niaga.id"), store.LotInput{SessionID: ss.ID, MarketID: m.ID, Commodity: "beras", Grade: "medium",
		Quantity: 20_000, Origin: "Gudang Metro", Mechanism: "english", Reserve: 11_500, Increment: 50})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.DecideLot(ctx, s.actor("lampung@niaga.id"), lot.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	path := "/lots/" + strconv.FormatInt(lot.ID, 10)

	a := s.browser(t)
	a.signIn("pembeli@niaga.id")
	b := a.another()
	b.signIn("pembeli2@niaga.id")
	a.open(path)
	b.open(path)
	a.waitSSE()
	b.waitSSE()
	endsBefore := eval[int64](b, `Number(document.getElementById("lot-countdown").dataset.ends)`)
	leftBefore := b.text("#lot-countdown")

	// A bids the reserve: A leads; B sees the price, the count and the new end.
	a.fill("#f-price", "11.500")
	a.do("bid", chromedp.Click(chromedp.CSS("#bid-form button[type=submit]")))
	a.waitText("#bid-result", "Anda memimpin pada Rp 11.500", 5*time.Second)
	took := b.waitText("#lot-price", "Rp 11.500", 3*time.Second)
	t.Logf("B saw A's bid after %v", took)
	b.waitText("#lot-bids", "1", time.Second)
	b.waitText("#lot-ends", "diperpanjang 1×", 3*time.Second)
	endsAfter := eval[int64](b, `Number(document.getElementById("lot-countdown").dataset.ends)`)
	if endsAfter-endsBefore < 50_000 {
		t.Fatalf("the soft close did not move the end: %d → %d", endsBefore, endsAfter)
	}
	// The swapped-in countdown shows the end time until the next tick of
	// the page's clock turns it into minutes and seconds: wait for that.
	leftAfter := b.text("#lot-countdown")
	for deadline := time.Now().Add(3 * time.Second); !countdownText.MatchString(leftAfter) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		leftAfter = b.text("#lot-countdown")
	}
	if secs(leftAfter) <= secs(leftBefore)+30 {
		t.Fatalf("countdown %q before, %q after: not extended", leftBefore, leftAfter)
	}

	// B outbids with a proxy maximum (above the minimum: B confirms it);
	// A sees the new price and loses the lead.
	b.fill("#f-price", "11.550")
	b.fill("#f-max_price", "12.000")
	b.do("bid", chromedp.Click(chromedp.CSS("#bid-form button[type=submit]")))
	b.confirmBid()
	b.waitText("#bid-result", "Anda memimpin pada Rp 11.550", 5*time.Second)
	a.waitText("#lot-price", "Rp 11.550", 3*time.Second)
	if a.text("#lot-leading") != "" {
		t.Fatal("A still shown as leading after B's bid")
	}

	// A bids below the minimum: a clear refusal naming it.
	a.fill("#f-price", "11.550")
	a.do("low bid", chromedp.Click(chromedp.CSS("#bid-form button[type=submit]")))
	a.waitText("#bid-result", "Penawaran terlalu rendah: minimal Rp 11.600.", 5*time.Second)

	// A bids above B's hidden maximum: B's proxy answers up to 12.000, A leads at 12.050.
	a.fill("#f-price", "12.050")
	a.do("bid over the proxy", chromedp.Click(chromedp.CSS("#bid-form button[type=submit]")))
	a.confirmBid()
	a.waitText("#bid-result", "Anda memimpin pada Rp 12.050", 5*time.Second)
	b.waitText("#lot-price", "Rp 12.050", 3*time.Second)
	a.clean()
	b.clean()
}

// waitSSE waits until the page's event stream is open (live.js marks it).
func (b *tab) waitSSE() {
	b.t.Helper()
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(25 * time.Millisecond) {
		if eval[bool](b, `(function(){var e=document.querySelector("[data-live-stream]");return !!e&&e.dataset.conn==="open"})()`) {
			return
		}
	}
	b.t.Fatal("event stream not open after 5s")
}

// confirmBid waits for the confirmation of a typed bid above the minimum
// and sends it.
func (b *tab) confirmBid() {
	b.t.Helper()
	b.do("confirm the bid", chromedp.WaitVisible(chromedp.CSS("#confirm-send")), chromedp.Click(chromedp.CSS("#confirm-send")))
}

// secs reads a countdown "1:02:03" or "2:03" as seconds.
var countdownText = regexp.MustCompile(`^\d+(:\d\d)+$`)

func secs(s string) int {
	n := 0
	for _, part := range strings.Split(s, ":") {
		v, _ := strconv.Atoi(strings.TrimSpace(part))
		n = n*60 + v
	}
	return n
}

// TestLotCloses: when the lot ends, both pages turn to the result without
// a reload: the winner sees that it won, and neither can bid any more.
func TestLotCloses(t *testing.T) {
	s := startServer(t)
	m, ss := s.market(t, 12*time.Second, 0)
	ctx := context.Background()
	lot, err := s.DB.SubmitLot(ctx, s.actor("kopi@niaga.id"), store.LotInput{SessionID: ss.ID, MarketID: m.ID, Commodity: "kopi_robusta", Grade: "4",
		Quantity: 5_000, Origin: "Tanggamus", Mechanism: "english", Reserve: 38_000, Increment: 250})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.DecideLot(ctx, s.actor("lampung@niaga.id"), lot.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	path := "/lots/" + strconv.FormatInt(lot.ID, 10)
	a := s.browser(t)
	a.signIn("pembeli@niaga.id")
	b := a.another()
	b.signIn("pembeli2@niaga.id")
	a.open(path)
	b.open(path)
	a.waitSSE()
	b.waitSSE()
	a.fill("#f-price", "38.000")
	a.do("bid", chromedp.Click(chromedp.CSS("#bid-form button[type=submit]")))
	a.waitText("#bid-result", "Anda memimpin pada Rp 38.000", 5*time.Second)

	a.waitText("#lot-won", "Anda menang", 20*time.Second)
	a.waitText("#bid-closed", "sudah ditutup", time.Second)
	a.waitText(".live .badge", "ditutup", time.Second)
	b.waitText(".live .badge", "ditutup", 5*time.Second)
	b.waitText("#bid-closed", "sudah ditutup", time.Second)
	if got := b.text("#lot-price"); got != "Rp 38.000" {
		t.Fatalf("B sees the award price %q", got)
	}
	if eval[int](b, `document.querySelectorAll("#bid-form").length`) != 0 {
		t.Fatal("B still has a bid form after the close")
	}
	a.clean()
	b.clean()
}
