package matching

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Offer is what a participant sells: a commodity and grade with a monthly
// capacity (base units per month) and an indicative price (Rupiah per base
// unit). Price ≤ 0 means "price on request" (unknown).
type Offer struct {
	ID              int64  `json:"id"`
	Participant     int64  `json:"participant"`
	Delegation      string `json:"delegation"` // province code of the participant's delegation
	Commodity       string `json:"commodity"`
	Grade           string `json:"grade"` // "" or "any" = ungraded
	MonthlyCapacity int64  `json:"monthly_capacity"`
	Price           int64  `json:"price"`
}

// Need is what a participant buys: a commodity and grade, the volume wanted
// (base units) and a target price (Rupiah per base unit). Volume ≤ 0 or
// TargetPrice ≤ 0 mean "unspecified".
type Need struct {
	ID          int64  `json:"id"`
	Participant int64  `json:"participant"`
	Delegation  string `json:"delegation"`
	Commodity   string `json:"commodity"`
	Grade       string `json:"grade"` // "" or "any" = any grade is fine
	Volume      int64  `json:"volume"`
	TargetPrice int64  `json:"target_price"`
}

// GradeMatch says how the offer's grade fits the need's grade.
type GradeMatch string

// Grade matches, best first.
const (
	GradeExact     GradeMatch = "exact"     // same grade (case- and space-insensitive)
	GradeAny       GradeMatch = "any"       // either side is ungraded / accepts any grade
	GradeDifferent GradeMatch = "different" // both graded, grades differ
)

// Component scores (each 0..100) used by [Match].
const (
	GradeScoreExact     = 100
	GradeScoreAny       = 60
	GradeScoreDifferent = 0
	// UnknownScore is given to the volume or price component when the need
	// or the offer leaves that figure unspecified (≤ 0).
	UnknownScore = 50
	// DefaultPriceTolerancePct: an offer priced this many percent (or more)
	// above the target price gets 0 price points.
	DefaultPriceTolerancePct = 20
)

// Weights are the relative weights of the component scores in the total.
type Weights struct {
	Grade  int `json:"grade"`
	Volume int `json:"volume"`
	Price  int `json:"price"`
}

// DefaultWeights: grade 30 %, volume 30 %, price 40 %.
var DefaultWeights = Weights{Grade: 30, Volume: 30, Price: 40}

// Options tune [Candidates] and [Match]. The zero value is usable.
type Options struct {
	// MinScore drops candidates whose total score is below it.
	MinScore int
	// PerNeed keeps only the best PerNeed candidates of each need
	// (0 = keep all).
	PerNeed int
	// Weights of the component scores. Negative weights count as 0 and
	// weights above 1000 as 1000; if all are 0, DefaultWeights is used.
	Weights Weights
	// PriceTolerancePct is how far above the target price (in percent) the
	// price score reaches 0. 0 means DefaultPriceTolerancePct; the value is
	// clamped to 1..1000.
	PriceTolerancePct int
	// Units maps a commodity (as spelled in needs/offers, compared
	// case-insensitively) to its base unit ("kg", "ekor", "liter"); it is
	// only used to fill Explanation.Unit. Missing commodities get "unit".
	Units map[string]string
}

// Explanation carries the facts behind a score as structured fields so the
// UI can render it in Bahasa Indonesia or English. [Explanation.String] is an
// English debug rendering.
type Explanation struct {
	Commodity     string     `json:"commodity"`
	Unit          string     `json:"unit"`
	NeedVolume    int64      `json:"need_volume"`
	NeedGrade     string     `json:"need_grade"`
	TargetPrice   int64      `json:"target_price"`
	OfferCapacity int64      `json:"offer_capacity"` // per month
	OfferGrade    string     `json:"offer_grade"`
	OfferPrice    int64      `json:"offer_price"`
	GradeMatch    GradeMatch `json:"grade_match"`
}

// Candidate is a scored buyer–seller pair: a need of Buyer and an offer of
// Seller for the same commodity, from different delegations.
type Candidate struct {
	NeedID           int64       `json:"need_id"`
	OfferID          int64       `json:"offer_id"`
	Buyer            int64       `json:"buyer" doc:"The participant id of the need's owner."`
	Seller           int64       `json:"seller" doc:"The participant id of the offer's owner."`
	BuyerDelegation  string      `json:"buyer_delegation"`
	SellerDelegation string      `json:"seller_delegation"`
	Score            int         `json:"score" range:"score" doc:"The weighted mean of the three scores below."`
	GradeScore       int         `json:"grade_score" range:"score"`
	VolumeScore      int         `json:"volume_score" range:"score"`
	PriceScore       int         `json:"price_score" range:"score"`
	Explanation      Explanation `json:"explanation"`
}

