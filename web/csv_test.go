package web_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"niaga"
	"niaga/demo"
	"niaga/report"
	"niaga/store/storetest"
)

// TestCSVDownloadsEscapeFormulas plants spreadsheet formulas in every
// user-written text (organization and market names, session and mission
// titles, lot grades and descriptions, deal notes, agreements), then
// downloads every table of every route of the API that produces text/csv,
// found in the route table, so a new CSV route is covered when it is added:
// no cell may be one a spreadsheet would evaluate, and the planted text
// comes out quoted.
func TestCSVDownloadsEscapeFormulas(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var markets []niaga.Market
		e.call("GET", "/api/v1/markets", "", nil, 200, &markets)
		var a report.Auction
		e.call("GET", "/api/v1/reports/markets/"+strconv.FormatInt(markets[0].ID, 10), "", nil, 200, &a)
		if len(a.Sessions) == 0 {
			t.Fatal("no sessions")
		}
		ids := map[string]int64{
			"/api/v1/reports/missions/": e.missionID(demo.MissionKalsel),
			"/api/v1/reports/markets/":  markets[0].ID,
			"/api/v1/reports/sessions/": a.Sessions[0].Session.ID,
		}
		escaped := storetest.PlantInjections(t, e.DB)
		admin := e.token(demo.Admin)

		seen := map[string]bool{}
		routes, files := 0, 0
		for _, r := range e.Srv.Routes() {
			if r.Produces != "text/csv" {
				continue
			}
			routes++
			path := r.Path
			if i := strings.Index(path, "{id}"); i >= 0 {
				id, ok := ids[path[:i]]
				if !ok {
					t.Fatalf("%s: no id to fill in; add one to this test", r.Path)
				}
				path = path[:i] + strconv.FormatInt(id, 10) + path[i+len("{id}"):]
			}
			// The tables of the document, from the refusal of an unknown one.
			p := e.problem("GET", path+"?table=no_such_table", admin, nil, 400, "invalid")
			if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Reason, "one of ") {
				t.Fatalf("%s: %+v", path, p)
			}
			for _, table := range strings.Split(strings.TrimPrefix(p.Errors[0].Reason, "one of "), ", ") {
				files++
				recs := readCSV(t, e.download(path+"?table="+table, admin, "text/csv"))
				for _, rec := range recs {
					for _, cell := range rec {
						if storetest.FormulaCell(cell) {
							t.Errorf("%s?table=%s: cell %q would run as a formula", path, table, cell)
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
		if routes < 8 {
			t.Fatalf("only %d CSV routes found", routes)
		}
		for _, want := range escaped {
			if !seen[want] {
				t.Errorf("no CSV holds the planted %q: the test no longer reaches user text", want)
			}
		}
		b, _ := json.Marshal(seen)
		t.Logf("%d CSV routes, %d tables downloaded; planted text seen quoted: %s", routes, files, b)
	})
}
