package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"niaga/demo"
	"niaga/store"
	"niaga/store/storetest"
	"niaga/web"
)

// env is a real niaga server on a loopback port over a real database
// filled with the demo data.
type env struct {
	t      *testing.T
	URL    string
	DB     *store.DB
	Srv    *web.Server
	Data   *demo.Data
	tokens map[string]string
	conf   *conformance // checks every API answer against the served document
}

// eachEnv runs fn once per engine against a fresh server.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) { fn(t, newEnv(t, eng)) })
	}
}

func newEnv(t *testing.T, eng store.Engine) *env {
	t.Helper()
	return newEnvAt(t, eng, time.Now())
}

// newEnvAt is newEnv with the demo anchored at now.
func newEnvAt(t *testing.T, eng store.Engine, now time.Time) *env {
	t.Helper()
	db := storetest.Open(t, eng)
	data, err := demo.Seed(context.Background(), db, now)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	srv := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	ts, conf := serve(t, srv)
	done := make(chan struct{})
	go func() { srv.RunBackground(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		ts.CloseClientConnections()
		ts.Close()
		<-done
	})
	return &env{t: t, URL: ts.URL, DB: db, Srv: srv, Data: data, tokens: map[string]string{}, conf: conf}
}

// token signs in a demo user once and returns the bearer token.
func (e *env) token(email string) string {
	e.t.Helper()
	if tok, ok := e.tokens[email]; ok {
		return tok
	}
	var out web.LoginOutput
	e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": demo.Password}, 200, &out)
	e.tokens[email] = out.Token
	return out.Token
}

// raw sends a request with a raw body and returns the response and body.
func (e *env) raw(method, path, token, contentType string, body []byte, headers ...string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// call sends JSON, checks the status and decodes the answer into out.
func (e *env) call(method, path, token string, in any, want int, out any, headers ...string) []byte {
	e.t.Helper()
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			e.t.Fatal(err)
		}
	}
	res, b := e.raw(method, path, token, "application/json", body, headers...)
	if res.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return b
}

// problem sends a request expecting a problem document with the status and code.
func (e *env) problem(method, path, token string, in any, status int, code string) web.Problem {
	e.t.Helper()
	var body []byte
	switch v := in.(type) {
	case nil:
	case []byte:
		body = v
	case string:
		body = []byte(v)
	default:
		body, _ = json.Marshal(v)
	}
	res, b := e.raw(method, path, token, "application/json", body)
	return e.checkProblem(method+" "+path, res, b, status, code)
}

func (e *env) checkProblem(what string, res *http.Response, b []byte, status int, code string) web.Problem {
	e.t.Helper()
	if res.StatusCode != status {
		e.t.Fatalf("%s: status %d, want %d: %s", what, res.StatusCode, status, b)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		e.t.Fatalf("%s: content type %q: %s", what, ct, b)
	}
	var p web.Problem
	if err := json.Unmarshal(b, &p); err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
	if code != "" && string(p.Code) != code {
		e.t.Fatalf("%s: code %q, want %q: %s", what, p.Code, code, b)
	}
	return p
}