// String renders the explanation in English, e.g.
// "needs 200000 kg beras medium at ≤ Rp 12000/kg; offers 150000 kg/month at Rp 11900/kg".
// It is meant for logs and tests; the UI should render the fields itself.
func (e Explanation) String() string {
	var b strings.Builder
	b.WriteString("needs ")
	if e.NeedVolume > 0 {
		fmt.Fprintf(&b, "%d %s ", e.NeedVolume, e.Unit)
	}
	b.WriteString(e.Commodity)
	if isAnyGrade(e.NeedGrade) {
		b.WriteString(" (any grade)")
	} else {
		b.WriteString(" " + strings.TrimSpace(e.NeedGrade))
	}
	if e.TargetPrice > 0 {
		fmt.Fprintf(&b, " at ≤ Rp %d/%s", e.TargetPrice, e.Unit)
	} else {
		b.WriteString(" at any price")
	}
	b.WriteString("; offers ")
	if e.OfferCapacity > 0 {
		fmt.Fprintf(&b, "%d %s/month", e.OfferCapacity, e.Unit)
	} else {
		b.WriteString("unknown capacity")
	}
	if e.GradeMatch != GradeExact {
		if isAnyGrade(e.OfferGrade) {
			b.WriteString(" ungraded")
		} else {
			b.WriteString(" grade " + strings.TrimSpace(e.OfferGrade))
		}
	}
	if e.OfferPrice > 0 {
		fmt.Fprintf(&b, " at Rp %d/%s", e.OfferPrice, e.Unit)
	} else {
		b.WriteString(", price on request")
	}
	return b.String()
}

// String is an English debug rendering of the candidate.
func (c Candidate) String() string {
	return fmt.Sprintf("need %d (buyer %d, %s) × offer %d (seller %d, %s): score %d (grade %d, volume %d, price %d): %s",
		c.NeedID, c.Buyer, c.BuyerDelegation, c.OfferID, c.Seller, c.SellerDelegation,
		c.Score, c.GradeScore, c.VolumeScore, c.PriceScore, c.Explanation)
}

// key normalizes a commodity, grade or delegation for comparison:
// surrounding space trimmed, case folded.
func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func isAnyGrade(g string) bool { return isAnyKey(key(g)) }

func isAnyKey(k string) bool { return k == "" || k == "any" || k == "semua" }

// gradeFit compares normalized grade keys and returns the match and its
// score.
func gradeFit(needKey, offerKey string) (GradeMatch, int) {
	switch {
	case isAnyKey(needKey) || isAnyKey(offerKey):
		return GradeAny, GradeScoreAny
	case needKey == offerKey:
		return GradeExact, GradeScoreExact
	default:
		return GradeDifferent, GradeScoreDifferent
	}
}

// volumeFit = ⌊100 × min(capacity, volume) / volume⌋; UnknownScore if volume
// ≤ 0; 0 if capacity ≤ 0 < volume.
func volumeFit(volume, capacity int64) int {
	if volume <= 0 {
		return UnknownScore
	}
	if capacity <= 0 {
		return 0
	}
	if capacity >= volume {
		return 100
	}
	hi, lo := bits.Mul64(100, uint64(capacity))
	q, _ := bits.Div64(hi, lo, uint64(volume)) // hi < volume since capacity < volume
	return int(q)
}

