// Package loadtest drives a running niaga server over HTTP and measures it:
// it sets up its own data through the public API (a market with lots,
// verified buyers with deposits, a mission open now with participants),
// then runs one scenario from C keep-alive connections for a fixed time and
// reports one JSON line: throughput, committed writes, errors by status,
// latency percentiles and, for event-stream watchers, the delay from the
// server's commit to the watcher's receipt.
//
// Scenarios:
//
//	ceiling      GET /healthz: the HTTP ceiling of this machine with this client
//	bids-spread  english proxy bids spread over N lots
//	bids-hot     every connection bidding on one lot in its soft-close window
//	deals        the mission desk recording deals while W live boards watch
//	watchers     W SSE watchers on one lot while bids flow at R events/s
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// Scenarios lists the scenario names in the order "all" runs them: the
// ceiling first, so the others can be given as a ratio of it.
var Scenarios = []string{"ceiling", "bids-spread", "bids-hot", "deals", "watchers"}

// Config describes a run.
type Config struct {
	Target   string        // base URL, e.g. http://127.0.0.1:8080
	Conns    int           // concurrent keep-alive connections (default 64)
	Duration time.Duration // measured time per scenario (default 10 s)
	Warmup   time.Duration // unmeasured time before it (default 1 s, at most Duration/5)
	Lots     int           // lots of the bids-spread market (default 1000)
	Buyers   int           // verified buyers with deposits (default 200)
	Watchers int           // SSE watchers (default 1000 for watchers, 20 boards for deals)
	Rate     float64       // events per second in the watchers scenario (default 100)

	Admin, Password string // an admin account (default: the demo admin)

	// ServerPID, when the server runs on this machine, lets the report
	// include the server's CPU and resident memory (Linux /proc).
	ServerPID int
	// ServerPprof is the server's profiler (niaga bench serve --pprof):
	// the watchers scenario reads the Go heap and stacks there, after a
	// collection, before and after connecting the watchers.
	ServerPprof string
	// Log receives progress lines (setup steps); nil is silent.
	Log func(format string, args ...any)

	hosts []string // host:port of every target instance
}

func (c *Config) defaults() error {
	if c.Target == "" {
		return errors.New("a --target URL is required")
	}
	// Several instances: --target a,b,c. Setup goes to the first; the
	// measured connections are spread over all of them (connection i
	// talks to instance i mod n), as a load balancer would.
	targets := strings.Split(c.Target, ",")
	c.Target = targets[0]
	c.hosts = nil
	for _, t := range targets {
		u, err := url.Parse(strings.TrimRight(t, "/"))
		if err != nil || u.Host == "" {
			return fmt.Errorf("--target must be http:// URLs, got %q", t)
		}
		c.hosts = append(c.hosts, u.Host)
	}
	u, err := url.Parse(c.Target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--target must be an http:// URL, got %q", c.Target)
	}
	c.Target = strings.TrimRight(c.Target, "/")
	if c.Conns <= 0 {
		c.Conns = 64
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	} else if c.Warmup == 0 {
		c.Warmup = time.Second
	}
	c.Warmup = min(c.Warmup, c.Duration/5)
	if c.Lots <= 0 {
		c.Lots = 1000
	}
	if c.Buyers <= 0 {
		c.Buyers = 200
	}
	if c.Rate <= 0 {
		c.Rate = 100
	}
	if c.Admin == "" {
		c.Admin = "admin@niaga.id"
	}
	if c.Password == "" {
		c.Password = "niaga-demo-2026"
	}
	if c.Log == nil {
		c.Log = func(string, ...any) {}
	}
	return nil
}

