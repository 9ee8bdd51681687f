package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPageCatalog checks that both languages have the same keys, that every
// key the templates and page code use exists, and that templates hold no
// text outside translation calls.
func TestPageCatalog(t *testing.T) {
	c := loadCatalog()
	if d := c.diff("id", "en"); len(d) > 0 {
		t.Fatalf("catalogs differ: %v", d)
	}
	for k, v := range c["en"] {
		if strings.TrimSpace(v) == "" || strings.TrimSpace(c["id"][k]) == "" {
			t.Errorf("empty translation %s", k)
		}
	}
	used := map[string]string{}
	keyRE := regexp.MustCompile(`\bt "([a-z0-9_.]+)"`)
	fs.WalkDir(templatesFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templatesFS.ReadFile(p)
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		checkNoBareText(t, p, string(b))
		return nil
	})
	goRE := regexp.MustCompile(`"((?:flash|err|reason|nav|title|[a-z]+)\.[a-z0-9_.]+)"`)
	files, _ := filepath.Glob("page*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range goRE.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], ".html") || strings.HasSuffix(m[1], ".go") || strings.HasSuffix(m[1], ".js") || strings.HasSuffix(m[1], ".css") || strings.HasSuffix(m[1], ".svg") {
				continue
			}
			used[m[1]] = f
		}
	}
	for k, where := range used {
		if !c.Has(k) {
			t.Errorf("%s uses missing key %q", where, k)
		}
	}
}

// checkNoBareText fails on letters between tags that are not inside a
// template action: every UI string must come from the catalog.
func checkNoBareText(t *testing.T, name, src string) {
	t.Helper()
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	s := actions.ReplaceAllString(src, " ")
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	s = tags.ReplaceAllString(s, "\n")
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if regexp.MustCompile(`\p{L}{2,}`).MatchString(line) {
			t.Errorf("%s: bare text %q", name, line)
		}
	}
}

func TestPageReasonKey(t *testing.T) {
	for in, want := range map[string]string{
		"required, at most 200 characters": "reason.required_at_most_200_characters",
		"unknown province code":            "reason.unknown_province_code",
		"  Must be id or en.":              "reason.must_be_id_or_en",
	} {
		if got := reasonKey(in); got != want {
			t.Errorf("reasonKey(%q) = %q, want %q", in, got, want)
		}
	}
}
