package auction

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

func BenchmarkEnglishBid(b *testing.B) {
	b.ReportAllocs()
	p := EnglishParams{Reserve: 10_000, Increment: 50, SoftClose: 5 * time.Minute}
	s := EnglishState{EndsAt: min_(60)}
	now := min_(58)
	for i := 0; b.Loop(); i++ {
		var err error
		s, _, err = EnglishBid(p, s, int64(i%3+1), EnglishMinNext(p, s)+int64(i%2)*100, now)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealedResult(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		r := rand.New(rand.NewPCG(1, uint64(n)))
		bids := make([]SealedBid, n)
		for i := range bids {
			bids[i] = SealedBid{Bidder: int64(i + 1), Price: 9_000 + r.Int64N(2_000), At: min_(i % 60), Seq: int64(i)}
		}
		b.Run("bids="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := SealedResult(SealedSecond, 10_000, bids); !ok {
					b.Fatal("no award")
				}
			}
		})
	}
}

func BenchmarkDutchPrice(b *testing.B) {
	b.ReportAllocs()
	p := DutchParams{Start: 80_000, Step: 500, Floor: 40_000, Tick: 10 * time.Second, StartsAt: min_(0)}
	var sink int64
	for i := 0; b.Loop(); i++ {
		sink += DutchPrice(p, min_(i%30))
	}
	_ = sink
}

// benchOrders makes a book of n orders around a price of 10 000 with
// overlapping buy and sell limits, n/10 traders and random time priority.
func benchOrders(n int) []Order {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	orders := make([]Order, n)
	for i := range orders {
		side, limit := Buy, 9_500+r.Int64N(800)
		if i%2 == 1 {
			side, limit = Sell, 9_700+r.Int64N(800)
		}
		orders[i] = Order{
			ID:     int64(i + 1),
			Trader: r.Int64N(int64(n/10)+1) + 1,
			Side:   side,
			Qty:    r.Int64N(1_000) + 1,
			Limit:  limit,
			Seq:    r.Int64N(int64(n)),
		}
	}
	return orders
}

func BenchmarkClear(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		orders := benchOrders(n)
		b.Run("orders="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c := Clear(orders); c.Volume == 0 {
					b.Fatal("no volume")
				}
			}
		})
	}
}
