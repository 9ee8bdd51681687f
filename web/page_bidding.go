package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/auction"
)

// Bidding on a phone: a typed bid above the minimum is shown back before it
// is sent (its value, what it holds of the deposit, a warning when it is
// far above the minimum: auction.ReviewBid decides), a refusal is said once,
// "Penawaran saya" lists where the business stands, and a watchlist tells
// of openings. The lot page's handlers are in page_auction.go.

// bidConfirm is a typed bid waiting for the buyer's yes.
type bidConfirm struct {
	Price, MaxPrice int64 // as typed
	Side            string
	Quantity        int64 // the order's (call) or the lot's
	Minimum         int64 // the least that could be bid now
	Top             int64 // the most the bid may cost per unit: its maximum, else its price
	Value           int64 // price × quantity
	TopValue        int64 // top × quantity, when a maximum goes above the price
	Review          auction.Review
	Tenths          string // Top as a multiple of Minimum ("10" or "1,5")
	Idem            string
	Deposit         depositEffect
}

// depositEffect is what a bid does to the buyer's deposit at the market:
// whether it holds the lot's guarantee now, and what stays free after.
type depositEffect struct {
	Guarantee int64
	NoAccount bool
	Holds     bool  // the lot's guarantee is not held for the buyer yet: this bid holds it
	Free      int64 // the free deposit (balance − locked)
	Held      int64 // guarantees held now for the buyer's open positions at the market
	After     int64 // free − held after this bid
	Short     int64 // what the free deposit lacks for this bid (the store refuses it)
}

// bidMinimum is the least a typed bid may be now: the english minimum next
// bid (the reserve before the first), the reserve of a sealed lot or of a
// call buy order. 0 where nothing typed is reviewed: a dutch accept takes
// the clock's price, a sell order offers a limit the other way.
func bidMinimum(l niaga.Lot, side string) int64 {
	switch m := auction.Mechanism(l.Mechanism); {
	case m == auction.English:
		return max(l.MinNext, l.Reserve)
	case m.Sealed():
		return l.Reserve
	case m == auction.Call && side != "sell":
		return l.Reserve
	}
	return 0
}

// confirmOf is the confirmation a typed bid needs, or nil when it is at
// the minimum (or below: the store refuses it) or too big to be a value
// (the store refuses it, naming the field).
func confirmOf(d *lotData, in niaga.BidInput, idem string) *bidConfirm {
	l := d.Lot
	minimum := bidMinimum(l, in.Side)
	top := max(in.Price, in.MaxPrice)
	rev := auction.ReviewBid(top, minimum)
	if !d.CanBid || !rev.Confirm {
		return nil
	}
	qty := l.Quantity
	if auction.Mechanism(l.Mechanism) == auction.Call {
		qty = in.Quantity
	}
	if in.Price == 0 { // an english maximum alone bids from the minimum
		in.Price = minimum
	}
	value, ok1 := niaga.MulInt64(in.Price, qty)
	topValue, ok2 := niaga.MulInt64(top, qty)
	if !ok1 || !ok2 || topValue > niaga.MaxContractValue {
		return nil
	}
	cf := &bidConfirm{Price: in.Price, MaxPrice: in.MaxPrice, Side: in.Side, Quantity: qty, Minimum: minimum, Top: top,
		Value: value, Review: rev, Idem: idem, Deposit: effectOf(d)}
	if top > in.Price {
		cf.TopValue = topValue
	}
	cf.Tenths = strconv.FormatInt(rev.Tenths/10, 10)
	if rev.Tenths%10 != 0 {
		cf.Tenths += "," + strconv.FormatInt(rev.Tenths%10, 10)
	}
	return cf
}

// effectOf says what a bid on d's lot does to the viewer's deposit, from
// the store's standing (d.Deposit): the lot's guarantee is held while the
// buyer leads an english lot, or from its first sealed bid or buy order on
// the lot (see docs/deposits.md); a bid that holds it needs the free deposit
// to cover it and the other positions' guarantees.
func effectOf(d *lotData) depositEffect {
	e := depositEffect{Guarantee: d.Lot.Guarantee, NoAccount: d.Deposit == nil || !d.Deposit.HasAccount}
	if d.Deposit == nil {
		e.Short = d.Lot.Guarantee
		return e
	}
	e.Free, e.Held = d.Deposit.Free, d.Deposit.Held
	if auction.Mechanism(d.Lot.Mechanism) == auction.English {
		e.Holds = !d.Leading
	} else {
		e.Holds = !d.BidHere
	}
	e.After = d.Deposit.Available - e.Guarantee
	if e.Holds {
		e.Short = d.Deposit.Missing
	}
	return e
}

