package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"niaga"
	"niaga/demo"
	"niaga/report"
)

// download fetches a file and checks it comes as an attachment of the type.
func (e *env) download(path, token, ctype string) []byte {
	e.t.Helper()
	res, body := e.raw("GET", path, token, "", nil)
	if res.StatusCode != 200 {
		e.t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, ctype) {
		e.t.Fatalf("GET %s: content type %q, want %q", path, got, ctype)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
		e.t.Fatalf("GET %s: content disposition %q", path, cd)
	}
	return body
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, b)
	}
	return recs
}

func col(t *testing.T, head []string, name string) int {
	t.Helper()
	for i, h := range head {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, head)
	return -1
}

func num(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not a raw integer: %q", s)
	}
	return v
}

func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (Debian poppler-utils) not installed")
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestReportMissionExports(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionKalsel)
		base := "/api/v1/reports/missions/" + strconv.FormatInt(id, 10)
		var r report.Mission
		e.call("GET", base, "", nil, 200, &r)
		if r.Committed != demo.KalselTotal || r.Participants != demo.KalselJatim+demo.KalselKalsel {
			t.Fatalf("report: committed %d, participants %d", r.Committed, r.Participants)
		}
		if r.Audit.Seq == 0 || len(r.Audit.Hash) != 64 {
			t.Fatalf("audit head %+v", r.Audit)
		}
		var byCom int64
		for _, g := range r.ByCommodity {
			byCom += g.Value
		}
		if byCom != r.Committed {
			t.Fatalf("by commodity adds to %d", byCom)
		}

		// CSV: raw integers, rows add up to the totals row.
		recs := readCSV(t, e.download(base+"/report.csv?table=by_commodity", "", "text/csv"))
		v := col(t, recs[0], "value")
		var sum int64
		for _, rec := range recs[1 : len(recs)-1] {
			sum += num(t, rec[v])
		}
		total := recs[len(recs)-1]
		if total[0] != "total" || num(t, total[v]) != demo.KalselTotal || sum != demo.KalselTotal {
			t.Fatalf("csv: total row %v, rows add to %d", total, sum)
		}
		e.problem("GET", base+"/report.csv?table=nope", "", nil, 400, "invalid")

		// XLSX: the summary sheet and the table sheets hold numbers, not text.
		f, err := excelize.OpenReader(bytes.NewReader(e.download(base+"/report.xlsx", "", "application/vnd.openxmlformats")), excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range rows {
			if len(row) > 1 && row[1] == strconv.FormatInt(demo.KalselTotal, 10) {
				found = true
			}
		}
		if !found {
			t.Fatalf("summary sheet lacks the total: %v", rows)
		}
		rows, _ = f.GetRows(sheets[1])
		last := rows[len(rows)-1]
		if !strings.Contains(strings.Join(last, "|"), strconv.FormatInt(demo.KalselTotal, 10)) {
			t.Fatalf("%s totals row %v", sheets[1], last)
		}
		style, _ := f.GetCellStyle(sheets[1], "C2")
		st, _ := f.GetStyle(style)
		if st == nil || st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, `"Rp"`) {
			t.Fatalf("value column format %+v", st)
		}

		// PDF: the totals and the audit head, in Indonesian formatting.
		text := pdfToText(t, e.download(base+"/report.pdf", "", "application/pdf"))
		for _, want := range []string{"Rp 147.321.766.000", niaga.FormatRupiah(r.Realized, "id"), "#" + strconv.FormatInt(r.Audit.Seq, 10), r.Audit.Hash, "Laporan Misi Dagang"} {
			if !strings.Contains(text, want) {
				t.Errorf("mission PDF lacks %q", want)
			}
		}
	})
}

