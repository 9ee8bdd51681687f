package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ceilingRun measures GET /healthz through the same client and middleware:
// what this machine answers when a request does nothing.
func (r *Runner) ceilingRun(ctx context.Context, res *Result, setupStart time.Time) error {
	res.SetupS = round(time.Since(setupStart).Seconds(), 3)
	r.closedLoop(ctx, res, r.cfg.Conns, func(ctx context.Context, w *worker) (int, string, bool) {
		status, err := r.request(ctx, w, "GET", "/healthz", "", nil)
		if err != nil {
			return 0, "", false
		}
		return status, "", false
	})
	return nil
}

// bidBody appends {"max_price":N} to dst.
func bidBody(dst []byte, maxPrice int64) []byte {
	dst = append(dst, `{"max_price":`...)
	dst = strconv.AppendInt(dst, maxPrice, 10)
	return append(dst, '}')
}

// bid posts one proxy bid to path, the bids of the lot of counter c, and
// classifies the answer.
func (r *Runner) bid(ctx context.Context, w *worker, f *fixture, path string, c *atomic.Int64) (int, string, bool) {
	b := &f.buyers[w.next()%uint64(len(f.buyers))]
	n := c.Add(1)
	w.body = bidBody(w.body[:0], lotReserve+n*bidStride)
	status, err := r.request(ctx, w, "POST", path, b.auth, w.body)
	switch {
	case err != nil:
		return 0, "", false
	case status == http.StatusCreated:
		return status, "", true
	}
	return status, problemCode(w.buf), false
}

// bidsSpread bids on lots picked at random among the fixture's N.
func (r *Runner) bidsSpread(ctx context.Context, res *Result, setupStart time.Time) error {
	f, err := r.ensureFixture(ctx)
	if err != nil {
		return err
	}
	res.Lots, res.Buyers = len(f.lots), len(f.buyers)
	paths := make([]string, len(f.lots))
	for i, id := range f.lots {
		paths[i] = fmt.Sprintf("/api/v1/lots/%d/bids", id)
	}
	res.SetupS = round(time.Since(setupStart).Seconds(), 3)
	r.closedLoop(ctx, res, r.cfg.Conns, func(ctx context.Context, w *worker) (int, string, bool) {
		i := w.next() % uint64(len(paths))
		return r.bid(ctx, w, f, paths[i], &f.counters[i])
	})
	return nil
}

// hotSoftClose is the soft-close window of the hot lot: its session ends
// 5 s after setup, so every bid falls in the window and the end keeps being
// extended while the run lasts.
const hotSoftClose = 10

// bidsHot puts every connection on one lot in its soft-close window.
func (r *Runner) bidsHot(ctx context.Context, res *Result, setupStart time.Time) error {
	f, err := r.ensureFixture(ctx)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	sess, err := r.session(ctx, f, "Sesi Bench Hot "+f.run, now.Add(-time.Minute), now.Add(5*time.Second), hotSoftClose)
	if err != nil {
		return err
	}
	lot, err := r.lot(ctx, f, sess)
	if err != nil {
		return err
	}
	res.Lots, res.Buyers = 1, len(f.buyers)
	path := fmt.Sprintf("/api/v1/lots/%d/bids", lot)
	var counter atomic.Int64
	res.SetupS = round(time.Since(setupStart).Seconds(), 3)
	r.closedLoop(ctx, res, r.cfg.Conns, func(ctx context.Context, w *worker) (int, string, bool) {
		return r.bid(ctx, w, f, path, &counter)
	})
	return nil
}

