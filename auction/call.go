package auction

import (
	"sort"
	"strconv"
	"strings"

	"niaga"
)

// Side is the side of a call-market order.
type Side string

// Order sides.
const (
	Buy  Side = "buy"
	Sell Side = "sell"
)

// Valid reports whether s is Buy or Sell.
func (s Side) Valid() bool { return s == Buy || s == Sell }

// ParseSide parses "buy" or "sell", ignoring case and surrounding space.
func ParseSide(s string) (Side, error) {
	v := Side(strings.ToLower(strings.TrimSpace(s)))
	if !v.Valid() {
		return "", invalid("side", "unknown side "+strconv.Quote(s))
	}
	return v, nil
}

// Order is a call-market order: a buyer's bid or a seller's ask for Qty units
// at a Limit price per unit. Seq gives time priority (lower is earlier). IDs
// are assumed unique.
type Order struct {
	ID     int64
	Trader int64
	Side   Side
	Qty    int64
	Limit  int64
	Seq    int64
}

// Validate checks an order as it enters the book: a valid side, positive
// trader, quantity and limit.
func (o Order) Validate() error {
	switch {
	case !o.Side.Valid():
		return invalid("side", "must be buy or sell")
	case o.Trader <= 0:
		return invalid("trader", "must be positive")
	case o.Qty <= 0:
		return invalid("qty", "must be positive")
	case o.Limit <= 0:
		return invalid("limit", "must be positive")
	}
	return nil
}

// Fill is one contract of a clearing: Qty units from SellOrder to BuyOrder at
// the clearing Price.
type Fill struct {
	BuyOrder  int64
	SellOrder int64
	Buyer     int64
	Seller    int64
	Qty       int64
	Price     int64
}

// Clearing is the result of a call auction.
type Clearing struct {
	Price  int64 // uniform price; 0 when nothing crosses
	Volume int64 // units traded = sum of fill quantities
	Demand int64 // units bid at Price (buy limits >= Price)
	Supply int64 // units offered at Price (sell limits <= Price)
	// SelfSkipped is min(Demand, Supply) − Volume: units left unmatched
	// because the only counterparties left were the trader's own orders.
	SelfSkipped int64
	Fills       []Fill
	Ignored     []int64 // IDs of orders left out because Validate failed
	// Err is set (and nothing trades) when a side's total quantity
	// overflows int64.
	Err error
}

// Clear runs a uniform-price call auction over orders (one commodity and
// grade). Invalid orders are skipped and listed in Ignored.
//
// Price: for each candidate price c (the distinct order limits), demand D(c)
// is the quantity of buys with limit >= c and supply S(c) the quantity of
// sells with limit <= c. The chosen candidates maximize min(D, S), then
// minimize |D − S|; they form a contiguous range [lo, hi], and the price is
// its midpoint rounded down, lo + (hi−lo)/2. Every price in that range trades
// the same volume with no larger imbalance, so the midpoint shares the
// surplus between the sides instead of handing it all to one. When no buy
// crosses a sell, Price and Volume are 0 and there are no fills.
//
// Allocation: buys eligible at the price (limit >= price) in price then time
// priority (higher limit, then lower Seq, then lower ID, then input order),
// each matched in turn against the eligible sells in price then time priority
// (lower limit, then lower Seq, then lower ID, then input order); orders fill
// partially. Self-trade prevention: a buy never matches a sell of its own
// trader; it skips them and takes the next sell in priority, and skipped
// sells stay first in line for the next buy of another trader. Buyers pay at
// most, and sellers get at least, their limits. Each (buy order, sell order)
// pair yields at most one Fill.
//
// The price is chosen on the whole book, self-trades included, so with
// self-trades Volume may fall short of min(Demand, Supply) (see SelfSkipped).
// Cost: O(n) apart from sorting each side by priority, a stable radix sort
// in O(n × w) where w is the bit width of the ranges of the limits, Seqs
// and IDs (at most 3 × 64).
func Clear(orders []Order) Clearing {
	var c Clearing
	nb, ns := 0, 0
	for i := range orders {
		switch orders[i].Side {
		case Buy:
			nb++
		case Sell:
			ns++
		}
	}
	buys := make([]entry, 0, nb)
	sells := make([]entry, 0, ns)
	var totalBuy, totalSell int64
	overflow := false
	for i := range orders {
		o := &orders[i]
		if o.Validate() != nil {
			c.Ignored = append(c.Ignored, o.ID)
			continue
		}
		e := entry{limit: o.Limit, seq: o.Seq, id: o.ID, trader: o.Trader, qty: o.Qty}
		var ok bool
		if o.Side == Buy {
			buys = append(buys, e)
			totalBuy, ok = niaga.AddInt64(totalBuy, o.Qty)
		} else {
			sells = append(sells, e)
			totalSell, ok = niaga.AddInt64(totalSell, o.Qty)
		}
		overflow = overflow || !ok
	}
	if overflow {
		c.Err = tooLarge("qty")
		return c
	}
	if len(buys) == 0 || len(sells) == 0 {
		return c
	}
	tmp := make([]entry, max(len(buys), len(sells)))
	sortByPriority(buys, tmp, true)
	sortByPriority(sells, tmp, false)
	if buys[0].limit < sells[0].limit {
		return c // no cross
	}

	price := clearingPrice(buys, sells)
	c.Price = price
	// Eligible orders are a priority-ordered prefix of each side.
	eb := sort.Search(len(buys), func(i int) bool { return buys[i].limit < price })
	es := sort.Search(len(sells), func(i int) bool { return sells[i].limit > price })
	for _, b := range buys[:eb] {
		c.Demand += b.qty
	}
	for _, s := range sells[:es] {
		c.Supply += s.qty
	}
	c.Fills, c.Volume = allocate(buys[:eb], sells[:es], price)
	c.SelfSkipped = min(c.Demand, c.Supply) - c.Volume
	return c
}

