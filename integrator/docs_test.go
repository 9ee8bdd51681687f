package integrator

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// shBlock is a fenced ```sh block of a Markdown page.
var shBlock = regexp.MustCompile("(?ms)^```sh\n(.*?)^```")

// curlPrelude runs before the page's blocks: any failing command fails the
// script, and curl fails on an HTTP error status and says why (a page that
// writes `curl -s` gets `curl -fsS` semantics). A stream (-N) is read for
// two seconds: a timeout is its success.
const curlPrelude = `set -euo pipefail
curl() {
  local a
  for a in "$@"; do
    if [ "$a" = -N ]; then
      command curl --fail-with-body -sS --max-time 2 "$@" || [ $? -eq 28 ]
      return
    fi
  done
  command curl --fail-with-body -sS "$@"
}
`

// TestDocsCurlSession runs the sh blocks of docs/api.md, in order and as
// one bash script, against a demo server: the session a reader would type.
func TestDocsCurlSession(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s (apt-get install bash curl jq)", tool)
		}
	}
	page, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := shBlock.FindAllSubmatch(page, -1)
	if len(blocks) < 2 {
		t.Fatalf("docs/api.md has %d sh blocks; the curl session and the stream resumption were expected", len(blocks))
	}
	url := demoServer(t)
	var script strings.Builder
	script.WriteString(curlPrelude)
	for _, b := range blocks {
		script.WriteString(strings.ReplaceAll(string(b[1]), "localhost:8080", strings.TrimPrefix(url, "http://")))
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the session of docs/api.md failed: %v\n--- script\n%s\n--- output\n%s", err, script.String(), out)
	}
	// What each step shows when it works.
	for _, want := range []string{
		`"mechanism": "english"`,            // the lots
		`"bid_id":`,                         // the bid
		"event: bid",                        // the lot's stream
		`"total_display": "IDR `,            // the board, in English
		`"content_type": "application/pdf"`, // a signed-up business's document
		`"status": "credit"`,                // the statement's dry run matched the buyer's reference
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the session's output lacks %s:\n%s", want, out)
		}
	}
	xlsx, err := os.ReadFile(filepath.Join(dir, "flows.xlsx"))
	if err != nil || !bytes.HasPrefix(xlsx, []byte("PK")) {
		t.Errorf("flows.xlsx is no XLSX file (%v): %.40q", err, xlsx)
	}
}
