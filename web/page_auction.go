package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/auction"
	"niaga/store"
)

// Auction-market pages: markets, sessions, lot submission and admission,
// the lot page with live bidding, deposits and contracts. Handlers call the
// store directly; the store checks ownership, the page table checks roles.

// lastEventID is the newest event of a topic: a page rendered now passes it
// to its stream so the stream sends only what happens after the render.
func (s *Server) lastEventID(c *PageCall, topic string) int64 {
	id, _ := s.db.LastEventID(c, topic)
	return id
}

func (s *Server) orgNames(c *PageCall) (map[int64]string, error) {
	orgs, err := s.db.Organizations(c, "")
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(orgs))
	for _, o := range orgs {
		m[o.ID] = o.Name
	}
	return m, nil
}

// parsePercent reads "5", "0,25" or "0.25" (percent) as basis points.
func parsePercent(field, s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if len(frac) > 2 {
		return 0, niaga.Invalid(field, "at most two decimals")
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || w > 100 {
		return 0, niaga.Invalid(field, "must be a percentage")
	}
	return w*100 + f, nil
}

// formPercent shows basis points as a percentage in the page's language.
func formPercent(bps int64, lang string) string {
	sep := ","
	if lang == "en" {
		sep = "."
	}
	if bps%100 == 0 {
		return strconv.FormatInt(bps/100, 10)
	}
	return strconv.FormatInt(bps/100, 10) + sep + strings.TrimRight(strconv.FormatInt(bps%100+100, 10)[1:], "0")
}

// localInput parses an <input type="datetime-local"> value in a province's zone.
func localInput(field, v, province string) (time.Time, error) {
	p, ok := niaga.ProvinceByCode(province)
	if !ok {
		p, _ = niaga.ProvinceByCode("31")
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), p.Location())
	if err != nil {
		return time.Time{}, niaga.Invalid(field, "required")
	}
	return t, nil
}

// ---- markets ----

type marketsData struct {
	Markets    []niaga.Market
	OrgName    map[int64]string
	Provinces  []niaga.Province
	Mechanisms []auction.Mechanism
	Organizers []niaga.Organization // for an admin creating a market on behalf of one
	CanCreate  bool
}

func (s *Server) pageMarkets(c *PageCall) error {
	ms, err := s.db.Markets(c)
	if err != nil {
		return err
	}
	names, err := s.orgNames(c)
	if err != nil {
		return err
	}
	d := marketsData{Markets: ms, OrgName: names, Provinces: niaga.Provinces(), Mechanisms: auction.Mechanisms(),
		CanCreate: c.Actor.Is(niaga.RoleOrganizer, niaga.RoleAdmin)}
	if c.Actor.Is(niaga.RoleAdmin) {
		if d.Organizers, err = s.db.Organizations(c, niaga.OrgOrganizer); err != nil {
			return err
		}
	}
	return c.Render(0, "markets", "markets.title", d)
}

func (s *Server) pageMarketCreate(c *PageCall) error {
	f := c.R.PostForm
	in := store.MarketInput{Name: strings.TrimSpace(f.Get("name")), Province: f.Get("province"), Mechanisms: f["mechanisms"]}
	var err error
	check := func(v int64, e error) int64 {
		if err == nil {
			err = e
		}
		return v
	}
	in.FeeBuyerBps = check(parsePercent("fee_buyer_bps", f.Get("fee_buyer_bps")))
	in.FeeSellerBps = check(parsePercent("fee_seller_bps", f.Get("fee_seller_bps")))
	in.DepositRatioBps = check(parsePercent("deposit_ratio_bps", f.Get("deposit_ratio_bps")))
	if v := f.Get("fee_buyer_per_ton"); v != "" {
		in.FeeBuyerPerTon = check(c.FormInt("fee_buyer_per_ton"))
	}
	if v := f.Get("fee_seller_per_ton"); v != "" {
		in.FeeSellerPerTon = check(c.FormInt("fee_seller_per_ton"))
	}
	if v := f.Get("organizer_org_id"); v != "" && c.Actor.Is(niaga.RoleAdmin) {
		in.OrganizerOrgID = check(c.FormInt("organizer_org_id"))
	}
	var m niaga.Market
	if err == nil {
		m, err = s.db.CreateMarket(c, c.Actor, in)
	}
	if err != nil {
		c.Fail(err)
		return s.pageMarkets(c)
	}
	return c.Redirect("/markets/"+strconv.FormatInt(m.ID, 10), "flash.market_created")
}