// Result is one scenario's report, printed as one JSON line.
type Result struct {
	Scenario     string           `json:"scenario"`
	Target       string           `json:"target"`
	Engine       string           `json:"engine,omitempty"`
	Conns        int              `json:"conns"`
	DurationS    float64          `json:"duration_s"`
	Requests     int64            `json:"requests"`
	RequestsPerS float64          `json:"requests_per_s"`
	Writes       int64            `json:"writes"`
	WritesPerS   float64          `json:"writes_per_s"`
	Errors       map[string]int64 `json:"errors"`                // by HTTP status ("net" for transport errors)
	ErrorCodes   map[string]int64 `json:"error_codes,omitempty"` // by problem code
	P50ms        float64          `json:"p50_ms"`
	P90ms        float64          `json:"p90_ms"`
	P99ms        float64          `json:"p99_ms"`
	MaxMs        float64          `json:"max_ms"`
	// CeilingRatio is requests_per_s over the ceiling scenario's of the
	// same run (present when the ceiling ran first).
	CeilingRatio       float64 `json:"ceiling_ratio,omitempty"`
	WritesCeilingRatio float64 `json:"writes_ceiling_ratio,omitempty"`
	// CPUCeilingRatio is the ceiling's CPU per request (client and server)
	// over this scenario's: the same comparison, but by cost, so it holds
	// when other processes take CPU between the two runs (needs
	// --server-pid).
	CPUCeilingRatio float64 `json:"cpu_ceiling_ratio,omitempty"`

	Lots     int     `json:"lots,omitempty"`
	Buyers   int     `json:"buyers,omitempty"`
	Watchers int     `json:"watchers,omitempty"`
	Rate     float64 `json:"rate,omitempty"`

	Events          int64   `json:"events,omitempty"`     // committed events published while watched
	Deliveries      int64   `json:"deliveries,omitempty"` // live frames received by all watchers
	DeliveriesPerS  float64 `json:"deliveries_per_s,omitempty"`
	Missed          int64   `json:"missed,omitempty"` // expected live deliveries that never came (or came from the backlog)
	Reconnects      int64   `json:"reconnects,omitempty"`
	DeliveryP50ms   float64 `json:"delivery_p50_ms,omitempty"` // server commit → watcher receipt
	DeliveryP99ms   float64 `json:"delivery_p99_ms,omitempty"`
	DeliveryMaxMs   float64 `json:"delivery_max_ms,omitempty"`
	BoardFetches    int64   `json:"board_fetches,omitempty"` // summary refreshes of the deals scenario's boards
	SetupS          float64 `json:"setup_s"`
	ClientCPUCores  float64 `json:"client_cpu_cores"`  // CPU used by this load tool, in cores
	ClientCPUShare  float64 `json:"client_cpu_share"`  // … as a share of the machine (nproc)
	MachineCPUCores float64 `json:"machine_cpu_cores"` // CPU busy on the whole machine, in cores
	NumCPU          int     `json:"nproc"`
	LoadAvg         string  `json:"loadavg,omitempty"` // 1-minute load average before the run
	ServerCPUCores  float64 `json:"server_cpu_cores,omitempty"`
	// CPU per request is steadier than throughput on a shared machine.
	ClientCPUPerReq    float64 `json:"client_cpu_us_per_req,omitempty"`
	ServerCPUPerReq    float64 `json:"server_cpu_us_per_req,omitempty"`
	ServerRSSMB        float64 `json:"server_rss_mb,omitempty"`
	ServerKBPerWatcher float64 `json:"server_kb_per_watcher,omitempty"` // RSS growth from connecting the watchers
	// ServerHeapKBPerWatcher is the growth of the server's Go heap and
	// stacks (after a collection) per connected watcher.
	ServerHeapKBPerWatcher float64 `json:"server_heap_kb_per_watcher,omitempty"`
}

// JSON is the result as one line.
func (r *Result) JSON() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// Runner runs scenarios against one target, reusing the data it set up.
type Runner struct {
	cfg        Config
	hc         *http.Client // setup, event streams, profiler: not measured
	targets    []target     // the measured loops' clients, one per host
	fx         *fixture
	ceiling    float64 // requests/s of the last ceiling run
	ceilingCPU float64 // its client + server CPU µs per request
	engine     string
}

