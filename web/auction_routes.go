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
		{Route{Method: "GET", Path: "/api/v1/deposits", ID: "listMyDeposits", Summary: "Your organization's deposit accounts, with the payment reference of each", Tag: tag, Policy: &SignedIn},
			api((*Server).listMyDeposits)},
		{Route{Method: "PUT", Path: "/api/v1/markets/{id}/payment", ID: "setPaymentInstructions", Summary: "Set the bank account buyers pay deposits into (the market's organizer); all fields empty clears it", Tag: tag, Policy: &marketOrganizers},
			api((*Server).setPaymentInstructions)},
		{Route{Method: "POST", Path: "/api/v1/markets/{id}/statements", ID: "importStatement", Summary: "Reconcile a bank statement (CSV as the bank exports it, or XLSX: text/csv, the XLSX type, or multipart field \"file\"): credits matched by payment reference, each statement line at most once; dry_run=true previews (the market's organizer)",
			Tag: tag, Policy: &marketOrganizers, Query: []string{"dry_run"}, Produces: "application/json"},
			raw((*Server).importStatement)},

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
		{Route{Method: "GET", Path: "/api/v1/lots/{id}/stream", ID: "streamLot", Summary: "Server-sent events of bids, extensions and the close; resumable with Last-Event-ID", Tag: tag, Policy: &Public, Produces: "text/event-stream", Query: []string{"last_event_id"}},
			raw((*Server).streamLot)},

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
	s.handleAll(auctionRoutes())
}
