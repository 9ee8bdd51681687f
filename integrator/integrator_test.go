// Package integrator tries the API as an integrator does, with tools that
// know nothing of Niaga's code: a Go client that oapi-codegen generates
// from the served OpenAPI document (client_test.go), and the curl session
// of docs/api.md run by bash (docs_test.go). Each test starts a real
// server on a loopback port over a fresh SQLite database filled with the
// demo data (an auction session and a trade mission open now).
package integrator

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"niaga/demo"
	"niaga/store"
	"niaga/store/storetest"
	"niaga/web"
)

// demoServer serves the demo data on loopback until the test ends and
// returns its URL.
func demoServer(t *testing.T) string {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.Seed(context.Background(), db, time.Now()); err != nil {
		t.Fatalf("demo: %v", err)
	}
	srv := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(srv.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.RunBackground(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		ts.CloseClientConnections()
		ts.Close()
		<-done
	})
	return ts.URL
}
