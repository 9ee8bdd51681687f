package report

import "strings"

// The rules of the public price board: a series is one commodity, grade
// and province; the board shows each series' latest day against the close
// of the day before, and charts one commodity and grade.

// PriceSeries is the daily candles of one commodity, grade and province,
// oldest first.
type PriceSeries struct {
	Commodity, Grade, Province string
	Candles                    []Candle // at least one
}

// Series groups candles ordered by series, then date (as Daily and the
// stored price history return them) into series, in that order.
func Series(candles []Candle) []PriceSeries {
	var out []PriceSeries
	at := map[[3]string]int{}
	for _, cd := range candles {
		k := [3]string{cd.Commodity, cd.Grade, cd.Province}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, PriceSeries{Commodity: cd.Commodity, Grade: cd.Grade, Province: cd.Province})
		}
		out[i].Candles = append(out[i].Candles, cd)
	}
	return out
}

// Latest is the series' last day.
func (s PriceSeries) Latest() Candle { return s.Candles[len(s.Candles)-1] }

// PreviousClose is the close of the day before the latest, 0 when none.
func (s PriceSeries) PreviousClose() int64 {
	if len(s.Candles) < 2 {
		return 0
	}
	return s.Candles[len(s.Candles)-2].Close
}

// Trades counts the series' trades over all its days.
func (s PriceSeries) Trades() int64 {
	var n int64
	for _, cd := range s.Candles {
		n += cd.Trades
	}
	return n
}

// ChartKey names the commodity and grade of a series as "commodity|grade".
func (s PriceSeries) ChartKey() string { return s.Commodity + "|" + s.Grade }

// ChartSeries picks the commodity and grade to chart: want ("commodity|grade")
// when some series trades it, else the most traded commodity and grade over
// all provinces, ties going to the first in the order of series given.
func ChartSeries(series []PriceSeries, want string) (commodity, grade string) {
	trades := map[string]int64{}
	for _, s := range series {
		trades[s.ChartKey()] += s.Trades()
	}
	if _, ok := trades[want]; !ok {
		best := int64(-1)
		for _, s := range series {
			if k := s.ChartKey(); trades[k] > best {
				want, best = k, trades[k]
			}
		}
	}
	commodity, grade, _ = strings.Cut(want, "|")
	return commodity, grade
}
