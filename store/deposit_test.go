package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

// secrets are the amounts only their bidders may know.
type secrets struct {
	sealed, proxyMax, callLimit int64
}

// depositSight is what the organizer (and an admin) reads of a market's
// deposits and lots while bidding goes on, with buyers named by their
// place in the market rather than by id.
type depositSight struct {
	Accounts []niaga.DepositAccount
	Refusal  string
	Lots     []niaga.Lot
	Events   []string
	Activity any
}

// secretScenario runs the same bids on a fresh market with the given
// secret amounts and returns what the organizer can read before the close.
func secretScenario(t *testing.T, db *store.DB, s secrets) depositSight {
	t.Helper()
	ctx := context.Background()
	m := newMarket(t, db, 3, 50_000_000, 0)
	b0, b1, b2 := m.buyers[0], m.buyers[1], m.buyers[2]
	sealed := m.lot(t, store.LotInput{Mechanism: "sealed_first", Reserve: 10000, Quantity: 1000})
	eng := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 10000, Increment: 100, Quantity: 1000})
	call := m.lot(t, store.LotInput{Mechanism: "call", Reserve: 9000, Quantity: 1000, Commodity: "jagung", Grade: "II"})
	bid := func(a *niaga.Actor, lot int64, in niaga.BidInput) {
		t.Helper()
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: a, LotID: lot, In: in}); err != nil {
			t.Fatalf("bid on %d: %v", lot, err)
		}
	}
	bid(b0, sealed.ID, niaga.BidInput{Price: s.sealed})
	bid(b0, sealed.ID, niaga.BidInput{Price: s.sealed + 500}) // a revision
	bid(b1, sealed.ID, niaga.BidInput{Price: 10_100})
	bid(b1, eng.ID, niaga.BidInput{Price: 10000, MaxPrice: s.proxyMax})
	bid(b2, eng.ID, niaga.BidInput{Price: 10500}) // the proxy answers: b1 leads at 10 600 in both runs
	bid(b2, call.ID, niaga.BidInput{Side: "buy", Quantity: 400, Price: s.callLimit})
	bid(b0, call.ID, niaga.BidInput{Side: "buy", Quantity: 300, Price: 9100})

	var out depositSight
	accts, err := db.DepositAccounts(ctx, m.organizer, m.market.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	index := map[int64]int64{m.seller.OrgID: -1}
	for i, b := range m.buyers {
		index[b.OrgID] = int64(i)
	}
	for _, a := range accts {
		a.MarketID, a.OrgID, a.PaymentReference = 0, index[a.OrgID], "" // references name the ids
		out.Accounts = append(out.Accounts, a)
	}
	// A refund of the whole balance is refused: the message may name the
	// guarantees held, nothing derived from a bid.
	_, err = db.RecordDeposit(ctx, m.organizer, m.market.ID, store.DepositInput{OrgID: b0.OrgID, Kind: "refund", Amount: 50_000_000})
	if code(err) != niaga.CodeConflict {
		t.Fatalf("refund over the free deposit: %v", err)
	}
	out.Refusal = err.Error()
	now := time.Now()
	for _, id := range []int64{sealed.ID, eng.ID, call.ID} {
		for _, who := range []*niaga.Actor{m.organizer, nil} {
			l, err := db.Lot(ctx, who, id, now)
			if err != nil {
				t.Fatal(err)
			}
			l.ID, l.SessionID, l.MarketID, l.SellerOrgID, l.LeaderOrg = 0, 0, 0, 0, index[l.LeaderOrg]
			l.StartsAt, l.EndsAt, l.ServerTime = time.Time{}, time.Time{}, time.Time{}
			out.Lots = append(out.Lots, l)
		}
		evs, err := db.EventsAfter(ctx, store.LotTopic(id), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			var d map[string]any
			json.Unmarshal(e.Data, &d)
			for _, k := range []string{"at", "ends_at", "lot_id", "bid_id", "committed_at"} {
				delete(d, k)
			}
			if v, ok := d["leader_org_id"].(float64); ok {
				d["leader_org_id"] = index[int64(v)]
			}
			b, _ := json.Marshal(d)
			out.Events = append(out.Events, e.Kind+" "+string(b))
		}
	}
	rep, err := db.AuctionReport(ctx, store.AuctionScope{SessionID: m.session.ID})
	if err != nil {
		t.Fatal(err)
	}
	out.Activity = rep.Activity
	return out
}

