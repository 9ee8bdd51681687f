package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/store"
	"niaga/store/storetest"
)

// TestSealedDifferential is the differential confidentiality test (issue
// 13): the same scenario runs on two fresh servers over the same demo data,
// differing only in what the auction must keep secret until close — sealed
// prices (first and second price), how often a sealed bid was revised, an
// english leader's proxy maximum (the public price is the same in both
// runs), and a call-market buy order's limit and quantity. Then every role
// but the secret holders, and anonymous callers, read every GET API route,
// every page (in both languages), every event stream, export and report of
// both servers. Apart from times, random tokens and audit hashes, which a
// narrow normalization removes, each (caller, path) must get the same
// status and body from both: any difference is something derived from a
// secret amount. The organizer's refused refund and a rival bidder's own
// bid answers are compared the same way.
func TestSealedDifferential(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) { runDifferential(t, eng) })
	}
}

// secrets are what differs between the two runs; only their holders may
// learn them before close.
type secrets struct {
	sealedFirst  []int64 // banua's successive prices on the sealed_first lot (revisions)
	sealedSecond int64   // pembeli's price on the sealed_second lot
	englishMax   int64   // pembeli2's proxy maximum on the english lot, above pembeli's 12 000
	callPrice    int64   // banua's buy limit on the call lot
	callQty      int64   // and its quantity
}

var runs = [2]secrets{
	{sealedFirst: []int64{41_117}, sealedSecond: 13_611, englishMax: 13_037, callPrice: 5_123, callQty: 10_000},
	{sealedFirst: []int64{39_001, 45_003, 47_123}, sealedSecond: 14_789, englishMax: 14_059, callPrice: 5_234, callQty: 30_000},
}

// secretHolders are the bidders whose bids differ between the runs: they
// alone may see a difference, so they are not observers.
var secretHolders = []string{"banua@niaga.id", "pembeli@niaga.id", "pembeli2@niaga.id"}

// observers are every other demo user (every role: admin, the organizers
// of both markets, agencies, the validator, banks, the guarantor, the
// sellers of the lots, a rival bidder) plus a signed-in public user and
// anonymous callers.
var observers = []string{
	"", // anonymous
	demo.Admin, "jatim@niaga.id", "kalsel@niaga.id", demo.Validator, demo.Sumsel,
	"lampung@niaga.id", "amira@niaga.id",
	"bank@niaga.id", demo.BankJatim, demo.Jamkrida,
	"penjual@niaga.id", "kopi@niaga.id", "tani@niaga.id",
	demo.UMKMKalsel, // the rival: bids the same in both runs
	"warga@niaga.id",
}

// Every observer reads every API route. Pages and streams, slower, are
// read by one observer of each kind (role, and relation to the lots:
// organizer of the market or not, seller of a lot, rival bidder); the
// exports, which render what their JSON report (read by all) says, and
// the pages in English by a few. The OpenAPI document depends on no one.
var (
	kindReaders   = []string{"", "warga@niaga.id", demo.Admin, "lampung@niaga.id", "amira@niaga.id", "jatim@niaga.id", "bank@niaga.id", demo.Jamkrida, "penjual@niaga.id", "kopi@niaga.id", "tani@niaga.id", demo.UMKMKalsel}
	exportReaders = []string{"", "lampung@niaga.id", demo.Admin}
)

// readers returns who reads a path.
func readers(p diffPath) []string {
	switch {
	case p.path == "/api/v1/openapi.json":
		return []string{""}
	case isExport(p.path):
		return exportReaders
	case p.page || strings.Contains(p.path, "/stream"):
		return kindReaders
	}
	return observers
}

func isExport(p string) bool {
	p, _, _ = strings.Cut(p, "?")
	return strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".pdf")
}

// diffRun is one of the two servers with its scenario's ids and answers.
type diffRun struct {
	e      *env
	tokens map[string]string // observer → bearer token ("" anonymous)
	posts  []string          // answers to observers' POSTs, normalized
	ids    scenarioIDs
}

