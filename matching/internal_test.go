package matching

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// verify recomputes the derived state (occupancy bitsets, occupancy table,
// slot lists and positions, full flags) from the meetings' slots.
func (st *schedState) verify() error {
	p := len(st.busy) / max(st.w, 1)
	busy := make([]uint64, len(st.busy))
	occ := make([]int32, len(st.occ))
	for i := range occ {
		occ[i] = -1
	}
	count := make([]int, st.s)
	for m := range st.ms {
		mm := &st.ms[m]
		if mm.slot < 0 {
			continue
		}
		if int(mm.at) >= len(st.slotList[mm.slot]) || st.slotList[mm.slot][mm.at] != int32(m) {
			return fmt.Errorf("meeting %d: slot list position wrong", m)
		}
		for _, q := range []int32{mm.a, mm.b} {
			if occ[int(q)*st.s+int(mm.slot)] >= 0 {
				return fmt.Errorf("participant %d double-booked in slot %d", q, mm.slot)
			}
			occ[int(q)*st.s+int(mm.slot)] = int32(m)
			busy[int(q)*st.w+int(mm.slot>>6)] |= 1 << (uint(mm.slot) & 63)
			if st.bit(st.unav, q, mm.slot) {
				return fmt.Errorf("participant %d unavailable in slot %d", q, mm.slot)
			}
		}
		count[mm.slot]++
	}
	if !slices.Equal(busy, st.busy) || !slices.Equal(occ, st.occ) {
		return fmt.Errorf("busy/occ tables out of sync (%d participants)", p)
	}
	for s := 0; s < st.s; s++ {
		if len(st.slotList[s]) != count[s] {
			return fmt.Errorf("slot %d list has %d, want %d", s, len(st.slotList[s]), count[s])
		}
		full := st.full[s>>6]&(1<<(uint(s)&63)) != 0
		if want := st.tables > 0 && count[s] >= st.tables; full != want || (st.tables > 0 && count[s] > st.tables) {
			return fmt.Errorf("slot %d: full=%v with %d meetings, %d tables", s, full, count[s], st.tables)
		}
	}
	return nil
}

type stateSnap struct {
	ms    []schedMeeting
	lists [][]int32
}

func snap(st *schedState) stateSnap {
	s := stateSnap{ms: slices.Clone(st.ms)}
	for _, l := range st.slotList {
		s.lists = append(s.lists, slices.Clone(l))
	}
	return s
}

// TestImproveInternals runs the improvement pass with a hook that checks
// the internal state after every attempt, and that a failed attempt leaves
// the state exactly as it was (rollback is exact, list order included).
func TestImproveInternals(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var before stateSnap
	attempts, failures := 0, 0
	testHook = func(st *schedState, m int32, after, ok bool) {
		if err := st.verify(); err != nil {
			t.Fatalf("after=%v: %v", after, err)
		}
		if !after {
			before = snap(st)
			return
		}
		attempts++
		if ok {
			if st.ms[m].slot < 0 {
				t.Fatalf("insert reported success but meeting %d is unplaced", m)
			}
			return
		}
		failures++
		now := snap(st)
		if !slices.Equal(before.ms, now.ms) {
			t.Fatalf("failed attempt changed the meetings' slots")
		}
		for s := range now.lists {
			if !slices.Equal(before.lists[s], now.lists[s]) {
				t.Fatalf("failed attempt changed slot %d list: %v → %v", s, before.lists[s], now.lists[s])
			}
		}
	}
	defer func() { testHook = nil }()
	for i := 0; i < 300; i++ {
		in := randomInstance(r, 12, 60, 8, 5)
		in.ImproveDepth = 1 + r.IntN(3)
		mustSchedule(t, in)
	}
	// Also wider than 64 slots (several bitset words).
	for i := 0; i < 20; i++ {
		in := randomInstance(r, 30, 400, 130, 3)
		mustSchedule(t, in)
	}
	if attempts == 0 || failures == 0 {
		t.Fatalf("hook saw %d attempts, %d failures: test is not exercising anything", attempts, failures)
	}
	t.Logf("%d attempts, %d failed and rolled back", attempts, failures)
}
