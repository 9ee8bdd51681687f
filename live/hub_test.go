package live

import "testing"

func TestHubFanOutAndSlowWatcher(t *testing.T) {
	h := NewHub()
	h.Buffer = 2
	a := h.Subscribe("lot:1")
	b := h.Subscribe("lot:1")
	other := h.Subscribe("lot:2")
	for i := int64(1); i <= 2; i++ {
		h.Publish(&Event{ID: i, Topic: "lot:1", Kind: "bid", Data: []byte(`{}`)})
	}
	if got := (<-a.C).ID; got != 1 {
		t.Fatal(got)
	}
	// b never reads: the third event overflows b, which is dropped; a keeps going.
	h.Publish(&Event{ID: 3, Topic: "lot:1", Kind: "bid", Data: []byte(`{}`)})
	if got := (<-a.C).ID; got != 2 {
		t.Fatal(got)
	}
	if got := (<-a.C).ID; got != 3 {
		t.Fatal(got)
	}
	n := 0
	for range b.C {
		n++
	}
	if n != 2 {
		t.Fatalf("slow watcher got %d before being dropped", n)
	}
	if h.Watchers("lot:1") != 1 || len(other.C) != 0 {
		t.Fatal("topics mixed")
	}
	a.Close()
	a.Close() // idempotent
	if h.Watchers("lot:1") != 0 {
		t.Fatal("not removed")
	}
}

func TestFrame(t *testing.T) {
	e := &Event{ID: 42, Kind: "deal", Data: []byte(`{"v":1}`)}
	if got := string(e.Frame()); got != "id: 42\nevent: deal\ndata: {\"v\":1}\n\n" {
		t.Fatalf("%q", got)
	}
}
