package export

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// xlsxStyles are the cell styles of one workbook.
type xlsxStyles struct {
	head, title, bold, money, moneyBold, num, numBold, ratio, ratioBold int
}

func newStyles(f *excelize.File, lang string) (xlsxStyles, error) {
	var s xlsxStyles
	// Number formats use "," and "." as Excel codes them; a spreadsheet
	// shows them with the reader's separators (dots in Indonesian).
	money := `"Rp" #,##0`
	if lang == "en" {
		money = `"IDR" #,##0`
	}
	ratio := "0.00%"
	defs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.money, excelize.Style{CustomNumFmt: &money}},
		{&s.moneyBold, excelize.Style{CustomNumFmt: &money, Font: &excelize.Font{Bold: true}}},
		{&s.num, excelize.Style{NumFmt: 3}},
		{&s.numBold, excelize.Style{NumFmt: 3, Font: &excelize.Font{Bold: true}}},
		{&s.ratio, excelize.Style{CustomNumFmt: &ratio}},
		{&s.ratioBold, excelize.Style{CustomNumFmt: &ratio, Font: &excelize.Font{Bold: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return s, err
		}
		*d.dst = id
	}
	return s, nil
}

// cell is a value as a spreadsheet stores it: numbers as numbers with their
// format (ratios as fractions under a percent format), text as text.
func (s xlsxStyles) cell(v Value, bold bool) excelize.Cell {
	switch v.Kind {
	case Money:
		if bold {
			return excelize.Cell{StyleID: s.moneyBold, Value: v.N}
		}
		return excelize.Cell{StyleID: s.money, Value: v.N}
	case Int:
		if bold {
			return excelize.Cell{StyleID: s.numBold, Value: v.N}
		}
		return excelize.Cell{StyleID: s.num, Value: v.N}
	case Ratio:
		if bold {
			return excelize.Cell{StyleID: s.ratioBold, Value: float64(v.N) / 10000}
		}
		return excelize.Cell{StyleID: s.ratio, Value: float64(v.N) / 10000}
	}
	if bold {
		return excelize.Cell{StyleID: s.bold, Value: v.S}
	}
	return excelize.Cell{Value: v.S}
}

// WriteXLSX writes the document as a workbook: a summary sheet with the
// facts and the audit head, then one sheet per table with its totals row.
func WriteXLSX(w io.Writer, d *Document) error {
	f := excelize.NewFile()
	defer f.Close() //nolint:errcheck // it only removes excelize's temporary files; the workbook is written by then
	st, err := newStyles(f, d.Lang)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	summary := sheetName(d.Title, used)
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	if err := writeSummary(f, summary, d, st); err != nil {
		return err
	}
	for i := range d.Tables {
		if err := writeTableSheet(f, sheetName(d.Tables[i].Title, used), &d.Tables[i], st); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{Title: d.Title, Subject: d.Subtitle, Creator: "Niaga", Language: d.Lang}); err != nil {
		return err
	}
	return f.Write(w)
}

func writeSummary(f *excelize.File, sheet string, d *Document, st xlsxStyles) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 34); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 60); err != nil {
		return err
	}
	row := 1
	put := func(vals ...any) error {
		c, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(c, vals)
	}
	if err := put(excelize.Cell{StyleID: st.title, Value: d.Title}); err != nil {
		return err
	}
	if d.Subtitle != "" {
		if err := put(excelize.Cell{StyleID: st.bold, Value: d.Subtitle}); err != nil {
			return err
		}
	}
	row++
	for _, fact := range d.Facts {
		if err := put(excelize.Cell{StyleID: st.bold, Value: fact.Label}, st.cell(fact.Value, false)); err != nil {
			return err
		}
	}
	row++
	if err := put(excelize.Cell{StyleID: st.bold, Value: d.AuditLabel}, "#"+itoa(d.Audit.Seq)+" "+d.Audit.Hash); err != nil {
		return err
	}
	if err := put("", d.AuditText); err != nil {
		return err
	}
	if err := put("", d.Footer); err != nil {
		return err
	}
	return sw.Flush()
}

func writeTableSheet(f *excelize.File, sheet string, t *Table, st xlsxStyles) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	var cols []int // indexes of the columns people read
	for i, c := range t.Columns {
		if !c.CSVOnly {
			cols = append(cols, i)
		}
	}
	for k, i := range cols {
		width := float64(max(10, min(48, utf8.RuneCountInString(t.Columns[i].Label)+2)))
		switch t.Columns[i].Kind {
		case Money:
			width = max(width, 20)
		case Text:
			width = max(width, 24)
		}
		if err := sw.SetColWidth(k+1, k+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for k, i := range cols {
		head[k] = excelize.Cell{StyleID: st.head, Value: t.Columns[i].Label}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := 2
	write := func(vals []Value, bold bool) error {
		out := make([]any, len(cols))
		for k, i := range cols {
			if i < len(vals) {
				out[k] = st.cell(vals[i], bold)
			}
		}
		c, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(c, out)
	}
	for _, r := range t.Rows {
		if err := write(r, false); err != nil {
			return err
		}
	}
	if t.Total != nil {
		if err := write(t.Total, true); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// sheetName makes a valid, unique sheet name (31 characters, none of []:*?/\).
func sheetName(title string, used map[string]bool) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(title))
	if s == "" {
		s = "Sheet"
	}
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	base := s
	for n := 2; used[strings.ToLower(s)]; n++ {
		suffix := " " + itoa(int64(n))
		r := []rune(base)
		if len(r)+len(suffix) > 31 {
			r = r[:31-len(suffix)]
		}
		s = string(r) + suffix
	}
	used[strings.ToLower(s)] = true
	return s
}
