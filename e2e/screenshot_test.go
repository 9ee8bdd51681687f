package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"niaga"
	"niaga/store"
)

// TestScreenshots saves the live board, a lot page and the price board at
// desktop and phone sizes to docs/screenshots (for the README). It runs
// only with NIAGA_SCREENSHOTS=1.
func TestScreenshots(t *testing.T) {
	if os.Getenv("NIAGA_SCREENSHOTS") != "1" {
		t.Skip("set NIAGA_SCREENSHOTS=1 to refresh docs/screenshots")
	}
	s := startServer(t)
	out := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	lot := s.showcaseLot(t)
	pages := []struct {
		name, path, user string
	}{
		{"board", "/missions/" + strconv.FormatInt(s.todayMission(t), 10) + "/board", ""},
		{"lot", "/lots/" + strconv.FormatInt(lot, 10), "pembeli@niaga.id"},
		{"prices", "/prices", ""},
	}
	sizes := []struct {
		name string
		w, h int64
	}{{"desktop", 1366, 768}, {"phone", 390, 844}}
	b := s.browser(t)
	for _, p := range pages {
		tb := b.another()
		if p.user != "" {
			tb.signIn(p.user)
		}
		for _, sz := range sizes {
			tb.do("viewport", chromedp.EmulateViewport(sz.w, sz.h))
			tb.open(p.path)
			time.Sleep(1200 * time.Millisecond) // charts and the stream settle
			png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(out, p.name+"-"+sz.name+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", name, len(png))
		}
		tb.clean()
	}
}

// showcaseLot is an open English lot of the demo with bids, or a new one.
func (s *server) showcaseLot(t *testing.T) int64 {
	t.Helper()
	lots, err := s.DB.Lots(context.Background(), nil, store.LotFilter{Status: niaga.LotAdmitted}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lots {
		if l.Mechanism == "english" && l.State == "open" && l.BidCount > 0 {
			return l.ID
		}
	}
	m, ss := s.market(t, 3*time.Hour, 3*time.Minute)
	l, err := s.DB.SubmitLot(context.Background(), s.actor("penjual@niaga.id"), store.LotInput{SessionID: ss.ID, MarketID: m.ID, Commodity: "beras", Grade: "medium",
		Quantity: 20_000, Origin: "Gudang Natar, Lampung Selatan", Mechanism: "english", Reserve: 11_500, Increment: 50})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.DecideLot(context.Background(), s.actor("lampung@niaga.id"), l.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	return l.ID
}
