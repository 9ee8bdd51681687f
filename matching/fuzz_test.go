package matching

import (
	"math"
	"slices"
	"testing"
	"time"
)

// byteReader turns fuzz input into small numbers; it yields zeros once the
// input is exhausted.
type byteReader struct {
	b []byte
	i int
}

func (r *byteReader) next() int {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return int(r.b[r.i-1])
}

func (r *byteReader) intn(n int) int { return r.next() % n }

// scheduleFromBytes decodes a small scheduling instance: up to 12
// participants, 40 meetings (self meetings and duplicate IDs possible),
// 0..9 or 70 slots (several bitset words), 0..4 tables, random
// unavailability, improvement depth −1..3 and sometimes a tiny budget.
func scheduleFromBytes(data []byte) ScheduleInput {
	r := &byteReader{b: data}
	P := 1 + r.intn(12)
	S := r.intn(10)
	if r.intn(8) == 7 {
		S = 70
	}
	in := ScheduleInput{Tables: r.intn(5), ImproveDepth: r.intn(5) - 1, Unavailable: map[int64][]int{}}
	if r.intn(4) == 0 {
		in.ImproveBudget = 1 + r.intn(20)
	}
	for i := 0; i < S; i++ {
		st := day.Add(time.Duration(r.intn(12)) * 20 * time.Minute) // equal starts possible
		in.Slots = append(in.Slots, Slot{Index: 3*i + 1, Start: st, End: st.Add(20 * time.Minute)})
	}
	M := r.intn(41)
	for i := 0; i < M; i++ {
		in.Meetings = append(in.Meetings, Meeting{
			ID: int64(r.intn(64)), A: int64(r.intn(P)), B: int64(r.intn(P)), Score: r.intn(4) * 30,
		})
	}
	for p := 0; p < P; p++ {
		for k := r.intn(4); k > 0; k-- {
			in.Unavailable[int64(p)] = append(in.Unavailable[int64(p)], 3*r.intn(S+1)+1)
		}
	}
	in.Unavailable[1000] = []int{1} // unknown participant: ignored
	return in
}

func FuzzSchedule(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{4, 3, 0, 2, 0, 1, 0, 0, 5, 1, 0, 1, 2, 2, 0, 2, 3, 3, 1})
	f.Add([]byte{11, 9, 7, 1, 3, 0, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Add([]byte("trade mission East Java x South Kalimantan 2021"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := scheduleFromBytes(data)
		res, err := Schedule(in)
		if err != nil {
			t.Fatalf("Schedule: %v", err)
		}
		if err := checkSchedule(in, res); err != nil {
			t.Fatalf("checker: %v\ninput %+v\nresult %+v", err, in, res)
		}
		// Deterministic.
		res2, _ := Schedule(in)
		if !slices.Equal(res.Assignments, res2.Assignments) || !slices.Equal(res.Unscheduled, res2.Unscheduled) {
			t.Fatal("two runs differ")
		}
		// Never above the optimum, never below a third of it.
		if len(in.Meetings) <= 10 && len(in.Slots) <= 9 {
			opt := optimum(in, 0)
			if got := len(res.Assignments); got > opt || 3*got < opt {
				t.Fatalf("scheduled %d, optimum %d", got, opt)
			}
		}
	})
}

var fuzzCommodities = []string{"beras", " Beras", "kopi", "sapi", ""}
var fuzzDelegations = []string{"35", "63", " 63", "16", ""}
var fuzzGrades = []string{"", "medium", "Medium ", "premium", "any"}
var fuzzAmounts = []int64{0, -5, 1, 999, 1000, 1199, 1200, 1201, 100000, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1}

func FuzzCandidates(f *testing.F) {
	f.Add([]byte{}, 0, 0)
	f.Add([]byte{3, 1, 0, 0, 1, 4, 5, 2, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 50, 2)
	f.Add([]byte("needs 200000 kg beras medium at ≤ Rp 12000/kg; offers 150000 kg/month at Rp 11900/kg"), 0, 1)
	f.Fuzz(func(t *testing.T, data []byte, minScore, perNeed int) {
		r := &byteReader{b: data}
		var needs []Need
		var offers []Offer
		for i, n := 0, r.intn(12); i < n; i++ {
			needs = append(needs, Need{
				ID: int64(1 + r.intn(10)), Participant: int64(r.intn(6)), Delegation: fuzzDelegations[r.intn(5)],
				Commodity: fuzzCommodities[r.intn(5)], Grade: fuzzGrades[r.intn(5)],
				Volume: fuzzAmounts[r.intn(len(fuzzAmounts))], TargetPrice: fuzzAmounts[r.intn(len(fuzzAmounts))],
			})
		}
		for i, n := 0, r.intn(12); i < n; i++ {
			offers = append(offers, Offer{
				ID: int64(1 + r.intn(10)), Participant: int64(r.intn(6)), Delegation: fuzzDelegations[r.intn(5)],
				Commodity: fuzzCommodities[r.intn(5)], Grade: fuzzGrades[r.intn(5)],
				MonthlyCapacity: fuzzAmounts[r.intn(len(fuzzAmounts))], Price: fuzzAmounts[r.intn(len(fuzzAmounts))],
			})
		}
		opt := Options{
			MinScore: minScore % 120, PerNeed: perNeed % 5,
			Weights:           Weights{Grade: r.intn(5) - 1, Volume: r.intn(5), Price: r.intn(5)},
			PriceTolerancePct: r.intn(30) - 2,
		}
		got := Candidates(needs, offers, opt)
		for i, c := range got {
			for _, s := range []int{c.Score, c.GradeScore, c.VolumeScore, c.PriceScore} {
				if s < 0 || s > 100 {
					t.Fatalf("score out of 0..100: %+v", c)
				}
			}
			if c.Score < opt.MinScore {
				t.Fatalf("score %d below MinScore %d", c.Score, opt.MinScore)
			}
			if key(c.BuyerDelegation) == key(c.SellerDelegation) || c.Buyer == c.Seller || key(c.BuyerDelegation) == "" {
				t.Fatalf("ineligible pair: %+v", c)
			}
			if i > 0 && compareCandidates(&got[i-1], &got[i]) > 0 {
				t.Fatalf("not sorted at %d", i)
			}
			_ = c.String()
		}
		if want := referenceCandidates(needs, offers, opt); !slices.Equal(got, want) {
			t.Fatalf("Candidates differs from the brute-force reference:\n got %v\nwant %v", got, want)
		}
	})
}
