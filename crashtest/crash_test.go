// Package crashtest kills a real `niaga serve` process with SIGKILL under
// bid and deal load, restarts it, and checks that every acknowledged write
// survived, that idempotent retries made no duplicates and that the lot and
// mission invariants hold. It runs on SQLite and, with NIAGA_TEST_POSTGRES,
// on PostgreSQL.
package crashtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"niaga"
	"niaga/auction"
	"niaga/demo"
	"niaga/proctest"
	"niaga/store"
	"niaga/store/storetest"
)

// cycles is how many times the server is killed (NIAGA_CRASH_CYCLES overrides).
func cycles() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("NIAGA_CRASH_CYCLES"), &n); err == nil && n > 0 {
		return n
	}
	return 20
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server")
	}
	bin := proctest.Build(t)
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) { crashRun(t, bin, storetest.DSN(t, eng)) })
	}
}

type ackedBid struct {
	id, lot, price int64
	key            string
}

type ackedDeal struct {
	id, value int64
	key       string
}

func crashRun(t *testing.T, bin, dsn string) {
	s := proctest.NewServer(t, bin, dsn)
	s.Start("demo")
	base := s.URL()
	at := func(path string) func() string { return func() string { return base + path } }
	c := proctest.NewClient()
	login := func(email string) string {
		var out struct{ Token string }
		if st, err := c.Do("POST", base+"/api/v1/auth/login", "", "", map[string]string{"email": email, "password": demo.Password}, &out); err != nil || st != 200 {
			t.Fatalf("login %s: %d %v", email, st, err)
		}
		return out.Token
	}
	buyers := []string{login("pembeli@niaga.id"), login("pembeli2@niaga.id"), login("banua@niaga.id")}
	desk := login("jatim@niaga.id")

	var lots []niaga.Lot
	c.Do("GET", base+"/api/v1/lots?status=admitted", "", "", nil, &lots)
	var english []niaga.Lot
	for _, l := range lots {
		if l.Mechanism == "english" && l.State == "open" {
			english = append(english, l)
		}
	}
	if len(english) == 0 {
		t.Fatal("no open english lot in the demo")
	}
	var missions []niaga.Mission
	c.Do("GET", base+"/api/v1/missions", "", "", nil, &missions)
	var mission niaga.Mission
	for _, m := range missions {
		if m.Title == demo.MissionToday {
			mission = m
		}
	}
	var parts []niaga.Participant
	if st, err := c.Do("GET", base+fmt.Sprintf("/api/v1/missions/%d/participants", mission.ID), desk, "", nil, &parts); err != nil || st != 200 || len(parts) < 2 {
		t.Fatalf("participants of mission %d: %d %v", mission.ID, st, err)
	}
	var sellers, buyersP []niaga.Participant
	for _, p := range parts {
		if p.Delegation == mission.HostProvince {
			sellers = append(sellers, p)
		} else {
			buyersP = append(buyersP, p)
		}
	}

	start := time.Now()
	var mu sync.Mutex
	var bids []ackedBid
	var deals []ackedDeal
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				lot := english[rng.IntN(len(english))]
				var cur niaga.Lot
				if st, ok := c.Retry(stop, "GET", at(fmt.Sprintf("/api/v1/lots/%d", lot.ID)), "", "", nil, &cur); !ok || st != 200 {
					continue
				}
				key := fmt.Sprintf("w%d-%d", w, i)
				in := map[string]int64{"max_price": cur.MinNext + rng.Int64N(5)*lot.Increment}
				var res struct {
					BidID int64 `json:"bid_id"`
				}
				st, ok := c.Retry(stop, "POST", at(fmt.Sprintf("/api/v1/lots/%d/bids", lot.ID)), buyers[w%3], key, in, &res)
				if ok && st == 201 {
					mu.Lock()
					bids = append(bids, ackedBid{id: res.BidID, lot: lot.ID, price: in["max_price"], key: key})
					mu.Unlock()
				}
			}
		}()
	}
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 2))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("d%d-%d", w, i)
				in := map[string]any{"seller_id": sellers[rng.IntN(len(sellers))].ID, "buyer_id": buyersP[rng.IntN(len(buyersP))].ID,
					"commodity": "beras", "kind": "purchase", "quantity": 1000 + rng.Int64N(9000), "value": 1_000_000 + rng.Int64N(100_000_000)}
				var res struct {
					ID    int64 `json:"id"`
					Value int64 `json:"value"`
				}
				st, ok := c.Retry(stop, "POST", at(fmt.Sprintf("/api/v1/missions/%d/deals", mission.ID)), desk, key, in, &res)
				if ok && st == 201 {
					mu.Lock()
					deals = append(deals, ackedDeal{id: res.ID, value: res.Value, key: key})
					mu.Unlock()
				} else if ok && st != 201 {
					t.Errorf("deal refused: %d", st)
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(9, 9))
	n := cycles()
	for i := range n {
		time.Sleep(time.Duration(150+rng.IntN(500)) * time.Millisecond)
		s.Kill()
		s.Start("serve")
		if i == n/2 {
			time.Sleep(time.Second) // let the closer and listeners run once in between
		}
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	s.Kill()
	t.Logf("%d kills survived; %d bids and %d deals acknowledged", n, len(bids), len(deals))
	if len(bids) == 0 || len(deals) == 0 {
		t.Fatal("the load acknowledged nothing")
	}
	verify(t, dsn, start, bids, deals, english, mission.ID)
}

