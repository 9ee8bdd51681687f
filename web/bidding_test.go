package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/store"
)

// Bidding on a phone (issue 16): the confirmation of a typed bid, the
// one-tap bid of the live minimum, a refusal said once, the recent bids as
// offered, "Penawaran saya", the watchlist and its opening notices, live
// session pages and the board's language.

// auctionFixture is a market of the Lampung organizer with deposits for
// both demo buyers, a session open since a minute and one english lot of
// 20 000 kg at a reserve of Rp 11 200 (increment Rp 100).
type auctionFixture struct {
	market  niaga.Market
	session niaga.AuctionSession
	lot     niaga.Lot
	path    string
}

func (e *env) actorOf(email string) *niaga.Actor {
	u := e.Data.Users[email]
	return &niaga.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name}
}

func (e *env) auctionFixture(starts time.Duration) auctionFixture {
	e.t.Helper()
	ctx := e.t.Context()
	org := e.actorOf("lampung@niaga.id")
	m, err := e.DB.CreateMarket(ctx, org, store.MarketInput{Name: "Pasar Lelang Uji Ponsel", Province: "18", FeeBuyerBps: 10, FeeSellerBps: 10,
		DepositRatioBps: 1000, Mechanisms: []string{"english", "sealed_first"}})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, b := range []string{"pembeli@niaga.id", "pembeli2@niaga.id"} {
		if _, err := e.DB.RecordDeposit(ctx, org, m.ID, store.DepositInput{OrgID: e.actorOf(b).OrgID, Kind: "deposit", Amount: 500_000_000}); err != nil {
			e.t.Fatal(err)
		}
	}
	now := time.Now()
	ss, err := e.DB.CreateSession(ctx, org, store.SessionInput{Title: "Sesi Uji Ponsel", Kind: "spot", StartsAt: now.Add(starts), EndsAt: now.Add(starts + 2*time.Hour),
		MarketIDs: []int64{m.ID}})
	if err != nil {
		e.t.Fatal(err)
	}
	l, err := e.DB.SubmitLot(ctx, e.actorOf("penjual@niaga.id"), store.LotInput{SessionID: ss.ID, MarketID: m.ID, Commodity: "beras", Grade: "medium",
		Quantity: 20_000, Origin: "Gudang Metro", Mechanism: "english", Reserve: 11_200, Increment: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	if l, err = e.DB.DecideLot(ctx, org, l.ID, true, ""); err != nil {
		e.t.Fatal(err)
	}
	return auctionFixture{market: m, session: ss, lot: l, path: "/lots/" + itoa(l.ID)}
}

// htmx posts a form as htmx does and returns the fragment.
func (b *browser) htmx(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	return b.do(req)
}

func (e *env) lotNow(id int64) niaga.Lot {
	e.t.Helper()
	var l niaga.Lot
	e.call("GET", fmt.Sprintf("/api/v1/lots/%d", id), "", nil, 200, &l)
	return l
}

// TestBidConfirmation: a typed bid above the minimum is shown back with its
// value and what it holds of the deposit, and is not sent until confirmed;
// one far above the minimum (112 000 typed for 11 200) is flagged; the
// minimum itself, as the one-tap button bids it, goes straight through.
func TestBidConfirmation(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.auctionFixture(-time.Minute)
		buyer := e.browser("")
		buyer.signIn("pembeli@niaga.id")
		p := buyer.get(f.path)
		if got := p.Text("#bid-quick-button"); got != "Tawar Rp 11.200" {
			t.Fatalf("one-tap button %q", got)
		}
		if strings.Contains(p.Text("#bid-deposit"), "belum menyetor") {
			t.Fatalf("deposit hint on the lot page: %q", p.Text("#bid-deposit"))
		}

		// The typo: no bid, a warning with the multiple, the value, the deposit.
		for _, hx := range []bool{false, true} {
			form := url.Values{"idem": {"typo"}, "price": {"112.000"}}
			var p *page
			if hx {
				p = buyer.htmx(f.path+"/bid", form)
			} else {
				p = buyer.post(f.path+"/bid", form)
			}
			if p.Status != 200 || p.Text("#bid-far") != "Rp 112.000 adalah 10× penawaran minimum Rp 11.200. Periksa jumlah nol sebelum mengirim." {
				t.Fatalf("typo (htmx %v): status %d, warning %q, body %q", hx, p.Status, p.Text("#bid-far"), p.Text("#bidbox"))
			}
			if got := p.Text("#confirm-value"); !strings.HasPrefix(got, "Rp 2.240.000.000") {
				t.Fatalf("value %q", got)
			}
			if got := p.Text("#confirm-deposit"); got != "Rp 22.400.000 ditahan dari uang jaminan Anda selama posisi Anda terbuka; tersisa bebas Rp 477.600.000." {
				t.Fatalf("deposit effect %q", got)
			}
			if hx == (p.find("html") != nil && p.ByID("main") != nil) {
				t.Fatalf("htmx %v: got a whole page %v", hx, p.ByID("main") != nil)
			}
			if p.find("input[name=confirm]") == nil || attrOf(p.find("#confirm-form input[name=idem]"), "value") != "typo" {
				t.Fatal("the confirmation does not carry the bid's key")
			}
		}
		if l := e.lotNow(f.lot.ID); l.BidCount != 0 {
			t.Fatalf("an unconfirmed bid was placed: %+v", l)
		}
		// "Change" brings back the form with what was typed.
		p = buyer.htmx(f.path+"/bid", url.Values{"idem": {"typo"}, "price": {"112000"}, "confirm": {"1"}, "edit": {"1"}})
		if attrOf(p.ByID("f-price"), "value") != "112000" || p.ByID("bid-confirm") != nil {
			t.Fatalf("edit: price field %q", attrOf(p.ByID("f-price"), "value"))
		}
		// A maximum alone bids from the minimum; the value is at the price.
		p = buyer.htmx(f.path+"/bid", url.Values{"idem": {"max"}, "max_price": {"15.000"}})
		if p.Text("#confirm-price") != "Rp 11.200 / kg" || p.Text("#confirm-max") != "Rp 15.000 / kg" || p.ByID("bid-far") != nil ||
			!strings.HasPrefix(p.Text("#confirm-value"), "Rp 224.000.000") || !strings.Contains(p.Text("#confirm-value"), "Rp 300.000.000") {
			t.Fatalf("a maximum alone: price %q, max %q, value %q", p.Text("#confirm-price"), p.Text("#confirm-max"), p.Text("#confirm-value"))
		}
		// A bid a little above the minimum: confirmed without a warning.
		p = buyer.htmx(f.path+"/bid", url.Values{"idem": {"k1"}, "price": {"11.300"}})
		if p.ByID("bid-confirm") == nil || p.ByID("bid-far") != nil {
			t.Fatalf("a bid above the minimum: confirm %v, warning %q", p.ByID("bid-confirm") != nil, p.Text("#bid-far"))
		}
		p = buyer.htmx(f.path+"/bid", url.Values{"idem": {"k1"}, "price": {"11300"}, "confirm": {"1"}})
		if got := p.Text("#bid-result"); got != "Penawaran diterima. Anda memimpin pada Rp 11.200." {
			t.Fatalf("confirmed bid: %q", got)
		}
		// The bid reply says what the deposit covers, as the lot page does.
		if got := p.Text("#bid-deposit"); !strings.Contains(got, "Rp 500.000.000") {
			t.Fatalf("bid reply's deposit hint %q", got)
		}

		// The rival taps the live minimum: no confirmation, bid at once.
		rival := e.browser("")
		rival.signIn("pembeli2@niaga.id")
		p = rival.get(f.path)
		if got := p.Text("#bid-quick-button"); got != "Tawar Rp 11.300" {
			t.Fatalf("one-tap after a bid: %q", got)
		}
		form := url.Values{}
		for _, in := range p.findAll("#bid-quick input") {
			form.Set(attrOf(in, "name"), attrOf(in, "value"))
		}
		p = rival.htmx(f.path+"/bid", form)
		if got := p.Text("#bid-result"); got != "Penawaran diterima, tetapi pembeli lain memiliki batas lebih tinggi: harga kini Rp 11.300." {
			t.Fatalf("one-tap bid: %q", got)
		}
		// The rival is outbid at once: its form says so.
		if got := p.Text("#bid-status"); got != "Anda kalah tawar: harga kini Rp 11.300. Tawar lagi minimal Rp 11.400." {
			t.Fatalf("outbid notice %q", got)
		}
		if l := e.lotNow(f.lot.ID); l.BidCount != 2 || l.Price != 11_300 {
			t.Fatalf("after two bids: %+v", l)
		}
	})
}

