package matching

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func mustSchedule(t *testing.T, in ScheduleInput) ScheduleResult {
	t.Helper()
	res, err := Schedule(in)
	if err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	if err := checkSchedule(in, res); err != nil {
		t.Fatalf("checker: %v\ninput: %+v\nresult: %+v", err, in, res)
	}
	return res
}

func slotsN(n int) []Slot {
	var out []Slot
	for i := 0; i < n; i++ {
		st := day.Add(time.Duration(i) * 20 * time.Minute)
		out = append(out, Slot{Index: i, Start: st, End: st.Add(20 * time.Minute)})
	}
	return out
}

func assignmentOf(res ScheduleResult, id int64) (Assignment, bool) {
	for _, a := range res.Assignments {
		if a.MeetingID == id {
			return a, true
		}
	}
	return Assignment{}, false
}

func reasonOf(res ScheduleResult, id int64) Reason {
	for _, u := range res.Unscheduled {
		if u.MeetingID == id {
			return u.Reason
		}
	}
	return ""
}

// TestSchedulePriority: when meetings compete, the higher score wins the
// (earliest) slot, whatever the input order; equal scores go by lower ID.
func TestSchedulePriority(t *testing.T) {
	type want struct {
		id     int64
		slot   int    // -1 = unscheduled
		reason Reason // when unscheduled
	}
	tests := []struct {
		name     string
		slots    int
		tables   int
		meetings []Meeting
		unav     map[int64][]int
		want     []want
	}{
		{
			name: "shared participant, one slot", slots: 1,
			meetings: []Meeting{{ID: 1, A: 10, B: 20, Score: 40}, {ID: 2, A: 10, B: 30, Score: 90}},
			want:     []want{{2, 0, ""}, {1, -1, ReasonBusy}},
		},
		{
			name: "shared participant, two slots: higher gets the earlier", slots: 2,
			meetings: []Meeting{{ID: 1, A: 10, B: 20, Score: 40}, {ID: 2, A: 30, B: 10, Score: 90}},
			want:     []want{{2, 0, ""}, {1, 1, ""}},
		},
		{
			name: "one table", slots: 1, tables: 1,
			meetings: []Meeting{{ID: 7, A: 1, B: 2, Score: 10}, {ID: 8, A: 3, B: 4, Score: 11}},
			want:     []want{{8, 0, ""}, {7, -1, ReasonTablesFull}},
		},
		{
			name: "equal scores: lower ID first", slots: 1,
			meetings: []Meeting{{ID: 9, A: 1, B: 2, Score: 50}, {ID: 3, A: 1, B: 4, Score: 50}},
			want:     []want{{3, 0, ""}, {9, -1, ReasonBusy}},
		},
		{
			// Two lower meetings would fit instead of the higher one (2 > 1),
			// but a placed higher-score meeting is never dropped.
			name: "higher kept over two lower", slots: 1,
			meetings: []Meeting{{ID: 1, A: 1, B: 3, Score: 50}, {ID: 2, A: 2, B: 4, Score: 50}, {ID: 3, A: 1, B: 2, Score: 90}},
			want:     []want{{3, 0, ""}, {1, -1, ReasonBusy}, {2, -1, ReasonBusy}},
		},
		{
			name: "unavailable slot skipped", slots: 3,
			meetings: []Meeting{{ID: 1, A: 1, B: 2, Score: 50}},
			unav:     map[int64][]int{2: {0, 1}},
			want:     []want{{1, 2, ""}},
		},
		{
			name: "no common slot", slots: 2,
			meetings: []Meeting{{ID: 1, A: 1, B: 2, Score: 50}},
			unav:     map[int64][]int{1: {0}, 2: {1}},
			want:     []want{{1, -1, ReasonUnavailable}},
		},
		{
			name: "self meeting", slots: 2,
			meetings: []Meeting{{ID: 1, A: 1, B: 1, Score: 50}},
			want:     []want{{1, -1, ReasonInvalid}},
		},
		{
			name: "duplicate id", slots: 2,
			meetings: []Meeting{{ID: 1, A: 1, B: 2, Score: 50}, {ID: 1, A: 3, B: 4, Score: 50}},
			want:     []want{{1, -1, ReasonDuplicateID}},
		},
		{
			name: "no slots", slots: 0,
			meetings: []Meeting{{ID: 1, A: 1, B: 2, Score: 50}},
			want:     []want{{1, -1, ReasonNoSlots}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, rev := range []bool{false, true} {
				ms := slices.Clone(tc.meetings)
				if rev {
					slices.Reverse(ms)
				}
				in := ScheduleInput{Slots: slotsN(tc.slots), Tables: tc.tables, Meetings: ms, Unavailable: tc.unav}
				res := mustSchedule(t, in)
				for _, w := range tc.want {
					a, ok := assignmentOf(res, w.id)
					if w.slot < 0 {
						if ok {
							t.Errorf("reversed=%v: meeting %d scheduled in slot %d, want unscheduled", rev, w.id, a.Slot)
						}
						if r := reasonOf(res, w.id); r != w.reason {
							t.Errorf("reversed=%v: meeting %d reason %q, want %q", rev, w.id, r, w.reason)
						}
						continue
					}
					if !ok || a.Slot != w.slot {
						t.Errorf("reversed=%v: meeting %d: got %+v (found %v), want slot %d", rev, w.id, a, ok, w.slot)
					}
				}
			}
		})
	}
}

