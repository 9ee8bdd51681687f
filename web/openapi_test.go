package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"niaga"
)

// docServer registers the API routes on a server without a database: the
// document needs only the route table.
func docServer() *Server {
	s := &Server{mux: http.NewServeMux()}
	s.routeAPI()
	return s
}

// loadDoc loads the generated document with kin-openapi and validates it.
func loadDoc(t *testing.T) (*openapi3.T, *Server) {
	t.Helper()
	s := docServer()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(s.OpenAPI())
	if err != nil {
		t.Fatalf("kin-openapi does not load the document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	return doc, s
}

// TestOpenAPIValidates: the document loads and validates with kin-openapi
// (OpenAPI 3.1), and states what the route table says: every operation
// has a description, security, its refusals with a problem schema and a
// default; public operations declare their security explicitly.
func TestOpenAPIValidates(t *testing.T) {
	doc, s := loadDoc(t)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	ops, refusals := 0, 0
	for _, r := range s.Routes() {
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		if op == nil {
			t.Fatalf("%s %s is not in the document", r.Method, r.Path)
		}
		ops++
		if op.Description == "" {
			t.Errorf("%s has no description", r.ID)
		}
		if op.Security == nil {
			t.Errorf("%s declares no security", r.ID)
		}
		if op.Responses.Default() == nil {
			t.Errorf("%s has no default response", r.ID)
		}
		for code, resp := range op.Responses.Map() {
			if !strings.HasPrefix(code, "4") {
				continue
			}
			refusals++
			if resp.Value.Content.Get("application/problem+json") == nil {
				t.Errorf("%s %s: no problem+json", r.ID, code)
			}
		}
		if strings.Contains(r.Path, "{") && op.Responses.Status(404) == nil {
			t.Errorf("%s names an id but lists no 404", r.ID)
		}
		if !r.Policy.public && op.Responses.Status(401) == nil {
			t.Errorf("%s needs credentials but lists no 401", r.ID)
		}
	}
	t.Logf("%d operations, %d refusal responses", ops, refusals)
}

// TestOpenAPIExamples: every request body has an example from the demo
// data, and every example is valid against its schema.
func TestOpenAPIExamples(t *testing.T) {
	doc, _ := loadDoc(t)
	bodies := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			bodies++
			examples := 0
			for ctype, media := range op.RequestBody.Value.Content {
				if media.Example == nil {
					continue
				}
				examples++
				if strings.HasSuffix(ctype, "json") || ctype == "multipart/form-data" {
					if err := media.Schema.Value.VisitJSON(media.Example, openapi3.EnableFormatValidation()); err != nil {
						t.Errorf("%s %s: the example does not match the schema: %v", method, path, err)
					}
				} else if _, ok := media.Example.(string); !ok {
					t.Errorf("%s %s: the %s example is no text", method, path, ctype)
				}
			}
			if examples == 0 {
				t.Errorf("%s %s (%s) has a request body without an example", method, path, op.OperationID)
			}
		}
	}
	if bodies < 35 {
		t.Fatalf("only %d request bodies", bodies)
	}
	t.Logf("%d request bodies, each with a valid example", bodies)
}

// TestOpenAPIDeclarations: every enum and range the document names is
// declared in niaga, every error code is documented and every problem
// code is in the Problem schema's enum.
func TestOpenAPIDeclarations(t *testing.T) {
	for _, c := range niaga.EnumCode.Values {
		if codeDoc[niaga.Code(c)] == "" {
			t.Errorf("error code %s is not described in codeDoc", c)
		}
	}
	for c := range codeDoc {
		if !niaga.EnumCode.Has(string(c)) {
			t.Errorf("codeDoc describes %s, which is not in niaga.EnumCode", c)
		}
	}
	for c := range statusOf {
		if !niaga.EnumCode.Has(string(c)) {
			t.Errorf("statusOf maps %s, which is not in niaga.EnumCode", c)
		}
	}
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(docServer().OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	var problem struct {
		Properties map[string]struct {
			Enum []string `json:"enum"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(doc.Components.Schemas["Problem"], &problem); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(problem.Properties["code"].Enum, niaga.EnumCode.Values) {
		t.Errorf("Problem.code enum %v", problem.Properties["code"].Enum)
	}
	if _, ok := doc.Components.Schemas["ImportProblem"]; !ok {
		t.Error("no ImportProblem schema")
	}
}