type scenarioIDs struct {
	mL, mJ, joint, mission                      int64
	english, sealedFirst, sealedSecond, call    int64
	contract                                    int64
	bidderOrgs                                  []int64
	sealedFirstValue, englishValue, callValue   int64
	sealedSecondValue, lampungRatio, amiraRatio int64
	englishPrice                                int64
}

func runDifferential(t *testing.T, eng store.Engine) {
	start := time.Now()
	// Both demos are anchored at the same instant: session times, and the
	// seeded mission (its random stream is seeded from the hour), match.
	now := time.Now().UTC().Truncate(time.Second)
	var rs [2]*diffRun
	for i := range rs {
		rs[i] = &diffRun{e: newEnvAt(t, eng, now)}
	}
	for i, r := range rs {
		r.signIn()
		r.scenario(runs[i])
	}
	if a, b := rs[0].ids, rs[1].ids; a.english != b.english || a.sealedFirst != b.sealedFirst || a.call != b.call || a.mission != b.mission || a.contract != b.contract {
		t.Fatalf("the two demos differ in ids: %+v vs %+v", a, b)
	}
	if rs[0].ids.englishPrice != rs[1].ids.englishPrice {
		t.Fatalf("scenario: the english price must be public and equal in both runs: %d vs %d", rs[0].ids.englishPrice, rs[1].ids.englishPrice)
	}
	// The observers' own POST answers (the organizer's refused refunds, the
	// rival's bids) are visible to them: they must not differ either.
	for k := range rs[0].posts {
		if rs[0].posts[k] != rs[1].posts[k] {
			t.Errorf("POST answer differs between the runs:\n%s", firstDiff(rs[0].posts[k], rs[1].posts[k]))
		}
	}
	paths := rs[0].paths()
	t.Logf("setup %.1fs; %d observers × %d paths", time.Since(start).Seconds(), len(observers), len(paths))

	type job struct {
		who, path, lang string
	}
	type result struct {
		job
		diff string
		leak string
	}
	var jobs []job
	for _, p := range paths {
		for _, who := range readers(p) {
			jobs = append(jobs, job{who, p.path, ""})
			if p.page && slices.Contains(exportReaders[:2], who) {
				jobs = append(jobs, job{who, p.path, "en"})
			}
		}
	}
	needles := [2][]string{needlesOf(rs[0].ids, runs[0]), needlesOf(rs[1].ids, runs[1])}
	jc := make(chan job)
	var mu sync.Mutex
	spent := map[string]time.Duration{}
	var results []result
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for j := range jc {
				var res result
				res.job = j
				t0 := time.Now()
				for attempt := 0; attempt < 2; attempt++ {
					// Read both servers back to back so that clocks (the dutch
					// price, countdowns) agree; a difference is read again, in
					// case a minute turned between the two.
					var out [2]string
					for i, r := range rs {
						raw, text := r.read(j.path, r.tokens[j.who], j.lang)
						out[i] = normalize(text)
						for _, n := range needles[i] {
							if containsNumber(raw, n) || containsNumber(text, n) {
								res.leak = n
							}
						}
					}
					res.diff = ""
					if out[0] != out[1] {
						res.diff = firstDiff(out[0], out[1])
						if dir := os.Getenv("NIAGA_DIFFTEST_DUMP"); dir != "" {
							// Both answers in full, for diff -u.
							name := strings.NewReplacer("/", "_", "?", "_").Replace(j.path) + "." + j.who + j.lang
							os.WriteFile(filepath.Join(dir, name+".a"), []byte(out[0]), 0o644)
							os.WriteFile(filepath.Join(dir, name+".b"), []byte(out[1]), 0o644)
						}
						continue
					}
					break
				}
				mu.Lock()
				spent[routeOf(j.path)] += time.Since(t0)
				mu.Unlock()
				if res.diff != "" || res.leak != "" {
					mu.Lock()
					results = append(results, res)
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		jc <- j
	}
	close(jc)
	wg.Wait()

	if testing.Verbose() {
		var ks []string
		for k := range spent {
			ks = append(ks, k)
		}
		sort.Slice(ks, func(a, b int) bool { return spent[ks[a]] > spent[ks[b]] })
		for _, k := range ks[:min(15, len(ks))] {
			t.Logf("time %6.1fs %s", spent[k].Seconds(), k)
		}
	}
	// One report per route: which callers see a difference, and the first
	// differing lines for one of them.
	byRoute := map[string][]result{}
	for _, r := range results {
		k := routeOf(r.path)
		byRoute[k] = append(byRoute[k], r)
	}
	keys := make([]string, 0, len(byRoute))
	for k := range byRoute {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rr := byRoute[k]
		sort.Slice(rr, func(a, b int) bool {
			return rr[a].path+rr[a].who+rr[a].lang < rr[b].path+rr[b].who+rr[b].lang
		})
		var who []string
		for _, r := range rr {
			w := r.who
			if w == "" {
				w = "anonymous"
			}
			if r.lang != "" {
				w += "(" + r.lang + ")"
			}
			if !slices.Contains(who, w) {
				who = append(who, w)
			}
		}
		first := rr[0]
		what := "differs between the runs"
		if first.diff == "" {
			what = "shows a secret value"
		}
		msg := fmt.Sprintf("%s: %s for %d caller(s): %s\n  e.g. %s as %q", k, what, len(who), strings.Join(who, ", "), first.path, first.who)
		if first.leak != "" {
			msg += fmt.Sprintf("\n  secret value %q appears", first.leak)
		}
		if first.diff != "" {
			msg += "\n" + first.diff
		}
		t.Error(msg)
	}
	t.Logf("%d (caller, path) pairs read from both servers (%d paths; API routes by %d callers, pages and streams by %d, exports by %d) in %.1fs; %d routes differ",
		len(jobs), len(paths), len(observers), len(kindReaders), len(exportReaders), time.Since(start).Seconds(), len(keys))
}

// signIn signs every observer and secret holder in, in a fixed order.
func (r *diffRun) signIn() {
	e := r.e
	admin := e.token(demo.Admin)
	var org niaga.Organization
	e.call("POST", "/api/v1/organizations", admin, map[string]any{"name": "Warga", "kind": "business", "province": "31"}, 201, &org)
	e.call("POST", "/api/v1/users", admin, map[string]any{"email": "warga@niaga.id", "name": "Warga", "password": "panjang-sekali", "role": "public", "org_id": org.ID}, 201, nil)
	var lo struct{ Token string }
	e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "warga@niaga.id", "password": "panjang-sekali"}, 200, &lo)
	e.tokens["warga@niaga.id"] = lo.Token
	r.tokens = map[string]string{"": ""}
	for _, who := range append(slices.Clone(observers), secretHolders...) {
		if who != "" {
			r.tokens[who] = e.token(who)
		}
	}
}

