package matching

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// Meeting is an accepted one-to-one meeting between participants A and B
// (buyer and seller, in either order) with the candidate score that made it.
type Meeting struct {
	ID    int64 `json:"id"`
	A     int64 `json:"a"`
	B     int64 `json:"b"`
	Score int   `json:"score"`
}

// Assignment places a meeting in a slot (its Slot.Index) at a table.
// Tables are numbered 1..Tables within each slot; with unlimited tables
// (virtual meetings, Tables == 0) Table is 0.
type Assignment struct {
	MeetingID int64 `json:"meeting_id"`
	Slot      int   `json:"slot"`
	Table     int   `json:"table"`
}

// Reason says why a meeting was not scheduled.
type Reason string

// Reasons for an unscheduled meeting.
const (
	ReasonInvalid     Reason = "invalid"      // A == B
	ReasonDuplicateID Reason = "duplicate_id" // several meetings share the ID; all are refused
	ReasonNoSlots     Reason = "no_slots"     // there are no slots at all
	ReasonUnavailable Reason = "unavailable"  // no slot where both participants are available
	ReasonTablesFull  Reason = "tables_full"  // both are free in some slot, but every such slot has all tables taken
	ReasonBusy        Reason = "busy"         // every slot where both are available holds another meeting of A or B
)

// Unscheduled is a meeting the scheduler could not place, with the reason
// (evaluated against the final schedule).
type Unscheduled struct {
	MeetingID int64  `json:"meeting_id"`
	Reason    Reason `json:"reason"`
}

// ScheduleInput is the input of [Schedule].
type ScheduleInput struct {
	// Slots of the day, in any order; "earliest" means by Start, then Index.
	// Slot indexes must be distinct.
	Slots []Slot
	// Tables is the number of tables T (≤ T meetings per slot);
	// 0 = unlimited (virtual meetings).
	Tables int
	// Meetings are the accepted meetings.
	Meetings []Meeting
	// Unavailable lists, per participant, the slot indexes in which the
	// participant cannot meet. Unknown participants or indexes are ignored.
	Unavailable map[int64][]int
	// ImproveDepth is how many nested relocations the improvement pass may
	// chain to fit one more meeting: 0 means DefaultImproveDepth, a negative
	// value turns the pass off (pure greedy).
	ImproveDepth int
	// ImproveBudget caps the work of the improvement pass in search steps
	// (one step ≈ one placement attempt, O(S/64) word operations); 0 means
	// DefaultImproveBudget + 64 × len(Meetings). The cap keeps the running
	// time bounded on adversarial inputs; the result stays deterministic.
	ImproveBudget int
}

// Defaults of the improvement pass.
const (
	DefaultImproveDepth  = 2
	DefaultImproveBudget = 1 << 22
)

// ScheduleStats describes a run of [Schedule].
type ScheduleStats struct {
	Greedy          int  `json:"greedy"`           // meetings placed by the greedy pass
	Improved        int  `json:"improved"`         // extra meetings placed by the improvement pass
	Relocations     int  `json:"relocations"`      // placed meetings moved to another slot by the improvement pass
	Steps           int  `json:"steps"`            // improvement search steps used
	BudgetExhausted bool `json:"budget_exhausted"` // the improvement pass stopped on ImproveBudget
}

// ScheduleResult is the output of [Schedule].
type ScheduleResult struct {
	// Assignments sorted by slot (earliest first), then table, then meeting ID.
	Assignments []Assignment `json:"assignments"`
	// Unscheduled in priority order (score descending, then ID ascending).
	Unscheduled []Unscheduled `json:"unscheduled"`
	Stats       ScheduleStats `json:"stats"`
}

// ErrScheduleInput is wrapped by the errors of [Schedule].
var ErrScheduleInput = errors.New("matching: invalid schedule input")

