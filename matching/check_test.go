package matching

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"time"
)

// checkSchedule is the independent checker used by every scheduler test and
// by FuzzSchedule. It shares no code with the scheduler: it re-derives every
// guarantee from the input and the output alone.
func checkSchedule(in ScheduleInput, res ScheduleResult) error {
	slotByIndex := map[int]bool{}
	for _, s := range in.Slots {
		slotByIndex[s.Index] = true
	}
	occurrences := map[int64]int{}
	byID := map[int64]Meeting{}
	for _, m := range in.Meetings {
		occurrences[m.ID]++
		byID[m.ID] = m
	}
	unav := map[[2]int64]bool{} // (participant, slot index)
	for p, idxs := range in.Unavailable {
		for _, i := range idxs {
			unav[[2]int64{p, int64(i)}] = true
		}
	}

	seen := map[int64]int{}
	busy := map[[2]int64]int64{}    // (participant, slot) → meeting
	perSlot := map[int]int{}        // slot → meetings
	tableUsed := map[[2]int]int64{} // (slot, table) → meeting
	for _, a := range res.Assignments {
		seen[a.MeetingID]++
		if occurrences[a.MeetingID] != 1 {
			return fmt.Errorf("assignment of meeting %d which occurs %d times in the input", a.MeetingID, occurrences[a.MeetingID])
		}
		m := byID[a.MeetingID]
		if m.A == m.B {
			return fmt.Errorf("self meeting %d assigned", m.ID)
		}
		if !slotByIndex[a.Slot] {
			return fmt.Errorf("meeting %d in unknown slot %d", m.ID, a.Slot)
		}
		for _, p := range []int64{m.A, m.B} {
			k := [2]int64{p, int64(a.Slot)}
			if other, ok := busy[k]; ok {
				return fmt.Errorf("participant %d double-booked in slot %d: meetings %d and %d", p, a.Slot, other, m.ID)
			}
			busy[k] = m.ID
			if unav[k] {
				return fmt.Errorf("meeting %d in slot %d where participant %d is unavailable", m.ID, a.Slot, p)
			}
		}
		perSlot[a.Slot]++
		if in.Tables > 0 {
			if a.Table < 1 || a.Table > in.Tables {
				return fmt.Errorf("meeting %d at table %d outside 1..%d", m.ID, a.Table, in.Tables)
			}
			k := [2]int{a.Slot, a.Table}
			if other, ok := tableUsed[k]; ok {
				return fmt.Errorf("table %d in slot %d holds meetings %d and %d", a.Table, a.Slot, other, m.ID)
			}
			tableUsed[k] = m.ID
			if perSlot[a.Slot] > in.Tables {
				return fmt.Errorf("slot %d holds %d meetings > %d tables", a.Slot, perSlot[a.Slot], in.Tables)
			}
		} else if a.Table != 0 {
			return fmt.Errorf("meeting %d has table %d with unlimited (virtual) tables", m.ID, a.Table)
		}
	}
	uns := map[int64]int{}
	for _, u := range res.Unscheduled {
		seen[u.MeetingID]++
		uns[u.MeetingID]++
		m, ok := byID[u.MeetingID]
		if !ok {
			return fmt.Errorf("unscheduled unknown meeting %d", u.MeetingID)
		}
		if occurrences[m.ID] > 1 {
			if u.Reason != ReasonDuplicateID {
				return fmt.Errorf("duplicate id %d with reason %q", m.ID, u.Reason)
			}
			continue
		}
		if m.A == m.B {
			if u.Reason != ReasonInvalid {
				return fmt.Errorf("self meeting %d with reason %q", m.ID, u.Reason)
			}
			continue
		}
		// Maximality and reason: look at every slot.
		avail, free := false, false
		for _, s := range in.Slots {
			ka, kb := [2]int64{m.A, int64(s.Index)}, [2]int64{m.B, int64(s.Index)}
			if unav[ka] || unav[kb] {
				continue
			}
			avail = true
			_, ba := busy[ka]
			_, bb := busy[kb]
			if ba || bb {
				continue
			}
			free = true
			if in.Tables == 0 || perSlot[s.Index] < in.Tables {
				return fmt.Errorf("unscheduled meeting %d fits in slot %d (not maximal)", m.ID, s.Index)
			}
		}
		want := ReasonBusy
		switch {
		case len(in.Slots) == 0:
			want = ReasonNoSlots
		case !avail:
			want = ReasonUnavailable
		case free:
			want = ReasonTablesFull
		}
		if u.Reason != want {
			return fmt.Errorf("meeting %d: reason %q, want %q", m.ID, u.Reason, want)
		}
	}
	for id, n := range occurrences {
		if seen[id] != n {
			return fmt.Errorf("meeting %d occurs %d times in the input but %d times in the output", id, n, seen[id])
		}
		if n > 1 && uns[id] != n {
			return fmt.Errorf("duplicate meeting id %d not all unscheduled", id)
		}
	}
	return nil
}