// scenario places the bids: first what is equal in both runs, then the
// secrets, the revisions last so that no later id depends on their count.
func (r *diffRun) scenario(s secrets) {
	e := r.e
	id := &r.ids
	id.english = e.demoLot("english", "beras").ID
	id.sealedFirst = e.demoLot("sealed_first", "kopi_robusta").ID
	id.sealedSecond = e.demoLot("sealed_second", "beras").ID
	id.call = e.demoLot("call", "jagung").ID
	id.mL, id.mJ = marketOf(e, "Pasar Lelang Komoditas Lampung"), marketOf(e, "Pasar Lelang Jawa Tengah (Koperasi Amira)")
	id.mission = e.missionID(demo.MissionToday)
	var lot niaga.Lot
	e.call("GET", fmt.Sprintf("/api/v1/lots/%d", id.sealedFirst), "", nil, 200, &lot)
	id.joint = lot.SessionID
	var cs []niaga.Contract
	e.call("GET", "/api/v1/contracts", r.tokens["lampung@niaga.id"], nil, 200, &cs)
	if len(cs) == 0 {
		e.t.Fatal("the demo has no contracts in Lampung")
	}
	id.contract = cs[0].ID
	for _, who := range secretHolders {
		id.bidderOrgs = append(id.bidderOrgs, e.Data.Users[who].OrgID)
	}
	var ms []niaga.Market
	e.call("GET", "/api/v1/markets", "", nil, 200, &ms)
	for _, m := range ms {
		switch m.ID {
		case id.mL:
			id.lampungRatio = m.DepositRatioBps
		case id.mJ:
			id.amiraRatio = m.DepositRatioBps
		}
	}
	lampung, amira := r.tokens["lampung@niaga.id"], r.tokens["amira@niaga.id"]
	rival := r.tokens[demo.UMKMKalsel]
	bid := func(lotID int64, tok string, in map[string]int64) []byte {
		return e.call("POST", fmt.Sprintf("/api/v1/lots/%d/bids", lotID), tok, in, 201, nil)
	}
	post := func(method, path, tok string, in any) {
		res, b := e.raw(method, path, tok, "application/json", mustJSON(e.t, in), "X-Request-Id", "difftest")
		r.posts = append(r.posts, fmt.Sprintf("%s %s → %d\n%s", method, path, res.StatusCode, normalize(string(b))))
	}
	// Equal in both runs: the rival's deposits and sealed bids, the english
	// challenger pembeli's maximum of 12 000.
	umkmOrg := e.Data.Users[demo.UMKMKalsel].OrgID
	e.call("POST", fmt.Sprintf("/api/v1/markets/%d/deposits", id.mL), lampung, map[string]any{"org_id": umkmOrg, "kind": "deposit", "amount": 500_000_000}, 201, nil)
	e.call("POST", fmt.Sprintf("/api/v1/markets/%d/deposits", id.mJ), amira, map[string]any{"org_id": umkmOrg, "kind": "deposit", "amount": 500_000_000}, 201, nil)
	bid(id.english, r.tokens["pembeli@niaga.id"], map[string]int64{"max_price": 12_000})

	// The secrets whose count is equal in both runs.
	bid(id.sealedSecond, r.tokens["pembeli@niaga.id"], map[string]int64{"price": s.sealedSecond})
	bid(id.english, r.tokens["pembeli2@niaga.id"], map[string]int64{"max_price": s.englishMax})
	bid(id.call, r.tokens["banua@niaga.id"], map[string]int64{"price": s.callPrice, "quantity": s.callQty})
	// A rival's bids, whose answers it sees ("leading", a count, an amount
	// would tell).
	post("POST", fmt.Sprintf("/api/v1/lots/%d/bids", id.sealedSecond), rival, map[string]int64{"price": 13_300})
	post("POST", fmt.Sprintf("/api/v1/lots/%d/bids", id.call), rival, map[string]int64{"price": 4_950, "quantity": 5_000})
	post("POST", fmt.Sprintf("/api/v1/lots/%d/bids", id.sealedFirst), rival, map[string]int64{"price": 40_000})
	// Last, the sealed price with its revisions: no id made later depends
	// on how many there were.
	for _, p := range s.sealedFirst {
		bid(id.sealedFirst, r.tokens["banua@niaga.id"], map[string]int64{"price": p})
	}
	e.call("GET", fmt.Sprintf("/api/v1/lots/%d", id.english), "", nil, 200, &lot)
	id.englishPrice = lot.Price
	id.sealedFirstValue = s.sealedFirst[len(s.sealedFirst)-1] * lot0(e, id.sealedFirst).Quantity
	id.sealedSecondValue = s.sealedSecond * lot0(e, id.sealedSecond).Quantity
	id.englishValue = s.englishMax * lot.Quantity
	id.callValue = s.callPrice * s.callQty

	// The organizers refund more than the free deposit of every secret
	// holder (refused, writing nothing): a refusal naming the amount the
	// open bids need would tell.
	for _, who := range secretHolders {
		org := e.Data.Users[who].OrgID
		post("POST", fmt.Sprintf("/api/v1/markets/%d/deposits", id.mL), lampung, map[string]any{"org_id": org, "kind": "refund", "amount": 2_000_000_000})
		post("POST", fmt.Sprintf("/api/v1/markets/%d/deposits", id.mJ), amira, map[string]any{"org_id": org, "kind": "refund", "amount": 2_000_000_000})
	}
}

