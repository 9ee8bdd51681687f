// Package live fans committed events out to the watchers of a topic (a lot,
// a mission) within one process. Between instances, PostgreSQL NOTIFY
// carries event ids and each instance feeds its own hub (see store).
package live

import (
	"strconv"
	"sync"
	"time"
)

// Event is a committed state change that watchers may see. ID increases
// per database; a watcher resumes after the last ID it saw.
type Event struct {
	ID    int64
	Topic string // e.g. "lot:42", "mission:7"
	Kind  string // e.g. "bid", "extend", "close", "deal"
	Data  []byte // JSON
	At    time.Time
	// Committed is when the transaction that made the event committed (on
	// PostgreSQL: when this instance was notified of the commit). Live
	// frames carry it as "committed_at" in the data object so a watcher can
	// measure its delivery delay; events replayed from the database have
	// none. Publish stamps it if the publisher did not.
	Committed time.Time

	frameOnce sync.Once
	frame     []byte
}

// Frame is the event as a server-sent-events frame, built once and shared
// by every watcher.
func (e *Event) Frame() []byte {
	e.frameOnce.Do(func() {
		d := e.Data
		b := make([]byte, 0, len(d)+96)
		b = append(b, "id: "...)
		b = strconv.AppendInt(b, e.ID, 10)
		b = append(b, "\nevent: "...)
		b = append(b, e.Kind...)
		b = append(b, "\ndata: "...)
		if n := len(d); !e.Committed.IsZero() && n >= 2 && d[0] == '{' && d[n-1] == '}' {
			b = append(b, d[:n-1]...)
			if n > 2 {
				b = append(b, ',')
			}
			b = append(b, `"committed_at":"`...)
			b = e.Committed.UTC().AppendFormat(b, time.RFC3339Nano)
			b = append(b, `"}`...)
		} else {
			b = append(b, d...)
		}
		b = append(b, "\n\n"...)
		e.frame = b
	})
	return e.frame
}

// Sub is one watcher's subscription. C is closed when the watcher falls
// too far behind (it reconnects with Last-Event-ID) or unsubscribes.
type Sub struct {
	C     chan *Event
	topic string
	hub   *Hub
	once  sync.Once
}

// Hub is the in-process fan-out.
type Hub struct {
	mu   sync.RWMutex
	subs map[string]map[*Sub]struct{}
	// Buffer is each watcher's queue length.
	Buffer int
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[*Sub]struct{}{}, Buffer: 64} }

// Subscribe starts watching topic.
func (h *Hub) Subscribe(topic string) *Sub {
	s := &Sub{C: make(chan *Event, h.Buffer), topic: topic, hub: h}
	h.mu.Lock()
	m := h.subs[topic]
	if m == nil {
		m = map[*Sub]struct{}{}
		h.subs[topic] = m
	}
	m[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close ends the subscription.
func (s *Sub) Close() {
	s.hub.mu.Lock()
	s.hub.drop(s)
	s.hub.mu.Unlock()
}

func (h *Hub) drop(s *Sub) {
	if m := h.subs[s.topic]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(h.subs, s.topic)
		}
	}
	s.once.Do(func() { close(s.C) })
}

// Publish delivers e to the topic's watchers without blocking: a watcher
// whose queue is full is dropped (its channel closed) and will resume from
// the database.
func (h *Hub) Publish(e *Event) {
	if e.Committed.IsZero() {
		e.Committed = time.Now()
	}
	var slow []*Sub
	h.mu.RLock()
	for s := range h.subs[e.Topic] {
		select {
		case s.C <- e:
		default:
			slow = append(slow, s)
		}
	}
	h.mu.RUnlock()
	if len(slow) > 0 {
		h.mu.Lock()
		for _, s := range slow {
			h.drop(s)
		}
		h.mu.Unlock()
	}
}

// Watchers counts the subscriptions of a topic.
func (h *Hub) Watchers(topic string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[topic])
}
