package web_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"niaga/web"
)

// The conformance check (issue 15): every response a test server sends
// under /api/v1 is validated against the OpenAPI document that same server
// serves, with kin-openapi's openapi3filter — an implementation that is not
// ours, so a handler that drifts from its documented schema, status or
// content type fails the test that received the answer, on both engines.
//
// It sits in front of the server's handler rather than in the client
// helpers: streams, the authorization walk and other tests use their own
// clients, and a check on the server side sees every answer, before the
// client does, so that a test's figures are final when its request returns.

// apiSpec is a loaded, validated document and its router.
type apiSpec struct {
	raw    []byte // as served
	doc    *openapi3.T
	router routers.Router
}

// specs caches loaded documents by content: every env serves the same
// document, which takes a while to load and validate.
var specs sync.Map // [sha256.Size]byte → *apiSpec

// loadSpec loads a served document. kin-openapi v0.153 reads OpenAPI 3.1
// as it is (its openapi3filter validates 3.1 schemas with a JSON Schema
// 2020-12 validator), so the document needs no tweak.
func loadSpec(b []byte) (*apiSpec, error) {
	key := sha256.Sum256(b)
	if s, ok := specs.Load(key); ok {
		return s.(*apiSpec), nil
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	s := &apiSpec{raw: b, doc: doc, router: router}
	specs.Store(key, s)
	return s, nil
}

// errUndocumented marks a request to a path or method the document does
// not have (the server's catch-all answers those with a 404 problem).
var errUndocumented = errors.New("no such operation in the document")

// check validates one response to r. body is nil when it was not kept
// (streams and downloads: status, content type and headers only).
// It returns the operation the request matched.
func (s *apiSpec) check(r *http.Request, status int, h http.Header, body []byte) (string, error) {
	route, params, err := s.router.FindRoute(r)
	if err != nil {
		return "", errUndocumented
	}
	op := route.Operation.OperationID
	opts := &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: body == nil}
	opts.WithCustomSchemaErrorFunc(shortSchemaError)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 h,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		return op, err
	}
	// What openapi3filter leaves out: a body where none is documented, and
	// (when the body is not read) the content type.
	resp := route.Operation.Responses.Status(status)
	if resp == nil {
		resp = route.Operation.Responses.Default()
	}
	ct := h.Get("Content-Type")
	switch {
	case resp == nil || resp.Value == nil:
		return op, errors.New("status not documented")
	case len(resp.Value.Content) == 0:
		if len(body) > 0 || ct != "" {
			return op, fmt.Errorf("a body (%q) where the document declares none", ct)
		}
	case body == nil && resp.Value.Content.Get(ct) == nil:
		return op, fmt.Errorf("content type %q, documented %v", ct, slices.Sorted(maps.Keys(resp.Value.Content)))
	}
	// An operation that lists its client errors must list every one it
	// answers: a generated client switches on them, and `default` would
	// otherwise let any status through.
	if status >= 400 && status < 500 && route.Operation.Responses.Status(status) == nil {
		if listed := clientErrors(route.Operation); len(listed) > 0 {
			return op, fmt.Errorf("status %d is not among the operation's documented client errors %v", status, listed)
		}
	}
	return op, nil
}

