package integrator

import (
	"context"
	"go/build"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGeneratedClientFlow generates a Go client with oapi-codegen from the
// document the server serves, in a module of its own (testdata/client:
// oapi-codegen v2.8.2 and its runtime v1.9.0 pinned in go.mod and go.sum),
// and runs the flow program beside it against the server: sign in, list
// lots, bid, read the lot, record a mission deal. A document a generator
// reads differently from the server fails here: the client does not build,
// a request is refused, or an answer does not decode.
func TestGeneratedClientFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds oapi-codegen and a generated client (-short)")
	}
	goCmd := goTool(t)
	url := demoServer(t)
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "oapi-codegen.yaml", "main.go"} {
		b, err := os.ReadFile(filepath.Join("testdata", "client", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Get(url + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %v", resp.StatusCode, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "openapi.json"), doc, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	run := func(step, name string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		// The module is its own (no workspace); -mod=mod lets go add a
		// checksum if a changed document makes the client import more of
		// the pinned runtime's dependencies.
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %s %s: %v\n%s", step, filepath.Base(name), strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("generate the client", goCmd, "tool", "oapi-codegen", "-config", "oapi-codegen.yaml", "openapi.json")
	run("build the client and the flow", goCmd, "build", "-o", "flow", ".")
	out := run("run the flow", filepath.Join(dir, "flow"), "-url", url)
	t.Logf("flow against %s:\n%s", url, out)
	if !strings.Contains(out, "flow: passed") {
		t.Fatalf("the flow did not finish:\n%s", out)
	}
}

// goTool is the go command that runs this test (PATH first, then the
// GOROOT it was built with).
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(build.Default.GOROOT, "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Skip("no go command on PATH or in GOROOT")
	}
	return p
}
