package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"niaga"
)

// Policy says who may call a route. Every route must declare one; the
// router refuses to register a route without it (default deny).
type Policy struct {
	public bool
	roles  []niaga.Role // empty with public=false: any signed-in user
	name   string
}

// Public routes need no credentials.
var Public = Policy{public: true, name: "public"}

// SignedIn routes need any signed-in user; ownership is checked inside.
var SignedIn = Policy{name: "signed-in"}

// Only limits a route to the roles given.
func Only(roles ...niaga.Role) Policy {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return Policy{roles: roles, name: strings.Join(names, ",")}
}

// Allows reports whether a caller with role (or the public, role "") passes.
func (p Policy) Allows(role niaga.Role) bool {
	if p.public {
		return true
	}
	if role == "" {
		return false
	}
	if len(p.roles) == 0 {
		return true
	}
	for _, r := range p.roles {
		if r == role {
			return true
		}
	}
	return false
}

// Route describes one API operation; the OpenAPI document is generated
// from the same table that registers the handlers, so they cannot drift.
type Route struct {
	Method, Path string
	ID           string // operationId
	Summary      string
	// Doc is the operation's description: what the summary leaves out.
	Doc      string
	Tag      string
	Policy   *Policy
	Status   int     // success status; 200 when zero
	Query    []Param // query parameters
	Headers  []Param // request headers (e.g. Idempotency-Key)
	Produces string  // content type of a raw route (text/event-stream, text/csv…)
	// Upload marks a route that takes a spreadsheet (see readUpload)
	// instead of a JSON body.
	Upload bool
	// FormFile names the file field of a route that takes one file as
	// multipart/form-data, after the fields Form.
	FormFile string
	Form     []Param
	// SignedInSeesMore marks a public route whose answer depends on who
	// asks (your own submissions, your sealed bid): it takes credentials
	// optionally. Other public routes declare that they take none.
	SignedInSeesMore bool
	// Errors are the refusals the handler and the store can answer besides
	// those the route's shape implies (see Route.refusals).
	Errors []niaga.Code
	// Example is an example request body, from the demo data: a value of
	// the input type, or the text of an upload.
	Example any

	in, out reflect.Type
}

// ParamKind is the type of a parameter's value.
type ParamKind int

// Parameter kinds.
const (
	StringParam  ParamKind = iota
	IntegerParam           // int64, bounded by Param.Range when named
	IDParam                // a positive integer id
	BooleanParam           // true or false
	DateParam              // a calendar date 2006-01-02
)

// Param is a query parameter or request header of a route.
type Param struct {
	Name     string
	Kind     ParamKind
	Doc      string
	Enum     string // a declared enum's name (niaga.EnumNamed)
	Range    string // a declared range's name (niaga.RangeNamed): an integer's bounds, a string's length
	Pattern  string // a regular expression a string matches
	Required bool
}

// Call is one API request as seen by a handler.
type Call struct {
	context.Context
	R     *http.Request
	W     http.ResponseWriter
	Actor *niaga.Actor
	S     *Server
}

// ID parses a positive integer path parameter.
func (c *Call) ID(name string) (int64, error) {
	v, err := strconv.ParseInt(c.R.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, niaga.Invalid(name, "must be a positive integer id")
	}
	return v, nil
}

// QueryInt parses an optional integer query parameter.
func (c *Call) QueryInt(name string, def int64) (int64, error) {
	s := c.R.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, niaga.Invalid(name, "must be an integer")
	}
	return v, nil
}

// Lang is the caller's language: "id" (default) or "en".
func (c *Call) Lang() string { return langOf(c.R) }

// NoBody is the input of operations without a request body.
type NoBody struct{}

// validator is implemented by inputs that check themselves after decoding.
type validator interface{ Validate() error }

// maxBody limits JSON request bodies.
const maxBody = 1 << 20

// Handle registers a JSON operation: the body decodes into In (strictly:
// unknown fields, wrong types, invalid UTF-8 and trailing data are refused),
// the policy is enforced before fn runs, and Out is written as JSON.
func Handle[In, Out any](s *Server, r Route, fn func(c *Call, in *In) (Out, error)) {
	r.in = reflect.TypeFor[In]()
	r.out = reflect.TypeFor[Out]()
	hasBody := r.in != reflect.TypeFor[NoBody]()
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	s.register(&r, func(c *Call) error {
		in := new(In)
		if hasBody {
			if err := decodeJSON(c.R, in); err != nil {
				return err
			}
			if v, ok := any(in).(validator); ok {
				if err := v.Validate(); err != nil {
					return err
				}
			}
		}
		out, err := fn(c, in)
		if err != nil {
			return err
		}
		writeJSON(c.W, status, out)
		return nil
	})
}

// HandleRaw registers an operation that writes its own response (streams,
// downloads). The policy is enforced the same way.
func HandleRaw(s *Server, r Route, fn func(c *Call) error) {
	s.register(&r, fn)
}

