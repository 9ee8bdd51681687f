package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/store"
)

// atoi parses an id taken from a page's address.
func atoi(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an id: %q", s)
	}
	return v
}

// expectFlash fails unless the page shows the flash message.
func expectFlash(t *testing.T, what string, p *page, want string) {
	t.Helper()
	if got := p.Text(".flash"); got != want {
		t.Fatalf("%s: flash %q, want %q (status %d at %s, alert %q, fields %q)", what, got, want, p.Status, p.URL, p.Text(".alert"), p.Text(".field-error"))
	}
}

// TestPageMissionFlows walks the mission pages through their forms:
// planning, registration with a field error, verification, offers,
// matchmaking and a meeting request answered by the other side, the desk,
// financing answered by the bank, agreements and the agenda.
func TestPageMissionFlows(t *testing.T) {
	e := newEnv(t, store.SQLite)
	mid := e.missionID(demo.MissionToday)
	mp := "/missions/" + itoa(mid)

	agency := e.browser("")
	agency.signIn("jatim@niaga.id")
	tomorrow := time.Now().Add(24 * time.Hour).Format("2006-01-02")
	p := agency.post("/missions", url.Values{"title": {"Misi Dagang Jawa Timur – Sulawesi Selatan"}, "host_province": {"35"}, "guests": {"73"},
		"venue": {"Hotel Majapahit"}, "date": {tomorrow}, "opens": {"09:00"}, "closes": {"16:00"}, "target_value": {"75.000.000.000"}})
	expectFlash(t, "plan a mission", p, "Misi direncanakan.")
	if !strings.Contains(p.Text("h1"), "Sulawesi Selatan") || !strings.Contains(p.Text(".facts"), "09:00 WIB") {
		t.Fatalf("new mission page: %q / %q", p.Text("h1"), p.Text(".facts"))
	}

	// A Central Java business registers: its own province is not in the mission.
	biz := e.browser("")
	biz.signIn("pembeli@niaga.id")
	p = biz.post(mp+"/register", url.Values{"delegation": {""}, "contact": {"024-555-0123"}})
	if p.Text("#e-delegation") != "Harus provinsi tuan rumah atau tamu." {
		t.Fatalf("register with a foreign delegation: %q %q", p.Text("#e-delegation"), p.Text(".alert"))
	}
	p = biz.post(mp+"/register", url.Values{"delegation": {"35"}, "contact": {"024-555-0123"}})
	expectFlash(t, "register", p, "Pendaftaran tersimpan.")
	if !strings.Contains(p.Text("#register"), "menunggu persetujuan") {
		t.Fatalf("registration state: %q", p.Text("#register"))
	}
	parts, _ := e.DB.Participants(t.Context(), &niaga.Actor{Role: niaga.RoleAdmin}, mid)
	var self niaga.Participant
	for _, pp := range parts {
		if pp.OrgID == e.Data.Users["pembeli@niaga.id"].OrgID {
			self = pp
		}
	}
	p = agency.post(mp+"/participants/"+itoa(self.ID)+"/verify", url.Values{"verified": {"true"}})
	expectFlash(t, "verify", p, "Tersimpan.")

	// An offer of rice, then a suggestion to meet the Banjarmasin buyer who needs it.
	p = biz.post(mp+"/listings", url.Values{"side": {"offer"}, "commodity_grade": {"beras|medium"}, "quantity": {"120.000"}, "price": {"11.800"}})
	expectFlash(t, "offer", p, "Tersimpan.")
	p = biz.get(mp + "/matches")
	forms := p.findAll("form.inline")
	if len(forms) == 0 {
		t.Fatalf("no suggestions: %q", p.Text("#matches"))
	}
	form := url.Values{}
	for _, in := range p.findAll("form.inline input[type=hidden]") {
		if form.Get(attrOf(in, "name")) == "" {
			form.Set(attrOf(in, "name"), attrOf(in, "value"))
		}
	}
	form.Set("message", "Beras medium rutin tiap bulan.")
	p = biz.post(mp+"/meetings", form)
	expectFlash(t, "request a meeting", p, "Permintaan temu bisnis terkirim.")
	to := form.Get("to")
	var other string
	for _, pp := range parts {
		if itoa(pp.ID) == to {
			other = pp.OrgName
		}
	}
	// The other side answers (through its user if it has one, else the desk).
	answerer := agency
	if other == "PT Banua Niaga Banjarmasin" {
		answerer = e.browser("")
		answerer.signIn("banua@niaga.id")
	}
	p = answerer.get(mp + "/meetings")
	var rid string
	for _, li := range p.findAll("li[id]") {
		if strings.HasPrefix(attrOf(li, "id"), "meeting-") && strings.Contains(textOf(li), "Beras medium rutin") {
			rid = strings.TrimPrefix(attrOf(li, "id"), "meeting-")
		}
	}
	if rid == "" {
		t.Fatalf("the request does not reach %s: %q", other, p.Text("main"))
	}
	p = answerer.post(mp+"/meetings/"+rid, url.Values{"answer": {"accept"}})
	expectFlash(t, "accept", p, "Tersimpan.")
	if !strings.Contains(p.Text("#meeting-"+rid), "diterima") {
		t.Fatalf("meeting state: %q", p.Text("#meeting-"+rid))
	}

	// The desk records a deal; a wrong one is refused next to its field.
	p = agency.post(mp+"/deals", url.Values{"seller_id": {itoa(self.ID)}, "buyer_id": {itoa(self.ID)}, "commodity": {"beras"}, "kind": {"purchase"}, "quantity": {"1000"}, "value": {"11800000"}})
	if p.Text("#e-buyer_id") != "Harus berbeda dari penjual." {
		t.Fatalf("same seller and buyer: %q / %q", p.Text("#e-buyer_id"), p.Text(".alert"))
	}
	p = agency.post(mp+"/deals", url.Values{"seller_id": {itoa(self.ID)}, "buyer_id": {to}, "commodity": {"beras"}, "kind": {"contract"},
		"quantity": {"120.000"}, "value": {"1.416.000.000"}, "idem": {"desk-test-1"}})
	expectFlash(t, "record a deal", p, "Transaksi tercatat dan tampil di papan.")
	deal := p.find("#desk-deals li")
	if deal == nil || !strings.Contains(textOf(deal), "Rp 1.416.000.000") {
		t.Fatalf("the new deal is not first in the ledger: %q", p.Text("#desk-deals"))
	}
	dealID := strings.TrimPrefix(attrOf(deal, "id"), "deal-")
	// Sending the same form again (a double click) records nothing new.
	p = agency.post(mp+"/deals", url.Values{"seller_id": {itoa(self.ID)}, "buyer_id": {to}, "commodity": {"beras"}, "kind": {"contract"},
		"quantity": {"120.000"}, "value": {"1.416.000.000"}, "idem": {"desk-test-1"}})
	if n := strings.Count(p.Text("#desk-deals"), "Rp 1.416.000.000"); n != 1 {
		t.Fatalf("a resent deal form shows %d entries", n)
	}

	// Financing for the deal, answered by the addressed bank.
	bank := e.Data.Orgs["bank_kalsel"].ID
	p = agency.post("/deals/"+dealID, url.Values{"action": {"financing"}, "bank_id": {itoa(bank)}, "guarantor_id": {"0"}, "amount": {"700.000.000"}, "tenor_months": {"12"}, "purpose": {"Modal kerja"}})
	expectFlash(t, "ask for financing", p, "Tersimpan.")
	banker := e.browser("")
	banker.signIn("bank@niaga.id")
	p = banker.get("/financing")
	var fid string
	for _, li := range p.findAll("li[id]") {
		if strings.Contains(textOf(li), "Rp 700.000.000") {
			fid = strings.TrimPrefix(attrOf(li, "id"), "financing-")
		}
	}
	if fid == "" {
		t.Fatalf("the bank does not see the request: %q", p.Text("#financing"))
	}
	p = banker.post("/financing/"+fid, url.Values{"answer": {"approve"}, "approved_amount": {"650.000.000"}, "note": {"Disetujui sebagian"}})
	expectFlash(t, "approve", p, "Tersimpan.")
	if got := p.Text("#financing-" + fid); !strings.Contains(got, "disetujui") || !strings.Contains(got, "Rp 650.000.000") {
		t.Fatalf("answered request: %q", got)
	}

	// An MoU, public on the mission's agreements page.
	p = agency.post(mp+"/agreements", url.Values{"kind": {"mou"}, "title": {"Kerja sama perdagangan beras Jatim–Kalsel"}, "sector": {"Pangan"},
		"signed_on": {time.Now().Format("2006-01-02")}, "party_names": {"Gubernur Jawa Timur\nGubernur Kalimantan Selatan"}})
	expectFlash(t, "agreement", p, "MoU / PKS tercatat.")
	if p = e.browser("").get(mp + "/agreements"); !strings.Contains(p.Text("#agreements"), "Gubernur Kalimantan Selatan") {
		t.Fatalf("public agreements: %q", p.Text("#agreements"))
	}

	// The desk schedules; the Surabaya wholesaler reads its agenda.
	p = agency.post(mp+"/schedule", url.Values{"slot_minutes": {"30"}, "tables": {"20"}})
	expectFlash(t, "schedule", p, "Jadwal temu bisnis disusun.")
	sby := e.browser("")
	sby.signIn("pembeli2@niaga.id")
	p = sby.get(mp + "/agenda")
	if p.Status != http.StatusOK || len(p.findAll(".agenda tbody tr")) == 0 || strings.Contains(p.Text(".agenda tbody"), "Belum ada") {
		t.Fatalf("agenda: %d %q", p.Status, p.Text(".agenda"))
	}
}

