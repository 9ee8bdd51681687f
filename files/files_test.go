package files

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPutOpen(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "docs"))
	if err != nil {
		t.Fatal(err)
	}
	ok := func([]byte) error { return nil }
	content := []byte("%PDF-1.4 surat izin usaha")
	sum, size, err := d.Put(bytes.NewReader(content), 100, ok)
	if err != nil || size != int64(len(content)) || len(sum) != 64 {
		t.Fatalf("put: %s %d %v", sum, size, err)
	}
	again, _, err := d.Put(bytes.NewReader(content), 100, ok)
	if err != nil || again != sum {
		t.Fatalf("the same content has another name: %s %s %v", again, sum, err)
	}
	f, err := d.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	_ = f.Close()
	if !bytes.Equal(got, content) {
		t.Fatalf("read back %q", got)
	}
	if _, err := d.Open("../../etc/passwd"); err == nil {
		t.Fatal("a path that is not a hash was opened")
	}
}

func TestPutRefusesAndLeavesNothing(t *testing.T) {
	root := t.TempDir()
	d, _ := Open(root)
	if _, _, err := d.Put(strings.NewReader(strings.Repeat("x", 101)), 100, func([]byte) error { return nil }); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("101 bytes under a 100 limit: %v", err)
	}
	refused := errors.New("not a PDF")
	var head []byte
	if _, _, err := d.Put(strings.NewReader(strings.Repeat("y", 1000)), 2000, func(h []byte) error { head = h; return refused }); !errors.Is(err, refused) {
		t.Fatalf("refused upload: %v", err)
	}
	if len(head) != 512 {
		t.Fatalf("accept saw %d bytes, want the first 512", len(head))
	}
	left, _ := os.ReadDir(root)
	if len(left) != 0 {
		t.Fatalf("refused uploads left %d entries", len(left))
	}
}
