package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"niaga/demo"
	"niaga/web"
)

// streamClient opens event streams and keeps them open.
type streamClient struct {
	t      *testing.T
	e      *env
	client *http.Client
}

func newStreamClient(t *testing.T, e *env) *streamClient {
	tr := &http.Transport{MaxIdleConnsPerHost: -1}
	t.Cleanup(tr.CloseIdleConnections)
	return &streamClient{t: t, e: e, client: &http.Client{Transport: tr}}
}

// open starts a stream; a 200 comes back with its body open (the caller
// closes it), any other status with the body read.
func (sc *streamClient) open(ctx context.Context, path, token string, headers ...string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", sc.e.URL+path, nil)
	if err != nil {
		return nil, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := sc.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	if res.StatusCode == http.StatusOK {
		return res, nil, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b, nil
}

// mustOpen opens a stream that must be accepted.
func (sc *streamClient) mustOpen(ctx context.Context, path, token string) *http.Response {
	sc.t.Helper()
	res, b, err := sc.open(ctx, path, token)
	if err != nil {
		sc.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		sc.t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return res
}

// mustRefuse opens a stream that must be refused with 429 problem+json
// and a Retry-After.
func (sc *streamClient) mustRefuse(ctx context.Context, path, token string) {
	sc.t.Helper()
	res, b, err := sc.open(ctx, path, token)
	if err != nil {
		sc.t.Fatal(err)
	}
	if res.StatusCode == http.StatusOK {
		res.Body.Close()
	}
	sc.e.checkProblem("GET "+path, res, b, http.StatusTooManyRequests, "rate_limited")
	if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra <= 0 {
		sc.t.Fatalf("GET %s: Retry-After %q", path, res.Header.Get("Retry-After"))
	}
}

// eventually retries open until a stream is accepted: the server frees a
// slot when it notices that a client went.
func (sc *streamClient) eventually(ctx context.Context, path, token string) *http.Response {
	sc.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, _, err := sc.open(ctx, path, token)
		if err == nil && res.StatusCode == http.StatusOK {
			return res
		}
		if time.Now().After(deadline) {
			sc.t.Fatalf("GET %s: no slot freed after a stream closed (%v %v)", path, res.StatusCode, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStreamLimitPerAddress: an anonymous client opens streams from one
// address as fast as it can; past DefaultStreamsPerAddress every one is
// refused with 429 before it subscribes, and closing one frees a slot.
func TestStreamLimitPerAddress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		path := "/api/v1/missions/" + strconv.FormatInt(e.missionID(demo.MissionKalsel), 10) + "/stream"
		sc := newStreamClient(t, e)

		// 2 000 attempts, 64 at a time, as the reported client did.
		const attempts = 2000
		var okN, refused, other atomic.Int64
		var mu sync.Mutex
		var held []*http.Response
		sem := make(chan struct{}, 64)
		var wg sync.WaitGroup
		start := time.Now()
		for i := 0; i < attempts; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				res, _, err := sc.open(ctx, path, "")
				switch {
				case err != nil:
					other.Add(1)
				case res.StatusCode == http.StatusOK:
					okN.Add(1)
					mu.Lock()
					held = append(held, res)
					mu.Unlock()
				case res.StatusCode == http.StatusTooManyRequests:
					refused.Add(1)
				default:
					other.Add(1)
				}
			}()
		}
		wg.Wait()
		took := time.Since(start)
		t.Logf("%d stream requests from one address in %v: %d accepted, %d refused with 429, %d other", attempts, took.Round(time.Millisecond), okN.Load(), refused.Load(), other.Load())
		if okN.Load() != web.DefaultStreamsPerAddress || refused.Load() != attempts-web.DefaultStreamsPerAddress || other.Load() != 0 {
			t.Fatalf("accepted %d, refused %d, other %d; want %d accepted", okN.Load(), refused.Load(), other.Load(), web.DefaultStreamsPerAddress)
		}
		sc.mustRefuse(ctx, path, "")
		// A signed-in user from the same address counts against it too.
		sc.mustRefuse(ctx, path, e.token("pembeli@niaga.id"))

		// Closing one frees one slot.
		held[0].Body.Close()
		held[0] = sc.eventually(ctx, path, "")
		sc.mustRefuse(ctx, path, "")
		for _, res := range held {
			res.Body.Close()
		}
		// All closed: the address may open streams again.
		sc.eventually(ctx, path, "").Body.Close()
	})
}

// TestStreamLimitPerUser: a signed-in user holds at most
// DefaultStreamsPerUser streams wherever they come from; another user is
// not affected. A lower configured limit applies at once.
func TestStreamLimitPerUser(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		path := "/api/v1/missions/" + strconv.FormatInt(e.missionID(demo.MissionKalsel), 10) + "/stream"
		sc := newStreamClient(t, e)
		buyer, seller := e.token("pembeli@niaga.id"), e.token(demo.Admin)
		var held []*http.Response
		for i := 0; i < web.DefaultStreamsPerUser; i++ {
			held = append(held, sc.mustOpen(ctx, path, buyer))
		}
		sc.mustRefuse(ctx, path, buyer)
		other := sc.mustOpen(ctx, path, seller) // another user, same address
		anon := sc.mustOpen(ctx, path, "")
		held[0].Body.Close()
		held[0] = sc.eventually(ctx, path, buyer)
		sc.mustRefuse(ctx, path, buyer)
		for _, res := range append(held, other, anon) {
			res.Body.Close()
		}

		// Configured limits: 3 per address, 2 per user.
		e.Srv.LimitStreams(3, 2)
		a := sc.eventually(ctx, path, buyer)
		b := sc.mustOpen(ctx, path, buyer)
		sc.mustRefuse(ctx, path, buyer)
		c := sc.mustOpen(ctx, path, "")
		sc.mustRefuse(ctx, path, "")
		sc.mustRefuse(ctx, path, seller)
		for _, res := range []*http.Response{a, b, c} {
			res.Body.Close()
		}
		e.Srv.LimitStreams(web.DefaultStreamsPerAddress, web.DefaultStreamsPerUser)
	})
}

