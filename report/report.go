// Package report computes the figures Niaga publishes: mission and auction
// totals, the trade-flow matrix between provinces, totals per year since the
// first mission, committed against realized deal value, settlement
// performance per market and daily price candles.
//
// It does no I/O. The store groups raw rows in SQL and hands the groups to
// the Build functions here, which add them up; report/export renders the
// results as CSV, XLSX and PDF. Money is whole Rupiah in int64 throughout.
package report

import (
	"slices"
	"strings"
	"time"

	"niaga"
)

// Period is a half-open interval [From, To) of instants; a zero bound is open.
type Period struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	return (p.From.IsZero() || !t.Before(p.From)) && (p.To.IsZero() || t.Before(p.To))
}

// IsZero reports whether the period is unbounded.
func (p Period) IsZero() bool { return p.From.IsZero() && p.To.IsZero() }

// PeriodZone is where report dates are read: a national period is given in
// WIB, the zone of the capital (as official statistics are).
var PeriodZone = mustZone("Asia/Jakarta")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ParsePeriod reads local dates "2006-01-02" (either may be empty) in WIB;
// both ends are inclusive days, so to = "2026-03-31" takes all of March 31.
func ParsePeriod(from, to string) (Period, error) {
	var p Period
	var c niaga.Check
	if s := strings.TrimSpace(from); s != "" {
		t, err := time.ParseInLocation(time.DateOnly, s, PeriodZone)
		c.Require(err == nil, "from", "must be a date 2006-01-02")
		p.From = t.UTC()
	}
	if s := strings.TrimSpace(to); s != "" {
		t, err := time.ParseInLocation(time.DateOnly, s, PeriodZone)
		c.Require(err == nil, "to", "must be a date 2006-01-02")
		p.To = t.AddDate(0, 0, 1).UTC()
	}
	if err := c.Err(); err != nil {
		return Period{}, err
	}
	if !p.From.IsZero() && !p.To.IsZero() && !p.To.After(p.From) {
		return Period{}, niaga.Invalid("to", "must not be before from")
	}
	return p, nil
}

// Dates renders the period as the inclusive local dates it was read from
// ("" for an open end).
func (p Period) Dates() (from, to string) {
	if !p.From.IsZero() {
		from = p.From.In(PeriodZone).Format(time.DateOnly)
	}
	if !p.To.IsZero() {
		to = p.To.In(PeriodZone).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return from, to
}

// AuditHead is the audit chain's last record when a report was computed, read
// in the same snapshot as the figures: a published total can later be checked
// against the log up to that record.
type AuditHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Group is the total of one group of deals or contracts.
type Group struct {
	Key      string `json:"key"`
	Count    int64  `json:"count"`
	Quantity int64  `json:"quantity"`
	Value    int64  `json:"value"`
	Realized int64  `json:"realized,omitempty"`
}

// BasisPoints is part/whole in basis points (10000 = 100 %), rounded down,
// without overflow; 0 when whole is not positive.
func BasisPoints(part, whole int64) int64 { return niaga.BasisPoints(part, whole) }

// groupBy sums rows into groups keyed by key(row), largest value first
// (then by key); groups that net to nothing are left out.
func groupBy[R any](rows []R, key func(R) string, add func(*Group, R)) []Group {
	idx := map[string]int{}
	var out []Group
	for _, r := range rows {
		k := key(r)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Group{Key: k})
		}
		add(&out[i], r)
	}
	out = slices.DeleteFunc(out, func(g Group) bool { return g.Value == 0 && g.Count == 0 && g.Quantity == 0 })
	sortGroups(out)
	if out == nil {
		out = []Group{}
	}
	return out
}

func sortGroups(gs []Group) {
	slices.SortFunc(gs, func(a, b Group) int {
		if a.Value != b.Value {
			if a.Value > b.Value {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// provinceOrder sorts province codes as the province list does (by code),
// unknown codes last.
func provinceOrder(a, b string) int {
	_, okA := niaga.ProvinceByCode(a)
	_, okB := niaga.ProvinceByCode(b)
	if okA != okB {
		if okA {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