func lot0(e *env, id int64) niaga.Lot {
	var l niaga.Lot
	e.call("GET", fmt.Sprintf("/api/v1/lots/%d", id), "", nil, 200, &l)
	return l
}

// needlesOf lists a run's secret values and what follows from them (the
// values and a 5 % or 10 % deposit on them) in raw and formatted forms.
func needlesOf(id scenarioIDs, s secrets) []string {
	var vs []int64
	vs = append(vs, s.sealedFirst...)
	vs = append(vs, s.sealedSecond, s.englishMax, s.callPrice)
	for _, v := range []int64{id.sealedFirstValue, id.sealedSecondValue, id.englishValue} {
		vs = append(vs, v, v*id.lampungRatio/10000)
	}
	vs = append(vs, id.callValue, id.callValue*id.amiraRatio/10000)
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprint(v), niaga.FormatInt(v, "id"), niaga.FormatInt(v, "en"))
	}
	return out
}

// containsNumber reports whether s holds the number n as a whole, not as
// a part of a longer number.
func containsNumber(s, n string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], n)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(n)
		before := k > 0 && (isDigit(s[k-1]) || k > 1 && (s[k-1] == '.' || s[k-1] == ',') && isDigit(s[k-2]))
		after := end < len(s) && (isDigit(s[end]) || end+1 < len(s) && (s[end] == '.' || s[end] == ',') && isDigit(s[end+1]))
		if !before && !after {
			return true
		}
		i = k + 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

