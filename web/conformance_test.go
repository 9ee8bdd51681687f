package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"niaga"
	"niaga/demo"
	"niaga/web"
)

// walkers are the callers of the conformance walk: anonymous, and one
// demo user for each kind of caller (role, and relation to the demo's
// objects).
var walkers = []struct{ kind, email string }{
	{"anonymous", ""},
	{"admin", demo.Admin},
	{"organizer", "lampung@niaga.id"},
	{"agency", "jatim@niaga.id"},
	{"validator", demo.Validator},
	{"seller", "penjual@niaga.id"},
	{"buyer", "pembeli@niaga.id"},
	{"bank", "bank@niaga.id"},
	{"guarantor", demo.Jamkrida},
	{"participant", demo.UMKMKalsel},
	{"public", walkPublic},
}

const walkPublic = "warga@niaga.id"

// endsSession are the operations that end the caller's session or all of
// its user's: each is walked with a session opened for it, after the rest.
var endsSession = []string{"revokeToken", "logout", "changePassword"}

// TestConformanceWalk (issue 15) walks every operation of the served
// document as every kind of caller, with real ids from the demo in the
// path and the operation's documented example as the request body, and
// validates every answer against the document (see conformance). Each
// non-conforming answer fails the test; so does an operation left
// unwalked.
func TestConformanceWalk(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		start := time.Now()
		ids := e.walkIDs()
		toks := map[string]string{"": ""}
		for _, w := range walkers {
			if w.email != "" {
				toks[w.email] = e.token(w.email)
			}
		}
		ops := e.walkOperations()
		before, failedBefore, opsBefore := e.conf.figures()
		for _, o := range ops {
			for _, w := range walkers {
				tok := toks[w.email]
				if w.email != "" && slices.Contains(endsSession, o.op.OperationID) {
					tok = e.freshToken(w.email)
				}
				e.walkOne(o, ids, tok)
			}
		}
		after, failed, opsAfter := e.conf.figures()
		var missing []string
		for _, o := range ops {
			if opsAfter[o.op.OperationID] == opsBefore[o.op.OperationID] {
				missing = append(missing, o.op.OperationID)
			}
		}
		failed = failed[len(failedBefore):]
		for _, c := range causes(failed) {
			t.Logf("cause: %s", c)
		}
		t.Logf("conformance walk: %d requests (%d operations × %d callers), %d answers validated (with the walk's own sign-ins), %d non-conforming, %d of %d operations covered, in %.1fs",
			len(ops)*len(walkers), len(ops), len(walkers), after-before, len(failed), len(ops)-len(missing), len(ops), time.Since(start).Seconds())
		if len(missing) > 0 {
			t.Errorf("operations with no validated answer: %v", missing)
		}
	})
}

// walkOp is one operation of the document.
type walkOp struct {
	method, path string
	op           *openapi3.Operation
}

// walkOperations lists the document's operations in a fixed order, those
// that end sessions last.
func (e *env) walkOperations() []walkOp {
	doc := e.conf.specLoaded().doc
	var ops []walkOp
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			ops = append(ops, walkOp{method, path, op})
		}
	}
	rank := func(o walkOp) int { return slices.Index(endsSession, o.op.OperationID) }
	slices.SortFunc(ops, func(a, b walkOp) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.path+" "+a.method, b.path+" "+b.method)
	})
	return ops
}

var walkParam = regexp.MustCompile(`([a-z_]+)/\{[a-z_]+\}`)

