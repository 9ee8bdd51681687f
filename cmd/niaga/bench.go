package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"time"

	"niaga/demo"
	"niaga/loadtest"
)

const benchUsage = `niaga bench — load the API of a running server and report one JSON line per scenario

Usage:
  niaga bench SCENARIO[,SCENARIO…|all] --target http://127.0.0.1:8080 [flags]
  niaga bench serve --pprof 127.0.0.1:6060 [serve flags]   serve with a loopback profiler (demo: same, fresh demo data)

Scenarios: ceiling, bids-spread, bids-hot, deals, watchers ("all" runs them in this order;
each later result carries ceiling_ratio, its requests/s over the ceiling's).

Flags:
  --target URL      the server (NIAGA_BENCH_TARGET, default http://127.0.0.1:8080)
  --conns C         concurrent keep-alive connections (default 64)
  --duration D      measured time per scenario (default 10s), after --warmup (default 1s)
  --lots N          lots of the bids-spread market (default 1000)
  --buyers M        verified buyers with deposits (default 200; the server allows one user 100 bids/s)
  --watchers W      SSE watchers (watchers: default 1000; deals: live boards, default 20)
  --rate R          events per second in the watchers scenario (default 100)
  --admin, --password   an admin account (default: the demo admin)
  --server-pid PID  the server's process on this machine: adds its CPU and memory to the report
  --server-pprof URL  the server's profiler (niaga bench serve --pprof): watchers adds Go memory per watcher
`

// benchCmd runs the load tool, or a server with a profiler for it.
func benchCmd(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "serve" || args[0] == "demo") {
		return benchServe(ctx, args[0], args[1:])
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "help" {
		fmt.Print(benchUsage)
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			return nil
		}
		return errors.New("bench: name a scenario first")
	}
	names := strings.Split(args[0], ",")
	if args[0] == "all" {
		names = loadtest.Scenarios
	}
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, benchUsage) }
	var cfg loadtest.Config
	fs.StringVar(&cfg.Target, "target", env("BENCH_TARGET", "http://127.0.0.1:8080"), "server URL")
	fs.IntVar(&cfg.Conns, "conns", 64, "concurrent connections")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured time per scenario")
	fs.DurationVar(&cfg.Warmup, "warmup", time.Second, "unmeasured time before each scenario")
	fs.IntVar(&cfg.Lots, "lots", 1000, "lots of the bids-spread market")
	fs.IntVar(&cfg.Buyers, "buyers", 200, "verified buyers")
	fs.IntVar(&cfg.Watchers, "watchers", 0, "SSE watchers")
	fs.Float64Var(&cfg.Rate, "rate", 100, "events per second (watchers)")
	fs.StringVar(&cfg.Admin, "admin", demo.Admin, "admin email")
	fs.StringVar(&cfg.Password, "password", env("BENCH_PASSWORD", demo.Password), "admin password (or NIAGA_BENCH_PASSWORD)")
	fs.IntVar(&cfg.ServerPID, "server-pid", 0, "server process id (optional)")
	fs.StringVar(&cfg.ServerPprof, "server-pprof", "", "the server's profiler URL, e.g. http://127.0.0.1:6060 (optional)")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected arguments %q", fs.Args())
	}
	if cfg.Warmup == 0 {
		cfg.Warmup = -1 // explicitly none
	}
	if !*quiet {
		cfg.Log = func(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }
	}
	r, err := loadtest.New(cfg)
	if err != nil {
		return err
	}
	defer r.Close()
	for _, name := range names {
		res, err := r.Run(ctx, strings.TrimSpace(name))
		if err != nil {
			return err
		}
		fmt.Println(res.JSON())
	}
	return nil
}

// benchServe runs "niaga serve" (or demo) with a CPU/heap profiler on a
// loopback address, for profiling under load. The profiler has its own
// listener and mux; plain "niaga serve" never exposes it.
func benchServe(ctx context.Context, mode string, args []string) error {
	var addr string
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--pprof" || a == "-pprof":
			if i+1 >= len(args) {
				return errors.New("--pprof needs an address")
			}
			addr = args[i+1]
			i++
		case strings.HasPrefix(a, "--pprof=") || strings.HasPrefix(a, "-pprof="):
			addr = a[strings.IndexByte(a, '=')+1:]
		default:
			rest = append(rest, a)
		}
	}
	if addr == "" {
		return errors.New("bench " + mode + ": give --pprof 127.0.0.1:PORT (or use niaga " + mode + ")")
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--pprof must listen on a loopback address, not %q", host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ps := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := ps.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "niaga: profiler: %v\n", err)
		}
	}()
	defer closeLogged(ps, "profiler")
	fmt.Fprintf(os.Stderr, "niaga: profiler on http://%s/debug/pprof/\n", ln.Addr())
	return serve(ctx, rest, mode == "demo")
}
