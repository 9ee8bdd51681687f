package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"niaga"
	"niaga/demo"
	"niaga/store"
)

// phoneWidth is the narrowest phone the pages are made for (CSS pixels).
const phoneWidth = 360

// phoneRoles are the people who open the pages: one demo user per role,
// and both sides of a business (a buyer who takes part in today's
// mission, and a seller) and the mission's validator, whose pages differ.
var phoneRoles = []struct{ name, email string }{
	{"anonymous", ""},
	{"business buyer", "banua@niaga.id"},
	{"business seller", "penjual@niaga.id"},
	{"organizer", "lampung@niaga.id"},
	{"agency", "jatim@niaga.id"},
	{"validator", demo.Validator},
	{"bank", "bank@niaga.id"},
	{"admin", demo.Admin},
}

// TestPhoneLayout opens every page of the page table that each role may
// open, on a 360×800 phone, and fails on any page that scrolls sideways
// (document scrollWidth above 360), naming the widest element. One role
// signs in and opens its trading pages over a throttled network first.
func TestPhoneLayout(t *testing.T) {
	s := startServer(t)
	ids := s.phoneIDs(t)
	first := s.browser(t)
	start := time.Now()

	// A buyer on a slow mobile network: sign-in, deposits, market and lot.
	slow := first.another()
	slow.phone()
	slow.throttle(true)
	t0 := time.Now()
	slow.signIn("banua@niaga.id")
	for _, p := range []string{"/deposits", ids.fill(t, "/markets/{id}", ""), ids.fill(t, "/lots/{id}", "")} {
		slow.checkWidth("business buyer (throttled)", p)
		// The emulation holds: the page took at least the latency to arrive.
		if wait := eval[float64](slow, `(function(){var n=performance.getEntriesByType("navigation")[0];return n.responseEnd-n.requestStart})()`); wait < 150 {
			t.Errorf("throttled %s: page arrived in %.0f ms, want at least the 150 ms latency", p, wait)
		}
	}
	slow.throttle(false)
	t.Logf("throttled (400 kbit/s, 150 ms): sign-in and 3 pages in %v", time.Since(t0).Round(time.Millisecond))
	slow.clean()

	pairs, skipped := 0, 0
	for _, r := range phoneRoles {
		b := first.another()
		b.phone()
		var role niaga.Role
		if r.email != "" {
			b.signIn(r.email)
			role = s.Data.Users[r.email].Role
		}
		for _, p := range s.Srv.Pages() {
			if p.Method != "GET" || !p.Policy.Allows(role) {
				continue
			}
			path := ids.fill(t, p.Path, r.email)
			if path == "" { // nothing of this kind for this user
				skipped++
				continue
			}
			if !b.checkWidth(r.name, path) {
				continue
			}
			pairs++
			if r.email == "" && b.description() == "" {
				t.Errorf("public page %s has no meta description", path)
			}
		}
		if r.email == "" {
			b.checkMenu()
		}
		if r.email == "" { // the hall's big screen: the board alone
			path := ids.fill(t, "/missions/{id}/board", "") + "?kiosk=1"
			b.checkWidth(r.name, path)
			pairs++
			if n := eval[int](b, `document.querySelectorAll("header, footer, nav, .skip").length`); n != 0 {
				t.Errorf("kiosk board %s shows %d header, menu or footer elements", path, n)
			}
			if eval[string](b, `document.querySelector("#board-total").textContent`) == "" {
				t.Errorf("kiosk board %s shows no total", path)
			}
		}
		b.clean()
	}
	t.Logf("checked %d (role, page) pairs at %d px in %v (%d without an id for the role)", pairs, phoneWidth, time.Since(start).Round(time.Millisecond), skipped)
}

// checkMenu checks the compact menu with scripts off: on a phone the links
// are folded behind one button that opens them; on a wide screen they show
// without a tap. It leaves the tab a phone with scripts on.
func (b *tab) checkMenu() {
	b.t.Helper()
	shown := `(function(){var a=document.querySelector("#menu nav a");return !!a&&a.checkVisibility()})()`
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		b.t.Fatalf("scripts off: %v", err)
	}
	b.open("/")
	if eval[bool](b, shown) {
		b.t.Errorf("phone: the menu's links show before the menu is opened")
	}
	b.do("open the menu", chromedp.Click(chromedp.CSS("#menu > summary")))
	if !eval[bool](b, shown) {
		b.t.Errorf("phone: the menu's links do not show after a tap on the menu button")
	}
	if w := eval[int](b, "document.documentElement.scrollWidth"); w > phoneWidth {
		b.t.Errorf("phone: the open menu makes the page %d px wide", w)
	}
	b.do("wide screen", chromedp.EmulateViewport(1366, 768))
	b.open("/")
	if !eval[bool](b, shown) {
		b.t.Errorf("wide screen: the menu's links are folded")
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		b.t.Fatalf("scripts on: %v", err)
	}
	b.phone()
}

// phone makes the tab a 360×800 touch phone.
func (b *tab) phone() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: phoneWidth, Height: 800, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		b.t.Fatalf("phone viewport: %v", err)
	}
}

// throttle slows the tab's network to a poor mobile connection (400 kbit/s
// down, 150 kbit/s up, 150 ms latency), or lifts that.
func (b *tab) throttle(on bool) {
	b.t.Helper()
	c := &network.Conditions{Latency: 0, DownloadThroughput: -1, UploadThroughput: -1}
	if on {
		c = &network.Conditions{Latency: 150, DownloadThroughput: 400_000 / 8, UploadThroughput: 150_000 / 8, ConnectionType: network.ConnectionTypeCellular3g}
	}
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatalf("network enable: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{c}}); err != nil {
		b.t.Fatalf("network conditions: %v", err)
	}
}

