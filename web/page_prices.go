package web

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"niaga"
	"niaga/store"
)

// The public price board: the latest auction price of every commodity,
// grade and province, and the price history of one commodity and grade
// (one line per province). Prices are award prices of sold lots.

// priceRow is one series' latest price.
type priceRow struct {
	Commodity, Grade, Province string
	Price, Previous            int64 // per base unit
	Quantity                   int64
	At                         time.Time
	Sales                      int
	LotID                      int64
}

// Change is the latest price minus the one before (0 when there is none).
func (r priceRow) Change() int64 {
	if r.Previous == 0 {
		return 0
	}
	return r.Price - r.Previous
}

type pricePoint struct {
	At    int64  `json:"t"` // ms since the epoch
	Price int64  `json:"p"`
	Label string `json:"l"` // the date in the province's zone, in the page's language
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
	lots, err := s.db.Lots(c, nil, store.LotFilter{Status: niaga.LotSold, Limit: 1000}, time.Now())
	if err != nil {
		return err
	}
	slices.SortStableFunc(lots, func(a, b niaga.Lot) int { return a.ClosedAt.Compare(b.ClosedAt) })
	com := c.commodities()
	type key struct{ c, g, p string }
	rows := map[key]*priceRow{}
	var order []key
	series := map[key][]niaga.Lot{}
	for _, l := range lots {
		if l.AwardPrice <= 0 {
			continue
		}
		k := key{l.Commodity, l.Grade, l.Province}
		r := rows[k]
		if r == nil {
			r = &priceRow{Commodity: l.Commodity, Grade: l.Grade, Province: l.Province}
			rows[k] = r
			order = append(order, k)
		}
		r.Previous, r.Price, r.Quantity, r.At, r.LotID = r.Price, l.AwardPrice, l.SoldQuantity, l.ClosedAt, l.ID
		r.Sales++
		series[k] = append(series[k], l)
	}
	d := pricesData{Currency: strings.TrimSuffix(niaga.FormatRupiah(0, c.Lang), "0")}
	for _, k := range order {
		d.Rows = append(d.Rows, *rows[k])
	}
	// Commodities first by name, then grade and province.
	slices.SortFunc(d.Rows, func(a, b priceRow) int {
		return strings.Compare(com[a.Commodity].Name(c.Lang)+"\x00"+a.Grade+"\x00"+a.Province, com[b.Commodity].Name(c.Lang)+"\x00"+b.Grade+"\x00"+b.Province)
	})

	// The chart: the commodity and grade asked for, or the one sold most often.
	want := c.R.URL.Query().Get("series")
	counts := map[string]int{}
	for _, r := range d.Rows {
		counts[r.Commodity+"|"+r.Grade] += r.Sales
	}
	if _, ok := counts[want]; !ok {
		best := -1
		for _, r := range d.Rows {
			if k := r.Commodity + "|" + r.Grade; counts[k] > best {
				want, best = k, counts[k]
			}
		}
	}
	d.Commodity, d.Grade, _ = strings.Cut(want, "|")
	seen := map[string]bool{}
	for _, r := range d.Rows {
		k := r.Commodity + "|" + r.Grade
		if !seen[k] {
			seen[k] = true
			d.Choices = append(d.Choices, priceChoice{Value: k, Label: com[r.Commodity].Name(c.Lang) + " — " + r.Grade, Selected: r.Commodity == d.Commodity && r.Grade == d.Grade})
		}
	}
	var lines []priceLine
	for _, k := range order {
		if k.c != d.Commodity || k.g != d.Grade {
			continue
		}
		line := priceLine{Label: provinceName(k.p)}
		for _, l := range series[k] {
			line.Points = append(line.Points, pricePoint{At: l.ClosedAt.UnixMilli(), Price: l.AwardPrice, Label: dayMonth(l.ClosedAt, l.Province, c.Lang)})
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

// dayMonth is DateOnly without the year, for chart axes ("15 Nov").
func dayMonth(t time.Time, province, lang string) string {
	d := DateOnly(t, province, lang)
	if i := strings.LastIndexByte(d, ' '); i > 0 {
		return d[:i]
	}
	return d
}