// TestBidRefusalOnce: a refused bid's message appears once, in the bid
// box, with the field marked; the page's own alert does not repeat it.
func TestBidRefusalOnce(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.auctionFixture(-time.Minute)
		buyer := e.browser("")
		buyer.signIn("pembeli@niaga.id")
		const msg = "Penawaran terlalu rendah: minimal Rp 11.200."
		for _, hx := range []bool{false, true} {
			form := url.Values{"idem": {fmt.Sprint("low", hx)}, "price": {"11.000"}}
			var p *page
			if hx {
				p = buyer.htmx(f.path+"/bid", form)
			} else {
				p = buyer.post(f.path+"/bid", form)
				if p.Status != http.StatusUnprocessableEntity {
					t.Fatalf("refused bid page: status %d", p.Status)
				}
			}
			if n := strings.Count(p.Body, msg); n != 1 || p.Text("#bid-result") != msg {
				t.Fatalf("htmx %v: the refusal appears %d times; #bid-result %q", hx, n, p.Text("#bid-result"))
			}
			in := p.ByID("f-price")
			if attrOf(in, "aria-invalid") != "true" || !strings.Contains(attrOf(in, "aria-describedby"), "bid-result") {
				t.Fatalf("htmx %v: the price field is not marked: %v", hx, in.Attr)
			}
			if strings.Contains(p.Body, "belum menyetor") {
				t.Fatalf("htmx %v: the refusal claims no deposit", hx)
			}
		}
		// A buyer without a deposit at the market is told so, once, without
		// a second "no deposit" hint contradicting or repeating it.
		banua := e.browser("")
		banua.signIn("banua@niaga.id")
		p := banua.htmx(f.path+"/bid", url.Values{"idem": {"b"}, "price": {"11200"}})
		if p.Text("#bid-result") == "" || strings.Count(p.Body, p.Text("#bid-result")) != 1 {
			t.Fatalf("no deposit: %q", p.Text("#bidbox"))
		}
	})
}

