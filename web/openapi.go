package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
)

// OpenAPI returns the OpenAPI 3.1 document generated from the route table
// (built once; reflection never runs on the request path).
func (s *Server) OpenAPI() []byte {
	s.openapiOnce.Do(func() { s.openapi = openAPIDocument(s.routes) })
	return s.openapi
}

// apiDescription introduces the document: the conventions every operation
// shares.
const apiDescription = "Integrated commodity auction market and trade missions.\n\n" +
	"Money is whole Rupiah (int64); quantities are the commodity's base units (kg, head, m³…; see listCommodities); " +
	"times are UTC RFC 3339, or unix microseconds where named *_us; local dates and clock times are in the zone named beside them. " +
	"Province codes are those of listProvinces.\n\n" +
	"Sign in with login: it answers a bearer token (send `Authorization: Bearer <token>`) and sets the session cookie. " +
	"Request bodies are JSON: send `Content-Type: application/json`.\n\n" +
	"Texts meant for people (display values, explanations, report labels) are in Bahasa Indonesia, or in English when " +
	"the `lang` cookie is `en` or, without that cookie, `Accept-Language` starts with `en`.\n\n" +
	"Refusals are application/problem+json (RFC 9457): `code` says what went wrong, `errors` names each bad field with its reason. " +
	"Each operation lists the refusals it can answer; 5xx (internal, unavailable) can come from any."

// openAPIDocument builds the document of routes.
func openAPIDocument(routes []*Route) []byte {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, r := range routes {
		if paths[r.Path] == nil {
			paths[r.Path] = map[string]any{}
		}
		paths[r.Path][strings.ToLower(r.Method)] = g.operation(r)
	}
	g.schema(reflect.TypeFor[Problem]())
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Niaga API", "version": "1", "description": apiDescription,
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
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "A token from login (a session) or createToken (an API token)."},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "The session cookie login sets."},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("openapi: " + err.Error()) // a route's example that does not encode
	}
	return b
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

// operation is the document of one route.
func (g *schemaGen) operation(r *Route) map[string]any {
	op := map[string]any{
		"operationId": r.ID,
		"summary":     r.Summary,
		"description": r.description(),
		"tags":        []string{r.Tag},
		"x-policy":    r.Policy.name,
		"responses":   g.responses(r),
		"security":    r.security(),
	}
	if ps := r.parameters(); len(ps) > 0 {
		op["parameters"] = ps
	}
	if body := g.requestBody(r); body != nil {
		op["requestBody"] = body
	}
	return op
}

// description is the route's Doc followed by who may call it.
func (r *Route) description() string {
	who := "Who may call: anyone, without credentials."
	switch {
	case r.Policy.public && r.SignedInSeesMore:
		who = "Who may call: anyone; a signed-in caller sees more (credentials are optional)."
	case len(r.Policy.roles) == 1:
		who = "Who may call: the role " + r.Policy.name + " (others are refused with 403)."
	case len(r.Policy.roles) > 1:
		names := strings.Split(r.Policy.name, ",")
		who = "Who may call: the roles " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " (others are refused with 403)."
	case !r.Policy.public:
		who = "Who may call: any signed-in user (what is theirs to see or do is checked inside)."
	}
	if r.Doc == "" {
		return who
	}
	return r.Doc + "\n\n" + who
}

// security declares the credentials the route takes: none for a public
// route whose answer is the same for all, optional ones for a public
// route that shows a signed-in caller more, a bearer token or the
// session cookie otherwise.
func (r *Route) security() []any {
	bearer := map[string]any{"bearer": []string{}}
	session := map[string]any{"session": []string{}}
	switch {
	case !r.Policy.public:
		return []any{bearer, session}
	case r.SignedInSeesMore:
		return []any{map[string]any{}, bearer, session}
	}
	return []any{}
}

// parameters documents the path ids, query parameters and headers.
func (r *Route) parameters() []any {
	var out []any
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		out = append(out, map[string]any{"name": m[1], "in": "path", "required": true, "schema": Param{Kind: IDParam}.schema()})
	}
	for _, in := range []struct {
		where  string
		params []Param
	}{{"query", r.Query}, {"header", r.Headers}} {
		for _, p := range in.params {
			d := map[string]any{"name": p.Name, "in": in.where, "schema": p.schema()}
			if p.Doc != "" {
				d["description"] = p.Doc
			}
			if p.Required {
				d["required"] = true
			}
			out = append(out, d)
		}
	}
	return out
}