// TestScheduleImprovement: the greedy fills slot 0 with M1 = (1,2), which
// blocks M2 = (1,3) and M3 = (2,4) whose participants 3 and 4 are only
// available in slot 0. Moving M1 to slot 1 fits all three (greedy alone: 1).
func TestScheduleImprovement(t *testing.T) {
	in := ScheduleInput{
		Slots: slotsN(2),
		Meetings: []Meeting{
			{ID: 1, A: 1, B: 2, Score: 90},
			{ID: 2, A: 1, B: 3, Score: 50},
			{ID: 3, A: 2, B: 4, Score: 50},
		},
		Unavailable: map[int64][]int{3: {1}, 4: {1}},
	}
	greedy := in
	greedy.ImproveDepth = -1
	g := mustSchedule(t, greedy)
	if len(g.Assignments) != 1 {
		t.Fatalf("greedy placed %d, want 1 (test premise)", len(g.Assignments))
	}
	res := mustSchedule(t, in)
	if len(res.Assignments) != 3 {
		t.Fatalf("placed %d, want 3: %+v", len(res.Assignments), res)
	}
	if a, _ := assignmentOf(res, 1); a.Slot != 1 {
		t.Errorf("meeting 1 in slot %d, want moved to 1", a.Slot)
	}
	if res.Stats.Greedy != 1 || res.Stats.Improved != 2 || res.Stats.Relocations != 1 {
		t.Errorf("stats %+v", res.Stats)
	}
}

// TestScheduleTableMove: tables block; moving a meeting of other people out
// of the full slot makes room.
func TestScheduleTableMove(t *testing.T) {
	in := ScheduleInput{
		Slots:  slotsN(2),
		Tables: 1,
		Meetings: []Meeting{
			{ID: 1, A: 1, B: 2, Score: 90}, // greedy: slot 0
			{ID: 2, A: 3, B: 4, Score: 50}, // only slot 0 possible
		},
		Unavailable: map[int64][]int{3: {1}},
	}
	res := mustSchedule(t, in)
	if len(res.Assignments) != 2 {
		t.Fatalf("placed %d, want 2: %+v", len(res.Assignments), res)
	}
}

