package web

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"niaga"
	"niaga/live"
)

// streamHeartbeat keeps idle connections (and proxies) from timing out.
// A variable only so that a test can shorten it.
var streamHeartbeat = 15 * time.Second

// The heartbeat is a comment, which no EventSource shows to its page. A
// watcher that asks for it with ?heartbeat=1 (the live pages do) gets a
// "ping" event instead: a page that hears nothing for a few heartbeats
// knows its connection died silently (a phone between cells) and says so.
var (
	pingComment = []byte(": ping\n\n")
	pingEvent   = []byte("event: ping\ndata: {}\n\n")
)

// A resuming watcher gets at most streamBacklog missed events (then it
// reconnects from the last one for more); a new one the latest
// streamRecent.
const (
	streamBacklog = 10000
	streamRecent  = 100
)

// Default limits of concurrent event streams (see Server.LimitStreams).
// One browser tab holds one stream (a lot page, the mission board), so a
// person rarely needs more than a few; an address stands for a household,
// an office or a venue behind one NAT, hence the larger figure. The
// mission big-screen board is one stream and reconnects by itself after a
// refusal.
const (
	DefaultStreamsPerAddress = 64
	DefaultStreamsPerUser    = 16
)

// streamRetryAfter is what a refused watcher is told to wait, in seconds.
const streamRetryAfter = "10"

// streamLimits counts the open streams per client address and per
// signed-in user.
type streamLimits struct {
	mu      sync.Mutex
	perAddr int // 0: no limit
	perUser int
	addr    map[string]int
	user    map[int64]int
}

func newStreamLimits() *streamLimits {
	return &streamLimits{perAddr: DefaultStreamsPerAddress, perUser: DefaultStreamsPerUser, addr: map[string]int{}, user: map[int64]int{}}
}

// LimitStreams sets how many event streams one client address and one
// signed-in user may hold open at once (defaults DefaultStreamsPerAddress
// and DefaultStreamsPerUser); 0 or less lifts a limit. Every stream counts
// against its address (clientIP: behind trusted proxies, the client's);
// a signed-in user's also against the user, wherever they come from. Past
// either, a stream is refused with 429 and Retry-After before it
// subscribes. Call it before serving.
func (s *Server) LimitStreams(perAddress, perUser int) {
	s.streams.mu.Lock()
	s.streams.perAddr, s.streams.perUser = perAddress, perUser
	s.streams.mu.Unlock()
}

// acquire takes a slot for a stream from addr (user 0: anonymous); release
// gives it back. ok is false, and nothing taken, past a limit.
func (l *streamLimits) acquire(addr string, user int64) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perAddr > 0 && l.addr[addr] >= l.perAddr {
		return nil, false
	}
	if user != 0 && l.perUser > 0 && l.user[user] >= l.perUser {
		return nil, false
	}
	l.addr[addr]++
	if user != 0 {
		l.user[user]++
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.addr[addr]--; l.addr[addr] <= 0 {
				delete(l.addr, addr)
			}
			if user != 0 {
				if l.user[user]--; l.user[user] <= 0 {
					delete(l.user, user)
				}
			}
		})
	}, true
}

// maxEventIDLen is the length of the largest event id (int64).
const maxEventIDLen = 19