// TestDepositsRevealNoSecretAmount runs one scenario twice with different
// sealed prices, proxy maxima and call limits: the deposit accounts the
// organizer reads (balance, locked, committed, free), a refused refund's
// message, the lots, their events and the session report must be the
// same. (With commitments at ratio × bid value they told every amount.)
func TestDepositsRevealNoSecretAmount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := secretScenario(t, db, secrets{sealed: 12_345, proxyMax: 17_777, callLimit: 9_613})
		b := secretScenario(t, db, secrets{sealed: 31_999, proxyMax: 48_211, callLimit: 20_457})
		ja, _ := json.MarshalIndent(a, "", " ")
		jb, _ := json.MarshalIndent(b, "", " ")
		if string(ja) != string(jb) {
			t.Fatalf("the organizer's view depends on secret amounts:\n%s\n---\n%s", ja, jb)
		}
		for _, n := range []string{"12345", "12.345", "17777", "17.777", "9613", "9.613"} {
			if strings.Contains(string(ja), n) {
				t.Fatalf("secret %s in the organizer's view", n)
			}
		}
		// The figures are the guarantees: b0 holds the sealed lot's and
		// the call lot's (10 % × 10 000 × 1 000 and 10 % × 9 000 × 1 000).
		if got := a.Accounts[0]; got.Committed != 1_000_000+900_000 || got.Free != 50_000_000 || got.Balance != 50_000_000 {
			t.Fatalf("b0's account %+v", got)
		}
		if !strings.Contains(a.Refusal, "1.900.000") {
			t.Fatalf("refusal does not name the guarantees held: %s", a.Refusal)
		}
	})
}

// TestSealedCountHiddenUntilClose: neither a sealed lot's nor a call lot's
// count of bids and revisions shows on the lot, in the listing, in events
// or in reports before the close; the closing step writes it.
func TestSealedCountHiddenUntilClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 2, 50_000_000, 0)
		b0, b1 := m.buyers[0], m.buyers[1]
		sealed := m.lot(t, store.LotInput{Mechanism: "sealed_second", Reserve: 10000, Quantity: 1000})
		call := m.lot(t, store.LotInput{Mechanism: "call", Reserve: 9000, Quantity: 1000, Commodity: "jagung", Grade: "II"})
		for _, x := range []struct {
			a   *niaga.Actor
			lot int64
			in  niaga.BidInput
		}{
			{b0, sealed.ID, niaga.BidInput{Price: 11000}}, {b0, sealed.ID, niaga.BidInput{Price: 11500}}, {b1, sealed.ID, niaga.BidInput{Price: 10500}},
			{b0, call.ID, niaga.BidInput{Side: "buy", Quantity: 500, Price: 9500}}, {b1, call.ID, niaga.BidInput{Side: "buy", Quantity: 300, Price: 9200}},
			{b1, call.ID, niaga.BidInput{Side: "buy", Quantity: 100, Price: 9300}},
		} {
			if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: x.a, LotID: x.lot, In: x.in}); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now()
		for _, who := range []*niaga.Actor{m.organizer, m.seller, b0, nil} {
			for _, id := range []int64{sealed.ID, call.ID} {
				if l, _ := db.Lot(ctx, who, id, now); l.BidCount != 0 {
					t.Fatalf("lot %d shows %d bids before the close", id, l.BidCount)
				}
			}
			lots, err := db.Lots(ctx, who, store.LotFilter{SessionID: m.session.ID}, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lots {
				if l.BidCount != 0 {
					t.Fatalf("listing shows %d bids on lot %d", l.BidCount, l.ID)
				}
			}
		}
		for _, id := range []int64{sealed.ID, call.ID} {
			evs, _ := db.EventsAfter(ctx, store.LotTopic(id), 0, 100)
			for _, e := range evs {
				if e.Kind != "admit" {
					t.Fatalf("lot %d has a %s event before the close: %s", id, e.Kind, e.Data)
				}
			}
		}
		rep, err := db.AuctionReport(ctx, store.AuctionScope{SessionID: m.session.ID})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Bids != 0 {
			t.Fatalf("the session report counts %d bids before the close", rep.Bids)
		}
		end := sealed.EndsAt.Add(time.Second)
		for _, id := range []int64{sealed.ID, call.ID} {
			if closed, err := db.CloseLot(ctx, id, end); err != nil || !closed {
				t.Fatal(closed, err)
			}
		}
		if l, _ := db.Lot(ctx, nil, sealed.ID, end); l.BidCount != 2 {
			t.Fatalf("after the close the sealed lot counts %d bidders, want 2", l.BidCount)
		}
		if l, _ := db.Lot(ctx, nil, call.ID, end); l.BidCount != 3 {
			t.Fatalf("after the close the call lot counts %d orders, want 3", l.BidCount)
		}
		if rep, _ := db.AuctionReport(ctx, store.AuctionScope{SessionID: m.session.ID}); rep.Bids != 6 {
			t.Fatalf("after the close the report counts %d bids, want 6", rep.Bids)
		}
	})
}