func TestReportFlowsAndProgramme(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var f report.Flows
		e.call("GET", "/api/v1/reports/flows", "", nil, 200, &f)
		if f.Combined.TotalValue != f.Auction.TotalValue+f.Mission.TotalValue || f.Mission.TotalValue < demo.KalselTotal+demo.SumselTotal || f.Auction.TotalValue == 0 {
			t.Fatalf("flow totals: auction %d, mission %d, combined %d", f.Auction.TotalValue, f.Mission.TotalValue, f.Combined.TotalValue)
		}
		// The matrix as CSV: each row's total is its cells' sum, the totals
		// row the columns' sums.
		for _, source := range []string{"all", "auction", "mission"} {
			recs := readCSV(t, e.download("/api/v1/reports/flows.csv?source="+source, "", "text/csv"))
			head := recs[0]
			tot := col(t, head, "total")
			colSums := make([]int64, len(head))
			for _, rec := range recs[1 : len(recs)-1] {
				var row int64
				for j := 2; j < tot; j++ {
					row += num(t, rec[j])
					colSums[j] += num(t, rec[j])
				}
				colSums[tot] += num(t, rec[tot])
				if row != num(t, rec[tot]) {
					t.Errorf("%s: row %s adds to %d, total says %s", source, rec[0], row, rec[tot])
				}
			}
			last := recs[len(recs)-1]
			for j := 2; j <= tot; j++ {
				if num(t, last[j]) != colSums[j] {
					t.Errorf("%s: column %s adds to %d, total row says %s", source, head[j], colSums[j], last[j])
				}
			}
			want := map[string]int64{"all": f.Combined.TotalValue, "auction": f.Auction.TotalValue, "mission": f.Mission.TotalValue}[source]
			if num(t, last[tot]) != want {
				t.Errorf("%s: grand total %s, want %d", source, last[tot], want)
			}
		}
		if _, err := excelize.OpenReader(bytes.NewReader(e.download("/api/v1/reports/flows.xlsx", "", "application/vnd.openxmlformats"))); err != nil {
			t.Fatal(err)
		}
		text := pdfToText(t, e.download("/api/v1/reports/flows.pdf?source=mission", "", "application/pdf"))
		if !strings.Contains(text, niaga.FormatRupiah(f.Mission.TotalValue, "id")) {
			t.Errorf("flows PDF lacks the mission total %s", niaga.FormatRupiah(f.Mission.TotalValue, "id"))
		}
		e.problem("GET", "/api/v1/reports/flows?from=2026-13-01", "", nil, 400, "invalid")

		var p report.Programme
		e.call("GET", "/api/v1/reports/missions", "", nil, 200, &p)
		if p.Since != "2020-12-02" || p.Total.Missions < 3 || p.Total.Committed < demo.KalselTotal+demo.SumselTotal {
			t.Fatalf("programme since %s: %+v", p.Since, p.Total)
		}
		if last := p.Years[len(p.Years)-1]; last.CumCommitted != p.Total.Committed {
			t.Fatalf("cumulative %d, total %d", last.CumCommitted, p.Total.Committed)
		}
		// English exports use English grouping.
		req, _ := http.NewRequest("GET", e.URL+"/api/v1/reports/missions.pdf", nil)
		req.Header.Set("Accept-Language", "en")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		res.Body.Close()
		if text := pdfToText(t, buf.Bytes()); !strings.Contains(text, niaga.FormatRupiah(p.Total.Committed, "en")) {
			t.Errorf("English programme PDF lacks %s", niaga.FormatRupiah(p.Total.Committed, "en"))
		}
	})
}

func TestReportAuctionSettlementAndContract(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var markets []niaga.Market
		e.call("GET", "/api/v1/markets", "", nil, 200, &markets)
		m := markets[0]
		var a report.Auction
		e.call("GET", "/api/v1/reports/markets/"+strconv.FormatInt(m.ID, 10), "", nil, 200, &a)
		if a.Contracts == 0 || a.Value == 0 || a.Bids == 0 {
			t.Fatalf("market report %+v", a.Activity)
		}
		text := pdfToText(t, e.download("/api/v1/reports/markets/"+strconv.FormatInt(m.ID, 10)+"/report.pdf", "", "application/pdf"))
		if !strings.Contains(text, niaga.FormatRupiah(a.Value, "id")) {
			t.Errorf("market PDF lacks %s", niaga.FormatRupiah(a.Value, "id"))
		}
		if len(a.Sessions) == 0 {
			t.Fatal("no sessions")
		}
		var s report.Auction
		e.call("GET", "/api/v1/reports/sessions/"+strconv.FormatInt(a.Sessions[len(a.Sessions)-1].Session.ID, 10), "", nil, 200, &s)

		// Settlement: organizers see their markets, agencies their province's, businesses nothing.
		e.problem("GET", "/api/v1/reports/settlement", "", nil, 401, "unauthorized")
		e.problem("GET", "/api/v1/reports/settlement", e.token("pembeli@niaga.id"), nil, 403, "forbidden")
		var own report.Settlement
		e.call("GET", "/api/v1/reports/settlement", e.token("lampung@niaga.id"), nil, 200, &own)
		if len(own.Markets) != 1 || own.Markets[0].Market != "Pasar Lelang Komoditas Lampung" || own.Total.Contracts == 0 {
			t.Fatalf("organizer's settlement %+v", own)
		}
		var all report.Settlement
		e.call("GET", "/api/v1/reports/settlement", e.token(demo.Admin), nil, 200, &all)
		if len(all.Markets) != len(markets) || all.Total.Completed == 0 || all.Total.Defaulted == 0 {
			t.Fatalf("admin's settlement %+v", all.Total)
		}
		recs := readCSV(t, e.download("/api/v1/reports/settlement.csv", e.token(demo.Admin), "text/csv"))
		if last := recs[len(recs)-1]; num(t, last[col(t, recs[0], "contracts")]) != all.Total.Contracts {
			t.Fatalf("settlement csv total %v", last)
		}

		// The contract document goes to the contract's parties only.
		var cs []niaga.Contract
		e.call("GET", "/api/v1/contracts", e.token("pembeli@niaga.id"), nil, 200, &cs)
		c := cs[0]
		path := "/api/v1/contracts/" + strconv.FormatInt(c.ID, 10) + "/document.pdf"
		text = pdfToText(t, e.download(path, e.token("pembeli@niaga.id"), "application/pdf"))
		for _, want := range []string{niaga.FormatRupiah(c.Value, "id"), "UD Berkah Pangan Semarang", "No. " + strconv.FormatInt(c.ID, 10)} {
			if !strings.Contains(text, want) {
				t.Errorf("contract PDF lacks %q", want)
			}
		}
		e.problem("GET", path, "", nil, 401, "unauthorized")
		e.problem("GET", path, e.token("banua@niaga.id"), nil, 404, "not_found")
		e.problem("GET", path, e.token("bank@niaga.id"), nil, 403, "forbidden")
	})
}