// parseEventID reads an event id as a watcher sends it back: decimal
// digits only (no sign, no spaces), at most 19 of them, within int64.
func parseEventID(v string) (int64, bool) {
	if v == "" || len(v) > maxEventIDLen {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// resumeQueries are the query parameters a page that rendered up to an
// event resumes with: "after", and its former name "last_event_id", still
// accepted (a generated client cannot tell that name from the header's).
var resumeQueries = []string{"after", "last_event_id"}

// resumeFrom reads where a watcher resumes: the Last-Event-ID header (an
// EventSource reconnecting) or a resume query parameter (resumeQueries),
// the header first. All are parsed strictly and the same way; a malformed
// one is refused, never read as 0 (a replay of the topic's history).
func resumeFrom(r *http.Request) (last int64, resume bool, err error) {
	if h := r.Header.Get("Last-Event-ID"); h != "" {
		n, ok := parseEventID(h)
		if !ok {
			return 0, false, niaga.Invalid("Last-Event-ID", "must be a non-negative integer of at most 19 digits")
		}
		last, resume = n, true
	}
	q := r.URL.Query()
	for _, name := range resumeQueries {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, ok := parseEventID(v)
		if !ok {
			return 0, false, niaga.Invalid(name, "must be a non-negative integer of at most 19 digits")
		}
		if !resume {
			last, resume = n, true
		}
	}
	return last, resume, nil
}

// Stream serves a topic's events as server-sent events. A watcher that
// reconnects with Last-Event-ID (header, or ?after=) first gets
// what it missed from the database, a new one the topic's latest events,
// then live events, in id order and without duplicates. Subscribing before reading the backlog means no
// event falls between the two. A client address or a user past its limit
// of open streams (LimitStreams) is refused with 429 before subscribing.
func (s *Server) Stream(c *Call, topic string) error {
	last, resume, err := resumeFrom(c.R)
	if err != nil {
		return err
	}
	var user int64
	if c.Actor != nil {
		user = c.Actor.UserID
	}
	release, ok := s.streams.acquire(clientIP(c.R), user)
	if !ok {
		c.W.Header().Set("Retry-After", streamRetryAfter)
		return niaga.Errorf(niaga.CodeRateLimited, "too many open event streams from this address or account; close one or retry later")
	}
	defer release()
	sub := s.hub.Subscribe(topic)
	defer sub.Close()
	var backlog []*live.Event
	if resume {
		backlog, err = s.db.EventsAfter(c, topic, last, streamBacklog)
	} else {
		// A new watcher is shown the latest events, not the topic's whole
		// history: a busy mission has tens of thousands.
		backlog, err = s.db.RecentEvents(c, topic, streamRecent)
	}
	if err != nil {
		return err
	}
	rc := http.NewResponseController(c.W)
	h := c.W.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	c.W.WriteHeader(http.StatusOK)
	s.pump(c, rc, backlog, sub.C, last)
	return nil
}

// pump writes the backlog, then live events from ch until the client goes,
// a write fails or ch is closed (the hub dropped a watcher too slow to
// keep up: it reconnects with Last-Event-ID). Events at or before the last
// one written are skipped, and so is a nil one.
func (s *Server) pump(c *Call, rc *http.ResponseController, backlog []*live.Event, ch <-chan *live.Event, last int64) {
	// A write must not block forever on a client that stopped reading. The
	// deadline is moved only when it comes within one heartbeat, not on
	// every event: with thousands of watchers, setting it per write cost a
	// tenth of the fan-out.
	// extend reports false when the deadline cannot be set on the
	// connection (it is gone), and the stream ends; a writer without
	// deadlines at all (a test's recorder) streams without one.
	var deadline time.Time
	extend := func() bool {
		if now := time.Now(); deadline.Sub(now) < streamHeartbeat {
			deadline = now.Add(2 * streamHeartbeat)
			err := rc.SetWriteDeadline(deadline)
			return err == nil || errors.Is(err, http.ErrNotSupported)
		}
		return true
	}
	// send writes e if it is new; false when the write failed.
	send := func(e *live.Event) bool {
		if e == nil || e.ID <= last {
			return true
		}
		if _, err := c.W.Write(e.Frame()); err != nil {
			return false
		}
		last = e.ID
		return true
	}
	if !extend() {
		return
	}
	if _, err := c.W.Write([]byte("retry: 2000\n\n")); err != nil {
		return
	}
	for _, e := range backlog {
		if !send(e) {
			return
		}
	}
	if err := rc.Flush(); err != nil {
		return
	}
	ping := pingComment
	if c.R != nil && c.R.URL.Query().Get("heartbeat") == "1" {
		ping = pingEvent
	}
	tick := time.NewTicker(streamHeartbeat)
	defer tick.Stop()
	for {
		select {
		case <-c.Done():
			return
		case e, ok := <-ch:
			if !ok {
				return // too slow: the client reconnects with Last-Event-ID
			}
			if !extend() || !send(e) {
				return
			}
			// Drain what is already queued before flushing: one syscall for
			// a burst. A closed channel ends the stream after the flush.
			open := true
			for n := len(ch); n > 0 && open; n-- {
				if e, open = <-ch; open && !send(e) {
					return
				}
			}
			if err := rc.Flush(); err != nil || !open {
				return
			}
		case <-tick.C:
			if !extend() {
				return
			}
			if _, err := c.W.Write(ping); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}
