package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"niaga"
	"niaga/internal/datagen"
	"niaga/report"
	"niaga/report/export"
	"niaga/report/kinds"
	"niaga/store"
	"niaga/web"
)

var reportUsage = fmt.Sprintf(`niaga report — published figures, as JSON, CSV, XLSX or PDF

Usage:
  niaga report <kind> [--format json|csv|xlsx|pdf] [--out FILE] [flags]

Kinds:
%s  gen-data               fill the database with a generated history (--bids --deals --seed)
  bench                  time every report on the database (--runs N)

Flags:
  --from, --to DATE      period, local dates in WIB (2006-01-02), both days included
  --table NAME           the table a CSV holds (default: the first)
  --lang id|en           language of human formats (default id)
  --db                   SQLite file path or postgres:// URL (NIAGA_DB)
`, reportKinds())

// reportKinds lists the report kinds with what each takes, for the help.
func reportKinds() string {
	var b strings.Builder
	for _, k := range kinds.All {
		use := k.Name()
		if k.Takes().Has(kinds.TakesID) {
			use += " --id N"
		}
		if k.Takes().Has(kinds.TakesSource) {
			use += " [--source S]"
		}
		fmt.Fprintf(&b, "  %-22s %s\n", use, k.About())
	}
	return b.String()
}

// reportFlags are the report command's flags.
type reportFlags struct {
	config
	format, out, lang, table, from, to, source string
	commodity, grade, province                 string
	id                                         int64
	bids, deals, runs                          int
	seed                                       uint64
}

func reportCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Print(reportUsage)
		return nil
	}
	kind := args[0]
	var f reportFlags
	fs := flag.NewFlagSet("report "+kind, flag.ContinueOnError)
	fs.Usage = func() { _, _ = fmt.Fprint(fs.Output(), reportUsage) } // to stderr: nothing to do if it fails
	f.flags(fs, "niaga.db")
	fs.StringVar(&f.format, "format", "", "json, csv, xlsx or pdf")
	fs.StringVar(&f.out, "out", "", "output file (default standard output)")
	fs.StringVar(&f.lang, "lang", "id", "language of human formats: id or en")
	fs.StringVar(&f.table, "table", "", "the table a CSV holds")
	fs.StringVar(&f.from, "from", "", "first day, 2006-01-02 (WIB)")
	fs.StringVar(&f.to, "to", "", "last day, 2006-01-02 (WIB)")
	fs.StringVar(&f.source, "source", export.SourceAll, "flows: all, auction or mission")
	fs.StringVar(&f.commodity, "commodity", "", "prices: commodity code")
	fs.StringVar(&f.grade, "grade", "", "prices: grade")
	fs.StringVar(&f.province, "province", "", "prices: province code")
	fs.Int64Var(&f.id, "id", 0, "mission, market, session or contract id")
	fs.IntVar(&f.bids, "bids", 1_000_000, "gen-data: bids")
	fs.IntVar(&f.deals, "deals", 100_000, "gen-data: mission deal entries")
	fs.Uint64Var(&f.seed, "seed", 1, "gen-data: random seed")
	fs.IntVar(&f.runs, "runs", 5, "bench: runs per report (the median is reported)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("report %s: unexpected %q", kind, fs.Arg(0))
	}
	db, err := f.open(ctx, f.logger())
	if err != nil {
		return err
	}
	defer closeLogged(db, "database")
	switch kind {
	case "gen-data":
		return genData(ctx, db, f)
	case "bench":
		return benchReports(ctx, db, f, os.Stdout)
	}
	if f.format == "" {
		f.format = "json"
		if kind == "contract" {
			f.format = "pdf"
		}
	}
	data, doc, err := buildReport(ctx, db, kind, f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if f.format == "json" {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		err = enc.Encode(data)
	} else {
		err = export.Write(&buf, doc, f.format, f.table)
	}
	if err != nil {
		return err
	}
	if f.out == "" {
		_, err = os.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(f.out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d bytes\n", f.out, buf.Len())
	return nil
}

// cliActor is the operator at the console: database access reads everything.
var cliActor = &niaga.Actor{Role: niaga.RoleAdmin, Name: "cli"}

// buildReport computes a report kind and its document.
func buildReport(ctx context.Context, db *store.DB, kind string, f reportFlags) (any, *export.Document, error) {
	k, ok := kinds.Lookup(kind)
	if !ok {
		return nil, nil, fmt.Errorf("report: unknown kind %q (try niaga report help)", kind)
	}
	if k.Takes().Has(kinds.TakesID) && f.id <= 0 {
		return nil, nil, fmt.Errorf("report %s: --id is required", kind)
	}
	p, err := report.ParsePeriod(f.from, f.to)
	if err != nil {
		return nil, nil, err
	}
	cs, err := db.Commodities(ctx)
	if err != nil {
		return nil, nil, err
	}
	params := kinds.Params{ID: f.id, Period: p, Source: f.source, Actor: cliActor,
		Prices: report.PriceFilter{Commodity: f.commodity, Grade: f.grade, Province: f.province}}
	return k.Build(ctx, db, params, web.ReportOptions(f.lang, cs))
}

func genData(ctx context.Context, db *store.DB, f reportFlags) error {
	spec := datagen.Spec{Bids: f.bids, Deals: f.deals, Seed: f.seed, Progress: func(phase string, rows int, took time.Duration) {
		fmt.Fprintf(os.Stderr, "%-32s %9d rows  %8.1fs\n", phase, rows, took.Seconds())
	}}
	st, err := datagen.Generate(ctx, db, cliActor, spec)
	if err != nil {
		return err
	}
	fmt.Printf("generated on %s in %.1fs: %d bids on %d lots in %d sessions, %d contracts (%d steps), %d prices; %d deals (%d reversals, %d realizations) in %d missions\n",
		db.Engine, st.Took.Seconds(), st.Bids, st.Lots, st.Sessions, st.Contracts, st.Steps, st.Prices, st.Deals, st.Reversals, st.Realizations, st.Missions)
	return nil
}

// benchReports times every report (the median of --runs) on the database
// as it is, and prints a Markdown table.
func benchReports(ctx context.Context, db *store.DB, f reportFlags, w io.Writer) error {
	counts, err := datagen.RowCounts(ctx, db)
	if err != nil {
		return err
	}
	// The largest mission and market, a recent year, the most traded commodity.
	prog, err := db.ProgrammeReport(ctx)
	if err != nil {
		return err
	}
	var mission report.MissionLine
	for _, m := range prog.Missions {
		if m.Count > mission.Count {
			mission = m
		}
	}
	set, err := db.SettlementReport(ctx, cliActor, report.Period{})
	if err != nil {
		return err
	}
	var market report.SettlementLine
	for _, m := range set.Markets {
		if m.Contracts > market.Contracts {
			market = m
		}
	}
	auction, err := db.AuctionReport(ctx, store.AuctionScope{MarketID: market.MarketID})
	if err != nil {
		return err
	}
	var session int64
	if len(auction.Sessions) > 0 {
		session = auction.Sessions[len(auction.Sessions)/2].Session.ID
	}
	year, _ := report.ParsePeriod("2024-01-01", "2024-12-31")
	cs, err := db.Commodities(ctx)
	if err != nil {
		return err
	}
	o := web.ReportOptions("id", cs)
	render := func(d *export.Document, format string) error { return export.Write(io.Discard, d, format, "") }
	cases := []struct {
		name string
		fn   func() error
	}{
		{"programme: missions per year, cumulative", func() error { _, err := db.ProgrammeReport(ctx); return err }},
		{fmt.Sprintf("mission report (%d deals)", mission.Count), func() error { _, err := db.MissionReport(ctx, mission.ID); return err }},
		{"mission report as PDF (query + render)", func() error {
			r, err := db.MissionReport(ctx, mission.ID)
			if err != nil {
				return err
			}
			return render(export.MissionDoc(r, o), "pdf")
		}},
		{fmt.Sprintf("market report (%d contracts)", market.Contracts), func() error {
			_, err := db.AuctionReport(ctx, store.AuctionScope{MarketID: market.MarketID})
			return err
		}},
		{"market report, one year", func() error {
			_, err := db.AuctionReport(ctx, store.AuctionScope{MarketID: market.MarketID, Period: year})
			return err
		}},
		{"session report", func() error { _, err := db.AuctionReport(ctx, store.AuctionScope{SessionID: session}); return err }},
		{"commodities, all time", func() error { _, err := db.CommodityReport(ctx, report.Period{}); return err }},
		{"commodities, one year", func() error { _, err := db.CommodityReport(ctx, year); return err }},
		{"flow matrices, all time", func() error { _, err := db.FlowReport(ctx, report.Period{}); return err }},
		{"flow matrices, one year", func() error { _, err := db.FlowReport(ctx, year); return err }},
		{"flow matrix as XLSX (query + render)", func() error {
			r, err := db.FlowReport(ctx, report.Period{})
			if err != nil {
				return err
			}
			return render(export.FlowsDoc(r, export.SourceAll, o), "xlsx")
		}},
		{"settlement per market, all time", func() error { _, err := db.SettlementReport(ctx, cliActor, report.Period{}); return err }},
		{"price history: one commodity, all time", func() error {
			_, err := db.PriceHistory(ctx, report.PriceFilter{Commodity: "beras"})
			return err
		}},
		{"price history: one series, one year", func() error {
			_, err := db.PriceHistory(ctx, report.PriceFilter{Commodity: "beras", Grade: "medium", Province: "18", Period: year})
			return err
		}},
		{"price history: all, one year, as CSV", func() error {
			r, err := db.PriceHistory(ctx, report.PriceFilter{Period: year})
			if err != nil {
				return err
			}
			return render(export.PricesDoc(r, o), "csv")
		}},
		{"audit verify (whole chain)", func() error { _, _, err := db.VerifyAudit(ctx); return err }},
	}
	if _, err := fmt.Fprintf(w, "engine %s: %d bids, %d lots, %d contracts, %d contract steps, %d prices, %d deals, %d realizations, %d missions, %d audit records\n\n",
		db.Engine, counts["bids"], counts["lots"], counts["contracts"], counts["contract_steps"], counts["prices"], counts["deals"],
		counts["deal_realizations"], counts["missions"], counts["audit_log"]); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "| report | median of %d (%s) |\n|---|---:|\n", f.runs, db.Engine); err != nil {
		return err
	}
	for _, c := range cases {
		var took []time.Duration
		for range max(1, f.runs) {
			t0 := time.Now()
			if err := c.fn(); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			took = append(took, time.Since(t0))
		}
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		if _, err := fmt.Fprintf(w, "| %s | %s |\n", c.name, ms(took[len(took)/2])); err != nil {
			return err
		}
	}
	return nil
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}
