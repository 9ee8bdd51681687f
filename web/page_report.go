package web

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"niaga"
	"niaga/report"
	"niaga/report/export"
	"niaga/report/kinds"
)

// Report pages show the same documents the exports render: the facts, a
// chart, the tables (long ones cut, with the downloads for all of it) and
// the audit chain head the figures were read at.

// reportRowsShown is how many rows a report page shows per table.
const reportRowsShown = 200

type reportCell struct {
	Text string
	Num  bool
	Href string
}

type reportTable struct {
	Name, Title string
	Head        []reportCell
	Rows        [][]reportCell
	Total       []reportCell
	Shown, All  int64
	CSV         string // this table as CSV
}

type reportLink struct{ Key, Href string }

type reportMarket struct {
	Name, Province, Href string
}

type reportOption struct {
	Value, Label string
	Selected     bool
}

// reportForm is a report's filter form; empty option lists hide fields.
type reportForm struct {
	Action      string
	From, To    string
	Grade       string
	Sources     []reportOption
	Commodities []reportOption
	Provinces   []reportOption
	Prices      bool
}

type reportView struct {
	Doc       *export.Document
	Facts     []reportCell // label in Href, value in Text
	Tables    []reportTable
	Chart     string // JSON for report.js, "" without a chart
	Downloads []reportLink
	Links     []reportLink // other reports (index)
	Markets   []reportMarket
	Form      *reportForm
	Crumb     bool
}

// links: code columns that make the next column a link to a report.
var reportLinks = map[string]string{"mission_id": "/reports/missions/", "session_id": "/reports/sessions/", "market_id": "/reports/markets/"}

func (s *Server) reportView(c *PageCall, d *export.Document, api string, query url.Values) *reportView {
	v := &reportView{Doc: d, Crumb: true}
	for _, f := range d.Facts {
		v.Facts = append(v.Facts, reportCell{Href: f.Label, Text: f.Value.Format(c.Lang), Num: f.Value.Kind != export.Text})
	}
	qs := ""
	if e := query.Encode(); e != "" {
		qs = "?" + e
	}
	for _, f := range reportDownloads {
		v.Downloads = append(v.Downloads, reportLink{Key: "report.download_" + f, Href: api + "." + f + qs})
	}
	for _, t := range d.Tables {
		v.Tables = append(v.Tables, s.reportTable(c, &t, api, query))
	}
	if d.Chart != nil {
		b, _ := json.Marshal(map[string]any{"title": d.Chart.Title, "line": d.Chart.Line, "labels": d.Chart.Labels, "values": d.Chart.Values,
			"money": d.Chart.Money, "lang": c.Lang, "currency": strings.TrimSuffix(niaga.FormatRupiah(0, c.Lang), "0")})
		v.Chart = string(b)
	}
	return v
}

func (s *Server) reportTable(c *PageCall, t *export.Table, api string, query url.Values) reportTable {
	q := url.Values{}
	for k, vs := range query {
		q[k] = vs
	}
	q.Set("table", t.Name)
	rt := reportTable{Name: t.Name, Title: t.Title, All: int64(len(t.Rows)), CSV: api + ".csv?" + q.Encode()}
	var cols []int
	link := map[int]string{} // column → link prefix, from the code column before it
	for i, col := range t.Columns {
		if col.CSVOnly {
			if p, ok := reportLinks[col.Key]; ok && i+1 < len(t.Columns) {
				link[i+1] = p
			}
			continue
		}
		cols = append(cols, i)
		rt.Head = append(rt.Head, reportCell{Text: col.Label, Num: col.Kind != export.Text})
	}
	cells := func(vals []export.Value, links bool) []reportCell {
		out := make([]reportCell, 0, len(cols))
		for _, i := range cols {
			var cell reportCell
			if i < len(vals) {
				cell = reportCell{Text: vals[i].Format(c.Lang), Num: vals[i].Kind != export.Text}
				if p, ok := link[i]; ok && links && i > 0 && vals[i-1].S != "" {
					cell.Href = p + vals[i-1].S
				}
			}
			out = append(out, cell)
		}
		return out
	}
	for _, r := range t.Rows[:min(len(t.Rows), reportRowsShown)] {
		rt.Rows = append(rt.Rows, cells(r, true))
	}
	rt.Shown = int64(len(rt.Rows))
	if t.Total != nil {
		rt.Total = cells(t.Total, false)
	}
	return rt
}

func (s *Server) renderReport(c *PageCall, v *reportView) error {
	return c.Render(0, "report", "report.index_title", v, func(vw *view) {
		vw.Title = v.Doc.Title
		if v.Doc.Subtitle != "" {
			vw.Title = v.Doc.Subtitle + " · " + v.Doc.Title
		}
		if v.Chart != "" {
			vw.Scripts = []string{"vendor/chart.umd.min.js", "report.js"}
		}
	})
}

// pagePeriod reads from and to (dates in WIB) and keeps them for links.
func pagePeriod(c *PageCall, q url.Values) (report.Period, *reportForm) {
	f := &reportForm{Action: c.R.URL.Path, From: c.R.URL.Query().Get("from"), To: c.R.URL.Query().Get("to")}
	p, err := report.ParsePeriod(f.From, f.To)
	if err != nil {
		c.Fail(err)
		f.From, f.To, p = "", "", report.Period{}
	}
	if f.From != "" {
		q.Set("from", f.From)
	}
	if f.To != "" {
		q.Set("to", f.To)
	}
	return p, f
}

func (c *PageCall) reportOptions(s *Server) export.Options {
	cs, err := s.db.Commodities(c)
	if err != nil {
		cs = niaga.SeedCommodities
	}
	return ReportOptions(c.Lang, cs)
}

