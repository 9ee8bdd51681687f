package web

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
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
var reportDownloads = []string{"csv", "xlsx", "pdf"}

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

// reportDoc computes a report as a document for a download route.
type reportDoc func(c *Call, o export.Options) (*export.Document, error)

// routeReports registers the reports API: published figures (public), the
// settlement performance of markets (organizers, agencies, the admin), the
// price history and a sale's contract document (its parties).
func (s *Server) routeReports() {
	settlement := Only(niaga.RoleOrganizer, niaga.RoleAgency, niaga.RoleAdmin)
	parties := Only(niaga.RoleOrganizer, niaga.RoleBusiness, niaga.RoleAdmin)
	const tag = "reports"
	periodQuery := []string{"from", "to"}

	Handle(s, Route{Method: "GET", Path: "/api/v1/reports/missions", ID: "programmeReport", Summary: "Every mission with committed, validated and realized value; totals per year and cumulative since the first mission, next to auction contracts", Tag: tag, Policy: &Public},
		func(c *Call, _ *NoBody) (report.Programme, error) { return s.ro.ProgrammeReport(c) })
	Handle(s, Route{Method: "GET", Path: "/api/v1/reports/missions/{id}", ID: "missionReport", Summary: "A mission's report: committed, validated and realized value by commodity, kind, side and direction, with the audit chain head", Tag: tag, Policy: &Public},
		func(c *Call, _ *NoBody) (report.Mission, error) {
			id, err := c.ID("id")
			if err != nil {
				return report.Mission{}, err
			}
			return s.ro.MissionReport(c, id)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/reports/markets/{id}", ID: "marketReport", Summary: "A market's report over the sessions starting in a period (dates in WIB): lots, bids, contracts by session, commodity and grade", Tag: tag, Policy: &Public, Query: periodQuery},
		func(c *Call, _ *NoBody) (report.Auction, error) {
			id, err := c.ID("id")
			if err != nil {
				return report.Auction{}, err
			}
			p, err := period(c)
			if err != nil {
				return report.Auction{}, err
			}
			return s.ro.AuctionReport(c, store.AuctionScope{MarketID: id, Period: p})
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/reports/sessions/{id}", ID: "sessionReport", Summary: "A session's report: lots, bids and contracts by market, commodity and grade", Tag: tag, Policy: &Public},
		func(c *Call, _ *NoBody) (report.Auction, error) {
			id, err := c.ID("id")
			if err != nil {
				return report.Auction{}, err
			}
			return s.ro.AuctionReport(c, store.AuctionScope{SessionID: id})
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/reports/commodities", ID: "commodityReport", Summary: "Auction contracts and mission deals per commodity over a period (dates in WIB)", Tag: tag, Policy: &Public, Query: periodQuery},
		func(c *Call, _ *NoBody) (report.Commodities, error) {
			p, err := period(c)
			if err != nil {
				return report.Commodities{}, err
			}
			return s.ro.CommodityReport(c, p)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/reports/flows", ID: "flowReport", Summary: "Origin → destination trade-flow matrices between provinces (auction contracts, mission deals, both) with row and column totals", Tag: tag, Policy: &Public, Query: periodQuery},
		func(c *Call, _ *NoBody) (report.Flows, error) {
			p, err := period(c)
			if err != nil {
				return report.Flows{}, err
			}
			return s.ro.FlowReport(c, p)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/reports/settlement", ID: "settlementReport", Summary: "Settlement performance per market: paid on time or late, overdue, completed, defaulted (your markets; an agency its province's)", Tag: tag, Policy: &settlement, Query: periodQuery},
		func(c *Call, _ *NoBody) (report.Settlement, error) {
			p, err := period(c)
			if err != nil {
				return report.Settlement{}, err
			}
			return s.ro.SettlementReport(c, c.Actor, p)
		})
	priceQuery := []string{"commodity", "grade", "province", "from", "to"}
	Handle(s, Route{Method: "GET", Path: "/api/v1/prices/history", ID: "priceHistory", Summary: "Daily open, high, low, close and volume of auction prices per commodity, grade and province (days in the province's zone)", Tag: tag, Policy: &Public, Query: priceQuery},
		func(c *Call, _ *NoBody) (report.PriceHistory, error) {
			f, err := priceFilter(c)
			if err != nil {
				return report.PriceHistory{}, err
			}
			return s.ro.PriceHistory(c, f)
		})
	HandleRaw(s, Route{Method: "GET", Path: "/api/v1/prices/history.csv", ID: "priceHistoryCsv", Summary: "The price history as CSV (raw integers)", Tag: tag, Policy: &Public, Query: priceQuery, Produces: "text/csv"},
		func(c *Call) error {
			f, err := priceFilter(c)
			if err != nil {
				return err
			}
			h, err := s.ro.PriceHistory(c, f)
			if err != nil {
				return err
			}
			return download(c, export.PricesDoc(h, s.reportOptions(c)), "csv")
		})
	HandleRaw(s, Route{Method: "GET", Path: "/api/v1/contracts/{id}/document.pdf", ID: "contractDocument", Summary: "The contract document of a sale, as PDF (its parties, the market's organizer, the admin)", Tag: tag, Policy: &parties, Produces: "application/pdf"},
		func(c *Call) error {
			id, err := c.ID("id")
			if err != nil {
				return err
			}
			d, err := s.db.ContractDocument(c, c.Actor, id)
			if err != nil {
				return err
			}
			return download(c, export.ContractDocument(d, s.reportOptions(c)), "pdf")
		})

	downloads := []struct {
		path, id, summary string
		policy            *Policy
		query             []string
		doc               reportDoc
	}{
		{"/api/v1/reports/missions", "programmeReport", "The missions programme", &Public, nil,
			func(c *Call, o export.Options) (*export.Document, error) {
				p, err := s.ro.ProgrammeReport(c)
				return export.ProgrammeDoc(p, o), err
			}},
		{"/api/v1/reports/missions/{id}/report", "missionReport", "A mission's report (the PDF with totals, tables and a chart)", &Public, nil,
			func(c *Call, o export.Options) (*export.Document, error) {
				id, err := c.ID("id")
				if err != nil {
					return nil, err
				}
				r, err := s.ro.MissionReport(c, id)
				return export.MissionDoc(r, o), err
			}},
		{"/api/v1/reports/markets/{id}/report", "marketReport", "A market's report", &Public, periodQuery,
			func(c *Call, o export.Options) (*export.Document, error) {
				id, err := c.ID("id")
				if err != nil {
					return nil, err
				}
				p, err := period(c)
				if err != nil {
					return nil, err
				}
				a, err := s.ro.AuctionReport(c, store.AuctionScope{MarketID: id, Period: p})
				return export.AuctionDoc(a, o), err
			}},
		{"/api/v1/reports/sessions/{id}/report", "sessionReport", "A session's report", &Public, nil,
			func(c *Call, o export.Options) (*export.Document, error) {
				id, err := c.ID("id")
				if err != nil {
					return nil, err
				}
				a, err := s.ro.AuctionReport(c, store.AuctionScope{SessionID: id})
				return export.AuctionDoc(a, o), err
			}},
		{"/api/v1/reports/commodities", "commodityReport", "The per-commodity report", &Public, periodQuery,
			func(c *Call, o export.Options) (*export.Document, error) {
				p, err := period(c)
				if err != nil {
					return nil, err
				}
				r, err := s.ro.CommodityReport(c, p)
				return export.CommoditiesDoc(r, o), err
			}},
		{"/api/v1/reports/flows", "flowReport", "The trade-flow matrix of one source (auction, mission or all)", &Public, append(periodQuery, "source"),
			func(c *Call, o export.Options) (*export.Document, error) {
				p, err := period(c)
				if err != nil {
					return nil, err
				}
				source := c.R.URL.Query().Get("source")
				switch source {
				case "":
					source = export.SourceAll
				case export.SourceAll, export.SourceAuction, export.SourceMission:
				default:
					return nil, niaga.Invalid("source", "all, auction or mission")
				}
				f, err := s.ro.FlowReport(c, p)
				return export.FlowsDoc(f, source, o), err
			}},
		{"/api/v1/reports/settlement", "settlementReport", "Settlement performance per market", &settlement, periodQuery,
			func(c *Call, o export.Options) (*export.Document, error) {
				p, err := period(c)
				if err != nil {
					return nil, err
				}
				r, err := s.ro.SettlementReport(c, c.Actor, p)
				return export.SettlementDoc(r, o), err
			}},
	}
	for _, d := range downloads {
		for _, format := range reportDownloads {
			query := d.query
			if format == "csv" {
				query = append(append([]string(nil), query...), "table")
			}
			produces := strings.SplitN(export.ContentType(format), ";", 2)[0]
			HandleRaw(s, Route{Method: "GET", Path: d.path + "." + format, ID: d.id + strings.ToUpper(format[:1]) + format[1:],
				Summary: d.summary + " as " + strings.ToUpper(format), Tag: tag, Policy: d.policy, Query: query, Produces: produces},
				func(c *Call) error {
					doc, err := d.doc(c, s.reportOptions(c))
					if err != nil {
						return err
					}
					return download(c, doc, format)
				})
		}
	}
}

// priceFilter reads the price history's query parameters.
func priceFilter(c *Call) (report.PriceFilter, error) {
	q := c.R.URL.Query()
	p, err := period(c)
	return report.PriceFilter{Commodity: q.Get("commodity"), Grade: q.Get("grade"), Province: q.Get("province"), Period: p}, err
}
