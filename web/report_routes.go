package web

import (
	"strings"

	"niaga"
	"niaga/report/export"
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
			api((*Server).programmeReport)},
		{Route{Method: "GET", Path: "/api/v1/reports/missions/{id}", ID: "missionReport", Summary: "A mission's report: committed, validated and realized value by commodity, kind, side and direction, with the audit chain head", Tag: tag, Policy: &Public},
			api((*Server).missionReport)},
		{Route{Method: "GET", Path: "/api/v1/reports/markets/{id}", ID: "marketReport", Summary: "A market's report over the sessions starting in a period (dates in WIB): lots, bids, contracts by session, commodity and grade", Tag: tag, Policy: &Public, Query: periodQuery},
			api((*Server).marketReport)},
		{Route{Method: "GET", Path: "/api/v1/reports/sessions/{id}", ID: "sessionReport", Summary: "A session's report: lots, bids and contracts by market, commodity and grade", Tag: tag, Policy: &Public},
			api((*Server).sessionReport)},
		{Route{Method: "GET", Path: "/api/v1/reports/commodities", ID: "commodityReport", Summary: "Auction contracts and mission deals per commodity over a period (dates in WIB)", Tag: tag, Policy: &Public, Query: periodQuery},
			api((*Server).commodityReport)},
		{Route{Method: "GET", Path: "/api/v1/reports/flows", ID: "flowReport", Summary: "Origin → destination trade-flow matrices between provinces (auction contracts, mission deals, both) with row and column totals", Tag: tag, Policy: &Public, Query: periodQuery},
			api((*Server).flowReport)},
		{Route{Method: "GET", Path: "/api/v1/reports/settlement", ID: "settlementReport", Summary: "Settlement performance per market: paid on time or late, overdue, completed, defaulted (your markets; an agency its province's)", Tag: tag, Policy: &settlementViewers, Query: periodQuery,
			Errors: []niaga.Code{niaga.CodeForbidden}},
			api((*Server).settlementReport)},
		{Route{Method: "GET", Path: "/api/v1/prices/history", ID: "priceHistory", Summary: "Daily open, high, low, close and volume of auction prices per commodity, grade and province (days in the province's zone)", Tag: tag, Policy: &Public, Query: priceQuery},
			api((*Server).priceHistory)},
		{Route{Method: "GET", Path: "/api/v1/prices/history.csv", ID: "priceHistoryCsv", Summary: "The price history as CSV (raw integers)", Tag: tag, Policy: &Public, Query: priceQuery, Produces: "text/csv"},
			raw((*Server).priceHistoryCsv)},
		{Route{Method: "GET", Path: "/api/v1/contracts/{id}/document.pdf", ID: "contractDocument", Summary: "The contract document of a sale, as PDF (its parties, the market's organizer, the admin)", Tag: tag, Policy: &documentParties, Produces: "application/pdf",
			Doc: "Found only by the contract's parties, the market's organizer and the admin (404 for others)."},
			raw((*Server).contractDocument)},
	}
}

// reportDoc computes a report as a document for a download route.
type reportDoc func(s *Server, c *Call, o export.Options) (*export.Document, error)

// reportDownload is a report that downloads in every format of
// reportDownloads, at its path with the format as extension.
type reportDownload struct {
	path, id, summary string
	policy            *Policy
	query             []Param
	doc               reportDoc
}

// reportDownloadTable lists the downloadable reports; the operation ids
// get the format as suffix (programmeReportCsv, …).
func reportDownloadTable() []reportDownload {
	return []reportDownload{
		{"/api/v1/reports/missions", "programmeReport", "The missions programme", &Public, nil, (*Server).programmeDoc},
		{"/api/v1/reports/missions/{id}/report", "missionReport", "A mission's report (the PDF with totals, tables and a chart)", &Public, nil, (*Server).missionDoc},
		{"/api/v1/reports/markets/{id}/report", "marketReport", "A market's report", &Public, periodQuery, (*Server).marketDoc},
		{"/api/v1/reports/sessions/{id}/report", "sessionReport", "A session's report", &Public, nil, (*Server).sessionDoc},
		{"/api/v1/reports/commodities", "commodityReport", "The per-commodity report", &Public, periodQuery, (*Server).commoditiesDoc},
		{"/api/v1/reports/flows", "flowReport", "The trade-flow matrix of one source (auction, mission or all)", &Public, append(append([]Param(nil), periodQuery...), flowSourceQuery), (*Server).flowsDoc},
		{"/api/v1/reports/settlement", "settlementReport", "Settlement performance per market", &settlementViewers, periodQuery, (*Server).settlementDoc},
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
				raw(func(s *Server, c *Call) error {
					doc, err := d.doc(s, c, s.reportOptions(c))
					if err != nil {
						return err
					}
					return download(c, doc, format)
				})})
		}
	}
	return table
}

// routeReports registers the reports API and the report downloads.
func (s *Server) routeReports() {
	s.handleAll(reportRoutes())
	s.handleAll(downloadRoutes())
}