// pageReports is the reports index: the missions programme per year and
// cumulative, every mission, and the other reports.
func (s *Server) pageReports(c *PageCall) error {
	_, doc, err := kinds.Programme.Build(c, s.ro, kinds.Params{}, c.reportOptions(s))
	if err != nil {
		return err
	}
	v := s.reportView(c, doc, "/api/v1/reports/missions", url.Values{})
	v.Crumb = false
	v.Links = []reportLink{{"report.link_flows", "/reports/flows"}, {"report.link_commodities", "/reports/commodities"}, {"report.link_prices", "/reports/prices"}}
	if settlementViewers.Allows(roleOfActor(c.Actor)) {
		v.Links = append(v.Links, reportLink{"report.link_settlement", "/reports/settlement"})
	}
	markets, err := s.db.Markets(c)
	if err != nil {
		return err
	}
	for _, m := range markets {
		v.Markets = append(v.Markets, reportMarket{Name: m.Name, Province: m.Province, Href: "/reports/markets/" + strconv.FormatInt(m.ID, 10)})
	}
	return s.renderReport(c, v)
}

func roleOfActor(a *niaga.Actor) niaga.Role {
	if a == nil {
		return ""
	}
	return a.Role
}

// pageReport renders a report kind with the parameters the page read; api
// is the download path the page links to, q the query the links keep.
func (s *Server) pageReport(c *PageCall, k kinds.Entry, p kinds.Params, api string, q url.Values, form *reportForm) error {
	p.Actor = c.Actor
	_, doc, err := k.Build(c, s.ro, p, c.reportOptions(s))
	if err != nil {
		return err
	}
	v := s.reportView(c, doc, api, q)
	v.Form = form
	return s.renderReport(c, v)
}

func (s *Server) pageMissionReport(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return s.pageReport(c, kinds.Mission, kinds.Params{ID: id}, "/api/v1/reports/missions/"+strconv.FormatInt(id, 10)+"/report", url.Values{}, nil)
}

func (s *Server) pageMarketReport(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	q := url.Values{}
	p, form := pagePeriod(c, q)
	return s.pageReport(c, kinds.Market, kinds.Params{ID: id, Period: p}, "/api/v1/reports/markets/"+strconv.FormatInt(id, 10)+"/report", q, form)
}

func (s *Server) pageSessionReport(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return s.pageReport(c, kinds.Session, kinds.Params{ID: id}, "/api/v1/reports/sessions/"+strconv.FormatInt(id, 10)+"/report", url.Values{}, nil)
}

func (s *Server) pageCommodityReport(c *PageCall) error {
	q := url.Values{}
	p, form := pagePeriod(c, q)
	return s.pageReport(c, kinds.Commodities, kinds.Params{Period: p}, "/api/v1/reports/commodities", q, form)
}

func (s *Server) pageFlowReport(c *PageCall) error {
	q := url.Values{}
	p, form := pagePeriod(c, q)
	source := c.R.URL.Query().Get("source")
	if !slices.Contains(kinds.Sources, source) {
		source = kinds.Sources[0]
	}
	if source != kinds.Sources[0] {
		q.Set("source", source)
	}
	for _, x := range kinds.Sources {
		form.Sources = append(form.Sources, reportOption{Value: x, Label: c.T("report.source_" + x), Selected: x == source})
	}
	return s.pageReport(c, kinds.Flows, kinds.Params{Period: p, Source: source}, "/api/v1/reports/flows", q, form)
}

func (s *Server) pageSettlementReport(c *PageCall) error {
	q := url.Values{}
	p, form := pagePeriod(c, q)
	return s.pageReport(c, kinds.Settlement, kinds.Params{Period: p}, "/api/v1/reports/settlement", q, form)
}

// pagePriceReport is the daily price history of one commodity (by default
// the most traded), optionally one grade and province.
func (s *Server) pagePriceReport(c *PageCall) error {
	q := url.Values{}
	p, form := pagePeriod(c, q)
	in := c.R.URL.Query()
	o := c.reportOptions(s)
	f := report.PriceFilter{Commodity: in.Get("commodity"), Grade: strings.TrimSpace(in.Get("grade")), Province: in.Get("province"), Period: p}
	if _, ok := o.Commodities[f.Commodity]; !ok {
		f.Commodity, f.Grade = "beras", ""
	}
	if _, ok := niaga.ProvinceByCode(f.Province); !ok {
		f.Province = ""
	}
	h, err := kinds.Prices.Data(c, s.ro, kinds.Params{Period: p, Prices: f})
	if err != nil {
		c.Fail(err)
		f.Grade = ""
		if h, err = kinds.Prices.Data(c, s.ro, kinds.Params{Period: p, Prices: f}); err != nil {
			return err
		}
	}
	q.Set("commodity", f.Commodity)
	for k, v := range map[string]string{"grade": f.Grade, "province": f.Province} {
		if v != "" {
			q.Set(k, v)
		}
	}
	form.Prices, form.Grade = true, f.Grade
	for _, com := range niaga.SeedCommodities {
		form.Commodities = append(form.Commodities, reportOption{Value: com.Code, Label: o.Commodities[com.Code].Name(c.Lang), Selected: com.Code == f.Commodity})
	}
	form.Provinces = append(form.Provinces, reportOption{Value: "", Label: c.T("report.all"), Selected: f.Province == ""})
	for _, pr := range niaga.Provinces() {
		form.Provinces = append(form.Provinces, reportOption{Value: pr.Code, Label: pr.Name, Selected: pr.Code == f.Province})
	}
	v := s.reportView(c, export.PricesDoc(h, o), "/api/v1/prices/history", q)
	v.Downloads = v.Downloads[:1] // the price history downloads as CSV
	v.Form = form
	for i := range v.Tables {
		v.Tables[i].CSV = ""
	}
	return s.renderReport(c, v)
}
