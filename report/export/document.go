// Package export renders reports as documents people keep: CSV with raw
// integers for analysts, XLSX with Rupiah number formats for spreadsheets,
// and PDF (the mission report with totals, tables and a chart; the contract
// document of a sale) for print. The three share one Document model, built
// from a report in one language; human formats use Indonesian number
// formatting (Rp 1.234.567) or English (IDR 1,234,567) by that language.
package export

import (
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/report"
)

// Kind says how a value is stored and shown.
type Kind uint8

// Value kinds.
const (
	Text  Kind = iota
	Int        // a count or quantity
	Money      // whole Rupiah
	Ratio      // basis points (10000 = 100 %)
)

// Value is one cell: a number of some kind, or text.
type Value struct {
	Kind Kind
	N    int64
	S    string
	// Dash shows a zero as "–" in human formats (empty matrix cells).
	Dash bool
	// H, when set, is how people read a text value (a date written
	// 2006-01-02 in CSV reads "13 Apr 2022").
	H string
}

// D is a date value: ISO in CSV, in the document's language elsewhere.
func (o Options) D(iso string) Value {
	if iso == "" {
		return blank()
	}
	return Value{Kind: Text, S: iso, H: o.date(iso)}
}

// T, I, M and R make text, integer, money and ratio values.
func T(s string) Value      { return Value{Kind: Text, S: s} }
func I(n int64) Value       { return Value{Kind: Int, N: n} }
func M(n int64) Value       { return Value{Kind: Money, N: n} }
func R(bp int64) Value      { return Value{Kind: Ratio, N: bp} }
func blank() Value          { return Value{Kind: Text} }
func (v Value) isNum() bool { return v.Kind != Text }

// Format is the value as people read it in lang.
func (v Value) Format(lang string) string {
	if v.Dash && v.N == 0 && v.Kind != Text {
		return "–"
	}
	if v.H != "" {
		return v.H
	}
	switch v.Kind {
	case Int:
		return niaga.FormatInt(v.N, lang)
	case Money:
		return niaga.FormatRupiah(v.N, lang)
	case Ratio:
		return FormatBP(v.N, lang)
	}
	return v.S
}

// FormatBP renders basis points as a percentage with two decimals:
// "12,34 %" in Indonesian, "12.34%" in English.
func FormatBP(bp int64, lang string) string {
	neg := bp < 0
	if neg {
		bp = -bp
	}
	s := niaga.FormatInt(bp/100, lang)
	frac := strconv.FormatInt(bp%100+100, 10)[1:]
	sign := ""
	if neg {
		sign = "-"
	}
	if lang == "en" {
		return sign + s + "." + frac + "%"
	}
	return sign + s + "," + frac + " %"
}

// Column is a table column: a machine key (the CSV header), a label and the
// kind of its values.
type Column struct {
	Key   string
	Label string
	Kind  Kind
	// CSVOnly columns (codes next to names) are left out of human formats.
	CSVOnly bool
}

// Table is a titled table; Total, when set, is its totals row.
type Table struct {
	Name    string // machine name: "by_commodity", "matrix"…
	Title   string
	Columns []Column
	Rows    [][]Value
	Total   []Value
}

// Fact is one labelled figure of a document's summary.
type Fact struct {
	Label string
	Value Value
}

// Chart is a bar chart (or a line for a series over time) of one figure.
type Chart struct {
	Title  string
	Line   bool
	Labels []string
	Values []int64
	Money  bool
}

// Document is a report ready to render.
type Document struct {
	Name       string // file name without extension: "laporan-misi-12"
	Lang       string
	Title      string
	Subtitle   string
	Facts      []Fact
	Chart      *Chart
	Tables     []Table
	Paragraphs []string // running text (a contract's clauses)
	Signatures []string // signature blocks, one per party
	AuditLabel string   // "Audit chain head" in the document's language
	AuditText  string   // how to use it
	Audit      report.AuditHead
	Generated  time.Time
	Footer     string
	notes      map[string]string // renderer messages in the document's language
}

// Table returns the named table, or the first when name is empty.
func (d *Document) Table(name string) (*Table, bool) {
	for i := range d.Tables {
		if name == "" || d.Tables[i].Name == name {
			return &d.Tables[i], true
		}
	}
	return nil, false
}

// TableNames lists the document's tables.
func (d *Document) TableNames() []string {
	out := make([]string, len(d.Tables))
	for i, t := range d.Tables {
		out[i] = t.Name
	}
	return out
}

// AuditLine is the audit head as one line of text.
func (d *Document) AuditLine() string {
	return d.AuditLabel + ": #" + strconv.FormatInt(d.Audit.Seq, 10) + " " + d.Audit.Hash
}

// Labels translates catalog keys (with {1}, {2}… arguments) into the
// document's language.
type Labels func(key string, args ...any) string

// Options are what every builder needs besides the report.
type Options struct {
	Lang        string
	L           Labels
	Commodities map[string]niaga.Commodity
	Now         time.Time
}

func (o Options) t(key string, args ...any) string {
	if o.L == nil {
		return key
	}
	return o.L(key, args...)
}

func (o Options) commodity(code string) string {
	if c, ok := o.Commodities[code]; ok {
		return c.Name(o.Lang)
	}
	return code
}

func (o Options) unit(code string) string {
	if c, ok := o.Commodities[code]; ok {
		return o.t("unit." + c.Unit)
	}
	return ""
}

func province(code string) string {
	if p, ok := niaga.ProvinceByCode(code); ok {
		return p.Name
	}
	return code
}

// monthsID are Indonesian month abbreviations.
var monthsID = [...]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}

// localTime renders t in a province's zone: "2 Agu 2026 14:05 WITA".
func localTime(t time.Time, prov, lang string, clock bool) string {
	if t.IsZero() {
		return "—"
	}
	p, ok := niaga.ProvinceByCode(prov)
	if !ok {
		p, _ = niaga.ProvinceByCode("31")
	}
	lt := t.In(p.Location())
	month := lt.Format("Jan")
	if lang != "en" {
		month = monthsID[lt.Month()-1]
	}
	s := strconv.Itoa(lt.Day()) + " " + month + " " + strconv.Itoa(lt.Year())
	if clock {
		s += " " + lt.Format("15:04") + " " + p.Zone
	}
	return s
}

func joinProvinces(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = province(c)
	}
	return strings.Join(names, ", ")
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
