package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"niaga/store"
	"niaga/web"
)

// openapiCmd prints the OpenAPI document the server serves at
// /api/v1/openapi.json, so that tools (the linter of scripts/apilint.sh,
// client generators) can read it without a running server or a database.
// The document comes from the route table alone; web.New needs a store to
// register its routes, so a throw-away SQLite file is opened (not migrated,
// never queried) and removed.
func openapiCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("openapi", flag.ExitOnError)
	out := fs.String("out", "", "file to write the document to (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "niaga-openapi-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }() // a leftover in the temp dir harms nothing
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(ctx, filepath.Join(dir, "routes.db"), store.Options{Logger: quiet})
	if err != nil {
		return err
	}
	defer closeLogged(db, "database")
	doc := append(web.New(web.Config{DB: db, Logger: quiet}).OpenAPI(), '\n')
	if *out == "" {
		_, err = os.Stdout.Write(doc)
		return err
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		return fmt.Errorf("openapi: %w", err)
	}
	return nil
}
