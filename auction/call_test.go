package auction

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func buy(id, trader, qty, limit, seq int64) Order {
	return Order{ID: id, Trader: trader, Side: Buy, Qty: qty, Limit: limit, Seq: seq}
}

func sell(id, trader, qty, limit, seq int64) Order {
	return Order{ID: id, Trader: trader, Side: Sell, Qty: qty, Limit: limit, Seq: seq}
}

func f(b, s, buyer, seller, qty, price int64) Fill {
	return Fill{BuyOrder: b, SellOrder: s, Buyer: buyer, Seller: seller, Qty: qty, Price: price}
}

func TestClear(t *testing.T) {
	for _, tc := range []struct {
		name        string
		orders      []Order
		price, vol  int64
		fills       []Fill
		selfSkipped int64
	}{
		{name: "empty"},
		{name: "only buys", orders: []Order{buy(1, 1, 10, 100, 1)}},
		{name: "no cross", orders: []Order{buy(1, 1, 10, 99, 1), sell(2, 2, 10, 100, 2)}},
		{name: "equal limits", orders: []Order{buy(1, 1, 10, 100, 1), sell(2, 2, 10, 100, 2)},
			price: 100, vol: 10, fills: []Fill{f(1, 2, 1, 2, 10, 100)}},
		{name: "midpoint of spread, rounded down", orders: []Order{buy(1, 1, 10, 101, 1), sell(2, 2, 10, 90, 2)},
			price: 95, vol: 10, fills: []Fill{f(1, 2, 1, 2, 10, 95)}},
		{name: "partial fill of the larger order", orders: []Order{buy(1, 1, 10, 100, 1), sell(2, 2, 4, 90, 2)},
			// candidates 90 and 100 both trade 4 with imbalance 6
			price: 95, vol: 4, fills: []Fill{f(1, 2, 1, 2, 4, 95)}},
		{name: "multiple fills, price then time priority",
			orders: []Order{
				buy(1, 1, 5, 110, 3), buy(2, 2, 5, 110, 1), buy(3, 3, 5, 105, 0), buy(4, 4, 5, 90, 0),
				sell(5, 5, 8, 95, 2), sell(6, 6, 8, 100, 1), sell(7, 7, 8, 120, 0),
			},
			// D: 95→15 100→15 105→15 110→10 ; S: 95→8 100→16 105→16 110→16
			// vol: 95→8 100→15 105→15 110→10; imbalance at 100 and 105 is 1 → [100,105] → 102
			price: 102, vol: 15,
			fills: []Fill{f(2, 5, 2, 5, 5, 102), f(1, 5, 1, 5, 3, 102), f(1, 6, 1, 6, 2, 102), f(3, 6, 3, 6, 5, 102)}},
		{name: "imbalance decides between volume-equal prices",
			orders: []Order{buy(1, 1, 10, 100, 1), buy(2, 2, 5, 90, 2), sell(3, 3, 10, 80, 3), sell(4, 4, 5, 95, 4)},
			// D: 80→15 90→15 95→10 100→10 ; S: 80→10 90→10 95→15 100→15
			// vol 10 everywhere; imbalance 5,5,5,5 → [80,100] → 90
			price: 90, vol: 10, fills: []Fill{f(1, 3, 1, 3, 10, 90)}},
		{name: "smaller imbalance wins among volume-equal prices",
			orders: []Order{buy(1, 1, 10, 100, 1), buy(2, 2, 5, 90, 2), sell(3, 3, 10, 80, 3)},
			// vol 10 at 80, 90, 100; imbalance 5, 5, 0 → 100
			price: 100, vol: 10, fills: []Fill{f(1, 3, 1, 3, 10, 100)}},
		{name: "interior price beats candidates on imbalance",
			orders: []Order{buy(1, 1, 10, 100, 1), buy(2, 2, 5, 90, 2), sell(3, 3, 10, 90, 3), sell(4, 4, 5, 100, 4)},
			// at 90: D15 S10; at 100: D10 S15; at 95: D10 S10
			price: 95, vol: 10, fills: []Fill{f(1, 3, 1, 3, 10, 95)}},
		{name: "volume maximal, not the first cross",
			orders: []Order{buy(1, 1, 1, 200, 1), buy(2, 2, 100, 50, 2), sell(3, 3, 100, 10, 3), sell(4, 4, 1, 150, 4)},
			// at 10 and 50: D101 S100 → 100, imbalance 1; at 150/200 only 1 → [10,50] → 30
			price: 30, vol: 100, fills: []Fill{f(1, 3, 1, 3, 1, 30), f(2, 3, 2, 3, 99, 30)}},
		{name: "self-trade skipped, seller goes to next buyer",
			orders: []Order{buy(1, 1, 10, 100, 1), buy(2, 2, 10, 100, 2), sell(3, 1, 10, 90, 3), sell(4, 3, 10, 90, 4)},
			price:  95, vol: 20, fills: []Fill{f(1, 4, 1, 3, 10, 95), f(2, 3, 2, 1, 10, 95)}},
		{name: "self-trade with no other counterparty",
			orders: []Order{buy(1, 1, 10, 100, 1), sell(2, 1, 10, 90, 2)},
			price:  95, vol: 0, selfSkipped: 10},
		{name: "self-trade partially blocked",
			orders: []Order{buy(1, 1, 10, 100, 1), sell(2, 1, 6, 90, 2), sell(3, 2, 4, 90, 3)},
			price:  95, vol: 4, selfSkipped: 6, fills: []Fill{f(1, 3, 1, 2, 4, 95)}},
		{name: "parked sells keep priority over later sells",
			orders: []Order{
				buy(1, 1, 5, 100, 1), buy(2, 2, 5, 100, 2), buy(3, 3, 5, 100, 3),
				sell(4, 1, 5, 80, 1), sell(5, 9, 5, 85, 2), sell(6, 8, 5, 90, 3),
			},
			// S: 80→5 85→10 90→15 100→15, D 15 → [90,100] → 95
			price: 95, vol: 15,
			fills: []Fill{f(1, 5, 1, 9, 5, 95), f(2, 4, 2, 1, 5, 95), f(3, 6, 3, 8, 5, 95)}},
		{name: "same limit and seq: lower ID first",
			orders: []Order{buy(9, 1, 5, 100, 1), buy(3, 2, 5, 100, 1), sell(7, 3, 5, 100, 1), sell(4, 4, 5, 100, 1), sell(5, 5, 5, 100, 0)},
			price:  100, vol: 10, fills: []Fill{f(3, 5, 2, 5, 5, 100), f(9, 4, 1, 4, 5, 100)}},
		{name: "own sells parked across buys keep their order",
			orders: []Order{
				buy(1, 1, 3, 100, 1), buy(2, 1, 3, 100, 2), buy(3, 2, 10, 100, 3),
				sell(10, 1, 2, 80, 1), sell(11, 3, 3, 81, 1), sell(12, 1, 2, 82, 1), sell(13, 4, 3, 83, 1), sell(14, 5, 9, 84, 1),
			},
			price: 92, vol: 16, // D 16 everywhere; S 19 from 84: [84,100] → 92
			fills: []Fill{
				f(1, 11, 1, 3, 3, 92),
				f(2, 13, 1, 4, 3, 92),
				f(3, 10, 2, 1, 2, 92), f(3, 12, 2, 1, 2, 92), f(3, 14, 2, 5, 6, 92),
			}},
		{name: "invalid orders ignored",
			orders: []Order{buy(1, 1, 0, 100, 1), sell(2, 2, 10, 0, 2), {ID: 3, Trader: 1, Side: "x", Qty: 1, Limit: 1}, buy(4, 0, 5, 100, 1), buy(5, 1, 5, 100, 1), sell(6, 2, 5, 100, 1)},
			price:  100, vol: 5, fills: []Fill{f(5, 6, 1, 2, 5, 100)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Clear(tc.orders)
			if c.Err != nil {
				t.Fatal(c.Err)
			}
			if c.Price != tc.price || c.Volume != tc.vol || c.SelfSkipped != tc.selfSkipped {
				t.Fatalf("price %d vol %d self %d, want %d %d %d", c.Price, c.Volume, c.SelfSkipped, tc.price, tc.vol, tc.selfSkipped)
			}
			if !slices.Equal(c.Fills, tc.fills) {
				t.Fatalf("fills\n got %v\nwant %v", c.Fills, tc.fills)
			}
			checkClearing(t, tc.orders, c)
		})
	}
}

