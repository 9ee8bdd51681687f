package export

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/report"
)

// doc starts a document with what every report carries.
func (o Options) doc(name, title string, audit report.AuditHead) *Document {
	return &Document{Name: name, Lang: o.Lang, Title: title, Audit: audit, Generated: o.Now,
		AuditLabel: o.t("report.audit_head"), AuditText: o.t("report.audit_note"),
		Footer: o.t("report.footer", localTime(o.Now, "31", o.Lang, true)),
		notes:  map[string]string{"wide": o.t("report.pdf_too_wide"), "empty": o.t("report.none")}}
}

func (o Options) period(p report.Period) Fact {
	from, to := p.Dates()
	var s string
	switch {
	case from == "" && to == "":
		s = o.t("report.period_all")
	case to == "":
		s = o.t("report.period_from", o.date(from))
	case from == "":
		s = o.t("report.period_to", o.date(to))
	default:
		s = o.date(from) + " – " + o.date(to)
	}
	return Fact{o.t("report.period"), T(s)}
}

// date renders a "2006-01-02" date in the document's language.
func (o Options) date(d string) string {
	y, m, day := d[:4], d[5:7], d[8:10]
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(day)
	if mi < 1 || mi > 12 {
		return d
	}
	name := monthsID[mi-1]
	if o.Lang == "en" {
		name = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}[mi-1]
	}
	return strconv.Itoa(di) + " " + name + " " + y
}

func (o Options) col(key, label string, kind Kind) Column {
	return Column{Key: key, Label: o.t(label), Kind: kind}
}

func code(key string) Column { return Column{Key: key, Kind: Text, CSVOnly: true} }

// groupTable lays out report groups with their share of the total.
func (o Options) groupTable(name, title, keyCol, keyLabel string, gs []report.Group, label func(string) string, withRealized bool) Table {
	t := Table{Name: name, Title: o.t(title), Columns: []Column{code(keyCol + "_code"), o.col(keyCol, keyLabel, Text),
		o.col("count", "report.col_count", Int), o.col("value", "report.col_value", Money)}}
	if withRealized {
		t.Columns = append(t.Columns, o.col("realized", "report.col_realized", Money))
	}
	t.Columns = append(t.Columns, o.col("share_bp", "report.col_share", Ratio))
	var total report.Group
	for _, g := range gs {
		total.Count += g.Count
		niaga.AddSat(&total.Value, g.Value)
		niaga.AddSat(&total.Realized, g.Realized)
	}
	for _, g := range gs {
		row := []Value{T(g.Key), T(label(g.Key)), I(g.Count), M(g.Value)}
		if withRealized {
			row = append(row, M(g.Realized))
		}
		t.Rows = append(t.Rows, append(row, R(report.BasisPoints(g.Value, total.Value))))
	}
	t.Total = []Value{T("total"), T(o.t("report.total")), I(total.Count), M(total.Value)}
	if withRealized {
		t.Total = append(t.Total, M(total.Realized))
	}
	t.Total = append(t.Total, R(10000))
	if len(gs) == 0 {
		t.Total[len(t.Total)-1] = R(0)
	}
	return t
}

// matrixTable lays the matrix out wide: origins down, destinations across,
// with the row totals as the last column and the column totals as the last row.
func (o Options) matrixTable(m report.Matrix) Table {
	t := Table{Name: "matrix", Title: o.t("report.t_matrix"), Columns: []Column{code("origin_code"), o.col("origin", "report.col_origin_dest", Text)}}
	for _, d := range m.Destinations {
		t.Columns = append(t.Columns, Column{Key: d, Label: province(d), Kind: Money})
	}
	t.Columns = append(t.Columns, o.col("total", "report.total", Money))
	for i, or := range m.Origins {
		row := []Value{T(or), T(province(or))}
		for j := range m.Destinations {
			v := M(m.Value[i][j])
			v.Dash = true
			row = append(row, v)
		}
		t.Rows = append(t.Rows, append(row, M(m.RowValue[i])))
	}
	t.Total = []Value{T("total"), T(o.t("report.total"))}
	for j := range m.Destinations {
		t.Total = append(t.Total, M(m.ColValue[j]))
	}
	t.Total = append(t.Total, M(m.TotalValue))
	return t
}

