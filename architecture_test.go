package niaga_test

import (
	"go/build"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestArchitectureDoc keeps the package tables of docs/architecture.md
// true: every package of the module has a row, and each row's "depends
// on" column names exactly the module's packages that the package imports
// (for a test-support or test-only package, its tests' imports too).
func TestArchitectureDoc(t *testing.T) {
	doc, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	// The module's packages, by import path.
	pkgs := map[string]*build.Package{}
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		pkgs[importPath(path)] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// "store/storetest" may be written "storetest" where that is unique.
	short := map[string]string{}
	for path := range pkgs {
		short[path] = path
		short[filepath.Base(path)] = path
	}
	short["niaga"] = "niaga" // not cmd/niaga

	row := regexp.MustCompile("(?m)^\\| `([a-z0-9/]+)`( \\(root\\))?( \\(tests only\\))? \\|[^|]*\\| ([^|]*) \\|$")
	name := regexp.MustCompile("`([a-z0-9/]+)`")
	// Rows after this heading are test support: their tests' imports count.
	testSection := strings.Index(string(doc), "Test support and test-only packages")
	if testSection < 0 {
		t.Fatal("docs/architecture.md has no table of test packages")
	}
	seen := map[string]bool{}
	for _, loc := range row.FindAllStringSubmatchIndex(string(doc), -1) {
		var m []string
		for i := 0; i < len(loc); i += 2 {
			if loc[i] < 0 {
				m = append(m, "")
			} else {
				m = append(m, string(doc[loc[i]:loc[i+1]]))
			}
		}
		path := "niaga"
		if m[1] != "niaga" {
			path = "niaga/" + m[1]
		}
		p, ok := pkgs[path]
		if !ok {
			t.Errorf("docs/architecture.md names %s, which is not a package of the module", m[1])
			continue
		}
		seen[path] = true
		imports := slices.Clone(p.Imports)
		if loc[0] > testSection {
			imports = append(imports, p.TestImports...)
			imports = append(imports, p.XTestImports...)
		}
		var want []string
		for _, imp := range imports {
			if _, ok := pkgs[imp]; ok && imp != path && !slices.Contains(want, imp) {
				want = append(want, imp)
			}
		}
		var got []string
		for _, n := range name.FindAllStringSubmatch(m[4], -1) {
			if full, ok := short[n[1]]; ok {
				got = append(got, full)
			} else if full, ok := short["niaga/"+n[1]]; ok {
				got = append(got, full)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("docs/architecture.md: %s depends on %v; the code imports %v", m[1], got, want)
		}
	}
	for path := range pkgs {
		if !seen[path] {
			t.Errorf("docs/architecture.md has no row for package %s", path)
		}
	}
}

func importPath(dir string) string {
	if dir == "." {
		return "niaga"
	}
	return "niaga/" + filepath.ToSlash(dir)
}