// clearingPrice returns the clearing price for sorted, crossing books.
func clearingPrice(buys, sells []entry) int64 {
	// Candidates ascending: merge sell limits (ascending) with buy limits
	// (descending, read backwards), deduplicated.
	cand := make([]int64, 0, len(buys)+len(sells))
	i, j := 0, len(buys)-1
	for i < len(sells) || j >= 0 {
		var v int64
		if j < 0 || (i < len(sells) && sells[i].limit <= buys[j].limit) {
			v = sells[i].limit
			i++
		} else {
			v = buys[j].limit
			j--
		}
		if len(cand) == 0 || cand[len(cand)-1] != v {
			cand = append(cand, v)
		}
	}

	// dem[k] = quantity of buys with limit >= cand[k].
	dem := make([]int64, len(cand))
	var acc int64
	j = 0
	for k := len(cand) - 1; k >= 0; k-- {
		for j < len(buys) && buys[j].limit >= cand[k] {
			acc += buys[j].qty // totals were checked for overflow
			j++
		}
		dem[k] = acc
	}

	// Ascending pass: supply accumulates; keep the first and last candidate
	// with the best (volume, imbalance). Both criteria are unimodal along the
	// candidates, so the best ones are contiguous.
	bestVol, bestImb := int64(-1), int64(-1)
	lo, hi := 0, 0
	var sup int64
	i = 0
	for k, p := range cand {
		for i < len(sells) && sells[i].limit <= p {
			sup += sells[i].qty
			i++
		}
		vol := min(dem[k], sup)
		imb := dem[k] - sup
		if imb < 0 {
			imb = -imb
		}
		switch {
		case vol > bestVol || (vol == bestVol && imb < bestImb):
			bestVol, bestImb, lo, hi = vol, imb, k, k
		case vol == bestVol && imb == bestImb:
			hi = k
		}
	}
	return cand[lo] + (cand[hi]-cand[lo])/2
}

// allocate matches eligible buys against eligible sells, both in priority
// order, with self-trade prevention. It consumes the quantities in sells.
//
// Sells a buyer skips because they are its own are parked; parked sells rank
// before the cursor, so the next buyer of another trader takes them first. A
// buyer only reaches the cursor once no parked sell of another trader is
// left, so all parked sells always belong to a single trader: a FIFO queue
// (in priority order) is enough.
func allocate(buys, sells []entry, price int64) ([]Fill, int64) {
	fills := make([]Fill, 0, len(buys)+len(sells))
	var vol int64
	var parked []int // indexes into sells, ascending; all of parkedBy
	var parkedBy int64
	head := 0 // first parked sell with quantity left
	cur := 0  // next sell never reached
	for bi := range buys {
		b := &buys[bi]
		need := b.qty
		for need > 0 {
			var si int
			if head < len(parked) && parkedBy != b.trader {
				si = parked[head]
			} else {
				for cur < len(sells) && sells[cur].trader == b.trader {
					if head == len(parked) {
						parked, head = parked[:0], 0
					}
					parked = append(parked, cur)
					parkedBy = b.trader
					cur++
				}
				if cur == len(sells) {
					break // only this trader's own sells are left
				}
				si = cur
			}
			s := &sells[si]
			q := min(need, s.qty)
			fills = append(fills, Fill{BuyOrder: b.id, SellOrder: s.id, Buyer: b.trader, Seller: s.trader, Qty: q, Price: price})
			vol += q
			need -= q
			s.qty -= q
			if s.qty == 0 {
				if si == cur {
					cur++
				} else {
					head++
				}
			}
		}
	}
	return fills, vol
}
