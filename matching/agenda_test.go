package matching

import (
	"slices"
	"testing"
	"time"
)

func TestAgendaAndTableSheet(t *testing.T) {
	slots := []Slot{
		{Index: 0, Start: at("11:00"), End: at("11:30")},
		{Index: 2, Start: at("13:00"), End: at("13:30")}, // after the break, listed before index 1
		{Index: 1, Start: at("11:30"), End: at("12:00")},
	}
	meetings := []Meeting{
		{ID: 1, A: 101, B: 202, Score: 93},
		{ID: 2, A: 203, B: 101, Score: 70},
		{ID: 3, A: 101, B: 204, Score: 45},
		{ID: 4, A: 205, B: 206, Score: 80},
		{ID: 5, A: 101, B: 207, Score: 10}, // unscheduled
	}
	assignments := []Assignment{
		{MeetingID: 3, Slot: 2, Table: 1},
		{MeetingID: 4, Slot: 0, Table: 2},
		{MeetingID: 2, Slot: 1, Table: 1},
		{MeetingID: 1, Slot: 0, Table: 1},
		{MeetingID: 99, Slot: 0, Table: 3}, // unknown meeting: skipped
	}
	got := Agenda(101, assignments, meetings, slots)
	want := []AgendaItem{
		{MeetingID: 1, Slot: 0, Start: at("11:00"), End: at("11:30"), Table: 1, Counterpart: 202, Score: 93},
		{MeetingID: 2, Slot: 1, Start: at("11:30"), End: at("12:00"), Table: 1, Counterpart: 203, Score: 70},
		{MeetingID: 3, Slot: 2, Start: at("13:00"), End: at("13:30"), Table: 1, Counterpart: 204, Score: 45},
	}
	if !slices.Equal(got, want) {
		t.Errorf("agenda\n got %+v\nwant %+v", got, want)
	}
	if got := Agenda(999, assignments, meetings, slots); len(got) != 0 {
		t.Errorf("agenda of a stranger: %+v", got)
	}
	sheet := TableSheet(0, assignments, meetings)
	wantSheet := []TableRow{{Table: 1, MeetingID: 1, A: 101, B: 202, Score: 93}, {Table: 2, MeetingID: 4, A: 205, B: 206, Score: 80}}
	if !slices.Equal(sheet, wantSheet) {
		t.Errorf("table sheet\n got %+v\nwant %+v", sheet, wantSheet)
	}
	if s := TableSheet(7, assignments, meetings); len(s) != 0 {
		t.Errorf("sheet of an empty slot: %+v", s)
	}
}

// End to end: needs and offers → candidates → accepted meetings →
// schedule → agendas that are consistent with the schedule.
func TestEndToEnd(t *testing.T) {
	needs, offers := benchMarket(120)
	cands := Candidates(needs, offers, Options{MinScore: 60, PerNeed: 4})
	if len(cands) == 0 {
		t.Fatal("no candidates")
	}
	var meetings []Meeting
	for i, c := range cands {
		meetings = append(meetings, Meeting{ID: int64(i + 1), A: c.Buyer, B: c.Seller, Score: c.Score})
	}
	slots := Slots(at("11:00"), at("18:30"), 30*time.Minute, []Break{{Start: at("12:00"), End: at("13:00")}})
	in := ScheduleInput{Slots: slots, Tables: 30, Meetings: meetings, Unavailable: map[int64][]int{1: {0, 1, 2}}}
	res := mustSchedule(t, in)
	total := 0
	seen := map[int64]bool{}
	for _, m := range meetings {
		for _, p := range []int64{m.A, m.B} {
			if seen[p] {
				continue
			}
			seen[p] = true
			ag := Agenda(p, res.Assignments, meetings, slots)
			total += len(ag)
			for i := 1; i < len(ag); i++ {
				if !ag[i-1].Start.Before(ag[i].Start) {
					t.Fatalf("participant %d: agenda not strictly increasing in time: %+v", p, ag)
				}
			}
		}
	}
	if total != 2*len(res.Assignments) {
		t.Errorf("agendas hold %d items, want 2 × %d", total, len(res.Assignments))
	}
	sheets := 0
	for _, s := range slots {
		sheets += len(TableSheet(s.Index, res.Assignments, meetings))
	}
	if sheets != len(res.Assignments) {
		t.Errorf("table sheets hold %d rows, want %d", sheets, len(res.Assignments))
	}
	t.Logf("%d candidates, %d scheduled, %d unscheduled, stats %+v", len(cands), len(res.Assignments), len(res.Unscheduled), res.Stats)
}
