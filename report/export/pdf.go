package export

import (
	"io"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// PDF layout, in millimetres on A4.
const (
	pdfMargin  = 15.0
	pdfBottom  = 16.0
	pdfRowH    = 5.0
	pdfMinFont = 6.5
	pdfMaxText = 60.0 // widest a text column may grow
)

// pdfDoc renders a Document with fpdf's core fonts (cp1252 text: every
// string passes through the translator, so Indonesian names print right).
type pdfDoc struct {
	p  *fpdf.Fpdf
	tr func(string) string
	d  *Document
}

// WritePDF writes the document for print: title, summary facts, the chart,
// clauses, tables (wide ones on landscape pages, headers repeated on every
// page), signature blocks and the audit chain head, which the footer of
// every page repeats.
func WritePDF(w io.Writer, d *Document) error {
	p := fpdf.New("P", "mm", "A4", "")
	r := &pdfDoc{p: p, tr: p.UnicodeTranslatorFromDescriptor(""), d: d}
	p.SetCreationDate(d.Generated)
	p.SetModificationDate(d.Generated)
	p.SetTitle(d.Title, true)
	p.SetSubject(d.Subtitle, true)
	p.SetAuthor("Niaga", true)
	p.SetCreator("Niaga", true)
	p.SetLang(d.Lang)
	p.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	p.SetAutoPageBreak(true, pdfBottom)
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(r.footer)
	p.AddPage()
	r.heading()
	r.facts()
	if d.Chart != nil {
		r.chart(d.Chart)
	}
	r.paragraphs()
	for i := range d.Tables {
		r.table(&d.Tables[i])
	}
	r.signatures()
	r.audit()
	return p.Output(w)
}

func (r *pdfDoc) width() float64 {
	w, _ := r.p.GetPageSize()
	return w - 2*pdfMargin
}

func (r *pdfDoc) room() float64 {
	_, h := r.p.GetPageSize()
	return h - pdfBottom - r.p.GetY()
}

// need starts a new page (of the same orientation) unless h millimetres fit.
func (r *pdfDoc) need(h float64) {
	if r.room() < h {
		r.p.AddPageFormat(r.orientation(), fpdf.SizeType{Wd: 210, Ht: 297})
	}
}

func (r *pdfDoc) orientation() string {
	w, h := r.p.GetPageSize()
	if w > h {
		return "L"
	}
	return "P"
}

func (r *pdfDoc) footer() {
	p := r.p
	p.SetY(-11)
	p.SetFont("Helvetica", "", 6.5)
	p.SetTextColor(110, 110, 110)
	left := r.d.Footer + "  ·  " + r.d.AuditLabel + " #" + strconv.FormatInt(r.d.Audit.Seq, 10) + " " + r.d.Audit.Hash
	p.CellFormat(r.width()-14, 4, r.fit(left, r.width()-14), "", 0, "L", false, 0, "")
	p.CellFormat(14, 4, strconv.Itoa(p.PageNo())+"/{nb}", "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

func (r *pdfDoc) heading() {
	p := r.p
	p.SetFont("Helvetica", "B", 9)
	p.SetTextColor(46, 103, 64)
	p.CellFormat(0, 5, "NIAGA", "", 1, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.SetFont("Helvetica", "B", 16)
	p.MultiCell(0, 7.5, r.tr(r.d.Title), "", "L", false)
	if r.d.Subtitle != "" {
		p.SetFont("Helvetica", "", 12)
		p.MultiCell(0, 6, r.tr(r.d.Subtitle), "", "L", false)
	}
	p.Ln(3)
}

func (r *pdfDoc) facts() {
	p := r.p
	labelW := 58.0
	for _, f := range r.d.Facts {
		p.SetFont("Helvetica", "", 9)
		lines := r.split(f.Value.Format(r.d.Lang), r.width()-labelW)
		r.need(float64(max(1, len(lines))) * 5)
		y := p.GetY()
		p.SetTextColor(90, 90, 90)
		p.CellFormat(labelW, 5, r.fit(f.Label, labelW-1), "", 0, "L", false, 0, "")
		p.SetTextColor(0, 0, 0)
		if f.Value.isNum() {
			p.SetFont("Helvetica", "B", 9)
		}
		p.SetXY(pdfMargin+labelW, y)
		p.MultiCell(r.width()-labelW, 5, r.tr(f.Value.Format(r.d.Lang)), "", "L", false)
	}
	p.Ln(4)
}

// chart draws horizontal bars (a category each) or, for a series over time,
// a line with its first, last, lowest and highest values marked.
func (r *pdfDoc) chart(c *Chart) {
	p := r.p
	if len(c.Values) == 0 {
		return
	}
	format := func(v int64) string {
		if c.Money {
			return M(v).Format(r.d.Lang)
		}
		return I(v).Format(r.d.Lang)
	}
	hi, lo := c.Values[0], c.Values[0]
	for _, v := range c.Values {
		hi, lo = max(hi, v), min(lo, v)
	}
	if c.Line {
		r.need(62)
		r.subheading(c.Title)
		x0, y0, w, h := pdfMargin+2, p.GetY()+2, r.width()-4, 44.0
		p.SetDrawColor(200, 200, 200)
		p.Rect(x0, y0, w, h, "D")
		span := float64(hi - lo)
		if span == 0 {
			span = 1
		}
		pt := func(i int) (float64, float64) {
			x := x0 + 2 + (w-4)*float64(i)/float64(max(1, len(c.Values)-1))
			return x, y0 + h - 3 - (h-6)*float64(c.Values[i]-lo)/span
		}
		p.SetDrawColor(46, 103, 64)
		p.SetLineWidth(0.5)
		for i := 1; i < len(c.Values); i++ {
			x1, y1 := pt(i - 1)
			x2, y2 := pt(i)
			p.Line(x1, y1, x2, y2)
		}
		p.SetLineWidth(0.2)
		p.SetDrawColor(0, 0, 0)
		p.SetFont("Helvetica", "", 7)
		p.SetXY(x0, y0+h+1)
		p.CellFormat(w/2, 4, r.tr(c.Labels[0]), "", 0, "L", false, 0, "")
		p.CellFormat(w/2, 4, r.tr(c.Labels[len(c.Labels)-1]), "", 1, "R", false, 0, "")
		p.SetXY(x0+1, y0+1)
		p.CellFormat(w/2, 4, r.tr(format(hi)), "", 0, "L", false, 0, "")
		p.SetXY(x0+1, y0+h-5)
		p.CellFormat(w/2, 4, r.tr(format(lo)), "", 0, "L", false, 0, "")
		p.SetXY(pdfMargin, y0+h+6)
		p.Ln(3)
		return
	}
	barH, gap := 5.0, 1.6
	r.need(8 + float64(min(len(c.Values), 4))*(barH+gap))
	r.subheading(c.Title)
	labelW, valueW := 48.0, 36.0
	barW := r.width() - labelW - valueW - 2
	if hi <= 0 {
		hi = 1
	}
	p.SetFont("Helvetica", "", 8)
	for i, v := range c.Values {
		r.need(barH + gap)
		y := p.GetY()
		p.CellFormat(labelW, barH, r.fit(c.Labels[i], labelW-2), "", 0, "R", false, 0, "")
		w := barW * float64(max(v, 0)) / float64(hi)
		p.SetFillColor(46, 125, 80)
		if i%2 == 1 {
			p.SetFillColor(92, 160, 120)
		}
		p.Rect(pdfMargin+labelW+1, y+0.6, max(w, 0.3), barH-1.2, "F")
		p.SetXY(pdfMargin+labelW+1+barW+1, y)
		p.CellFormat(valueW, barH, r.tr(format(v)), "", 1, "R", false, 0, "")
		p.SetY(y + barH + gap)
	}
	p.SetFillColor(255, 255, 255)
	p.Ln(3)
}

func (r *pdfDoc) subheading(s string) {
	p := r.p
	p.SetFont("Helvetica", "B", 11)
	p.CellFormat(0, 7, r.fit(s, r.width()), "", 1, "L", false, 0, "")
}

func (r *pdfDoc) paragraphs() {
	if len(r.d.Paragraphs) == 0 {
		return
	}
	p := r.p
	p.SetFont("Helvetica", "", 9.5)
	for i, s := range r.d.Paragraphs {
		r.need(10)
		p.MultiCell(0, 5, r.tr(strconv.Itoa(i+1)+". "+s), "", "J", false)
		p.Ln(1.5)
	}
	p.Ln(2)
}

// table lays a table out in the widest orientation it needs, shrinking the
// font down to pdfMinFont; a table too wide even then is left to the XLSX
// and CSV exports with a note.
func (r *pdfDoc) table(t *Table) {
	p := r.p
	var cols []int
	for i, c := range t.Columns {
		if !c.CSVOnly {
			cols = append(cols, i)
		}
	}
	if len(cols) == 0 {
		return
	}
	tb := &pdfTable{r: r, t: t, cols: cols}
	if orient := tb.fit(); orient != r.orientation() {
		p.AddPageFormat(orient, fpdf.SizeType{Wd: 210, Ht: 297})
	}
	avail := r.width()
	if sumWidths(tb.ws) > avail {
		r.need(14)
		r.subheading(t.Title)
		p.SetFont("Helvetica", "I", 8.5)
		p.MultiCell(0, 5, r.tr(r.d.wideNote()), "", "L", false)
		p.Ln(3)
		return
	}
	tb.spread(avail)
	r.need(7 + 10 + 3*pdfRowH)
	r.subheading(t.Title)
	tb.header()
	for _, v := range t.Rows {
		tb.row(v, false)
	}
	if len(t.Rows) == 0 {
		p.SetFont("Helvetica", "I", tb.font)
		p.CellFormat(avail, pdfRowH, r.tr(r.d.emptyNote()), "B", 1, "L", false, 0, "")
	}
	if t.Total != nil {
		tb.row(t.Total, true)
	}
	p.Ln(5)
}

// pdfTable is a table being laid out: the columns printed (indexes into
// t.Columns), their widths in mm and the font size.
type pdfTable struct {
	r    *pdfDoc
	t    *Table
	cols []int
	ws   []float64
	font float64
}

func (tb *pdfTable) cell(v Value) string { return tb.r.tr(v.Format(tb.r.d.Lang)) }

func sumWidths(ws []float64) (s float64) {
	for _, w := range ws {
		s += w
	}
	return s
}

// measure returns the column widths the table needs at a font size.
func (tb *pdfTable) measure(font float64) []float64 {
	p, t := tb.r.p, tb.t
	p.SetFont("Helvetica", "", font)
	ws := make([]float64, len(tb.cols))
	for k, i := range tb.cols {
		p.SetFont("Helvetica", "B", font) // headers are bold and wrap between words only
		for _, word := range strings.Fields(t.Columns[i].Label) {
			ws[k] = max(ws[k], p.GetStringWidth(tb.r.tr(word))+0.8)
		}
		p.SetFont("Helvetica", "", font)
		for _, row := range t.Rows {
			if i < len(row) {
				ws[k] = max(ws[k], p.GetStringWidth(tb.cell(row[i])))
			}
		}
		if i < len(t.Total) {
			p.SetFont("Helvetica", "B", font)
			ws[k] = max(ws[k], p.GetStringWidth(tb.cell(t.Total[i])))
			p.SetFont("Helvetica", "", font)
		}
		ws[k] += 2.4
		if t.Columns[i].Kind == Text {
			ws[k] = min(ws[k], pdfMaxText)
		}
	}
	return ws
}

// fit chooses the font size and widths: portrait at the largest font that
// fits (down to pdfMinFont), else landscape likewise. It returns the
// orientation; the widths may still be too wide for it.
func (tb *pdfTable) fit() (orient string) {
	font, orient := 8.0, "P"
	ws := tb.measure(font)
	for sumWidths(ws) > 180 && font > pdfMinFont {
		font -= 0.5
		ws = tb.measure(font)
	}
	if sumWidths(ws) > 180 {
		font, orient = 8.0, "L"
		ws = tb.measure(font)
		for sumWidths(ws) > 267 && font > pdfMinFont {
			font -= 0.5
			ws = tb.measure(font)
		}
	}
	tb.font, tb.ws = font, ws
	return orient
}

// spread gives the spare width up to avail to the text columns, which may
// then wrap less.
func (tb *pdfTable) spread(avail float64) {
	var text []int
	for k, i := range tb.cols {
		if tb.t.Columns[i].Kind == Text {
			text = append(text, k)
		}
	}
	if spare := avail - sumWidths(tb.ws); spare > 0 && len(text) > 0 && len(tb.cols) > 3 {
		for _, k := range text {
			tb.ws[k] += spare / float64(len(text))
		}
	}
}

// header prints the header row, its labels wrapped between words.
func (tb *pdfTable) header() {
	p, r, t, ws, font := tb.r.p, tb.r, tb.t, tb.ws, tb.font
	p.SetFont("Helvetica", "B", font)
	lines := 1
	for k, i := range tb.cols {
		lines = max(lines, len(r.split(t.Columns[i].Label, ws[k]-1.5)))
	}
	h := float64(lines)*(font*0.42) + 2
	x, y := pdfMargin, p.GetY()
	p.SetFillColor(232, 238, 244)
	for k, i := range tb.cols {
		p.Rect(x, y, ws[k], h, "F")
		p.SetXY(x+0.7, y+1)
		align := "L"
		if t.Columns[i].Kind != Text {
			align = "R"
		}
		p.MultiCell(ws[k]-1.4, font*0.42, r.tr(t.Columns[i].Label), "", align, false)
		x += ws[k]
	}
	p.SetFillColor(255, 255, 255)
	p.SetXY(pdfMargin, y+h)
}

// row prints one row (bold for the total), starting a new page with the
// header when the page is full.
func (tb *pdfTable) row(vals []Value, bold bool) {
	p, r := tb.r.p, tb.r
	if r.room() < pdfRowH {
		p.AddPageFormat(r.orientation(), fpdf.SizeType{Wd: 210, Ht: 297})
		tb.header()
	}
	style := ""
	border := "B"
	if bold {
		style, border = "B", "T"
	}
	p.SetFont("Helvetica", style, tb.font)
	p.SetDrawColor(220, 220, 220)
	if bold {
		p.SetDrawColor(60, 60, 60)
	}
	for k, i := range tb.cols {
		s, align := "", "L"
		if i < len(vals) {
			s = tb.cell(vals[i])
			if vals[i].isNum() {
				align = "R"
			}
		}
		p.CellFormat(tb.ws[k], pdfRowH, r.fitRaw(s, tb.ws[k]-1.2), border, 0, align, false, 0, "")
	}
	p.Ln(-1)
	p.SetDrawColor(0, 0, 0)
}

func (r *pdfDoc) signatures() {
	if len(r.d.Signatures) == 0 {
		return
	}
	p := r.p
	r.need(40)
	p.Ln(4)
	w := r.width() / float64(len(r.d.Signatures))
	y := p.GetY()
	for i, s := range r.d.Signatures {
		x := pdfMargin + float64(i)*w
		p.SetXY(x, y)
		p.SetFont("Helvetica", "", 8.5)
		p.MultiCell(w-6, 4.5, r.tr(s), "", "L", false)
		p.Line(x, y+30, x+w-8, y+30)
	}
	p.SetXY(pdfMargin, y+34)
}

func (r *pdfDoc) audit() {
	p := r.p
	r.need(22)
	p.Ln(2)
	p.SetFont("Helvetica", "B", 9)
	p.CellFormat(0, 5, r.tr(r.d.AuditLabel), "", 1, "L", false, 0, "")
	p.SetFont("Courier", "", 8)
	p.CellFormat(0, 4.5, "#"+strconv.FormatInt(r.d.Audit.Seq, 10)+" "+r.d.Audit.Hash, "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 8)
	p.MultiCell(0, 4, r.tr(r.d.AuditText), "", "L", false)
}

// split counts the lines s wraps into at width. SplitText reads runes as
// font code points, so it gets the cp1252 bytes one rune each.
func (r *pdfDoc) split(s string, width float64) []string {
	b := []byte(r.tr(s))
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return r.p.SplitText(string(rs), width)
}

// fit translates s and shortens it with an ellipsis to fit width.
func (r *pdfDoc) fit(s string, width float64) string { return r.fitRaw(r.tr(s), width) }

// fitRaw shortens already translated text.
func (r *pdfDoc) fitRaw(s string, width float64) string {
	if r.p.GetStringWidth(s) <= width {
		return s
	}
	ell := "\x85" // … in cp1252
	b := []byte(s)
	for len(b) > 0 && r.p.GetStringWidth(string(b)+ell) > width {
		b = b[:len(b)-1]
	}
	return string(b) + ell
}

func (d *Document) wideNote() string  { return d.notes["wide"] }
func (d *Document) emptyNote() string { return d.notes["empty"] }
