package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"niaga"
	"niaga/demo"
)

// todayMission finds the demo's open mission.
func (s *server) todayMission(t *testing.T) int64 {
	t.Helper()
	ms, err := s.DB.Missions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Title == demo.MissionToday {
			return m.ID
		}
	}
	t.Fatalf("no mission %q in the demo", demo.MissionToday)
	return 0
}

// TestDeskDealOnLiveBoard: a deal entered at the mission desk appears on
// the public live board, open in another browser context, within a second
// and with the right Rupiah total.
func TestDeskDealOnLiveBoard(t *testing.T) {
	s := startServer(t)
	id := s.todayMission(t)
	mp := "/missions/" + strconv.FormatInt(id, 10)
	before, err := s.DB.MissionSummary(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}

	board := s.browser(t) // the big screen: nobody signed in
	board.open(mp + "/board")
	if got := board.text("#board-total"); got != niaga.FormatRupiah(before.TotalValue, "id") {
		t.Fatalf("board shows %q, want %q", got, niaga.FormatRupiah(before.TotalValue, "id"))
	}
	board.waitText("#board-conn", "langsung", 5*time.Second)
	if n := eval[int](board, `document.querySelectorAll("#chart-commodity, #chart-direction").length`); n != 2 {
		t.Fatalf("%d charts", n)
	}
	if !eval[bool](board, `!!Chart.getChart("chart-commodity") && !!Chart.getChart("chart-direction")`) {
		t.Fatal("charts not drawn")
	}

	desk := board.another()
	desk.signIn("jatim@niaga.id")
	desk.open(mp + "/desk")
	seller := eval[string](desk, `document.querySelectorAll("#f-seller_id option")[1].value`)
	buyer := eval[string](desk, `(function(){var o=document.querySelectorAll("#f-buyer_id option");return o[o.length-1].value})()`)
	desk.do("fill the deal",
		chromedp.SetValue(chromedp.CSS("#f-seller_id"), seller),
		chromedp.SetValue(chromedp.CSS("#f-buyer_id"), buyer),
		chromedp.SetValue(chromedp.CSS("#f-commodity"), "beras"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "purchase"))
	desk.fill("#f-quantity", "25000")
	const value = 297_500_000
	desk.fill("#f-value", "297.500.000")

	want := niaga.FormatRupiah(before.TotalValue+value, "id")
	// Both instants are taken in the browsers, on the machine's clock: when
	// the desk's request leaves, and when the board's total first reads the
	// new figure (a MutationObserver), so the test's own polling and the
	// desk's page reload are not counted.
	eval[bool](board, `(function(){window.__seenAt=0;var el=document.querySelector("#board-total");new MutationObserver(function(){if(!window.__seenAt&&el.textContent.trim()===`+strconv.Quote(want)+`)window.__seenAt=Date.now()}).observe(el,{childList:true,characterData:true,subtree:true});return true})()`)
	sent := make(chan float64, 1) // unix milliseconds
	wctx, stop := context.WithCancel(desk.ctx)
	defer stop()
	requests := chromedp.Events(wctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			if ev.Request.Method == "POST" && strings.HasSuffix(ev.Request.URL, mp+"/deals") {
				sent <- ev.WallTime.Float64() * 1000 // seconds since the epoch
				return
			}
		}
	}()
	desk.submit("#deal-form button[type=submit]")
	if got := desk.text(".flash"); got != "Transaksi tercatat dan tampil di papan." {
		t.Fatalf("record deal: flash %q, alert %q", got, desk.text(".alert"))
	}
	board.waitText("#board-total", want, 3*time.Second)
	var sentAt float64
	select {
	case sentAt = <-sent:
	case <-time.After(time.Second):
		t.Fatal("did not see the desk's form being sent")
	}
	seenAt := eval[float64](board, `window.__seenAt`)
	if elapsed := time.Duration((seenAt - sentAt) * float64(time.Millisecond)); seenAt == 0 || elapsed > time.Second {
		t.Fatalf("the board showed %s %v after the desk sent the deal (want within a second)", want, elapsed)
	} else {
		t.Logf("the board showed the new total %v after the desk sent the deal", elapsed)
	}
	board.waitText("#board-count", niaga.FormatInt(before.Count+1, "id"), time.Second)
	board.waitText("#board-latest li:first-child .value", niaga.FormatRupiah(value, "id"), time.Second)
	// The charts follow from the board's data a moment later.
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if eval[bool](board, `Chart.getChart("chart-commodity").data.labels.some(function(l){return l==="Beras"})`) {
			break
		}
		if time.Since(start) > 3*time.Second {
			t.Fatal("commodity chart has no Beras bar after the deal")
		}
	}
	board.clean()
	desk.clean()
}

// TestBoardLanguage: the public board in English formats money the English way.
func TestBoardLanguage(t *testing.T) {
	s := startServer(t)
	id := s.todayMission(t)
	sum, err := s.DB.MissionSummary(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.open("/missions/" + strconv.FormatInt(id, 10) + "/board")
	b.submit("form.lang button[value=en]")
	if got := b.text("#board-total"); got != niaga.FormatRupiah(sum.TotalValue, "en") {
		t.Fatalf("English board total %q, want %q", got, niaga.FormatRupiah(sum.TotalValue, "en"))
	}
	if got := b.text(".board-label"); got != "Total deals" {
		t.Fatalf("label %q", got)
	}
	b.clean()
}

// TestBoardReconnects: when the connection drops, the board reconnects by
// itself and resumes after the last event it saw: a deal recorded while it
// was away arrives once, and the count stays right.
func TestBoardReconnects(t *testing.T) {
	s := startServer(t)
	id := s.todayMission(t)
	ctx := context.Background()
	before, err := s.DB.MissionSummary(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := s.DB.Participants(ctx, nil, id)
	if err != nil {
		t.Fatal(err)
	}
	var seller, buyer int64
	for _, p := range parts {
		switch {
		case !p.Verified:
		case p.Delegation == "35" && seller == 0:
			seller = p.ID
		case p.Delegation == "63" && buyer == 0:
			buyer = p.ID
		}
	}
	board := s.browser(t)
	board.open("/missions/" + strconv.FormatInt(id, 10) + "/board")
	board.waitText("#board-conn", "langsung", 5*time.Second)

	s.TS.CloseClientConnections() // the ballroom's wifi drops
	desk := s.actor("jatim@niaga.id")
	var total = before.TotalValue
	for i, v := range []int64{150_000_000, 275_500_000} {
		if _, _, err := s.DB.RecordDeal(ctx, desk, id, niaga.NewDeal{SellerID: seller, BuyerID: buyer, Commodity: "gula", Kind: niaga.DealContract,
			Quantity: 10_000 * int64(i+1), Value: v}); err != nil {
			t.Fatal(err)
		}
		total += v
	}
	board.waitText("#board-total", niaga.FormatRupiah(total, "id"), 10*time.Second)
	board.waitText("#board-count", niaga.FormatInt(before.Count+2, "id"), time.Second)
	board.waitText("#board-conn", "langsung", 5*time.Second)
	if n := eval[int](board, `document.querySelectorAll("#board-latest li").length`); n > 10 {
		t.Fatalf("%d latest deals listed", n)
	}
	if n := eval[int](board, `new Set([].map.call(document.querySelectorAll("#board-latest li"), function(li){return li.dataset.id})).size === document.querySelectorAll("#board-latest li").length ? 1 : 0`); n != 1 {
		t.Fatal("a deal is listed twice after the reconnect")
	}
	board.mu.Lock()
	board.problems = nil // the dropped connection itself logs a network error
	board.mu.Unlock()
}
