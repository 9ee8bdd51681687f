package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"niaga"
)

// CSVWriter is the one CSV writer of Niaga: every CSV the server or the CLI
// writes (report and price-history downloads, `niaga report --format csv`)
// comes out of it, and no other code calls csv.NewWriter (a test keeps it
// so).
//
// It guards against CSV injection (OWASP): a spreadsheet that opens a CSV
// evaluates a cell beginning with =, +, -, @, a tab or a carriage return as
// a formula (=HYPERLINK(…) sends data away; -2+3 computes). Text cells, which
// may come from users (organization and market names, session and mission
// titles, agreement titles and parties, notes), that begin with one of these
// or with a line feed are written with a leading single quote ('=SUM(1)),
// which spreadsheets show as text and never evaluate. Numbers (Int, Money
// and Ratio values) are formatted by the writer itself with strconv and are
// never escaped: only a negative number begins with '-' there, and it stays
// a number for analysts (a balance of -5 is -5, not '-5). Header cells are
// text and escaped the same way.
type CSVWriter struct {
	cw *csv.Writer
}

// NewCSVWriter writes CSV to w; call Flush at the end.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{cw: csv.NewWriter(w)} }

// WriteText writes a record of text cells, escaping each.
func (w *CSVWriter) WriteText(cells []string) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = CSVText(c)
	}
	return w.cw.Write(rec)
}

// WriteValues writes a record of n cells from vals (blank past its end):
// numbers raw, text escaped.
func (w *CSVWriter) WriteValues(vals []Value, n int) error {
	rec := make([]string, n)
	for i := range rec {
		if i < len(vals) {
			rec[i] = vals[i].csv()
		}
	}
	return w.cw.Write(rec)
}

// Flush writes out what is buffered and reports any write error.
func (w *CSVWriter) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// CSVText is text as a CSV cell: with a leading single quote when it would
// otherwise begin with =, +, -, @, a tab, a carriage return or a line feed.
func CSVText(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r\n", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csv is the value as a CSV cell: a number raw, text escaped.
func (v Value) csv() string {
	if v.Kind == Text {
		return CSVText(v.S)
	}
	return strconv.FormatInt(v.N, 10)
}

// WriteCSV writes one table for analysts: a header of column keys, then the
// rows with raw integers (Rupiah without grouping, ratios in basis points),
// then the totals row, if any, marked "total" in its first column. Text
// cells are escaped against CSV injection (see CSVWriter).
func WriteCSV(w io.Writer, t *Table) error {
	cw := NewCSVWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Key
	}
	if err := cw.WriteText(head); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := cw.WriteValues(r, len(t.Columns)); err != nil {
			return err
		}
	}
	if t.Total != nil {
		total := append([]Value{T("total")}, t.Total[min(1, len(t.Total)):]...)
		if err := cw.WriteValues(total, len(t.Columns)); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// EnumFormat is the formats a document is written in.
var EnumFormat = niaga.NewEnum("report_format", "csv", "xlsx", "pdf")

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case "csv":
		return "text/csv; charset=utf-8"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "pdf":
		return "application/pdf"
	}
	return "application/json"
}

// Write renders d in a format ("csv" writes the named table, or the first).
func Write(w io.Writer, d *Document, format, table string) error {
	switch format {
	case "csv":
		t, ok := d.Table(table)
		if !ok {
			return niaga.Invalid("table", "one of "+strings.Join(d.TableNames(), ", "))
		}
		return WriteCSV(w, t)
	case "xlsx":
		return WriteXLSX(w, d)
	case "pdf":
		return WritePDF(w, d)
	}
	return niaga.Invalid("format", "csv, xlsx or pdf")
}
