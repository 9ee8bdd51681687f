package export

import (
	"encoding/csv"
	"io"
	"strings"

	"niaga"
)

// WriteCSV writes one table for analysts: a header of column keys, then the
// rows with raw integers (Rupiah without grouping, ratios in basis points),
// then the totals row, if any, marked "total" in its first column.
func WriteCSV(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Key
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, r := range t.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(r) {
				rec[i] = r[i].Raw()
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if t.Total != nil {
		for i := range rec {
			rec[i] = ""
			if i < len(t.Total) {
				rec[i] = t.Total[i].Raw()
			}
		}
		rec[0] = "total"
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

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
