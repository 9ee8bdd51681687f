package export_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"niaga"
	"niaga/report"
	"niaga/report/export"
)

// sampleMission is a mission report shaped like the East Java – South
// Kalimantan mission of 2022.
func sampleMission() report.Mission {
	opens := time.Date(2022, 4, 13, 3, 0, 0, 0, time.UTC)
	m := report.Mission{
		Mission:      niaga.Mission{ID: 7, Title: "Misi Dagang Jawa Timur – Kalimantan Selatan", HostProvince: "63", Guests: []string{"35"}, Venue: "Hotel Rattan Inn, Banjarmasin", Opens: opens, Closes: opens.Add(7*time.Hour + 30*time.Minute), Status: niaga.MissionClosed},
		AgencyName:   "Disperindag Provinsi Jawa Timur",
		SideProvince: "35",
		Delegations:  map[string]int64{"63": 100, "35": 72},
		Participants: 172,
		Agreements:   []niaga.Agreement{{Kind: "mou", Title: "Kerja sama perdagangan", Sector: "perdagangan", SignedOn: "2022-04-13", Parties: []niaga.AgreementParty{{Name: "Pemprov Jatim"}, {Name: "Pemprov Kalsel"}}}},
		Audit:        report.AuditHead{Seq: 4242, Hash: strings.Repeat("ab", 32)},
	}
	rows := []report.DealRow{
		{Commodity: "beras", Kind: "purchase", SellerProvince: "35", BuyerProvince: "63", Value: 98_500_000_000, Count: 40, Quantity: 8_000_000, Validated: 90_000_000_000, Realized: 50_000_000_000},
		{Commodity: "gula", Kind: "contract", SellerProvince: "35", BuyerProvince: "63", Value: 30_321_766_000, Count: 12, Quantity: 2_000_000, Realized: 10_000_000_000},
		{Commodity: "kelapa_sawit", Kind: "purchase", SellerProvince: "63", BuyerProvince: "35", Value: 18_499_000_000, Count: 9, Quantity: 5_000_000},
		{Commodity: "sapi", Kind: "investment", SellerProvince: "63", BuyerProvince: "35", Value: 1_000_000, Count: 1},
	}
	return report.BuildMission(m, rows)
}

func options(lang string) export.Options {
	com := map[string]niaga.Commodity{}
	for _, c := range niaga.SeedCommodities {
		com[c.Code] = c
	}
	return export.Options{Lang: lang, Commodities: com, Now: time.Date(2026, 8, 2, 7, 5, 0, 0, time.UTC),
		L: func(key string, args ...any) string { return key }}
}

func TestMissionPDFText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	r := sampleMission()
	var buf bytes.Buffer
	if err := export.WritePDF(&buf, export.MissionDoc(r, options("id"))); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("NIAGA_KEEP_PDF"); dir != "" {
		os.WriteFile(dir+"/mission.pdf", buf.Bytes(), 0o644)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{niaga.FormatRupiah(r.Committed, "id"), "Rp 147.321.766.000", niaga.FormatRupiah(r.Realized, "id"), "#4242", strings.Repeat("ab", 32)} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestMissionCSVAndXLSX(t *testing.T) {
	r := sampleMission()
	d := export.MissionDoc(r, options("id"))
	tb, _ := d.Table("by_commodity")
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, tb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if last := recs[len(recs)-1]; last[0] != "total" || last[3] != "147321766000" {
		t.Fatalf("csv total row %v", last)
	}
	buf.Reset()
	if err := export.WriteXLSX(&buf, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != len(d.Tables)+1 {
		t.Fatalf("sheets %v for %d tables", sheets, len(d.Tables))
	}
	rows, err := f.GetRows(sheets[1]) // by commodity: name, deals, value, realized, share
	if err != nil {
		t.Fatal(err)
	}
	total := rows[len(rows)-1]
	if total[2] != "147321766000" || total[4] != "1" {
		t.Fatalf("totals row %v", total)
	}
	style, _ := f.GetCellStyle(sheets[1], "C2")
	if st, _ := f.GetStyle(style); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != `"Rp" #,##0` {
		t.Fatalf("money format %+v", st)
	}
}