func (s *Server) register(r *Route, fn func(c *Call) error) {
	if r.Policy == nil {
		panic("web: route " + r.Method + " " + r.Path + " has no policy")
	}
	if r.ID == "" {
		panic("web: route " + r.Method + " " + r.Path + " has no operation id")
	}
	s.routes = append(s.routes, r)
	policy := *r.Policy
	s.mux.HandleFunc(r.Method+" "+r.Path, func(w http.ResponseWriter, req *http.Request) {
		actor, err := s.authenticate(req)
		if err != nil {
			s.problem(w, req, err)
			return
		}
		var role niaga.Role
		if actor != nil {
			role = actor.Role
		}
		if !policy.Allows(role) {
			if actor == nil {
				s.problem(w, req, niaga.Errorf(niaga.CodeUnauthorized, "sign in or send a bearer token"))
			} else {
				s.problem(w, req, niaga.Errorf(niaga.CodeForbidden, "your role may not do this"))
			}
			return
		}
		if actor != nil {
			setLogUser(req, actor.UserID)
		}
		ctx := niaga.WithActor(req.Context(), actor)
		if err := fn(&Call{Context: ctx, R: req.WithContext(ctx), W: w, Actor: actor, S: s}); err != nil {
			s.problem(w, req, err)
		}
	})
}

// decodeJSON reads a bounded body and decodes it strictly into v.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &niaga.Error{Code: niaga.CodeUnsupportedMedia, Message: "send application/json",
				Fields: []niaga.FieldError{{Field: "Content-Type", Reason: "must be application/json"}}}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &niaga.Error{Code: niaga.CodeTooLarge, Message: fmt.Sprintf("body larger than %d bytes", maxBody),
				Fields: []niaga.FieldError{{Field: "body", Reason: "too large"}}}
		}
		return niaga.Invalid("body", "could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return niaga.Invalid("body", "required: send a JSON object")
	}
	if !utf8.Valid(body) {
		return niaga.Invalid("body", "must be valid UTF-8")
	}
	if bytes.Contains(body, []byte(`\u0000`)) { // PostgreSQL text cannot hold NUL; nobody means to send it
		field := "body"
		var members map[string]json.RawMessage
		if json.Unmarshal(body, &members) == nil {
			for name, raw := range members {
				if bytes.Contains(raw, []byte(`\u0000`)) {
					field = name
				}
			}
		}
		return niaga.Invalid(field, "must not contain NUL characters")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return locate(jsonError(err), body, v)
	}
	if dec.More() {
		return niaga.Invalid("body", "unexpected data after the JSON object")
	}
	return nil
}

// jsonError names the field a decoding error is about.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return niaga.Invalid("body", fmt.Sprintf("malformed JSON at byte %d", se.Offset))
	case errors.As(err, &te):
		field := jsonPath(te.Field)
		if field == "" {
			field = "body"
		}
		want := te.Type.Kind().String()
		switch te.Type.Kind() {
		case reflect.Int64, reflect.Int, reflect.Int32:
			want = "an integer within int64"
		case reflect.Struct, reflect.Map:
			want = "an object"
		case reflect.Slice:
			want = "an array"
		case reflect.String:
			want = "a string"
		case reflect.Bool:
			want = "true or false"
		}
		return niaga.Invalid(field, "must be "+want)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return niaga.Invalid("body", "malformed JSON: unexpected end")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if name == "" {
			name = `""` // a member with an empty name is still a field to point at
		}
		return niaga.Invalid(name, "unknown field")
	}
	return niaga.Invalid("body", "malformed JSON")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil { // a NaN, say: still a problem document, as documented
		p := ProblemOf(niaga.Errorf(niaga.CodeInternal, "encoding: %v", err), "")
		b, _ = json.Marshal(p)
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(p.Status)
		w.Write(append(b, '\n'))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte{'\n'})
}

// Name describes the policy: "public", "signed-in" or the roles allowed.
func (p Policy) Name() string { return p.name }

// locate names the field behind an error that encoding/json reports
// without one (a value's own UnmarshalJSON failing, such as a bad date):
// each top-level member is decoded alone into a fresh value until one fails.
func locate(err error, body []byte, v any) error {
	e, ok := err.(*niaga.Error)
	if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "body" || e.Fields[0].Reason != "malformed JSON" {
		return err
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) != nil {
		return err
	}
	t := reflect.TypeOf(v).Elem()
	for name, raw := range members {
		probe := reflect.New(t).Interface()
		one, _ := json.Marshal(map[string]json.RawMessage{name: raw})
		if json.Unmarshal(one, probe) != nil {
			return niaga.Invalid(name, "has an invalid value (dates are RFC 3339, e.g. 2026-11-21T09:00:00+07:00)")
		}
	}
	return err
}

// jsonPath is the JSON path of a decoding error's field: encoding/json
// names an embedded struct's field through the Go name of the struct
// ("BusinessProfile.city"), which no client sent; JSON names here are
// lower case, Go names are not.
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && unicode.IsUpper([]rune(p)[0]) {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}
