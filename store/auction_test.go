package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"niaga"
	"niaga/auction"
	"niaga/store"
	"niaga/store/storetest"
)

// market is a small auction world: an organizer, a seller, buyers with
// deposits, a market and an open session.
type market struct {
	db        *store.DB
	organizer *niaga.Actor
	seller    *niaga.Actor
	buyers    []*niaga.Actor
	market    niaga.Market
	session   niaga.AuctionSession
}

func newMarket(t *testing.T, db *store.DB, buyers int, deposit int64, soft time.Duration) *market {
	t.Helper()
	ctx := context.Background()
	actor := func(kind niaga.OrgKind, role niaga.Role, name, prov string) *niaga.Actor {
		o := &niaga.Organization{Name: name, Kind: kind, Province: prov, Verified: true}
		if err := db.CreateOrganization(ctx, nil, o); err != nil {
			t.Fatal(err)
		}
		u, err := db.CreateUser(ctx, nil, store.NewUser{Email: fmt.Sprintf("%s-%d@x.id", role, o.ID), Name: name, PasswordHash: "x", Role: role, OrgID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		return &niaga.Actor{UserID: u.ID, OrgID: o.ID, Role: role}
	}
	m := &market{db: db}
	m.organizer = actor(niaga.OrgOrganizer, niaga.RoleOrganizer, "Koperasi", "18")
	m.seller = actor(niaga.OrgBusiness, niaga.RoleBusiness, "Penggilingan", "18")
	var err error
	m.market, err = db.CreateMarket(ctx, m.organizer, store.MarketInput{Name: "PL Lampung", Province: "18", FeeBuyerBps: 50, FeeSellerBps: 50,
		DepositRatioBps: 1000, Mechanisms: []string{"english", "sealed_first", "sealed_second", "dutch", "call"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	m.session, err = db.CreateSession(ctx, m.organizer, store.SessionInput{Title: "Sesi", Kind: "spot", StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour),
		SoftCloseSec: int64(soft / time.Second), MarketIDs: []int64{m.market.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range buyers {
		b := actor(niaga.OrgBusiness, niaga.RoleBusiness, fmt.Sprintf("Pembeli %d", i), "33")
		if deposit > 0 {
			if _, err := db.RecordDeposit(ctx, m.organizer, m.market.ID, store.DepositInput{OrgID: b.OrgID, Kind: "deposit", Amount: deposit}); err != nil {
				t.Fatal(err)
			}
		}
		m.buyers = append(m.buyers, b)
	}
	return m
}

func (m *market) lot(t *testing.T, in store.LotInput) niaga.Lot {
	t.Helper()
	ctx := context.Background()
	in.SessionID, in.MarketID = m.session.ID, m.market.ID
	if in.Commodity == "" {
		in.Commodity, in.Grade = "beras", "medium"
	}
	if in.Quantity == 0 {
		in.Quantity = 10000
	}
	l, err := m.db.SubmitLot(ctx, m.seller, in)
	if err != nil {
		t.Fatal(err)
	}
	l, err = m.db.DecideLot(ctx, m.organizer, l.ID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func code(err error) niaga.Code { return niaga.ErrorCode(err) }

// buyerWith adds a verified buyer with deposit at the market.
func (m *market) buyerWith(t *testing.T, deposit int64) *niaga.Actor {
	t.Helper()
	ctx := context.Background()
	o := &niaga.Organization{Name: fmt.Sprintf("Pembeli %d", len(m.buyers)), Kind: niaga.OrgBusiness, Province: "33", Verified: true}
	if err := m.db.CreateOrganization(ctx, nil, o); err != nil {
		t.Fatal(err)
	}
	u, err := m.db.CreateUser(ctx, nil, store.NewUser{Email: fmt.Sprintf("buyer-%d@x.id", o.ID), Name: o.Name, PasswordHash: "x", Role: niaga.RoleBusiness, OrgID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	if deposit > 0 {
		if _, err := m.db.RecordDeposit(ctx, m.organizer, m.market.ID, store.DepositInput{OrgID: o.ID, Kind: "deposit", Amount: deposit}); err != nil {
			t.Fatal(err)
		}
	}
	b := &niaga.Actor{UserID: u.ID, OrgID: o.ID, Role: niaga.RoleBusiness}
	m.buyers = append(m.buyers, b)
	return b
}

func TestAuctionFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 3, 20_000_000, 0)
		l := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 10000, Increment: 100})
		b0, b1, b2 := m.buyers[0], m.buyers[1], m.buyers[2]
		bid := func(a *niaga.Actor, in niaga.BidInput, key string) (niaga.BidResult, error) {
			return db.PlaceBid(ctx, store.BidRequest{Actor: a, LotID: l.ID, In: in, IdemKey: key})
		}
		if _, err := bid(m.seller, niaga.BidInput{Price: 10000}, ""); code(err) != niaga.CodeOwnLot {
			t.Fatalf("seller bid: %v", err)
		}
		if _, err := bid(b0, niaga.BidInput{Price: 9000}, ""); code(err) != niaga.CodeBidTooLow {
			t.Fatalf("below reserve: %v", err)
		} else {
			var tl *store.BidTooLow
			if !errors.As(err, &tl) || tl.Min != 10000 {
				t.Fatalf("min not reported: %v", err)
			}
		}
		// The guarantee is 10 % of 10 000 kg × Rp 10 000 (the reserve) =
		// Rp 10 000 000, whatever the bid: a buyer with Rp 9 000 000 free is
		// refused even at the reserve, one with Rp 20 000 000 may bid a
		// maximum whose ratio value is far above its deposit.
		if l.Guarantee != 10_000_000 {
			t.Fatalf("guarantee %d", l.Guarantee)
		}
		small := m.buyerWith(t, 9_000_000)
		if _, err := bid(small, niaga.BidInput{Price: 10000}, ""); code(err) != niaga.CodeInsufficientDeposit {
			t.Fatalf("deposit: %v", err)
		}
		r, err := bid(b0, niaga.BidInput{Price: 10000, MaxPrice: 12000}, "k1")
		if err != nil || !r.Leading || r.Price != 10000 {
			t.Fatalf("first bid %+v %v", r, err)
		}
		again, err := bid(b0, niaga.BidInput{Price: 10000, MaxPrice: 12000}, "k1")
		if err != nil || !again.Replayed || again.BidID != r.BidID {
			t.Fatalf("idempotent retry %+v %v", again, err)
		}
		if _, err := bid(b0, niaga.BidInput{Price: 10500}, "k1"); err != nil {
			t.Fatalf("same key, same lot replays: %v", err)
		}
		r, err = bid(b1, niaga.BidInput{Price: 11000}, "")
		if err != nil || r.Leading || r.Price != 11100 {
			t.Fatalf("proxy defends: %+v %v", r, err)
		}
		r, err = bid(b2, niaga.BidInput{MaxPrice: 15000}, "")
		if err != nil || !r.Leading || r.Price != 12100 {
			t.Fatalf("new leader: %+v %v", r, err)
		}
		// b0 was outbid: its commitment is released, so it could bid elsewhere.
		accts, _ := db.DepositAccounts(ctx, m.organizer, m.market.ID, b0.OrgID)
		if accts[0].Committed != 0 {
			t.Fatalf("outbid buyer still committed: %+v", accts[0])
		}
		bids, _ := db.Bids(ctx, b1, l.ID, time.Now())
		if len(bids) != 3 {
			t.Fatalf("%d visible bids", len(bids))
		}
		for _, b := range bids {
			if b.MaxPrice != 0 && b.BidderOrg != b1.OrgID {
				t.Fatalf("another bidder's maximum leaked: %+v", b)
			}
		}
		// Close after the end: b2 wins at 12 100; a second close is a no-op.
		end := l.EndsAt.Add(time.Second)
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: b1, LotID: l.ID, In: niaga.BidInput{Price: 20000}, At: end}); code(err) != niaga.CodeAuctionClosed {
			t.Fatalf("late bid: %v", err)
		}
		closed, err := db.CloseLot(ctx, l.ID, end)
		if err != nil || !closed {
			t.Fatal(closed, err)
		}
		if again, _ := db.CloseLot(ctx, l.ID, end); again {
			t.Fatal("closed twice")
		}
		got, _ := db.Lot(ctx, nil, l.ID, end)
		if got.Status != niaga.LotSold || got.WinnerOrgID != b2.OrgID || got.AwardPrice != 12100 {
			t.Fatalf("award %+v", got)
		}
		cs, err := db.Contracts(ctx, b2, l.ID)
		if err != nil || len(cs) != 1 {
			t.Fatal(cs, err)
		}
		c := cs[0]
		if c.Value != 121_000_000 || c.BuyerFee != 605_000 || c.DepositLocked != 10_000_000 || c.Status != niaga.ContractAwaitingPayment {
			t.Fatalf("contract %+v", c)
		}
		// Settlement: the buyer may not confirm payment; the organizer does.
		if _, err := db.Settle(ctx, b2, c.ID, store.SettleInput{Status: "paid"}); code(err) != niaga.CodeForbidden {
			t.Fatalf("buyer confirms payment: %v", err)
		}
		if _, err := db.Settle(ctx, b0, c.ID, store.SettleInput{Status: "paid"}); code(err) != niaga.CodeNotFound {
			t.Fatalf("stranger: %v", err)
		}
		if _, err := db.Settle(ctx, m.organizer, c.ID, store.SettleInput{Status: "completed"}); code(err) != niaga.CodeConflict {
			t.Fatalf("skip a step: %v", err)
		}
		for _, step := range []struct {
			a   *niaga.Actor
			to  string
			adj int64
		}{{m.organizer, "paid", 0}, {m.seller, "delivered", 0}, {b2, "completed", -500_000}} {
			if _, err := db.Settle(ctx, step.a, c.ID, store.SettleInput{Status: step.to, Adjustment: step.adj}); err != nil {
				t.Fatalf("%s: %v", step.to, err)
			}
		}
		c, _ = db.Contract(ctx, m.organizer, c.ID)
		if c.Status != niaga.ContractCompleted || len(c.Steps) != 4 || c.Adjustment != -500_000 {
			t.Fatalf("settled %+v", c)
		}
		accts, _ = db.DepositAccounts(ctx, m.organizer, m.market.ID, b2.OrgID)
		if accts[0].Locked != 0 || accts[0].Balance != 20_000_000 {
			t.Fatalf("deposit not released: %+v", accts[0])
		}
	})
}

func TestSealedDutchCallAndDefault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 3, 50_000_000, 0)
		b0, b1, b2 := m.buyers[0], m.buyers[1], m.buyers[2]

		// Sealed second price: hidden until close, revisable, Vickrey price.
		s := m.lot(t, store.LotInput{Mechanism: "sealed_second", Reserve: 10000, Quantity: 1000})
		for _, x := range []struct {
			a     *niaga.Actor
			price int64
		}{{b0, 12000}, {b1, 11000}, {b0, 13000}, {b2, 10500}} {
			if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: x.a, LotID: s.ID, In: niaga.BidInput{Price: x.price}}); err != nil {
				t.Fatal(err)
			}
		}
		view, _ := db.Lot(ctx, m.organizer, s.ID, time.Now())
		if view.Price != 0 || view.LeaderOrg != 0 || view.BidCount != 0 {
			t.Fatalf("sealed lot leaks: %+v", view)
		}
		if bids, _ := db.Bids(ctx, m.organizer, s.ID, time.Now()); len(bids) != 0 {
			t.Fatalf("organizer sees sealed bids: %+v", bids)
		}
		if bids, _ := db.Bids(ctx, b0, s.ID, time.Now()); len(bids) != 2 {
			t.Fatalf("bidder sees %d own bids", len(bids))
		}
		end := s.EndsAt.Add(time.Second)
		db.CloseLot(ctx, s.ID, end)
		view, _ = db.Lot(ctx, nil, s.ID, end)
		if view.WinnerOrgID != b0.OrgID || view.AwardPrice != 11000 || view.BidCount != 3 {
			t.Fatalf("vickrey %+v", view)
		}
		if bids, _ := db.Bids(ctx, nil, s.ID, end); len(bids) != 4 {
			t.Fatalf("after close all bids are public, got %d", len(bids))
		}

		// Dutch: the first accept wins at the server's clock price.
		d := m.lot(t, store.LotInput{Mechanism: "dutch", Reserve: 8000, DutchStart: 10000, DutchStep: 500, DutchTickMs: 60000, Quantity: 1000})
		at := d.StartsAt.Add(2*time.Minute + time.Second)
		r, err := db.PlaceBid(ctx, store.BidRequest{Actor: b1, LotID: d.ID, At: at})
		if err != nil || r.Price != 9000 || r.ContractID == 0 {
			t.Fatalf("dutch accept %+v %v", r, err)
		}
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: b2, LotID: d.ID, At: at}); code(err) != niaga.CodeAuctionClosed {
			t.Fatalf("second accept: %v", err)
		}
		// Buyer default forfeits the locked guarantee: 10 % × Rp 8 000 (the
		// floor) × 1 000 kg.
		before, _ := db.DepositAccounts(ctx, m.organizer, m.market.ID, b1.OrgID)
		if _, err := db.Settle(ctx, m.organizer, r.ContractID, store.SettleInput{Status: "defaulted", Note: "tidak membayar"}); err != nil {
			t.Fatal(err)
		}
		after, _ := db.DepositAccounts(ctx, m.organizer, m.market.ID, b1.OrgID)
		if after[0].Forfeited != 800_000 || after[0].Balance != before[0].Balance-800_000 || after[0].Locked != 0 {
			t.Fatalf("forfeit: before %+v after %+v", before[0], after[0])
		}

		// Call: the lot's 1 000 kg at 9 000 plus another ask; bids cleared at one price.
		c := m.lot(t, store.LotInput{Mechanism: "call", Reserve: 9000, Quantity: 1000, Commodity: "jagung", Grade: "II"})
		orders := []struct {
			a          *niaga.Actor
			side       string
			qty, limit int64
		}{{b0, "buy", 600, 9500}, {b1, "buy", 800, 9200}, {b2, "sell", 500, 9100}}
		for _, o := range orders {
			if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: o.a, LotID: c.ID, In: niaga.BidInput{Side: o.side, Quantity: o.qty, Price: o.limit}}); err != nil {
				t.Fatal(err)
			}
		}
		end = c.EndsAt.Add(time.Second)
		if closed, err := db.CloseLot(ctx, c.ID, end); err != nil || !closed {
			t.Fatal(err)
		}
		cs, _ := db.Contracts(ctx, m.organizer, c.ID)
		var vol int64
		for _, k := range cs {
			vol += k.Quantity
			if k.Price != cs[0].Price {
				t.Fatal("not a uniform price")
			}
		}
		if vol != 1400 || len(cs) < 2 {
			t.Fatalf("call volume %d in %d contracts", vol, len(cs))
		}
	})
}

