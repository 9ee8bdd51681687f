package kinds

import (
	"errors"
	"testing"

	"niaga"
	"niaga/report"
	"niaga/report/export"
)

func TestParamsCheck(t *testing.T) {
	cases := []struct {
		name   string
		takes  Takes
		p      Params
		field  string // the field refused, "" when accepted
		source string // the source after the check
	}{
		{"no id needed", TakesPeriod, Params{}, "", ""},
		{"id missing", TakesID, Params{}, "id", ""},
		{"id negative", TakesID | TakesPeriod, Params{ID: -3}, "id", ""},
		{"id given", TakesID, Params{ID: 7}, "", ""},
		{"source defaults to all", TakesSource, Params{}, "", export.SourceAll},
		{"source auction", TakesSource, Params{Source: "auction"}, "", export.SourceAuction},
		{"source unknown", TakesSource, Params{Source: "lelang"}, "source", "lelang"},
		{"source ignored by a kind without it", TakesPeriod, Params{Source: "lelang"}, "", "lelang"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.p
			err := p.check(c.takes)
			var ve *niaga.Error
			switch {
			case c.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.field != "" && (!errors.As(err, &ve) || len(ve.Fields) == 0 || ve.Fields[0].Field != c.field):
				t.Fatalf("want %s refused, got %v", c.field, err)
			}
			if err == nil && p.Source != c.source {
				t.Fatalf("source %q, want %q", p.Source, c.source)
			}
		})
	}
}

func TestPricesTakeThePeriod(t *testing.T) {
	p := Params{Period: mustPeriod(t, "2025-01-01", "2025-01-31")}
	if err := p.check(Prices.Takes()); err != nil {
		t.Fatal(err)
	}
	if p.Prices.Period != p.Period {
		t.Fatal("the price filter does not carry the period")
	}
}

func TestLookupEveryKind(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range All {
		if seen[k.Name()] {
			t.Fatalf("kind %s listed twice", k.Name())
		}
		seen[k.Name()] = true
		if got, ok := Lookup(k.Name()); !ok || got != k {
			t.Fatalf("Lookup(%s) = %v, %v", k.Name(), got, ok)
		}
		if k.About() == "" {
			t.Fatalf("kind %s says nothing about itself", k.Name())
		}
	}
	if _, ok := Lookup("gen-data"); ok {
		t.Fatal("gen-data is a command, not a report kind")
	}
}

func mustPeriod(t *testing.T, from, to string) report.Period {
	t.Helper()
	p, err := report.ParsePeriod(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