// provinceTable is the matrix's margins per province: trade out (row total),
// trade in (column total) and the balance.
func (o Options) provinceTable(m report.Matrix) Table {
	t := Table{Name: "provinces", Title: o.t("report.t_provinces"), Columns: []Column{code("province_code"), o.col("province", "report.col_province", Text),
		o.col("out_count", "report.col_out_count", Int), o.col("out_value", "report.col_out_value", Money),
		o.col("in_count", "report.col_in_count", Int), o.col("in_value", "report.col_in_value", Money), o.col("balance", "report.col_balance", Money)}}
	type side struct{ outV, outN, inV, inN int64 }
	by := map[string]*side{}
	get := func(p string) *side {
		if by[p] == nil {
			by[p] = &side{}
		}
		return by[p]
	}
	for i, p := range m.Origins {
		get(p).outV, get(p).outN = m.RowValue[i], m.RowCount[i]
	}
	for j, p := range m.Destinations {
		get(p).inV, get(p).inN = m.ColValue[j], m.ColCount[j]
	}
	var codes []string
	for p := range by {
		codes = append(codes, p)
	}
	slices.Sort(codes)
	for _, p := range codes {
		s := by[p]
		t.Rows = append(t.Rows, []Value{T(p), T(province(p)), I(s.outN), M(s.outV), I(s.inN), M(s.inV), M(s.outV - s.inV)})
	}
	t.Total = []Value{T("total"), T(o.t("report.total")), I(m.TotalCount), M(m.TotalValue), I(m.TotalCount), M(m.TotalValue), M(0)}
	return t
}

// flowTable lists the non-empty cells of the matrices, largest first.
func (o Options) flowTable(parts []report.Matrix, names []string) Table {
	t := Table{Name: "flows", Title: o.t("report.t_flows"), Columns: []Column{code("origin_code"), o.col("origin", "report.col_origin", Text),
		code("destination_code"), o.col("destination", "report.col_destination", Text)}}
	for _, n := range names {
		t.Columns = append(t.Columns, o.col(n+"_value", "report.col_"+n+"_value", Money))
	}
	t.Columns = append(t.Columns, o.col("count", "report.col_count", Int), o.col("value", "report.col_value", Money))
	type pair struct{ from, to string }
	vals := map[pair][]int64{}
	counts := map[pair]int64{}
	var order []pair
	for k, m := range parts {
		for _, f := range m.Flows() {
			p := pair{f.From, f.To}
			if vals[p] == nil {
				vals[p] = make([]int64, len(parts))
				order = append(order, p)
			}
			niaga.AddSat(&vals[p][k], f.Value)
			counts[p] += f.Count
		}
	}
	sum := func(xs []int64) (s int64) {
		for _, x := range xs {
			niaga.AddSat(&s, x)
		}
		return s
	}
	slices.SortStableFunc(order, func(a, b pair) int {
		va, vb := sum(vals[a]), sum(vals[b])
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return strings.Compare(a.from+a.to, b.from+b.to)
	})
	totals := make([]int64, len(parts))
	var totalN int64
	for _, p := range order {
		row := []Value{T(p.from), T(province(p.from)), T(p.to), T(province(p.to))}
		for k, v := range vals[p] {
			if len(names) > 0 {
				row = append(row, M(v))
			}
			niaga.AddSat(&totals[k], v)
		}
		totalN += counts[p]
		t.Rows = append(t.Rows, append(row, I(counts[p]), M(sum(vals[p]))))
	}
	t.Total = []Value{T("total"), T(o.t("report.total")), blank(), blank()}
	if len(names) > 0 {
		for _, v := range totals {
			t.Total = append(t.Total, M(v))
		}
	}
	t.Total = append(t.Total, I(totalN), M(sum(totals)))
	return t
}

func (o Options) chart(title string, gs []report.Group, label func(string) string) *Chart {
	c := &Chart{Title: o.t(title), Money: true}
	for _, g := range gs {
		if g.Value <= 0 {
			continue
		}
		c.Labels = append(c.Labels, label(g.Key))
		c.Values = append(c.Values, g.Value)
		if len(c.Values) == 12 {
			break
		}
	}
	if len(c.Values) == 0 {
		return nil
	}
	return c
}