type diffPath struct {
	path string
	page bool
}

// paths fills every GET route and page with the scenario's ids: each lot
// of the scenario, both markets, the joint session, today's mission, a
// contract, the bidders' organizations; an id that exists elsewhere.
func (r *diffRun) paths() []diffPath {
	id := r.ids
	lots := []int64{id.english, id.sealedFirst, id.sealedSecond, id.call}
	vals := map[string][]int64{
		"lots": lots, "markets": {id.mL, id.mJ}, "sessions": {id.joint}, "missions": {id.mission},
		"contracts": {id.contract}, "organizations": id.bidderOrgs,
	}
	param := regexp.MustCompile(`\{[^}]*\}`)
	var expand func(p string) []string
	expand = func(p string) []string {
		loc := param.FindStringIndex(p)
		if loc == nil {
			return []string{p}
		}
		segs := strings.Split(strings.TrimSuffix(p[:loc[0]], "/"), "/")
		ids := vals[segs[len(segs)-1]]
		if len(ids) == 0 {
			ids = []int64{1}
		}
		var out []string
		for _, v := range ids {
			out = append(out, expand(p[:loc[0]]+fmt.Sprint(v)+p[loc[1]:])...)
		}
		return out
	}
	seen := map[string]bool{}
	var out []diffPath
	add := func(p string, page bool) {
		if !seen[p] {
			seen[p] = true
			out = append(out, diffPath{p, page})
		}
	}
	for _, rt := range r.e.Srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		for _, p := range expand(rt.Path) {
			add(p, false)
			if strings.HasSuffix(p, "/stream") {
				add(p+"?last_event_id=0", false)
			}
		}
	}
	add(fmt.Sprintf("/api/v1/lots?session_id=%d", id.joint), false)
	for _, l := range lots {
		add(fmt.Sprintf("/api/v1/contracts?lot_id=%d", l), false)
	}
	for _, pg := range r.e.Srv.Pages() {
		if pg.Method != "GET" {
			continue
		}
		for _, p := range expand(strings.TrimSuffix(pg.Path, "{$}")) {
			add(p, true)
		}
	}
	return out
}

// routeOf names a path's route: ids back to {id}, the query dropped.
func routeOf(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return idSegment.ReplaceAllString(p, "/{id}${1}")
}

