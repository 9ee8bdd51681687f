package loadtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// apiClient is the setup's JSON client (not the measured path).
type apiClient struct {
	base string
	hc   *http.Client
}

func (r *Runner) api() *apiClient { return &apiClient{base: r.cfg.Target, hc: r.hc} }

// apiError is a refused setup request.
type apiError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, e.Body)
}

// do sends a JSON request and decodes a 2xx answer into out.
func (a *apiClient) do(ctx context.Context, method, path, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close() //nolint:errcheck // read side
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if len(b) > 300 {
			b = b[:300]
		}
		return &apiError{Method: method, Path: path, Status: resp.StatusCode, Body: string(bytes.TrimSpace(b))}
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

// buyer is a verified business with a deposit at the bench market.
type buyer struct {
	org, participant int64
	province         string
	auth             string // "Bearer …"
}

// fixture is the data a run sets up once and its scenarios share.
type fixture struct {
	run   string // random tag that keeps names unique across runs
	admin string // admin token

	organizer int64 // organizer organization
	seller    int64 // seller organization
	sellerTok string
	market    int64
	session   int64 // long session of the spread lots and the watched lots
	lots      []int64
	counters  []atomic.Int64 // bids sent per lot: the next proxy maximum
	buyers    []buyer

	mission    int64
	hostSide   []int // indexes into buyers of the host delegation
	guestSide  []int
	agency     int64
	missionMu  sync.Mutex
	loginCount atomic.Int64
	loginMu    sync.Mutex
	loginHC    map[string]*http.Client
}

// Bid prices: english lots with reserve 1 000 and increment 1; every bid on
// a lot is a proxy maximum one stride above the previous one sent, so bids
// that arrive slightly out of order are still accepted (a late maximum
// only has to beat the second highest).
const (
	lotReserve   = 1000
	lotIncrement = 1
	bidStride    = 1000
	depositEach  = 1_000_000_000_000_000 // the API's maximum single deposit
)

// ensureFixture creates the admin session, the market, the buyers and the
// spread lots, once per Runner.
func (r *Runner) ensureFixture(ctx context.Context) (*fixture, error) {
	if r.fx != nil {
		return r.fx, nil
	}
	b := make([]byte, 4)
	rand.Read(b)
	f := &fixture{run: hex.EncodeToString(b), loginHC: map[string]*http.Client{}}
	a := r.api()
	t0 := time.Now()
	var err error
	if f.admin, err = r.login(ctx, f, r.cfg.Admin, r.cfg.Password); err != nil {
		return nil, fmt.Errorf("admin login (--admin/--password): %w", err)
	}
	// The organizer and the seller.
	f.organizer, err = r.org(ctx, f, "Penyelenggara Bench "+f.run, "organizer", "18")
	if err != nil {
		return nil, err
	}
	f.seller, err = r.org(ctx, f, "Penjual Bench "+f.run, "business", "18")
	if err != nil {
		return nil, err
	}
	if f.sellerTok, err = r.user(ctx, f, f.seller, "seller"); err != nil {
		return nil, err
	}
	var market struct {
		ID int64 `json:"id"`
	}
	if err := a.do(ctx, "POST", "/api/v1/markets", f.admin, map[string]any{"organizer_org_id": f.organizer, "name": "Pasar Lelang Bench " + f.run,
		"province": "18", "fee_buyer_bps": 10, "fee_seller_bps": 10, "deposit_ratio_bps": 100, "mechanisms": []string{"english"}}, &market); err != nil {
		return nil, err
	}
	f.market = market.ID
	now := time.Now().UTC()
	if f.session, err = r.session(ctx, f, "Sesi Bench "+f.run, now.Add(-time.Minute), now.Add(12*time.Hour), 0); err != nil {
		return nil, err
	}
	r.cfg.Log("setup: market %d, session %d; creating %d buyers", f.market, f.session, r.cfg.Buyers)
	// Buyers: an organization, a user, a login and a deposit each. Users
	// are created four at a time: the server hashes each password.
	f.buyers = make([]buyer, r.cfg.Buyers)
	if err := parallel(ctx, r.cfg.Buyers, 4, func(i int) error {
		prov := "35"
		if i%2 == 1 {
			prov = "63"
		}
		org, err := r.org(ctx, f, fmt.Sprintf("Pembeli Bench %s-%d", f.run, i), "business", prov)
		if err != nil {
			return err
		}
		tok, err := r.user(ctx, f, org, "b"+strconv.Itoa(i))
		if err != nil {
			return err
		}
		if err := a.do(ctx, "POST", fmt.Sprintf("/api/v1/markets/%d/deposits", f.market), f.admin,
			map[string]any{"org_id": org, "kind": "deposit", "amount": depositEach, "note": "bench"}, nil); err != nil {
			return err
		}
		f.buyers[i] = buyer{org: org, province: prov, auth: "Bearer " + tok}
		return nil
	}); err != nil {
		return nil, err
	}
	r.cfg.Log("setup: %d buyers in %.1fs; creating %d lots", r.cfg.Buyers, time.Since(t0).Seconds(), r.cfg.Lots)
	f.lots = make([]int64, r.cfg.Lots)
	f.counters = make([]atomic.Int64, r.cfg.Lots)
	if err := parallel(ctx, r.cfg.Lots, 4, func(i int) error {
		id, err := r.lot(ctx, f, f.session)
		f.lots[i] = id
		return err
	}); err != nil {
		return nil, err
	}
	r.cfg.Log("setup: done in %.1fs", time.Since(t0).Seconds())
	r.fx = f
	return f, nil
}

func (r *Runner) org(ctx context.Context, f *fixture, name, kind, province string) (int64, error) {
	var o struct {
		ID int64 `json:"id"`
	}
	err := r.api().do(ctx, "POST", "/api/v1/organizations", f.admin, map[string]any{"name": name, "kind": kind, "province": province, "verified": true}, &o)
	return o.ID, err
}

// user creates a business user in org and returns its bearer token.
func (r *Runner) user(ctx context.Context, f *fixture, org int64, tag string) (string, error) {
	email := fmt.Sprintf("bench-%s-%s@niaga.test", f.run, tag)
	password := "bench-" + f.run + "-" + tag + "-pw"
	if err := r.api().do(ctx, "POST", "/api/v1/users", f.admin, map[string]any{"email": email, "name": "Bench " + tag, "password": password,
		"role": "business", "org_id": org}, nil); err != nil {
		return "", err
	}
	return r.login(ctx, f, email, password)
}

// login signs in. The server allows 20 sign-ins per client address at
// once, then one per 6 s; on a loopback target each group of 15 sign-ins
// comes from its own loopback address (127.0.0.x), as many clients would.
// Elsewhere a refused sign-in waits and retries.
func (r *Runner) login(ctx context.Context, f *fixture, email, password string) (string, error) {
	n := f.loginCount.Add(1) - 1
	hc := r.hc
	if src := loopbackSource(r.cfg.Target, n); src != "" {
		f.loginMu.Lock()
		hc = f.loginHC[src]
		if hc == nil {
			d := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
			hc = &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second}
			f.loginHC[src] = hc
		}
		f.loginMu.Unlock()
	}
	a := &apiClient{base: r.cfg.Target, hc: hc}
	var out struct {
		Token string `json:"token"`
	}
	for attempt := 0; ; attempt++ {
		err := a.do(ctx, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &out)
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusTooManyRequests && attempt < 20 {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(6 * time.Second):
			}
			continue
		}
		return out.Token, err
	}
}