// New checks the config and builds the client.
func New(cfg Config) (*Runner, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, hc: newClient(cfg.Conns)}
	tls := strings.HasPrefix(cfg.Target, "https:")
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	for _, h := range cfg.hosts {
		r.targets = append(r.targets, target{base: scheme + h, hc: newHostClient(h, tls, cfg.Conns)})
	}
	return r, nil
}

// Close releases idle connections.
func (r *Runner) Close() {
	r.hc.CloseIdleConnections()
	for _, t := range r.targets {
		t.hc.CloseIdleConnections()
	}
}

// target is one target instance of the measured loops.
type target struct {
	base string // scheme://host:port
	hc   *fasthttp.HostClient
}

// newHostClient is the measured loops' client for one host: fasthttp,
// which reuses its buffers and allocates nothing per request in the steady
// state, so the load generator takes as little as possible of the CPU it
// shares with the server. Every worker keeps its own keep-alive connection;
// the extra connections are for the deals scenario's board refreshes.
func newHostClient(host string, tls bool, conns int) *fasthttp.HostClient {
	return &fasthttp.HostClient{
		Addr:                     host,
		IsTLS:                    tls,
		NoDefaultUserAgentHeader: true,
		DisablePathNormalizing:   true,
		MaxConns:                 conns + 64,
		MaxConnWaitTimeout:       30 * time.Second,
		MaxIdleConnDuration:      90 * time.Second,
		ReadTimeout:              30 * time.Second,
		WriteTimeout:             30 * time.Second,
		ReadBufferSize:           8 << 10,
		WriteBufferSize:          4 << 10,
	}
}

// newClient is the keep-alive net/http client of the unmeasured requests
// (setup, event streams, the server's profiler).
func newClient(conns int) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          conns + 64,
		MaxIdleConnsPerHost:   conns + 64,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     false,
		ResponseHeaderTimeout: 30 * time.Second,
		WriteBufferSize:       4 << 10,
		ReadBufferSize:        8 << 10,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// Run runs one scenario and returns its result.