var spaces = regexp.MustCompile(`[ \t]+`)

var idSegment = regexp.MustCompile(`/\d+(/|\.|$)`)

var pageClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

// read GETs a path and returns the raw body and its text: streams for a
// moment, XLSX unzipped, PDFs through pdftotext. The status, the content
// type and a redirect's target come first.
func (r *diffRun) read(path, token, lang string) (raw, text string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.e.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("X-Request-Id", "difftest") // else a random one in error answers
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	res, err := pageClient.Do(req)
	if err != nil {
		return "", fmt.Sprintf("error: %v", err)
	}
	defer res.Body.Close()
	var b []byte
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		b = readStream(res.Body, cancel)
	} else {
		b, _ = io.ReadAll(res.Body)
	}
	ct := res.Header.Get("Content-Type")
	head := fmt.Sprintf("%d %s %s\n", res.StatusCode, ct, res.Header.Get("Location"))
	body := string(b)
	switch {
	case strings.Contains(ct, "json"):
		// One field a line, so that a difference shows as a line.
		var ind bytes.Buffer
		if json.Indent(&ind, b, "", " ") == nil {
			body = ind.String()
		}
	case strings.Contains(ct, "event-stream"):
		var sb strings.Builder
		for _, l := range strings.Split(body, "\n") {
			var ind bytes.Buffer
			if d, ok := strings.CutPrefix(l, "data: "); ok && json.Indent(&ind, []byte(d), "", " ") == nil {
				l = "data: " + ind.String()
			}
			sb.WriteString(l + "\n")
		}
		body = sb.String()
	case strings.Contains(ct, "spreadsheetml"):
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			body = "not a zip: " + err.Error()
			break
		}
		var all strings.Builder
		files := slices.Clone(zr.File) // in name order: the writer's order varies
		sort.Slice(files, func(a, b int) bool { return files[a].Name < files[b].Name })
		for _, f := range files {
			rc, _ := f.Open()
			x, _ := io.ReadAll(rc)
			rc.Close()
			fmt.Fprintf(&all, "== %s\n%s\n", f.Name, x)
		}
		body = all.String()
	case strings.Contains(ct, "pdf"):
		if _, err := exec.LookPath("pdftotext"); err != nil {
			// Without pdftotext (poppler-utils) only the status and type are
			// compared: the compressed bytes carry the creation time.
			body = "(pdftotext not installed)"
			break
		}
		dir, _ := os.MkdirTemp("", "difftest")
		defer os.RemoveAll(dir)
		f := filepath.Join(dir, "x.pdf")
		os.WriteFile(f, b, 0o600)
		out, err := exec.Command("pdftotext", "-raw", f, "-").Output()
		if err != nil {
			body = "pdftotext: " + err.Error()
			break
		}
		// In drawing order (-raw), which the layout heuristics may not keep
		// when a cell is wider; spaces collapsed for the same reason.
		body = spaces.ReplaceAllString(string(out), " ")
	}
	return string(b), head + body
}