// schema is the JSON Schema of the parameter's value.
func (p Param) schema() map[string]any {
	var s map[string]any
	switch p.Kind {
	case IntegerParam:
		s = map[string]any{"type": "integer", "format": "int64"}
	case IDParam:
		s = map[string]any{"type": "integer", "format": "int64", "minimum": 1}
	case BooleanParam:
		s = map[string]any{"type": "boolean"}
	case DateParam:
		s = map[string]any{"type": "string", "format": "date"}
	default:
		s = map[string]any{"type": "string"}
	}
	if p.Enum != "" {
		s["enum"] = mustEnum(p.Name, p.Enum).Values
	}
	if p.Range != "" {
		bound(s, mustRange(p.Name, p.Range))
	}
	if p.Pattern != "" {
		s["pattern"] = p.Pattern
	}
	return s
}

// requestBody documents a JSON body with its example, or the spreadsheet
// an upload takes in each of its content types.
func (g *schemaGen) requestBody(r *Route) map[string]any {
	content := map[string]any{}
	switch {
	case r.Upload:
		text := map[string]any{"schema": map[string]any{"type": "string"}}
		if r.Example != nil {
			text["example"] = r.Example
		}
		for _, t := range slices.Sorted(mapKeysOf(uploadFormats)) {
			if uploadFormats[t] == "csv" {
				content[t] = text
			} else {
				content[t] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			}
		}
		content["multipart/form-data"] = map[string]any{"schema": map[string]any{
			"type": "object", "required": []string{uploadField},
			"properties": map[string]any{uploadField: map[string]any{"type": "string", "format": "binary",
				"description": "The CSV or XLSX file; its name's extension (.csv, .xlsx) or its content type tells which."}},
		}}
	case r.FormFile != "":
		props := map[string]any{r.FormFile: map[string]any{"type": "string", "format": "binary"}}
		required := []string{}
		for _, p := range r.Form {
			props[p.Name] = p.schema()
			required = append(required, p.Name)
		}
		form := map[string]any{"schema": map[string]any{
			"type": "object", "required": append(required, r.FormFile), "properties": props,
			"description": "The fields in this order: " + strings.Join(append(required, r.FormFile), ", ") + "."}}
		if r.Example != nil {
			form["example"] = r.Example
		}
		content["multipart/form-data"] = form
	case r.in != nil && r.in != reflect.TypeFor[NoBody]():
		media := map[string]any{"schema": g.schema(r.in)}
		if r.Example != nil {
			media["example"] = r.Example
		}
		content["application/json"] = media
	default:
		return nil
	}
	return map[string]any{"required": true, "content": content}
}

// mapKeysOf iterates over the keys of m.
func mapKeysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// responses documents the success, each refusal status with the codes it
// carries, and the default (5xx).
func (g *schemaGen) responses(r *Route) map[string]any {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	var schema map[string]any
	switch {
	case status == http.StatusNoContent:
	case r.Produces == "text/event-stream":
		schema = map[string]any{"type": "string", "description": "Server-sent events: `id`, `event` (the kind) and `data` (a JSON object) per event; `: ping` comments keep the connection alive."}
	case r.Produces != "" && r.out == nil:
		schema = map[string]any{"type": "string", "format": "binary"}
	case r.out != nil:
		schema = g.schema(r.out)
	}
	if schema != nil {
		produces := r.Produces
		if produces == "" {
			produces = "application/json"
		}
		content := map[string]any{}
		for _, t := range strings.Split(produces, ",") { // a file may be one of several types
			content[t] = map[string]any{"schema": schema}
		}
		ok["content"] = content
	}
	out := map[string]any{strconv.Itoa(status): ok}
	byStatus := map[int][]niaga.Code{}
	for _, c := range r.refusals() {
		byStatus[StatusOf(c)] = append(byStatus[StatusOf(c)], c)
	}
	for st, codes := range byStatus {
		out[strconv.Itoa(st)] = g.problemResponse(st, codes)
	}
	out["default"] = map[string]any{
		"description": "Any other failure: internal (500, quote the request_id) or unavailable (503, retry after Retry-After).",
		"content":     map[string]any{"application/problem+json": map[string]any{"schema": g.schema(reflect.TypeFor[Problem]())}},
	}
	return out
}