// clientErrors are the 4xx statuses an operation documents explicitly.
func clientErrors(op *openapi3.Operation) []string {
	var out []string
	for code := range op.Responses.Map() {
		if strings.HasPrefix(code, "4") {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// shortSchemaError keeps a schema error to where and why: the JSON Schema
// 2020-12 validator's own message repeats the schema and the value.
func shortSchemaError(err *openapi3.SchemaError) string {
	reason := err.Reason
	if head, rest, ok := strings.Cut(reason, "\n"); ok && strings.HasPrefix(head, "jsonschema validation failed") {
		reason = strings.Join(strings.Fields(rest), " ") // the causes, without the validator's own schema URL
	}
	if p := err.JSONPointer(); len(p) > 0 && !strings.HasPrefix(reason, "error at") {
		return "at /" + strings.Join(p, "/") + ": " + reason
	}
	return reason
}

// conformance checks one test server's API answers and keeps the figures.
type conformance struct {
	report func(string) // t.Errorf of the test that owns the server

	mu        sync.Mutex
	spec      *apiSpec
	responses int            // answers validated
	ops       map[string]int // answers validated by operation id
	failures  []string       // one line per non-conforming answer
	spent     time.Duration  // validating
}

// describe says what was asked, what came back and why it does not conform.
func describe(r *http.Request, status int, err error) string {
	msg := err.Error()
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) {
		msg = re.Reason
		if re.Err != nil {
			msg += ": " + re.Err.Error()
		}
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	return fmt.Sprintf("%s %s → %d: %s", r.Method, r.URL.RequestURI(), status, msg)
}

// serve starts a test server for srv with every /api/v1 answer checked
// against the document srv serves, loaded once here. Failures are
// reported to t.
func serve(t *testing.T, srv *web.Server) (*httptest.Server, *conformance) {
	t.Helper()
	c := &conformance{report: func(s string) { t.Errorf("non-conforming answer: %s", s) }, ops: map[string]int{}}
	ts := httptest.NewServer(c.wrap(srv.Handler()))
	if err := c.load(ts.URL); err != nil {
		ts.Close()
		t.Fatalf("conformance: the served OpenAPI document: %v", err)
	}
	t.Cleanup(func() {
		if n, failed, ops := c.figures(); n > 0 {
			c.mu.Lock()
			spent := c.spent
			c.mu.Unlock()
			t.Logf("conformance: %d API answers validated over %d operations, %d non-conforming (%.2fs validating)", n, len(ops), len(failed), spent.Seconds())
		}
	})
	return ts, c
}

// load reads the document from the server itself.
func (c *conformance) load(url string) error {
	res, err := http.Get(url + "/api/v1/openapi.json")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	s, err := loadSpec(b)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.spec = s
	c.mu.Unlock()
	return nil
}

func (c *conformance) specLoaded() *apiSpec {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.spec
}

// record validates one answer and keeps the figures.
func (c *conformance) record(r *http.Request, status int, h http.Header, body []byte) {
	s := c.specLoaded()
	t0 := time.Now()
	op, err := s.check(r, status, h, body)
	if errors.Is(err, errUndocumented) {
		return
	}
	c.mu.Lock()
	c.spent += time.Since(t0)
	c.responses++
	c.ops[op]++
	var line string
	if err != nil {
		line = describe(r, status, err)
		c.failures = append(c.failures, op+" | "+line)
	}
	c.mu.Unlock()
	if err != nil {
		c.report(line)
	}
}

// figures returns the counts so far.
func (c *conformance) figures() (responses int, failures []string, ops map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.responses, slices.Clone(c.failures), maps.Clone(c.ops)
}

// wrap puts the check in front of next. A JSON (or not yet typed) answer
// is held until the handler returns, validated whole, then sent; a stream
// or download is validated on its status and headers as they go out, and
// its body is passed through unread.
func (c *conformance) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") || c.specLoaded() == nil {
			next.ServeHTTP(w, r)
			return
		}
		cw := &checkWriter{ResponseWriter: w, c: c, r: r}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// checkWriter is the ResponseWriter the handler sees.
type checkWriter struct {
	http.ResponseWriter
	c       *conformance
	r       *http.Request
	status  int         // 0 until the handler writes a header
	header  http.Header // as the header was written
	hold    bool        // holding the body to validate it whole
	body    []byte
	through bool // the header went out: the rest passes through
}

// isJSON reports whether a content type is JSON (application/json, +json).
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func (w *checkWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	if code >= 100 && code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
	w.header = w.Header().Clone()
	ct := w.header.Get("Content-Type")
	if ct == "" || isJSON(ct) {
		w.hold = true // typed once the body is known (net/http sniffs an untyped one)
		return
	}
	w.c.record(w.r, code, w.header, nil)
	w.through = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *checkWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.hold {
		w.body = append(w.body, b...)
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// FlushError flushes what passes through; a held answer goes out whole.
func (w *checkWriter) FlushError() error {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.hold {
		return nil
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach deadlines.
func (w *checkWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish validates a held answer and sends it as net/http would have.
func (w *checkWriter) finish() {
	if w.through {
		return
	}
	if w.status == 0 {
		w.status = http.StatusOK // the handler wrote nothing
		w.header = w.Header().Clone()
	}
	if w.header.Get("Content-Type") == "" && len(w.body) > 0 {
		w.header.Set("Content-Type", http.DetectContentType(w.body))
	}
	body := w.body
	if body == nil {
		body = []byte{}
	}
	w.c.record(w.r, w.status, w.header, body)
	h := w.Header()
	for k := range h {
		delete(h, k)
	}
	for k, v := range w.header {
		h[k] = v
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.ResponseWriter.Write(w.body)
}

// causes groups failure lines by operation and reason, with counts, for
// the walk test's log.
func causes(failures []string) []string {
	n := map[string]int{}
	for _, f := range failures {
		op, line, _ := strings.Cut(f, " | ")
		_, why, _ := strings.Cut(line, ": ")
		n[op+": "+why]++
	}
	out := make([]string, 0, len(n))
	for k, v := range n {
		out = append(out, fmt.Sprintf("%4d× %s", v, k))
	}
	sort.Strings(out)
	return out
}
