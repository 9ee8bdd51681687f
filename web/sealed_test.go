package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"niaga"
)

// TestSealedBidsInvisible places a sealed bid with a distinctive price and
// then reads every GET route and page (API, SSE, reports and their CSV,
// XLSX and PDF exports) as every role but the bidder's: the price must not
// appear anywhere before the lot closes.
func TestSealedBidsInvisible(t *testing.T) {
	e := newEnv(t, "sqlite")
	toks := e.tokensByRole()
	sealed := e.demoLot("sealed_first", "kopi_robusta")
	const price = 47_123
	e.call("POST", fmt.Sprintf("/api/v1/lots/%d/bids", sealed.ID), e.token("banua@niaga.id"), map[string]int64{"price": price}, 201, nil)
	needles := []string{"47123", "47.123", "47,123"}
	ids := map[string]string{}
	var lot niaga.Lot
	e.call("GET", fmt.Sprintf("/api/v1/lots/%d", sealed.ID), "", nil, 200, &lot)
	ids["lots"], ids["sessions"], ids["markets"] = fmt.Sprint(lot.ID), fmt.Sprint(lot.SessionID), fmt.Sprint(lot.MarketID)
	fill := func(path string) string {
		// Put the sealed lot's own ids where a route names its lot, session or market.
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, "{") && i > 0 {
				if v, ok := ids[parts[i-1]]; ok {
					parts[i] = v
				} else {
					parts[i] = "1"
				}
			}
		}
		return strings.Join(parts, "/")
	}
	var paths []string
	for _, r := range e.Srv.Routes() {
		if r.Method == "GET" {
			paths = append(paths, fill(r.Path))
		}
	}
	for _, p := range e.Srv.Pages() {
		if p.Method == "GET" {
			paths = append(paths, strings.TrimSuffix(fill(p.Path), "{$}"))
		}
	}
	paths = append(paths, fmt.Sprintf("/lots/%d", lot.ID), fmt.Sprintf("/sessions/%d", lot.SessionID))
	checked := 0
	for role, tok := range toks {
		if role == niaga.RoleBusiness && tok == e.token("banua@niaga.id") {
			continue
		}
		for _, path := range paths {
			body := e.fetchAll(path, tok)
			checked++
			for _, n := range needles {
				if strings.Contains(body, n) {
					t.Fatalf("sealed bid price %s visible to %q at %s", n, role, path)
				}
			}
		}
	}
	t.Logf("%d reads by %d roles over %d paths: the sealed price never appeared", checked, len(toks)-1, len(paths))
}

// fetchAll reads a path as text: streams for a moment, XLSX files unzipped,
// PDFs through pdftotext when it is installed.
func (e *env) fetchAll(path, token string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body) // a stream ends when the context does
	if res.StatusCode >= 500 {
		e.t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	ct := res.Header.Get("Content-Type")
	switch {
	case strings.Contains(ct, "spreadsheetml"):
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			e.t.Fatalf("GET %s: not a zip: %v", path, err)
		}
		var all strings.Builder
		for _, f := range zr.File {
			rc, _ := f.Open()
			x, _ := io.ReadAll(rc)
			rc.Close()
			all.Write(x)
		}
		return all.String()
	case strings.Contains(ct, "pdf"):
		if _, err := exec.LookPath("pdftotext"); err != nil {
			return string(b)
		}
		f := filepath.Join(e.t.TempDir(), "x.pdf")
		os.WriteFile(f, b, 0o600)
		out, err := exec.Command("pdftotext", f, "-").Output()
		if err != nil {
			e.t.Fatalf("pdftotext %s: %v", path, err)
		}
		return string(out)
	}
	return string(b)
}
