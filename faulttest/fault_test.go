// Package faulttest breaks what the server stands on: PostgreSQL stopped
// and restarted under load, a SQLite disk that fills up, a file system
// that turns read-only. The server must answer 503 problem+json while the
// fault lasts, recover by itself and lose nothing it acknowledged.
package faulttest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/proctest"
	"niaga/store"
)

// pgCluster is a private PostgreSQL server the test may stop at will.
type pgCluster struct {
	dir, port string
	ctl       string
}

func startCluster(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("PostgreSQL server binaries not installed")
	}
	if _, err := exec.LookPath("runuser"); err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and runuser to run a private PostgreSQL as user postgres")
	}
	binDir := filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "niaga-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
		t.Skipf("chown: %v %s", err, out)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	c := &pgCluster{dir: dir, port: port, ctl: filepath.Join(binDir, "pg_ctl")}
	if out, err := exec.Command("runuser", "-u", "postgres", "--", filepath.Join(binDir, "initdb"), "-D", dir+"/data", "--auth=trust", "-U", "postgres", "-E", "UTF8").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v %s", err, out)
	}
	c.start(t)
	t.Cleanup(func() { c.stop(t) })
	return c
}

func (c *pgCluster) start(t *testing.T) {
	t.Helper()
	out, err := exec.Command("runuser", "-u", "postgres", "--", c.ctl, "-D", c.dir+"/data", "-w", "-l", c.dir+"/log",
		"-o", fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1", c.port, c.dir), "start").CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctl start: %v %s", err, out)
	}
}

// stop is an immediate shutdown: connections are cut as in a crash.
func (c *pgCluster) stop(t *testing.T) {
	exec.Command("runuser", "-u", "postgres", "--", c.ctl, "-D", c.dir+"/data", "-m", "immediate", "-w", "stop").Run()
}

func (c *pgCluster) url() string {
	return "postgres://postgres@127.0.0.1:" + c.port + "/postgres?sslmode=disable"
}

// expect503 checks that a request fails cleanly while the database is away.
func expect503(t *testing.T, method, url, token string, body any) {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, url, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s during the outage: %v", method, url, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != 503 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%s %s during the outage: %d %s %s", method, url, res.StatusCode, res.Header.Get("Content-Type"), out)
	}
}