func (r *Runner) Run(ctx context.Context, scenario string) (*Result, error) {
	if r.engine == "" {
		var ready struct {
			Engine string `json:"engine"`
		}
		if err := r.api().do(ctx, "GET", "/readyz", "", nil, &ready); err != nil {
			return nil, fmt.Errorf("target not ready: %w", err)
		}
		r.engine = ready.Engine
	}
	res := &Result{Scenario: scenario, Target: r.cfg.Target, Engine: r.engine, Conns: r.cfg.Conns, NumCPU: runtime.NumCPU(),
		Errors: map[string]int64{}, LoadAvg: loadAvg()}
	setupStart := time.Now()
	var err error
	switch scenario {
	case "ceiling":
		err = r.ceilingRun(ctx, res, setupStart)
	case "bids-spread":
		err = r.bidsSpread(ctx, res, setupStart)
	case "bids-hot":
		err = r.bidsHot(ctx, res, setupStart)
	case "deals":
		err = r.deals(ctx, res, setupStart)
	case "watchers":
		err = r.watchers(ctx, res, setupStart)
	default:
		return nil, fmt.Errorf("unknown scenario %q (one of %s, or all)", scenario, strings.Join(Scenarios, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", scenario, err)
	}
	if scenario == "ceiling" {
		r.ceiling = res.RequestsPerS
		r.ceilingCPU = res.ClientCPUPerReq + res.ServerCPUPerReq
	} else if r.ceiling > 0 {
		res.CeilingRatio = round(res.RequestsPerS/r.ceiling, 4)
		res.WritesCeilingRatio = round(res.WritesPerS/r.ceiling, 4)
		if cost := res.ClientCPUPerReq + res.ServerCPUPerReq; r.ceilingCPU > 0 && res.ServerCPUPerReq > 0 && cost > 0 {
			res.CPUCeilingRatio = round(r.ceilingCPU/cost, 4)
		}
	}
	return res, nil
}

// meter samples CPU use around the measured window.
type meter struct {
	start       time.Time
	self        time.Duration
	busy, total uint64
	server      time.Duration
	serverPID   int
}

func startMeter(serverPID int) *meter {
	m := &meter{start: time.Now(), self: selfCPU(), serverPID: serverPID}
	m.busy, m.total = machineCPU()
	if serverPID > 0 {
		m.server = procCPU(serverPID)
	}
	return m
}

func (m *meter) stop(res *Result) {
	wall := time.Since(m.start).Seconds()
	if wall <= 0 {
		return
	}
	self := selfCPU() - m.self
	res.ClientCPUCores = round(self.Seconds()/wall, 3)
	if res.Requests > 0 {
		res.ClientCPUPerReq = round(float64(self.Microseconds())/float64(res.Requests), 1)
	}
	res.ClientCPUShare = round(res.ClientCPUCores/float64(runtime.NumCPU()), 3)
	if busy, total := machineCPU(); total > m.total {
		res.MachineCPUCores = round(float64(busy-m.busy)/float64(total-m.total)*float64(runtime.NumCPU()), 3)
	}
	if m.serverPID > 0 {
		srv := procCPU(m.serverPID) - m.server
		res.ServerCPUCores = round(srv.Seconds()/wall, 3)
		if res.Requests > 0 {
			res.ServerCPUPerReq = round(float64(srv.Microseconds())/float64(res.Requests), 1)
		}
		res.ServerRSSMB = round(float64(procRSS(m.serverPID))/(1<<20), 1)
	}
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU reads the busy and total jiffies of all CPUs (Linux).
func machineCPU() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0
	}
	for i, s := range f[1:] {
		v, _ := strconv.ParseUint(s, 10, 64)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

// procCPU is a process's user+system CPU time (Linux, 100 ticks/s).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// procRSS is a process's resident memory in bytes (Linux).
func procRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func round(v float64, digits int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow10(digits)
	return math.Round(v*p) / p
}

// tally is one worker's counts; workers merge theirs at the end, so the
// hot path takes no lock.
type tally struct {
	lat      []time.Duration
	requests int64
	writes   int64
	status   map[int]int64
	codes    map[string]int64
	netErrs  int64
}

// record counts one answered request (status 0: a network error).
func (t *tally) record(lat time.Duration, status int, code string, wrote bool) {
	t.lat = append(t.lat, lat)
	t.requests++
	if status == 0 {
		t.netErrs++
		return
	}
	t.status[status]++
	if code != "" {
		t.codes[code]++
	}
	if wrote {
		t.writes++
	}
}

func newTally() *tally { return &tally{status: map[int]int64{}, codes: map[string]int64{}} }

func (t *tally) add(o *tally) {
	t.lat = append(t.lat, o.lat...)
	t.requests += o.requests
	t.writes += o.writes
	t.netErrs += o.netErrs
	for k, v := range o.status {
		t.status[k] += v
	}
	for k, v := range o.codes {
		t.codes[k] += v
	}
}

// fill writes the tally into res for a measured window of wall time.
func (t *tally) fill(res *Result, wall time.Duration) {
	s := wall.Seconds()
	res.DurationS = round(s, 3)
	res.Requests, res.Writes = t.requests, t.writes
	res.RequestsPerS = round(float64(t.requests)/s, 1)
	res.WritesPerS = round(float64(t.writes)/s, 1)
	for st, n := range t.status {
		if st >= 300 {
			res.Errors[strconv.Itoa(st)] += n
		}
	}
	if t.netErrs > 0 {
		res.Errors["net"] += t.netErrs
	}
	if len(t.codes) > 0 {
		res.ErrorCodes = t.codes
	}
	res.P50ms, res.P90ms, res.P99ms, res.MaxMs = percentiles(t.lat)
}

// percentiles returns p50, p90, p99 and max in milliseconds.
func percentiles(d []time.Duration) (p50, p90, p99, mx float64) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(d)))) - 1
		i = max(0, min(i, len(d)-1))
		return round(float64(d[i])/float64(time.Millisecond), 3)
	}
	return at(0.50), at(0.90), at(0.99), at(1)
}

