package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"niaga/demo"
	"niaga/store"
)

// demoDB makes a SQLite file with the demo data and returns its path and
// the Kalsel mission's id.
func demoDB(t *testing.T) (string, int64) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "niaga.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	ms, err := db.Missions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Title == demo.MissionKalsel {
			return path, m.ID
		}
	}
	t.Fatal("no Kalsel mission")
	return "", 0
}

func TestReportCLI(t *testing.T) {
	ctx := context.Background()
	path, kalsel := demoDB(t)
	dir := t.TempDir()
	out := func(name string) string { return filepath.Join(dir, name) }

	if err := run(ctx, []string{"report", "flows", "--db", path, "--format", "csv", "--source", "mission", "--out", out("flows.csv")}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out("flows.csv"))
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	total, _ := strconv.ParseInt(last[len(last)-1], 10, 64)
	if last[0] != "total" || total < demo.KalselTotal+demo.SumselTotal {
		t.Fatalf("flows csv total row %v", last)
	}

	if err := run(ctx, []string{"report", "mission", "--db", path, "--id", strconv.FormatInt(kalsel, 10), "--format", "pdf", "--out", out("m.pdf")}); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.Command("pdftotext", "-layout", out("m.pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), "Rp 147.321.766.000") {
			t.Fatalf("mission PDF lacks the total:\n%s", text)
		}
	}
	if err := run(ctx, []string{"report", "mission", "--db", path}); err == nil || !strings.Contains(err.Error(), "--id") {
		t.Fatalf("mission without --id: %v", err)
	}
	if err := run(ctx, []string{"report", "nonsense", "--db", path}); err == nil {
		t.Fatal("unknown kind accepted")
	}
	if err := run(ctx, []string{"report", "contract", "--db", path, "--id", "1", "--out", out("c.pdf")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out("c.pdf")); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("contract document is not a PDF")
	}

	// A generated history, then every report timed on it.
	if err := run(ctx, []string{"report", "gen-data", "--db", path, "--bids", "3000", "--deals", "1600"}); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var buf bytes.Buffer
	if err := benchReports(ctx, db, reportFlags{runs: 1}, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| flow matrices, all time |") || !strings.Contains(buf.String(), "engine sqlite: ") {
		t.Fatalf("bench output:\n%s", buf.String())
	}
}

// TestAuditVerifyCLI edits a record of the audit log in the database file
// and checks that niaga audit verify names it.
func TestAuditVerifyCLI(t *testing.T) {
	ctx := context.Background()
	path, _ := demoDB(t)
	if err := run(ctx, []string{"audit", "verify", "--db", path}); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int64
	if err := raw.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil || n < 100 {
		t.Fatalf("%d audit records: %v", n, err)
	}
	// A deal's value changed after the fact, in a record in the middle of
	// the chain that holds one.
	var seq int64
	if err := raw.QueryRow(`SELECT seq FROM audit_log WHERE after LIKE '%"value":%' AND seq >= ? ORDER BY seq LIMIT 1`, n/2).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE audit_log SET after = replace(after, '\"value\":', '\"value\":1') WHERE seq = ?", seq); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"audit", "verify", "--db", path})
	if err == nil || !strings.Contains(err.Error(), "broken at record "+strconv.FormatInt(seq, 10)+" ") {
		t.Fatalf("edited record %d: %v", seq, err)
	}
}