// TestRecentBidsAsOffered: the lot's bid list shows what each bidder
// offered at that moment — a bid the leader's proxy beat at once shows its
// own amount, not the price after it — and never the leader's maximum.
func TestRecentBidsAsOffered(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.auctionFixture(-time.Minute)
		bids := fmt.Sprintf("/api/v1/lots/%d/bids", f.lot.ID)
		a, b := e.token("pembeli@niaga.id"), e.token("pembeli2@niaga.id")
		e.call("POST", bids, a, map[string]int64{"price": 11_200, "max_price": 15_000}, 201, nil)
		var res niaga.BidResult
		e.call("POST", bids, b, map[string]int64{"price": 12_000}, 201, &res)
		if res.Leading || res.Price != 12_100 {
			t.Fatalf("the proxy answers: %+v", res)
		}
		var list []niaga.Bid
		e.call("GET", bids, "", nil, 200, &list)
		if len(list) != 2 || list[0].Price != 12_000 || list[1].Price != 11_200 || list[0].MaxPrice != 0 || list[1].MaxPrice != 0 {
			t.Fatalf("public bid list %+v", list)
		}
		for _, who := range []string{"", "pembeli2@niaga.id", "lampung@niaga.id"} {
			br := e.browser("")
			if who != "" {
				br.signIn(who)
			}
			p := br.get(f.path)
			got := p.Text("#bid-list")
			if !strings.Contains(got, "Rp 12.000") || !strings.Contains(got, "Rp 11.200") || strings.Contains(got, "12.100") || strings.Contains(p.Body, "15.000") {
				t.Fatalf("%q sees the bid list %q", who, got)
			}
		}
		// The leader sees its own maximum by its own bid, and only there.
		lead := e.browser("")
		lead.signIn("pembeli@niaga.id")
		if got := lead.get(f.path).Text("#bid-list li.mine"); !strings.Contains(got, "batas Anda Rp 15.000") {
			t.Fatalf("the leader's own row %q", got)
		}
	})
}

