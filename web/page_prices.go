package web

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"niaga"
	"niaga/report"
)

// The public price board: the latest auction price of every commodity,
// grade and province, and the daily price history of one commodity and
// grade (one line per province). Prices are awards and call clearings,
// grouped by day in the province's zone (store.PriceHistory).

// priceRow is one series' latest day.
type priceRow struct {
	Commodity, Grade, Province string
	Price, Previous            int64 // closing price per base unit; the day before
	Low, High                  int64
	Volume                     int64
	Date                       string // local date
	Trades                     int64
}

// Change is the last close minus the close of the day before (0 when none).
func (r priceRow) Change() int64 {
	if r.Previous == 0 {
		return 0
	}
	return r.Price - r.Previous
}

type pricePoint struct {
	Price int64  `json:"p"` // closing price of the day
	Label string `json:"l"` // the day, e.g. "15 Nov"
	Day   string `json:"d"` // 2006-01-02, for ordering
}

type priceLine struct {
	Label  string       `json:"label"`
	Points []pricePoint `json:"points"`
}

type pricesData struct {
	Rows      []priceRow
	Choices   []priceChoice
	Commodity string
	Grade     string
	Chart     string // JSON: []priceLine
	Lines     int
	Currency  string
}

type priceChoice struct {
	Value, Label string
	Selected     bool
}

func (s *Server) pagePrices(c *PageCall) error {
	// The last 90 days are what a price board is for.
	h, err := s.db.PriceHistory(c, report.PriceFilter{Period: report.Period{From: time.Now().AddDate(0, 0, -90)}})
	if err != nil {
		return err
	}
	com := c.commodities()
	name := func(code string) string {
		if x, ok := com[code]; ok {
			return x.Name(c.Lang)
		}
		return code
	}
	all := report.Series(h.Candles)
	sorted := slices.Clone(all)
	slices.SortStableFunc(sorted, func(a, b report.PriceSeries) int {
		return strings.Compare(name(a.Commodity)+"\x00"+a.Grade+"\x00"+a.Province, name(b.Commodity)+"\x00"+b.Grade+"\x00"+b.Province)
	})
	d := pricesData{Currency: strings.TrimSuffix(niaga.FormatRupiah(0, c.Lang), "0")}
	for _, sr := range sorted {
		last := sr.Latest()
		d.Rows = append(d.Rows, priceRow{Commodity: sr.Commodity, Grade: sr.Grade, Province: sr.Province, Price: last.Close, Previous: sr.PreviousClose(),
			Low: last.Low, High: last.High, Volume: last.Volume, Date: last.Date, Trades: sr.Trades()})
	}

	// The chart: the commodity and grade asked for, or the most traded.
	d.Commodity, d.Grade = report.ChartSeries(sorted, c.R.URL.Query().Get("series"))
	seen := map[string]bool{}
	for _, r := range d.Rows {
		k := r.Commodity + "|" + r.Grade
		if !seen[k] {
			seen[k] = true
			d.Choices = append(d.Choices, priceChoice{Value: k, Label: name(r.Commodity) + " — " + r.Grade, Selected: r.Commodity == d.Commodity && r.Grade == d.Grade})
		}
	}
	lines := []priceLine{}
	for _, sr := range all {
		if sr.Commodity != d.Commodity || sr.Grade != d.Grade {
			continue
		}
		line := priceLine{Label: provinceName(sr.Province)}
		for _, cd := range sr.Candles {
			line.Points = append(line.Points, pricePoint{Price: cd.Close, Label: dayLabel(cd.Date, c.Lang), Day: cd.Date})
		}
		lines = append(lines, line)
	}
	d.Lines = len(lines)
	b, _ := json.Marshal(lines)
	d.Chart = string(b)
	return c.Render(0, "prices", "prices.title", d, func(v *view) {
		v.Scripts = []string{"vendor/chart.umd.min.js", "prices.js"}
	})
}

// dayLabel writes a local date "2006-01-02" as "15 Nov" in the language.
func dayLabel(date, lang string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	if lang == "en" {
		return t.Format("2 Jan")
	}
	return t.Format("2") + " " + monthsID[t.Month()-1]
}

// dateLabel writes a local date "2006-01-02" as "15 Nov 2026" in the language.
func dateLabel(date, lang string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return dayLabel(date, lang) + " " + t.Format("2006")
}
