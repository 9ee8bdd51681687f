package web

import (
	"context"
	"log/slog"
	"time"

	"niaga"
	"niaga/store"
)

// A trader's own view over the API: the lots its business bid on and its
// watchlist (store/watch.go); auction_routes.go routes them. The pages
// show the same facts (page_bidding.go).

func (s *Server) listMyBids(c *Call, _ *NoBody) ([]niaga.MyBid, error) {
	return s.db.MyBids(c, c.Actor, time.Now())
}

func (s *Server) listWatchlist(c *Call, _ *NoBody) ([]niaga.Watch, error) {
	return s.db.Watchlist(c, c.Actor, time.Now())
}

func (s *Server) watch(c *Call, in *niaga.WatchInput) (struct{}, error) {
	return struct{}{}, s.db.Watch(c, c.Actor, *in)
}

func (s *Server) unwatchLot(c *Call, _ *NoBody) (struct{}, error) {
	return s.unwatch(c, niaga.WatchLot)
}

func (s *Server) unwatchSession(c *Call, _ *NoBody) (struct{}, error) {
	return s.unwatch(c, niaga.WatchSession)
}

func (s *Server) unwatch(c *Call, kind niaga.WatchKind) (struct{}, error) {
	id, err := c.ID("id")
	if err != nil {
		return struct{}{}, err
	}
	return struct{}{}, s.db.Unwatch(c, c.Actor, kind, id)
}

// openingsEvery is how often an instance looks for watched lots and
// sessions about to open: well inside the quarter hour of notice.
const openingsEvery = 20 * time.Second

// notifyOpenings tells watchers, a quarter of an hour ahead, that a lot or
// session they watch opens (store.NotifyOpenings: once each, on any number
// of instances), until ctx ends.
func (s *Server) notifyOpenings(ctx context.Context) {
	t := time.NewTicker(openingsEvery)
	defer t.Stop()
	for {
		if _, err := s.db.NotifyOpenings(ctx, store.OpeningLead, 500); err != nil && ctx.Err() == nil {
			s.log.LogAttrs(ctx, slog.LevelError, "opening notifications", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