// TestMyBidsAndWatchlist: "Penawaran saya" says where the business stands
// on each lot, on the page and over the API; the watchlist is kept from
// the lot and session pages and the API.
func TestMyBidsAndWatchlist(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.auctionFixture(-time.Minute)
		bids := fmt.Sprintf("/api/v1/lots/%d/bids", f.lot.ID)
		a, b := e.token("pembeli@niaga.id"), e.token("pembeli2@niaga.id")
		e.call("POST", bids, a, map[string]int64{"price": 11_200, "max_price": 13_000}, 201, nil)
		e.call("POST", bids, b, map[string]int64{"price": 12_000}, 201, nil)
		standing := func(tok string) niaga.MyBid {
			var mine []niaga.MyBid
			e.call("GET", "/api/v1/me/bids", tok, nil, 200, &mine)
			for _, m := range mine {
				if m.Lot.ID == f.lot.ID {
					return m
				}
			}
			t.Fatalf("lot %d not among my bids: %+v", f.lot.ID, mine)
			return niaga.MyBid{}
		}
		if m := standing(a); m.Standing != niaga.StandingLeading || m.Offer != 11_200 || m.MaxPrice != 13_000 || m.Bids != 1 {
			t.Fatalf("leader: %+v", m)
		}
		if m := standing(b); m.Standing != niaga.StandingOutbid || m.Offer != 12_000 || m.MaxPrice != 12_000 {
			t.Fatalf("outbid: %+v", m)
		}
		e.problem("GET", "/api/v1/me/bids", e.token("lampung@niaga.id"), nil, 403, "forbidden")
		p := e.browser("")
		p.signIn("pembeli2@niaga.id")
		page := p.get("/bids")
		row := page.Text("#mybid-" + itoa(f.lot.ID))
		if !strings.Contains(row, "kalah tawar") || !strings.Contains(row, "Rp 12.000") || page.find("#mybid-"+itoa(f.lot.ID)+" a") == nil {
			t.Fatalf("my bids row %q", row)
		}
		if attrOf(page.find("#mybid-"+itoa(f.lot.ID)+" a"), "href") != f.path {
			t.Fatal("the row does not link to the lot")
		}
		// The close: the leader won, the other lost.
		if _, err := e.DB.CloseLot(t.Context(), f.lot.ID, f.lot.EndsAt.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if m := standing(a); m.Standing != niaga.StandingWon {
			t.Fatalf("after the close, the leader %+v", m)
		}
		if m := standing(b); m.Standing != niaga.StandingLost {
			t.Fatalf("after the close, the other %+v", m)
		}

		// The watchlist over the API.
		up := e.auctionFixture(10 * time.Minute)
		e.call("POST", "/api/v1/me/watchlist", a, map[string]int64{"lot_id": up.lot.ID}, 204, nil)
		e.call("POST", "/api/v1/me/watchlist", a, map[string]int64{"lot_id": up.lot.ID}, 204, nil) // twice: still one
		e.call("POST", "/api/v1/me/watchlist", a, map[string]int64{"session_id": up.session.ID}, 204, nil)
		e.problem("POST", "/api/v1/me/watchlist", a, map[string]int64{}, 400, "invalid")
		e.problem("POST", "/api/v1/me/watchlist", a, map[string]int64{"lot_id": 1, "session_id": 1}, 400, "invalid")
		e.problem("POST", "/api/v1/me/watchlist", a, map[string]int64{"lot_id": 99_999_999}, 404, "not_found")
		var ws []niaga.Watch
		e.call("GET", "/api/v1/me/watchlist", a, nil, 200, &ws)
		if len(ws) != 2 || ws[0].State == "" || (ws[0].Lot == nil) == (ws[1].Lot == nil) {
			t.Fatalf("watchlist %+v", ws)
		}
		e.call("DELETE", fmt.Sprintf("/api/v1/me/watchlist/sessions/%d", up.session.ID), a, nil, 204, nil)
		e.problem("DELETE", fmt.Sprintf("/api/v1/me/watchlist/sessions/%d", up.session.ID), a, nil, 404, "not_found")

		// From the pages: the session page's button, then the list.
		br := e.browser("")
		br.signIn("pembeli@niaga.id")
		sp := "/sessions/" + itoa(up.session.ID)
		pg := br.post(sp+"/watch", url.Values{"watch": {"1"}, "back": {sp}})
		expectFlash(t, "watch a session", pg, "Ditambahkan ke daftar pantau.")
		if pg.URL != sp || pg.Text("#watch-button") != "Berhenti memantau" {
			t.Fatalf("after watching: at %s, button %q", pg.URL, pg.Text("#watch-button"))
		}
		if got := br.get(up.path).Text("#watch-button"); got != "Berhenti memantau" {
			t.Fatalf("lot page's button %q", got)
		}
		list := br.get("/bids")
		if list.ByID(fmt.Sprintf("watch-lot-%d", up.lot.ID)) == nil || list.ByID(fmt.Sprintf("watch-session-%d", up.session.ID)) == nil {
			t.Fatalf("my watchlist %q", list.Text("#watchlist"))
		}
		pg = br.post(up.path+"/watch", url.Values{"watch": {"0"}, "back": {"/bids"}})
		expectFlash(t, "unwatch", pg, "Dihapus dari daftar pantau.")
		if pg.ByID(fmt.Sprintf("watch-lot-%d", up.lot.ID)) != nil {
			t.Fatal("still watched after removal")
		}
	})
}

