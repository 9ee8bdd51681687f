package web

import (
	"strings"

	"niaga"
	"niaga/report/export"
	"niaga/report/kinds"
)

// Who may see settlement performance and a sale's contract document.
var (
	settlementViewers = Only(niaga.RoleOrganizer, niaga.RoleAgency, niaga.RoleAdmin)
	documentParties   = Only(niaga.RoleOrganizer, niaga.RoleBusiness, niaga.RoleAdmin)
)

const reportsTag = "reports"

// The reports' parameters, declared once.
var (
	periodQuery = []Param{
		{Name: "from", Kind: DateParam, Doc: "First day of the period (a WIB date); absent: from the beginning."},
		{Name: "to", Kind: DateParam, Doc: "Last day of the period, included (a WIB date); absent: up to now. Not before from."},
	}
	priceQuery = append([]Param{
		{Name: "commodity", Doc: "Only this commodity code (see listCommodities)."},
		{Name: "grade", Doc: "Only this grade of the commodity (give the commodity too)."},
		{Name: "province", Doc: "Only the markets of this province code."},
	}, periodQuery...)
	csvTableQuery   = Param{Name: "table", Doc: "Which table of the document the CSV holds (its name); by default the first. An unknown name is refused, naming the tables there are."}
	flowSourceQuery = Param{Name: "source", Enum: "flow_source", Doc: "Which channel's flows: auction contracts, mission deals, or all (default)."}
)

// reportRoutes is the reports API: published figures (public), the
// settlement performance of markets (organizers, agencies, the admin), the
// price history and a sale's contract document (its parties). Handlers are
// in report.go.
func reportRoutes() []endpoint {
	const tag = reportsTag
	return []endpoint{
		{Route{Method: "GET", Path: "/api/v1/reports/missions", ID: "programmeReport", Summary: "Every mission with committed, validated and realized value; totals per year and cumulative since the first mission, next to auction contracts", Tag: tag, Policy: &Public},
			api(reportJSON(kinds.Programme))},
		{Route{Method: "GET", Path: "/api/v1/reports/missions/{id}", ID: "missionReport", Summary: "A mission's report: committed, validated and realized value by commodity, kind, side and direction, with the audit chain head", Tag: tag, Policy: &Public},
			api(reportJSON(kinds.Mission))},
		{Route{Method: "GET", Path: "/api/v1/reports/markets/{id}", ID: "marketReport", Summary: "A market's report over the sessions starting in a period (dates in WIB): lots, bids, contracts by session, commodity and grade", Tag: tag, Policy: &Public, Query: periodQuery},
			api(reportJSON(kinds.Market))},
		{Route{Method: "GET", Path: "/api/v1/reports/sessions/{id}", ID: "sessionReport", Summary: "A session's report: lots, bids and contracts by market, commodity and grade", Tag: tag, Policy: &Public},
			api(reportJSON(kinds.Session))},
		{Route{Method: "GET", Path: "/api/v1/reports/commodities", ID: "commodityReport", Summary: "Auction contracts and mission deals per commodity over a period (dates in WIB)", Tag: tag, Policy: &Public, Query: periodQuery},
			api(reportJSON(kinds.Commodities))},
		{Route{Method: "GET", Path: "/api/v1/reports/flows", ID: "flowReport", Summary: "Origin → destination trade-flow matrices between provinces (auction contracts, mission deals, both) with row and column totals", Tag: tag, Policy: &Public, Query: periodQuery},
			api(reportJSON(kinds.Flows))},
		{Route{Method: "GET", Path: "/api/v1/reports/settlement", ID: "settlementReport", Summary: "Settlement performance per market: paid on time or late, overdue, completed, defaulted (your markets; an agency its province's)", Tag: tag, Policy: &settlementViewers, Query: periodQuery,
			Errors: []niaga.Code{niaga.CodeForbidden}},
			api(reportJSON(kinds.Settlement))},
		{Route{Method: "GET", Path: "/api/v1/prices/history", ID: "priceHistory", Summary: "Daily open, high, low, close and volume of auction prices per commodity, grade and province (days in the province's zone)", Tag: tag, Policy: &Public, Query: priceQuery},
			api(reportJSON(kinds.Prices))},
		{Route{Method: "GET", Path: "/api/v1/prices/history.csv", ID: "priceHistoryCsv", Summary: "The price history as CSV (raw integers)", Tag: tag, Policy: &Public, Query: priceQuery, Produces: "text/csv"},
			raw(reportFile(kinds.Prices, "csv", false))},
		{Route{Method: "GET", Path: "/api/v1/contracts/{id}/document.pdf", ID: "contractDocument", Summary: "The contract document of a sale, as PDF (its parties, the market's organizer, the admin)", Tag: tag, Policy: &documentParties, Produces: "application/pdf",
			Doc: "Found only by the contract's parties, the market's organizer and the admin (404 for others)."},
			raw(reportFile(kinds.Contract, "pdf", true))},
	}
}

// reportDownload is a report that downloads in every format of
// reportDownloads, at its path with the format as extension.
type reportDownload struct {
	path, id, summary string
	policy            *Policy
	query             []Param
	kind              kinds.Entry
}

// reportDownloadTable lists the downloadable reports; the operation ids
// get the format as suffix (programmeReportCsv, …).
func reportDownloadTable() []reportDownload {
	return []reportDownload{
		{"/api/v1/reports/missions", "programmeReport", "The missions programme", &Public, nil, kinds.Programme},
		{"/api/v1/reports/missions/{id}/report", "missionReport", "A mission's report (the PDF with totals, tables and a chart)", &Public, nil, kinds.Mission},
		{"/api/v1/reports/markets/{id}/report", "marketReport", "A market's report", &Public, periodQuery, kinds.Market},
		{"/api/v1/reports/sessions/{id}/report", "sessionReport", "A session's report", &Public, nil, kinds.Session},
		{"/api/v1/reports/commodities", "commodityReport", "The per-commodity report", &Public, periodQuery, kinds.Commodities},
		{"/api/v1/reports/flows", "flowReport", "The trade-flow matrix of one source (auction, mission or all)", &Public, append(append([]Param(nil), periodQuery...), flowSourceQuery), kinds.Flows},
		{"/api/v1/reports/settlement", "settlementReport", "Settlement performance per market", &settlementViewers, periodQuery, kinds.Settlement},
	}
}

// downloadRoutes expands the downloadable reports into one route per format.
func downloadRoutes() []endpoint {
	var table []endpoint
	for _, d := range reportDownloadTable() {
		for _, format := range reportDownloads {
			query := d.query
			if format == "csv" {
				query = append(append([]Param(nil), query...), csvTableQuery)
			}
			produces := strings.SplitN(export.ContentType(format), ";", 2)[0]
			table = append(table, endpoint{Route{Method: "GET", Path: d.path + "." + format, ID: d.id + strings.ToUpper(format[:1]) + format[1:],
				Summary: d.summary + " as " + strings.ToUpper(format), Tag: reportsTag, Policy: d.policy, Query: query, Produces: produces},
				raw(reportFile(d.kind, format, false))})
		}
	}
	return table
}

// routeReports registers the reports API and the report downloads.
func (s *Server) routeReports() {
	s.handleAll(reportRoutes())
	s.handleAll(downloadRoutes())
}