// walkOne sends one operation as one caller; the check in front of the
// server validates the answer.
func (e *env) walkOne(o walkOp, ids map[string]int64, tok string) {
	e.t.Helper()
	path := walkParam.ReplaceAllStringFunc(o.path, func(m string) string {
		coll, _, _ := strings.Cut(m, "/")
		if coll == "tokens" {
			return fmt.Sprintf("%s/%d", coll, e.currentTokenID(tok))
		}
		id, ok := ids[coll]
		if !ok {
			id = e.discoverID(coll)
			ids[coll] = id
		}
		return fmt.Sprintf("%s/%d", coll, id)
	})
	if strings.HasSuffix(o.path, "/stream") {
		e.openStream(path, tok)
		return
	}
	var ct string
	var body []byte
	if o.op.RequestBody != nil && o.op.RequestBody.Value != nil {
		ct, body = exampleBody(o.op.RequestBody.Value)
	}
	e.raw(o.method, path, tok, ct, body)
}

// exampleBody is an operation's documented example request body, JSON
// preferred; {} where the document gives none.
func exampleBody(rb *openapi3.RequestBody) (string, []byte) {
	types := slices.Sorted(maps.Keys(rb.Content))
	slices.SortStableFunc(types, func(a, b string) int { return boolInt(!isJSON(a)) - boolInt(!isJSON(b)) })
	for _, ct := range types {
		mt := rb.Content[ct]
		ex := mt.Example
		if ex == nil {
			for _, k := range slices.Sorted(maps.Keys(mt.Examples)) {
				if x := mt.Examples[k]; x != nil && x.Value != nil && x.Value.Value != nil {
					ex = x.Value.Value
					break
				}
			}
		}
		if ex == nil && mt.Schema != nil && mt.Schema.Value != nil {
			if ex = mt.Schema.Value.Example; ex == nil && len(mt.Schema.Value.Examples) > 0 {
				ex = mt.Schema.Value.Examples[0]
			}
		}
		switch v := ex.(type) {
		case nil:
		case string:
			if !isJSON(ct) {
				return ct, []byte(v)
			}
			b, _ := json.Marshal(v)
			return ct, b
		default:
			if isJSON(ct) {
				b, _ := json.Marshal(v)
				return ct, b
			}
		}
	}
	return "application/json", []byte("{}")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// openStream opens an event stream, reads its header (validated before it
// goes out) and closes it.
func (e *env) openStream(path, tok string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, res.Body) // a problem: read whole
	}
	res.Body.Close()
}

// freshToken opens a new session for a walker (one the walk may end).
func (e *env) freshToken(email string) string {
	e.t.Helper()
	res, b := e.raw("POST", "/api/v1/auth/login", "", "application/json", fmt.Appendf(nil, `{"email":%q,"password":%q}`, email, demo.Password))
	var out web.LoginOutput
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil {
		return e.tokens[email] // the password changed: walk on with the old session
	}
	return out.Token
}

// currentTokenID is the id of the session tok is (for revokeToken).
func (e *env) currentTokenID(tok string) int64 {
	e.t.Helper()
	if tok == "" {
		return 1
	}
	res, b := e.raw("GET", "/api/v1/tokens", tok, "", nil)
	var list []struct {
		ID      int64 `json:"id"`
		Current bool  `json:"current"`
	}
	if res.StatusCode == http.StatusOK && json.Unmarshal(b, &list) == nil {
		for _, x := range list {
			if x.Current {
				return x.ID
			}
		}
	}
	return 1
}

// discoverID is an id for a kind of object walkIDs does not know (a route
// added since): the first the admin lists at /api/v1/{coll}, else 1 —
// whatever the answer, it is validated.
func (e *env) discoverID(coll string) int64 {
	e.t.Helper()
	res, b := e.raw("GET", "/api/v1/"+coll, e.token(demo.Admin), "", nil)
	var list []struct {
		ID int64 `json:"id"`
	}
	if res.StatusCode == http.StatusOK && json.Unmarshal(b, &list) == nil && len(list) > 0 {
		return list[0].ID
	}
	e.t.Logf("walk: no demo id for %s: walked with 1 (add one to walkIDs)", coll)
	return 1
}