// MissionDoc is the mission report: totals, committed against realized, by
// commodity (charted), kind, side and direction, the delegations' matrix and
// the agreements signed.
func MissionDoc(r report.Mission, o Options) *Document {
	m := r.Mission
	d := o.doc("misi-"+strconv.FormatInt(m.ID, 10), o.t("report.mission_title"), r.Audit)
	d.Subtitle = m.Title
	host, _ := niaga.ProvinceByCode(m.HostProvince)
	hours := localTime(m.Opens, m.HostProvince, o.Lang, false) + " · " + m.Opens.In(host.Location()).Format("15:04") + "–" +
		m.Closes.In(host.Location()).Format("15:04") + " " + host.Zone
	var delegations []string
	for _, p := range m.Provinces() {
		delegations = append(delegations, province(p)+" "+niaga.FormatInt(r.Delegations[p], o.Lang))
	}
	d.Facts = []Fact{
		{o.t("report.host"), T(province(m.HostProvince))},
		{o.t("report.guests"), T(joinProvinces(m.Guests))},
		{o.t("report.venue"), T(m.Venue)},
		{o.t("report.date"), T(hours)},
		{o.t("report.status"), T(o.t("mission.status_" + string(m.Status)))},
		{o.t("report.agency"), T(r.AgencyName)},
		{o.t("report.participants"), T(niaga.FormatInt(r.Participants, o.Lang) + " (" + strings.Join(delegations, ", ") + ")")},
		{o.t("report.committed"), M(r.Committed)},
		{o.t("report.deals"), I(r.Count)},
		{o.t("report.validated"), M(r.Validated)},
		{o.t("report.realized"), M(r.Realized)},
		{o.t("report.realized_pct"), R(r.RealizedBP)},
		{o.t("report.agreements"), I(int64(len(r.Agreements)))},
	}
	if m.TargetValue > 0 {
		d.Facts = append(d.Facts, Fact{o.t("report.target"), M(m.TargetValue)})
	}
	d.Chart = o.chart("report.chart_commodity", r.ByCommodity, o.commodity)
	kind := func(k string) string { return o.t("deal.kind_" + k) }
	side := func(k string) string { return o.t("board.side_" + k) }
	d.Tables = append(d.Tables,
		o.groupTable("by_commodity", "report.t_by_commodity", "commodity", "report.col_commodity", r.ByCommodity, o.commodity, true),
		o.groupTable("by_kind", "report.t_by_kind", "kind", "report.col_kind", r.ByKind, kind, true),
		o.groupTable("by_side", o.t("report.t_by_side", province(r.SideProvince)), "side", "report.col_side", r.BySide, side, false),
		o.flowTable([]report.Matrix{r.Flows}, nil),
		o.matrixTable(r.Flows),
	)
	ag := Table{Name: "agreements", Title: o.t("report.t_agreements"), Columns: []Column{o.col("kind", "report.col_kind", Text),
		o.col("title", "report.col_title", Text), o.col("sector", "report.col_sector", Text), o.col("signed_on", "report.col_date", Text),
		o.col("parties", "report.col_parties", Text)}}
	for _, a := range r.Agreements {
		var parties []string
		for _, p := range a.Parties {
			parties = append(parties, p.Name)
		}
		ag.Rows = append(ag.Rows, []Value{T(o.t("agreements.kind_" + a.Kind)), T(a.Title), T(a.Sector), o.D(a.SignedOn), T(strings.Join(parties, "; "))})
	}
	if len(ag.Rows) > 0 {
		d.Tables = append(d.Tables, ag)
	}
	return d
}

