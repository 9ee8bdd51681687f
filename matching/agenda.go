package matching

import (
	"cmp"
	"slices"
	"time"
)

// AgendaItem is one line of a participant's personal agenda.
type AgendaItem struct {
	MeetingID   int64     `json:"meeting_id"`
	Slot        int       `json:"slot"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Table       int       `json:"table"` // 0 = virtual / no table
	Counterpart int64     `json:"counterpart"`
	Score       int       `json:"score"`
}

// Agenda returns the meetings of participant, sorted by start time, then
// slot index, then meeting ID. Assignments whose meeting or slot is unknown
// are skipped (as are meetings with a duplicated ID, which Schedule never
// assigns).
func Agenda(participant int64, assignments []Assignment, meetings []Meeting, slots []Slot) []AgendaItem {
	byID := meetingIndex(meetings)
	slotByIndex := make(map[int]Slot, len(slots))
	for _, s := range slots {
		slotByIndex[s.Index] = s
	}
	var out []AgendaItem
	for _, a := range assignments {
		m, ok := byID[a.MeetingID]
		if !ok || (m.A != participant && m.B != participant) {
			continue
		}
		s, ok := slotByIndex[a.Slot]
		if !ok {
			continue
		}
		other := m.B
		if m.B == participant {
			other = m.A
		}
		out = append(out, AgendaItem{
			MeetingID: m.ID, Slot: s.Index, Start: s.Start, End: s.End,
			Table: a.Table, Counterpart: other, Score: m.Score,
		})
	}
	slices.SortFunc(out, func(x, y AgendaItem) int {
		if c := x.Start.Compare(y.Start); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Slot, y.Slot); c != 0 {
			return c
		}
		return cmp.Compare(x.MeetingID, y.MeetingID)
	})
	return out
}

// TableRow is one line of a table sheet: who meets at which table.
type TableRow struct {
	Table     int   `json:"table"` // 0 = virtual / no table
	MeetingID int64 `json:"meeting_id"`
	A         int64 `json:"a"`
	B         int64 `json:"b"`
	Score     int   `json:"score"`
}

// TableSheet returns the meetings held in one slot (by Slot.Index), sorted
// by table, then meeting ID: the sheet printed for the hall desk. Assignments
// whose meeting is unknown are skipped.
func TableSheet(slot int, assignments []Assignment, meetings []Meeting) []TableRow {
	byID := meetingIndex(meetings)
	var out []TableRow
	for _, a := range assignments {
		if a.Slot != slot {
			continue
		}
		m, ok := byID[a.MeetingID]
		if !ok {
			continue
		}
		out = append(out, TableRow{Table: a.Table, MeetingID: m.ID, A: m.A, B: m.B, Score: m.Score})
	}
	slices.SortFunc(out, func(x, y TableRow) int {
		if c := cmp.Compare(x.Table, y.Table); c != 0 {
			return c
		}
		return cmp.Compare(x.MeetingID, y.MeetingID)
	})
	return out
}

// meetingIndex maps IDs to meetings, leaving out duplicated IDs.
func meetingIndex(meetings []Meeting) map[int64]Meeting {
	byID := make(map[int64]Meeting, len(meetings))
	dup := make(map[int64]bool)
	for _, m := range meetings {
		if _, ok := byID[m.ID]; ok {
			dup[m.ID] = true
		}
		byID[m.ID] = m
	}
	for id := range dup {
		delete(byID, id)
	}
	return byID
}
