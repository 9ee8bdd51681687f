package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"niaga"
	"niaga/store"
)

// Bidding on a phone (issue 16), at 360×800.

// englishLot submits and admits an english lot of 20 000 kg of rice at a
// reserve of Rp 11 200 (increment Rp 100) in a session open for an hour.
func (s *server) englishLot(t *testing.T) niaga.Lot {
	t.Helper()
	ctx := context.Background()
	m, ss := s.market(t, time.Hour, 0)
	lot, err := s.DB.SubmitLot(ctx, s.actor("penjual@niaga.id"), store.LotInput{SessionID: ss.ID, MarketID: m.ID, Commodity: "beras", Grade: "medium",
		Quantity: 20_000, Origin: "Gudang Metro", Mechanism: "english", Reserve: 11_200, Increment: 100})
	if err != nil {
		t.Fatal(err)
	}
	if lot, err = s.DB.DecideLot(ctx, s.actor("lampung@niaga.id"), lot.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	return lot
}

func (s *server) bidCount(t *testing.T, id int64) int64 {
	t.Helper()
	l, err := s.DB.Lot(context.Background(), nil, id, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return l.BidCount
}

// tap clicks a button and waits for nothing: htmx answers in the page.
// The click finds the button in the page at that moment: a live refresh
// may have just replaced it (a new minimum), as it would under a finger.
func (b *tab) tap(sel string) {
	b.t.Helper()
	b.do("tap "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	// On a throttled link the page's scripts arrive after its buttons: a
	// tap before htmx is there would send the form the plain way.
	for deadline := time.Now().Add(20 * time.Second); !eval[bool](b, "!!window.htmx") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if !eval[bool](b, fmt.Sprintf(`(function(){var e=document.querySelector(%q);if(!e)return false;e.click();return true})()`, sel)) {
		b.t.Fatalf("tap %s: no such button", sel)
	}
}

// TestPhoneFirstBid: a buyer on a phone over a slow network types a bid
// with a zero too many: the page shows it back with a warning and sends
// nothing; corrected, the bid is confirmed and placed. A rival bids the
// live minimum in one tap; the first buyer's one-tap button follows the
// new minimum without a reload, its form says it was outbid, and one tap
// takes the lead back.
func TestPhoneFirstBid(t *testing.T) {
	s := startServer(t)
	lot := s.englishLot(t)
	path := "/lots/" + strconv.FormatInt(lot.ID, 10)
	a := s.browser(t)
	a.phone()
	a.throttle(true)
	a.signIn("pembeli@niaga.id")
	start := time.Now()
	a.open(path)
	a.waitSSE()
	if got := a.text("#bid-quick-button"); got != "Tawar Rp 11.200" {
		t.Fatalf("one-tap button %q", got)
	}

	// The typo: 112.000 for 11.200.
	a.fill("#f-price", "112.000")
	a.tap("#bid-form button[type=submit]")
	a.waitText("#bid-far", "10× penawaran minimum Rp 11.200", 15*time.Second)
	if got := a.text("#confirm-value"); got != "Rp 2.240.000.000 (20.000 kg × Rp 112.000)" {
		t.Errorf("lot value %q", got)
	}
	if got := a.text("#confirm-deposit"); got == "" {
		t.Error("no deposit effect in the confirmation")
	}
	time.Sleep(300 * time.Millisecond)
	if n := s.bidCount(t, lot.ID); n != 0 {
		t.Fatalf("the mistyped bid was sent: %d bids", n)
	}
	// Change it, send 11.300, confirm: no warning this time.
	a.tap("#confirm-edit")
	a.do("the form again", chromedp.WaitVisible(chromedp.CSS("#bid-form #f-price")))
	if v := eval[string](a, `document.getElementById("f-price").value`); v != "112000" {
		t.Fatalf("the form came back with %q", v)
	}
	a.fill("#f-price", "11.300")
	a.tap("#bid-form button[type=submit]")
	a.waitText("#confirm-send", "Ya, tawar Rp 11.300", 15*time.Second)
	if a.text("#bid-far") != "" {
		t.Fatalf("a warning for 11.300: %q", a.text("#bid-far"))
	}
	a.tap("#confirm-send")
	a.waitText("#bid-result", "Anda memimpin pada Rp 11.200", 15*time.Second)
	t.Logf("throttled phone: from opening the lot to a confirmed first bid in %v (with the typo caught)", time.Since(start).Round(time.Millisecond))
	if eval[int](a, "document.documentElement.scrollWidth") > phoneWidth {
		t.Errorf("the lot page scrolls sideways after the bid")
	}

	// The rival's one-tap bids the minimum, 11.300: A's maximum answers.
	b := a.another()
	b.phone()
	b.signIn("pembeli2@niaga.id")
	b.open(path)
	b.waitSSE()
	b.waitText("#bid-quick-button", "Tawar Rp 11.300", 15*time.Second)
	b.tap("#bid-quick-button")
	b.waitText("#bid-result", "harga kini Rp 11.300", 15*time.Second)
	b.waitText("#bid-status", "Anda kalah tawar", 15*time.Second)
	b.waitText("#bid-quick-button", "Tawar Rp 11.400", 15*time.Second)
	b.tap("#bid-quick-button")
	b.waitText("#bid-result", "Anda memimpin pada Rp 11.400", 15*time.Second)

	// A's page follows: the new minimum on its button, the outbid notice.
	took := a.waitText("#bid-quick-button", "Tawar Rp 11.500", 15*time.Second)
	a.waitText("#bid-status", "Anda kalah tawar: harga kini Rp 11.400", 15*time.Second)
	t.Logf("the throttled phone's one-tap button followed the rival's bid in %v", took)
	a.tap("#bid-quick-button")
	a.waitText("#bid-result", "Anda memimpin pada Rp 11.500", 15*time.Second)
	if n := s.bidCount(t, lot.ID); n != 4 {
		t.Fatalf("%d bids, want 4", n)
	}
	a.clean()
	b.clean()
}

// offline cuts the tab's network (and tells the page, as a phone losing
// its signal does), or gives it back.
func (b *tab) offline(on bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatalf("network enable: %v", err)
	}
	c := &network.Conditions{Offline: on, Latency: 0, DownloadThroughput: -1, UploadThroughput: -1}
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{c}}); err != nil {
		b.t.Fatalf("network conditions: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: on, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		b.t.Fatalf("network state: %v", err)
	}
}

// TestPhoneOfflineAndBack: a buyer's phone loses its network while another
// buyer bids; the page says the connection is lost; back online, the
// banner goes and the page shows the new price without a reload.
func TestPhoneOfflineAndBack(t *testing.T) {
	s := startServer(t)
	lot := s.englishLot(t)
	path := "/lots/" + strconv.FormatInt(lot.ID, 10)
	a := s.browser(t)
	a.phone()
	a.signIn("pembeli@niaga.id")
	a.open(path)
	a.waitSSE()
	if a.text("#conn-banner") != "" {
		t.Fatalf("a banner while connected: %q", a.text("#conn-banner"))
	}

	a.offline(true)
	took := a.waitText("#conn-banner", "Koneksi terputus", 5*time.Second)
	t.Logf("offline: the banner showed after %v", took)
	if role := eval[string](a, `document.getElementById("conn-banner").getAttribute("role")`); role != "status" {
		t.Errorf("banner role %q", role)
	}
	// Another buyer bids while the phone is offline.
	ctx := context.Background()
	if _, err := s.DB.PlaceBid(ctx, store.BidRequest{Actor: s.actor("pembeli2@niaga.id"), LotID: lot.ID, In: niaga.BidInput{Price: 11_200, MaxPrice: 12_000}, At: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.PlaceBid(ctx, store.BidRequest{Actor: s.actor("pembeli@niaga.id"), LotID: lot.ID, In: niaga.BidInput{Price: 11_700}, At: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if got := a.text("#lot-price"); got != "Rp 11.200" {
		t.Fatalf("offline, the page shows %q, want the price it had (Rp 11.200)", got)
	}

	a.offline(false)
	back := time.Now()
	a.waitText("#lot-price", "Rp 11.800", 10*time.Second)
	t.Logf("back online: the right price after %v", time.Since(back).Round(time.Millisecond))
	a.waitText("#bid-status", "Anda kalah tawar", time.Second)
	for deadline := time.Now().Add(3 * time.Second); a.text("#conn-banner") != "" && time.Now().Before(deadline); {
		time.Sleep(25 * time.Millisecond)
	}
	if got := a.text("#conn-banner"); got != "" {
		t.Fatalf("the banner stayed after reconnecting: %q", got)
	}
	if got := a.text("#lot-bids"); got != "2" {
		t.Fatalf("bid count %q", got)
	}
	a.clean()
}

// cut cuts the tab's network without telling the page (navigator.onLine
// stays true, as on a Wi-Fi without internet or a phone between cells),
// or gives it back: the open stream neither ends nor errs.
func (b *tab) cut(on bool) {
	b.t.Helper()
	c := &network.Conditions{Offline: on, Latency: 0, DownloadThroughput: -1, UploadThroughput: -1}
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{c}}); err != nil {
		b.t.Fatalf("network conditions: %v", err)
	}
}

// TestPhoneSilentDrop: the connection dies without the browser noticing;
// the page, hearing no heartbeat, says so and reconnects, and shows the
// price of a bid made meanwhile once the network is back. The page's
// patience is shortened from 40 s to 3 s for the test.
func TestPhoneSilentDrop(t *testing.T) {
	s := startServer(t)
	lot := s.englishLot(t)
	a := s.browser(t)
	a.phone()
	a.signIn("pembeli@niaga.id")
	a.open("/lots/" + strconv.FormatInt(lot.ID, 10))
	a.waitSSE()
	if _, err := chromedp.Call(a.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	a.cut(true)
	eval[float64](a, "niagaLive.silence = 3000")
	cut := time.Now()
	a.waitText("#conn-banner", "Koneksi terputus", 15*time.Second)
	t.Logf("silent drop: the banner showed after %v", time.Since(cut).Round(time.Millisecond))
	if _, err := s.DB.PlaceBid(context.Background(), store.BidRequest{Actor: s.actor("pembeli2@niaga.id"), LotID: lot.ID, In: niaga.BidInput{Price: 11_600}, At: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	a.cut(false)
	back := time.Now()
	eval[float64](a, "niagaLive.silence = 40000")
	a.waitText("#lot-price", "Rp 11.200", 10*time.Second)
	a.waitText("#lot-bids", "1", 10*time.Second)
	for deadline := time.Now().Add(10 * time.Second); a.text("#conn-banner") != "" && time.Now().Before(deadline); {
		time.Sleep(25 * time.Millisecond)
	}
	if got := a.text("#conn-banner"); got != "" {
		t.Fatalf("the banner stayed after the network came back: %q", got)
	}
	t.Logf("network back: the bid shown and the banner gone after %v", time.Since(back).Round(time.Millisecond))
	a.problemsExcept("/stream") // the stream's reconnections failed while the network was cut
	a.clean()
}

// TestPhoneLotOpens: a buyer watches a lot that opens in a few seconds
// (enough for signing in and opening the page on a busy machine);
// when it opens, the bid form and the one-tap bid appear without a
// reload, and the first tap bids the reserve.
func TestPhoneLotOpens(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	org := s.actor("lampung@niaga.id")
	m, _ := s.market(t, time.Hour, 0)
	opens := time.Now().Add(15 * time.Second)
	ss, err := s.DB.CreateSession(ctx, org, store.SessionInput{Title: "Sesi Segera", Kind: "spot", StartsAt: opens, EndsAt: opens.Add(time.Hour), MarketIDs: []int64{m.ID}})
	if err != nil {
		t.Fatal(err)
	}
	lot, err := s.DB.SubmitLot(ctx, s.actor("penjual@niaga.id"), store.LotInput{SessionID: ss.ID, MarketID: m.ID, Commodity: "beras", Grade: "medium",
		Quantity: 20_000, Origin: "Gudang Metro", Mechanism: "english", Reserve: 11_200, Increment: 100})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.DecideLot(ctx, org, lot.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	a := s.browser(t)
	a.phone()
	a.signIn("pembeli@niaga.id")
	a.open("/lots/" + strconv.FormatInt(lot.ID, 10))
	a.waitSSE()
	if a.text("#bid-not-open") == "" || eval[int](a, `document.querySelectorAll("#bid-form").length`) != 0 {
		t.Fatalf("before the opening, the bid box says %q", a.text("#bidbox"))
	}
	a.submit("#watch-button")
	if got := a.text(".flash"); got != "Ditambahkan ke daftar pantau." {
		t.Fatalf("watch: flash %q", got)
	}
	a.waitSSE()
	took := a.waitText("#bid-quick-button", "Tawar Rp 11.200", 25*time.Second)
	t.Logf("waited %v for the opening; the one-tap bid showed %v after it, without a reload", took.Round(time.Millisecond), time.Since(opens).Round(time.Millisecond))
	a.waitText(".live .badge", "dibuka", time.Second)
	a.tap("#bid-quick-button")
	a.waitText("#bid-result", "Anda memimpin pada Rp 11.200", 5*time.Second)
	a.clean()
}