type marketData struct {
	Market      niaga.Market
	OrgName     map[int64]string
	Sessions    []niaga.AuctionSession
	Deposits    []niaga.DepositAccount // the organizer's view
	MyDeposit   *niaga.DepositAccount  // a buyer's own account here
	MyReference string                 // a buyer's payment reference here
	Businesses  []niaga.Organization
	IsOrganizer bool
}

func (s *Server) pageMarket(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	m, err := s.db.Market(c, id)
	if err != nil {
		return err
	}
	names, err := s.orgNames(c)
	if err != nil {
		return err
	}
	d := marketData{Market: m, OrgName: names, IsOrganizer: c.Actor.Organizes(m.OrganizerOrgID)}
	all, err := s.db.Sessions(c)
	if err != nil {
		return err
	}
	for _, ss := range all {
		if slices.Contains(ss.MarketIDs, id) {
			d.Sessions = append(d.Sessions, ss)
		}
	}
	if d.IsOrganizer {
		if d.Deposits, err = s.db.DepositAccounts(c, c.Actor, id, 0); err != nil {
			return err
		}
		if d.Businesses, err = s.db.Organizations(c, niaga.OrgBusiness); err != nil {
			return err
		}
	} else if c.Actor.Is(niaga.RoleBusiness) {
		accts, err := s.db.DepositAccounts(c, c.Actor, id, c.Actor.OrgID)
		if err != nil {
			return err
		}
		if len(accts) > 0 {
			d.MyDeposit = &accts[0]
		}
		d.MyReference, _ = niaga.PaymentReference(id, c.Actor.OrgID)
	}
	return c.Render(0, "market", "market.title", d, func(v *view) { v.Title = m.Name })
}

func (s *Server) pageDepositRecord(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	f := c.R.PostForm
	in := store.DepositInput{Kind: f.Get("kind"), Note: strings.TrimSpace(f.Get("note"))}
	org, err := c.FormInt("org_id")
	if err == nil {
		in.OrgID = org
		in.Amount, err = c.FormInt("amount")
	}
	if err == nil {
		_, err = s.db.RecordDeposit(c, c.Actor, id, in)
	}
	if err != nil {
		c.Fail(err)
		return s.pageMarket(c)
	}
	return c.Redirect("/markets/"+strconv.FormatInt(id, 10)+"#deposits", "flash.deposit_recorded")
}

// ---- sessions ----

type sessionsData struct {
	Sessions  []niaga.AuctionSession
	Markets   []niaga.Market
	MarketBy  map[int64]niaga.Market
	OrgName   map[int64]string
	CanCreate bool
	Zone      string    // the zone the schedule form is read in
	Now       time.Time // sessions show whether they run now
}

func (s *Server) marketsBy(c *PageCall) ([]niaga.Market, map[int64]niaga.Market, error) {
	ms, err := s.db.Markets(c)
	if err != nil {
		return nil, nil, err
	}
	by := make(map[int64]niaga.Market, len(ms))
	for _, m := range ms {
		by[m.ID] = m
	}
	return ms, by, nil
}

// actorProvince is the province of the actor's organization (schedules
// typed into forms are read in its zone).
func (s *Server) actorProvince(c *PageCall) string {
	if c.Actor != nil {
		if o, err := s.db.Organization(c, c.Actor.OrgID); err == nil {
			return o.Province
		}
	}
	return "31"
}