// AuctionDoc is a market's or a session's report.
func AuctionDoc(a report.Auction, o Options) *Document {
	var d *Document
	if a.Market != nil {
		d = o.doc("pasar-"+strconv.FormatInt(a.Market.ID, 10), o.t("report.market_title"), a.Audit)
		d.Subtitle = a.Market.Name
		d.Facts = append(d.Facts, Fact{o.t("report.province"), T(province(a.Market.Province))}, o.period(a.Period))
	} else {
		s := a.Session
		d = o.doc("sesi-"+strconv.FormatInt(s.ID, 10), o.t("report.session_title"), a.Audit)
		d.Subtitle = s.Title
		prov := "31"
		var names []string
		for _, m := range a.Markets {
			names = append(names, m.Market.Name)
			if prov == "31" && m.Market.Province != "" {
				prov = m.Market.Province
			}
		}
		d.Facts = append(d.Facts, Fact{o.t("report.session_kind"), T(o.t("session.kind_" + s.Kind))},
			Fact{o.t("report.session_time"), T(localTime(s.StartsAt, prov, o.Lang, true) + " – " + localTime(s.EndsAt, prov, o.Lang, true))},
			Fact{o.t("report.markets"), T(strings.Join(names, "; "))})
	}
	d.Facts = append(d.Facts,
		Fact{o.t("report.lots"), I(a.Lots)}, Fact{o.t("report.sold"), I(a.Sold)}, Fact{o.t("report.unsold"), I(a.Unsold)},
		Fact{o.t("report.sold_pct"), R(a.SoldBP)}, Fact{o.t("report.bids"), I(a.Bids)}, Fact{o.t("report.contracts"), I(a.Contracts)},
		Fact{o.t("report.value"), M(a.Value)}, Fact{o.t("report.buyer_fees"), M(a.BuyerFees)}, Fact{o.t("report.seller_fees"), M(a.SellerFees)})
	if a.Open > 0 {
		d.Facts = append(d.Facts, Fact{o.t("report.open_lots"), I(a.Open)})
	}
	var gs []report.Group
	for _, g := range a.Commodities {
		gs = append(gs, report.Group{Key: o.commodity(g.Commodity) + " " + g.Grade, Value: g.Value})
	}
	d.Chart = o.chart("report.chart_grades", gs, func(s string) string { return s })
	activity := func(x report.Activity) []Value {
		return []Value{I(x.Lots), I(x.Sold), I(x.Unsold), I(x.Bids), I(x.Contracts), M(x.Value)}
	}
	actCols := []Column{o.col("lots", "report.col_lots", Int), o.col("sold", "report.col_sold", Int), o.col("unsold", "report.col_unsold", Int),
		o.col("bids", "report.col_bids", Int), o.col("contracts", "report.col_contracts", Int), o.col("value", "report.col_value", Money)}
	total := append([]Value{T("total"), T(o.t("report.total")), blank()}, activity(a.Activity)...)
	if a.Market != nil {
		t := Table{Name: "sessions", Title: o.t("report.t_sessions"), Columns: append([]Column{code("session_id"), o.col("session", "report.col_session", Text),
			o.col("starts_at", "report.col_date", Text)}, actCols...), Total: total}
		for _, s := range a.Sessions {
			t.Rows = append(t.Rows, append([]Value{T(strconv.FormatInt(s.Session.ID, 10)), T(s.Session.Title), Value{Kind: Text, S: s.Session.StartsAt.UTC().Format(time.RFC3339), H: localTime(s.Session.StartsAt, a.Market.Province, o.Lang, true)}}, activity(s.Activity)...))
		}
		d.Tables = append(d.Tables, t)
	} else {
		t := Table{Name: "markets", Title: o.t("report.t_markets"), Columns: append([]Column{code("market_id"), o.col("market", "report.col_market", Text),
			o.col("province", "report.col_province", Text)}, actCols...), Total: total}
		for _, m := range a.Markets {
			t.Rows = append(t.Rows, append([]Value{T(strconv.FormatInt(m.Market.ID, 10)), T(m.Market.Name), T(province(m.Market.Province))}, activity(m.Activity)...))
		}
		d.Tables = append(d.Tables, t)
	}
	g := Table{Name: "grades", Title: o.t("report.t_grades"), Columns: []Column{code("commodity_code"), o.col("commodity", "report.col_commodity", Text),
		o.col("grade", "report.col_grade", Text), o.col("contracts", "report.col_contracts", Int), o.col("quantity", "report.col_quantity", Int),
		o.col("unit", "report.col_unit", Text), o.col("value", "report.col_value", Money), o.col("min_price", "report.col_min_price", Money),
		o.col("avg_price", "report.col_avg_price", Money), o.col("max_price", "report.col_max_price", Money)}}
	for _, l := range a.Commodities {
		g.Rows = append(g.Rows, []Value{T(l.Commodity), T(o.commodity(l.Commodity)), T(l.Grade), I(l.Contracts), I(l.Quantity), T(o.unit(l.Commodity)),
			M(l.Value), M(l.MinPrice), M(l.AvgPrice), M(l.MaxPrice)})
	}
	g.Total = []Value{T("total"), T(o.t("report.total")), blank(), I(a.Contracts), blank(), blank(), M(a.Value), blank(), blank(), blank()}
	status := func(k string) string { return o.t("contract." + k) }
	st := o.groupTable("statuses", "report.t_statuses", "status", "report.col_status", a.Statuses, status, false)
	d.Tables = append(d.Tables, g, st)
	return d
}

