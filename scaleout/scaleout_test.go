// Package scaleout runs three `niaga serve` instances on one PostgreSQL,
// spreads bids and watchers over them, kills one mid-run and checks that
// no acknowledged bid is lost, every watcher sees every event of its lot
// in order, and every ended lot is awarded exactly once.
package scaleout

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/proctest"
	"niaga/store"
	"niaga/store/storetest"
)

func TestThreeInstances(t *testing.T) {
	if os.Getenv("NIAGA_TEST_POSTGRES") == "" {
		t.Skip("scale-out runs on PostgreSQL: set NIAGA_TEST_POSTGRES")
	}
	if testing.Short() {
		t.Skip("starts three servers")
	}
	bin := proctest.Build(t)
	dsn := storetest.DSN(t, store.Postgres)
	servers := []*proctest.Server{proctest.NewServer(t, bin, dsn), proctest.NewServer(t, bin, dsn), proctest.NewServer(t, bin, dsn)}
	servers[0].Start("demo")
	servers[1].Start("serve")
	servers[2].Start("serve")
	var deadMu sync.Mutex
	dead := map[int]bool{}
	alive := func(i int) string { // the i-th instance, or the next one alive
		deadMu.Lock()
		defer deadMu.Unlock()
		for k := range 3 {
			if j := (i + k) % 3; !dead[j] {
				return servers[j].URL()
			}
		}
		return servers[0].URL()
	}
	c := proctest.NewClient()
	login := func(email string) string {
		var out struct{ Token string }
		if st, err := c.Do("POST", servers[1].URL()+"/api/v1/auth/login", "", "", map[string]string{"email": email, "password": demo.Password}, &out); err != nil || st != 200 {
			t.Fatalf("login %s: %d %v", email, st, err)
		}
		return out.Token
	}
	buyers := []string{login("pembeli@niaga.id"), login("pembeli2@niaga.id"), login("banua@niaga.id")}
	organizer, seller := login("lampung@niaga.id"), login("penjual@niaga.id")

	// Open english lots of the demo, plus three lots in a session that ends
	// during the run, for the closers of all three instances to race on.
	var lots []niaga.Lot
	c.Do("GET", servers[2].URL()+"/api/v1/lots?status=admitted&commodity=beras", "", "", nil, &lots)
	var open []niaga.Lot
	for _, l := range lots {
		if l.Mechanism == "english" && l.State == "open" {
			open = append(open, l)
		}
	}
	var markets []niaga.Market
	c.Do("GET", servers[0].URL()+"/api/v1/markets", "", "", nil, &markets)
	var sess niaga.AuctionSession
	now := time.Now()
	if st, err := c.Do("POST", servers[0].URL()+"/api/v1/sessions", organizer, "", map[string]any{"title": "Sesi kilat", "kind": "spot",
		"starts_at": now.Add(-time.Minute), "ends_at": now.Add(6 * time.Second), "market_ids": []int64{markets[0].ID}}, &sess); err != nil || st != 201 {
		t.Fatalf("session: %d %v", st, err)
	}
	var ending []niaga.Lot
	for i := range 3 {
		var l niaga.Lot
		if st, err := c.Do("POST", servers[i].URL()+"/api/v1/lots", seller, "", map[string]any{"session_id": sess.ID, "market_id": markets[0].ID,
			"commodity": "beras", "grade": "medium", "quantity": 1000, "mechanism": "english", "reserve": 10000, "increment": 100}, &l); err != nil || st != 201 {
			t.Fatalf("lot: %d %v", st, err)
		}
		if st, err := c.Do("POST", servers[(i+1)%3].URL()+fmt.Sprintf("/api/v1/lots/%d/admit", l.ID), organizer, "", map[string]string{}, &l); err != nil || st != 200 {
			t.Fatalf("admit: %d %v", st, err)
		}
		ending = append(ending, l)
	}
	watched := append(slices.Clone(open), ending...)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type watcher struct {
		lot  int64
		mu   sync.Mutex
		ids  []int64
		hops int
	}
	var watchers []*watcher
	var wwg sync.WaitGroup
	for i, l := range watched {
		for inst := range 3 {
			w := &watcher{lot: l.ID}
			watchers = append(watchers, w)
			wwg.Add(1)
			go func() {
				defer wwg.Done()
				watch(ctx, func() string { return alive(inst + i) }, l.ID, func(id int64) {
					w.mu.Lock()
					w.ids = append(w.ids, id)
					w.mu.Unlock()
				}, &w.hops)
			}()
		}
	}

	type acked struct{ id, lot, max int64 }
	var mu sync.Mutex
	var bids []acked
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				l := watched[rng.IntN(len(watched))]
				inst := rng.IntN(3)
				var cur niaga.Lot
				if st, ok := c.Retry(stop, "GET", func() string { return alive(inst) + fmt.Sprintf("/api/v1/lots/%d", l.ID) }, "", "", nil, &cur); !ok || st != 200 || cur.State != "open" {
					continue
				}
				in := map[string]int64{"max_price": cur.MinNext + rng.Int64N(4)*100}
				var res struct {
					BidID int64 `json:"bid_id"`
				}
				st, ok := c.Retry(stop, "POST", func() string { return alive(inst) + fmt.Sprintf("/api/v1/lots/%d/bids", l.ID) }, buyers[g%3], fmt.Sprintf("g%d-%d", g, i), in, &res)
				if ok && st == 201 {
					mu.Lock()
					bids = append(bids, acked{res.BidID, l.ID, in["max_price"]})
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(2500 * time.Millisecond)
	deadMu.Lock()
	dead[1] = true
	deadMu.Unlock()
	servers[1].Kill() // mid-run: its clients and watchers move to the others
	time.Sleep(6 * time.Second)
	close(stop)
	wg.Wait()
	time.Sleep(1500 * time.Millisecond) // the closers' tick and the last notifications

	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := db.Raw()
	for _, b := range bids {
		var m int64
		if err := raw.QueryRow("SELECT max_price FROM bids WHERE id = $1 AND lot_id = $2", b.id, b.lot).Scan(&m); err != nil || m != b.max {
			t.Fatalf("acknowledged bid %d lost or changed: %d %v", b.id, m, err)
		}
	}
	// Every watcher saw every event of its lot, in order, once.
	for _, w := range watchers {
		rows, err := raw.Query("SELECT id FROM events WHERE topic = $1 ORDER BY id", store.LotTopic(w.lot))
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			want = append(want, id)
		}
		rows.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			w.mu.Lock()
			got := slices.Clone(w.ids)
			w.mu.Unlock()
			if slices.Equal(got, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("watcher of lot %d (%d reconnects) saw %v, want %v", w.lot, w.hops, got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	cancel()
	wwg.Wait()
	// Each ended lot was awarded exactly once, though three closers ran.
	for _, l := range ending {
		var status string
		var contracts, closes int64
		raw.QueryRow("SELECT status FROM lots WHERE id = $1", l.ID).Scan(&status)
		raw.QueryRow("SELECT COUNT(*) FROM contracts WHERE lot_id = $1", l.ID).Scan(&contracts)
		raw.QueryRow("SELECT COUNT(*) FROM events WHERE topic = $1 AND kind = 'close'", store.LotTopic(l.ID)).Scan(&closes)
		if closes != 1 || (status == niaga.LotSold) != (contracts == 1) || contracts > 1 || (status != niaga.LotSold && status != niaga.LotUnsold) {
			t.Fatalf("lot %d: status %s, %d contracts, %d close events", l.ID, status, contracts, closes)
		}
	}
	hops := 0
	for _, w := range watchers {
		hops += w.hops
	}
	t.Logf("%d bids acknowledged across 3 instances (one killed); %d watchers, %d reconnects; %d lots closed once", len(bids), len(watchers), hops, len(ending))
}

// watch follows a lot's stream, reconnecting (to whatever instance url
// gives) with Last-Event-ID until ctx ends.
func watch(ctx context.Context, url func() string, lot int64, seen func(int64), hops *int) {
	var last int64
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/lots/%d/stream", url(), lot), nil)
		if last > 0 {
			req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
		}
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
					// Record everything as received: a duplicate or a step
					// back must show up in the comparison, not be filtered.
					id, _ := strconv.ParseInt(v, 10, 64)
					last = id
					seen(id)
				}
			}
			res.Body.Close()
		}
		if ctx.Err() == nil {
			*hops++
			time.Sleep(50 * time.Millisecond)
		}
	}
}
