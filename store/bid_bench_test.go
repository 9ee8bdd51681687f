package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

// benchWorld is a market with english lots and buyers with large deposits.
type benchWorld struct {
	db     *store.DB
	buyers []*niaga.Actor
	lots   []int64
	next   []atomic.Int64 // per lot: bids sent, the next proxy maximum
}

func newBenchWorld(b *testing.B, eng store.Engine, lots, buyers int) *benchWorld {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, eng)
	w := &benchWorld{db: db, next: make([]atomic.Int64, lots)}
	actor := func(kind niaga.OrgKind, role niaga.Role, name string) *niaga.Actor {
		o := &niaga.Organization{Name: name, Kind: kind, Province: "18", Verified: true}
		if err := db.CreateOrganization(ctx, nil, o); err != nil {
			b.Fatal(err)
		}
		u, err := db.CreateUser(ctx, nil, store.NewUser{Email: fmt.Sprintf("%s-%d@x.id", role, o.ID), Name: name, PasswordHash: "x", Role: role, OrgID: o.ID})
		if err != nil {
			b.Fatal(err)
		}
		return &niaga.Actor{UserID: u.ID, OrgID: o.ID, Role: role}
	}
	org := actor(niaga.OrgOrganizer, niaga.RoleOrganizer, "Koperasi")
	seller := actor(niaga.OrgBusiness, niaga.RoleBusiness, "Penjual")
	m, err := db.CreateMarket(ctx, org, store.MarketInput{Name: "PL", Province: "18", DepositRatioBps: 100, Mechanisms: []string{"english"}})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	s, err := db.CreateSession(ctx, org, store.SessionInput{Title: "Sesi", Kind: "spot", StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour), MarketIDs: []int64{m.ID}})
	if err != nil {
		b.Fatal(err)
	}
	for i := range buyers {
		a := actor(niaga.OrgBusiness, niaga.RoleBusiness, fmt.Sprintf("Pembeli %d", i))
		if _, err := db.RecordDeposit(ctx, org, m.ID, store.DepositInput{OrgID: a.OrgID, Kind: "deposit", Amount: 1_000_000_000_000_000}); err != nil {
			b.Fatal(err)
		}
		w.buyers = append(w.buyers, a)
	}
	for range lots {
		l, err := db.SubmitLot(ctx, seller, store.LotInput{SessionID: s.ID, MarketID: m.ID, Commodity: "beras", Grade: "medium", Quantity: 1,
			Mechanism: "english", Reserve: 1000, Increment: 1})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.DecideLot(ctx, org, l.ID, true, ""); err != nil {
			b.Fatal(err)
		}
		w.lots = append(w.lots, l.ID)
	}
	return w
}

// BenchmarkPlaceBid measures committed english bids per second from 64
// concurrent bidders: with group commit (PlaceBid) and with one
// transaction per bid, on each engine, over 1 000 lots and on one lot.
// On one lot, concurrent proxy maxima arrive out of order and some are
// refused as too low: accepted/s counts only the committed ones.
func BenchmarkPlaceBid(b *testing.B) {
	for _, eng := range storetest.Engines() {
		for _, lots := range []int{1000, 1} {
			for _, mode := range []string{"group", "single"} {
				b.Run(fmt.Sprintf("%s/lots=%d/%s", eng, lots, mode), func(b *testing.B) {
					w := newBenchWorld(b, eng, lots, 64)
					place := w.db.PlaceBid
					if mode == "single" {
						place = w.db.PlaceBidUnbatchedForTest
					}
					ctx := context.Background()
					var seq, accepted, refused atomic.Int64
					b.SetParallelism(32) // 64 bidders on 2 cores
					b.ResetTimer()
					start, cpu0 := time.Now(), cpuTime()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							n := seq.Add(1)
							i := int(n*7919) % len(w.lots)
							p := 1000 + w.next[i].Add(1)*1000
							_, err := place(ctx, store.BidRequest{Actor: w.buyers[n%int64(len(w.buyers))], LotID: w.lots[i], In: niaga.BidInput{MaxPrice: p}})
							switch niaga.ErrorCode(err) {
							case "":
								accepted.Add(1)
							case niaga.CodeBidTooLow:
								refused.Add(1)
							default:
								b.Error(err)
							}
						}
					})
					el := time.Since(start).Seconds()
					b.ReportMetric(float64(seq.Load())/el, "bids/s")
					b.ReportMetric(float64(accepted.Load())/el, "accepted/s")
					// CPU per bid is steadier than bids/s on a shared machine.
					b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(seq.Load()), "cpu-µs/bid")
				})
			}
		}
	}
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
