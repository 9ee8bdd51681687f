package web

import (
	"bytes"
	"mime"
	"net/http"
	"time"

	"niaga"
	"niaga/report"
	"niaga/report/export"
	"niaga/report/kinds"
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

// reportParams reads the parameters a report kind takes from the query
// (from and to are local dates in WIB) and the path's id.
func reportParams(c *Call, takes kinds.Takes) (kinds.Params, error) {
	q := c.R.URL.Query()
	p := kinds.Params{Actor: c.Actor, Source: q.Get("source"),
		Prices: report.PriceFilter{Commodity: q.Get("commodity"), Grade: q.Get("grade"), Province: q.Get("province")}}
	var err error
	if takes.Has(kinds.TakesID) {
		if p.ID, err = c.ID("id"); err != nil {
			return p, err
		}
	}
	if takes.Has(kinds.TakesPeriod) {
		p.Period, err = report.ParsePeriod(q.Get("from"), q.Get("to"))
	}
	return p, err
}

// reportJSON serves a report kind as JSON. Reports read the replica when
// there is one; a contract document, an authorized read of the parties'
// data, always reads the primary.
func reportJSON[T any](k *kinds.Kind[T]) func(s *Server, c *Call, _ *NoBody) (T, error) {
	return func(s *Server, c *Call, _ *NoBody) (T, error) {
		p, err := reportParams(c, k.Takes())
		if err != nil {
			var zero T
			return zero, err
		}
		return k.Data(c, s.ro, p)
	}
}

// reportFile serves a report kind as a download in format.
func reportFile(k kinds.Entry, format string, primary bool) func(s *Server, c *Call) error {
	return func(s *Server, c *Call) error {
		p, err := reportParams(c, k.Takes())
		if err != nil {
			return err
		}
		db := s.ro
		if primary {
			db = s.db
		}
		_, doc, err := k.Build(c, db, p, s.reportOptions(c))
		if err != nil {
			return err
		}
		return download(c, doc, format)
	}
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