func (s *Server) pageSessions(c *PageCall) error {
	ss, err := s.db.Sessions(c)
	if err != nil {
		return err
	}
	ms, by, err := s.marketsBy(c)
	if err != nil {
		return err
	}
	names, err := s.orgNames(c)
	if err != nil {
		return err
	}
	d := sessionsData{Sessions: ss, Markets: ms, MarketBy: by, OrgName: names, CanCreate: c.Actor.Is(niaga.RoleOrganizer, niaga.RoleAdmin), Now: time.Now()}
	if d.CanCreate {
		p, _ := niaga.ProvinceByCode(s.actorProvince(c))
		d.Zone = p.Zone
	}
	return c.Render(0, "sessions", "sessions.title", d)
}

func (s *Server) pageSessionCreate(c *PageCall) error {
	f := c.R.PostForm
	prov := s.actorProvince(c)
	in := store.SessionInput{Title: strings.TrimSpace(f.Get("title")), Kind: f.Get("kind"), DeliveryDate: f.Get("delivery_date")}
	var err error
	keep := func(e error) {
		if err == nil {
			err = e
		}
	}
	var e error
	in.StartsAt, e = localInput("starts_at", f.Get("starts_at"), prov)
	keep(e)
	in.EndsAt, e = localInput("ends_at", f.Get("ends_at"), prov)
	keep(e)
	mins, e := c.FormInt("soft_close_minutes")
	keep(e)
	in.SoftCloseSec = mins * 60
	in.MaxExtensions, e = c.FormInt("max_extensions")
	keep(e)
	for _, v := range f["market_ids"] {
		id, e := strconv.ParseInt(v, 10, 64)
		if e != nil {
			keep(niaga.Invalid("market_ids", "one to fifty markets"))
		}
		in.MarketIDs = append(in.MarketIDs, id)
	}
	var ss niaga.AuctionSession
	if err == nil {
		ss, err = s.db.CreateSession(c, c.Actor, in)
	}
	if err != nil {
		c.Fail(err)
		c.FieldAs("soft_close_seconds", "soft_close_minutes")
		return s.pageSessions(c)
	}
	return c.Redirect("/sessions/"+strconv.FormatInt(ss.ID, 10), "flash.session_created")
}

type sessionData struct {
	Session     niaga.AuctionSession
	Markets     []niaga.Market
	Lots        []niaga.Lot
	Pending     []niaga.Lot // waiting for admission by the viewer
	CanSubmit   bool
	OrganizerOf map[int64]bool // markets the viewer runs

	// Live while it runs, and watchable (page_bidding.go).
	State    string // upcoming, running ("sedang berlangsung") or ended
	Poll     bool   // the page fetches its state and lots again while not ended
	PollSecs int
	Watching bool
}

func (s *Server) sessionData(c *PageCall) (*sessionData, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	ss, err := s.db.Session(c, id)
	if err != nil {
		return nil, err
	}
	_, by, err := s.marketsBy(c)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	d := &sessionData{Session: ss, OrganizerOf: map[int64]bool{}, CanSubmit: c.Actor.Is(niaga.RoleBusiness) && now.Before(ss.EndsAt)}
	for _, mid := range ss.MarketIDs {
		m := by[mid]
		d.Markets = append(d.Markets, m)
		if c.Actor.Organizes(m.OrganizerOrgID) {
			d.OrganizerOf[mid] = true
		}
	}
	lots, err := s.db.Lots(c, c.Actor, store.LotFilter{SessionID: id}, now)
	if err != nil {
		return nil, err
	}
	for _, l := range lots {
		if l.Status == niaga.LotSubmitted && d.OrganizerOf[l.MarketID] {
			d.Pending = append(d.Pending, l)
		} else {
			d.Lots = append(d.Lots, l)
		}
	}
	d.State = sessionState(ss, lots, now)
	d.Poll, d.PollSecs = d.State != niaga.SessionEnded, int(sessionPoll/time.Second)
	return d, nil
}

