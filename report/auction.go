package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"niaga"
)

// ContractRow is the sum of a group of auction contracts, as the store
// groups them; columns not grouped by are zero. Every contract an award made
// counts, whatever became of it (the settlement report follows that up).
type ContractRow struct {
	MarketID       int64  `json:"market_id,omitempty"`
	SessionID      int64  `json:"session_id,omitempty"`
	Commodity      string `json:"commodity,omitempty"`
	Grade          string `json:"grade,omitempty"`
	SellerProvince string `json:"seller_province,omitempty"`
	BuyerProvince  string `json:"buyer_province,omitempty"`
	Status         string `json:"status,omitempty"`
	Count          int64  `json:"count"`
	Quantity       int64  `json:"quantity"`
	Value          int64  `json:"value"`
	BuyerFee       int64  `json:"buyer_fee"`
	SellerFee      int64  `json:"seller_fee"`
	MinPrice       int64  `json:"min_price"`
	MaxPrice       int64  `json:"max_price"`
}

// ContractFlows turns contract groups into flows from the seller's province
// to the buyer's.
func ContractFlows(rows []ContractRow) []Flow {
	out := make([]Flow, 0, len(rows))
	for _, r := range rows {
		out = append(out, Flow{From: r.SellerProvince, To: r.BuyerProvince, Value: r.Value, Count: r.Count})
	}
	return out
}

// LotRow counts lots of one session and market in one status, with the bids
// placed on them.
type LotRow struct {
	MarketID  int64  `json:"market_id"`
	SessionID int64  `json:"session_id"`
	Status    string `json:"status"`
	Count     int64  `json:"count"`
	Quantity  int64  `json:"quantity"`
	Bids      int64  `json:"bids"`
}

// Activity is what happened in a market or session: lots by outcome, bids,
// contracts and their value.
type Activity struct {
	Lots       int64 `json:"lots"` // admitted to bidding (sold, unsold or still open)
	Sold       int64 `json:"sold"`
	Unsold     int64 `json:"unsold"`
	Open       int64 `json:"open"`
	Pending    int64 `json:"pending"` // submitted, not yet admitted
	Rejected   int64 `json:"rejected"`
	Bids       int64 `json:"bids"`
	Contracts  int64 `json:"contracts"`
	Quantity   int64 `json:"quantity"`
	Value      int64 `json:"value"`
	BuyerFees  int64 `json:"buyer_fees"`
	SellerFees int64 `json:"seller_fees"`
	// SoldBP is sold / (sold + unsold) in basis points.
	SoldBP int64 `json:"sold_bp"`
}

func (a *Activity) addLots(r LotRow) {
	switch r.Status {
	case niaga.LotSold:
		a.Sold += r.Count
		a.Lots += r.Count
	case niaga.LotUnsold:
		a.Unsold += r.Count
		a.Lots += r.Count
	case niaga.LotAdmitted:
		a.Open += r.Count
		a.Lots += r.Count
	case niaga.LotSubmitted:
		a.Pending += r.Count
	case niaga.LotRejected:
		a.Rejected += r.Count
	}
	a.Bids += r.Bids
}

func (a *Activity) addContracts(r ContractRow) {
	a.Contracts += r.Count
	niaga.AddSat(&a.Quantity, r.Quantity)
	niaga.AddSat(&a.Value, r.Value)
	niaga.AddSat(&a.BuyerFees, r.BuyerFee)
	niaga.AddSat(&a.SellerFees, r.SellerFee)
}

// SessionLine is one session in an auction report.
type SessionLine struct {
	Session niaga.AuctionSession `json:"session"`
	Activity
}

// MarketLine is one market in an auction report.
type MarketLine struct {
	Market niaga.Market `json:"market"`
	Activity
}

// GradeLine is one commodity and grade in an auction report: volume, value
// and the range and average of the prices paid.
type GradeLine struct {
	Commodity string `json:"commodity"`
	Grade     string `json:"grade"`
	Contracts int64  `json:"contracts"`
	Quantity  int64  `json:"quantity"`
	Value     int64  `json:"value"`
	MinPrice  int64  `json:"min_price"`
	MaxPrice  int64  `json:"max_price"`
	AvgPrice  int64  `json:"avg_price"` // value / quantity, rounded down
}

