package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

var benchCommodities = []string{
	"beras", "kopi", "jagung", "gula", "sapi", "bawang merah", "cabai", "kedelai",
	"garam", "ikan tuna", "udang", "kakao", "karet", "kelapa sawit", "teh", "cengkeh",
	"lada", "rumput laut", "telur", "daging ayam",
}

// benchMarket builds participants from 4 delegations, each with one or two
// offers and one or two needs over 20 commodities and 3 grades.
func benchMarket(participants int) ([]Need, []Offer) {
	r := rand.New(rand.NewPCG(uint64(participants), 35))
	dels := []string{"35", "63", "16", "18"}
	grades := []string{"premium", "medium", ""}
	var needs []Need
	var offers []Offer
	for p := int64(1); p <= int64(participants); p++ {
		d := dels[r.IntN(len(dels))]
		for k := 0; k < 1+r.IntN(2); k++ {
			price := int64(5000 + r.IntN(20000))
			offers = append(offers, Offer{
				ID: int64(len(offers) + 1), Participant: p, Delegation: d,
				Commodity: benchCommodities[r.IntN(len(benchCommodities))], Grade: grades[r.IntN(3)],
				MonthlyCapacity: int64(1000 * (1 + r.IntN(500))), Price: price,
			})
		}
		for k := 0; k < 1+r.IntN(2); k++ {
			needs = append(needs, Need{
				ID: int64(len(needs) + 1), Participant: p, Delegation: d,
				Commodity: benchCommodities[r.IntN(len(benchCommodities))], Grade: grades[r.IntN(3)],
				Volume: int64(1000 * (1 + r.IntN(500))), TargetPrice: int64(5000 + r.IntN(20000)),
			})
		}
	}
	return needs, offers
}

func benchCandidates(b *testing.B, participants int) {
	needs, offers := benchMarket(participants)
	opt := Options{PerNeed: 10}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		n = len(Candidates(needs, offers, opt))
	}
	b.ReportMetric(float64(n), "candidates")
}

func BenchmarkCandidates100(b *testing.B)   { benchCandidates(b, 100) }
func BenchmarkCandidates1000(b *testing.B)  { benchCandidates(b, 1000) }
func BenchmarkCandidates10000(b *testing.B) { benchCandidates(b, 10000) }

// BenchmarkCandidates1000All keeps every candidate (no per-need limit).
func BenchmarkCandidates1000All(b *testing.B) {
	needs, offers := benchMarket(1000)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		n = len(Candidates(needs, offers, Options{}))
	}
	b.ReportMetric(float64(n), "candidates")
}

// benchMission: P participants, 10·P accepted meetings (each participant in
// 20 on average), a 09:00–18:00 day of 20-minute slots with a lunch break
// (24 slots), P·2/5 tables, and 10 % of participants unavailable in 3
// random slots.
func benchMission(participants int) ScheduleInput {
	r := rand.New(rand.NewPCG(uint64(participants), 72))
	open := time.Date(2021, 11, 3, 1, 0, 0, 0, time.UTC) // 09:00 WITA
	slots := Slots(open, open.Add(9*time.Hour), 20*time.Minute,
		[]Break{{Start: open.Add(3 * time.Hour), End: open.Add(4 * time.Hour)}})
	in := ScheduleInput{Slots: slots, Tables: participants * 2 / 5, Unavailable: map[int64][]int{}}
	for i := 0; i < 10*participants; i++ {
		a := int64(1 + r.IntN(participants))
		b := int64(1 + r.IntN(participants-1))
		if b >= a {
			b++
		}
		in.Meetings = append(in.Meetings, Meeting{ID: int64(i + 1), A: a, B: b, Score: r.IntN(101)})
	}
	for p := int64(1); p <= int64(participants); p++ {
		if r.IntN(10) == 0 {
			for k := 0; k < 3; k++ {
				in.Unavailable[p] = append(in.Unavailable[p], r.IntN(len(slots)))
			}
		}
	}
	return in
}

func benchSchedule(b *testing.B, in ScheduleInput) {
	b.ReportAllocs()
	b.ResetTimer()
	var res ScheduleResult
	for b.Loop() {
		var err error
		res, err = Schedule(in)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := checkSchedule(in, res); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(res.Assignments)), "scheduled")
	b.ReportMetric(float64(res.Stats.Greedy), "greedy")
	b.ReportMetric(float64(res.Stats.Steps), "steps")
}

func BenchmarkSchedule100(b *testing.B)   { benchSchedule(b, benchMission(100)) }
func BenchmarkSchedule1000(b *testing.B)  { benchSchedule(b, benchMission(1000)) }
func BenchmarkSchedule10000(b *testing.B) { benchSchedule(b, benchMission(10000)) }

// BenchmarkSchedule5000x50000 is the target case: 5 000 participants and
// 50 000 accepted meetings, to be well under 2 s.
func BenchmarkSchedule5000x50000(b *testing.B) { benchSchedule(b, benchMission(5000)) }

// BenchmarkScheduleDepth compares improvement depths on the target case.
func BenchmarkScheduleDepth(b *testing.B) {
	base := benchMission(5000)
	for _, d := range []int{-1, 1, 2} {
		b.Run(fmt.Sprintf("depth=%d", d), func(b *testing.B) {
			in := base
			in.ImproveDepth = d
			benchSchedule(b, in)
		})
	}
}