// TestOpeningNotice: a watcher is told once, a quarter of an hour ahead,
// that a watched lot or session opens; not of one that opens later, nor of
// one already open.
func TestOpeningNotice(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		soon := e.auctionFixture(10 * time.Minute)
		later := e.auctionFixture(40 * time.Minute)
		open := e.auctionFixture(-time.Minute)
		a := e.token("pembeli@niaga.id")
		for _, f := range []auctionFixture{soon, later, open} {
			e.call("POST", "/api/v1/me/watchlist", a, map[string]int64{"lot_id": f.lot.ID}, 204, nil)
			e.call("POST", "/api/v1/me/watchlist", a, map[string]int64{"session_id": f.session.ID}, 204, nil)
		}
		// The server's own background step may tell them first: count what
		// was told, not who told it.
		for range 2 {
			if _, err := e.DB.NotifyOpenings(t.Context(), store.OpeningLead, 100); err != nil {
				t.Fatal(err)
			}
		}
		ns, _, err := e.DB.Notifications(t.Context(), e.actorOf("pembeli@niaga.id"), 100)
		if err != nil {
			t.Fatal(err)
		}
		told := map[string]bool{}
		for _, n := range ns {
			if n.Kind != niaga.NotifyLotOpening {
				continue
			}
			if n.Params["opens_at"] == nil || n.Params["title"] == nil {
				t.Fatalf("notice without its figures: %+v", n)
			}
			if told[n.Link] {
				t.Fatalf("told twice: %s", n.Link)
			}
			told[n.Link] = true
		}
		want := map[string]bool{soon.path: true, "/sessions/" + itoa(soon.session.ID): true}
		if len(told) != 2 || !told[soon.path] || !want["/sessions/"+itoa(soon.session.ID)] || !told["/sessions/"+itoa(soon.session.ID)] {
			t.Fatalf("told %v, want %v", told, want)
		}
		var ws []niaga.Watch
		e.call("GET", "/api/v1/me/watchlist", a, nil, 200, &ws)
		for _, w := range ws {
			if w.Notified != (w.Kind == niaga.WatchLot && w.ID == soon.lot.ID || w.Kind == niaga.WatchSession && w.ID == soon.session.ID) {
				t.Fatalf("watch %s %d notified %v", w.Kind, w.ID, w.Notified)
			}
		}
	})
}