func TestReportPriceHistory(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var h report.PriceHistory
		e.call("GET", "/api/v1/prices/history?commodity=beras&grade=medium&province=18", "", nil, 200, &h)
		if len(h.Candles) < 5 {
			t.Fatalf("%d candles", len(h.Candles))
		}
		for _, c := range h.Candles {
			if c.Low > c.Open || c.Low > c.Close || c.High < c.Open || c.High < c.Close || c.Volume <= 0 || c.Province != "18" {
				t.Fatalf("candle %+v", c)
			}
		}
		recs := readCSV(t, e.download("/api/v1/prices/history.csv?commodity=beras&grade=medium&province=18", "", "text/csv"))
		if len(recs) != len(h.Candles)+1 {
			t.Fatalf("%d csv rows for %d candles", len(recs), len(h.Candles))
		}
		cl := col(t, recs[0], "close")
		if num(t, recs[len(recs)-1][cl]) != h.Candles[len(h.Candles)-1].Close {
			t.Fatalf("last close %v", recs[len(recs)-1])
		}
		e.problem("GET", "/api/v1/prices/history?province=99", "", nil, 400, "invalid")
	})
}

func TestReportPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := strconv.FormatInt(e.missionID(demo.MissionKalsel), 10)
		b := e.browser("")
		p := b.get("/reports")
		if p.Status != 200 || p.ByID("table-years") == nil || p.ByID("table-missions") == nil || p.ByID("report-audit") == nil {
			t.Fatalf("/reports: %d", p.Status)
		}
		if p.find("a[href=/reports/missions/"+id+"]") == nil {
			t.Fatal("the index does not link the Kalsel mission's report")
		}
		p = b.get("/reports/missions/" + id)
		if p.Status != 200 || !strings.Contains(p.Text("#report-facts"), "Rp 147.321.766.000") || p.ByID("report-chart") == nil {
			t.Fatalf("mission report page: %d %q", p.Status, p.Text("#report-facts"))
		}
		if p.find("a[href=/api/v1/reports/missions/"+id+"/report.pdf]") == nil {
			t.Fatal("no PDF download")
		}
		for _, path := range []string{"/reports/flows?source=auction", "/reports/commodities?from=2020-01-01", "/reports/prices?commodity=jagung", "/reports/markets/1", "/reports/sessions/1"} {
			if p := b.get(path); p.Status != 200 || p.ByID("report-audit") == nil {
				t.Errorf("%s: %d", path, p.Status)
			}
		}
		if p := b.get("/reports/flows?from=nonsense"); p.Status != 422 || p.Text("#form-error") == "" {
			t.Errorf("bad period: %d", p.Status)
		}
		en := e.browser("en")
		en.signIn(demo.Admin)
		en.post("/lang", url.Values{"lang": {"en"}, "back": {"/"}})
		if p := en.get("/reports/settlement"); p.Status != 200 || p.ByID("table-markets") == nil || !strings.Contains(p.Text("h1"), "Settlement") {
			t.Errorf("settlement page: %d %q", p.Status, p.Text("h1"))
		}
	})
}
