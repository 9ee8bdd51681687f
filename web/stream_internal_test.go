package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/live"
)

// TestStreamPumpNilAndClosed: the stream loop survives a nil event (in the
// backlog, first in the queue, or in the middle of a drained burst) and a
// queue closed by the hub while events are still buffered (a dropped
// watcher): it writes every event once, in order, and ends. Before, the
// drain loop read e.ID of what it received without checking it.
func TestStreamPumpNilAndClosed(t *testing.T) {
	ev := func(id int64) *live.Event {
		return &live.Event{ID: id, Topic: "lot:1", Kind: "bid", Data: []byte(`{}`)}
	}
	cases := []struct {
		name    string
		backlog []*live.Event
		queue   []*live.Event
		last    int64
		want    string
	}{
		{"nil in the backlog", []*live.Event{ev(1), nil, ev(2)}, nil, 0, "1 2"},
		{"nil first in the queue", nil, []*live.Event{nil, ev(5), ev(6)}, 0, "5 6"},
		{"nil in a burst", []*live.Event{ev(1)}, []*live.Event{ev(2), nil, ev(3), nil}, 0, "1 2 3"},
		{"closed with a burst queued", nil, []*live.Event{ev(4), ev(5), ev(6)}, 4, "5 6"},
		{"duplicates of the backlog", []*live.Event{ev(7), ev(8)}, []*live.Event{ev(8), ev(7), ev(9)}, 0, "7 8 9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := make(chan *live.Event, len(c.queue)+1)
			for _, e := range c.queue {
				ch <- e
			}
			close(ch) // the hub dropped the watcher
			rec := httptest.NewRecorder()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/lots/1/stream", nil)
			done := make(chan any, 1)
			go func() {
				defer func() { done <- recover() }()
				(&Server{}).pump(&Call{Context: ctx, R: req, W: rec}, http.NewResponseController(rec), c.backlog, ch, c.last)
			}()
			select {
			case p := <-done:
				if p != nil {
					t.Fatalf("stream loop panicked: %v", p)
				}
			case <-ctx.Done():
				t.Fatal("stream loop did not end on a closed queue")
			}
			var ids []string
			for _, line := range strings.Split(rec.Body.String(), "\n") {
				if id, ok := strings.CutPrefix(line, "id: "); ok {
					ids = append(ids, id)
				}
			}
			if got := strings.Join(ids, " "); got != c.want {
				t.Fatalf("events %q, want %q", got, c.want)
			}
		})
	}
}

// TestResumeFrom: a watcher resumes from the Last-Event-ID header, else
// from the "after" query parameter or its former name "last_event_id";
// each is parsed strictly and a malformed one is refused naming itself.
func TestResumeFrom(t *testing.T) {
	cases := []struct {
		query, header string
		last          int64
		resume        bool
		bad           string
	}{
		{"", "", 0, false, ""},
		{"after=7", "", 7, true, ""},
		{"last_event_id=8", "", 8, true, ""},
		{"after=7&last_event_id=8", "", 7, true, ""},
		{"after=7", "9", 9, true, ""},
		{"after=-1", "", 0, false, "after"},
		{"last_event_id=x", "", 0, false, "last_event_id"},
		{"after=7", "x", 0, false, "Last-Event-ID"},
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", "/api/v1/missions/1/stream?"+c.query, nil)
		if c.header != "" {
			req.Header.Set("Last-Event-ID", c.header)
		}
		last, resume, err := resumeFrom(req)
		if c.bad != "" {
			if e, ok := err.(*niaga.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != c.bad {
				t.Errorf("%q %q: %v, want a refusal naming %s", c.query, c.header, err, c.bad)
			}
			continue
		}
		if err != nil || last != c.last || resume != c.resume {
			t.Errorf("%q %q: %d %v %v, want %d %v", c.query, c.header, last, resume, err, c.last, c.resume)
		}
	}
}

// TestStreamHeartbeatEvent: a watcher that asks for it (?heartbeat=1, the
// live pages) hears the heartbeat as a "ping" event, which a page can see;
// others get the comment, as before.
func TestStreamHeartbeatEvent(t *testing.T) {
	defer func(d time.Duration) { streamHeartbeat = d }(streamHeartbeat)
	streamHeartbeat = 20 * time.Millisecond
	for _, c := range []struct{ query, want, not string }{
		{"?heartbeat=1", "event: ping\ndata: {}\n\n", "\n: ping"},
		{"", ": ping\n\n", "event: ping"},
	} {
		rec := httptest.NewRecorder()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		req := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/lots/1/stream"+c.query, nil)
		(&Server{}).pump(&Call{Context: ctx, R: req, W: rec}, http.NewResponseController(rec), nil, make(chan *live.Event), 0)
		cancel()
		if body := rec.Body.String(); !strings.Contains(body, c.want) || strings.Contains(body, c.not) {
			t.Errorf("%q: stream %q", c.query, body)
		}
	}
}
