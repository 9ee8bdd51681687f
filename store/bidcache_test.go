package store_test

import (
	"context"
	"testing"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

// The bid loop keeps what english bids read between batches (SQLite).
// These tests change that state by every other route and check that the
// next bid sees the change; on PostgreSQL they check the same rules
// without a cache.

func bidMax(t *testing.T, db *store.DB, a *niaga.Actor, lot int64, max int64) niaga.Code {
	t.Helper()
	_, err := db.PlaceBid(context.Background(), store.BidRequest{Actor: a, LotID: lot, In: niaga.BidInput{MaxPrice: max}})
	return code(err)
}

func TestBidCacheFollowsDeposits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 2, 130_000, 0) // ratio 10 %
		// Guarantees: 10 % × 1 000 × quantity = 60 000, 80 000 and 50 000.
		l1 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 600})
		l2 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 800})
		l3 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 500})
		b0, b1 := m.buyers[0], m.buyers[1]
		// Commitments move between lots: leading l1 (60 000) leaves 70 000, short of l2's 80 000.
		if c := bidMax(t, db, b0, l1.ID, 6_000); c != "" {
			t.Fatal(c)
		}
		if c := bidMax(t, db, b0, l2.ID, 1_000); c != niaga.CodeInsufficientDeposit {
			t.Fatalf("over the deposit: %q", c)
		}
		if c := bidMax(t, db, b1, l1.ID, 7_000); c != "" { // b0 is outbid: its commitment on l1 is released
			t.Fatal(c)
		}
		if c := bidMax(t, db, b0, l2.ID, 1_000); c != "" {
			t.Fatalf("after release: %q", c)
		}
		// A refund recorded by the organizer is seen by the next bid: before
		// it b1 could cover l1's 60 000 and l3's 50 000, after it 90 000 is left.
		if _, err := db.RecordDeposit(ctx, m.organizer, m.market.ID, store.DepositInput{OrgID: b1.OrgID, Kind: "refund", Amount: 40_000}); err != nil {
			t.Fatal(err)
		}
		if c := bidMax(t, db, b1, l3.ID, 2_000); c != niaga.CodeInsufficientDeposit {
			t.Fatalf("after a refund: %q", c)
		}
		// So is a revoked verification.
		if err := db.VerifyOrganization(ctx, nil, b0.OrgID, false); err != nil {
			t.Fatal(err)
		}
		if c := bidMax(t, db, b0, l1.ID, 8_000); c != niaga.CodeNotVerified {
			t.Fatalf("after unverifying: %q", c)
		}
	})
}

func TestBidCacheFollowsOtherMechanisms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db, 1, 100_000, 0)
		// Guarantees 30 000, 30 000, 20 000 and (sealed) 50 000.
		e1 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 300})
		e2 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 300})
		e3 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 200})
		s := m.lot(t, store.LotInput{Mechanism: "sealed_first", Reserve: 1000, Quantity: 500})
		b := m.buyers[0]
		if c := bidMax(t, db, b, e1.ID, 10_000); c != "" {
			t.Fatal(c)
		}
		// A sealed bid commits its lot's 50 000 more: 20 000 stays free.
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: b, LotID: s.ID, In: niaga.BidInput{Price: 50_000}}); err != nil {
			t.Fatal(err)
		}
		if c := bidMax(t, db, b, e2.ID, 1_000); c != niaga.CodeInsufficientDeposit {
			t.Fatalf("after a sealed bid: %q", c)
		}
		if c := bidMax(t, db, b, e3.ID, 1_000); c != "" {
			t.Fatalf("within the deposit: %q", c)
		}
	})
}

// TestBidCacheSeesOtherProcesses writes to the SQLite file through a
// second handle, as another process would.
func TestBidCacheSeesOtherProcesses(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	open := func() *store.DB {
		db, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.SeedCommodities(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	db, other := open(), open()
	m := newMarket(t, db, 1, 100_000, 0)
	// Guarantees 1 000 and 10 000.
	l1 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 10})
	l2 := m.lot(t, store.LotInput{Mechanism: "english", Reserve: 1000, Increment: 50, Quantity: 100})
	b := m.buyers[0]
	if c := bidMax(t, db, b, l1.ID, 5_000); c != "" {
		t.Fatal(c)
	}
	// 10 000 left free cannot cover l2's 10 000 next to l1's 1 000.
	if _, err := other.RecordDeposit(ctx, m.organizer, m.market.ID, store.DepositInput{OrgID: b.OrgID, Kind: "refund", Amount: 90_000}); err != nil {
		t.Fatal(err)
	}
	if c := bidMax(t, db, b, l2.ID, 2_000); c != niaga.CodeInsufficientDeposit {
		t.Fatalf("after another process's refund: %q", c)
	}
	// The other process also bids: the first sees the new leader and price.
	if _, err := other.RecordDeposit(ctx, m.organizer, m.market.ID, store.DepositInput{OrgID: b.OrgID, Kind: "deposit", Amount: 900_000}); err != nil {
		t.Fatal(err)
	}
	if c := bidMax(t, other, b, l1.ID, 30_000); c != "" {
		t.Fatal(c)
	}
	if c := bidMax(t, db, b, l1.ID, 25_000); c != niaga.CodeBidTooLow {
		t.Fatalf("a raise below the maximum set elsewhere: %q", c)
	}
}
