package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"niaga"
	"niaga/live"
	"niaga/store"
	"niaga/store/storetest"
)

// A transaction that commits after another must not publish its events
// first: a watcher skips an id below one it has seen (and resumes after
// the highest it saw), so an overtaken event would be lost to it. Here
// the first deal's goroutine stalls between its commit and its
// publication while a second deal commits.
func TestEventsPublishedInCommitOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hub := live.NewHub()
		db.SetHub(hub)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if db.Engine == store.Postgres {
			go db.Listen(ctx)
			time.Sleep(200 * time.Millisecond) // LISTEN in place
		}
		w := newTrip(t, db)
		w.open()
		sub := hub.Subscribe(store.MissionTopic(w.mission.ID))
		defer sub.Close()
		deal := func(value int64) error {
			_, _, err := db.RecordDeal(w.ctx, w.agency, w.mission.ID, niaga.NewDeal{SellerID: w.part["kalsel1"].ID,
				BuyerID: w.part["jatim1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 10, Value: value})
			return err
		}
		var first atomic.Bool
		committed := make(chan struct{})
		db.SetAfterCommitHookForTest(func() {
			if first.CompareAndSwap(false, true) {
				close(committed)
				time.Sleep(300 * time.Millisecond)
			}
		})
		defer db.SetAfterCommitHookForTest(nil)
		errs := make(chan error, 2)
		go func() { errs <- deal(1000) }()
		<-committed
		go func() { errs <- deal(2000) }()
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		var last int64
		for got := range 2 {
			select {
			case e := <-sub.C:
				if e.ID <= last {
					t.Fatalf("event %d published after %d", e.ID, last)
				}
				last = e.ID
			case <-time.After(5 * time.Second):
				t.Fatalf("%d of 2 events arrived", got)
			}
		}
	})
}