func TestPostgresOutage(t *testing.T) {
	if os.Getenv("NIAGA_TEST_POSTGRES") == "" || testing.Short() {
		t.Skip("set NIAGA_TEST_POSTGRES to run the PostgreSQL fault test")
	}
	pg := startCluster(t)
	bin := proctest.Build(t)
	srv := proctest.NewServer(t, bin, pg.url())
	srv.Start("demo")
	base := srv.URL()
	c := proctest.NewClient()
	login := func(email string) string {
		var out struct{ Token string }
		if st, err := c.Do("POST", base+"/api/v1/auth/login", "", "", map[string]string{"email": email, "password": demo.Password}, &out); err != nil || st != 200 {
			t.Fatalf("login: %d %v", st, err)
		}
		return out.Token
	}
	buyer, organizer, seller := login("pembeli@niaga.id"), login("lampung@niaga.id"), login("penjual@niaga.id")
	buyers := []string{buyer, login("pembeli2@niaga.id"), login("banua@niaga.id")}

	// A lot that ends while the database is down: the closer must catch up.
	var markets []niaga.Market
	c.Do("GET", base+"/api/v1/markets", "", "", nil, &markets)
	var sess niaga.AuctionSession
	if st, err := c.Do("POST", base+"/api/v1/sessions", organizer, "", map[string]any{"title": "Sesi singkat", "kind": "spot",
		"starts_at": time.Now().Add(-time.Minute), "ends_at": time.Now().Add(4 * time.Second), "market_ids": []int64{markets[0].ID}}, &sess); err != nil || st != 201 {
		t.Fatalf("session: %d %v", st, err)
	}
	var ending niaga.Lot
	c.Do("POST", base+"/api/v1/lots", seller, "", map[string]any{"session_id": sess.ID, "market_id": markets[0].ID, "commodity": "beras", "grade": "medium",
		"quantity": 1000, "mechanism": "english", "reserve": 10000, "increment": 100}, &ending)
	c.Do("POST", base+fmt.Sprintf("/api/v1/lots/%d/admit", ending.ID), organizer, "", map[string]string{}, nil)
	if st, _ := c.Do("POST", base+fmt.Sprintf("/api/v1/lots/%d/bids", ending.ID), buyer, "", map[string]int64{"price": 10000}, nil); st != 201 {
		t.Fatalf("bid on the ending lot: %d", st)
	}
	var lots []niaga.Lot
	c.Do("GET", base+"/api/v1/lots?status=admitted&commodity=beras", "", "", nil, &lots)
	var open niaga.Lot
	for _, l := range lots {
		if l.Mechanism == "english" && l.State == "open" && l.SessionID != sess.ID {
			open = l
		}
	}

	// Bid load with retries through the outage.
	type acked struct{ id, max int64 }
	var mu sync.Mutex
	var bids []acked
	statuses := map[int]int{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 5))
			url := func() string { return base + fmt.Sprintf("/api/v1/lots/%d", open.ID) }
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var cur niaga.Lot
				if st, ok := c.Retry(stop, "GET", url, "", "", nil, &cur); !ok || st != 200 {
					continue
				}
				in := map[string]int64{"max_price": cur.MinNext + rng.Int64N(3)*open.Increment}
				var res struct {
					BidID int64 `json:"bid_id"`
				}
				st, ok := c.Retry(stop, "POST", func() string { return url() + "/bids" }, buyers[g], fmt.Sprintf("f%d-%d", g, i), in, &res)
				mu.Lock()
				statuses[st]++
				if ok && st == 201 {
					bids = append(bids, acked{res.BidID, in["max_price"]})
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(time.Second)
	pg.stop(t)
	expect503(t, "GET", base+"/readyz", "", nil)
	expect503(t, "POST", base+fmt.Sprintf("/api/v1/lots/%d/bids", open.ID), buyer, map[string]int64{"max_price": 99999})
	expect503(t, "GET", base+fmt.Sprintf("/api/v1/lots/%d", open.ID), "", nil)
	time.Sleep(4 * time.Second) // the short lot ends while the database is away
	pg.start(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not recover after PostgreSQL came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	db, err := store.Open(context.Background(), pg.url(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, b := range bids {
		var m int64
		if err := db.Raw().QueryRow("SELECT max_price FROM bids WHERE id = $1", b.id).Scan(&m); err != nil || m != b.max {
			t.Fatalf("acknowledged bid %d lost: %v", b.id, err)
		}
	}
	var status string
	var contracts int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		db.Raw().QueryRow("SELECT status FROM lots WHERE id = $1", ending.ID).Scan(&status)
		if status == niaga.LotSold {
			break
		}
	}
	db.Raw().QueryRow("SELECT COUNT(*) FROM contracts WHERE lot_id = $1", ending.ID).Scan(&contracts)
	if status != niaga.LotSold || contracts != 1 {
		t.Fatalf("lot that ended during the outage: %s with %d contracts", status, contracts)
	}
	for st := range statuses {
		if st >= 500 {
			var lines []string
			for _, l := range strings.Split(srv.Log(), "\n") {
				if !strings.Contains(l, "unavailable:") {
					lines = append(lines, l)
				}
			}
			t.Fatalf("bid answers around the outage: %v; server log besides 503s:\n%s", statuses, strings.Join(lines, "\n"))
		}
	}
	t.Logf("%d bids acknowledged around a PostgreSQL restart (answers %v); the lot that ended meanwhile was awarded after recovery", len(bids), statuses)
}

// mountTmpfs mounts a small tmpfs (root only) for disk-full and read-only faults.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

func TestSQLiteDiskFullAndReadOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a file system")
	}
	dir := mountTmpfs(t, "24m")
	bin := proctest.Build(t)
	srv := proctest.NewServer(t, bin, filepath.Join(dir, "niaga.db"))
	srv.Start("demo")
	base := srv.URL()
	c := proctest.NewClient()
	var out struct{ Token string }
	c.Do("POST", base+"/api/v1/auth/login", "", "", map[string]string{"email": demo.Admin, "password": demo.Password}, &out)
	admin := out.Token
	org := func(name string) (int, error) {
		b, _ := json.Marshal(map[string]any{"name": name + strings.Repeat(" x", 90), "kind": "business", "province": "35"})
		req, _ := http.NewRequest("POST", base+"/api/v1/organizations", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
		res, err := c.HTTP.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 && res.StatusCode != 503 {
			t.Logf("%d %s", res.StatusCode, body)
		}
		return res.StatusCode, nil
	}
	if st, err := org("Sebelum"); err != nil || st != 201 {
		t.Fatalf("write before the fault: %d %v", st, err)
	}
	// Fill the disk, then write until SQLite runs out of room.
	filler := filepath.Join(dir, "filler")
	exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=1M", "count=64").Run()
	// The WAL reuses its space after checkpoints, so it takes a while of
	// writing before SQLite needs a page the disk does not have.
	sawFull := false
	deadline := time.Now().Add(45 * time.Second)
	for i := 0; i < 100_000 && time.Now().Before(deadline); i++ {
		st, err := org(fmt.Sprint("Penuh ", i))
		if err != nil {
			t.Fatal(err)
		}
		if st == 503 {
			sawFull = true
			expect503(t, "POST", base+"/api/v1/organizations", admin, map[string]any{"name": "Lagi" + strings.Repeat(" y", 90), "kind": "business", "province": "35"})
			break
		}
		if st != 201 {
			t.Fatalf("write on a full disk: %d, want 201 or 503; server log:\n%s", st, srv.Log())
		}
	}
	if !sawFull {
		t.Fatal("the disk never filled up")
	}
	if st, _ := c.Do("GET", base+"/api/v1/provinces", "", "", nil, nil); st != 200 {
		t.Fatalf("reads on a full disk: %d", st)
	}
	os.Remove(filler)
	if st, err := org("Sesudah"); err != nil || st != 201 {
		t.Fatalf("write after room was made: %d %v", st, err)
	}
	// A read-only file system: the server refuses to start with a clear
	// error rather than serving pages that cannot be saved.
	srv.Kill()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	roOut, err := exec.Command(bin, "serve", "--db", filepath.Join(dir, "niaga.db"), "--addr", "127.0.0.1:0").CombinedOutput()
	if err == nil || !strings.Contains(string(roOut), "read-only") {
		t.Fatalf("serve on a read-only file system: %v %s", err, roOut)
	}
	exec.Command("mount", "-o", "remount,rw", dir).Run()
	srv.Start("serve")
	if st, err := org("Pulih"); err != nil || st != 201 {
		t.Fatalf("write after the disk came back: %d %v", st, err)
	}
}
