package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"niaga"
)

// OpenAPI returns the OpenAPI 3.1 document generated from the route table
// (built once; reflection never runs on the request path).
func (s *Server) OpenAPI() []byte {
	s.openapiOnce.Do(func() {
		g := &schemaGen{defs: map[string]any{}}
		paths := map[string]map[string]any{}
		for _, r := range s.routes {
			op := map[string]any{
				"operationId": r.ID,
				"summary":     r.Summary,
				"tags":        []string{r.Tag},
				"x-policy":    r.Policy.name,
			}
			var params []any
			for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
				params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}})
			}
			for _, q := range r.Query {
				params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
			}
			for _, h := range r.Headers {
				params = append(params, map[string]any{"name": h, "in": "header", "schema": map[string]any{"type": "string", "maxLength": 200}})
			}
			if params != nil {
				op["parameters"] = params
			}
			if r.in != nil && r.in != reflect.TypeFor[NoBody]() {
				op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": g.schema(r.in)}}}
			}
			status := r.Status
			if status == 0 {
				status = http.StatusOK
			}
			resp := map[string]any{"description": http.StatusText(status)}
			switch {
			case r.Produces != "":
				resp["content"] = map[string]any{r.Produces: map[string]any{"schema": map[string]any{"type": "string"}}}
			case r.out != nil && status != http.StatusNoContent:
				resp["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(r.out)}}
			}
			problem := map[string]any{"description": "Problem", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
			op["responses"] = map[string]any{itoa(status): resp, "default": problem}
			if !r.Policy.public {
				op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
			}
			if paths[r.Path] == nil {
				paths[r.Path] = map[string]any{}
			}
			paths[r.Path][strings.ToLower(r.Method)] = op
		}
		g.schema(reflect.TypeFor[Problem]())
		doc := map[string]any{
			"openapi": "3.1.0",
			"info": map[string]any{"title": "Niaga API", "version": "1",
				"description": "Integrated commodity auction market and trade missions. Money is whole Rupiah (int64); quantities are base units; times are UTC RFC 3339 or unix microseconds where named *_us. Errors are application/problem+json (RFC 9457).",
				// No licence is granted (package.json says UNLICENSED); the
				// document says so rather than leave linters and readers guessing.
				"license": map[string]any{"name": "Proprietary: all rights reserved"}},
			// The API is served with the pages by the same server: relative to
			// where the document was fetched.
			"servers": []any{map[string]any{"url": "/", "description": "This server"}},
			"tags":    openapiTags,
			"paths":   paths,
			"components": map[string]any{
				"schemas": g.defs,
				"securitySchemes": map[string]any{
					"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
					"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
				},
			},
		}
		s.openapi, _ = json.MarshalIndent(doc, "", "  ")
	})
	return s.openapi
}

// openapiTags describes the tags the route tables use; the linter
// (scripts/apilint.sh, rule operation-tag-defined) fails on a tag missing here.
var openapiTags = []any{
	map[string]any{"name": "auth", "description": "Signing in and out, the signed-in user, API tokens and sessions, one's password"},
	map[string]any{"name": "registry", "description": "Reference data: provinces with their time zones, commodities with base units and grades"},
	map[string]any{"name": "admin", "description": "Users and organizations, for the administrator (an organization's members read their own)"},
	map[string]any{"name": "auction", "description": "The auction market: markets, sessions, lots, bids, deposits, contracts and their settlement, live lot streams"},
	map[string]any{"name": "missions", "description": "Trade missions: participants, offers and needs, matchmaking, meetings and the schedule, the deal ledger, agreements, financing, the live board"},
	map[string]any{"name": "reports", "description": "Reports as JSON, CSV, XLSX and PDF: markets, sessions, missions, settlement, commodities, trade flows between provinces; price history; contract documents"},
	map[string]any{"name": "system", "description": "This OpenAPI document"},
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

type schemaGen struct{ defs map[string]any }

var timeType = reflect.TypeFor[time.Time]()

// schema returns a JSON Schema for t, registering named structs as components.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.structSchema(t)
		}
		if t.PkgPath() != "" && !strings.HasSuffix(t.PkgPath(), "/web") && t.PkgPath() != "niaga/web" {
			parts := strings.Split(t.PkgPath(), "/")
			if p := parts[len(parts)-1]; p != "niaga" {
				name = strings.ToUpper(p[:1]) + p[1:] + name
			}
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // placeholder breaks recursion
			g.defs[name] = g.structSchema(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			props[name] = g.schema(f.Type)
			if rn := f.Tag.Get("range"); rn != "" {
				// The bound is declared once, in niaga's limits.
				r, ok := niaga.RangeNamed(rn)
				if !ok {
					panic("openapi: " + t.String() + "." + f.Name + " names an unknown range " + rn)
				}
				props[name] = map[string]any{"type": "integer", "format": "int64", "minimum": r.Min, "maximum": r.Max}
			}
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if required != nil {
		out["required"] = required
	}
	return out
}