// Schedule puts accepted meetings into slots and tables.
//
// Guarantees (checked by the tests with an independent checker):
//   - nobody is in two meetings in the same slot;
//   - no meeting is in a slot where one of its participants is unavailable;
//   - at most Tables meetings per slot, tables numbered 1..Tables per slot
//     (0 when Tables == 0);
//   - every meeting is either assigned once or listed as unscheduled once;
//   - the result is maximal: no unscheduled meeting fits in any slot as the
//     schedule stands (both free, a table free).
//
// Algorithm:
//
//  1. Greedy: meetings in priority order (score descending, ID ascending)
//     each go into the earliest slot where both participants are free and
//     available and a table is free. Per-participant occupancy bitsets make
//     that a scan of W = ⌈S/64⌉ words. So a higher-score meeting is never
//     displaced by a lower-score one: when they compete it gets the slot.
//  2. Improvement: each still-unscheduled meeting m (in priority order) is
//     retried with a depth-limited augmenting search: for a slot s where
//     both are available, the meeting(s) of A and/or B in s are moved to
//     another slot (recursively making room for them the same way, up to
//     ImproveDepth nested moves) — or, when s is only blocked by its tables,
//     one of the meetings in s is moved straight to a free slot — then m
//     takes s. Failed attempts are rolled back exactly (an undo journal).
//     Placed meetings are only moved, never dropped, so the greedy priority
//     is kept and each success schedules one more meeting. The search is
//     iteratively deepened (all meetings at depth 1 until a pass adds
//     nothing, then depth 2, …) within the step budget; a final direct pass
//     keeps the result maximal even when the budget ran out.
//
// Complexity, for P participants, M meetings, S slots, W = ⌈S/64⌉:
// greedy O(M log M + M·W + P·W + Σ|Unavailable|), memory O(P·S + M)
// (a participant×slot occupancy table). The improvement pass costs O(S·W)
// per search step (excluding the recursive steps it starts), at most
// ImproveBudget steps in total: O(B·S·W) worst case. Table numbering is
// O(M log M). There is no O(M²) part.
//
// Schedule returns an error (wrapping ErrScheduleInput) only for
// Tables < 0 or duplicate slot indexes. Invalid meetings (A == B,
// duplicate IDs) are reported as unscheduled.
func Schedule(in ScheduleInput) (ScheduleResult, error) {
	if in.Tables < 0 {
		return ScheduleResult{}, fmt.Errorf("%w: tables %d < 0", ErrScheduleInput, in.Tables)
	}
	order, posOf, err := slotOrder(in.Slots)
	if err != nil {
		return ScheduleResult{}, err
	}
	st := newSchedState(len(in.Slots), in.Tables, in.Meetings)
	reason := invalidMeetings(in.Meetings)
	st.indexParticipants(in, reason, posOf)
	prio := priorityOrder(in.Meetings, reason)

	var res ScheduleResult
	rest := st.greedy(prio)
	res.Stats.Greedy = len(prio) - len(rest)
	rest = st.improve(in, rest, &res.Stats)
	res.Unscheduled = st.unscheduled(in.Meetings, reason, rest)
	res.Assignments = st.assignments(in, order)
	return res, nil
}

// slotOrder sorts the slots by start, then index: order maps a position
// (the scheduler's slot number, earliest first) to an index into slots, and
// posOf maps a slot's Index to its position. Duplicate indexes are an error.
func slotOrder(slots []Slot) (order []int, posOf map[int]int32, err error) {
	order = make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		if c := slots[x].Start.Compare(slots[y].Start); c != 0 {
			return c
		}
		return cmp.Compare(slots[x].Index, slots[y].Index)
	})
	posOf = make(map[int]int32, len(slots))
	for p, i := range order {
		idx := slots[i].Index
		if _, dup := posOf[idx]; dup {
			return nil, nil, fmt.Errorf("%w: duplicate slot index %d", ErrScheduleInput, idx)
		}
		posOf[idx] = int32(p)
	}
	return order, posOf, nil
}

