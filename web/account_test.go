package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/web"
)

func TestFoundationAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var provs []niaga.Province
		e.call("GET", "/api/v1/provinces", "", nil, 200, &provs)
		if len(provs) != 38 {
			t.Fatalf("%d provinces", len(provs))
		}
		var cs []niaga.Commodity
		e.call("GET", "/api/v1/commodities", "", nil, 200, &cs)
		if len(cs) < 9 {
			t.Fatalf("%d commodities", len(cs))
		}

		// Login: a token and a session cookie.
		res, b := e.raw("POST", "/api/v1/auth/login", "", "application/json", []byte(`{"email":"admin@niaga.id","password":"`+demo.Password+`"}`))
		if res.StatusCode != 200 {
			t.Fatalf("login %d %s", res.StatusCode, b)
		}
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "niaga_session" {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie missing or weak: %+v", cookie)
		}
		e.problem("POST", "/api/v1/auth/login", "", map[string]string{"email": demo.Admin, "password": "wrong-password"}, 401, "unauthorized")
		e.problem("POST", "/api/v1/auth/login", "", map[string]string{"email": "nobody@x.id", "password": "wrong-password"}, 401, "unauthorized")

		admin := e.token(demo.Admin)
		var me niaga.User
		e.call("GET", "/api/v1/me", admin, nil, 200, &me)
		if me.Role != niaga.RoleAdmin {
			t.Fatal(me)
		}
		// Admin creates an organization and a user; the user signs in.
		var org niaga.Organization
		e.call("POST", "/api/v1/organizations", admin, map[string]any{"name": "KUD Mina Jaya", "kind": "business", "province": "73"}, 201, &org)
		var u niaga.User
		e.call("POST", "/api/v1/users", admin, map[string]any{"email": "mina@niaga.id", "name": "Mina", "password": "panjang-sekali", "role": "business", "org_id": org.ID}, 201, &u)
		var lo web.LoginOutput
		e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "mina@niaga.id", "password": "panjang-sekali"}, 200, &lo)
		// An API token works as a bearer; logout revokes it.
		var tok web.TokenOutput
		e.call("POST", "/api/v1/tokens", lo.Token, map[string]string{"name": "script"}, 201, &tok)
		e.call("GET", "/api/v1/me", tok.Token, nil, 200, nil)
		e.call("POST", "/api/v1/auth/logout", tok.Token, nil, 204, nil)
		e.problem("GET", "/api/v1/me", tok.Token, nil, 401, "unauthorized")

		// 401 without credentials, 403 for the wrong role, 403 for another organization.
		e.problem("GET", "/api/v1/users", "", nil, 401, "unauthorized")
		e.problem("GET", "/api/v1/me", "bogus-token", nil, 401, "unauthorized")
		buyer := e.token("pembeli@niaga.id")
		e.problem("GET", "/api/v1/users", buyer, nil, 403, "forbidden")
		e.problem("POST", "/api/v1/organizations", buyer, map[string]any{"name": "X", "kind": "business", "province": "35"}, 403, "forbidden")
		own := e.Data.Users["pembeli@niaga.id"].OrgID
		e.call("GET", fmt.Sprintf("/api/v1/organizations/%d", own), buyer, nil, 200, nil)
		e.problem("GET", fmt.Sprintf("/api/v1/organizations/%d", org.ID), buyer, nil, 403, "forbidden")

		// Bad input: 4xx problem+json naming the field.
		cases := []struct {
			name, body string
			status     int
			field      string
		}{
			{"malformed", `{"name":`, 400, "body"},
			{"not an object", `[1,2]`, 400, "body"},
			{"unknown field", `{"name":"A","kind":"business","province":"35","owner":"x"}`, 400, "owner"},
			{"wrong type", `{"name":12,"kind":"business","province":"35"}`, 400, "name"},
			{"bad enum", `{"name":"A","kind":"shop","province":"35"}`, 400, "kind"},
			{"bad province", `{"name":"A","kind":"business","province":"99"}`, 400, "province"},
			{"trailing data", `{"name":"A","kind":"business","province":"35"} {}`, 400, "body"},
			{"empty", ``, 400, "body"},
			{"invalid utf8", "{\"name\":\"\xff\xfe\",\"kind\":\"business\",\"province\":\"35\"}", 400, "body"},
			{"huge", `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "body"},
		}
		for _, c := range cases {
			p := e.problem("POST", "/api/v1/organizations", admin, c.body, c.status, "")
			if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
				t.Errorf("%s: errors %+v, want field %q", c.name, p.Errors, c.field)
			}
		}
		e.problem("POST", "/api/v1/users", admin, map[string]any{"email": "x@y.id", "name": "X", "password": "panjang-sekali", "role": "business", "org_id": "7"}, 400, "invalid")
		e.problem("POST", "/api/v1/users", admin, map[string]any{"email": "x@y.id", "name": "X", "password": "panjang-sekali", "role": "business", "org_id": 99999999999999999999.0}, 400, "invalid")
		e.problem("POST", "/api/v1/users", admin, map[string]any{"email": demo.Admin, "name": "X", "password": "panjang-sekali", "role": "admin", "org_id": org.ID}, 409, "conflict")
		res, b = e.raw("POST", "/api/v1/organizations", admin, "text/plain", []byte(`{}`))
		e.checkProblem("text/plain body", res, b, 415, "unsupported_media_type")
		for _, id := range []string{"abc", "0", "-1", "1.5", "99999999999999999999"} {
			e.problem("GET", "/api/v1/organizations/"+id, admin, nil, 400, "invalid")
		}
		e.problem("GET", "/api/v1/organizations/424242", admin, nil, 404, "not_found")
		e.problem("GET", "/api/v1/no/such/thing", admin, nil, 404, "not_found")
	})
}

func TestLoginThrottle(t *testing.T) {
	e := newEnv(t, "sqlite")
	for range 5 {
		e.problem("POST", "/api/v1/auth/login", "", map[string]string{"email": "kopi@niaga.id", "password": "bad-password"}, 401, "unauthorized")
	}
	e.problem("POST", "/api/v1/auth/login", "", map[string]string{"email": "kopi@niaga.id", "password": demo.Password}, 429, "rate_limited")
}

func TestHealthAndOpenAPI(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.call("GET", "/healthz", "", nil, 200, nil)
	e.call("GET", "/readyz", "", nil, 200, nil)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	e.call("GET", "/api/v1/openapi.json", "", nil, 200, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatal(doc.OpenAPI)
	}
	// Every route is documented, and every documented operation is routed.
	n := 0
	for _, r := range e.Srv.Routes() {
		op, ok := doc.Paths[r.Path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s missing from the OpenAPI document", r.Method, r.Path)
			continue
		}
		if op["operationId"] != r.ID {
			t.Errorf("%s %s: operationId %v", r.Method, r.Path, op["operationId"])
		}
		n++
	}
	docOps := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			docOps++
			// An undocumented-path request would hit the /api/ fallback (404 problem);
			// a routed one answers with anything but that fallback.
			url := e.URL + pathParams.ReplaceAllString(path, "1")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			req, _ := http.NewRequestWithContext(ctx, strings.ToUpper(method), url, strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			// Streams never end: read only what a handler writes at once.
			b := make([]byte, 512)
			n, _ := io.ReadAtLeast(res.Body, b, 1)
			b = b[:n]
			res.Body.Close()
			cancel()
			if res.StatusCode == 404 && strings.Contains(string(b), "no such API path") {
				t.Errorf("documented %s %s is not routed", method, path)
			}
		}
	}
	if docOps != n {
		t.Errorf("document has %d operations, router %d", docOps, n)
	}
	if !json.Valid(e.Srv.OpenAPI()) {
		t.Fatal("invalid JSON")
	}
}

var pathParams = regexp.MustCompile(`\{[a-z_]+\}`)