// bidRefusal turns a failed bid into one message and the bid fields it
// names: the fields' own reasons when there are some (they say most), else
// the error's. The page shows it once, in the bid box, and marks the
// fields; nothing else repeats it.
func (c *PageCall) bidRefusal() (string, map[string]bool) {
	msg, invalid := c.errMsg, map[string]bool{}
	var reasons []string
	for _, name := range []string{"price", "max_price", "quantity", "side"} {
		if r, ok := c.fields[name]; ok {
			invalid[name] = true
			if !slices.Contains(reasons, r) {
				reasons = append(reasons, r)
			}
		}
	}
	if len(reasons) > 0 && len(reasons) == len(c.fields) {
		msg = strings.Join(reasons, " ")
	}
	c.errMsg, c.fields = "", nil
	return msg, invalid
}

// ---- "Penawaran saya" and the watchlist ----

type myBidsData struct {
	Bids    []niaga.MyBid
	Watches []niaga.Watch
	Zone    map[int64]string // a watched session's province (its times are read there)
}

func (s *Server) pageMyBids(c *PageCall) error {
	now := time.Now()
	bids, err := s.db.MyBids(c, c.Actor, now)
	if err != nil {
		return err
	}
	ws, err := s.db.Watchlist(c, c.Actor, now)
	if err != nil {
		return err
	}
	d := myBidsData{Bids: bids, Watches: ws, Zone: map[int64]string{}}
	_, by, err := s.marketsBy(c)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if w.Session != nil && len(w.Session.MarketIDs) > 0 {
			d.Zone[w.ID] = by[w.Session.MarketIDs[0]].Province
		}
	}
	return c.Render(0, "mybids", "mybids.title", d)
}

// pageWatch adds a lot or a session to the viewer's watchlist, or takes it
// off (watch=0), and goes back to where the form was.
func (s *Server) pageWatch(kind niaga.WatchKind) func(c *PageCall) error {
	return func(c *PageCall) error {
		id, err := c.ID("id")
		if err != nil {
			return err
		}
		flash := "flash.watching"
		if c.R.PostFormValue("watch") == "0" {
			flash = "flash.unwatched"
			if err := s.db.Unwatch(c, c.Actor, kind, id); err != nil && niaga.ErrorCode(err) != niaga.CodeNotFound {
				return err
			}
		} else {
			in := niaga.WatchInput{LotID: id}
			if kind == niaga.WatchSession {
				in = niaga.WatchInput{SessionID: id}
			}
			if err := s.db.Watch(c, c.Actor, in); err != nil {
				return err
			}
		}
		back := localPath(c.R.PostFormValue("back"))
		if back == "/" {
			back = "/" + string(kind) + "s/" + strconv.FormatInt(id, 10)
		}
		return c.Redirect(back, flash)
	}
}

// ---- the session page, live ----

// sessionPoll is how often an open session page fetches its state and
// lots again. There is no session event stream (a bid writes one event, on
// its lot's topic, and the bid path stays that lean), so the page polls.
const sessionPoll = 15 * time.Second

// sessionState is the session's state, running while any of its lots is
// still open (soft close may run past the window).
func sessionState(ss niaga.AuctionSession, lots []niaga.Lot, now time.Time) string {
	return ss.State(now, slices.ContainsFunc(lots, func(l niaga.Lot) bool { return l.State == "open" || l.State == "closing" }))
}

func (s *Server) pageSessionLive(c *PageCall) error {
	d, err := s.sessionData(c)
	if err != nil {
		return err
	}
	return c.Fragment(200, "session", "sessionlive", d)
}

// ---- the mission board's language ----

// boardLang is the language of a mission's board: one asked for in the
// address (?lang=en for a hall with foreign guests), else on a screen with
// the site's header the viewer's own choice (the language switcher), else
// the mission's (niaga.Mission.Lang) — never the browser's: the hall's big
// screen speaks the hall's language whatever laptop drives it.
func boardLang(r *http.Request, m *niaga.Mission, kiosk bool) string {
	if q := r.URL.Query().Get("lang"); slices.Contains(Langs, q) {
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && !kiosk && slices.Contains(Langs, c.Value) {
		return c.Value
	}
	return m.Lang()
}