// invalidMeetings gives, per meeting, why it cannot be scheduled at all
// (self meetings and duplicate IDs), or "" for a valid meeting.
func invalidMeetings(meetings []Meeting) []Reason {
	idCount := make(map[int64]int, len(meetings))
	for i := range meetings {
		idCount[meetings[i].ID]++
	}
	reason := make([]Reason, len(meetings))
	for i := range meetings {
		m := &meetings[i]
		switch {
		case idCount[m.ID] > 1:
			reason[i] = ReasonDuplicateID
		case m.A == m.B:
			reason[i] = ReasonInvalid
		}
	}
	return reason
}

// indexParticipants numbers the participants of the valid meetings densely,
// in order of first appearance (in input order, so deterministic), and
// records their unavailable slots.
func (st *schedState) indexParticipants(in ScheduleInput, reason []Reason, posOf map[int]int32) {
	pid := make(map[int64]int32)
	dense := func(id int64) int32 {
		if v, ok := pid[id]; ok {
			return v
		}
		v := int32(len(pid))
		pid[id] = v
		return v
	}
	for i := range st.ms {
		if reason[i] != "" {
			continue
		}
		st.ms[i].a = dense(in.Meetings[i].A)
		st.ms[i].b = dense(in.Meetings[i].B)
	}
	st.initParticipants(len(pid))
	for p, idxs := range in.Unavailable {
		d, ok := pid[p]
		if !ok {
			continue
		}
		for _, idx := range idxs {
			if s, ok := posOf[idx]; ok {
				st.unav[int(d)*st.w+int(s>>6)] |= 1 << (uint(s) & 63)
			}
		}
	}
}

// byPriority orders meetings (by their index into meetings) by score
// descending, then ID ascending.
func byPriority(meetings []Meeting) func(x, y int32) int {
	return func(x, y int32) int {
		if c := cmp.Compare(meetings[y].Score, meetings[x].Score); c != 0 {
			return c
		}
		return cmp.Compare(meetings[x].ID, meetings[y].ID)
	}
}

// priorityOrder lists the valid meetings in priority order.
func priorityOrder(meetings []Meeting, reason []Reason) []int32 {
	prio := make([]int32, 0, len(meetings))
	for i := range meetings {
		if reason[i] == "" {
			prio = append(prio, int32(i))
		}
	}
	slices.SortFunc(prio, byPriority(meetings))
	return prio
}

// greedy is phase 1: each meeting of prio, in order, goes into the earliest
// slot where it fits. It returns the meetings that fit nowhere, in order.
func (st *schedState) greedy(prio []int32) (rest []int32) {
	for _, m := range prio {
		if s := st.firstFree(m, -1); s >= 0 {
			st.place(m, s)
		} else {
			rest = append(rest, m)
		}
	}
	return rest
}

// improve is phase 2: it retries the unscheduled meetings rest with the
// iteratively deepened augmenting search, then with one direct pass that
// keeps the result maximal, and returns the meetings still unscheduled.
func (st *schedState) improve(in ScheduleInput, rest []int32, stats *ScheduleStats) []int32 {
	depth := in.ImproveDepth
	if depth == 0 {
		depth = DefaultImproveDepth
	}
	budget := in.ImproveBudget
	if budget <= 0 {
		budget = DefaultImproveBudget + 64*len(in.Meetings)
	}
	st.budget = budget
	if depth <= 0 || st.s == 0 {
		return rest
	}
	// Iterative deepening: cheap shallow moves first, for all meetings,
	// then deeper searches for what is left.
	for d := 1; d <= depth && len(rest) > 0 && st.budget > 0; d++ {
		for len(rest) > 0 && st.budget > 0 {
			next := st.improvePass(rest, d, stats)
			progress := len(next) < len(rest)
			rest = next
			if !progress {
				break
			}
		}
	}
	stats.Steps = budget - max(st.budget, 0)
	stats.BudgetExhausted = st.budget <= 0 && len(rest) > 0
	// Moves free slots; if the budget ran out, a meeting may now fit
	// directly. Placing only consumes room, so one direct pass restores
	// maximality.
	next := rest[:0]
	for _, m := range rest {
		if s := st.firstFree(m, -1); s >= 0 {
			st.place(m, s)
			stats.Improved++
		} else {
			next = append(next, m)
		}
	}
	return next
}

