package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

// TestReportCLICSVEscapesFormulas plants spreadsheet formulas in every
// user-written text of the demo database and writes every table of every
// report kind as CSV with niaga report: no cell may be one a spreadsheet
// would evaluate, and the planted text comes out quoted.
func TestReportCLICSVEscapesFormulas(t *testing.T) {
	ctx := context.Background()
	path, kalsel := demoDB(t)
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	escaped := storetest.PlantInjections(t, db)
	db.Close()
	out := filepath.Join(t.TempDir(), "out.csv")
	kinds := [][]string{{"missions"}, {"mission", "--id", strconv.FormatInt(kalsel, 10)}, {"market", "--id", "1"}, {"session", "--id", "1"},
		{"commodities"}, {"flows"}, {"settlement"}, {"prices"}, {"contract", "--id", "1"}}
	seen := map[string]bool{}
	files := 0
	for _, k := range kinds {
		args := append([]string{"report", k[0], "--db", path, "--format", "csv"}, k[1:]...)
		err := run(ctx, append(args, "--table", "no_such_table"))
		var ne *niaga.Error
		if !errors.As(err, &ne) || len(ne.Fields) != 1 || !strings.HasPrefix(ne.Fields[0].Reason, "one of ") {
			t.Fatalf("%v: %v", k, err)
		}
		for _, table := range strings.Split(strings.TrimPrefix(ne.Fields[0].Reason, "one of "), ", ") {
			if table == "" {
				continue
			}
			if err := run(ctx, append(args, "--table", table, "--out", out)); err != nil {
				t.Fatalf("%v %s: %v", k, table, err)
			}
			files++
			b, _ := os.ReadFile(out)
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatalf("%v %s: %v", k, table, err)
			}
			for _, rec := range recs {
				for _, cell := range rec {
					if storetest.FormulaCell(cell) {
						t.Errorf("report %v table %s: cell %q would run as a formula", k, table, cell)
					}
					for _, want := range escaped {
						if strings.HasPrefix(cell, want) {
							seen[want] = true
						}
					}
				}
			}
		}
	}
	for _, want := range escaped {
		if !seen[want] {
			t.Errorf("no CSV holds the planted %q", want)
		}
	}
	t.Logf("%d CSV files written", files)
}
