package report

import (
	"cmp"
	"slices"
	"time"

	"niaga"
)

// MissionLine is one mission of the programme with its committed, validated
// and realized values.
type MissionLine struct {
	ID           int64               `json:"id"`
	Title        string              `json:"title"`
	HostProvince string              `json:"host_province"`
	Guests       []string            `json:"guest_provinces"`
	Opens        time.Time           `json:"opens_at"`
	Status       niaga.MissionStatus `json:"status"`
	Date         string              `json:"date"` // local date at the venue
	Count        int64               `json:"count"`
	Committed    int64               `json:"committed"`
	Validated    int64               `json:"validated"`
	Realized     int64               `json:"realized"`
	RealizedBP   int64               `json:"realized_bp"`
}

// DayTotal is the auction contracts of one local day (days since the epoch
// in the market's zone).
type DayTotal struct {
	Day   int64 `json:"day"`
	Count int64 `json:"count"`
	Value int64 `json:"value"`
}

// Year returns the calendar year of a local day number.
func (d DayTotal) Year() int { return time.Unix(d.Day*86400, 0).UTC().Year() }

// YearLine is one year of the programme, with running totals since the first
// year.
type YearLine struct {
	Year          int   `json:"year"`
	Missions      int64 `json:"missions"`
	Deals         int64 `json:"deals"`
	Committed     int64 `json:"committed"`
	Realized      int64 `json:"realized"`
	CumMissions   int64 `json:"cumulative_missions"`
	CumCommitted  int64 `json:"cumulative_committed"`
	CumRealized   int64 `json:"cumulative_realized"`
	Contracts     int64 `json:"contracts"`
	AuctionValue  int64 `json:"auction_value"`
	CumAuction    int64 `json:"cumulative_auction_value"`
	CumTotal      int64 `json:"cumulative_total"` // committed + auction since the first year
	RealizedBP    int64 `json:"realized_bp"`
	CumRealizedBP int64 `json:"cumulative_realized_bp"`
}

// Programme is the long-running record: every mission with committed against
// realized value, and the totals per year and cumulative since the first
// mission, next to the auction market's contracts of the same years.
type Programme struct {
	Since    string        `json:"since"` // local date of the first mission
	Missions []MissionLine `json:"missions"`
	Years    []YearLine    `json:"years"`
	Total    YearLine      `json:"total"` // Year is 0
	Audit    AuditHead     `json:"audit"`
}

// BuildProgramme adds mission lines (with their deal groups already summed)
// and auction days up by year. Years run without gaps from the first to the
// last with activity, so the cumulative columns read as a series.
func BuildProgramme(missions []MissionLine, days []DayTotal) Programme {
	p := Programme{Missions: []MissionLine{}, Years: []YearLine{}}
	years := map[int]*YearLine{}
	year := func(y int) *YearLine {
		if years[y] == nil {
			years[y] = &YearLine{Year: y}
		}
		return years[y]
	}
	first := time.Time{}
	for _, m := range missions {
		m.RealizedBP = BasisPoints(m.Realized, m.Committed)
		loc := time.UTC
		if pr, ok := niaga.ProvinceByCode(m.HostProvince); ok {
			loc = pr.Location()
		}
		local := m.Opens.In(loc)
		m.Date = local.Format(time.DateOnly)
		if first.IsZero() || m.Opens.Before(first) {
			first, p.Since = m.Opens, m.Date
		}
		y := year(local.Year())
		y.Missions++
		y.Deals += m.Count
		niaga.AddSat(&y.Committed, m.Committed)
		niaga.AddSat(&y.Realized, m.Realized)
		p.Missions = append(p.Missions, m)
	}
	for _, d := range days {
		y := year(d.Year())
		y.Contracts += d.Count
		niaga.AddSat(&y.AuctionValue, d.Value)
	}
	slices.SortFunc(p.Missions, func(a, b MissionLine) int {
		if c := b.Opens.Compare(a.Opens); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if len(years) == 0 {
		return p
	}
	lo, hi := 1<<30, -1<<30
	for y := range years {
		lo, hi = min(lo, y), max(hi, y)
	}
	var t YearLine
	for y := lo; y <= hi; y++ {
		l := year(y)
		t.Missions += l.Missions
		t.Deals += l.Deals
		niaga.AddSat(&t.Committed, l.Committed)
		niaga.AddSat(&t.Realized, l.Realized)
		t.Contracts += l.Contracts
		niaga.AddSat(&t.AuctionValue, l.AuctionValue)
		l.CumMissions, l.CumCommitted, l.CumRealized, l.CumAuction = t.Missions, t.Committed, t.Realized, t.AuctionValue
		l.CumTotal, _ = niaga.SaturatingAdd(t.Committed, t.AuctionValue)
		l.RealizedBP = BasisPoints(l.Realized, l.Committed)
		l.CumRealizedBP = BasisPoints(t.Realized, t.Committed)
		p.Years = append(p.Years, *l)
	}
	t.CumMissions, t.CumCommitted, t.CumRealized, t.CumAuction = t.Missions, t.Committed, t.Realized, t.AuctionValue
	t.CumTotal, _ = niaga.SaturatingAdd(t.Committed, t.AuctionValue)
	t.RealizedBP = BasisPoints(t.Realized, t.Committed)
	t.CumRealizedBP = t.RealizedBP
	p.Total = t
	return p
}