// improvePass tries once to insert each meeting of rest with at most depth
// nested relocations, and returns those it could not insert (reusing rest's
// storage).
func (st *schedState) improvePass(rest []int32, depth int, stats *ScheduleStats) []int32 {
	next := rest[:0]
	for _, m := range rest {
		st.journal = st.journal[:0]
		if testHook != nil {
			testHook(st, m, false, false)
		}
		ok := st.budget > 0 && st.insert(m, depth, -1)
		if testHook != nil {
			testHook(st, m, true, ok)
		}
		if ok {
			stats.Improved++
			for _, op := range st.journal {
				if op.from >= 0 && op.to < 0 {
					stats.Relocations++ // each relocation = one unplace (+ one place)
				}
			}
		} else {
			next = append(next, m)
		}
	}
	return next
}

// unscheduled lists the invalid meetings and those left in rest with their
// reasons, in priority order (ties by input position).
func (st *schedState) unscheduled(meetings []Meeting, reason []Reason, rest []int32) []Unscheduled {
	var uns []int32
	for i := range st.ms {
		if reason[i] != "" {
			uns = append(uns, int32(i))
		}
	}
	uns = append(uns, rest...)
	prio := byPriority(meetings)
	slices.SortFunc(uns, func(x, y int32) int {
		if c := prio(x, y); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	var out []Unscheduled
	for _, m := range uns {
		r := reason[m]
		if r == "" {
			r = st.why(m)
		}
		out = append(out, Unscheduled{MeetingID: meetings[m].ID, Reason: r})
	}
	return out
}

// assignments lists the placed meetings slot by slot (earliest first),
// numbering the tables within a slot by score descending, then ID.
func (st *schedState) assignments(in ScheduleInput, order []int) []Assignment {
	var out []Assignment
	for s := 0; s < st.s; s++ {
		list := st.slotList[s]
		slices.SortFunc(list, byPriority(in.Meetings))
		idx := in.Slots[order[s]].Index
		for t, m := range list {
			table := 0
			if in.Tables > 0 {
				table = t + 1
			}
			out = append(out, Assignment{MeetingID: in.Meetings[m].ID, Slot: idx, Table: table})
		}
	}
	return out
}

// testHook, set only by tests, sees the state before and after each
// top-level improvement attempt.
var testHook func(st *schedState, m int32, after, ok bool)

type schedMeeting struct {
	a, b int32 // dense participants
	slot int32 // position, -1 = unplaced
	at   int32 // position in slotList[slot]
}

type schedOp struct {
	m        int32
	from, to int32 // place: from = -1; unplace: to = -1
	at       int32 // unplace: the position the meeting had in slotList[from]
}

type schedState struct {
	s, w     int // slots, words per bitset
	tables   int
	ms       []schedMeeting
	busy     []uint64 // participant × word: in a meeting
	unav     []uint64 // participant × word: unavailable
	full     []uint64 // word: slot has all tables taken
	mask     []uint64 // word: valid slot bits
	occ      []int32  // participant × slot → meeting, -1
	slotList [][]int32
	journal  []schedOp
	budget   int
}

func newSchedState(S, tables int, meetings []Meeting) *schedState {
	w := (S + 63) / 64
	st := &schedState{s: S, w: w, tables: tables, ms: make([]schedMeeting, len(meetings))}
	for i := range st.ms {
		st.ms[i].slot = -1
	}
	st.full = make([]uint64, w)
	st.mask = make([]uint64, w)
	for i := 0; i < S; i++ {
		st.mask[i>>6] |= 1 << (uint(i) & 63)
	}
	st.slotList = make([][]int32, S)
	return st
}

func (st *schedState) initParticipants(p int) {
	st.busy = make([]uint64, p*st.w)
	st.unav = make([]uint64, p*st.w)
	st.occ = make([]int32, p*st.s)
	for i := range st.occ {
		st.occ[i] = -1
	}
}

func (st *schedState) bit(set []uint64, p int32, s int32) bool {
	return set[int(p)*st.w+int(s>>6)]&(1<<(uint(s)&63)) != 0
}

// firstFree returns the earliest slot position ≠ forbid where both
// participants of m are available and free and a table is free, or -1.
func (st *schedState) firstFree(m int32, forbid int32) int32 {
	a, b := int(st.ms[m].a)*st.w, int(st.ms[m].b)*st.w
	for i := 0; i < st.w; i++ {
		x := ^(st.busy[a+i] | st.unav[a+i] | st.busy[b+i] | st.unav[b+i] | st.full[i]) & st.mask[i]
		if forbid >= 0 && int(forbid>>6) == i {
			x &^= 1 << (uint(forbid) & 63)
		}
		if x != 0 {
			return int32(i*64 + bits.TrailingZeros64(x))
		}
	}
	return -1
}

func (st *schedState) canPlace(m, s int32) bool {
	a, b := st.ms[m].a, st.ms[m].b
	return !st.bit(st.busy, a, s) && !st.bit(st.busy, b, s) &&
		!st.bit(st.unav, a, s) && !st.bit(st.unav, b, s) &&
		st.full[s>>6]&(1<<(uint(s)&63)) == 0
}

func (st *schedState) place(m, s int32) {
	mm := &st.ms[m]
	word, bit := int(s>>6), uint64(1)<<(uint(s)&63)
	st.busy[int(mm.a)*st.w+word] |= bit
	st.busy[int(mm.b)*st.w+word] |= bit
	st.occ[int(mm.a)*st.s+int(s)] = m
	st.occ[int(mm.b)*st.s+int(s)] = m
	mm.slot = s
	mm.at = int32(len(st.slotList[s]))
	st.slotList[s] = append(st.slotList[s], m)
	if st.tables > 0 && len(st.slotList[s]) >= st.tables {
		st.full[word] |= bit
	}
	st.journal = append(st.journal, schedOp{m: m, from: -1, to: s})
}

func (st *schedState) unplace(m int32) {
	mm := &st.ms[m]
	s := mm.slot
	word, bit := int(s>>6), uint64(1)<<(uint(s)&63)
	st.busy[int(mm.a)*st.w+word] &^= bit
	st.busy[int(mm.b)*st.w+word] &^= bit
	st.occ[int(mm.a)*st.s+int(s)] = -1
	st.occ[int(mm.b)*st.s+int(s)] = -1
	list := st.slotList[s]
	last := list[len(list)-1]
	list[mm.at] = last
	st.ms[last].at = mm.at
	st.slotList[s] = list[:len(list)-1]
	st.full[word] &^= bit
	st.journal = append(st.journal, schedOp{m: m, from: s, to: -1, at: mm.at})
	mm.slot, mm.at = -1, -1
}

// rollback undoes the journal down to mark, restoring the exact previous
// state, including the order of every slot's meeting list (so iterating a
// slot's list survives failed attempts).
func (st *schedState) rollback(mark int) {
	for len(st.journal) > mark {
		op := st.journal[len(st.journal)-1]
		if op.from < 0 {
			st.unplace(op.m) // it is last in its slot list: a plain pop
		} else {
			// Inverse of the swap-remove: place at the end, then swap back
			// into its old position.
			st.place(op.m, op.from)
			list := st.slotList[op.from]
			last := len(list) - 1
			other := list[op.at]
			list[op.at], list[last] = op.m, other
			st.ms[op.m].at, st.ms[other].at = op.at, int32(last)
		}
		// Drop the undone op and the op the undo itself just recorded.
		st.journal = st.journal[:len(st.journal)-2]
	}
}

// insert tries to place the unplaced meeting m in a slot ≠ forbid, moving
// other meetings with at most depth nested relocations. On failure the
// state is unchanged.
func (st *schedState) insert(m int32, depth int, forbid int32) bool {
	st.budget--
	if st.budget < 0 {
		return false
	}
	if s := st.firstFree(m, forbid); s >= 0 {
		st.place(m, s)
		return true
	}
	if depth <= 0 {
		return false
	}
	a, b := st.ms[m].a, st.ms[m].b
	aw, bw := int(a)*st.w, int(b)*st.w
	for i := 0; i < st.w; i++ {
		x := ^(st.unav[aw+i] | st.unav[bw+i]) & st.mask[i]
		if forbid >= 0 && int(forbid>>6) == i {
			x &^= 1 << (uint(forbid) & 63)
		}
		for x != 0 {
			s := int32(i*64 + bits.TrailingZeros64(x))
			x &= x - 1
			if st.budget <= 0 {
				return false
			}
			if st.tryAt(m, s, depth) {
				return true
			}
		}
	}
	return false
}

// tryAt tries to make room for m in slot s by relocating what blocks it.
func (st *schedState) tryAt(m, s int32, depth int) bool {
	a, b := st.ms[m].a, st.ms[m].b
	xa, xb := st.occ[int(a)*st.s+int(s)], st.occ[int(b)*st.s+int(s)]
	mark := len(st.journal)
	if xa < 0 && xb < 0 {
		// Only the tables block s: move one of its meetings elsewhere (a
		// direct move only: the slot may hold many meetings). Pointless if
		// every slot is full.
		if !st.someSlotNotFull() {
			return false
		}
		// z sits in s and firstFree(z, s) skips s, so where z could go is
		// found without moving it first.
		list := st.slotList[s]
		n := len(list)
		for k := 0; k < n; k++ {
			st.budget--
			if st.budget < 0 {
				return false
			}
			z := list[k]
			if to := st.firstFree(z, s); to >= 0 {
				st.unplace(z)
				st.place(z, to)
				st.place(m, s)
				return true
			}
		}
		return false
	}
	for _, x := range [2]int32{xa, xb} {
		if x < 0 || st.ms[x].slot != s {
			continue // none, or already moved (xa == xb, or by a nested move)
		}
		if depth == 1 {
			// Direct move only: look before touching anything (as above).
			st.budget--
			to := int32(-1)
			if st.budget >= 0 {
				to = st.firstFree(x, s)
			}
			if to < 0 {
				st.rollback(mark)
				return false
			}
			st.unplace(x)
			st.place(x, to)
			continue
		}
		st.unplace(x)
		if !st.insert(x, depth-1, s) {
			st.rollback(mark)
			return false
		}
	}
	if st.canPlace(m, s) {
		st.place(m, s)
		return true
	}
	st.rollback(mark)
	return false
}

func (st *schedState) someSlotNotFull() bool {
	for i, f := range st.full {
		if st.mask[i]&^f != 0 {
			return true
		}
	}
	return false
}

// why explains why the unplaced meeting m is not in the final schedule.
func (st *schedState) why(m int32) Reason {
	if st.s == 0 {
		return ReasonNoSlots
	}
	a, b := int(st.ms[m].a)*st.w, int(st.ms[m].b)*st.w
	avail, free := false, false
	for i := 0; i < st.w; i++ {
		x := ^(st.unav[a+i] | st.unav[b+i]) & st.mask[i]
		if x != 0 {
			avail = true
		}
		if x&^(st.busy[a+i]|st.busy[b+i]) != 0 {
			free = true
		}
	}
	switch {
	case !avail:
		return ReasonUnavailable
	case free:
		return ReasonTablesFull
	default:
		return ReasonBusy
	}
}