// loopbackSource picks the n-th sign-in's source address on a 127.0.0.1
// target, or "" elsewhere.
func loopbackSource(target string, n int64) string {
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("127.%d.%d.%d", loopbackNet, 10+n/15/250, 1+(n/15)%250)
}

// loopbackNet gives each bench process its own part of 127.0.0.0/8, so
// several processes setting up at once (the soak script) do not share
// sign-in addresses.
var loopbackNet = 1 + os.Getpid()%250

func (r *Runner) session(ctx context.Context, f *fixture, title string, starts, ends time.Time, softClose int) (int64, error) {
	var s struct {
		ID int64 `json:"id"`
	}
	err := r.api().do(ctx, "POST", "/api/v1/sessions", f.admin, map[string]any{"title": title, "kind": "spot", "starts_at": starts, "ends_at": ends,
		"soft_close_seconds": softClose, "market_ids": []int64{f.market}}, &s)
	return s.ID, err
}

// lot submits an english lot as the seller and admits it as the admin.
func (r *Runner) lot(ctx context.Context, f *fixture, session int64) (int64, error) {
	a := r.api()
	var l struct {
		ID int64 `json:"id"`
	}
	if err := a.do(ctx, "POST", "/api/v1/lots", f.sellerTok, map[string]any{"session_id": session, "market_id": f.market, "commodity": "beras", "grade": "medium",
		"quantity": 1, "origin": "Gudang Bench", "delivery_terms": "Franco gudang", "mechanism": "english", "reserve": lotReserve, "increment": lotIncrement}, &l); err != nil {
		return 0, err
	}
	return l.ID, a.do(ctx, "POST", fmt.Sprintf("/api/v1/lots/%d/admit", l.ID), f.admin, map[string]any{}, nil)
}

