package auction

import (
	"math"
	"math/big"
	"slices"
	"testing"
	"time"
)

// satAdd is a + b saturated at math.MaxInt64 (both non-negative here).
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func FuzzEnglish(f *testing.F) {
	f.Add([]byte{10, 5, 3, 0, 1, 20, 1, 2, 30, 1, 1, 50, 1, 2, 50, 1})
	f.Add([]byte{1, 1, 5, 2, 1, 1, 59, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 1, 200, 0})
	f.Add([]byte{0x80, 9, 9, 1, 1, 0, 1, 2, 0, 1, 1, 0, 1, 3, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		huge := data[0]&0x80 != 0
		p := EnglishParams{
			Reserve:       int64(data[0]&0x7f)%20 + 1,
			Increment:     int64(data[1])%10 + 1,
			SoftClose:     time.Duration(data[2]%11) * time.Minute,
			MaxExtensions: int(data[3] % 4),
		}
		if huge {
			p.Reserve = math.MaxInt64 - 300
			p.Increment = int64(data[1])%100 + 1
		}
		end := min_(60)
		s := EnglishState{EndsAt: end}
		maxOf := map[int64]int64{}
		when := map[int64]int{}
		raisedSince := false // a leader raise happened after the last competitive bid
		now := t0
		for k, rest := 0, data[4:]; len(rest) >= 3; k, rest = k+1, rest[3:] {
			bidder := int64(rest[0]%4) + 1
			var maxPrice int64
			if huge {
				maxPrice = math.MaxInt64 - int64(rest[1])
			} else {
				maxPrice = int64(rest[1])
			}
			now = now.Add(time.Duration(rest[2]%16) * time.Minute)

			// Predict from the rules.
			want := ""
			raise := s.Leader == bidder
			switch {
			case maxPrice <= 0:
				want = CodeInvalid
			case !now.Before(s.EndsAt):
				want = CodeClosed
			case s.Leader == 0 && maxPrice < p.Reserve:
				want = CodeBidTooLow
			case raise && maxPrice <= s.LeaderMax:
				want = CodeBidTooLow
				if s.LeaderMax == math.MaxInt64 {
					want = CodeInvalid
				}
			case s.Leader != 0 && !raise && s.Price > math.MaxInt64-p.Increment:
				want = CodeInvalid
			case s.Leader != 0 && !raise && maxPrice < s.Price+p.Increment:
				want = CodeBidTooLow
			}
			wantExt := want == "" && !raise && p.SoftClose > 0 &&
				(p.MaxExtensions == 0 || s.Extensions < p.MaxExtensions) &&
				now.After(s.EndsAt.Add(-p.SoftClose))

			ns, out, err := EnglishBid(p, s, bidder, maxPrice, now)
			if CodeOf(err) != want {
				t.Fatalf("bid %d (%d max %d at %v) on %+v: err %v, want %q", k, bidder, maxPrice, now, s, err, want)
			}
			if err != nil {
				if ns != s {
					t.Fatalf("state changed on error")
				}
				continue
			}
			if out.Extended != wantExt || ns.Extensions != s.Extensions+boolToInt(wantExt) {
				t.Fatalf("bid %d: extended %v, want %v", k, out.Extended, wantExt)
			}
			if wantExt && !ns.EndsAt.Equal(s.EndsAt.Add(p.SoftClose)) || !wantExt && !ns.EndsAt.Equal(s.EndsAt) {
				t.Fatalf("bid %d: ends at %v (was %v)", k, ns.EndsAt, s.EndsAt)
			}
			if p.MaxExtensions > 0 && ns.Extensions > p.MaxExtensions {
				t.Fatalf("extensions %d over cap", ns.Extensions)
			}

			// Independent model: each bidder's latest maximum and when it was set.
			maxOf[bidder] = maxPrice
			when[bidder] = k
			raisedSince = raise // a competitive bid recomputes the price exactly
			var winner int64
			for b, m := range maxOf {
				if winner == 0 || m > maxOf[winner] || m == maxOf[winner] && when[b] < when[winner] {
					winner = b
				}
			}
			if ns.Leader != winner || ns.LeaderMax != maxOf[winner] {
				t.Fatalf("bid %d: leader %d max %d, want %d max %d (%v)", k, ns.Leader, ns.LeaderMax, winner, maxOf[winner], maxOf)
			}
			if out.Leading != (winner == bidder) {
				t.Fatalf("Leading wrong")
			}
			top := maxOf[winner]
			if ns.Price < p.Reserve || ns.Price > top {
				t.Fatalf("price %d outside [reserve %d, top %d]", ns.Price, p.Reserve, top)
			}
			if len(maxOf) == 1 {
				if ns.Price != p.Reserve {
					t.Fatalf("single bidder price %d != reserve %d", ns.Price, p.Reserve)
				}
			} else {
				var second int64
				for b, m := range maxOf {
					if b != winner {
						second = max(second, m)
					}
				}
				hi := min(satAdd(second, p.Increment), top)
				if ns.Price < second || ns.Price > hi {
					t.Fatalf("price %d outside [second %d, %d]", ns.Price, second, hi)
				}
				if !raisedSince && ns.Price != hi {
					t.Fatalf("price %d, want min(top %d, second %d + inc %d)", ns.Price, top, second, p.Increment)
				}
			}
			if raise && ns.Price != s.Price {
				t.Fatalf("own raise moved the price")
			}
			w, pr, sold := EnglishResult(p, ns)
			if !sold || w != winner || pr != ns.Price {
				t.Fatalf("result %d %d %v", w, pr, sold)
			}
			s = ns
		}
	})
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func FuzzSealed(f *testing.F) {
	f.Add([]byte{10, 1, 20, 0, 2, 20, 0, 1, 30, 1})
	f.Add([]byte{0, 1, 5, 0, 1, 9, 1, 2, 9, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		reserve := int64(data[0] % 32)
		var bids []SealedBid
		for i, rest := 0, data[1:]; len(rest) >= 3; i, rest = i+1, rest[3:] {
			bids = append(bids, SealedBid{
				Bidder: int64(rest[0]%6) - 1,
				Price:  int64(rest[1]) - 8,
				At:     min_(int(rest[2] % 4)),
				Seq:    int64(rest[2] >> 6),
			})
		}
		// Reference: latest per bidder by a stable scan, then a full sort.
		var latest []SealedBid
		for _, b := range bids {
			if b.Bidder <= 0 {
				continue
			}
			j := slices.IndexFunc(latest, func(x SealedBid) bool { return x.Bidder == b.Bidder })
			switch {
			case j < 0:
				latest = append(latest, b)
			case b.At.After(latest[j].At) || b.At.Equal(latest[j].At) && b.Seq >= latest[j].Seq:
				latest[j] = b
			}
		}
		valid := slices.DeleteFunc(latest, func(b SealedBid) bool { return b.Price < reserve })
		slices.SortFunc(valid, func(a, b SealedBid) int {
			switch {
			case a.Price != b.Price:
				return int(b.Price - a.Price)
			case !a.At.Equal(b.At):
				return a.At.Compare(b.At)
			case a.Seq != b.Seq:
				return int(a.Seq - b.Seq)
			}
			return int(a.Bidder - b.Bidder)
		})
		for _, m := range []Mechanism{SealedFirst, SealedSecond} {
			a, ok := SealedResult(m, reserve, bids)
			if reserve <= 0 || len(valid) == 0 {
				if ok {
					t.Fatalf("%s: award %+v without valid bids (reserve %d)", m, a, reserve)
				}
				continue
			}
			w := valid[0]
			want := w.Price
			if m == SealedSecond {
				want = reserve
				if len(valid) > 1 {
					want = max(valid[1].Price, reserve)
				}
			}
			if !ok || a.Bidder != w.Bidder || a.Bid != w.Price || a.Price != want || a.Bidders != len(valid) {
				t.Fatalf("%s: got %+v %v, want bidder %d bid %d price %d (valid %v)", m, a, ok, w.Bidder, w.Price, want, valid)
			}
			if a.Price < reserve || a.Price > a.Bid {
				t.Fatalf("%s: price %d outside [reserve %d, bid %d]", m, a.Price, reserve, a.Bid)
			}
			for _, b := range bids {
				if b.Price >= reserve && b.Bidder > 0 {
					if err := SealedCheck(reserve, b.Price, min_(60), min_(1)); err != nil {
						t.Fatalf("valid bid refused: %v", err)
					}
				}
			}
		}
	})
}

func FuzzDutch(f *testing.F) {
	f.Add(int64(50000), int64(1000), int64(30000), int64(time.Second), int64(0), int64(25*time.Second), int64(time.Hour))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(1), int64(1), int64(math.MinInt64), int64(math.MaxInt64), int64(1))
	f.Add(int64(10), int64(1), int64(10), int64(-5), int64(0), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, start, step, floor, tick, startNS, offNS, deltaNS int64) {
		p := DutchParams{Start: start, Step: step, Floor: floor, Tick: time.Duration(tick), StartsAt: time.Unix(0, startNS)}
		now := p.StartsAt.Add(time.Duration(offNS))
		price := DutchPrice(p, now)
		acc, err := DutchAccept(p, now, now.Add(time.Hour))
		if p.Validate() != nil {
			if price != 0 || CodeOf(err) != CodeInvalid {
				t.Fatalf("invalid params: price %d err %v", price, err)
			}
			return
		}
		if price < floor || price > start {
			t.Fatalf("price %d outside [%d, %d]", price, floor, start)
		}
		if delta := time.Duration(deltaNS); delta >= 0 {
			if later := DutchPrice(p, now.Add(delta)); later > price {
				t.Fatalf("price rose from %d to %d", price, later)
			}
		}
		switch {
		case now.Before(p.StartsAt):
			if price != start || CodeOf(err) != CodeNotOpen {
				t.Fatalf("before start: %d %v", price, err)
			}
		default:
			if err != nil || acc != price {
				t.Fatalf("accept: %d %v, price %d", acc, err, price)
			}
			// Exact reference with big integers.
			d := big.NewInt(int64(now.Sub(p.StartsAt)))
			ticks := new(big.Int).Quo(d, big.NewInt(tick))
			ref := new(big.Int).Sub(big.NewInt(start), new(big.Int).Mul(ticks, big.NewInt(step)))
			if ref.Cmp(big.NewInt(floor)) < 0 {
				ref.SetInt64(floor)
			}
			if ref.Int64() != price {
				t.Fatalf("price %d, want %v", price, ref)
			}
		}
		if _, err := DutchAccept(p, now, now); CodeOf(err) != CodeClosed && CodeOf(err) != CodeNotOpen && CodeOf(err) != CodeInvalid {
			t.Fatalf("accept at end: %v", err)
		}
	})
}

