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
	Buyer            int64       `json:"buyer"`
	Seller           int64       `json:"seller"`
	BuyerDelegation  string      `json:"buyer_delegation"`
	SellerDelegation string      `json:"seller_delegation"`
	Score            int         `json:"score"` // 0..100
	GradeScore       int         `json:"grade_score"`
	VolumeScore      int         `json:"volume_score"`
	PriceScore       int         `json:"price_score"`
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

func isAnyGrade(g string) bool {
	k := key(g)
	return k == "" || k == "any" || k == "semua"
}

// gradeFit returns the grade match and its score.
func gradeFit(needGrade, offerGrade string) (GradeMatch, int) {
	switch {
	case isAnyGrade(needGrade) || isAnyGrade(offerGrade):
		return GradeAny, GradeScoreAny
	case key(needGrade) == key(offerGrade):
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
	// deficit d = ⌈10000·over / (target·tol)⌉: the smallest d with
	// d·tol·target ≥ 10000·over. If even d = 100 is not enough, or exactly
	// enough, the score is 0.
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

func (s *scorer) unit(commodity string) string {
	if u, ok := s.units[key(commodity)]; ok {
		return u
	}
	return "unit"
}

// score fills a candidate for an eligible pair (eligibility is checked by
// the caller). unit is the base unit for the explanation.
func (s *scorer) score(n *Need, o *Offer, unit string) Candidate {
	gm, g := gradeFit(n.Grade, o.Grade)
	v := volumeFit(n.Volume, o.MonthlyCapacity)
	p := priceFit(n.TargetPrice, o.Price, s.tol)
	total := (s.w.Grade*g + s.w.Volume*v + s.w.Price*p + s.sum/2) / s.sum
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
	if !eligible(key(n.Commodity), key(n.Delegation), n.Participant, key(o.Commodity), key(o.Delegation), o.Participant) {
		return Candidate{}, false
	}
	s := newScorer(&opt)
	return s.score(&n, &o, s.unit(n.Commodity)), true
}

func eligible(nc, nd string, np int64, oc, od string, op int64) bool {
	return nc == oc && nd != "" && od != "" && nd != od && np != op
}

// compareCandidates orders candidates: score descending, then need ID, offer ID,
// buyer and seller ascending.
func compareCandidates(a, b *Candidate) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.NeedID, b.NeedID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.OfferID, b.OfferID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Buyer, b.Buyer); c != 0 {
		return c
	}
	return cmp.Compare(a.Seller, b.Seller)
}

type indexedOffer struct {
	o   *Offer
	del string
}

// Candidates returns every eligible need × offer pair (see [Match] for the
// eligibility rules and the score formula) with Score ≥ opt.MinScore, at
// most opt.PerNeed per need (the best ones, in the output order) when
// PerNeed > 0, sorted by score descending, then need ID, offer ID, buyer,
// seller ascending (fully equal keys, only possible with duplicate IDs,
// keep a deterministic order).
//
// Offers are indexed by normalized commodity, so a need is only compared
// with offers of its own commodity: the cost is O(N + F + Σ pairs of equal
// commodity · log K) for N needs, F offers and per-need limit K, plus the
// final sort of the output.
func Candidates(needs []Need, offers []Offer, opt Options) []Candidate {
	s := newScorer(&opt)
	byCommodity := make(map[string][]indexedOffer)
	for i := range offers {
		o := &offers[i]
		k := key(o.Commodity)
		byCommodity[k] = append(byCommodity[k], indexedOffer{o: o, del: key(o.Delegation)})
	}
	var out []Candidate
	var h candHeap
	for i := range needs {
		n := &needs[i]
		nc, nd := key(n.Commodity), key(n.Delegation)
		list := byCommodity[nc]
		if len(list) == 0 || nd == "" {
			continue
		}
		unit := s.unit(nc)
		h = h[:0]
		for j := range list {
			io := &list[j]
			if io.del == "" || io.del == nd || io.o.Participant == n.Participant {
				continue
			}
			c := s.score(n, io.o, unit)
			if c.Score < opt.MinScore {
				continue
			}
			if opt.PerNeed <= 0 {
				out = append(out, c)
				continue
			}
			h.pushBounded(c, opt.PerNeed)
		}
		out = append(out, h...)
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return compareCandidates(&a, &b) })
	return out
}

// candHeap is a bounded binary heap whose root is the worst candidate kept
// (by compareCandidates), so the best K survive.
type candHeap []Candidate

func (h *candHeap) pushBounded(c Candidate, k int) {
	s := *h
	if len(s) < k {
		s = append(s, c)
		// sift up: parent must be "worse" (compare > 0 means later in order).
		i := len(s) - 1
		for i > 0 {
			p := (i - 1) / 2
			if compareCandidates(&s[p], &s[i]) >= 0 {
				break
			}
			s[p], s[i] = s[i], s[p]
			i = p
		}
		*h = s
		return
	}
	if compareCandidates(&c, &s[0]) >= 0 {
		return // not better than the worst kept
	}
	s[0] = c
	i := 0
	for {
		l, r, w := 2*i+1, 2*i+2, i
		if l < len(s) && compareCandidates(&s[l], &s[w]) > 0 {
			w = l
		}
		if r < len(s) && compareCandidates(&s[r], &s[w]) > 0 {
			w = r
		}
		if w == i {
			break
		}
		s[i], s[w] = s[w], s[i]
		i = w
	}
}
