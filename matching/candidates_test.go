package matching

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestMatchScores(t *testing.T) {
	need := Need{ID: 1, Participant: 10, Delegation: "63", Commodity: "beras", Grade: "medium", Volume: 200000, TargetPrice: 12000}
	offer := Offer{ID: 2, Participant: 20, Delegation: "35", Commodity: "beras", Grade: "medium", MonthlyCapacity: 300000, Price: 11900}
	tests := []struct {
		name           string
		n              func(*Need)
		o              func(*Offer)
		opt            Options
		g, v, p, total int
		match          GradeMatch
	}{
		{name: "perfect", g: 100, v: 100, p: 100, total: 100, match: GradeExact},
		{name: "grade case and space insensitive", o: func(o *Offer) { o.Grade = " Medium " }, g: 100, v: 100, p: 100, total: 100, match: GradeExact},
		{name: "different grade", o: func(o *Offer) { o.Grade = "premium" }, g: 0, v: 100, p: 100, total: 70, match: GradeDifferent},
		{name: "need any grade", n: func(n *Need) { n.Grade = "" }, g: 60, v: 100, p: 100, total: 88, match: GradeAny},
		{name: "offer ungraded", o: func(o *Offer) { o.Grade = "any" }, g: 60, v: 100, p: 100, total: 88, match: GradeAny},
		{name: "exact beats any beats different", o: func(o *Offer) { o.Grade = "Semua" }, g: 60, v: 100, p: 100, total: 88, match: GradeAny},
		// 150000 / 200000 = 75 %: (30·100 + 30·75 + 40·100 + 50) / 100 = 93.
		{name: "volume ratio 75%", o: func(o *Offer) { o.MonthlyCapacity = 150000 }, g: 100, v: 75, p: 100, total: 93, match: GradeExact},
		{name: "volume ratio floors", o: func(o *Offer) { o.MonthlyCapacity = 199999 }, g: 100, v: 99, p: 100, total: 100, match: GradeExact},
		{name: "volume ratio capped at 1", o: func(o *Offer) { o.MonthlyCapacity = 10 * 200000 }, g: 100, v: 100, p: 100, total: 100, match: GradeExact},
		{name: "no capacity", o: func(o *Offer) { o.MonthlyCapacity = 0 }, g: 100, v: 0, p: 100, total: 70, match: GradeExact},
		{name: "volume unspecified", n: func(n *Need) { n.Volume = 0 }, g: 100, v: 50, p: 100, total: 85, match: GradeExact},
		{name: "price at target", o: func(o *Offer) { o.Price = 12000 }, g: 100, v: 100, p: 100, total: 100, match: GradeExact},
		{name: "price Rp 1 over target", o: func(o *Offer) { o.Price = 12001 }, g: 100, v: 100, p: 99, total: 100, match: GradeExact},
		// +10 %: 100 − ⌈100 · 1200 / 2400⌉ = 50; total (3000 + 3000 + 2000 + 50) / 100 = 80.
		{name: "price 10% over", o: func(o *Offer) { o.Price = 13200 }, g: 100, v: 100, p: 50, total: 80, match: GradeExact},
		{name: "price 19.99% over", o: func(o *Offer) { o.Price = 14399 }, g: 100, v: 100, p: 0, total: 60, match: GradeExact},
		{name: "price 15% over", o: func(o *Offer) { o.Price = 13800 }, g: 100, v: 100, p: 25, total: 70, match: GradeExact},
		{name: "price 20% over", o: func(o *Offer) { o.Price = 14400 }, g: 100, v: 100, p: 0, total: 60, match: GradeExact},
		{name: "price 50% over", o: func(o *Offer) { o.Price = 18000 }, g: 100, v: 100, p: 0, total: 60, match: GradeExact},
		{name: "price on request", o: func(o *Offer) { o.Price = 0 }, g: 100, v: 100, p: 50, total: 80, match: GradeExact},
		{name: "no target", n: func(n *Need) { n.TargetPrice = 0 }, g: 100, v: 100, p: 50, total: 80, match: GradeExact},
		{name: "tolerance 50%: 10% over", o: func(o *Offer) { o.Price = 13200 }, opt: Options{PriceTolerancePct: 50}, g: 100, v: 100, p: 80, total: 92, match: GradeExact},
		{name: "price-only weights", o: func(o *Offer) { o.Price = 13200; o.Grade = "x" }, opt: Options{Weights: Weights{Price: 1}}, g: 0, v: 100, p: 50, total: 50, match: GradeDifferent},
		{name: "negative weights ignored", o: func(o *Offer) { o.Grade = "x" }, opt: Options{Weights: Weights{Grade: -5, Volume: 1}}, g: 0, v: 100, p: 100, total: 100, match: GradeDifferent},
		{name: "huge numbers", n: func(n *Need) { n.Volume = math.MaxInt64; n.TargetPrice = math.MaxInt64 - 1 },
			o: func(o *Offer) { o.MonthlyCapacity = math.MaxInt64 - 1; o.Price = math.MaxInt64 }, g: 100, v: 99, p: 99, total: 99, match: GradeExact},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, o := need, offer
			if tc.n != nil {
				tc.n(&n)
			}
			if tc.o != nil {
				tc.o(&o)
			}
			c, ok := Match(n, o, tc.opt)
			if !ok {
				t.Fatal("not eligible")
			}
			if c.GradeScore != tc.g || c.VolumeScore != tc.v || c.PriceScore != tc.p || c.Score != tc.total {
				t.Errorf("got grade %d volume %d price %d total %d, want %d %d %d %d",
					c.GradeScore, c.VolumeScore, c.PriceScore, c.Score, tc.g, tc.v, tc.p, tc.total)
			}
			if c.Explanation.GradeMatch != tc.match {
				t.Errorf("grade match %q, want %q", c.Explanation.GradeMatch, tc.match)
			}
		})
	}
}