// priceFit: UnknownScore if target or price ≤ 0; 100 if price ≤ target;
// otherwise 100 − ⌈100 × over / band⌉ floored at 0, where over = price −
// target and band = target × tol / 100 (exact rational arithmetic).
func priceFit(target, price int64, tol int) int {
	if target <= 0 || price <= 0 {
		return UnknownScore
	}
	if price <= target {
		return 100
	}
	over := uint64(price - target)
	// deficit d = ⌈10000·over / (target·tol)⌉; score = max(0, 100 − d).
	if over < 1<<40 && target < 1<<40 { // common case: fits in 64 bits (tol ≤ 1000 < 2^10)
		num, den := 10000*over, uint64(target)*uint64(tol)
		d := (num + den - 1) / den
		return int(100 - min(d, 100))
	}
	// General case: the smallest d in 1..100 with d·tol·target ≥ 10000·over,
	// by binary search on 128-bit products.
	nh, nl := bits.Mul64(10000, over)
	ge := func(d int) bool {
		h, l := bits.Mul64(uint64(d*tol), uint64(target))
		return h > nh || (h == nh && l >= nl)
	}
	lo, hi := 1, 100
	if !ge(hi) {
		return 0
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if ge(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return 100 - lo
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

type scorer struct {
	w     Weights
	sum   int
	tol   int
	units map[string]string // normalized commodity → unit
}

func newScorer(opt *Options) scorer {
	w := Weights{
		Grade:  clampInt(opt.Weights.Grade, 0, 1000),
		Volume: clampInt(opt.Weights.Volume, 0, 1000),
		Price:  clampInt(opt.Weights.Price, 0, 1000),
	}
	if w.Grade+w.Volume+w.Price == 0 {
		w = DefaultWeights
	}
	tol := opt.PriceTolerancePct
	if tol == 0 {
		tol = DefaultPriceTolerancePct
	}
	sc := scorer{w: w, sum: w.Grade + w.Volume + w.Price, tol: clampInt(tol, 1, 1000)}
	if len(opt.Units) > 0 {
		// Keys that normalize alike: the smallest key wins (deterministic).
		keys := make([]string, 0, len(opt.Units))
		for c := range opt.Units {
			keys = append(keys, c)
		}
		slices.Sort(keys)
		sc.units = make(map[string]string, len(keys))
		for _, c := range keys {
			if _, dup := sc.units[key(c)]; !dup && opt.Units[c] != "" {
				sc.units[key(c)] = opt.Units[c]
			}
		}
	}
	return sc
}

func (s *scorer) unit(commodityKey string) string {
	if u, ok := s.units[commodityKey]; ok {
		return u
	}
	return "unit"
}

// components computes the three component scores and the total.
func (s *scorer) components(n *Need, nGrade string, o *Offer, oGrade string) (gm GradeMatch, g, v, p, total int) {
	gm, g = gradeFit(nGrade, oGrade)
	v = volumeFit(n.Volume, o.MonthlyCapacity)
	p = priceFit(n.TargetPrice, o.Price, s.tol)
	total = (s.w.Grade*g + s.w.Volume*v + s.w.Price*p + s.sum/2) / s.sum
	return
}

func candidate(n *Need, o *Offer, unit string, gm GradeMatch, g, v, p, total int) Candidate {
	return Candidate{
		NeedID: n.ID, OfferID: o.ID, Buyer: n.Participant, Seller: o.Participant,
		BuyerDelegation: n.Delegation, SellerDelegation: o.Delegation,
		Score: total, GradeScore: g, VolumeScore: v, PriceScore: p,
		Explanation: Explanation{
			Commodity: n.Commodity, Unit: unit,
			NeedVolume: n.Volume, NeedGrade: n.Grade, TargetPrice: n.TargetPrice,
			OfferCapacity: o.MonthlyCapacity, OfferGrade: o.Grade, OfferPrice: o.Price,
			GradeMatch: gm,
		},
	}
}

// Match scores one need against one offer. ok is false when the pair is not
// eligible: different commodity, same participant, same delegation, or a
// delegation left empty (cross-delegation cannot be verified). Commodity,
// grade and delegation are compared case-insensitively after trimming space.
// MinScore and PerNeed are not applied by Match.
//
// The score formula (all integer arithmetic):
//
//	grade  G = 100 exact grade, 60 if either grade is empty/"any"/"semua", 0 if different
//	volume V = ⌊100 × min(capacity, volume) / volume⌋  (capacity/volume ratio capped at 1)
//	           50 if the need's volume is unspecified (≤ 0); 0 if capacity ≤ 0
//	price  P = 100 if offer price ≤ target price,
//	           else max(0, 100 − ⌈100 × (price − target) / (target × tol/100)⌉)
//	           i.e. linear from 100 at the target to 0 at target + tol % (tol = 20 by default:
//	           0 points from +20 % up); 50 if target or price is unspecified (≤ 0)
//	total    = ⌊(wG·G + wV·V + wP·P + W/2) / W⌋, W = wG + wV + wP
//	           (rounded half up; default weights wG = 30, wV = 30, wP = 40)
func Match(n Need, o Offer, opt Options) (Candidate, bool) {
	nc := key(n.Commodity)
	if !eligible(nc, key(n.Delegation), n.Participant, key(o.Commodity), key(o.Delegation), o.Participant) {
		return Candidate{}, false
	}
	s := newScorer(&opt)
	gm, g, v, p, total := s.components(&n, key(n.Grade), &o, key(o.Grade))
	return candidate(&n, &o, s.unit(nc), gm, g, v, p, total), true
}

func eligible(nc, nd string, np int64, oc, od string, op int64) bool {
	return nc == oc && nd != "" && od != "" && nd != od && np != op
}

// compareCandidates is the output order: score descending, then need ID,
// then offer ID ascending.
func compareCandidates(a, b *Candidate) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.NeedID, b.NeedID); c != 0 {
		return c
	}
	return cmp.Compare(a.OfferID, b.OfferID)
}

// indexedOffer holds what the inner loop needs, by value (cache friendly),
// with delegation and grade interned to small integers.
type indexedOffer struct {
	id, participant int64
	capacity, price int64
	pos             int32
	del             int32 // 0 = no delegation
	grade           int32 // 0 = any / ungraded
}

// interner maps normalized strings to small integers; the empty key (and,
// for grades, "any"/"semua") is 0.
type interner map[string]int32

func (in interner) id(k string) int32 {
	if k == "" {
		return 0
	}
	v, ok := in[k]
	if !ok {
		v = int32(len(in) + 1)
		in[k] = v
	}
	return v
}

func gradeID(in interner, grade string) int32 {
	k := key(grade)
	if isAnyKey(k) {
		return 0
	}
	return in.id(k)
}

// rec is a compact scored pair; Candidates are materialized at the end.
type rec struct {
	needID, offerID int64
	ni, oi          int32 // positions in the input slices
	score           uint8
	g, v, p         uint8 // component scores; the grade score identifies the GradeMatch
}

// recCompare orders records of one need: score descending, offer ID, offer
// input position ascending (the output order within a need).
func recCompare(a, b *rec) int {
	if c := cmp.Compare(b.score, a.score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.offerID, b.offerID); c != 0 {
		return c
	}
	return cmp.Compare(a.oi, b.oi)
}

// Candidates returns every eligible need × offer pair (see [Match] for the
// eligibility rules and the score formula) with Score ≥ opt.MinScore, at
// most opt.PerNeed per need (the best ones, in the output order) when
// PerNeed > 0, sorted by score descending, then need ID, then offer ID
// ascending; pairs equal on all three (only possible with duplicate IDs)
// are ordered by the need's, then the offer's position in the input.
//
// Offers are indexed by normalized commodity, so a need is only compared
// with offers of its own commodity. Needs and each commodity's offers are
// walked in ID order, so the pairs come out already ordered by (need ID,
// offer ID) and a stable counting sort on the score (0..100) finishes the
// job. Cost: O((N + F) log(N + F)) to index N needs and F offers, plus
// O(Π + C) for Π same-commodity pairs and C candidates returned
// (O(Π log K) with a per-need limit K); memory O(C) (a compact 32-byte
// record per kept pair, then the candidates).
func Candidates(needs []Need, offers []Offer, opt Options) []Candidate {
	s := newScorer(&opt)
	dels, grades := interner{}, interner{}
	byCommodity := make(map[string][]indexedOffer)
	for i := range offers {
		o := &offers[i]
		k := key(o.Commodity)
		byCommodity[k] = append(byCommodity[k], indexedOffer{
			id: o.ID, participant: o.Participant, capacity: o.MonthlyCapacity, price: o.Price,
			pos: int32(i), del: dels.id(key(o.Delegation)), grade: gradeID(grades, o.Grade),
		})
	}
	for _, list := range byCommodity {
		slices.SortFunc(list, func(a, b indexedOffer) int {
			if c := cmp.Compare(a.id, b.id); c != 0 {
				return c
			}
			return cmp.Compare(a.pos, b.pos)
		})
	}
	order := make([]int32, len(needs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(needs[a].ID, needs[b].ID); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})

	var recs []rec
	var heap recHeap
	for _, ni := range order {
		n := &needs[ni]
		list := byCommodity[key(n.Commodity)]
		nd := dels.id(key(n.Delegation))
		if len(list) == 0 || nd == 0 {
			continue
		}
		ng := gradeID(grades, n.Grade)
		np, vol, target := n.Participant, n.Volume, n.TargetPrice
		heap = heap[:0]
		for j := range list {
			io := &list[j]
			if io.del == 0 || io.del == nd || io.participant == np {
				continue
			}
			// Same formula as scorer.components (checked against Match by
			// the tests), on interned grades.
			g := GradeScoreDifferent
			switch {
			case ng == 0 || io.grade == 0:
				g = GradeScoreAny
			case ng == io.grade:
				g = GradeScoreExact
			}
			v := volumeFit(vol, io.capacity)
			p := priceFit(target, io.price, s.tol)
			total := (s.w.Grade*g + s.w.Volume*v + s.w.Price*p + s.sum/2) / s.sum
			if total < opt.MinScore {
				continue
			}
			r := rec{needID: n.ID, offerID: io.id, ni: ni, oi: io.pos,
				score: uint8(total), g: uint8(g), v: uint8(v), p: uint8(p)}
			if opt.PerNeed <= 0 {
				recs = append(recs, r)
			} else {
				heap.pushBounded(r, opt.PerNeed)
			}
		}
		if len(heap) > 0 {
			// Back to offer order, so the stream stays (need, offer) ordered.
			slices.SortFunc(heap, func(a, b rec) int {
				if c := cmp.Compare(a.offerID, b.offerID); c != 0 {
					return c
				}
				return cmp.Compare(a.oi, b.oi)
			})
			recs = append(recs, heap...)
		}
	}

	if dupNeedIDs(needs, order) {
		// Rare: the stream is ordered by (need ID, need position, offer ID),
		// not (need ID, offer ID); sort fully.
		slices.SortFunc(recs, func(a, b rec) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			if c := cmp.Compare(a.needID, b.needID); c != 0 {
				return c
			}
			if c := cmp.Compare(a.offerID, b.offerID); c != 0 {
				return c
			}
			if c := cmp.Compare(a.ni, b.ni); c != 0 {
				return c
			}
			return cmp.Compare(a.oi, b.oi)
		})
	}
	// Stable counting sort by score, descending.
	var start [102]int
	for i := range recs {
		start[100-int(recs[i].score)+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]Candidate, len(recs))
	for i := range recs {
		r := &recs[i]
		b := 100 - int(r.score)
		n, o := &needs[r.ni], &offers[r.oi]
		out[start[b]] = candidate(n, o, s.unit(key(n.Commodity)), gradeMatchOf(int(r.g)), int(r.g), int(r.v), int(r.p), int(r.score))
		start[b]++
	}
	return out
}

