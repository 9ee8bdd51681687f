package web

import "testing"

// TestResolveClientIP: X-Forwarded-For counts only from a trusted peer,
// read from the right, trusted hops skipped, client-written entries on the
// left ignored.
func TestResolveClientIP(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/24, 192.0.2.10, fd00::/64")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct, no header", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"untrusted peer's header ignored", "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"untrusted peer spoofing a proxy", "203.0.113.5:4000", []string{"10.0.0.7"}, "203.0.113.5"},
		{"trusted peer, one hop", "10.0.0.2:5555", []string{"198.51.100.1"}, "198.51.100.1"},
		{"client-written left entries ignored", "10.0.0.2:5555", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"trusted hops skipped", "10.0.0.2:5555", []string{"1.2.3.4, 198.51.100.1, 192.0.2.10, 10.0.0.9"}, "198.51.100.1"},
		{"several headers joined", "10.0.0.2:5555", []string{"1.2.3.4", "198.51.100.1, 10.0.0.9"}, "198.51.100.1"},
		{"all trusted: leftmost", "10.0.0.2:5555", []string{"10.0.0.3, 192.0.2.10"}, "10.0.0.3"},
		{"trusted peer, no header", "10.0.0.2:5555", nil, "10.0.0.2"},
		{"malformed hop stops the walk", "10.0.0.2:5555", []string{"198.51.100.1, garbage, 10.0.0.9"}, "10.0.0.9"},
		{"malformed only", "10.0.0.2:5555", []string{"garbage"}, "10.0.0.2"},
		{"hop with port", "10.0.0.2:5555", []string{"198.51.100.1:1234"}, "198.51.100.1"},
		{"ipv6 peer trusted", "[fd00::5]:80", []string{"2001:db8::1"}, "2001:db8::1"},
		{"ipv6 hop with port", "[fd00::5]:80", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"mapped ipv4 peer", "[::ffff:10.0.0.2]:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"mapped ipv4 client", "10.0.0.2:80", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"untrusted ipv6 peer", "[2001:db8::9]:80", []string{"198.51.100.1"}, "2001:db8::9"},
	}
	for _, c := range cases {
		if got := resolveClientIP(c.peer, c.xff, trusted); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	// Without trusted proxies the header never counts.
	if got := resolveClientIP("10.0.0.2:5555", []string{"198.51.100.1"}, nil); got != "10.0.0.2" {
		t.Errorf("no trusted proxies: got %s", got)
	}
}
