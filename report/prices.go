package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"niaga"
)

// PricePoint is one auction price: an award of a lot, or the uniform
// clearing price of a call auction with the volume it cleared.
type PricePoint struct {
	LotID     int64     `json:"lot_id"`
	Commodity string    `json:"commodity"`
	Grade     string    `json:"grade"`
	Province  string    `json:"province"` // the market's province
	Mechanism string    `json:"mechanism"`
	At        time.Time `json:"at"`
	Price     int64     `json:"price"`    // per base unit
	Quantity  int64     `json:"quantity"` // base units
}

// Candle is one day of prices of a commodity and grade in a province: the
// first, highest, lowest and last price of the day (in the province's zone),
// the volume traded and its value.
type Candle struct {
	Commodity string `json:"commodity"`
	Grade     string `json:"grade"`
	Province  string `json:"province"`
	Date      string `json:"date"` // local date 2006-01-02
	Open      int64  `json:"open"`
	High      int64  `json:"high"`
	Low       int64  `json:"low"`
	Close     int64  `json:"close"`
	Volume    int64  `json:"volume"`
	Value     int64  `json:"value"`
	Trades    int64  `json:"trades"`
	// VWAP is value / volume: the volume-weighted average price, rounded down.
	VWAP int64 `json:"vwap"`
}

// PriceFilter selects price history; empty fields select all.
type PriceFilter struct {
	Commodity, Grade, Province string
	Period                     Period
}

// PriceHistory is the daily price history of the series a filter selects.
type PriceHistory struct {
	Commodity string    `json:"commodity,omitempty"`
	Grade     string    `json:"grade,omitempty"`
	Province  string    `json:"province,omitempty"`
	Period    Period    `json:"period"`
	Candles   []Candle  `json:"candles"`
	Audit     AuditHead `json:"audit"`
}

// Daily groups prices into daily candles per commodity, grade and province,
// the day read in the province's zone. Points of one day are taken in time
// order (then lot order), so open and close are the day's first and last
// price. Candles come ordered by commodity, grade, province and date.
func Daily(points []PricePoint) []Candle {
	ps := slices.Clone(points)
	slices.SortFunc(ps, func(a, b PricePoint) int {
		if c := strings.Compare(a.Commodity, b.Commodity); c != 0 {
			return c
		}
		if c := strings.Compare(a.Grade, b.Grade); c != 0 {
			return c
		}
		if c := provinceOrder(a.Province, b.Province); c != 0 {
			return c
		}
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.LotID, b.LotID)
	})
	out := []Candle{}
	for _, p := range ps {
		date := localDate(p.At, p.Province)
		n := len(out)
		if n == 0 || out[n-1].Commodity != p.Commodity || out[n-1].Grade != p.Grade || out[n-1].Province != p.Province || out[n-1].Date != date {
			out = append(out, Candle{Commodity: p.Commodity, Grade: p.Grade, Province: p.Province, Date: date, Open: p.Price, High: p.Price, Low: p.Price})
			n++
		}
		c := &out[n-1]
		c.High, c.Low, c.Close = max(c.High, p.Price), min(c.Low, p.Price), p.Price
		niaga.AddSat(&c.Volume, p.Quantity)
		c.Trades++
		if v, ok := niaga.MulInt64(p.Price, p.Quantity); ok {
			if s, ok := niaga.AddInt64(c.Value, v); ok {
				c.Value = s
			}
		}
	}
	for i := range out {
		if out[i].Volume > 0 {
			out[i].VWAP = out[i].Value / out[i].Volume
		}
	}
	return out
}

// localDate is t's calendar date in the province's zone (WIB when unknown).
func localDate(t time.Time, province string) string {
	p, ok := niaga.ProvinceByCode(province)
	if !ok {
		return t.In(PeriodZone).Format(time.DateOnly)
	}
	return t.In(p.Location()).Format(time.DateOnly)
}
