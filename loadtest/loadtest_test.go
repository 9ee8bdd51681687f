package loadtest_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/loadtest"
	"niaga/store"
	"niaga/store/storetest"
	"niaga/web"
)

// TestScenariosSmoke runs every scenario for a second against an
// in-process server on loopback and checks the report, so CI proves the
// tool works. It measures nothing: the figures are in BENCHMARKS.md.
func TestScenariosSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server under load for several seconds")
	}
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	const email, password = "bench-admin@niaga.test", "bench-admin-password"
	org := niaga.Organization{Name: "Operator", Kind: niaga.OrgAgency, Province: "31", Verified: true}
	if err := db.CreateOrganization(ctx, nil, &org); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, nil, store.NewUser{Email: email, Name: "Admin", PasswordHash: hash, Role: niaga.RoleAdmin, OrgID: org.ID}); err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	bg, cancel := context.WithCancel(ctx)
	ts := httptest.NewServer(srv.Handler())
	done := make(chan struct{})
	go func() { srv.RunBackground(bg); close(done) }()
	t.Cleanup(func() {
		cancel()
		ts.CloseClientConnections()
		ts.Close()
		<-done
	})

	r, err := loadtest.New(loadtest.Config{Target: ts.URL, Conns: 8, Duration: time.Second, Warmup: -1, Lots: 20, Buyers: 6,
		Watchers: 10, Rate: 50, Admin: email, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, sc := range loadtest.Scenarios {
		res, err := r.Run(ctx, sc)
		if err != nil {
			t.Fatalf("%s: %v", sc, err)
		}
		line := res.JSON()
		t.Log(line)
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"scenario", "requests_per_s", "writes_per_s", "errors", "p50_ms", "p90_ms", "p99_ms", "max_ms", "client_cpu_share"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: no %q in %s", sc, k, line)
			}
		}
		if res.Scenario != sc || res.RequestsPerS <= 0 || res.P50ms <= 0 || res.P99ms < res.P50ms || res.MaxMs < res.P99ms {
			t.Errorf("%s: implausible %s", sc, line)
		}
		if sc == "ceiling" {
			if res.Errors["net"] > 0 || len(res.Errors) > 0 {
				t.Errorf("ceiling errors: %v", res.Errors)
			}
			continue
		}
		if res.WritesPerS <= 0 || res.CeilingRatio <= 0 {
			t.Errorf("%s: no committed writes or no ceiling ratio: %s", sc, line)
		}
		if sc == "watchers" || sc == "deals" {
			if res.Deliveries <= 0 || res.DeliveryP99ms <= 0 || res.Events <= 0 {
				t.Errorf("%s: no deliveries measured: %s", sc, line)
			}
		}
	}
}