func (s *Server) pageSession(c *PageCall) error {
	d, err := s.sessionData(c)
	if err != nil {
		return err
	}
	if c.Actor.Is(niaga.RoleBusiness) {
		d.Watching, _ = s.db.Watching(c, c.Actor, niaga.WatchSession, d.Session.ID)
	}
	return c.Render(0, "session", "session.title", d, func(v *view) {
		v.Title = d.Session.Title
		if d.Poll {
			v.Scripts = []string{"vendor/htmx.min.js", "live.js"}
		}
	})
}

// ---- lots: submission and admission ----

type lotFormData struct {
	Sessions    []niaga.AuctionSession
	Markets     []niaga.Market
	MarketBy    map[int64]niaga.Market
	Commodities []niaga.Commodity
	Mechanisms  []auction.Mechanism
	Session     int64
}

func (s *Server) pageLotNew(c *PageCall) error {
	all, err := s.db.Sessions(c)
	if err != nil {
		return err
	}
	var open []niaga.AuctionSession
	now := time.Now()
	for _, ss := range all {
		if now.Before(ss.EndsAt) {
			open = append(open, ss)
		}
	}
	ms, by, err := s.marketsBy(c)
	if err != nil {
		return err
	}
	cs, err := s.db.Commodities(c)
	if err != nil {
		return err
	}
	sid, _ := strconv.ParseInt(c.R.URL.Query().Get("session"), 10, 64)
	if v := c.R.PostFormValue("session_market"); v != "" {
		sid, _ = strconv.ParseInt(strings.SplitN(v, ":", 2)[0], 10, 64)
	}
	return c.Render(0, "lotnew", "lotnew.title", lotFormData{Sessions: open, Markets: ms, MarketBy: by, Commodities: cs, Mechanisms: auction.Mechanisms(), Session: sid})
}

func (s *Server) pageLotSubmit(c *PageCall) error {
	f := c.R.PostForm
	in := store.LotInput{Origin: strings.TrimSpace(f.Get("origin")), WarehouseReceipt: strings.TrimSpace(f.Get("warehouse_receipt")),
		DeliveryTerms: strings.TrimSpace(f.Get("delivery_terms")), Mechanism: f.Get("mechanism")}
	var err error
	keep := func(e error) {
		if err == nil {
			err = e
		}
	}
	// One select carries "session:market", another "commodity|grade": the
	// form needs no script to keep the pairs consistent.
	if sm := strings.SplitN(f.Get("session_market"), ":", 2); len(sm) == 2 {
		in.SessionID, _ = strconv.ParseInt(sm[0], 10, 64)
		in.MarketID, _ = strconv.ParseInt(sm[1], 10, 64)
	}
	if in.SessionID == 0 || in.MarketID == 0 {
		keep(niaga.Invalid("session_market", "required"))
	}
	if cg := strings.SplitN(f.Get("commodity_grade"), "|", 2); len(cg) == 2 {
		in.Commodity, in.Grade = cg[0], cg[1]
	} else {
		keep(niaga.Invalid("commodity_grade", "required"))
	}
	num := func(name string) int64 {
		if strings.TrimSpace(f.Get(name)) == "" {
			return 0
		}
		v, e := c.FormInt(name)
		keep(e)
		return v
	}
	in.Quantity = num("quantity")
	in.Reserve = num("reserve")
	in.Increment = num("increment")
	in.DutchStart = num("dutch_start")
	in.DutchStep = num("dutch_step")
	if secs := num("dutch_tick_seconds"); secs > 0 {
		in.DutchTickMs = secs * 1000
	}
	var lot niaga.Lot
	if err == nil {
		lot, err = s.db.SubmitLot(c, c.Actor, in)
	}
	if err != nil {
		// The store names session_id/market_id/commodity/grade/dutch_tick_ms:
		// show those errors next to the fields that carry them.
		c.Fail(err)
		c.FieldAs("session_id", "session_market", "market_id", "session_market", "commodity", "commodity_grade", "grade", "commodity_grade", "dutch_tick_ms", "dutch_tick_seconds")
		return s.pageLotNew(c)
	}
	return c.Redirect("/lots/"+strconv.FormatInt(lot.ID, 10), "flash.lot_submitted")
}

