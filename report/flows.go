package report

import (
	"slices"

	"niaga"
)

// Flow is trade from one province (origin: the seller's) to another
// (destination: the buyer's).
type Flow struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Value int64  `json:"value"`
	Count int64  `json:"count"`
}

// Matrix is the origin → destination trade-flow matrix between provinces:
// Value[i][j] is the trade from Origins[i] to Destinations[j], with the row
// totals (all trade out of an origin), the column totals (all trade into a
// destination) and the grand total. Only provinces with trade appear, in the
// order of their codes. A province trading with itself sits on the diagonal.
type Matrix struct {
	Origins      []string  `json:"origins"`
	Destinations []string  `json:"destinations"`
	Value        [][]int64 `json:"value"`
	Count        [][]int64 `json:"count"`
	RowValue     []int64   `json:"row_value"`
	RowCount     []int64   `json:"row_count"`
	ColValue     []int64   `json:"col_value"`
	ColCount     []int64   `json:"col_count"`
	TotalValue   int64     `json:"total_value"`
	TotalCount   int64     `json:"total_count"`
}

// BuildMatrix lays flows out as a matrix; flows between the same pair (from
// several lists, e.g. auctions and missions) are added together. Pairs that
// net to nothing are left out.
func BuildMatrix(lists ...[]Flow) Matrix {
	type pair struct{ from, to string }
	sum := map[pair]*Flow{}
	for _, list := range lists {
		for _, f := range list {
			k := pair{f.From, f.To}
			if sum[k] == nil {
				sum[k] = &Flow{From: f.From, To: f.To}
			}
			niaga.AddSat(&sum[k].Value, f.Value)
			sum[k].Count += f.Count
		}
	}
	origins, dests := map[string]bool{}, map[string]bool{}
	for k, f := range sum {
		if f.Value == 0 && f.Count == 0 {
			delete(sum, k)
			continue
		}
		origins[k.from], dests[k.to] = true, true
	}
	m := Matrix{Origins: sortedKeys(origins), Destinations: sortedKeys(dests)}
	col := map[string]int{}
	for j, d := range m.Destinations {
		col[d] = j
	}
	m.Value, m.Count = make([][]int64, len(m.Origins)), make([][]int64, len(m.Origins))
	m.RowValue, m.RowCount = make([]int64, len(m.Origins)), make([]int64, len(m.Origins))
	m.ColValue, m.ColCount = make([]int64, len(m.Destinations)), make([]int64, len(m.Destinations))
	for i, o := range m.Origins {
		m.Value[i], m.Count[i] = make([]int64, len(m.Destinations)), make([]int64, len(m.Destinations))
		for _, d := range m.Destinations {
			f := sum[pair{o, d}]
			if f == nil {
				continue
			}
			j := col[d]
			m.Value[i][j], m.Count[i][j] = f.Value, f.Count
			niaga.AddSat(&m.RowValue[i], f.Value)
			m.RowCount[i] += f.Count
			niaga.AddSat(&m.ColValue[j], f.Value)
			m.ColCount[j] += f.Count
			niaga.AddSat(&m.TotalValue, f.Value)
			m.TotalCount += f.Count
		}
	}
	return m
}

// Flows lists the matrix's non-empty cells, largest first.
func (m Matrix) Flows() []Flow {
	var out []Flow
	for i, o := range m.Origins {
		for j, d := range m.Destinations {
			if m.Value[i][j] != 0 || m.Count[i][j] != 0 {
				out = append(out, Flow{From: o, To: d, Value: m.Value[i][j], Count: m.Count[i][j]})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Flow) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return 0
	})
	return out
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.SortFunc(out, provinceOrder)
	return out
}

// Flows is the trade-flow report for a period: auction contracts (seller
// organization's province → buyer organization's province), mission deals
// (seller's delegation → buyer's delegation), and both together.
type Flows struct {
	Period   Period    `json:"period"`
	Auction  Matrix    `json:"auction"`
	Mission  Matrix    `json:"mission"`
	Combined Matrix    `json:"combined"`
	Audit    AuditHead `json:"audit"`
}

// BuildFlows makes the three matrices from contract and deal groups (grouped
// by both provinces).
func BuildFlows(p Period, contracts []ContractRow, deals []DealRow) Flows {
	cf := ContractFlows(contracts)
	df := DealFlows(deals)
	return Flows{Period: p, Auction: BuildMatrix(cf), Mission: BuildMatrix(df), Combined: BuildMatrix(cf, df)}
}