// walkIDs finds a real id of every kind of object the paths name, from
// the demo data through the API; users are a throwaway account, so that
// deactivating or resetting it locks no walker out.
func (e *env) walkIDs() map[string]int64 {
	e.t.Helper()
	admin := e.token(demo.Admin)
	mission := e.missionID(demo.MissionToday)
	first := func(path string) int64 {
		var list []struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		}
		e.call("GET", path, admin, nil, 200, &list)
		if len(list) == 0 {
			e.t.Fatalf("walk: the demo has nothing at %s", path)
		}
		for _, x := range list {
			if x.State == "open" {
				return x.ID
			}
		}
		return list[0].ID
	}
	ids := map[string]int64{
		"missions":      mission,
		"lots":          first("/api/v1/lots"),
		"markets":       first("/api/v1/markets"),
		"sessions":      first("/api/v1/sessions"),
		"contracts":     first("/api/v1/contracts"),
		"financing":     first("/api/v1/financing"),
		"deals":         first(fmt.Sprintf("/api/v1/missions/%d/deals", mission)),
		"meetings":      first(fmt.Sprintf("/api/v1/missions/%d/meetings", mission)),
		"participants":  e.participantOf(mission, e.Data.Orgs["grosir_surabaya"].ID).ID,
		"organizations": e.Data.Orgs["grosir_semarang"].ID,
		"documents":     e.walkDocument(),
	}
	// The signed-in public caller, and the throwaway account of users/{id}.
	var org niaga.Organization
	e.call("POST", "/api/v1/organizations", admin, map[string]any{"name": "Warga", "kind": "business", "province": "31"}, 201, &org)
	e.call("POST", "/api/v1/users", admin, map[string]any{"email": walkPublic, "name": "Warga", "password": demo.Password, "role": "public", "org_id": org.ID}, 201, nil)
	var target niaga.User
	e.call("POST", "/api/v1/users", admin, map[string]any{"email": "sasaran@niaga.id", "name": "Sasaran", "password": demo.Password, "role": "business", "org_id": org.ID}, 201, &target)
	ids["users"] = target.ID
	return ids
}