func (s *Server) pageLotDecide(admit bool) func(c *PageCall) error {
	return func(c *PageCall) error {
		id, err := c.ID("id")
		if err != nil {
			return err
		}
		var guarantee int64
		if admit && strings.TrimSpace(c.R.PostFormValue("guarantee")) != "" {
			guarantee, err = c.FormInt("guarantee")
		}
		lot, err2 := niaga.Lot{}, err
		if err == nil {
			lot, err2 = s.db.DecideLotWith(c, c.Actor, id, admit, strings.TrimSpace(c.R.PostFormValue("reason")), guarantee)
		}
		if err := err2; err != nil {
			if niaga.ErrorCode(err) != niaga.CodeInvalid {
				return err
			}
			c.Fail(err)
			return s.pageLot(c)
		}
		flash := "flash.lot_admitted"
		if !admit {
			flash = "flash.lot_rejected"
		}
		back := localPath(c.R.PostFormValue("back"))
		if back == "/" {
			back = "/sessions/" + strconv.FormatInt(lot.SessionID, 10)
		}
		return c.Redirect(back, flash)
	}
}

type admissionData struct {
	Lots     []niaga.Lot
	MarketBy map[int64]niaga.Market
}

// pageAdmission is the organizer's queue: lots submitted to its markets.
func (s *Server) pageAdmission(c *PageCall) error {
	lots, err := s.db.Lots(c, c.Actor, store.LotFilter{Status: niaga.LotSubmitted}, time.Now())
	if err != nil {
		return err
	}
	_, by, err := s.marketsBy(c)
	if err != nil {
		return err
	}
	var mine []niaga.Lot
	for _, l := range lots {
		if c.Actor.Organizes(by[l.MarketID].OrganizerOrgID) {
			mine = append(mine, l)
		}
	}
	return c.Render(0, "admission", "admission.title", admissionData{Lots: mine, MarketBy: by})
}

// ---- the lot page and live bidding ----

type lotData struct {
	Lot       niaga.Lot
	Market    niaga.Market
	Session   niaga.AuctionSession
	Bids      []niaga.Bid
	Stream    string
	Own       bool // the viewer's organization sells it
	Leading   bool // the viewer's organization leads (english) or won
	BidHere   bool // the viewer's organization has bid on the lot
	CanBid    bool // a business that is not the seller, while the lot is open
	CanDecide bool
	Deposit   *niaga.LotDeposit // where the viewing buyer's deposit stands for the lot
	Contracts []niaga.Contract
	Result    string // the outcome of the viewer's last bid
	ResultOK  bool
	MaxShown  int64 // the viewer's own proxy maximum, if leading

	// Bidding on a phone (page_bidding.go).
	Confirm  *bidConfirm     // a typed bid above the minimum, shown back before it is sent
	Invalid  map[string]bool // bid fields a refusal names (its message is in Result, once)
	Outbid   bool            // the viewer's business bid on this english lot and another leads now
	Watching bool            // the viewer watches the lot
	Replace  bool            // a live refresh replaces the whole bid box: the lot's state changed
}