// Auction is the report of one market or one session (joint sessions span
// several markets) over a period of session start times.
type Auction struct {
	Market  *niaga.Market         `json:"market,omitempty"`
	Session *niaga.AuctionSession `json:"session,omitempty"`
	Period  Period                `json:"period"`
	Activity
	Sessions    []SessionLine `json:"sessions"`
	Markets     []MarketLine  `json:"markets"`
	Commodities []GradeLine   `json:"commodities"`
	Statuses    []Group       `json:"statuses"` // contracts by settlement status
	Audit       AuditHead     `json:"audit"`
	Generated   time.Time     `json:"generated_at"`
}

// BuildAuction adds up lot counts (by market, session and status) and
// contract groups (by market, session, commodity, grade and status) into an
// auction report. sessions and markets name the ids that appear.
func BuildAuction(a Auction, sessions []niaga.AuctionSession, markets []niaga.Market, lots []LotRow, contracts []ContractRow) Auction {
	a.Activity = Activity{}
	bySession := map[int64]*SessionLine{}
	for _, s := range sessions {
		bySession[s.ID] = &SessionLine{Session: s}
	}
	byMarket := map[int64]*MarketLine{}
	for _, m := range markets {
		byMarket[m.ID] = &MarketLine{Market: m}
	}
	session := func(id int64) *SessionLine {
		if bySession[id] == nil {
			bySession[id] = &SessionLine{Session: niaga.AuctionSession{ID: id}}
		}
		return bySession[id]
	}
	market := func(id int64) *MarketLine {
		if byMarket[id] == nil {
			byMarket[id] = &MarketLine{Market: niaga.Market{ID: id}}
		}
		return byMarket[id]
	}
	for _, r := range lots {
		a.addLots(r)
		session(r.SessionID).addLots(r)
		market(r.MarketID).addLots(r)
	}
	type gk struct{ c, g string }
	grades := map[gk]*GradeLine{}
	statuses := map[string]*Group{}
	for _, r := range contracts {
		a.addContracts(r)
		session(r.SessionID).addContracts(r)
		market(r.MarketID).addContracts(r)
		k := gk{r.Commodity, r.Grade}
		g := grades[k]
		if g == nil {
			g = &GradeLine{Commodity: r.Commodity, Grade: r.Grade, MinPrice: r.MinPrice, MaxPrice: r.MaxPrice}
			grades[k] = g
		}
		g.Contracts += r.Count
		niaga.AddSat(&g.Quantity, r.Quantity)
		niaga.AddSat(&g.Value, r.Value)
		g.MinPrice, g.MaxPrice = min(g.MinPrice, r.MinPrice), max(g.MaxPrice, r.MaxPrice)
		if statuses[r.Status] == nil {
			statuses[r.Status] = &Group{Key: r.Status}
		}
		s := statuses[r.Status]
		s.Count += r.Count
		niaga.AddSat(&s.Quantity, r.Quantity)
		niaga.AddSat(&s.Value, r.Value)
	}
	a.SoldBP = BasisPoints(a.Sold, a.Sold+a.Unsold)
	a.Sessions = []SessionLine{}
	for _, s := range bySession {
		s.SoldBP = BasisPoints(s.Sold, s.Sold+s.Unsold)
		a.Sessions = append(a.Sessions, *s)
	}
	// Newest session first, as the session list shows them.
	slices.SortFunc(a.Sessions, func(x, y SessionLine) int {
		if c := y.Session.StartsAt.Compare(x.Session.StartsAt); c != 0 {
			return c
		}
		return cmp.Compare(y.Session.ID, x.Session.ID)
	})
	a.Markets = []MarketLine{}
	for _, m := range byMarket {
		m.SoldBP = BasisPoints(m.Sold, m.Sold+m.Unsold)
		a.Markets = append(a.Markets, *m)
	}
	slices.SortFunc(a.Markets, func(x, y MarketLine) int { return cmp.Compare(x.Market.ID, y.Market.ID) })
	a.Commodities = []GradeLine{}
	for _, g := range grades {
		if g.Quantity > 0 {
			g.AvgPrice = g.Value / g.Quantity
		}
		a.Commodities = append(a.Commodities, *g)
	}
	slices.SortFunc(a.Commodities, func(x, y GradeLine) int {
		if x.Value != y.Value {
			return cmp.Compare(y.Value, x.Value)
		}
		return strings.Compare(x.Commodity+"\x00"+x.Grade, y.Commodity+"\x00"+y.Grade)
	})
	a.Statuses = []Group{}
	for _, s := range statuses {
		a.Statuses = append(a.Statuses, *s)
	}
	sortGroups(a.Statuses)
	return a
}

