package matching

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var wita = time.FixedZone("WITA", 8*3600)

func at(hhmm string) time.Time {
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return time.Date(2021, 11, 3, h, m, 0, 0, wita)
}

func renderSlots(slots []Slot) string {
	var parts []string
	for i, s := range slots {
		if s.Index != i {
			parts = append(parts, fmt.Sprintf("BAD INDEX %d", s.Index))
		}
		parts = append(parts, s.Start.Format("15:04")+"-"+s.End.Format("15:04"))
	}
	return strings.Join(parts, " ")
}

func TestSlots(t *testing.T) {
	tests := []struct {
		name        string
		open, close string
		length      time.Duration
		breaks      [][2]string
		want        string
	}{
		{name: "plain", open: "11:00", close: "12:30", length: 30 * time.Minute,
			want: "11:00-11:30 11:30-12:00 12:00-12:30"},
		{name: "last partial slot dropped", open: "11:00", close: "12:20", length: 30 * time.Minute,
			want: "11:00-11:30 11:30-12:00"},
		{name: "lunch break", open: "11:00", close: "14:00", length: 30 * time.Minute, breaks: [][2]string{{"12:00", "13:00"}},
			want: "11:00-11:30 11:30-12:00 13:00-13:30 13:30-14:00"},
		{name: "break not on a slot boundary", open: "11:00", close: "13:00", length: 20 * time.Minute, breaks: [][2]string{{"11:50", "12:10"}},
			want: "11:00-11:20 11:20-11:40 12:10-12:30 12:30-12:50"},
		{name: "overlapping and unsorted breaks", open: "09:00", close: "12:00", length: 30 * time.Minute,
			breaks: [][2]string{{"10:15", "10:45"}, {"09:30", "10:00"}, {"10:00", "10:20"}},
			want:   "09:00-09:30 10:45-11:15 11:15-11:45"},
		{name: "break outside the day and empty break ignored", open: "09:00", close: "10:00", length: 30 * time.Minute,
			breaks: [][2]string{{"07:00", "08:00"}, {"09:30", "09:30"}, {"09:45", "09:40"}},
			want:   "09:00-09:30 09:30-10:00"},
		{name: "break covering the day", open: "09:00", close: "10:00", length: 30 * time.Minute, breaks: [][2]string{{"08:00", "11:00"}}},
		{name: "zero length", open: "09:00", close: "10:00"},
		{name: "close before open", open: "10:00", close: "09:00", length: 10 * time.Minute},
		{name: "slot longer than the day", open: "09:00", close: "09:20", length: 30 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var bs []Break
			for _, b := range tc.breaks {
				bs = append(bs, Break{Start: at(b[0]), End: at(b[1])})
			}
			got := Slots(at(tc.open), at(tc.close), tc.length, bs)
			if s := renderSlots(got); s != tc.want {
				t.Errorf("got  %q\nwant %q", s, tc.want)
			}
		})
	}
}

// The day from the East Java × South Kalimantan mission: 11:00–18:30 WITA,
// 30-minute meetings, a 12:00–13:00 break for prayer and lunch and a
// 15:00–15:30 break: 2 + 4 + 6 = 12 slots.
func TestSlotsMissionDay(t *testing.T) {
	slots := Slots(at("11:00"), at("18:30"), 30*time.Minute, []Break{
		{Start: at("12:00"), End: at("13:00")},
		{Start: at("15:00"), End: at("15:30")},
	})
	if len(slots) != 12 {
		t.Fatalf("%d slots: %s", len(slots), renderSlots(slots))
	}
	if last := slots[len(slots)-1]; !last.End.Equal(at("18:30")) {
		t.Errorf("last slot ends %v", last.End)
	}
}