func TestScheduleTablesNumbered(t *testing.T) {
	var ms []Meeting
	for i := int64(0); i < 10; i++ {
		ms = append(ms, Meeting{ID: i + 1, A: 2 * i, B: 2*i + 1, Score: int(i)})
	}
	in := ScheduleInput{Slots: slotsN(3), Tables: 4, Meetings: ms}
	res := mustSchedule(t, in)
	if len(res.Assignments) != 10 {
		t.Fatalf("placed %d, want 10", len(res.Assignments))
	}
	// Slot 0 holds the 4 best meetings at tables 1..4 by score.
	sheet := TableSheet(0, res.Assignments, ms)
	var got []int64
	for _, r := range sheet {
		got = append(got, r.MeetingID)
	}
	if want := []int64{10, 9, 8, 7}; !slices.Equal(got, want) {
		t.Errorf("slot 0 meetings by table %v, want %v", got, want)
	}
	// Virtual: all in slot 0, table 0.
	in.Tables = 0
	res = mustSchedule(t, in)
	for _, a := range res.Assignments {
		if a.Slot != 0 || a.Table != 0 {
			t.Errorf("virtual assignment %+v, want slot 0 table 0", a)
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	if _, err := Schedule(ScheduleInput{Tables: -1}); !errors.Is(err, ErrScheduleInput) {
		t.Errorf("tables -1: err %v", err)
	}
	s := slotsN(2)
	s[1].Index = 0
	if _, err := Schedule(ScheduleInput{Slots: s}); !errors.Is(err, ErrScheduleInput) {
		t.Errorf("duplicate slot index: err %v", err)
	}
}

// TestScheduleSlotOrder: "earliest" follows Start, not the input order or
// the index; indexes need not be 0..S-1.
func TestScheduleSlotOrder(t *testing.T) {
	slots := []Slot{
		{Index: 7, Start: day.Add(time.Hour), End: day.Add(80 * time.Minute)},
		{Index: 3, Start: day, End: day.Add(20 * time.Minute)},
	}
	in := ScheduleInput{Slots: slots, Meetings: []Meeting{{ID: 1, A: 1, B: 2}, {ID: 2, A: 1, B: 3}}, Unavailable: map[int64][]int{3: {99}}}
	res := mustSchedule(t, in)
	want := []Assignment{{MeetingID: 1, Slot: 3}, {MeetingID: 2, Slot: 7}}
	if !slices.Equal(res.Assignments, want) {
		t.Errorf("got %+v, want %+v", res.Assignments, want)
	}
}

// TestScheduleDeterministic: same input, same output; also with meetings
// and slots shuffled (IDs and indexes are the identity).
func TestScheduleDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 50; i++ {
		in := randomInstance(r, 10, 30, 6, 4)
		a := mustSchedule(t, in)
		shuffled := in
		shuffled.Meetings = slices.Clone(in.Meetings)
		shuffled.Slots = slices.Clone(in.Slots)
		r.Shuffle(len(shuffled.Meetings), func(i, j int) {
			shuffled.Meetings[i], shuffled.Meetings[j] = shuffled.Meetings[j], shuffled.Meetings[i]
		})
		r.Shuffle(len(shuffled.Slots), func(i, j int) { shuffled.Slots[i], shuffled.Slots[j] = shuffled.Slots[j], shuffled.Slots[i] })
		b := mustSchedule(t, shuffled)
		// Greedy part is order-independent; the count must match.
		if len(a.Assignments) != len(b.Assignments) {
			t.Fatalf("instance %d: %d vs %d assignments after shuffling", i, len(a.Assignments), len(b.Assignments))
		}
		c := mustSchedule(t, in)
		if !slices.Equal(a.Assignments, c.Assignments) || !slices.Equal(a.Unscheduled, c.Unscheduled) {
			t.Fatalf("instance %d: two runs differ", i)
		}
	}
}

// TestScheduleOptimality compares the scheduler with the exact maximum on
// small random instances (≤ 8 participants, ≤ 12 meetings, ≤ 4 slots,
// 0..3 tables, 20 % random unavailability), computed by [optimum].
//
// Proven bound: scheduled ≥ ⌈OPT / 3⌉, already for the greedy pass alone
// (the improvement pass only adds meetings). Proof: let G be the greedy
// schedule (G_s = its meetings in slot s) and OPT an optimal one. Take a
// meeting m = (a, b) that OPT puts in slot s and G leaves out. G is maximal,
// so s is blocked for m in G: either a or b has a meeting in G_s, or G_s
// has all T tables. In OPT each participant meets at most once in s, so
// each of the ≤ 2|G_s| busy participants of G_s blocks at most one such m;
// if G_s is full, OPT has at most T = |G_s| meetings in s anyway. So at most
// 2|G_s| meetings of OPT \ G sit in slot s, |OPT \ G| ≤ 2|G|, and
// |OPT| ≤ |OPT ∩ G| + 2|G| ≤ 3|G|. The bound is tight for plain greedy
// (TestScheduleImprovement's instance without the improvement pass: 1 vs 3),
// so the ½ bound of maximal matchings does not carry over; that is what
// the improvement pass is for.
//
// Schedule never drops a placed higher-score meeting to fit two lower ones
// (see "higher kept over two lower" in TestSchedulePriority), so on some
// instances the unconstrained maximum is unreachable by design. The test
// therefore also computes OPT_G, the maximum over schedules that keep every
// meeting the greedy pass placed, which is what the improvement pass aims
// for, and reports how often each is reached.
func TestScheduleOptimality(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(20211103, 72100))
	type tally struct{ reached, reachedG, total, sumGot, sumOpt, sumOptG int }
	var greedy, improved tally
	for i := 0; i < n; i++ {
		in := randomInstance(r, 8, 12, 4, 3)
		opt := optimum(in, 0)
		g := in
		g.ImproveDepth = -1
		gr := mustSchedule(t, g)
		var must uint32
		for _, a := range gr.Assignments {
			must |= 1 << (a.MeetingID - 100) // randomInstance numbers meetings from 100
		}
		optG := optimum(in, must)
		if optG < len(gr.Assignments) || optG > opt {
			t.Fatalf("instance %d: OPT_G %d outside [%d, %d]: optimum is wrong", i, optG, len(gr.Assignments), opt)
		}
		res := mustSchedule(t, in)
		for _, x := range []struct {
			tl  *tally
			got int
		}{{&greedy, len(gr.Assignments)}, {&improved, len(res.Assignments)}} {
			if x.got > opt {
				t.Fatalf("instance %d: scheduled %d > optimum %d: checker or optimum is wrong\n%+v", i, x.got, opt, in)
			}
			if 3*x.got < opt {
				t.Fatalf("instance %d: scheduled %d < optimum %d / 3 (proven bound violated)\n%+v", i, x.got, opt, in)
			}
			x.tl.total++
			x.tl.sumGot += x.got
			x.tl.sumOpt += opt
			x.tl.sumOptG += optG
			if x.got == opt {
				x.tl.reached++
			}
			if x.got == optG {
				x.tl.reachedG++
			}
		}
		if len(res.Assignments) < len(gr.Assignments) {
			t.Fatalf("instance %d: improvement lost meetings: %d < %d", i, len(res.Assignments), len(gr.Assignments))
		}
	}
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(b) }
	for _, x := range []struct {
		name string
		tl   tally
	}{{"greedy only       ", greedy}, {"greedy+improvement", improved}} {
		t.Logf("%s: OPT reached in %d/%d instances (%.1f%%), OPT_G in %d/%d (%.1f%%); meetings %d of OPT %d (%.2f%%), of OPT_G %d (%.2f%%)",
			x.name, x.tl.reached, x.tl.total, pct(x.tl.reached, x.tl.total), x.tl.reachedG, x.tl.total, pct(x.tl.reachedG, x.tl.total),
			x.tl.sumGot, x.tl.sumOpt, pct(x.tl.sumGot, x.tl.sumOpt), x.tl.sumOptG, pct(x.tl.sumGot, x.tl.sumOptG))
	}
	// Regression guards on the measured quality (seeded, so deterministic).
	if improved.reachedG*100 < improved.total*98 {
		t.Errorf("OPT_G reached in only %d/%d instances, want ≥ 98 %%", improved.reachedG, improved.total)
	}
	if improved.reached*100 < improved.total*90 {
		t.Errorf("OPT reached in only %d/%d instances, want ≥ 90 %%", improved.reached, improved.total)
	}
}