// TestStreamLastEventIDStrict: a malformed event id, in the Last-Event-ID
// header or the last_event_id parameter, is refused with 400 problem+json
// before any stream starts; it is never read as 0 (a replay of the topic's
// history).
func TestStreamLastEventIDStrict(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sc := newStreamClient(t, e)
		for _, path := range []string{
			"/api/v1/missions/" + strconv.FormatInt(e.missionID(demo.MissionKalsel), 10) + "/stream",
			"/api/v1/lots/1/stream",
		} {
			// (Spaces around a header value are not part of it in HTTP;
			// in the parameter they are checked below.)
			bad := []string{"abc", "-1", "+5", "1e3", "0x10", "1.0", "٣", "9223372036854775808",
				"99999999999999999999", strings.Repeat("1", 40), strings.Repeat("0", 20)}
			for _, v := range bad {
				res, b, err := sc.open(ctx, path, "", "Last-Event-ID", v)
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode == http.StatusOK {
					res.Body.Close()
				}
				p := e.checkProblem("Last-Event-ID "+strconv.Quote(v), res, b, 400, "invalid")
				if len(p.Errors) != 1 || p.Errors[0].Field != "Last-Event-ID" {
					t.Fatalf("Last-Event-ID %q: %+v", v, p)
				}
				res, b, err = sc.open(ctx, path+"?last_event_id="+url.QueryEscape(v), "")
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode == http.StatusOK {
					res.Body.Close()
				}
				p = e.checkProblem("last_event_id "+strconv.Quote(v), res, b, 400, "invalid")
				if len(p.Errors) != 1 || p.Errors[0].Field != "last_event_id" {
					t.Fatalf("last_event_id %q: %+v", v, p)
				}
			}
			for _, v := range []string{" 5", "5 ", "5\t"} {
				res, b, _ := sc.open(ctx, path+"?last_event_id="+url.QueryEscape(v), "")
				e.checkProblem("last_event_id "+strconv.Quote(v), res, b, 400, "invalid")
			}
			// A good header with a bad parameter is refused too.
			res, b, _ := sc.open(ctx, path+"?last_event_id=x", "", "Last-Event-ID", "3")
			e.checkProblem("both", res, b, 400, "invalid")
			// Good ones are accepted, the header first.
			for _, v := range []string{"0", "7", "9223372036854775807", "0000000000000000042"} {
				res, b, err := sc.open(ctx, path, "", "Last-Event-ID", v)
				if err != nil || res.StatusCode != 200 {
					t.Fatalf("Last-Event-ID %q: %v %v %s", v, err, res.StatusCode, b)
				}
				res.Body.Close()
				res, b, err = sc.open(ctx, path+"?last_event_id="+v, "")
				if err != nil || res.StatusCode != 200 {
					t.Fatalf("last_event_id %q: %v %v %s", v, err, res.StatusCode, b)
				}
				res.Body.Close()
			}
		}
	})
}