// TestLotLive: the live refresh replaces the whole bid box when the lot's
// state changed since the page showed it (a lot that opens becomes
// biddable without a reload), else only the one-tap bid and the outbid
// notice, so a price being typed stays.
func TestLotLive(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.auctionFixture(-time.Minute)
		buyer := e.browser("")
		buyer.signIn("pembeli@niaga.id")
		p := buyer.get(f.path)
		live := p.ByID("lot-live")
		if attrOf(live, "hx-get") != f.path+"/live?shown=open" || !strings.Contains(attrOf(live, "hx-trigger"), "niaga:refresh delay") {
			t.Fatalf("live part: %v", live.Attr)
		}
		if p.find("[data-live-stream]") == nil || attrOf(p.ByID("conn-banner"), "role") != "status" {
			t.Fatal("no stream or connection banner")
		}
		same := buyer.get(f.path + "/live?shown=open")
		if same.find("section[hx-swap-oob]") != nil || attrOf(same.ByID("bid-quick"), "hx-swap-oob") != "true" || attrOf(same.ByID("bid-status"), "hx-swap-oob") != "true" {
			t.Fatalf("same state: %s", same.Body)
		}
		changed := buyer.get(f.path + "/live?shown=upcoming")
		box := changed.ByID("bidbox")
		if box == nil || attrOf(box, "hx-swap-oob") != "true" || changed.ByID("bid-form") == nil || attrOf(changed.ByID("bid-quick"), "hx-swap-oob") != "" {
			t.Fatalf("state changed: %s", changed.Body)
		}
		if !strings.Contains(changed.Text("#bid-deposit"), "Rp 500.000.000") {
			t.Fatalf("replaced bid box's deposit %q", changed.Text("#bid-deposit"))
		}

		// An upcoming lot: not biddable yet, due to refresh at its opening.
		up := e.auctionFixture(10 * time.Minute)
		p = buyer.get(up.path)
		if p.ByID("bid-form") != nil || p.ByID("bid-not-open") == nil {
			t.Fatalf("upcoming lot's bid box %q", p.Text("#bidbox"))
		}
		if due := attrOf(p.ByID("lot-countdown"), "data-due"); due != fmt.Sprint(up.lot.StartsAt.UnixMilli()) {
			t.Fatalf("countdown due %q, want the opening %d", due, up.lot.StartsAt.UnixMilli())
		}
	})
}

// TestSessionLive: sessions say whether they run ("sedang berlangsung");
// a session page that is not over polls its state and lots and has a
// connection banner.
func TestSessionLive(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		running := e.auctionFixture(-time.Minute)
		upcoming := e.auctionFixture(time.Hour)
		b := e.browser("")
		p := b.get("/sessions/" + itoa(running.session.ID))
		if got := p.Text("#session-state"); got != "sedang berlangsung" {
			t.Fatalf("running session's state %q", got)
		}
		live := p.ByID("session-live")
		if !strings.HasSuffix(attrOf(live, "hx-get"), "/live") || !strings.Contains(attrOf(live, "hx-trigger"), "every 15s") || p.ByID("conn-banner") == nil {
			t.Fatalf("session page does not poll: %v", live.Attr)
		}
		if frag := b.get("/sessions/" + itoa(running.session.ID) + "/live"); frag.Text("#session-state") != "sedang berlangsung" || frag.ByID("lot-row-"+itoa(running.lot.ID)) == nil {
			t.Fatalf("live fragment %q", frag.Body)
		}
		if got := b.get("/sessions/" + itoa(upcoming.session.ID)).Text("#session-state"); got != "akan datang" {
			t.Fatalf("upcoming session's state %q", got)
		}
		list := b.get("/sessions")
		if !strings.Contains(list.Text("#session-"+itoa(running.session.ID)), "sedang berlangsung") {
			t.Fatalf("sessions list %q", list.Text("#session-"+itoa(running.session.ID)))
		}
		en := e.browser("en").get("/sessions/" + itoa(running.session.ID))
		if got := en.Text("#session-state"); got != "running now" {
			t.Fatalf("English state %q", got)
		}
	})
}

// TestBoardLanguage: the mission board speaks the mission's language, not
// the browser's; an address (?lang=) or, with the site's header, the
// viewer's own choice may change it.
func TestBoardLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		board := fmt.Sprintf("/missions/%d/board", e.missionID(demo.MissionToday))
		lang := func(b *browser, path string) string { return attrOf(b.get(path).find("html"), "lang") }
		en := e.browser("en") // an English browser
		if got := lang(en, board); got != "id" {
			t.Fatalf("English browser: board in %q", got)
		}
		if got := lang(en, board+"?kiosk=1&lang=en"); got != "en" {
			t.Fatalf("?lang=en: board in %q", got)
		}
		chose := e.browser("")
		chose.post("/lang", url.Values{"lang": {"en"}, "back": {"/"}})
		if got := lang(chose, board); got != "en" {
			t.Fatalf("the viewer chose English: board in %q", got)
		}
		if got := lang(chose, board+"?kiosk=1"); got != "id" {
			t.Fatalf("kiosk: board in %q", got)
		}
		p := chose.get(board + "?kiosk=1")
		if !strings.Contains(attrOf(p.find("section[data-board]"), "data-config"), `lang=id`) {
			t.Fatal("the board's data is not asked for in the board's language")
		}
	})
}
