// Package proctest runs real `niaga` processes for the crash and scale-out
// tests: it builds the binary once, starts and kills servers on loopback
// ports, and speaks JSON to them with retries.
package proctest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build compiles cmd/niaga into a temporary directory and returns its path.
func Build(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "niaga")
	cmd := exec.Command("go", "build", "-o", bin, "niaga/cmd/niaga")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build niaga: %v", err)
	}
	return bin
}

// Server is one niaga process on a fixed loopback address.
type Server struct {
	T    testing.TB
	Bin  string
	DSN  string
	Addr string

	mu  sync.Mutex
	cmd *exec.Cmd
	log *bytes.Buffer
}

// NewServer picks a free loopback port for a server of bin on dsn.
func NewServer(t testing.TB, bin, dsn string) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	s := &Server{T: t, Bin: bin, DSN: dsn, Addr: addr}
	t.Cleanup(s.Kill)
	return s
}

// URL is the server's base URL.
func (s *Server) URL() string { return "http://" + s.Addr }

// Start runs `niaga sub` (serve or demo) and waits until /readyz answers.
func (s *Server) Start(sub string) {
	s.T.Helper()
	s.mu.Lock()
	s.log = &bytes.Buffer{}
	s.cmd = exec.Command(s.Bin, sub, "--db", s.DSN, "--addr", s.Addr, "--log", "warn")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	err := s.cmd.Start()
	s.mu.Unlock()
	if err != nil {
		s.T.Fatal(err)
	}
	probe := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		res, err := probe.Get(s.URL() + "/readyz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
	}
	s.T.Fatalf("niaga %s did not become ready: %s", sub, s.log)
}

// Log is what the current process printed.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return ""
	}
	return s.log.String()
}

// Kill ends the process with SIGKILL (no shutdown, no flush).
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		_ = s.cmd.Wait() // "signal: killed"
		s.cmd = nil
	}
}

// Client sends JSON requests with a bearer token.
type Client struct {
	HTTP *http.Client
}

// NewClient returns a client with a request timeout.
func NewClient() *Client { return &Client{HTTP: &http.Client{Timeout: 5 * time.Second}} }

// Do sends one request; out is decoded from a 2xx answer.
func (c *Client) Do(method, url, token, key string, in, out any) (int, error) {
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close() //nolint:errcheck // read side
	if out != nil && res.StatusCode < 300 {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			return res.StatusCode, err
		}
	}
	return res.StatusCode, nil
}

// Retry repeats a request (same idempotency key) while the server is dead
// or answers 503, until stop closes. url picks the target on each attempt,
// so a retry can move to another instance.
func (c *Client) Retry(stop <-chan struct{}, method string, url func() string, token, key string, in, out any) (int, bool) {
	for {
		status, err := c.Do(method, url(), token, key, in, out)
		if err == nil && status != http.StatusServiceUnavailable {
			return status, true
		}
		select {
		case <-stop:
			return 0, false
		case <-time.After(20 * time.Millisecond):
		}
	}
}
