package web

import (
	"context"
	"net/http"
	"time"

	"niaga"
)

// Who may call the auction-market operations besides the public.
var (
	marketOrganizers = Only(niaga.RoleOrganizer, niaga.RoleAdmin)
	marketBusinesses = Only(niaga.RoleBusiness)
	contractParties  = Only(niaga.RoleOrganizer, niaga.RoleBusiness, niaga.RoleAdmin)
)

// auctionRoutes is the auction-market API: markets and deposits, sessions,
// lots and bids, contracts. Handlers are in auction.go.
func auctionRoutes() []endpoint {
	const tag = "auction"
	return []endpoint{
		// Markets and guarantee deposits.
		{Route{Method: "GET", Path: "/api/v1/markets", ID: "listMarkets", Summary: "Auction markets", Tag: tag, Policy: &Public},
			api((*Server).listMarkets)},
		{Route{Method: "POST", Path: "/api/v1/markets", ID: "createMarket", Summary: "Open a market run by your organization", Tag: tag, Policy: &marketOrganizers, Status: http.StatusCreated},
			api((*Server).createMarket)},
		{Route{Method: "GET", Path: "/api/v1/markets/{id}", ID: "getMarket", Summary: "One market", Tag: tag, Policy: &Public},
			api((*Server).getMarket)},
		{Route{Method: "POST", Path: "/api/v1/markets/{id}/deposits", ID: "recordDeposit", Summary: "Record a buyer's guarantee deposit or refund (the market's organizer)", Tag: tag, Policy: &marketOrganizers, Status: http.StatusCreated},
			api((*Server).recordDeposit)},
		{Route{Method: "GET", Path: "/api/v1/markets/{id}/deposits", ID: "listMarketDeposits", Summary: "Deposit accounts of a market (its organizer)", Tag: tag, Policy: &marketOrganizers},
			api((*Server).listMarketDeposits)},
		{Route{Method: "GET", Path: "/api/v1/deposits", ID: "listMyDeposits", Summary: "Your organization's deposit accounts", Tag: tag, Policy: &SignedIn},
			api((*Server).listMyDeposits)},

		// Sessions.
		{Route{Method: "GET", Path: "/api/v1/sessions", ID: "listSessions", Summary: "Auction sessions", Tag: tag, Policy: &Public},
			api((*Server).listSessions)},
		{Route{Method: "POST", Path: "/api/v1/sessions", ID: "createSession", Summary: "Schedule a session over your market(s); other markets make it a joint session", Tag: tag, Policy: &marketOrganizers, Status: http.StatusCreated},
			api((*Server).createSession)},
		{Route{Method: "GET", Path: "/api/v1/sessions/{id}", ID: "getSession", Summary: "One session", Tag: tag, Policy: &Public},
			api((*Server).getSession)},

		// Lots and bids.
		{Route{Method: "GET", Path: "/api/v1/lots", ID: "listLots", Summary: "Lots (admitted ones, plus your own and your markets' submissions)", Tag: tag, Policy: &Public, Query: []string{"session_id", "status", "commodity"}},
			api((*Server).listLots)},
		{Route{Method: "POST", Path: "/api/v1/lots", ID: "submitLot", Summary: "Submit a lot for admission (sellers)", Tag: tag, Policy: &marketBusinesses, Status: http.StatusCreated},
			api((*Server).submitLot)},
		{Route{Method: "GET", Path: "/api/v1/lots/{id}", ID: "getLot", Summary: "A lot: state, best visible price, end time, bid count", Tag: tag, Policy: &Public},
			api((*Server).getLot)},
		{Route{Method: "POST", Path: "/api/v1/lots/{id}/admit", ID: "admitLot", Summary: "Admit a submitted lot (the market's organizer)", Tag: tag, Policy: &marketOrganizers},
			api((*Server).admitLot)},
		{Route{Method: "POST", Path: "/api/v1/lots/{id}/reject", ID: "rejectLot", Summary: "Reject a submitted lot with a reason (the market's organizer)", Tag: tag, Policy: &marketOrganizers},
			api((*Server).rejectLot)},
		{Route{Method: "POST", Path: "/api/v1/lots/{id}/bids", ID: "placeBid", Summary: "Bid on a lot; 201 means committed", Tag: tag, Policy: &marketBusinesses, Status: http.StatusCreated, Headers: []string{"Idempotency-Key"}},
			api((*Server).placeBid)},
		{Route{Method: "GET", Path: "/api/v1/lots/{id}/bids", ID: "listBids", Summary: "Visible bids (sealed bids only to their bidder until close)", Tag: tag, Policy: &Public},
			api((*Server).listBids)},
		{Route{Method: "GET", Path: "/api/v1/lots/{id}/stream", ID: "streamLot", Summary: "Server-sent events of bids, extensions and the close; resumable with Last-Event-ID", Tag: tag, Policy: &Public, Produces: "text/event-stream", Query: []string{"last_event_id", "heartbeat"}},
			raw((*Server).streamLot)},

		// A trader's own view: the lots its business bid on, its watchlist.
		{Route{Method: "GET", Path: "/api/v1/me/bids", ID: "listMyBids", Summary: "Lots your business bid on, latest first, with where it stands: leading, outbid, placed (sealed or call, until the close), won or lost", Tag: tag, Policy: &marketBusinesses},
			api((*Server).listMyBids)},
		{Route{Method: "GET", Path: "/api/v1/me/watchlist", ID: "listWatchlist", Summary: "Lots and sessions you watch, the soonest to open first; you are told once, 15 minutes before each opens", Tag: tag, Policy: &marketBusinesses},
			api((*Server).listWatchlist)},
		{Route{Method: "POST", Path: "/api/v1/me/watchlist", ID: "watch", Summary: "Watch a lot (lot_id) or a session (session_id); watching one twice changes nothing", Tag: tag, Policy: &marketBusinesses, Status: http.StatusNoContent},
			api((*Server).watch)},
		{Route{Method: "DELETE", Path: "/api/v1/me/watchlist/lots/{id}", ID: "unwatchLot", Summary: "Stop watching a lot", Tag: tag, Policy: &marketBusinesses, Status: http.StatusNoContent},
			api((*Server).unwatchLot)},
		{Route{Method: "DELETE", Path: "/api/v1/me/watchlist/sessions/{id}", ID: "unwatchSession", Summary: "Stop watching a session", Tag: tag, Policy: &marketBusinesses, Status: http.StatusNoContent},
			api((*Server).unwatchSession)},

		// Contracts and their settlement.
		{Route{Method: "GET", Path: "/api/v1/contracts", ID: "listContracts", Summary: "Contracts you are party to (organizers: your markets')", Tag: tag, Policy: &SignedIn, Query: []string{"lot_id"}},
			api((*Server).listContracts)},
		{Route{Method: "GET", Path: "/api/v1/contracts/{id}", ID: "getContract", Summary: "A contract with its settlement steps", Tag: tag, Policy: &SignedIn},
			api((*Server).getContract)},
		{Route{Method: "POST", Path: "/api/v1/contracts/{id}/steps", ID: "settleContract", Summary: "Record a settlement step: paid, delivered, completed, defaulted, cancelled, disputed", Tag: tag, Policy: &contractParties},
			api((*Server).settleContract)},
	}
}

// routeAuction registers the auction-market API and starts the closer of
// ended auctions among the background work.
func (s *Server) routeAuction() {
	s.background = append(s.background, func(ctx context.Context) { s.db.RunCloser(ctx, 500*time.Millisecond) })
	s.background = append(s.background, s.notifyOpenings)
	s.handleAll(auctionRoutes())
}