func verify(t *testing.T, dsn string, start time.Time, bids []ackedBid, deals []ackedDeal, lots []niaga.Lot, missionID int64) {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := db.Raw()
	q := func(query string) string {
		if db.Engine == store.SQLite {
			return strings.ReplaceAll(query, "$", "?")
		}
		return query
	}
	// Every acknowledged bid is there, at its price.
	for _, b := range bids {
		var price int64
		if err := raw.QueryRow(q("SELECT max_price FROM bids WHERE id = $1 AND lot_id = $2"), b.id, b.lot).Scan(&price); err != nil {
			t.Fatalf("acknowledged bid %d (%s) lost: %v", b.id, b.key, err)
		}
		if price != b.price {
			t.Fatalf("bid %d stored at %d, acknowledged at %d", b.id, price, b.price)
		}
	}
	// No duplicates: one idempotency record per bid of the run, and no more.
	var keys int64
	raw.QueryRow("SELECT COUNT(*) FROM idempotency WHERE key LIKE 'bid:%'").Scan(&keys)
	if keys < int64(len(bids)) {
		t.Fatalf("%d idempotency keys for %d acknowledged bids", keys, len(bids))
	}
	ids := make([]string, len(lots))
	for i, l := range lots {
		ids[i] = fmt.Sprint(l.ID)
	}
	var runBids int64
	raw.QueryRow(q("SELECT COUNT(*) FROM bids WHERE lot_id IN ("+strings.Join(ids, ",")+") AND created_at > $1"), start.UnixMicro()).Scan(&runBids)
	if runBids != keys {
		t.Fatalf("%d bids stored during the run for %d idempotency keys: a retry made a duplicate", runBids, keys)
	}
	// Replay each lot's committed bids through the pure rules.
	for _, l := range lots {
		var st auction.EnglishState
		var ends int64
		if err := raw.QueryRow(q("SELECT s.ends_at FROM auction_sessions s JOIN lots l ON l.session_id = s.id WHERE l.id = $1"), l.ID).Scan(&ends); err != nil {
			t.Fatal(err)
		}
		st.EndsAt = time.UnixMicro(ends)
		rows, err := raw.Query(q("SELECT bidder_org_id, max_price, created_at FROM bids WHERE lot_id = $1 ORDER BY id"), l.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := auction.EnglishParams{Reserve: l.Reserve, Increment: l.Increment, SoftClose: time.Duration(l.SoftCloseSec) * time.Second}
		n := 0
		for rows.Next() {
			var org, maxp, at int64
			rows.Scan(&org, &maxp, &at)
			var berr error
			st, _, berr = auction.EnglishBid(p, st, org, maxp, time.UnixMicro(at))
			if berr != nil {
				t.Fatalf("lot %d: committed bid %d does not replay: %v", l.ID, n, berr)
			}
			n++
		}
		rows.Close()
		var leader, price, count int64
		raw.QueryRow(q("SELECT leader_org_id, price, bid_count FROM lots WHERE id = $1"), l.ID).Scan(&leader, &price, &count)
		if leader != st.Leader || price != st.Price || count != int64(st.Bids) || count != int64(n) {
			t.Fatalf("lot %d: stored leader %d price %d bids %d; replay %d %d %d (%d rows)", l.ID, leader, price, count, st.Leader, st.Price, st.Bids, n)
		}
	}
	// Every acknowledged deal is there once; the mission total is the sum of its deals.
	seen := map[string]bool{}
	for _, d := range deals {
		var v int64
		if err := raw.QueryRow(q("SELECT value FROM deals WHERE id = $1"), d.id).Scan(&v); err != nil || v != d.value {
			t.Fatalf("acknowledged deal %d (%s) lost or changed: %d %v", d.id, d.key, v, err)
		}
		seen[d.key] = true
	}
	var dup int64
	raw.QueryRow("SELECT COUNT(*) FROM (SELECT recorded_by, idempotency_key FROM deals WHERE idempotency_key IS NOT NULL GROUP BY recorded_by, idempotency_key HAVING COUNT(*) > 1) x").Scan(&dup)
	if dup != 0 {
		t.Fatalf("%d idempotency keys made more than one deal", dup)
	}
	m, err := db.MissionSummary(ctx, missionID)
	if err != nil {
		t.Fatal(err)
	}
	sum := m.TotalValue
	var rawSum int64
	raw.QueryRow(q("SELECT COALESCE(SUM(value), 0) FROM deals WHERE mission_id = $1"), missionID).Scan(&rawSum)
	if sum != rawSum {
		t.Fatalf("mission total %d, sum of deals %d", sum, rawSum)
	}
	if broken, _, err := db.VerifyAudit(ctx); err != nil || broken != 0 {
		t.Fatalf("audit chain broken at %d: %v", broken, err)
	}
}