func TestMatchEligibility(t *testing.T) {
	need := Need{ID: 1, Participant: 10, Delegation: "63", Commodity: "beras", Grade: "medium", Volume: 1000, TargetPrice: 12000}
	offer := Offer{ID: 2, Participant: 20, Delegation: "35", Commodity: "beras", Grade: "medium", MonthlyCapacity: 1000, Price: 12000}
	tests := []struct {
		name string
		n    func(*Need)
		o    func(*Offer)
		ok   bool
	}{
		{name: "cross delegation", ok: true},
		{name: "same delegation excluded", o: func(o *Offer) { o.Delegation = "63" }},
		{name: "same delegation, case/space", n: func(n *Need) { n.Delegation = "KALSEL" }, o: func(o *Offer) { o.Delegation = " kalsel" }},
		{name: "same participant excluded", o: func(o *Offer) { o.Participant = 10 }},
		{name: "other commodity", o: func(o *Offer) { o.Commodity = "kopi" }},
		{name: "commodity case-insensitive", o: func(o *Offer) { o.Commodity = " Beras" }, ok: true},
		{name: "need without delegation", n: func(n *Need) { n.Delegation = "" }},
		{name: "offer without delegation", o: func(o *Offer) { o.Delegation = "  " }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, o := need, offer
			if tc.n != nil {
				tc.n(&n)
			}
			if tc.o != nil {
				tc.o(&o)
			}
			if _, ok := Match(n, o, Options{}); ok != tc.ok {
				t.Errorf("Match ok = %v, want %v", ok, tc.ok)
			}
			got := Candidates([]Need{n}, []Offer{o}, Options{})
			if (len(got) == 1) != tc.ok {
				t.Errorf("Candidates returned %d, want eligible=%v", len(got), tc.ok)
			}
		})
	}
}

func TestExplanationString(t *testing.T) {
	n := Need{ID: 1, Participant: 10, Delegation: "63", Commodity: "beras", Grade: "medium", Volume: 200000, TargetPrice: 12000}
	o := Offer{ID: 2, Participant: 20, Delegation: "35", Commodity: "beras", Grade: "medium", MonthlyCapacity: 150000, Price: 11900}
	c, _ := Match(n, o, Options{Units: map[string]string{"Beras": "kg"}})
	want := "needs 200000 kg beras medium at ≤ Rp 12000/kg; offers 150000 kg/month at Rp 11900/kg"
	if got := c.Explanation.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if s := c.String(); !strings.Contains(s, "score 93") || !strings.Contains(s, want) {
		t.Errorf("Candidate.String() = %q", s)
	}
	o.Grade, o.Price, n.TargetPrice, n.Grade = "premium", 0, 0, ""
	c, _ = Match(n, o, Options{})
	want = "needs 200000 unit beras (any grade) at any price; offers 150000 unit/month grade premium, price on request"
	if got := c.Explanation.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if c.Explanation.Unit != "unit" {
		t.Errorf("default unit %q", c.Explanation.Unit)
	}
}

// Demo data: East Java (35) meets South Kalimantan (63).
func demoMarket() ([]Need, []Offer) {
	needs := []Need{
		{ID: 1, Participant: 101, Delegation: "63", Commodity: "beras", Grade: "medium", Volume: 200000, TargetPrice: 12000},
		{ID: 2, Participant: 102, Delegation: "63", Commodity: "gula", Grade: "", Volume: 50000, TargetPrice: 14000},
		{ID: 3, Participant: 201, Delegation: "35", Commodity: "batu bara", Volume: 1000000, TargetPrice: 900},
		{ID: 4, Participant: 103, Delegation: "63", Commodity: "beras", Grade: "premium", Volume: 100000, TargetPrice: 14000},
	}
	offers := []Offer{
		{ID: 11, Participant: 202, Delegation: "35", Commodity: "beras", Grade: "medium", MonthlyCapacity: 150000, Price: 11900},
		{ID: 12, Participant: 203, Delegation: "35", Commodity: "beras", Grade: "premium", MonthlyCapacity: 400000, Price: 13500},
		{ID: 13, Participant: 104, Delegation: "63", Commodity: "beras", Grade: "medium", MonthlyCapacity: 900000, Price: 11000}, // same delegation as buyers of beras
		{ID: 14, Participant: 204, Delegation: "35", Commodity: "gula", Grade: "kristal putih", MonthlyCapacity: 80000, Price: 15400},
		{ID: 15, Participant: 105, Delegation: "63", Commodity: "batu bara", Grade: "GAR 4200", MonthlyCapacity: 500000, Price: 950},
	}
	return needs, offers
}