// lotData reads the lot as the viewer may see it now, for the lot page,
// its live refresh and the bid reply alike (withAccount adds the viewer's
// deposit where the bid box is drawn).
func (s *Server) lotData(c *PageCall) (*lotData, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	l, err := s.db.Lot(c, c.Actor, id, now)
	if err != nil {
		return nil, err
	}
	d := &lotData{Lot: l}
	if d.Market, err = s.db.Market(c, l.MarketID); err != nil {
		return nil, err
	}
	if d.Session, err = s.db.Session(c, l.SessionID); err != nil {
		return nil, err
	}
	if d.Bids, err = s.db.Bids(c, c.Actor, id, now); err != nil {
		return nil, err
	}
	bidHere := false
	if c.Actor != nil {
		d.Own = c.Actor.OrgID == l.SellerOrgID
		d.Leading = l.LeaderOrg != 0 && l.LeaderOrg == c.Actor.OrgID || l.WinnerOrgID != 0 && l.WinnerOrgID == c.Actor.OrgID
		for _, b := range d.Bids {
			bidHere = bidHere || b.BidderOrg == c.Actor.OrgID
			if b.BidderOrg == c.Actor.OrgID && b.MaxPrice > 0 && d.Leading {
				d.MaxShown = max(d.MaxShown, b.MaxPrice)
			}
		}
	}
	if len(d.Bids) > 20 {
		d.Bids = d.Bids[:20]
	}
	d.CanBid = c.Actor.Is(niaga.RoleBusiness) && !d.Own && l.Status == niaga.LotAdmitted && l.State == "open"
	d.BidHere = bidHere
	d.Outbid = d.CanBid && bidHere && !d.Leading && l.Mechanism == string(auction.English)
	d.CanDecide = l.Status == niaga.LotSubmitted && c.Actor.Organizes(d.Market.OrganizerOrgID)
	return d, nil
}

// withAccount adds the viewer's deposit account at the lot's market: the
// bid box says what the deposit covers, after a bid as before it.
func (s *Server) withAccount(c *PageCall, d *lotData) (err error) {
	d.Deposit, err = s.db.LotDeposit(c, c.Actor, d.Lot)
	return err
}

func (s *Server) pageLot(c *PageCall) error {
	d, err := s.lotData(c)
	if err != nil {
		return err
	}
	if err := s.withAccount(c, d); err != nil {
		return err
	}
	return s.renderLot(c, d, 0)
}

// renderLot writes the whole lot page from d.
func (s *Server) renderLot(c *PageCall, d *lotData, status int) error {
	d.Stream = "/api/v1/lots/" + strconv.FormatInt(d.Lot.ID, 10) + "/stream?heartbeat=1&last_event_id=" + strconv.FormatInt(s.lastEventID(c, store.LotTopic(d.Lot.ID)), 10)
	if d.Lot.State == "closed" && c.Actor != nil {
		d.Contracts, _ = s.db.Contracts(c, c.Actor, d.Lot.ID)
	}
	if c.Actor.Is(niaga.RoleBusiness) {
		d.Watching, _ = s.db.Watching(c, c.Actor, niaga.WatchLot, d.Lot.ID)
	}
	title := d.Lot.Commodity
	return c.Render(status, "lot", "lot.title", d, func(v *view) {
		v.Title = v.ComName(title) + " " + d.Lot.Grade + " · " + v.T("lot.lot") + " " + strconv.FormatInt(d.Lot.ID, 10)
		v.Scripts = []string{"vendor/htmx.min.js", "live.js"}
	})
}

// pageLotLive is the live part of the lot page, fetched again on every
// event of the lot's stream, on reconnecting and when the lot opens. The
// page says which state it shows (?shown=): when the lot's state changed
// since, the whole bid box comes along; otherwise only what follows the
// live minimum (the one-tap bid, the outbid notice), so a price being
// typed is never wiped.
func (s *Server) pageLotLive(c *PageCall) error {
	d, err := s.lotData(c)
	if err != nil {
		return err
	}
	if d.Replace = c.R.URL.Query().Get("shown") != d.Lot.State; d.Replace {
		if err := s.withAccount(c, d); err != nil {
			return err
		}
	}
	return c.Fragment(200, "lot", "live", d, func(v *view) { v.OOB = true })
}

