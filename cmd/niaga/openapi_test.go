package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"niaga/store"
	"niaga/store/storetest"
	"niaga/web"
)

// TestOpenAPICommand: `niaga openapi --out F` writes, without a database,
// the very document a server serves at /api/v1/openapi.json (the linter of
// scripts/apilint.sh reads this file).
func TestOpenAPICommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "openapi.json")
	if err := run(context.Background(), []string{"openapi", "--out", out}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(web.New(web.Config{DB: storetest.Open(t, store.SQLite)}).Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	served, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(served)) {
		t.Fatalf("niaga openapi wrote %d bytes, the server serves %d others", len(got), len(served))
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(got, &doc); err != nil || doc.OpenAPI != "3.1.0" || len(doc.Paths) == 0 {
		t.Fatalf("not an OpenAPI 3.1 document with paths: %v %q %d", err, doc.OpenAPI, len(doc.Paths))
	}
}
