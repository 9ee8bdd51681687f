// Package web is Niaga's HTTP face: the JSON API under /api/v1, its
// OpenAPI document, server-sent event streams and the pages.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/files"
	"niaga/live"
	"niaga/store"
)

// Config wires a Server.
type Config struct {
	DB     *store.DB
	Logger *slog.Logger
	// Hub fans events out to this instance's watchers (a new one when nil).
	Hub *live.Hub
	// Replica, when set, serves reports and price history (a PostgreSQL
	// read replica); everything that must read its own writes uses DB.
	Replica *store.DB
	// SecureCookies sets the Secure flag (behind TLS).
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (see ParseTrustedProxies); without them the client address
	// is the direct peer.
	TrustedProxies []netip.Prefix
	// PublicURL is where users reach the site (scheme, host and port, no
	// trailing slash), for links in mail; http://localhost:8080 when empty.
	PublicURL string
	// Files keeps uploaded documents outside the database; a directory
	// under the system's temporary one when nil (tests, trying it out).
	Files *files.Dir
}

// Server holds the routes and what handlers need. It keeps no state that
// correctness depends on: caches and rate-limit buckets are safe to lose.
type Server struct {
	db      *store.DB
	ro      *store.DB // reports and price history: the replica, or db
	hub     *live.Hub
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []*Route
	secure  bool
	trusted []netip.Prefix

	loginIP  *auth.Limiter
	bidLimit *auth.Limiter

	background []func(context.Context)

	// streams counts open event streams per client address and user.
	streams *streamLimits

	openapiOnce sync.Once
	openapi     []byte
	publicURL   string     // for links in mail
	files       *files.Dir // uploaded documents
}

// New builds the server and registers every route.
func New(cfg Config) *Server {
	s := &Server{
		db:        cfg.DB,
		log:       cfg.Logger,
		mux:       http.NewServeMux(),
		secure:    cfg.SecureCookies,
		trusted:   cfg.TrustedProxies,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		loginIP:   auth.NewLimiter(loginIPEvery, 20),
		// One bucket per user for bids from the API and the lot page alike.
		bidLimit: auth.NewLimiter(10*time.Millisecond, 200), // per user: 100 bids/s sustained
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.files = cfg.Files
	if s.files == nil {
		dir, err := files.Open(filepath.Join(os.TempDir(), "niaga-files"))
		if err != nil {
			panic("web: no directory for uploaded files: " + err.Error())
		}
		s.files = dir
	}
	if s.publicURL == "" {
		s.publicURL = "http://localhost:8080"
	}
	s.ro = cfg.Replica
	if s.ro == nil {
		s.ro = s.db
	}
	s.hub = cfg.Hub
	if s.hub == nil {
		s.hub = live.NewHub()
	}
	s.db.SetHub(s.hub)
	s.streams = newStreamLimits()
	s.background = append(s.background, s.db.Listen, s.notifyLoop)
	s.routeAPI()
	s.routePages()
	return s
}

// routeAPI registers every API operation (and so the OpenAPI document).
func (s *Server) routeAPI() {
	s.routeSystem()
	s.routeAccounts()
	s.handleAll(passwordResetRoutes())
	s.handleAll(signUpRoutes())
	s.handleAll(notifyRoutes())
	s.routeAuction()
	s.routeMissions()
	s.routeReports()
}

// Routes returns the registered API routes (for the OpenAPI document and
// the authorization matrix test).
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	for i, r := range s.routes {
		out[i] = *r
	}
	return out
}

// Handler returns the server's handler with its middleware.
func (s *Server) Handler() http.Handler {
	// CSRF: refuses cross-site unsafe requests from browsers. The API's
	// refusal is a problem document, as its every answer is documented to be.
	pages, api := http.NewCrossOriginProtection(), http.NewCrossOriginProtection()
	api.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, niaga.Errorf(niaga.CodeForbidden, "cross-origin request refused"))
	}))
	pagesH, apiH := pages.Handler(s.mux), api.Handler(s.mux)
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			apiH.ServeHTTP(w, r)
			return
		}
		pagesH.ServeHTTP(w, r)
	})
	h = securityHeaders(h)
	h = s.recoverer(h)
	h = s.accessLog(h)
	h = s.withClientIP(h)
	return h
}

func (s *Server) routeSystem() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := s.db.Ping(r.Context()); err != nil {
			s.problem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "engine": string(s.db.Engine)})
	})
	openapi := Route{Method: "GET", Path: "/api/v1/openapi.json", ID: "openapi", Summary: "This OpenAPI document", Tag: "system", Policy: &Public, Produces: "application/json",
		Doc: "The OpenAPI 3.1 document of this API, generated from the route table that serves it."}
	openapi.out = reflect.TypeFor[map[string]any]()
	HandleRaw(s, openapi, func(c *Call) error {
		c.W.Header().Set("Content-Type", "application/json")
		c.W.Write(s.OpenAPI())
		return nil
	})
	// Unknown API paths answer in problem+json too.
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, niaga.Errorf(niaga.CodeNotFound, "no such API path"))
	})
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLogUser
)

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

func setLogUser(r *http.Request, id int64) {
	if p, ok := r.Context().Value(keyLogUser).(*int64); ok {
		*p = id
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines (SSE).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog gives every request an id and logs it when done.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		var user int64
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		ctx = context.WithValue(ctx, keyLogUser, &user)
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		s.log.LogAttrs(ctx, slog.LevelInfo, "http", slog.String("request_id", id), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Int64("user", user), slog.Duration("dur", time.Since(start)))
	})
}

// recoverer turns a panic into a 500 problem and a log line; input never
// should cause one, and a bug must not take the process down.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", requestID(r), "panic", v)
				s.problem(w, r, niaga.Errorf(niaga.CodeInternal, "panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "en" || c.Value == "id") {
		return c.Value
	}
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	if strings.HasPrefix(al, "en") {
		return "en"
	}
	return "id"
}

// RunBackground runs the work every instance does besides serving requests
// (closing ended auctions, expiring meeting requests) until ctx ends. Each
// task is idempotent and safe on any number of instances at once.
func (s *Server) RunBackground(ctx context.Context) {
	var wg sync.WaitGroup
	for _, task := range s.background {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task(ctx)
		}()
	}
	wg.Wait()
}