// overflowJS measures the page: "" when nothing sticks out past the phone's
// width, else the scroll width and the elements whose right edge passes it
// (widest first), leaving out those inside a box that scrolls on its own.
const overflowJS = `(function(w){
  var sw = document.documentElement.scrollWidth;
  if (sw <= w) { return ""; }
  function scrolls(e) {
    for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o !== "visible") { return true; }
    }
    return false;
  }
  function name(e) {
    var s = e.tagName.toLowerCase();
    if (e.id) { s += "#" + e.id; }
    if (typeof e.className === "string" && e.className.trim()) { s += "." + e.className.trim().split(/\s+/).join("."); }
    var txt = (e.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60);
    return s + " (right " + Math.round(e.getBoundingClientRect().right) + " px" + (txt ? ", \"" + txt + "\"" : "") + ")";
  }
  var out = [], all = [];
  document.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width > 0) { all.push(e); if (!scrolls(e)) { out.push(e); } }
  });
  if (out.length === 0) { out = all; } // positioned out of its scrolling box
  out.sort(function (a, b) { return b.getBoundingClientRect().right - a.getBoundingClientRect().right; });
  return "scrollWidth " + sw + "; widest: " + out.slice(0, 3).map(name).join("; ");
})(` + "%d)"

// checkWidth opens path and fails the test if the page scrolls sideways.
// It reports false for what is not a page (a fragment or JSON endpoint).
func (b *tab) checkWidth(role, path string) bool {
	b.t.Helper()
	b.open(path)
	if !eval[bool](b, "document.doctype !== null") {
		return false
	}
	if bad := eval[string](b, fmt.Sprintf(overflowJS, phoneWidth)); bad != "" {
		b.t.Errorf("%s on %s: wider than %d px: %s", role, path, phoneWidth, bad)
	}
	return true
}

// description is the page's meta description, "" if none.
func (b *tab) description() string {
	return eval[string](b, `(function(){var m=document.querySelector("meta[name=description]");return m?m.content.trim():""})()`)
}

// phoneIDs are real ids from the demo data for the page table's {id}s.
type phoneIDs struct {
	market, session, lot, mission, archive int64
	contract                               map[string]int64 // by email: one the user may see
}

func (s *server) phoneIDs(t *testing.T) *phoneIDs {
	t.Helper()
	ctx := context.Background()
	ids := &phoneIDs{lot: s.showcaseLot(t), mission: s.todayMission(t), contract: map[string]int64{}}
	lots, err := s.DB.Lots(ctx, nil, store.LotFilter{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lots {
		if l.ID == ids.lot {
			ids.market, ids.session = l.MarketID, l.SessionID
		}
	}
	ms, err := s.DB.Missions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Title == demo.MissionKalsel {
			ids.archive = m.ID // the biggest report: 172 delegates, every deal
		}
	}
	for _, r := range phoneRoles {
		if r.email == "" {
			continue
		}
		cs, err := s.DB.Contracts(ctx, s.actor(r.email), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) > 0 {
			ids.contract[r.email] = cs[0].ID
		}
	}
	if ids.market == 0 || ids.archive == 0 {
		t.Fatalf("demo ids: %+v", ids)
	}
	return ids
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// fill puts real ids into a page route's path for the user with email; ""
// when the user has nothing of that kind (a contract). A route whose ids
// it does not know fails the test, so a new page gets an id here.
func (ids *phoneIDs) fill(t *testing.T, route, email string) string {
	t.Helper()
	if route == "/{$}" {
		return "/"
	}
	if !strings.Contains(route, "{") {
		return route
	}
	var id int64
	switch {
	case strings.HasPrefix(route, "/reports/missions/"):
		id = ids.archive
	case strings.HasPrefix(route, "/markets/"), strings.HasPrefix(route, "/reports/markets/"):
		id = ids.market
	case strings.HasPrefix(route, "/sessions/"), strings.HasPrefix(route, "/reports/sessions/"):
		id = ids.session
	case strings.HasPrefix(route, "/lots/"):
		id = ids.lot
	case strings.HasPrefix(route, "/missions/"):
		id = ids.mission
	case strings.HasPrefix(route, "/contracts/"):
		if id = ids.contract[email]; id == 0 {
			return ""
		}
	default:
		t.Fatalf("no demo id for page %s: add one to phoneIDs.fill", route)
	}
	if strings.Count(route, "{") > 1 {
		t.Fatalf("page %s has two ids: add them to phoneIDs.fill", route)
	}
	return pathParam.ReplaceAllString(route, strconv.FormatInt(id, 10))
}

// TestPhoneScreenshots saves the organizer's market page (with the buyers'
// deposits) and a buyer's deposits page at 360 px to docs/screenshots. It
// runs only with NIAGA_SCREENSHOTS=1, like TestScreenshots.
func TestPhoneScreenshots(t *testing.T) {
	if os.Getenv("NIAGA_SCREENSHOTS") != "1" {
		t.Skip("set NIAGA_SCREENSHOTS=1 to refresh docs/screenshots")
	}
	s := startServer(t)
	ids := s.phoneIDs(t)
	b := s.browser(t)
	for _, p := range []struct{ name, user, path string }{
		{"market-organizer-phone360", "lampung@niaga.id", ids.fill(t, "/markets/{id}", "")},
		{"deposits-phone360", "pembeli@niaga.id", "/deposits"},
	} {
		tb := b.another()
		tb.signIn(p.user)
		tb.do("viewport", chromedp.EmulateViewport(phoneWidth, 800, chromedp.EmulateMobile))
		tb.open(p.path)
		png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join("..", "docs", "screenshots", p.name+".png")
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", name, len(png))
		tb.clean()
	}
}