// CommoditiesDoc is the per-commodity report over both channels.
func CommoditiesDoc(c report.Commodities, o Options) *Document {
	d := o.doc("komoditas", o.t("report.commodities_title"), c.Audit)
	d.Facts = []Fact{o.period(c.Period), {o.t("report.auction_value"), M(c.Total.AuctionValue)}, {o.t("report.mission_value"), M(c.Total.MissionValue)},
		{o.t("report.total_value"), M(c.Total.TotalValue)}}
	t := Table{Name: "commodities", Title: o.t("report.t_commodities"), Columns: []Column{code("commodity_code"), o.col("commodity", "report.col_commodity", Text),
		o.col("unit", "report.col_unit", Text), o.col("contracts", "report.col_contracts", Int), o.col("auction_quantity", "report.col_auction_quantity", Int),
		o.col("auction_value", "report.col_auction_value", Money), o.col("auction_avg_price", "report.col_avg_price", Money),
		o.col("deals", "report.col_deals", Int), o.col("mission_quantity", "report.col_mission_quantity", Int),
		o.col("mission_value", "report.col_mission_value", Money), o.col("mission_realized", "report.col_realized", Money),
		o.col("total_value", "report.col_total_value", Money), o.col("share_bp", "report.col_share", Ratio)}}
	var gs []report.Group
	for _, l := range c.Lines {
		t.Rows = append(t.Rows, []Value{T(l.Commodity), T(o.commodity(l.Commodity)), T(o.unit(l.Commodity)), I(l.Contracts), I(l.AuctionQuantity),
			M(l.AuctionValue), M(l.AuctionAvgPrice), I(l.Deals), I(l.MissionQuantity), M(l.MissionValue), M(l.MissionRealized), M(l.TotalValue), R(l.ShareBP)})
		gs = append(gs, report.Group{Key: l.Commodity, Value: l.TotalValue})
	}
	x := c.Total
	t.Total = []Value{T("total"), T(o.t("report.total")), blank(), I(x.Contracts), blank(), M(x.AuctionValue), blank(), I(x.Deals), blank(),
		M(x.MissionValue), M(x.MissionRealized), M(x.TotalValue), R(x.ShareBP)}
	d.Chart = o.chart("report.chart_commodity", gs, o.commodity)
	d.Tables = []Table{t}
	return d
}

// Flow sources.
const (
	SourceAll     = "all"
	SourceAuction = "auction"
	SourceMission = "mission"
)

// EnumFlowSource is the flow sources.
var EnumFlowSource = niaga.NewEnum("flow_source", SourceAll, SourceAuction, SourceMission)

// FlowsDoc is the trade-flow report of one source (or all, with the
// channels side by side in the flow list).
func FlowsDoc(f report.Flows, source string, o Options) *Document {
	d := o.doc("arus-"+source, o.t("report.flows_title"), f.Audit)
	d.Subtitle = o.t("report.source_" + source)
	d.Facts = []Fact{o.period(f.Period), {o.t("report.auction_value"), M(f.Auction.TotalValue)}, {o.t("report.mission_value"), M(f.Mission.TotalValue)},
		{o.t("report.total_value"), M(f.Combined.TotalValue)}}
	m := f.Combined
	var flows Table
	switch source {
	case SourceAuction:
		m = f.Auction
		flows = o.flowTable([]report.Matrix{m}, nil)
	case SourceMission:
		m = f.Mission
		flows = o.flowTable([]report.Matrix{m}, nil)
	default:
		flows = o.flowTable([]report.Matrix{f.Auction, f.Mission}, []string{"auction", "mission"})
	}
	var gs []report.Group
	for i, p := range m.Origins {
		gs = append(gs, report.Group{Key: p, Value: m.RowValue[i]})
	}
	slices.SortStableFunc(gs, func(a, b report.Group) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return 0
	})
	d.Chart = o.chart("report.chart_origins", gs, province)
	d.Tables = []Table{o.matrixTable(m), o.provinceTable(m), flows}
	return d
}