// deals has the mission desk record deals from every connection while W
// live boards follow the mission stream. Like the board page, a board
// refreshes its summary 250 ms after the last deal event it saw.
func (r *Runner) deals(ctx context.Context, res *Result, setupStart time.Time) error {
	f, err := r.ensureFixture(ctx)
	if err != nil {
		return err
	}
	if err := r.ensureMission(ctx, f); err != nil {
		return err
	}
	nw := r.cfg.Watchers
	if nw <= 0 {
		nw = 20
	}
	res.Buyers, res.Watchers = len(f.buyers), nw
	wctx, stopWatchers := context.WithCancel(ctx)
	defer stopWatchers()
	summary := fmt.Sprintf("/api/v1/missions/%d/summary", f.mission)
	var fetches atomic.Int64
	board := func() func() {
		var mu sync.Mutex
		var t *time.Timer
		w := &worker{buf: make([]byte, 0, 16<<10)}
		return func() {
			mu.Lock()
			defer mu.Unlock()
			if t != nil {
				t.Stop()
			}
			t = time.AfterFunc(250*time.Millisecond, func() {
				if wctx.Err() != nil {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if _, err := r.request(wctx, w, "GET", summary, "", nil); err == nil {
					fetches.Add(1)
				}
			})
		}
	}
	g, err := r.startWatchers(wctx, fmt.Sprintf("/api/v1/missions/%d/stream", f.mission), nw, board)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("/api/v1/missions/%d/deals", f.mission)
	auth := "Bearer " + f.admin
	var committed atomic.Int64
	res.SetupS = round(time.Since(setupStart).Seconds(), 3)
	r.closedLoop(ctx, res, r.cfg.Conns, func(ctx context.Context, w *worker) (int, string, bool) {
		s := f.hostSide[w.next()%uint64(len(f.hostSide))]
		b := f.guestSide[w.next()%uint64(len(f.guestSide))]
		if w.next()%2 == 0 {
			s, b = b, s
		}
		w.body = dealBody(w.body[:0], f.buyers[s].participant, f.buyers[b].participant, 1000+w.next()%9000, 10_000_000+w.next()%990_000_000)
		status, err := r.request(ctx, w, "POST", path, auth, w.body)
		switch {
		case err != nil:
			return 0, "", false
		case status == http.StatusCreated:
			committed.Add(1)
			return status, "", true
		}
		return status, problemCode(w.buf), false
	})
	r.settle(g, committed.Load()*int64(nw), res)
	stopWatchers()
	r.finishWatch(g, res, committed.Load()*int64(nw))
	res.BoardFetches = fetches.Load()
	return nil
}

// dealBody appends a deal between participants seller and buyer to dst.
func dealBody(dst []byte, seller, buyer int64, quantity, value uint64) []byte {
	dst = append(dst, `{"seller_id":`...)
	dst = strconv.AppendInt(dst, seller, 10)
	dst = append(dst, `,"buyer_id":`...)
	dst = strconv.AppendInt(dst, buyer, 10)
	dst = append(dst, `,"commodity":"beras","kind":"purchase","quantity":`...)
	dst = strconv.AppendUint(dst, quantity, 10)
	dst = append(dst, `,"value":`...)
	dst = strconv.AppendUint(dst, value, 10)
	return append(dst, '}')
}

// watchers connects W watchers to a fresh lot, then bids on it at R bids/s
// (each accepted bid is one event) and measures every delivery.
func (r *Runner) watchers(ctx context.Context, res *Result, setupStart time.Time) error {
	f, err := r.ensureFixture(ctx)
	if err != nil {
		return err
	}
	nw := r.cfg.Watchers
	if nw <= 0 {
		nw = 1000
	}
	res.Watchers, res.Rate, res.Lots, res.Buyers = nw, r.cfg.Rate, 1, len(f.buyers)
	lot, err := r.lot(ctx, f, f.session)
	if err != nil {
		return err
	}
	var rss0, mem0 int64
	if r.cfg.ServerPID > 0 {
		rss0 = procRSS(r.cfg.ServerPID)
	}
	if r.cfg.ServerPprof != "" {
		if mem0, err = r.serverMem(ctx); err != nil {
			return err
		}
	}
	wctx, stopWatchers := context.WithCancel(ctx)
	defer stopWatchers()
	r.cfg.Log("watchers: connecting %d", nw)
	g, err := r.startWatchers(wctx, fmt.Sprintf("/api/v1/lots/%d/stream", lot), nw, nil)
	if err != nil {
		return err
	}
	if r.cfg.ServerPID > 0 {
		time.Sleep(500 * time.Millisecond)
		res.ServerKBPerWatcher = round(float64(procRSS(r.cfg.ServerPID)-rss0)/1024/float64(nw), 2)
	}
	if r.cfg.ServerPprof != "" {
		mem1, err := r.serverMem(ctx)
		if err != nil {
			return err
		}
		res.ServerHeapKBPerWatcher = round(float64(mem1-mem0)/1024/float64(nw), 2)
	}
	res.SetupS = round(time.Since(setupStart).Seconds(), 3)

	// Open loop: a ticker hands bids to a few senders; a tick that finds
	// them all busy is counted as a 0-status error (the target fell behind).
	path := fmt.Sprintf("/api/v1/lots/%d/bids", lot)
	var counter atomic.Int64
	senders := min(max(r.cfg.Conns, 1), 32)
	jobs := make(chan struct{}, senders)
	total := newTally()
	var mu sync.Mutex
	var wg sync.WaitGroup
	warmEnd := time.Now().Add(r.cfg.Warmup)
	end := warmEnd.Add(r.cfg.Duration)
	var committed atomic.Int64
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{id: i, rng: uint64(i)*104729 + uint64(time.Now().UnixNano()), buf: make([]byte, 0, 4096)}
			t := newTally()
			for range jobs {
				t0 := time.Now()
				status, code, wrote := r.bid(ctx, w, f, path, &counter)
				if wrote {
					committed.Add(1)
				}
				if !t0.Before(warmEnd) {
					t.record(time.Since(t0), status, code, wrote)
				}
			}
			mu.Lock()
			total.add(t)
			mu.Unlock()
		}()
	}
	interval := time.Duration(float64(time.Second) / r.cfg.Rate)
	var m *meter
	var skipped int64
	start := time.Now()
	for k := int64(0); ; k++ {
		at := start.Add(time.Duration(k) * interval)
		if !at.Before(end) || ctx.Err() != nil {
			break
		}
		if m == nil && !at.Before(warmEnd) {
			m = startMeter(r.cfg.ServerPID)
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		select {
		case jobs <- struct{}{}:
		default:
			if !at.Before(warmEnd) {
				skipped++
			}
		}
	}
	close(jobs)
	wg.Wait()
	if m == nil {
		m = startMeter(r.cfg.ServerPID)
	}
	total.netErrs += skipped
	total.fill(res, time.Since(warmEnd))
	m.stop(res)
	expected := committed.Load() * int64(nw)
	r.settle(g, expected, res)
	stopWatchers()
	r.finishWatch(g, res, expected)
	if res.DurationS > 0 {
		res.DeliveriesPerS = round(float64(res.Deliveries)/(res.DurationS+r.cfg.Warmup.Seconds()), 1)
	}
	return nil
}

// settle waits (up to 5 s) for the watchers to receive what was sent.
func (r *Runner) settle(g *watchers, expected int64, res *Result) {
	deadline := time.Now().Add(5 * time.Second)
	for g.received() < expected && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *Runner) finishWatch(g *watchers, res *Result, expected int64) {
	delays, received, _, reconnects := g.collect()
	res.Events = expected / int64(max(len(g.list), 1))
	res.Deliveries, res.Reconnects = received, reconnects
	if expected > received {
		res.Missed = expected - received
	}
	if res.DeliveriesPerS == 0 && res.DurationS > 0 {
		res.DeliveriesPerS = round(float64(received)/(res.DurationS+r.cfg.Warmup.Seconds()), 1)
	}
	p50, _, p99, mx := percentiles(delays)
	res.DeliveryP50ms, res.DeliveryP99ms, res.DeliveryMaxMs = p50, p99, mx
}