func (s *Server) pageLotBid(c *PageCall) error {
	at := time.Now().UTC() // the server's receipt time decides deadlines and the dutch price
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	f := c.R.PostForm
	in := niaga.BidInput{Side: f.Get("side")}
	num := func(name string) int64 {
		if strings.TrimSpace(f.Get(name)) == "" || err != nil {
			return 0
		}
		v, e := c.FormInt(name)
		if e != nil {
			err = e
		}
		return v
	}
	in.Price, in.MaxPrice, in.Quantity = num("price"), num("max_price"), num("quantity")
	if err == nil {
		err = in.Validate()
	}
	// A typed bid above the minimum is shown back first; "edit" returns
	// to the form with what was typed.
	if err == nil && (f.Get("confirm") != "1" || f.Get("edit") == "1") {
		d, derr := s.lotData(c)
		if derr == nil {
			derr = s.withAccount(c, d)
		}
		if derr != nil {
			return derr
		}
		if f.Get("edit") != "1" {
			d.Confirm = confirmOf(d, in, f.Get("idem"))
		}
		if d.Confirm != nil || f.Get("edit") == "1" {
			return s.bidReply(c, d, http.StatusOK)
		}
	}
	var res niaga.BidResult
	if err == nil {
		if err = s.allowBid(c.Actor); err == nil {
			// The form carries a key made when it was rendered: a double
			// click or a resent form never makes a second bid.
			key := f.Get("idem")
			if len(key) > maxIdemKey {
				key = ""
			}
			res, err = s.db.PlaceBid(c, store.BidRequest{Actor: c.Actor, LotID: id, In: in, IdemKey: key, At: at})
		}
	}
	d, derr := s.lotData(c)
	if derr == nil {
		derr = s.withAccount(c, d)
	}
	if derr != nil { // the bid box shows the deposit as it stands after this bid
		return derr
	}
	if err != nil {
		c.Fail(err)
		d.Result, d.Invalid = c.bidRefusal()
		return s.bidReply(c, d, http.StatusUnprocessableEntity)
	}
	d.ResultOK = true
	d.Result = c.bidOutcome(d.Lot, res)
	c.R.PostForm = url.Values{} // a fresh form: the new minimum, a new idempotency key
	if c.R.Header.Get("HX-Request") != "true" {
		return c.Redirect("/lots/"+strconv.FormatInt(id, 10), "")
	}
	return s.bidReply(c, d, http.StatusOK)
}

// bidReply answers a bid form: the bid box alone to htmx (200 even when
// refused: htmx swaps only successful answers, and the refusal is the
// content to show), else the whole lot page.
func (s *Server) bidReply(c *PageCall, d *lotData, status int) error {
	if c.R.Header.Get("HX-Request") == "true" {
		return c.Fragment(200, "lot", "bidbox", d)
	}
	return s.renderLot(c, d, status)
}

// bidOutcome says in words what an accepted bid did.
func (c *PageCall) bidOutcome(l niaga.Lot, r niaga.BidResult) string {
	lang := c.Lang
	switch auction.Mechanism(l.Mechanism) {
	case auction.English:
		msg := c.T("bid.ok_outbid", niaga.FormatRupiah(r.Price, lang))
		if r.Leading {
			msg = c.T("bid.ok_leading", niaga.FormatRupiah(r.Price, lang))
		}
		if r.Extended {
			msg += " " + c.T("bid.extended", When(r.EndsAt, l.Province, lang))
		}
		return msg
	case auction.Dutch:
		return c.T("bid.ok_dutch", niaga.FormatRupiah(r.Price, lang))
	case auction.Call:
		return c.T("bid.ok_order", niaga.FormatRupiah(r.Price, lang))
	}
	return c.T("bid.ok_sealed", niaga.FormatRupiah(r.Price, lang))
}

// ---- deposits and contracts ----

type depositsData struct {
	Accounts []niaga.DepositAccount
	MarketBy map[int64]niaga.Market
	PayIn    []payIn // how to pay in at each market
}

// payIn is where and with which reference a buyer pays in at a market.
type payIn struct {
	Market    niaga.Market
	Reference string
}