// naiveAllocate is the allocation rule written the slow, obvious way: each
// buy in priority order scans all sells in priority order and takes from any
// with quantity left and another trader.
func naiveAllocate(orders []Order, price int64) []Fill {
	var buys, sells []Order
	for _, o := range orders {
		switch {
		case o.Validate() != nil:
		case o.Side == Buy && o.Limit >= price:
			buys = append(buys, o)
		case o.Side == Sell && o.Limit <= price:
			sells = append(sells, o)
		}
	}
	prio := func(a, b Order) int {
		switch {
		case a.Seq != b.Seq:
			return int(a.Seq - b.Seq)
		case a.ID != b.ID:
			return int(a.ID - b.ID)
		}
		return 0
	}
	slices.SortStableFunc(buys, func(a, b Order) int {
		if a.Limit != b.Limit {
			return int(b.Limit - a.Limit)
		}
		return prio(a, b)
	})
	slices.SortStableFunc(sells, func(a, b Order) int {
		if a.Limit != b.Limit {
			return int(a.Limit - b.Limit)
		}
		return prio(a, b)
	})
	var fills []Fill
	for _, b := range buys {
		need := b.Qty
		for i := range sells {
			s := &sells[i]
			if need == 0 {
				break
			}
			if s.Qty == 0 || s.Trader == b.Trader {
				continue
			}
			q := min(need, s.Qty)
			fills = append(fills, Fill{BuyOrder: b.ID, SellOrder: s.ID, Buyer: b.Trader, Seller: s.Trader, Qty: q, Price: price})
			need -= q
			s.Qty -= q
		}
	}
	return fills
}