// optimum is the exact maximum number of meetings that can be scheduled
// (ignoring scores) among schedules that contain every meeting of the set
// must (bit i = in.Meetings[i]; 0 = unconstrained), or -1 if none does. It
// is a dynamic programme over subsets of meetings, slot by slot: reach_k =
// the sets of meetings placeable in the first k slots. Each slot takes a set
// of meetings that is a matching (nobody twice), available for all its
// participants, and no larger than the table count. Only for
// len(meetings) ≤ 16.
func optimum(in ScheduleInput, must uint32) int {
	n := len(in.Meetings)
	if n > 16 {
		panic("optimum: too many meetings")
	}
	unav := map[[2]int64]bool{}
	for p, idxs := range in.Unavailable {
		for _, i := range idxs {
			unav[[2]int64{p, int64(i)}] = true
		}
	}
	ids := map[int64]int{}
	for _, m := range in.Meetings {
		ids[m.ID]++
	}
	reach := make([]bool, 1<<n)
	reach[0] = true
	for _, s := range in.Slots {
		// Valid sets for this slot.
		var valid []uint32
		for set := uint32(1); set < 1<<n; set++ {
			if in.Tables > 0 && bits.OnesCount32(set) > in.Tables {
				continue
			}
			ok := true
			used := map[int64]bool{}
			for i := 0; i < n && ok; i++ {
				if set&(1<<i) == 0 {
					continue
				}
				m := in.Meetings[i]
				if m.A == m.B || ids[m.ID] > 1 || unav[[2]int64{m.A, int64(s.Index)}] || unav[[2]int64{m.B, int64(s.Index)}] || used[m.A] || used[m.B] {
					ok = false
				}
				used[m.A], used[m.B] = true, true
			}
			if ok {
				valid = append(valid, set)
			}
		}
		next := make([]bool, 1<<n)
		for u := range reach {
			if !reach[u] {
				continue
			}
			next[u] = true
			for _, x := range valid {
				if uint32(u)&x == 0 {
					next[uint32(u)|x] = true
				}
			}
		}
		reach = next
	}
	best := -1
	for u, ok := range reach {
		if ok && uint32(u)&must == must {
			best = max(best, bits.OnesCount32(uint32(u)))
		}
	}
	return best
}

var day = time.Date(2021, 11, 3, 3, 0, 0, 0, time.UTC) // 11:00 WITA

// randomInstance builds a small random scheduling instance.
func randomInstance(r *rand.Rand, maxP, maxM, maxS, maxT int) ScheduleInput {
	P := 2 + r.IntN(maxP-1)
	M := 1 + r.IntN(maxM)
	S := 1 + r.IntN(maxS)
	in := ScheduleInput{Tables: r.IntN(maxT + 1), Unavailable: map[int64][]int{}}
	for i := 0; i < S; i++ {
		st := day.Add(time.Duration(i) * 20 * time.Minute)
		in.Slots = append(in.Slots, Slot{Index: i, Start: st, End: st.Add(20 * time.Minute)})
	}
	for i := 0; i < M; i++ {
		a := int64(1 + r.IntN(P))
		b := int64(1 + r.IntN(P-1))
		if b >= a {
			b++
		}
		in.Meetings = append(in.Meetings, Meeting{ID: int64(100 + i), A: a, B: b, Score: r.IntN(5) * 20})
	}
	for p := int64(1); p <= int64(P); p++ {
		for i := 0; i < S; i++ {
			if r.IntN(5) == 0 {
				in.Unavailable[p] = append(in.Unavailable[p], i)
			}
		}
	}
	return in
}
