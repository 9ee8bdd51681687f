package web

import (
	"bytes"
	"mime"
	"net/http"
	"time"

	"niaga"
	"niaga/report"
	"niaga/report/export"
	"niaga/store"
)

// ReportLabels translates the catalog keys of exported reports (report.*,
// with deal kinds, statuses and units) into lang, for the PDF and XLSX
// exports made here and by the command line.
func ReportLabels(lang string) export.Labels {
	cat := loadUIOnce().cat
	lang = normLang(lang)
	return func(key string, args ...any) string { return cat.T(lang, key, args...) }
}

// reportOptions are the export options of one request.
func (s *Server) reportOptions(c *Call) export.Options {
	cs, err := s.db.Commodities(c)
	if err != nil {
		cs = niaga.SeedCommodities
	}
	return ReportOptions(c.Lang(), cs)
}

// ReportOptions are export options in lang ("id" or "en") naming the
// commodities given.
func ReportOptions(lang string, commodities []niaga.Commodity) export.Options {
	o := export.Options{Lang: normLang(lang), L: ReportLabels(lang), Commodities: map[string]niaga.Commodity{}, Now: time.Now()}
	for _, c := range commodities {
		o.Commodities[c.Code] = c
	}
	return o
}

// period reads the from and to query parameters (local dates in WIB).
func period(c *Call) (report.Period, error) {
	q := c.R.URL.Query()
	return report.ParsePeriod(q.Get("from"), q.Get("to"))
}

// reportDownloads are the formats every report downloads in.
var reportDownloads = export.EnumFormat.Values

// download writes a document as an attachment in format; a CSV holds one
// table (the "table" query parameter, by default the first).
func download(c *Call, d *export.Document, format string) error {
	table := c.R.URL.Query().Get("table")
	var buf bytes.Buffer
	if err := export.Write(&buf, d, format, table); err != nil {
		return err
	}
	name := d.Name
	if format == "csv" && table != "" {
		name += "-" + table
	}
	h := c.W.Header()
	h.Set("Content-Type", export.ContentType(format))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + format}))
	h.Set("Cache-Control", "no-cache")
	c.W.WriteHeader(http.StatusOK)
	_, err := c.W.Write(buf.Bytes())
	return err
}

// The reports handlers; report_routes.go routes them.

func (s *Server) programmeReport(c *Call, _ *NoBody) (report.Programme, error) {
	return s.ro.ProgrammeReport(c)
}

func (s *Server) missionReport(c *Call, _ *NoBody) (report.Mission, error) {
	id, err := c.ID("id")
	if err != nil {
		return report.Mission{}, err
	}
	return s.ro.MissionReport(c, id)
}

func (s *Server) marketReport(c *Call, _ *NoBody) (report.Auction, error) {
	id, err := c.ID("id")
	if err != nil {
		return report.Auction{}, err
	}
	p, err := period(c)
	if err != nil {
		return report.Auction{}, err
	}
	return s.ro.AuctionReport(c, store.AuctionScope{MarketID: id, Period: p})
}

func (s *Server) sessionReport(c *Call, _ *NoBody) (report.Auction, error) {
	id, err := c.ID("id")
	if err != nil {
		return report.Auction{}, err
	}
	return s.ro.AuctionReport(c, store.AuctionScope{SessionID: id})
}

func (s *Server) commodityReport(c *Call, _ *NoBody) (report.Commodities, error) {
	p, err := period(c)
	if err != nil {
		return report.Commodities{}, err
	}
	return s.ro.CommodityReport(c, p)
}

func (s *Server) flowReport(c *Call, _ *NoBody) (report.Flows, error) {
	p, err := period(c)
	if err != nil {
		return report.Flows{}, err
	}
	return s.ro.FlowReport(c, p)
}

func (s *Server) settlementReport(c *Call, _ *NoBody) (report.Settlement, error) {
	p, err := period(c)
	if err != nil {
		return report.Settlement{}, err
	}
	return s.ro.SettlementReport(c, c.Actor, p)
}

func (s *Server) priceHistory(c *Call, _ *NoBody) (report.PriceHistory, error) {
	f, err := priceFilter(c)
	if err != nil {
		return report.PriceHistory{}, err
	}
	return s.ro.PriceHistory(c, f)
}

func (s *Server) priceHistoryCsv(c *Call) error {
	f, err := priceFilter(c)
	if err != nil {
		return err
	}
	h, err := s.ro.PriceHistory(c, f)
	if err != nil {
		return err
	}
	return download(c, export.PricesDoc(h, s.reportOptions(c)), "csv")
}

func (s *Server) contractDocument(c *Call) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	d, err := s.db.ContractDocument(c, c.Actor, id)
	if err != nil {
		return err
	}
	return download(c, export.ContractDocument(d, s.reportOptions(c)), "pdf")
}

// ---- the documents of the report downloads ----

func (s *Server) programmeDoc(c *Call, o export.Options) (*export.Document, error) {
	p, err := s.ro.ProgrammeReport(c)
	if err != nil {
		return nil, err
	}
	return export.ProgrammeDoc(p, o), nil
}

func (s *Server) missionDoc(c *Call, o export.Options) (*export.Document, error) {
	r, err := s.missionReport(c, nil)
	if err != nil {
		return nil, err
	}
	return export.MissionDoc(r, o), nil
}

func (s *Server) marketDoc(c *Call, o export.Options) (*export.Document, error) {
	a, err := s.marketReport(c, nil)
	if err != nil {
		return nil, err
	}
	return export.AuctionDoc(a, o), nil
}

func (s *Server) sessionDoc(c *Call, o export.Options) (*export.Document, error) {
	a, err := s.sessionReport(c, nil)
	if err != nil {
		return nil, err
	}
	return export.AuctionDoc(a, o), nil
}

func (s *Server) commoditiesDoc(c *Call, o export.Options) (*export.Document, error) {
	r, err := s.commodityReport(c, nil)
	if err != nil {
		return nil, err
	}
	return export.CommoditiesDoc(r, o), nil
}

func (s *Server) flowsDoc(c *Call, o export.Options) (*export.Document, error) {
	p, err := period(c)
	if err != nil {
		return nil, err
	}
	source := c.R.URL.Query().Get("source")
	if source == "" {
		source = export.SourceAll
	}
	if !export.EnumFlowSource.Has(source) {
		return nil, niaga.Invalid("source", export.EnumFlowSource.Reason())
	}
	f, err := s.ro.FlowReport(c, p)
	if err != nil {
		return nil, err
	}
	return export.FlowsDoc(f, source, o), nil
}

func (s *Server) settlementDoc(c *Call, o export.Options) (*export.Document, error) {
	r, err := s.settlementReport(c, nil)
	if err != nil {
		return nil, err
	}
	return export.SettlementDoc(r, o), nil
}

// priceFilter reads the price history's query parameters.
func priceFilter(c *Call) (report.PriceFilter, error) {
	q := c.R.URL.Query()
	p, err := period(c)
	return report.PriceFilter{Commodity: q.Get("commodity"), Grade: q.Get("grade"), Province: q.Get("province"), Period: p}, err
}