// CommodityLine is one commodity across both channels: auction contracts and
// mission deals.
type CommodityLine struct {
	Commodity       string `json:"commodity"`
	Contracts       int64  `json:"contracts"`
	AuctionQuantity int64  `json:"auction_quantity"`
	AuctionValue    int64  `json:"auction_value"`
	AuctionAvgPrice int64  `json:"auction_avg_price"` // per base unit
	Deals           int64  `json:"deals"`
	MissionQuantity int64  `json:"mission_quantity"`
	MissionValue    int64  `json:"mission_value"`
	MissionRealized int64  `json:"mission_realized"`
	TotalValue      int64  `json:"total_value"`
	TotalQuantity   int64  `json:"total_quantity"`
	ShareBP         int64  `json:"share_bp"` // of all value, basis points
}

// Commodities is the per-commodity report for a period.
type Commodities struct {
	Period Period          `json:"period"`
	Lines  []CommodityLine `json:"lines"`
	Total  CommodityLine   `json:"total"`
	Audit  AuditHead       `json:"audit"`
}

// BuildCommodities adds contract and deal groups (grouped by commodity) into
// one line per commodity, largest total first.
func BuildCommodities(p Period, contracts []ContractRow, deals []DealRow) Commodities {
	by := map[string]*CommodityLine{}
	line := func(c string) *CommodityLine {
		if by[c] == nil {
			by[c] = &CommodityLine{Commodity: c}
		}
		return by[c]
	}
	for _, r := range contracts {
		l := line(r.Commodity)
		l.Contracts += r.Count
		niaga.AddSat(&l.AuctionQuantity, r.Quantity)
		niaga.AddSat(&l.AuctionValue, r.Value)
	}
	for _, r := range deals {
		l := line(r.Commodity)
		l.Deals += r.Count
		niaga.AddSat(&l.MissionQuantity, r.Quantity)
		niaga.AddSat(&l.MissionValue, r.Value)
		niaga.AddSat(&l.MissionRealized, r.Realized)
	}
	out := Commodities{Period: p, Lines: []CommodityLine{}, Total: CommodityLine{Commodity: "total"}}
	for _, l := range by {
		l.TotalValue, _ = niaga.SaturatingAdd(l.AuctionValue, l.MissionValue)
		l.TotalQuantity, _ = niaga.SaturatingAdd(l.AuctionQuantity, l.MissionQuantity)
		if l.AuctionQuantity > 0 {
			l.AuctionAvgPrice = l.AuctionValue / l.AuctionQuantity
		}
		if l.Contracts == 0 && l.Deals == 0 && l.TotalValue == 0 {
			continue
		}
		t := &out.Total
		t.Contracts += l.Contracts
		niaga.AddSat(&t.AuctionQuantity, l.AuctionQuantity)
		niaga.AddSat(&t.AuctionValue, l.AuctionValue)
		t.Deals += l.Deals
		niaga.AddSat(&t.MissionQuantity, l.MissionQuantity)
		niaga.AddSat(&t.MissionValue, l.MissionValue)
		niaga.AddSat(&t.MissionRealized, l.MissionRealized)
		niaga.AddSat(&t.TotalValue, l.TotalValue)
		niaga.AddSat(&t.TotalQuantity, l.TotalQuantity)
		out.Lines = append(out.Lines, *l)
	}
	for i := range out.Lines {
		out.Lines[i].ShareBP = BasisPoints(out.Lines[i].TotalValue, out.Total.TotalValue)
	}
	if len(out.Lines) > 0 {
		out.Total.ShareBP = 10000
	}
	slices.SortFunc(out.Lines, func(x, y CommodityLine) int {
		if x.TotalValue != y.TotalValue {
			return cmp.Compare(y.TotalValue, x.TotalValue)
		}
		return strings.Compare(x.Commodity, y.Commodity)
	})
	return out
}