// op is one request of a closed-loop worker: it returns the HTTP status
// (0 for a transport error), the problem code of a refusal, and whether a
// write was committed.
type op func(ctx context.Context, w *worker) (status int, code string, wrote bool)

// worker is one closed-loop connection's state; its request and response
// are reused from one request to the next.
type worker struct {
	id   int
	rng  uint64
	buf  []byte // the last answer's body
	body []byte // scratch for the next request's body
	uri  []byte // scratch for the next request's URI
	req  fasthttp.Request
	resp fasthttp.Response
}

// next is a fast per-worker pseudo-random number (splitmix64).
func (w *worker) next() uint64 {
	w.rng += 0x9e3779b97f4a7c15
	z := w.rng
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// closedLoop runs conns workers, each sending its next request as soon as
// the previous one answered, for warmup + duration; only the requests that
// start after the warmup are measured.
func (r *Runner) closedLoop(ctx context.Context, res *Result, conns int, fn op) {
	warmEnd := time.Now().Add(r.cfg.Warmup)
	end := warmEnd.Add(r.cfg.Duration)
	tallies := make([]*tally, conns)
	var wg sync.WaitGroup
	var m *meter
	var mOnce sync.Once
	startMeasuring := func() { mOnce.Do(func() { m = startMeter(r.cfg.ServerPID) }) }
	if r.cfg.Warmup == 0 {
		startMeasuring()
	}
	time.AfterFunc(time.Until(warmEnd), startMeasuring)
	for i := range conns {
		t := newTally()
		t.lat = make([]time.Duration, 0, 4096)
		tallies[i] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{id: i, rng: uint64(i)*7919 + uint64(time.Now().UnixNano()), buf: make([]byte, 0, 4096)}
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				status, code, wrote := fn(ctx, w)
				if !t0.Before(warmEnd) {
					t.record(time.Since(t0), status, code, wrote)
				}
			}
		}()
	}
	wg.Wait()
	startMeasuring()
	wall := time.Since(warmEnd)
	total := newTally()
	for _, t := range tallies {
		total.add(t)
	}
	total.fill(res, wall)
	m.stop(res)
}

// request sends one request to the worker's host (worker i talks to host
// i mod n) and copies the whole answer into w.buf. The status is 0 when the
// request failed before an answer (network error, timeout, cancelled run).
// body must stay unchanged until request returns.
func (r *Runner) request(ctx context.Context, w *worker, method, path, auth string, body []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	t := &r.targets[w.id%len(r.targets)]
	req, resp := &w.req, &w.resp
	req.Reset()
	req.Header.SetMethod(method)
	w.uri = append(append(w.uri[:0], t.base...), path...)
	req.SetRequestURIBytes(w.uri) // the Host header is taken from it
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(body)
	}
	if err := t.hc.Do(req, resp); err != nil {
		return 0, err
	}
	w.buf = append(w.buf[:0], resp.Body()...)
	return resp.StatusCode(), nil
}

// problemCode extracts "code" from a problem+json body without a full decode.
func problemCode(body []byte) string {
	var p struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(body, &p) == nil && p.Code != "" {
		return p.Code
	}
	return ""
}

// serverMem reads the Go heap in use plus goroutine stacks of the server
// from its profiler, after a collection (gc=1).
func (r *Runner) serverMem(ctx context.Context) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(r.cfg.ServerPprof, "/")+"/debug/pprof/heap?gc=1&debug=1", nil)
	if err != nil {
		return 0, err
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close() //nolint:errcheck // read side
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, line := range strings.Split(string(b), "\n") {
		for _, k := range []string{"# HeapInuse = ", "# StackInuse = "} {
			if v, ok := strings.CutPrefix(line, k); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				total += n
			}
		}
	}
	if total == 0 {
		return 0, fmt.Errorf("no memory statistics at %s", r.cfg.ServerPprof)
	}
	return total, nil
}