func TestCandidates(t *testing.T) {
	needs, offers := demoMarket()
	got := Candidates(needs, offers, Options{})
	type pair struct {
		need, offer int64
		score       int
	}
	var pairs []pair
	for _, c := range got {
		pairs = append(pairs, pair{c.NeedID, c.OfferID, c.Score})
	}
	// need 1 × 11: G100 V75 P100 → 93; need 4 × 12: G100 V100 P100 → 100;
	// need 1 × 12: G0 V100 P ⌈100·1500/2400⌉ = 63 → 37 → (0 + 3000 + 1480 + 50)/100 = 45;
	// need 4 × 11: G0 V100 P100 → 70; need 2 × 14: G60 V100 P ⌈100·1400/2800⌉=50 → 50 →
	// (1800 + 3000 + 2000 + 50)/100 = 68; need 3 × 15: G60 V50 P ⌈100·50/180⌉=28 → 72 →
	// (1800 + 1500 + 2880 + 50)/100 = 62. Offer 13 is in the buyers' delegation.
	want := []pair{{4, 12, 100}, {1, 11, 93}, {4, 11, 70}, {2, 14, 68}, {3, 15, 62}, {1, 12, 45}}
	if !slices.Equal(pairs, want) {
		t.Errorf("got  %v\nwant %v", pairs, want)
	}
	for _, c := range got {
		m, ok := Match(needs[slices.IndexFunc(needs, func(n Need) bool { return n.ID == c.NeedID })],
			offers[slices.IndexFunc(offers, func(o Offer) bool { return o.ID == c.OfferID })], Options{})
		if !ok || m != c {
			t.Errorf("candidate %v differs from Match %v", c, m)
		}
	}

	// MinScore and PerNeed.
	got = Candidates(needs, offers, Options{MinScore: 68, PerNeed: 1})
	pairs = pairs[:0]
	for _, c := range got {
		pairs = append(pairs, pair{c.NeedID, c.OfferID, c.Score})
	}
	want = []pair{{4, 12, 100}, {1, 11, 93}, {2, 14, 68}}
	if !slices.Equal(pairs, want) {
		t.Errorf("MinScore 68, PerNeed 1: got %v, want %v", pairs, want)
	}
}

// referenceCandidates is the brute-force O(N·F) definition of Candidates.
func referenceCandidates(needs []Need, offers []Offer, opt Options) []Candidate {
	var out []Candidate
	for _, n := range needs {
		var mine []Candidate
		for _, o := range offers {
			if c, ok := Match(n, o, opt); ok && c.Score >= opt.MinScore {
				mine = append(mine, c)
			}
		}
		slices.SortStableFunc(mine, func(a, b Candidate) int { return compareCandidates(&a, &b) })
		if opt.PerNeed > 0 && len(mine) > opt.PerNeed {
			mine = mine[:opt.PerNeed]
		}
		out = append(out, mine...)
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return compareCandidates(&a, &b) })
	return out
}

func TestCandidatesMatchesReference(t *testing.T) {
	for _, p := range []int{10, 100, 300} {
		needs, offers := benchMarket(p)
		for _, opt := range []Options{{}, {PerNeed: 3}, {MinScore: 60}, {MinScore: 50, PerNeed: 2, Weights: Weights{Grade: 1, Volume: 1, Price: 1}}} {
			got := Candidates(needs, offers, opt)
			want := referenceCandidates(needs, offers, opt)
			if !slices.Equal(got, want) {
				t.Fatalf("p=%d opt=%+v: %d candidates, reference %d", p, opt, len(got), len(want))
			}
		}
	}
}

func TestCandidatesRandomOrderIndependent(t *testing.T) {
	needs, offers := benchMarket(200)
	want := Candidates(needs, offers, Options{PerNeed: 5})
	r := rand.New(rand.NewPCG(3, 4))
	r.Shuffle(len(needs), func(i, j int) { needs[i], needs[j] = needs[j], needs[i] })
	r.Shuffle(len(offers), func(i, j int) { offers[i], offers[j] = offers[j], offers[i] })
	if got := Candidates(needs, offers, Options{PerNeed: 5}); !slices.Equal(got, want) {
		t.Fatal("result depends on input order")
	}
}
