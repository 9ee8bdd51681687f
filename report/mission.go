package report

import (
	"time"

	"niaga"
)

// DealRow is the sum of a group of mission deal entries, as the store groups
// them. Columns the query does not group by are zero. Value, Count and
// Quantity are net: a reversing entry counts -1 and its negated value, so a
// reversed deal and its reversal cancel out.
type DealRow struct {
	MissionID      int64  `json:"mission_id,omitempty"`
	Commodity      string `json:"commodity,omitempty"`
	Kind           string `json:"kind,omitempty"`
	SellerProvince string `json:"seller_province,omitempty"`
	BuyerProvince  string `json:"buyer_province,omitempty"`
	Value          int64  `json:"value"`
	Count          int64  `json:"count"`
	Quantity       int64  `json:"quantity"`
	// Validated is the value of standing (never reversed) validated deals.
	Validated int64 `json:"validated"`
	// Realized is what was realized after the event on standing deals.
	Realized int64 `json:"realized"`
}

// Mission is the report of one trade mission: what was committed there,
// what has been validated and realized since, by commodity, kind, side and
// direction between delegations.
type Mission struct {
	Mission      niaga.Mission     `json:"mission"`
	AgencyName   string            `json:"agency_name"`
	SideProvince string            `json:"side_province"` // the running agency's province: sides are read from it
	Delegations  map[string]int64  `json:"delegations"`   // participants per province
	Participants int64             `json:"participants"`
	Agreements   []niaga.Agreement `json:"agreements"`

	Count      int64 `json:"count"`
	Quantity   int64 `json:"quantity"`
	Committed  int64 `json:"committed"` // net value of the ledger
	Validated  int64 `json:"validated"`
	Realized   int64 `json:"realized"`
	RealizedBP int64 `json:"realized_bp"` // realized / committed, basis points

	ByCommodity []Group `json:"by_commodity"`
	ByKind      []Group `json:"by_kind"`
	BySide      []Group `json:"by_side"` // sell, buy, invest, other from SideProvince
	Flows       Matrix  `json:"flows"`   // seller's delegation → buyer's delegation

	Audit     AuditHead `json:"audit"`
	Generated time.Time `json:"generated_at"`
}

// Sides of a deal as seen from one province.
const (
	SideSell   = "sell"
	SideBuy    = "buy"
	SideInvest = "invest"
	SideOther  = "other"
)

// Side is how a deal reads from province: an investment, a sale by the
// province, a purchase by it, or a deal between others.
func Side(kind, seller, buyer, province string) string {
	switch {
	case kind == string(niaga.DealInvestment):
		return SideInvest
	case seller == province:
		return SideSell
	case buyer == province:
		return SideBuy
	}
	return SideOther
}

func addDeal(g *Group, r DealRow) {
	niaga.AddSat(&g.Value, r.Value)
	g.Count += r.Count
	niaga.AddSat(&g.Quantity, r.Quantity)
	niaga.AddSat(&g.Realized, r.Realized)
}

// BuildMission adds up a mission's deal groups (grouped at least by
// commodity, kind and both provinces) into its report.
func BuildMission(m Mission, rows []DealRow) Mission {
	m.Committed, m.Count, m.Quantity, m.Validated, m.Realized = 0, 0, 0, 0, 0
	for _, r := range rows {
		niaga.AddSat(&m.Committed, r.Value)
		m.Count += r.Count
		niaga.AddSat(&m.Quantity, r.Quantity)
		niaga.AddSat(&m.Validated, r.Validated)
		niaga.AddSat(&m.Realized, r.Realized)
	}
	m.RealizedBP = BasisPoints(m.Realized, m.Committed)
	m.ByCommodity = groupBy(rows, func(r DealRow) string { return r.Commodity }, addDeal)
	m.ByKind = groupBy(rows, func(r DealRow) string { return r.Kind }, addDeal)
	m.BySide = groupBy(rows, func(r DealRow) string { return Side(r.Kind, r.SellerProvince, r.BuyerProvince, m.SideProvince) }, addDeal)
	m.Flows = BuildMatrix(DealFlows(rows))
	if m.Delegations == nil {
		m.Delegations = map[string]int64{}
	}
	if m.Agreements == nil {
		m.Agreements = []niaga.Agreement{}
	}
	return m
}

// DealFlows turns deal groups into flows from the seller's delegation to the
// buyer's.
func DealFlows(rows []DealRow) []Flow {
	out := make([]Flow, 0, len(rows))
	for _, r := range rows {
		out = append(out, Flow{From: r.SellerProvince, To: r.BuyerProvince, Value: r.Value, Count: r.Count})
	}
	return out
}