// TestGuaranteeEnforced: a bid needs a free deposit covering the lot's
// guarantee plus those of the buyer's other open positions at the market,
// whatever its amount; the refusal names the guarantee and what is
// missing. The organizer may set a lot's guarantee at admission.
func TestGuaranteeEnforced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 0, 0, 0)
		eng := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 10000, Increment: 100, Quantity: 1000})
		if eng.Guarantee != 1_000_000 {
			t.Fatalf("default guarantee %d, want 10 %% × 10 000 × 1 000", eng.Guarantee)
		}
		in := store.LotInput{SessionID: m.session.ID, MarketID: m.market.ID, Commodity: "beras", Grade: "medium", Quantity: 1000, Mechanism: "sealed_first", Reserve: 10000}
		sub, err := db.SubmitLot(ctx, m.seller, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideLotWith(ctx, m.seller, sub.ID, true, "", 2_500_000); code(err) != niaga.CodeForbidden {
			t.Fatalf("the seller sets the guarantee: %v", err)
		}
		if _, err := db.DecideLotWith(ctx, m.organizer, sub.ID, true, "", -1); code(err) != niaga.CodeInvalid {
			t.Fatalf("negative guarantee: %v", err)
		}
		sealed, err := db.DecideLotWith(ctx, m.organizer, sub.ID, true, "", 2_500_000)
		if err != nil || sealed.Guarantee != 2_500_000 {
			t.Fatalf("explicit guarantee: %+v %v", sealed, err)
		}

		poor := m.buyerWith(t, 3_000_000)
		bid := func(lot int64, in niaga.BidInput) error {
			_, err := db.PlaceBid(ctx, store.BidRequest{Actor: poor, LotID: lot, In: in})
			return err
		}
		// Rp 3 000 000 covers the english lot's Rp 1 000 000 at any maximum.
		if err := bid(eng.ID, niaga.BidInput{Price: 10000, MaxPrice: 900_000}); err != nil {
			t.Fatalf("english bid within the guarantee: %v", err)
		}
		// Leading there, the sealed lot needs 2 500 000 + 1 000 000.
		err = bid(sealed.ID, niaga.BidInput{Price: 10000})
		if code(err) != niaga.CodeInsufficientDeposit {
			t.Fatalf("sealed bid over the free deposit: %v", err)
		}
		msg := err.Error()
		for _, want := range []string{"3.000.000", "2.500.000", "1.000.000", "3.500.000", "500.000 missing"} {
			if !strings.Contains(msg, want) {
				t.Fatalf("refusal %q does not name %s", msg, want)
			}
		}
		// The message is the same at any price.
		if err2 := bid(sealed.ID, niaga.BidInput{Price: 99_000}); err2 == nil || err2.Error() != msg {
			t.Fatalf("refusal depends on the price: %v vs %s", err2, msg)
		}
		// Outbid on the english lot, the buyer's guarantee there is released.
		rich := m.buyerWith(t, 10_000_000)
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: rich, LotID: eng.ID, In: niaga.BidInput{MaxPrice: 1_000_000}}); err != nil {
			t.Fatal(err)
		}
		if err := bid(sealed.ID, niaga.BidInput{Price: 10000}); err != nil {
			t.Fatalf("sealed bid once the english guarantee is released: %v", err)
		}
		accts, _ := db.DepositAccounts(ctx, m.organizer, m.market.ID, poor.OrgID)
		if accts[0].Committed != 2_500_000 || accts[0].Free != 3_000_000 {
			t.Fatalf("poor's account %+v", accts[0])
		}
		// No deposit at all: a clear refusal too.
		none := m.buyerWith(t, 0)
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: none, LotID: sealed.ID, In: niaga.BidInput{Price: 10000}}); code(err) != niaga.CodeInsufficientDeposit {
			t.Fatalf("no deposit: %v", err)
		}
		// The winner's guarantee is locked at the close; the loser is released.
		end := sealed.EndsAt.Add(time.Second)
		for _, id := range []int64{eng.ID, sealed.ID} {
			if _, err := db.CloseLot(ctx, id, end); err != nil {
				t.Fatal(err)
			}
		}
		accts, _ = db.DepositAccounts(ctx, m.organizer, m.market.ID, poor.OrgID)
		if accts[0].Committed != 0 || accts[0].Locked != 2_500_000 || accts[0].Free != 500_000 {
			t.Fatalf("winner's account after the close %+v", accts[0])
		}
		accts, _ = db.DepositAccounts(ctx, m.organizer, m.market.ID, rich.OrgID)
		if accts[0].Committed != 0 || accts[0].Locked != 1_000_000 {
			t.Fatalf("english winner's account after the close %+v", accts[0])
		}
	})
}