// readStream reads an event stream until it has been quiet for a moment
// (the backlog comes at once), then ends the request.
func readStream(body io.Reader, cancel func()) []byte {
	chunks := make(chan []byte)
	go func() {
		defer close(chunks)
		buf := make([]byte, 32<<10)
		for {
			n, err := body.Read(buf)
			if n > 0 {
				chunks <- bytes.Clone(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	var out []byte
	quiet := time.NewTimer(300 * time.Millisecond)
	limit := time.After(3 * time.Second)
	for {
		select {
		case c, ok := <-chunks:
			if !ok {
				return out
			}
			out = append(out, c...)
			quiet.Reset(100 * time.Millisecond)
			continue
		case <-quiet.C:
		case <-limit:
		}
		cancel()
		for range chunks { // let the reader end
		}
		return out
	}
}

// The normalization removes only what differs between two honest runs:
// clock readings, random tokens and hashes. Numbers in general stay.
var normalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	// RFC 3339 times (JSON, SSE, XLSX properties), unix seconds of *_at
	// fields, the unix milliseconds pages carry for their clocks.
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?`), "<time>"},
	{regexp.MustCompile(`("[a-z_]+_at": ?)1[6-9]\d{8}\b`), "${1}<unix>"},
	{regexp.MustCompile(`\b1[789]\d{11}\b`), "<unix-ms>"},
	// Local date and time on pages and exports ("6 Des 2026 07:28"): when
	// a demo row was written, when a report was made.
	{regexp.MustCompile(`\b\d{1,2} \pL{3} \d{4},? \d\d:\d\d\b`), "<datetime>"},
	// Random idempotency nonces in forms.
	{regexp.MustCompile(`name="idem" value="[0-9a-f]+"`), `name="idem" value="<nonce>"`},
	// The audit chain head — an entry's id and hash, which every audited
	// write moves (its time is hashed in): in JSON, on pages and exports.
	{regexp.MustCompile(`\b[0-9a-f]{64}\b`), "<hash>"},
	{regexp.MustCompile(`("audit": \{\s*"seq": )\d+`), "${1}<seq>"},
	{regexp.MustCompile(`#\d+( |&#32;|&nbsp;)?<hash>`), "#<seq> <hash>"},
	{regexp.MustCompile(`<code>#\d+</code>(\s|&#32;|&nbsp;)*<code class="hash"><hash></code>`), "<code>#<seq></code> <code class=\"hash\"><hash></code>"},
	// The id of a lot's latest event, where its page resumes the stream.
	{regexp.MustCompile(`last_event_id=\d+`), "last_event_id=<id>"},
	// API token ids: 52 bits of the random token's hash (GET /api/v1/tokens,
	// the account page's rows and revoke forms).
	{regexp.MustCompile(`("id": ?)\d{13,16}\b`), "${1}<token-id>"},
	{regexp.MustCompile(`(token-|/tokens/)\d{13,16}\b`), "${1}<token-id>"},
}

func normalize(s string) string {
	for _, n := range normalizers {
		s = n.re.ReplaceAllString(s, n.with)
	}
	return s
}

// firstDiff shows the first differing lines of a and b, unified style,
// with two lines of context; a long line (XML, HTML) is cut to a window
// around its first difference.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(la) && i < len(lb) && la[i] == lb[i] {
		i++
	}
	ja, jb := len(la), len(lb)
	for ja > i && jb > i && la[ja-1] == lb[jb-1] {
		ja--
		jb--
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "  @@ line %d @@\n", i+1)
	for k := max(0, i-2); k < i; k++ {
		fmt.Fprintf(&sb, "   %s\n", clip(la[k], 0))
	}
	at := 0 // where the first differing lines part
	if i < ja && i < jb {
		x, y := la[i], lb[i]
		for at < len(x) && at < len(y) && x[at] == y[at] {
			at++
		}
	}
	if ja-i == jb-i {
		// As many lines on both sides: the pairs that differ.
		for k, shown := i, 0; k < ja && shown < 4; k++ {
			if la[k] != lb[k] {
				fmt.Fprintf(&sb, "  -%s\n  +%s\n", clip(la[k], at), clip(lb[k], at))
				shown++
			}
		}
		return strings.TrimRight(sb.String(), "\n")
	}
	for k := i; k < ja && k < i+6; k++ {
		fmt.Fprintf(&sb, "  -%s\n", clip(la[k], at))
	}
	for k := i; k < jb && k < i+6; k++ {
		fmt.Fprintf(&sb, "  +%s\n", clip(lb[k], at))
	}
	return strings.TrimRight(sb.String(), "\n")
}

// clip shortens a long line to 240 bytes around at.
func clip(s string, at int) string {
	if len(s) <= 240 {
		return s
	}
	from := max(0, min(at-80, len(s)-240))
	out := s[from : from+240]
	if from > 0 {
		out = "…" + out
	}
	if from+240 < len(s) {
		out += "…"
	}
	return strings.ToValidUTF8(out, "")
}