// refusals are the error codes the route can answer: those its shape
// implies (a body or parameters can be invalid; credentials can be
// missing or wrong, on any route; a role can be refused; an id can name nothing; a body
// can be too large or of another type; the database can be unavailable,
// even for reading credentials) and those it declares.
func (r *Route) refusals() []niaga.Code {
	var out []niaga.Code
	add := func(codes ...niaga.Code) {
		for _, c := range codes {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	ids := pathParam.MatchString(r.Path)
	body := r.Upload || r.FormFile != "" || r.in != nil && r.in != reflect.TypeFor[NoBody]()
	if body || ids || len(r.Query) > 0 || len(r.Headers) > 0 {
		add(niaga.CodeInvalid)
	}
	// Credentials are checked on every route: a public one refuses a
	// bearer token that is wrong or expired too.
	add(niaga.CodeUnauthorized)
	// A write may be refused as a cross-site request (see Handler) by
	// any route; a role-limited route refuses other roles.
	if len(r.Policy.roles) > 0 || r.Method != http.MethodGet {
		add(niaga.CodeForbidden)
	}
	if ids {
		add(niaga.CodeNotFound)
	}
	if body {
		add(niaga.CodeTooLarge, niaga.CodeUnsupportedMedia)
	}
	add(r.Errors...)
	add(niaga.CodeUnavailable)
	return out
}

// problemResponse is a refusal status with its codes. The codes whose
// problem carries more (an import's rows) are answered in their own
// schema.
func (g *schemaGen) problemResponse(status int, codes []niaga.Code) map[string]any {
	slices.Sort(codes)
	parts := make([]string, len(codes))
	var schemas []any
	plain := false
	for i, c := range codes {
		parts[i] = "`" + string(c) + "`: " + codeDoc[c]
		if t, ok := problemTypes[c]; ok {
			schemas = append(schemas, g.schema(t))
		} else {
			plain = true
		}
	}
	if plain || len(schemas) == 0 {
		schemas = append([]any{g.schema(reflect.TypeFor[Problem]())}, schemas...)
	}
	schema := schemas[0]
	if len(schemas) > 1 {
		schema = map[string]any{"oneOf": schemas}
	}
	resp := map[string]any{
		"description": http.StatusText(status) + ". " + strings.Join(parts, "; ") + ".",
		"content":     map[string]any{"application/problem+json": map[string]any{"schema": schema}},
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		resp["headers"] = map[string]any{"Retry-After": map[string]any{
			"description": "Seconds to wait before retrying, when the server knows.",
			"schema":      map[string]any{"type": "integer", "minimum": 0},
		}}
	}
	return resp
}

// codeDoc says what each error code means, for the refusals of the
// document.
var codeDoc = map[niaga.Code]string{
	niaga.CodeInvalid:             "a path id, parameter, header or body field is missing or wrong (`errors` names each)",
	niaga.CodeUnauthorized:        "no credentials, or a bearer token that is wrong, expired or revoked, or a wrong password",
	niaga.CodeForbidden:           "your role, or your part in what the path names, does not allow this",
	niaga.CodeNotFound:            "the id in the path names nothing (or nothing you may see)",
	niaga.CodeConflict:            "the state does not allow it now (already decided, closed, reversed, a duplicate)",
	niaga.CodeTooLarge:            "the body or file is too large",
	niaga.CodeUnsupportedMedia:    "the body is not in a content type the operation takes",
	niaga.CodeRateLimited:         "too many requests; wait (Retry-After) and retry",
	niaga.CodeUnavailable:         "the database is unavailable or busy, or the server is shutting down; retry",
	niaga.CodeInsufficientDeposit: "your free guarantee deposit at the market does not cover the lot's guarantee",
	niaga.CodeAuctionClosed:       "bidding on the lot has ended",
	niaga.CodeAuctionNotOpen:      "bidding on the lot has not started (or the lot is not admitted)",
	niaga.CodeBidTooLow:           "the bid is below the lowest acceptable price, given in `min`",
	niaga.CodeOwnLot:              "sellers may not bid on their own lots",
	niaga.CodeNotVerified:         "your organization or participation is not verified",
	niaga.CodeMissionNotOpen:      "the mission is not open (planned or closed)",
	niaga.CodeImportRejected:      "rows of the file are wrong; nothing was imported; `rows` lists every error",
	niaga.CodeRequestExpired:      "the meeting request expired before the answer",
	niaga.CodeInternal:            "a server fault; quote the request_id",
}

// problemTypes are the problem documents that carry more than Problem.
var problemTypes = map[niaga.Code]reflect.Type{
	niaga.CodeImportRejected: reflect.TypeFor[ImportProblem](),
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
	if e, ok := niaga.EnumOf(t); ok {
		return map[string]any{"type": "string", "enum": e.Values}
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
		return g.structRef(t)
	}
	return map[string]any{}
}

// structRef registers a named struct as a component and refers to it; an
// anonymous one is inlined.
func (g *schemaGen) structRef(t reflect.Type) map[string]any {
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
			props[name] = g.fieldSchema(t, f)
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

// fieldSchema is a field's schema with what its tags add: `enum:"name"`
// (the values of a declared enum, for a string or the items of a list),
// `range:"name"` (a declared range: an integer's bounds, a string's
// length, a list's size), `format:"date"` or `format:"clock"`, `doc:"…"`
// (its description) and `rangedoc:"name"` (a range the description says).
func (g *schemaGen) fieldSchema(owner reflect.Type, f reflect.StructField) map[string]any {
	s := g.schema(f.Type)
	where := owner.String() + "." + f.Name
	if name := f.Tag.Get("enum"); name != "" {
		target := s
		if s["type"] == "array" {
			target = s["items"].(map[string]any)
		}
		if target["type"] != "string" {
			panic("openapi: " + where + " has an enum but is no string")
		}
		target["enum"] = mustEnum(where, name).Values
	}
	if name := f.Tag.Get("range"); name != "" {
		bound(s, mustRange(where, name))
	}
	switch f.Tag.Get("format") {
	case "":
	case "date":
		s["format"] = "date"
	case "email":
		s["format"] = "email"
	case "clock":
		s["pattern"] = niaga.ClockPattern
	default:
		panic("openapi: " + where + " names an unknown format")
	}
	d := f.Tag.Get("doc")
	if name := f.Tag.Get("rangedoc"); name != "" {
		// A range that holds only in some cases (a dutch lot's tick) is
		// said, not stated as bounds the other cases would break.
		r := mustRange(where, name)
		d = strings.TrimSpace(d + " " + strconv.FormatInt(r.Min, 10) + " to " + strconv.FormatInt(r.Max, 10) + ".")
	}
	if d != "" && s["$ref"] == nil {
		s["description"] = d
	}
	return s
}

// bound states r on s by the kind of value s describes.
func bound(s map[string]any, r niaga.Range) {
	switch s["type"] {
	case "integer":
		s["minimum"], s["maximum"] = r.Min, r.Max
	case "string":
		s["maxLength"] = r.Max
		if r.Min > 0 {
			s["minLength"] = r.Min
		}
	case "array":
		s["maxItems"] = r.Max
		if r.Min > 0 {
			s["minItems"] = r.Min
		}
	default:
		panic("openapi: range " + r.Name + " on a value without bounds")
	}
}

func mustEnum(where, name string) niaga.Enum {
	e, ok := niaga.EnumNamed(name)
	if !ok {
		panic("openapi: " + where + " names an unknown enum " + name)
	}
	return e
}

func mustRange(where, name string) niaga.Range {
	r, ok := niaga.RangeNamed(name)
	if !ok {
		panic("openapi: " + where + " names an unknown range " + name)
	}
	return r
}

// openapiTags describes the tags the route tables use; the linter
// (scripts/apilint.sh) refuses a tag that is not listed here.
var openapiTags = []any{
	map[string]any{"name": "auth", "description": "Signing up and in and out, the signed-in user, email confirmation, password reset, API tokens and sessions, business verification"},
	map[string]any{"name": "notifications", "description": "The signed-in user's notifications, their stream and the channels chosen per kind"},
	map[string]any{"name": "registry", "description": "Reference data: provinces with their time zones, commodities with base units and grades"},
	map[string]any{"name": "admin", "description": "Users and organizations, for the administrator (an organization's members read their own)"},
	map[string]any{"name": "auction", "description": "The auction market: markets, sessions, lots, bids, deposits, contracts and their settlement, live lot streams"},
	map[string]any{"name": "missions", "description": "Trade missions: participants, offers and needs, matchmaking, meetings and the schedule, the deal ledger, agreements, financing, the live board"},
	map[string]any{"name": "reports", "description": "Reports as JSON, CSV, XLSX and PDF: markets, sessions, missions, settlement, commodities, trade flows between provinces; price history; contract documents"},
	map[string]any{"name": "system", "description": "This OpenAPI document"},
}