func TestClearIgnoredAndOverflow(t *testing.T) {
	c := Clear([]Order{buy(1, 1, 0, 100, 1), buy(2, 1, 1, 100, 1)})
	if !slices.Equal(c.Ignored, []int64{1}) {
		t.Fatalf("ignored %v", c.Ignored)
	}
	c = Clear([]Order{buy(1, 1, math.MaxInt64, 100, 1), buy(2, 2, 1, 100, 2), sell(3, 3, 5, 90, 3)})
	if CodeOf(c.Err) != CodeInvalid || c.Volume != 0 || len(c.Fills) != 0 {
		t.Fatalf("overflow: %+v", c)
	}
	c = Clear([]Order{buy(1, 1, math.MaxInt64, math.MaxInt64, 1), sell(3, 3, math.MaxInt64, 1, 3)})
	if c.Err != nil || c.Volume != math.MaxInt64 || c.Price != 1+(math.MaxInt64-1)/2 {
		t.Fatalf("extremes: %+v", c)
	}
}

// checkClearing verifies the invariants any clearing must satisfy.
func checkClearing(t *testing.T, orders []Order, c Clearing) {
	t.Helper()
	byID := map[int64]Order{}
	for _, o := range orders {
		if o.Validate() == nil {
			byID[o.ID] = o
		}
	}
	filled := map[int64]int64{}
	type pair struct{ b, s int64 }
	seen := map[pair]bool{}
	var buyTotal, sellTotal int64
	for _, fl := range c.Fills {
		b, s := byID[fl.BuyOrder], byID[fl.SellOrder]
		if b.Side != Buy || s.Side != Sell {
			t.Fatalf("fill %v: wrong sides", fl)
		}
		if fl.Buyer != b.Trader || fl.Seller != s.Trader || fl.Buyer == fl.Seller {
			t.Fatalf("fill %v: traders wrong or self-trade", fl)
		}
		if fl.Price != c.Price || fl.Price > b.Limit || fl.Price < s.Limit || fl.Qty <= 0 {
			t.Fatalf("fill %v: price/limit violation (buy %d, sell %d)", fl, b.Limit, s.Limit)
		}
		if seen[pair{fl.BuyOrder, fl.SellOrder}] {
			t.Fatalf("fill %v: pair filled twice", fl)
		}
		seen[pair{fl.BuyOrder, fl.SellOrder}] = true
		filled[fl.BuyOrder] += fl.Qty
		filled[fl.SellOrder] += fl.Qty
		buyTotal += fl.Qty
		sellTotal += fl.Qty
	}
	for id, q := range filled {
		if q > byID[id].Qty {
			t.Fatalf("order %d overfilled: %d > %d", id, q, byID[id].Qty)
		}
	}
	if buyTotal != c.Volume || sellTotal != c.Volume {
		t.Fatalf("fill totals %d/%d, volume %d", buyTotal, sellTotal, c.Volume)
	}
	if c.Volume > min(c.Demand, c.Supply) || c.SelfSkipped != min(c.Demand, c.Supply)-c.Volume {
		t.Fatalf("volume %d demand %d supply %d self %d", c.Volume, c.Demand, c.Supply, c.SelfSkipped)
	}
}