func (s *Server) pageDeposits(c *PageCall) error {
	accts, err := s.db.DepositAccounts(c, c.Actor, 0, c.Actor.OrgID)
	if err != nil {
		return err
	}
	markets, by, err := s.marketsBy(c)
	if err != nil {
		return err
	}
	d := depositsData{Accounts: accts, MarketBy: by}
	for _, m := range markets {
		ref, _ := niaga.PaymentReference(m.ID, c.Actor.OrgID)
		d.PayIn = append(d.PayIn, payIn{Market: m, Reference: ref})
	}
	return c.Render(0, "deposits", "deposits.title", d)
}

type contractsData struct {
	Contracts []niaga.Contract
	OrgName   map[int64]string
	MarketBy  map[int64]niaga.Market
}

func (s *Server) pageContracts(c *PageCall) error {
	cs, err := s.db.Contracts(c, c.Actor, 0)
	if err != nil {
		return err
	}
	names, err := s.orgNames(c)
	if err != nil {
		return err
	}
	_, by, err := s.marketsBy(c)
	if err != nil {
		return err
	}
	slices.Reverse(cs) // newest first
	return c.Render(0, "contracts", "contracts.title", contractsData{Contracts: cs, OrgName: names, MarketBy: by})
}

// settleStep is a next step the viewer may record on a contract.
type settleStep struct {
	To     string
	Danger bool
}

// contractFlow is the happy path of a contract, drawn as steps.
var contractFlow = []string{niaga.ContractAwaitingPayment, niaga.ContractPaid, niaga.ContractDelivered, niaga.ContractCompleted}

type contractData struct {
	Contract niaga.Contract
	Market   niaga.Market
	OrgName  map[int64]string
	UserName map[int64]string
	Next     []settleStep
	Flow     []flowStep
}

type flowStep struct {
	Status      string
	Done, Where bool
}

func (s *Server) pageContract(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ct, err := s.db.Contract(c, c.Actor, id)
	if err != nil {
		return err
	}
	d := contractData{Contract: ct, UserName: map[int64]string{}}
	if d.Market, err = s.db.Market(c, ct.MarketID); err != nil {
		return err
	}
	if d.OrgName, err = s.orgNames(c); err != nil {
		return err
	}
	if users, err := s.db.Users(c, 0); err == nil {
		for _, u := range users {
			d.UserName[u.ID] = u.Name
		}
	}
	// Offer only the steps the settlement rule allows the viewer; the store decides.
	for _, to := range niaga.NextSettleSteps(ct.Status, niaga.PartiesOf(c.Actor, ct, d.Market.OrganizerOrgID)) {
		d.Next = append(d.Next, settleStep{To: to, Danger: to == niaga.ContractDefaulted || to == niaga.ContractCancelled || to == niaga.ContractDisputed})
	}
	pos := slices.Index(contractFlow, ct.Status)
	for i, st := range contractFlow {
		d.Flow = append(d.Flow, flowStep{Status: st, Done: pos >= 0 && i < pos || ct.Status == niaga.ContractCompleted, Where: i == pos})
	}
	return c.Render(0, "contract", "contract.title", d, func(v *view) { v.Title = v.T("contract.title") + " " + strconv.FormatInt(ct.ID, 10) })
}

func (s *Server) pageContractStep(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	f := c.R.PostForm
	in := store.SettleInput{Status: f.Get("status"), Note: strings.TrimSpace(f.Get("note"))}
	if v := strings.TrimSpace(f.Get("adjustment")); v != "" && in.Status == niaga.ContractCompleted {
		neg := strings.HasPrefix(v, "-")
		f.Set("adjustment", strings.TrimPrefix(v, "-"))
		in.Adjustment, err = c.FormInt("adjustment")
		if neg {
			in.Adjustment = -in.Adjustment
		}
	}
	if err == nil {
		_, err = s.db.Settle(c, c.Actor, id, in)
	}
	if err != nil {
		c.Fail(err)
		return s.pageContract(c)
	}
	return c.Redirect("/contracts/"+strconv.FormatInt(id, 10), "flash.saved")
}
