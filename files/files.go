// Package files keeps uploaded files (verification documents) outside the
// database, in a directory, each named by the SHA-256 of its content: the
// same file uploaded twice is stored once, a name cannot be chosen by the
// uploader, and the database row that refers to it holds the hash. A file
// is written to a temporary name, synced, checked and only then renamed
// into place, so a crash never leaves half a file under a real name.
package files

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrTooLarge is returned by Put for content over its limit.
var ErrTooLarge = errors.New("files: too large")

// Dir is a directory of content-addressed files.
type Dir struct{ root string }

// Open makes (if needed) and opens the directory.
func Open(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, err
	}
	return &Dir{root: root}, nil
}

// Put stores what r holds, at most max bytes, after accept has approved
// its first 512 bytes (e.g. a sniffed content type), and returns its
// SHA-256 in hex and its size.
func (d *Dir) Put(r io.Reader, max int64, accept func(head []byte) error) (sum string, size int64, err error) {
	tmp, err := os.CreateTemp(d.root, ".upload-*")
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()           // the write's error is the one to report
			_ = os.Remove(tmp.Name()) // nothing to keep of a refused upload
		}
	}()
	h := sha256.New()
	head := &prefix{max: 512}
	size, err = io.Copy(io.MultiWriter(tmp, h, head), io.LimitReader(r, max+1))
	if err != nil {
		return "", 0, err
	}
	if size > max {
		return "", 0, ErrTooLarge
	}
	if err = accept(head.b); err != nil {
		return "", 0, err
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, err
	}
	if err = tmp.Close(); err != nil {
		return "", 0, err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	path := d.path(sum)
	if err = os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", 0, err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return "", 0, err
	}
	return sum, size, nil
}

// Open opens the file with that SHA-256.
func (d *Dir) Open(sum string) (*os.File, error) {
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("files: %q is not a SHA-256", sum)
	}
	return os.Open(d.path(sum))
}

func (d *Dir) path(sum string) string { return filepath.Join(d.root, sum[:2], sum) }

// prefix keeps the first max bytes written to it.
type prefix struct {
	b   []byte
	max int
}

func (p *prefix) Write(b []byte) (int, error) {
	if n := p.max - len(p.b); n > 0 {
		p.b = append(p.b, b[:min(n, len(b))]...)
	}
	return len(b), nil
}