// TestPageAuctionFlows walks the organizer's forms: a market, deposits
// (with a refused refund), a session, and a contract's settlement steps.
func TestPageAuctionFlows(t *testing.T) {
	e := newEnv(t, store.SQLite)
	org := e.browser("")
	org.signIn("lampung@niaga.id")
	p := org.post("/markets", url.Values{"name": {"Pasar Lelang Kopi Tanggamus"}, "province": {"18"}, "deposit_ratio_bps": {"7,5"},
		"fee_buyer_bps": {"0,1"}, "fee_seller_bps": {"0,1"}, "fee_buyer_per_ton": {"0"}, "fee_seller_per_ton": {"0"}, "mechanisms": {"english", "sealed_second"}})
	expectFlash(t, "open a market", p, "Pasar dibuka.")
	if !strings.Contains(p.Text(".facts"), "7,5 %") {
		t.Fatalf("market terms: %q", p.Text(".facts"))
	}
	market := strings.TrimPrefix(p.URL, "/markets/")
	buyer := itoa(e.Data.Users["pembeli@niaga.id"].OrgID)
	p = org.post("/markets/"+market+"/deposits", url.Values{"org_id": {buyer}, "kind": {"deposit"}, "amount": {"250.000.000"}})
	expectFlash(t, "deposit", p, "Uang jaminan dicatat.")
	if !strings.Contains(p.Text("#deposits table"), "Rp 250.000.000") {
		t.Fatalf("deposit not listed: %q", p.Text("#deposits"))
	}
	p = org.post("/markets/"+market+"/deposits", url.Values{"org_id": {buyer}, "kind": {"refund"}, "amount": {"300.000.000"}})
	if p.Text("#e-amount") != "Melebihi uang jaminan bebas." {
		t.Fatalf("refund over the balance: %q / %q", p.Text("#e-amount"), p.Text(".alert"))
	}

	start := time.Now().Add(time.Hour).In(time.FixedZone("WIB", 7*3600))
	p = org.post("/sessions", url.Values{"title": {"Sesi Kopi Robusta"}, "kind": {"spot"}, "starts_at": {start.Format("2006-01-02T15:04")},
		"ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")}, "soft_close_minutes": {"3"}, "max_extensions": {"0"}, "market_ids": {market}})
	expectFlash(t, "schedule a session", p, "Sesi dijadwalkan.")
	if !strings.Contains(p.Text(".facts"), start.Format("15:04")+" WIB") {
		t.Fatalf("session window: %q", p.Text(".facts"))
	}

	// A seller's lot, admitted with a guarantee the organizer sets: the lot
	// page announces it; a bad guarantee is refused on its field.
	session := strings.TrimPrefix(p.URL, "/sessions/")
	seller := e.Data.Users["penjual@niaga.id"]
	lot, err := e.DB.SubmitLot(t.Context(), &niaga.Actor{UserID: seller.ID, OrgID: seller.OrgID, Role: niaga.RoleBusiness}, store.LotInput{
		SessionID: atoi(t, session), MarketID: atoi(t, market), Commodity: "kopi_robusta", Grade: "4", Quantity: 2000, Mechanism: "sealed_second", Reserve: 30000})
	if err != nil {
		t.Fatal(err)
	}
	lotPath := "/lots/" + itoa(lot.ID)
	if p = org.get(lotPath); p.find("#guarantee-"+itoa(lot.ID)) == nil {
		t.Fatal("the admission form has no guarantee field")
	}
	p = org.post(lotPath+"/admit", url.Values{"guarantee": {"tiga juta"}, "back": {lotPath}})
	if p.Text(".alert") == "" {
		t.Fatal("a guarantee that is not a number was accepted")
	}
	p = org.post(lotPath+"/admit", url.Values{"guarantee": {"3.000.000"}, "back": {lotPath}})
	expectFlash(t, "admit with a guarantee", p, "Lot diterima dan terbuka bagi pembeli.")
	if !strings.Contains(p.Text("#lot-guarantee"), "Rp 3.000.000") || p.Text("#lot-bids") != "dirahasiakan sampai lelang selesai" {
		t.Fatalf("lot page: guarantee %q, bids %q", p.Text("#lot-guarantee"), p.Text("#lot-bids"))
	}

	// A contract of the demo waiting for payment moves on.
	cs, err := e.DB.Contracts(t.Context(), &niaga.Actor{UserID: e.Data.Users["lampung@niaga.id"].ID, OrgID: e.Data.Users["lampung@niaga.id"].OrgID, Role: niaga.RoleOrganizer}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ct niaga.Contract
	for _, c := range cs {
		if c.Status == niaga.ContractAwaitingPayment {
			ct = c
		}
	}
	if ct.ID == 0 {
		t.Skip("no contract awaiting payment in the demo")
	}
	path := "/contracts/" + itoa(ct.ID)
	p = org.get(path)
	// The buttons are the settlement rule's next steps for the organizer.
	var offered []string
	for _, n := range p.findAll("#step-form button[name=status]") {
		offered = append(offered, attrOf(n, "value"))
	}
	mk, err := e.DB.Market(t.Context(), ct.MarketID)
	if err != nil {
		t.Fatal(err)
	}
	lampung := &niaga.Actor{UserID: e.Data.Users["lampung@niaga.id"].ID, OrgID: e.Data.Users["lampung@niaga.id"].OrgID, Role: niaga.RoleOrganizer}
	if want := niaga.NextSettleSteps(ct.Status, niaga.PartiesOf(lampung, ct, mk.OrganizerOrgID)); !slices.Equal(offered, want) || len(want) == 0 {
		t.Fatalf("contract page offers %v, the rule %v", offered, want)
	}
	if p.find("button[value=paid]") == nil || p.find("li[aria-current=step]") == nil {
		t.Fatalf("contract page offers no payment step: %q", p.Text("#step-form"))
	}
	p = org.post(path+"/steps", url.Values{"status": {"delivered"}})
	if p.Text(".alert") == "" {
		t.Fatal("a step out of order was not refused")
	}
	p = org.post(path+"/steps", url.Values{"status": {"paid"}, "note": {"Transfer diterima"}})
	expectFlash(t, "paid", p, "Tersimpan.")
	if !strings.Contains(p.Text("#contract-steps"), "Transfer diterima") || p.Text("li[aria-current=step]") != "2. dibayar" && !strings.Contains(p.Text("li[aria-current=step]"), "dibayar") {
		t.Fatalf("after payment: steps %q, current %q", p.Text("#contract-steps"), p.Text("li[aria-current=step]"))
	}
}

// TestPagePriceBoard: the demo's two weeks of awards make a latest price per
// series and a history line; English pages format money the English way.
func TestPagePriceBoard(t *testing.T) {
	e := newEnv(t, store.SQLite)
	p := e.browser("").get("/prices")
	rows := p.findAll("#price-table tbody tr")
	if len(rows) == 0 || !strings.Contains(p.Text("#price-table"), "Beras") || !strings.Contains(p.Text("#price-table"), "Rp ") {
		t.Fatalf("price table: %q", p.Text("#price-table"))
	}
	chart := p.find("canvas#price-chart")
	if chart == nil || !strings.Contains(attrOf(chart, "data-chart"), `"points"`) {
		t.Fatal("no price history chart data")
	}
	en := e.browser("en").get("/prices?series=beras%7Cmedium")
	if !strings.Contains(en.Text("#price-table"), "IDR ") || en.Text("h1") != "Auction price board" {
		t.Fatalf("English board: %q %q", en.Text("h1"), en.Text("#price-table"))
	}
	if attrOf(en.find("#f-series option[selected]"), "value") != "beras|medium" {
		t.Fatal("the chosen series is not selected")
	}
}