func TestSortByPriority(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	pick := func(small int64) int64 {
		switch r.IntN(6) {
		case 0:
			return math.MaxInt64 - r.Int64N(3)
		case 1:
			return math.MinInt64 + r.Int64N(3)
		case 2:
			return r.Int64()
		}
		return r.Int64N(small) - small/2
	}
	for round := range 200 {
		n := 1 + r.IntN(3000)
		orders := make([]Order, n)
		for i := range orders {
			orders[i] = Order{ID: pick(50), Seq: pick(20), Limit: pick(40), Trader: int64(i), Qty: 1, Side: Buy}
			if round%3 == 0 { // narrow ranges: single-valued fields are skipped
				orders[i].ID, orders[i].Seq = 5, int64(i%2)
			}
		}
		for _, buy := range []bool{true, false} {
			got := make([]entry, n)
			for i, o := range orders {
				got[i] = entry{limit: o.Limit, seq: o.Seq, id: o.ID, trader: o.Trader, qty: o.Qty}
			}
			sortByPriority(got, make([]entry, n), buy)
			want := slices.Clone(orders)
			slices.SortStableFunc(want, func(x, y Order) int {
				c := cmp.Compare(x.Limit, y.Limit)
				if buy {
					c = -c
				}
				if c != 0 {
					return c
				}
				if c := cmp.Compare(x.Seq, y.Seq); c != 0 {
					return c
				}
				return cmp.Compare(x.ID, y.ID)
			})
			for j := range want {
				// Trader is the input index, so it checks the final tie-break too.
				if g := got[j]; g.limit != want[j].Limit || g.seq != want[j].Seq || g.id != want[j].ID || g.trader != want[j].Trader {
					t.Fatalf("round %d buy=%v position %d: got %+v, want %+v", round, buy, j, g, want[j])
				}
			}
		}
	}
}