// ProgrammeDoc is the missions programme: per year with cumulative totals,
// and every mission with committed against realized value.
func ProgrammeDoc(p report.Programme, o Options) *Document {
	d := o.doc("program-misi", o.t("report.programme_title"), p.Audit)
	x := p.Total
	since := "—"
	if p.Since != "" {
		since = o.date(p.Since)
	}
	d.Facts = []Fact{{o.t("report.since"), T(since)}, {o.t("report.missions"), I(x.Missions)}, {o.t("report.deals"), I(x.Deals)},
		{o.t("report.committed"), M(x.Committed)}, {o.t("report.realized"), M(x.Realized)}, {o.t("report.realized_pct"), R(x.RealizedBP)},
		{o.t("report.contracts"), I(x.Contracts)}, {o.t("report.auction_value"), M(x.AuctionValue)}, {o.t("report.total_value"), M(x.CumTotal)}}
	y := Table{Name: "years", Title: o.t("report.t_years"), Columns: []Column{o.col("year", "report.col_year", Text),
		o.col("missions", "report.col_missions", Int), o.col("deals", "report.col_deals", Int), o.col("committed", "report.col_committed", Money),
		o.col("realized", "report.col_realized", Money), o.col("realized_bp", "report.col_realized_pct", Ratio),
		o.col("cumulative_committed", "report.col_cum_committed", Money), o.col("cumulative_realized", "report.col_cum_realized", Money),
		o.col("contracts", "report.col_contracts", Int), o.col("auction_value", "report.col_auction_value", Money),
		o.col("cumulative_auction_value", "report.col_cum_auction", Money), o.col("cumulative_total", "report.col_cum_total", Money)}}
	c := &Chart{Title: o.t("report.chart_years"), Money: true}
	for _, l := range p.Years {
		yr := strconv.Itoa(l.Year)
		y.Rows = append(y.Rows, []Value{T(yr), I(l.Missions), I(l.Deals), M(l.Committed), M(l.Realized), R(l.RealizedBP), M(l.CumCommitted),
			M(l.CumRealized), I(l.Contracts), M(l.AuctionValue), M(l.CumAuction), M(l.CumTotal)})
		c.Labels = append(c.Labels, yr)
		c.Values = append(c.Values, l.Committed)
	}
	y.Total = []Value{T(o.t("report.total")), I(x.Missions), I(x.Deals), M(x.Committed), M(x.Realized), R(x.RealizedBP), M(x.CumCommitted), M(x.CumRealized),
		I(x.Contracts), M(x.AuctionValue), M(x.CumAuction), M(x.CumTotal)}
	if len(c.Values) > 0 {
		d.Chart = c
	}
	ms := Table{Name: "missions", Title: o.t("report.t_missions"), Columns: []Column{code("mission_id"), o.col("date", "report.col_date", Text),
		o.col("title", "report.col_mission", Text), o.col("host", "report.col_host", Text), o.col("guests", "report.col_guests", Text),
		o.col("deals", "report.col_deals", Int), o.col("committed", "report.col_committed", Money), o.col("validated", "report.col_validated", Money),
		o.col("realized", "report.col_realized", Money), o.col("realized_bp", "report.col_realized_pct", Ratio)}}
	var tv int64
	for _, m := range p.Missions {
		ms.Rows = append(ms.Rows, []Value{T(strconv.FormatInt(m.ID, 10)), o.D(m.Date), T(m.Title), T(province(m.HostProvince)), T(joinProvinces(m.Guests)),
			I(m.Count), M(m.Committed), M(m.Validated), M(m.Realized), R(m.RealizedBP)})
		niaga.AddSat(&tv, m.Validated)
	}
	ms.Total = []Value{T("total"), blank(), T(o.t("report.total")), blank(), blank(), I(x.Deals), M(x.Committed), M(tv), M(x.Realized), R(x.RealizedBP)}
	d.Tables = []Table{y, ms}
	return d
}