// TestDepositAccountsOwnership: the store decides who reads deposit
// accounts — a buyer its own, a market's organizer (and the admin) the
// market's — whatever page or handler asks.
func TestDepositAccountsOwnership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 2, 50_000_000, 0)
		other := newMarket(t, db, 0, 0, 0) // another organizer's market
		b0, b1 := m.buyers[0], m.buyers[1]
		admin := &niaga.Actor{UserID: 1, OrgID: m.organizer.OrgID, Role: niaga.RoleAdmin}
		cases := []struct {
			name          string
			who           *niaga.Actor
			market, org   int64
			want          niaga.Code // "" = allowed
			wantAccountsN int
		}{
			{"organizer, whole market", m.organizer, m.market.ID, 0, "", 2},
			{"admin, whole market", admin, m.market.ID, 0, "", 2},
			{"buyer, own account", b0, m.market.ID, b0.OrgID, "", 1},
			{"buyer, all own accounts", b0, 0, b0.OrgID, "", 1},
			{"buyer, whole market", b0, m.market.ID, 0, niaga.CodeForbidden, 0},
			{"buyer, another buyer", b0, m.market.ID, b1.OrgID, niaga.CodeForbidden, 0},
			{"buyer, another buyer everywhere", b0, 0, b1.OrgID, niaga.CodeForbidden, 0},
			{"another organizer", other.organizer, m.market.ID, 0, niaga.CodeForbidden, 0},
			{"another organizer, one buyer", other.organizer, m.market.ID, b0.OrgID, niaga.CodeForbidden, 0},
			{"seller of the market", m.seller, m.market.ID, 0, niaga.CodeForbidden, 0},
			{"nobody", nil, m.market.ID, 0, niaga.CodeUnauthorized, 0},
		}
		for _, c := range cases {
			accts, err := db.DepositAccounts(ctx, c.who, c.market, c.org)
			if got := niaga.ErrorCode(err); got != c.want {
				t.Errorf("%s: code %q (%v), want %q", c.name, got, err, c.want)
				continue
			}
			if c.want == "" && len(accts) != c.wantAccountsN {
				t.Errorf("%s: %d accounts, want %d", c.name, len(accts), c.wantAccountsN)
			}
		}
	})
}