// TestConformanceCatchesDrift proves the check can fail: a server that
// answers the documented paths with drifted responses — a wrong property
// type, a wrong content type, a body where none is documented, a stream
// that is not one, a download of the wrong type, a client error the
// operation does not list — gets every one of them reported, and its
// conforming answers pass.
func TestConformanceCatchesDrift(t *testing.T) {
	e := newEnv(t, "sqlite") // for the real document
	var mu sync.Mutex
	var got []string
	c := &conformance{report: func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }, ops: map[string]int{}, spec: withClientErrors(t, e, "/api/v1/missions/{id}", "404")}
	answer := func(status int, ct, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if ct != "" {
				w.Header().Set("Content-Type", ct)
			}
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/provinces", answer(200, "application/json", `[]`))                            // conforms
	mux.Handle("GET /api/v1/lots/{id}", answer(200, "application/json", `{"id":"seven"}`))                // wrong type, required fields missing
	mux.Handle("GET /api/v1/me", answer(200, "text/plain", `admin`))                                      // wrong content type
	mux.Handle("POST /api/v1/auth/logout", answer(204, "application/json", `{}`))                         // a body where none is documented
	mux.Handle("GET /api/v1/lots/{id}/stream", answer(200, "application/json", `{}`))                     // not a stream
	mux.Handle("GET /api/v1/reports/flows.csv", answer(200, "text/html", `<p>`))                          // a download of the wrong type
	mux.Handle("GET /api/v1/markets/{id}", answer(404, "application/problem+json", `{"code":"missing"}`)) // a problem without its members
	mux.Handle("GET /api/v1/sessions", answer(200, "", `[{"id":1}]`))                                     // untyped: sniffed as text/plain
	mux.HandleFunc("GET /api/v1/missions/{id}", func(w http.ResponseWriter, r *http.Request) {
		status := map[string]int{"404": 404}[r.PathValue("id")]
		if status == 0 {
			status = 409 // a client error the operation does not list
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"type":"https://niaga.id/problems/x","title":"%s","status":%d,"code":"%s"}`, http.StatusText(status), status, map[int]string{404: "not_found", 409: "conflict"}[status])
	})
	ts := httptest.NewServer(c.wrap(mux))
	defer ts.Close()
	drifted := []struct{ method, path, why string }{
		{"GET", "/api/v1/lots/7", "doesn't match schema"},
		{"GET", "/api/v1/me", `"text/plain"`},
		{"POST", "/api/v1/auth/logout", "declares none"},
		{"GET", "/api/v1/lots/7/stream", `"application/json"`},
		{"GET", "/api/v1/reports/flows.csv", `"text/html"`},
		{"GET", "/api/v1/markets/7", "doesn't match schema"},
		{"GET", "/api/v1/sessions", `"text/plain; charset=utf-8"`},
		{"GET", "/api/v1/missions/7", "status 409 is not among the operation's documented client errors [404]"},
	}
	conforming := []struct{ method, path, why string }{{"GET", "/api/v1/provinces", ""}, {"GET", "/api/v1/missions/404", ""}}
	for _, r := range append(drifted, conforming...) {
		req, _ := http.NewRequest(r.method, ts.URL+r.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	n, failed, _ := c.figures()
	if n != len(drifted)+len(conforming) || len(failed) != len(drifted) || len(got) != len(drifted) {
		t.Fatalf("validated %d, non-conforming %d, reported %d; want %d, %d, %d:\n%s", n, len(failed), len(got), len(drifted)+len(conforming), len(drifted), len(drifted), strings.Join(got, "\n"))
	}
	for i, d := range drifted {
		t.Logf("reported: %s", got[i])
		if want := d.method + " " + d.path + " → "; !strings.HasPrefix(got[i], want) || !strings.Contains(got[i], d.why) {
			t.Errorf("report %d: %s\nwant %s… %s", i, got[i], want, d.why)
		}
	}
}

// withClientErrors is the served document with the GET operation at path
// listing exactly the client errors given (with the Problem schema).
func withClientErrors(t *testing.T, e *env, path string, codes ...string) *apiSpec {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(e.conf.specLoaded().raw, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc["paths"].(map[string]any)[path].(map[string]any)["get"].(map[string]any)
	responses := op["responses"].(map[string]any)
	for code := range responses {
		if strings.HasPrefix(code, "4") {
			delete(responses, code)
		}
	}
	for _, code := range codes {
		responses[code] = map[string]any{"description": "client error", "content": map[string]any{
			"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	}
	b, _ := json.Marshal(doc)
	s, err := loadSpec(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConformanceCrossOriginRefusal: a browser's cross-site write to the
// API is refused by the CSRF guard in front of the routes, and the refusal
// is a documented problem like every other answer (the guard's own answer
// is text/plain).
func TestConformanceCrossOriginRefusal(t *testing.T) {
	e := newEnv(t, "sqlite")
	res, b := e.raw("POST", "/api/v1/auth/login", "", "application/json", []byte(`{"email":"pembeli@niaga.id","password":"x"}`),
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	e.checkProblem("cross-site POST", res, b, http.StatusForbidden, "forbidden")
}

// walkDocument uploads a verification document for a demo buyer (the demo
// has none) and returns its id.
func (e *env) walkDocument() int64 {
	e.t.Helper()
	org := e.Data.Orgs["grosir_semarang"].ID
	st, b := upload(e, e.token("pembeli@niaga.id"), org, "business", "nib.pdf", pdfBytes)
	var vc niaga.VerificationCase
	if st != 201 || json.Unmarshal(b, &vc) != nil || len(vc.Documents) == 0 {
		e.t.Fatalf("walk: upload a document: %d %s", st, b)
	}
	return vc.Documents[len(vc.Documents)-1].ID
}