func decodeOrders(data []byte) []Order {
	if len(data) == 0 {
		return nil
	}
	traders := int64(data[0]%8) + 1
	var orders []Order
	for i, rest := 0, data[1:]; len(rest) >= 4; i, rest = i+1, rest[4:] {
		side := Buy
		if rest[0]&1 == 1 {
			side = Sell
		}
		o := Order{
			ID:     int64(i + 1),
			Trader: int64(rest[0]>>1)%traders + 1,
			Side:   side,
			Qty:    int64(rest[1]%16) + 1,
			Limit:  int64(rest[2]%32) + 1,
			Seq:    int64(rest[3] % 8),
		}
		if rest[1] >= 250 {
			o.Qty = 0 // invalid, must be ignored
		}
		orders = append(orders, o)
	}
	return orders
}

func FuzzClear(f *testing.F) {
	f.Add([]byte{7, 0, 5, 10, 1, 3, 5, 8, 2})
	f.Add([]byte{1, 0, 5, 10, 1, 1, 5, 8, 2, 2, 5, 12, 3, 3, 4, 9, 0})
	f.Add([]byte{0, 0, 5, 10, 1, 1, 5, 8, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		orders := decodeOrders(data)
		c := Clear(orders)
		if c.Err != nil {
			t.Fatal(c.Err)
		}
		checkClearing(t, orders, c)

		// Brute force over every candidate price.
		var cands []int64
		hasBuy, hasSell := map[int64]bool{}, map[int64]bool{}
		for _, o := range orders {
			if o.Validate() == nil {
				cands = append(cands, o.Limit)
				if o.Side == Buy {
					hasBuy[o.Trader] = true
				} else {
					hasSell[o.Trader] = true
				}
			}
		}
		slices.Sort(cands)
		cands = slices.Compact(cands)
		ds := func(p int64) (d, s int64) {
			for _, o := range orders {
				if o.Validate() != nil {
					continue
				}
				if o.Side == Buy && o.Limit >= p {
					d += o.Qty
				}
				if o.Side == Sell && o.Limit <= p {
					s += o.Qty
				}
			}
			return d, s
		}
		bestVol, bestImb := int64(0), int64(math.MaxInt64)
		lo, hi := int64(-1), int64(-1)
		for _, p := range cands {
			d, s := ds(p)
			v, imb := min(d, s), max(d-s, s-d)
			if v > bestVol || v == bestVol && v > 0 && imb < bestImb {
				bestVol, bestImb, lo = v, imb, p
			}
			if v == bestVol && v > 0 && imb == bestImb {
				hi = p
			}
		}
		if bestVol == 0 {
			if c.Volume != 0 || c.Price != 0 || len(c.Fills) != 0 {
				t.Fatalf("no cross but %+v", c)
			}
			return
		}
		if want := lo + (hi-lo)/2; c.Price != want {
			t.Fatalf("price %d, want %d (range [%d, %d])", c.Price, want, lo, hi)
		}
		d, s := ds(c.Price)
		if c.Demand != d || c.Supply != s || min(d, s) != bestVol || max(d-s, s-d) > bestImb {
			t.Fatalf("at %d: demand %d supply %d (clearing %d/%d), best volume %d imbalance %d", c.Price, d, s, c.Demand, c.Supply, bestVol, bestImb)
		}
		selfPossible := false
		for tr := range hasBuy {
			selfPossible = selfPossible || hasSell[tr]
		}
		if !selfPossible && c.Volume != bestVol {
			t.Fatalf("volume %d, brute-force maximum %d", c.Volume, bestVol)
		}
		if c.Volume > bestVol {
			t.Fatalf("volume %d above maximum %d", c.Volume, bestVol)
		}
		if want := naiveAllocate(orders, c.Price); !slices.Equal(c.Fills, want) {
			t.Fatalf("fills\n got %v\nwant %v", c.Fills, want)
		}
	})
}