// SettlementDoc is settlement performance per market.
func SettlementDoc(s report.Settlement, o Options) *Document {
	d := o.doc("penyelesaian", o.t("report.settlement_title"), s.Audit)
	x := s.Total
	d.Facts = []Fact{o.period(s.Period), {o.t("report.contracts"), I(x.Contracts)}, {o.t("report.value"), M(x.Value)},
		{o.t("report.on_time_pct"), R(x.OnTimeBP)}, {o.t("report.default_pct"), R(x.DefaultBP)}, {o.t("report.overdue"), I(x.Overdue)}}
	t := Table{Name: "markets", Title: o.t("report.t_settlement"), Columns: []Column{code("market_id"), o.col("market", "report.col_market", Text),
		o.col("province", "report.col_province", Text), o.col("contracts", "report.col_contracts", Int), o.col("value", "report.col_value", Money),
		o.col("paid_on_time", "report.col_on_time", Int), o.col("paid_late", "report.col_late", Int), o.col("overdue", "report.col_overdue", Int),
		o.col("not_yet_due", "report.col_not_yet_due", Int), o.col("on_time_bp", "report.col_on_time_pct", Ratio),
		o.col("avg_pay_hours", "report.col_avg_pay_hours", Int), o.col("completed", "report.col_completed", Int),
		o.col("defaulted", "report.col_defaulted", Int), o.col("default_bp", "report.col_default_pct", Ratio),
		o.col("defaulted_value", "report.col_defaulted_value", Money)}}
	row := func(id, name, prov string, l report.SettlementLine) []Value {
		return []Value{T(id), T(name), T(prov), I(l.Contracts), M(l.Value), I(l.OnTime), I(l.Late), I(l.Overdue), I(l.Due), R(l.OnTimeBP),
			I(l.AvgPayHours), I(l.Completed), I(l.Defaulted), R(l.DefaultBP), M(l.DefaultedValue)}
	}
	for _, l := range s.Markets {
		t.Rows = append(t.Rows, row(strconv.FormatInt(l.MarketID, 10), l.Market, province(l.Province), l))
	}
	t.Total = row("total", o.t("report.total"), "", x)
	d.Tables = []Table{t}
	return d
}

// PricesDoc is the daily price history; a single series is charted.
func PricesDoc(h report.PriceHistory, o Options) *Document {
	name := "harga"
	for _, p := range []string{h.Commodity, h.Grade, h.Province} {
		if p != "" {
			name += "-" + strings.ReplaceAll(strings.ToLower(p), " ", "_")
		}
	}
	d := o.doc(name, o.t("report.prices_title"), h.Audit)
	all := o.t("report.all")
	pick := func(v, label string) string {
		if v == "" {
			return all
		}
		return label
	}
	var trades, volume int64
	for _, c := range h.Candles {
		trades += c.Trades
		niaga.AddSat(&volume, c.Volume)
	}
	d.Facts = []Fact{{o.t("report.commodity"), T(pick(h.Commodity, o.commodity(h.Commodity)))}, {o.t("report.grade"), T(pick(h.Grade, h.Grade))},
		{o.t("report.province"), T(pick(h.Province, province(h.Province)))}, o.period(h.Period), {o.t("report.days"), I(int64(len(h.Candles)))},
		{o.t("report.trades"), I(trades)}}
	t := Table{Name: "candles", Title: o.t("report.t_candles"), Columns: []Column{code("commodity_code"), o.col("commodity", "report.col_commodity", Text),
		o.col("grade", "report.col_grade", Text), code("province_code"), o.col("province", "report.col_province", Text), o.col("date", "report.col_date", Text),
		o.col("open", "report.col_open", Money), o.col("high", "report.col_high", Money), o.col("low", "report.col_low", Money),
		o.col("close", "report.col_close", Money), o.col("volume", "report.col_volume", Int), o.col("unit", "report.col_unit", Text),
		o.col("trades", "report.col_trades", Int), o.col("vwap", "report.col_vwap", Money)}}
	single := len(h.Candles) > 0
	for i, c := range h.Candles {
		t.Rows = append(t.Rows, []Value{T(c.Commodity), T(o.commodity(c.Commodity)), T(c.Grade), T(c.Province), T(province(c.Province)), o.D(c.Date),
			M(c.Open), M(c.High), M(c.Low), M(c.Close), I(c.Volume), T(o.unit(c.Commodity)), I(c.Trades), M(c.VWAP)})
		if i > 0 && (c.Commodity != h.Candles[0].Commodity || c.Grade != h.Candles[0].Grade || c.Province != h.Candles[0].Province) {
			single = false
		}
	}
	if single && len(h.Candles) > 1 {
		c := &Chart{Title: o.t("report.chart_close"), Line: true, Money: true}
		for _, x := range h.Candles {
			c.Labels = append(c.Labels, o.date(x.Date))
			c.Values = append(c.Values, x.Close)
		}
		d.Chart = c
	}
	d.Tables = []Table{t}
	return d
}