// TestConcurrentBidsMatchReplay fires hundreds of bids at one lot from many
// goroutines; the final lot state must equal a sequential replay of the
// committed bids through the pure rules.
func TestConcurrentBidsMatchReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 20, 1_000_000_000_000, 0)
		l := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 10000, Increment: 50, Quantity: 1000})
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := map[int64]niaga.BidResult{}
		for g := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(g), 7))
				for i := range 20 {
					price := 10000 + int64(i)*1000 + rng.Int64N(1000)
					r, err := db.PlaceBid(ctx, store.BidRequest{Actor: m.buyers[g], LotID: l.ID, In: niaga.BidInput{MaxPrice: price}, IdemKey: fmt.Sprintf("g%d-%d", g, i)})
					switch code(err) {
					case "":
						mu.Lock()
						accepted[r.BidID] = r
						mu.Unlock()
					case niaga.CodeBidTooLow:
					default:
						t.Errorf("bid: %v", err)
					}
				}
			}()
		}
		wg.Wait()
		bids, err := db.BidsForReplay(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(bids) != len(accepted) {
			t.Fatalf("%d bids stored, %d acknowledged", len(bids), len(accepted))
		}
		p := auction.EnglishParams{Reserve: 10000, Increment: 50}
		s := auction.EnglishState{EndsAt: l.EndsAt}
		for _, b := range bids {
			var out auction.EnglishOutcome
			s, out, err = auction.EnglishBid(p, s, b.BidderOrg, b.MaxPrice, b.At)
			if err != nil {
				t.Fatalf("replay of bid %d refused: %v", b.ID, err)
			}
			if ack := accepted[b.ID]; ack.Price != out.Price || ack.Leading != out.Leading {
				t.Fatalf("bid %d acknowledged %+v, replay %+v", b.ID, ack, out)
			}
		}
		got, _ := db.Lot(ctx, nil, l.ID, time.Now())
		if got.Price != s.Price || got.LeaderOrg != s.Leader || got.BidCount != int64(s.Bids) {
			t.Fatalf("final state %+v, replay %+v", got, s)
		}
		// Every committed bid is in the audit chain, and the chain holds.
		audited, err := db.AuditedBidIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bids {
			if !audited[b.ID] {
				t.Fatalf("bid %d is not in the audit log", b.ID)
			}
		}
		if broken, _, err := db.VerifyAudit(ctx); err != nil || broken != 0 {
			t.Fatalf("audit chain broken at %d: %v", broken, err)
		}
		t.Logf("%d bids accepted of 400", len(bids))
	})
}