func dupNeedIDs(needs []Need, order []int32) bool {
	for i := 1; i < len(order); i++ {
		if needs[order[i]].ID == needs[order[i-1]].ID {
			return true
		}
	}
	return false
}

func gradeMatchOf(g int) GradeMatch {
	switch g {
	case GradeScoreExact:
		return GradeExact
	case GradeScoreAny:
		return GradeAny
	}
	return GradeDifferent
}

// recHeap is a bounded binary heap whose root is the worst record kept
// (by recCompare), so the best K survive.
type recHeap []rec

func (h *recHeap) pushBounded(r rec, k int) {
	s := *h
	if len(s) < k {
		s = append(s, r)
		i := len(s) - 1
		for i > 0 {
			p := (i - 1) / 2
			if recCompare(&s[p], &s[i]) >= 0 {
				break
			}
			s[p], s[i] = s[i], s[p]
			i = p
		}
		*h = s
		return
	}
	if recCompare(&r, &s[0]) >= 0 {
		return // not better than the worst kept
	}
	s[0] = r
	i := 0
	for {
		l, rt, w := 2*i+1, 2*i+2, i
		if l < len(s) && recCompare(&s[l], &s[w]) > 0 {
			w = l
		}
		if rt < len(s) && recCompare(&s[rt], &s[w]) > 0 {
			w = rt
		}
		if w == i {
			break
		}
		s[i], s[w] = s[w], s[i]
		i = w
	}
}
