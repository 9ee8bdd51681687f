package store_test

import (
	"context"
	"testing"

	"niaga/store"
	"niaga/store/storetest"
)

// A new watcher is shown a topic's latest events, and a page passes the
// newest id to its stream: neither reads the topic's whole history.
func TestRecentAndLastEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var ids []int64
		for i := range 150 {
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				id, err := tx.Emit(ctx, "test:recent", "tick", map[string]int{"i": i})
				ids = append(ids, id)
				_, err2 := tx.Emit(ctx, "test:other", "tick", nil)
				if err == nil {
					err = err2
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		last, err := db.LastEventID(ctx, "test:recent")
		if err != nil || last != ids[len(ids)-1] {
			t.Fatalf("last event id %d, %v; want %d", last, err, ids[len(ids)-1])
		}
		if none, err := db.LastEventID(ctx, "test:none"); err != nil || none != 0 {
			t.Fatalf("empty topic: %d, %v", none, err)
		}
		evs, err := db.RecentEvents(ctx, "test:recent", 100)
		if err != nil || len(evs) != 100 {
			t.Fatalf("%d recent events, %v", len(evs), err)
		}
		for i, e := range evs {
			if want := ids[50+i]; e.ID != want || e.Topic != "test:recent" {
				t.Fatalf("recent event %d: id %d topic %s, want %d", i, e.ID, e.Topic, want)
			}
		}
	})
}