// ContractDocument is the contract document of a sale: the terms, the
// settlement so far, the clauses and a signature block per party.
func ContractDocument(c report.ContractDoc, o Options) *Document {
	k := c.Contract
	prov := c.Market.Province
	d := o.doc("kontrak-"+strconv.FormatInt(k.ID, 10), o.t("report.contract_title", k.ID), c.Audit)
	d.Subtitle = c.Market.Name + " · " + c.Session.Title
	unit := c.Commodity.Unit
	if unit != "" {
		unit = o.t("unit." + unit)
	}
	party := func(org niaga.Organization) string { return org.Name + " (" + province(org.Province) + ")" }
	d.Facts = []Fact{
		{o.t("report.contract_number"), T(strconv.FormatInt(k.ID, 10))},
		{o.t("report.contract_date"), T(localTime(k.CreatedAt, prov, o.Lang, true))},
		{o.t("report.seller"), T(party(c.Seller))},
		{o.t("report.buyer"), T(party(c.Buyer))},
		{o.t("report.organizer"), T(party(c.Organizer))},
		{o.t("report.commodity"), T(c.Commodity.Name(o.Lang) + ", " + o.t("report.grade") + " " + k.Grade)},
		{o.t("report.quantity"), T(niaga.FormatInt(k.Quantity, o.Lang) + " " + unit)},
		{o.t("report.price_unit", unit), M(k.Price)},
		{o.t("report.value"), M(k.Value)},
		{o.t("report.buyer_fee"), M(k.BuyerFee)},
		{o.t("report.seller_fee"), M(k.SellerFee)},
		{o.t("report.deposit_locked"), M(k.DepositLocked)},
	}
	if k.Adjustment != 0 {
		d.Facts = append(d.Facts, Fact{o.t("report.adjustment"), M(k.Adjustment)}, Fact{o.t("report.settled_value"), M(k.Value + k.Adjustment)})
	}
	d.Facts = append(d.Facts,
		Fact{o.t("report.mechanism"), T(o.t("mech." + c.Lot.Mechanism))},
		Fact{o.t("report.origin"), T(c.Lot.Origin)},
		Fact{o.t("report.receipt"), T(orDash(c.Lot.WarehouseReceipt))},
		Fact{o.t("report.delivery_terms"), T(orDash(c.Lot.DeliveryTerms))},
		Fact{o.t("report.payment_due"), T(localTime(k.PaymentDue, prov, o.Lang, true))},
		Fact{o.t("report.delivery_due"), T(localTime(k.DeliveryDue, prov, o.Lang, true))},
		Fact{o.t("report.status"), T(o.t("contract." + k.Status))},
	)
	steps := Table{Name: "steps", Title: o.t("report.t_steps"), Columns: []Column{o.col("at", "report.col_when", Text),
		o.col("status", "report.col_status", Text), o.col("by", "report.col_by", Text), o.col("note", "report.col_note", Text)}}
	adjusted := k.Adjustment != 0
	if adjusted {
		steps.Columns = append(steps.Columns, o.col("adjustment", "report.col_adjustment", Money))
	}
	for _, s := range k.Steps {
		who := c.Users[s.ActorID]
		if who == "" {
			who = o.t("report.system")
		}
		row := []Value{{Kind: Text, S: s.At.UTC().Format(time.RFC3339), H: localTime(s.At, prov, o.Lang, true)}, T(o.t("contract." + s.To)), T(who), T(s.Note)}
		if adjusted {
			row = append(row, M(s.Adjustment))
		}
		steps.Rows = append(steps.Rows, row)
	}
	d.Tables = []Table{steps}
	d.Paragraphs = []string{
		o.t("report.clause_sale", c.Seller.Name, c.Buyer.Name, niaga.FormatInt(k.Quantity, o.Lang)+" "+unit, c.Commodity.Name(o.Lang), k.Grade,
			niaga.FormatRupiah(k.Value, o.Lang)),
		o.t("report.clause_payment", localTime(k.PaymentDue, prov, o.Lang, true), niaga.FormatRupiah(k.DepositLocked, o.Lang)),
		o.t("report.clause_delivery", localTime(k.DeliveryDue, prov, o.Lang, true)),
		o.t("report.clause_market", c.Market.Name),
	}
	d.Signatures = []string{o.t("report.sign_seller") + "\n" + c.Seller.Name, o.t("report.sign_buyer") + "\n" + c.Buyer.Name,
		o.t("report.sign_organizer") + "\n" + c.Organizer.Name}
	return d
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
