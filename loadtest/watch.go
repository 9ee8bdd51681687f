package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// watcher is one SSE client on its own connection. It speaks just enough
// HTTP/1.1 to read an event stream, so that thousands of them cost the
// load tool little: one goroutine and one 4 KB buffer each.
type watcher struct {
	addr, host, path string
	lastID           int64
	delays           []time.Duration // commit → receipt of live frames
	received         atomic.Int64    // frames with a commit time
	backlog          atomic.Int64    // frames without (replayed from the database)
	reconnects       atomic.Int64
	onEvent          func() // optional: called for every event (the deals board)
	mu               sync.Mutex
}

var committedKey = []byte(`"committed_at":"`)

// connect opens the stream and returns once the server answered 200.
func (w *watcher) connect(ctx context.Context) (*bufio.Reader, net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return nil, nil, err
	}
	req := "GET " + w.path + " HTTP/1.1\r\nHost: " + w.host + "\r\nAccept: text/event-stream\r\n"
	if w.lastID > 0 {
		req += "Last-Event-ID: " + strconv.FormatInt(w.lastID, 10) + "\r\n"
	}
	req += "\r\n"
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := conn.Write([]byte(req)); err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	br := bufio.NewReaderSize(conn, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		_ = conn.Close()
		return nil, nil, fmt.Errorf("stream %s: status %d", w.path, resp.StatusCode)
	}
	_ = conn.SetDeadline(time.Time{})
	return bufio.NewReaderSize(resp.Body, 4096), conn, nil
}

// read consumes frames until the stream ends or ctx is done, reconnecting
// with Last-Event-ID when the server drops it.
func (w *watcher) read(ctx context.Context, r *bufio.Reader, conn net.Conn) {
	for {
		stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
		w.readFrames(r)
		stop()
		_ = conn.Close()
		if ctx.Err() != nil {
			return
		}
		w.reconnects.Add(1)
		var err error
		for attempt := 0; ; attempt++ {
			if r, conn, err = w.connect(ctx); err == nil || ctx.Err() != nil || attempt > 20 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			return
		}
	}
}

func (w *watcher) readFrames(r *bufio.Reader) {
	for {
		line, err := r.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
		switch {
		case bytes.HasPrefix(line, []byte("id: ")):
			if id, err := strconv.ParseInt(string(bytes.TrimSpace(line[4:])), 10, 64); err == nil {
				w.lastID = id
			}
		case bytes.HasPrefix(line, []byte("data: ")):
			now := time.Now()
			i := bytes.Index(line, committedKey)
			if i < 0 {
				w.backlog.Add(1)
			} else {
				rest := line[i+len(committedKey):]
				if j := bytes.IndexByte(rest, '"'); j > 0 {
					if t, err := time.Parse(time.RFC3339Nano, string(rest[:j])); err == nil {
						w.mu.Lock()
						w.delays = append(w.delays, now.Sub(t))
						w.mu.Unlock()
						w.received.Add(1)
					}
				}
			}
			if w.onEvent != nil {
				w.onEvent()
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) { // a long data line: skip the rest of it
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = r.ReadSlice('\n')
			}
			if err != nil {
				return
			}
		}
	}
}

// watchers is a group of watchers of one stream.
type watchers struct {
	list []*watcher
	wg   sync.WaitGroup
}

// startWatchers connects n watchers of path, k at a time, and returns once
// all of them are streaming.
func (r *Runner) startWatchers(ctx context.Context, path string, n int, onEvent func() func()) (*watchers, error) {
	u, err := url.Parse(r.cfg.Target)
	if err != nil {
		return nil, err
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	g := &watchers{list: make([]*watcher, n)}
	for i := range g.list {
		w := &watcher{addr: addr, host: u.Host, path: path}
		if onEvent != nil {
			w.onEvent = onEvent()
		}
		g.list[i] = w
	}
	err = parallel(ctx, n, 64, func(i int) error {
		w := g.list[i]
		br, conn, err := w.connect(ctx)
		if err != nil {
			return err
		}
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			w.read(ctx, br, conn)
		}()
		return nil
	})
	return g, err
}

// received counts the live frames received by all watchers.
func (g *watchers) received() int64 {
	var n int64
	for _, w := range g.list {
		n += w.received.Load()
	}
	return n
}

// collect waits for the readers to stop (ctx must be done) and merges.
func (g *watchers) collect() (delays []time.Duration, received, backlog, reconnects int64) {
	g.wg.Wait()
	for _, w := range g.list {
		delays = append(delays, w.delays...)
		received += w.received.Load()
		backlog += w.backlog.Load()
		reconnects += w.reconnects.Load()
	}
	return
}
