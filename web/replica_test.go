package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"niaga/demo"
	"niaga/store"
	"niaga/store/storetest"
	"niaga/web"
)

// TestReadReplica serves reports from a second handle (a replica in
// production) and writes through the primary.
func TestReadReplica(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, eng)
			primary, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer primary.Close()
			if err := primary.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Seed(ctx, primary, time.Now()); err != nil {
				t.Fatal(err)
			}
			replica, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer replica.Close()
			srv := web.New(web.Config{DB: primary, Replica: replica, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			ts, _ := serve(t, srv)
			defer ts.Close()
			for _, path := range []string{"/api/v1/reports/missions", "/api/v1/prices/history", "/api/v1/reports/flows"} {
				res, err := http.Get(ts.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != 200 {
					t.Fatalf("%s through the replica: %d", path, res.StatusCode)
				}
			}
			// Closing the replica handle shows reports really read from it.
			replica.Close()
			res, err := http.Get(ts.URL + "/api/v1/reports/missions")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode < 500 {
				t.Fatalf("reports still answered %d with the replica gone: they are not using it", res.StatusCode)
			}
		})
	}
}
