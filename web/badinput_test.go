package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"niaga"
)

// TestBadInput is generated from the OpenAPI document: every operation that
// takes a body gets malformed JSON, wrong types, unknown and missing fields,
// negative, zero and overflowing numbers, huge strings, invalid UTF-8, SQL
// and HTML metacharacters, bad dates, bad ids and wrong content types. The
// server must answer 4xx problem+json naming the field (or accept a value
// that is in fact valid), never 5xx, and a refused request writes nothing.
func TestBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		toks := e.tokensByRole()
		var doc struct {
			Paths      map[string]map[string]operation `json:"paths"`
			Components struct {
				Schemas map[string]schema `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(e.Srv.OpenAPI(), &doc); err != nil {
			t.Fatal(err)
		}
		resolve := func(s schema) schema {
			if s.Ref != "" {
				return doc.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
			}
			return s
		}
		tried, ops := 0, 0
		for path, methods := range doc.Paths {
			for method, op := range methods {
				method = strings.ToUpper(method)
				if op.OperationID == "logout" || op.OperationID == "login" {
					continue // login is throttled; covered by TestFoundationAPI
				}
				tok := toks[roleFor(policy[op.OperationID])]
				p := pathParams.ReplaceAllString(path, "1")
				// Bad ids in the path.
				if strings.Contains(path, "{") {
					for _, id := range []string{"abc", "0", "-1", "1.5", "99999999999999999999", "%27%20OR%201=1"} {
						bad := pathParams.ReplaceAllString(path, id)
						e.expect4xx(t, op.OperationID, method, bad, tok, "application/json", "{}", "id", &tried)
					}
				}
				body, ok := op.RequestBody.Content["application/json"]
				if !ok {
					continue
				}
				ops++
				sch := resolve(body.Schema)
				mustName := func(field, payload string) {
					e.expect4xx(t, op.OperationID, method, p, tok, "application/json", payload, field, &tried)
				}
				mayAccept := func(field, payload string) { e.expectNo5xx(t, op.OperationID, method, p, tok, payload, field, &tried) }
				mustName("body", `{"a":`)
				mustName("body", `[1,2,3]`)
				mustName("body", `"text"`)
				mustName("body", "")
				mustName("body", "{\"x\":\"\xff\xfe\"}")
				mustName("body", `{} {}`)
				mustName("zzz_unknown", `{"zzz_unknown":1}`)
				mustName("body", `{"name":"`+strings.Repeat("a", 2<<20)+`"}`)
				e.expect4xx(t, op.OperationID, method, p, tok, "text/plain", `{}`, "Content-Type", &tried)
				e.expect4xx(t, op.OperationID, method, p, tok, "application/xml", `<a/>`, "Content-Type", &tried)
				for name, prop := range sch.Properties {
					prop = resolve(prop)
					switch prop.Type {
					case "integer":
						mustName(name, fmt.Sprintf(`{%q:"12"}`, name))
						mustName(name, fmt.Sprintf(`{%q:1.5}`, name))
						mustName(name, fmt.Sprintf(`{%q:99999999999999999999}`, name))
						mustName(name, fmt.Sprintf(`{%q:1e30}`, name))
						mayAccept(name, fmt.Sprintf(`{%q:-1}`, name))
						mayAccept(name, fmt.Sprintf(`{%q:0}`, name))
						mayAccept(name, fmt.Sprintf(`{%q:9223372036854775807}`, name))
					case "string":
						mustName(name, fmt.Sprintf(`{%q:12}`, name))
						mustName(name, fmt.Sprintf(`{%q:{"a":1}}`, name))
						if prop.Format == "date-time" {
							mustName(name, fmt.Sprintf(`{%q:"not-a-date"}`, name))
							mustName(name, fmt.Sprintf(`{%q:"2026-13-45T99:00:00Z"}`, name))
						}
						for _, v := range []string{"", "'; DROP TABLE users; --", `<script>alert(1)</script>`, strings.Repeat("x", 100_000), "\u0000"} {
							b, _ := json.Marshal(map[string]string{name: v})
							mayAccept(name, string(b))
						}
					case "boolean":
						mustName(name, fmt.Sprintf(`{%q:"yes"}`, name))
					case "array":
						mustName(name, fmt.Sprintf(`{%q:"x"}`, name))
						mayAccept(name, fmt.Sprintf(`{%q:[]}`, name))
					case "object":
						mustName(name, fmt.Sprintf(`{%q:[1]}`, name))
					}
				}
			}
		}
		if ops < 25 {
			t.Fatalf("only %d operations with bodies found", ops)
		}
		t.Logf("%d bad inputs tried over %d operations with bodies", tried, ops)
	})
}

type operation struct {
	OperationID string `json:"operationId"`
	RequestBody struct {
		Content map[string]struct {
			Schema schema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
}

type schema struct {
	Ref        string            `json:"$ref"`
	Type       any               `json:"type"`
	Format     string            `json:"format"`
	Properties map[string]schema `json:"properties"`
}

// roleFor picks a role the declared policy lets through.
func roleFor(decl string) niaga.Role {
	switch decl {
	case "public", "signed-in", "":
		return niaga.RoleAdmin
	}
	roles := strings.Split(decl, ",")
	if slices.Contains(roles, "admin") {
		return niaga.RoleAdmin
	}
	return niaga.Role(roles[0])
}

func (e *env) auditSeq() int64 {
	seq, _, err := e.DB.AuditHead(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return seq
}

// expect4xx sends a request that must be refused with a problem naming field.
func (e *env) expect4xx(t *testing.T, op, method, path, tok, ctype, payload, field string, tried *int) {
	t.Helper()
	*tried++
	before := e.auditSeq()
	res, b := e.raw(method, path, tok, ctype, []byte(payload))
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Errorf("%s %.80q: status %d, want 4xx: %.200s", op, payload, res.StatusCode, b)
		return
	}
	p := e.checkProblemSoft(t, op, res, b)
	if p == nil {
		return
	}
	if res.StatusCode != 404 && !slices.ContainsFunc(p.Errors, func(f niaga.FieldError) bool { return f.Field == field || (field == "id" && f.Field != "") }) {
		t.Errorf("%s %.80q: errors %+v do not name %q", op, payload, p.Errors, field)
	}
	if after := e.auditSeq(); after != before {
		t.Errorf("%s %.80q: refused with %d but wrote %d audit records", op, payload, res.StatusCode, after-before)
	}
}

// expectNo5xx sends a request that may be valid; if refused, it must be a
// proper problem and write nothing.
func (e *env) expectNo5xx(t *testing.T, op, method, path, tok, payload, field string, tried *int) {
	t.Helper()
	*tried++
	before := e.auditSeq()
	res, b := e.raw(method, path, tok, "application/json", []byte(payload))
	if res.StatusCode >= 500 {
		t.Errorf("%s %.80q: status %d: %.200s", op, payload, res.StatusCode, b)
		return
	}
	if res.StatusCode >= 400 {
		e.checkProblemSoft(t, op, res, b)
		if after := e.auditSeq(); after != before {
			t.Errorf("%s %.80q: refused with %d but wrote %d audit records", op, payload, res.StatusCode, after-before)
		}
	}
}

func (e *env) checkProblemSoft(t *testing.T, op string, res *http.Response, b []byte) *problemDoc {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s: %d with content type %q", op, res.StatusCode, ct)
		return nil
	}
	var p problemDoc
	if err := json.Unmarshal(b, &p); err != nil || p.Code == "" {
		t.Errorf("%s: bad problem %s", op, b)
		return nil
	}
	return &p
}

type problemDoc struct {
	Code   string             `json:"code"`
	Errors []niaga.FieldError `json:"errors"`
}
