package web

import (
	"net/http"
	"strconv"
	"time"

	"niaga"
	"niaga/live"
)

// streamHeartbeat keeps idle connections (and proxies) from timing out.
const streamHeartbeat = 15 * time.Second

// A resuming watcher gets at most streamBacklog missed events (then it
// reconnects from the last one for more); a new one the latest
// streamRecent.
const (
	streamBacklog = 10000
	streamRecent  = 100
)

// Stream serves a topic's events as server-sent events. A watcher that
// reconnects with Last-Event-ID (header, or ?last_event_id=) first gets
// what it missed from the database, a new one the topic's latest events,
// then live events, in id order and without duplicates. Subscribing before reading the backlog means no
// event falls between the two.
func (s *Server) Stream(c *Call, topic string) error {
	var last int64
	resume := true
	if v := c.R.Header.Get("Last-Event-ID"); v != "" {
		last, _ = strconv.ParseInt(v, 10, 64)
	} else if v := c.R.URL.Query().Get("last_event_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return niaga.Invalid("last_event_id", "must be a non-negative integer")
		}
		last = n
	} else {
		resume = false
	}
	sub := s.hub.Subscribe(topic)
	defer sub.Close()
	var backlog []*live.Event
	var err error
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
	// A write must not block forever on a client that stopped reading. The
	// deadline is moved only when it comes within one heartbeat, not on
	// every event: with thousands of watchers, setting it per write cost a
	// tenth of the fan-out.
	var deadline time.Time
	extend := func() {
		if now := time.Now(); deadline.Sub(now) < streamHeartbeat {
			deadline = now.Add(2 * streamHeartbeat)
			rc.SetWriteDeadline(deadline)
		}
	}
	extend()
	if _, err := c.W.Write([]byte("retry: 2000\n\n")); err != nil {
		return nil
	}
	for _, e := range backlog {
		if _, err := c.W.Write(e.Frame()); err != nil {
			return nil
		}
		last = e.ID
	}
	rc.Flush()
	tick := time.NewTicker(streamHeartbeat)
	defer tick.Stop()
	for {
		select {
		case <-c.Done():
			return nil
		case e, ok := <-sub.C:
			if !ok {
				return nil // too slow: the client reconnects with Last-Event-ID
			}
			if e.ID <= last {
				continue
			}
			extend()
			if _, err := c.W.Write(e.Frame()); err != nil {
				return nil
			}
			// Drain what is already queued before flushing: one syscall for a burst.
			for n := len(sub.C); n > 0; n-- {
				e, ok = <-sub.C
				if !ok {
					break
				}
				if e.ID > last {
					c.W.Write(e.Frame())
					last = e.ID
				}
			}
			last = max(last, e.ID)
			if err := rc.Flush(); err != nil {
				return nil
			}
		case <-tick.C:
			extend()
			if _, err := c.W.Write([]byte(": ping\n\n")); err != nil {
				return nil
			}
			rc.Flush()
		}
	}
}
