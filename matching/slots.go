package matching

import (
	"slices"
	"time"
)

// Slot is one meeting time slot of a mission day. Index identifies the slot
// in [ScheduleInput.Unavailable], [Assignment.Slot] and [TableSheet].
type Slot struct {
	Index int       `json:"index"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Break is a pause (opening ceremony, lunch, prayer time, MoU signing)
// during which no meeting is scheduled. Breaks with End ≤ Start are ignored.
type Break struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Slots lays consecutive slots of the given length from open until close,
// skipping breaks: a slot that would overlap a break starts instead at the
// end of that break (breaks may overlap each other and come in any order).
// The last slot ends at or before close. Slots are indexed 0, 1, 2… in time
// order. It returns nil if length ≤ 0 or close is not after open.
//
// Times keep their location; pass times in the venue's zone (or UTC) as you
// want them displayed.
func Slots(open, close time.Time, length time.Duration, breaks []Break) []Slot {
	if length <= 0 || !close.After(open) {
		return nil
	}
	bs := make([]Break, 0, len(breaks))
	for _, b := range breaks {
		if b.End.After(b.Start) {
			bs = append(bs, b)
		}
	}
	slices.SortFunc(bs, func(a, b Break) int { return a.Start.Compare(b.Start) })
	var out []Slot
	t := open
	bi := 0
	for {
		end := t.Add(length)
		if end.After(close) || !end.After(t) { // !After guards overflow
			break
		}
		// Skip breaks that are over by t.
		for bi < len(bs) && !bs[bi].End.After(t) {
			bi++
		}
		// Any break starting before end and ending after t overlaps [t, end).
		moved := false
		for j := bi; j < len(bs) && bs[j].Start.Before(end); j++ {
			if bs[j].End.After(t) {
				t = bs[j].End // jump past it; later overlapping breaks handled next round
				moved = true
				break
			}
		}
		if moved {
			continue
		}
		out = append(out, Slot{Index: len(out), Start: t, End: end})
		t = end
	}
	return out
}