// ensureMission creates a mission open now with the buyers as verified
// participants, half in the host delegation (East Java, 35) and half in the
// guest one (South Kalimantan, 63).
func (r *Runner) ensureMission(ctx context.Context, f *fixture) error {
	f.missionMu.Lock()
	defer f.missionMu.Unlock()
	if f.mission != 0 {
		return nil
	}
	a := r.api()
	var err error
	if f.agency, err = r.org(ctx, f, "Disperindag Bench "+f.run, "agency", "35"); err != nil {
		return err
	}
	wib := time.FixedZone("WIB", 7*3600)
	var m struct {
		ID int64 `json:"id"`
	}
	if err := a.do(ctx, "POST", "/api/v1/missions", f.admin, map[string]any{"title": "Misi Dagang Bench " + f.run, "host_province": "35",
		"guest_provinces": []string{"63"}, "venue": "Surabaya", "agency_id": f.agency, "date": time.Now().In(wib).Format(time.DateOnly),
		"opens": "00:00", "closes": "23:59", "target_value": 1_000_000_000_000}, &m); err != nil {
		return err
	}
	if err := a.do(ctx, "POST", fmt.Sprintf("/api/v1/missions/%d/status", m.ID), f.admin, map[string]any{"status": "open"}, nil); err != nil {
		return err
	}
	n := min(len(f.buyers), 40)
	if err := parallel(ctx, n, 4, func(i int) error {
		var p struct {
			ID int64 `json:"id"`
		}
		err := a.do(ctx, "POST", fmt.Sprintf("/api/v1/missions/%d/participants", m.ID), f.admin,
			map[string]any{"org_id": f.buyers[i].org, "delegation": f.buyers[i].province, "verified": true}, &p)
		f.buyers[i].participant = p.ID
		return err
	}); err != nil {
		return err
	}
	for i := range n {
		if f.buyers[i].province == "35" {
			f.hostSide = append(f.hostSide, i)
		} else {
			f.guestSide = append(f.guestSide, i)
		}
	}
	if len(f.hostSide) == 0 || len(f.guestSide) == 0 {
		return fmt.Errorf("the deals scenario needs at least 2 buyers")
	}
	f.mission = m.ID
	return nil
}

// parallel runs fn(0…n-1) on k goroutines and returns the first error.
func parallel(ctx context.Context, n, k int, fn func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(k, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		// the parent was cancelled
		return context.Cause(ctx)
	}
	return first
}
