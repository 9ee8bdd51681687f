package web

import (
	"context"
	"net/http"
	"time"

	"niaga"
	"niaga/store"
)

// Who may call the auction-market operations besides the public.
var (
	marketOrganizers = Only(niaga.RoleOrganizer, niaga.RoleAdmin)
	marketBusinesses = Only(niaga.RoleBusiness)
	contractParties  = Only(niaga.RoleOrganizer, niaga.RoleBusiness, niaga.RoleAdmin)
)

// The auction API's parameters, declared once.
var (
	bidIdempotencyKey = Param{Name: "Idempotency-Key", Range: "idempotency_key",
		Doc: "Makes a retry safe: a bid sent again with the same key returns the first result (replayed: true) instead of bidding twice."}
	streamAfter = Param{Name: "after", Kind: IntegerParam,
		Doc: "Resume after this event id, a non-negative integer of at most 19 digits (a page that rendered up to an event); the Last-Event-ID header, which a reconnecting EventSource sends, wins over it. The former name last_event_id is still accepted."}
	streamHeartbeatParam = Param{Name: "heartbeat", Kind: BooleanParam,
		Doc: "Send the keep-alive every few seconds as a visible `ping` event (a page can tell a silent drop) instead of a comment."}
	streamLastEventID = Param{Name: "Last-Event-ID", Pattern: `^[0-9]{1,19}$`,
		Doc: "The id of the last event received: the stream resumes after it (EventSource sends it when reconnecting)."}
)

// auctionRoutes is the auction-market API: markets and deposits, sessions,
// lots and bids, contracts. Handlers are in auction.go.
func auctionRoutes() []endpoint {
	const tag = "auction"
	return []endpoint{
		// Markets and guarantee deposits.
		{Route{Method: "GET", Path: "/api/v1/markets", ID: "listMarkets", Summary: "Auction markets", Tag: tag, Policy: &Public},
			api((*Server).listMarkets)},
		{Route{Method: "POST", Path: "/api/v1/markets", ID: "createMarket", Summary: "Open a market run by your organization", Tag: tag, Policy: &marketOrganizers, Status: http.StatusCreated,
			Doc: "An organizer opens a market for its own organization; the admin names the organizer with organizer_org_id.",
			Example: store.MarketInput{Name: "Pasar Lelang Komoditas Lampung", Province: "18", FeeBuyerBps: 10, FeeSellerBps: 10,
				DepositRatioBps: 1000, Mechanisms: []string{"english", "sealed_first", "sealed_second", "dutch", "call"}}},
			api((*Server).createMarket)},
		{Route{Method: "GET", Path: "/api/v1/markets/{id}", ID: "getMarket", Summary: "One market", Tag: tag, Policy: &Public},
			api((*Server).getMarket)},
		{Route{Method: "POST", Path: "/api/v1/markets/{id}/deposits", ID: "recordDeposit", Summary: "Record a buyer's guarantee deposit or refund (the market's organizer)", Tag: tag, Policy: &marketOrganizers, Status: http.StatusCreated,
			Doc:     "A refund may not take the buyer's free deposit below the guarantees of its open positions (409).",
			Errors:  []niaga.Code{niaga.CodeConflict},
			Example: store.DepositInput{OrgID: 15, Kind: niaga.DepositPaidIn, Amount: 2_000_000_000, Note: "setoran awal"}},
			api((*Server).recordDeposit)},
		{Route{Method: "GET", Path: "/api/v1/markets/{id}/deposits", ID: "listMarketDeposits", Summary: "Deposit accounts of a market (its organizer)", Tag: tag, Policy: &marketOrganizers},
			api((*Server).listMarketDeposits)},
		{Route{Method: "GET", Path: "/api/v1/deposits", ID: "listMyDeposits", Summary: "Your organization's deposit accounts, with the payment reference of each", Tag: tag, Policy: &SignedIn},
			api((*Server).listMyDeposits)},
		{Route{Method: "PUT", Path: "/api/v1/markets/{id}/payment", ID: "setPaymentInstructions", Summary: "Set the bank account buyers pay deposits into (the market's organizer); all fields empty clears it", Tag: tag, Policy: &marketOrganizers,
			Doc:     "Public once set, as in an auction's announcement: lots and refusals show it with the buyer's payment reference.",
			Errors:  []niaga.Code{niaga.CodeForbidden},
			Example: niaga.PaymentInstructions{Bank: "BCA KCU Tanjung Karang", AccountNumber: "0213456789", AccountHolder: "Pasar Lelang Komoditas Lampung"}},
			api((*Server).setPaymentInstructions)},
		{Route{Method: "POST", Path: "/api/v1/markets/{id}/statements", ID: "importStatement", Summary: "Reconcile a bank statement (CSV as the bank exports it, or XLSX: text/csv, the XLSX type, or multipart field \"file\"): credits matched by payment reference, each statement line at most once; dry_run=true previews (the market's organizer)",
			Doc: "Columns are found by their header (Indonesian or English; see docs/deposits.md); the statement's account must be the market's. Each credit line whose remark carries a buyer's payment reference " +
				"credits that buyer's deposit, in one audited transaction; a line already credited (by its bank id or its content) is reported, not credited again.",
			Tag: tag, Policy: &marketOrganizers, Query: []Param{{Name: "dry_run", Kind: BooleanParam, Doc: "Preview the matches, credit nothing."}},
			Produces: "application/json", Upload: true, Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict},
			Example: "Tanggal Transaksi;Keterangan;Cabang;Jumlah;;Saldo\n'02/03;TRSF E-BANKING CR 0000010000004220 UD MAJU;'0998;1.000.000,00;CR;11.000.000,00\n"},
			rawOut[store.Reconciliation]((*Server).importStatement)},

		// Sessions.
		{Route{Method: "GET", Path: "/api/v1/sessions", ID: "listSessions", Summary: "Auction sessions", Tag: tag, Policy: &Public},
			api((*Server).listSessions)},
		{Route{Method: "POST", Path: "/api/v1/sessions", ID: "createSession", Summary: "Schedule a session over your market(s); other markets make it a joint session", Tag: tag, Policy: &marketOrganizers, Status: http.StatusCreated,
			Doc:    "A forward session needs a delivery_date. At least one of the markets must be yours (403 otherwise).",
			Errors: []niaga.Code{niaga.CodeForbidden},
			Example: store.SessionInput{Title: "Sesi Lelang Terpadu Lampung – Jawa Tengah", Kind: niaga.SessionSpot,
				StartsAt: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC),
				SoftCloseSec: 180, MaxExtensions: 20, MarketIDs: []int64{1, 2}}},
			api((*Server).createSession)},
		{Route{Method: "GET", Path: "/api/v1/sessions/{id}", ID: "getSession", Summary: "One session", Tag: tag, Policy: &Public},
			api((*Server).getSession)},

		// Lots and bids.
		{Route{Method: "GET", Path: "/api/v1/lots", ID: "listLots", Summary: "Lots (admitted ones, plus your own and your markets' submissions)", Tag: tag, Policy: &Public, SignedInSeesMore: true,
			Doc: "At most 1000 lots, by id. Submitted and rejected lots are listed only to their seller and the market's organizer.",
			Query: []Param{
				{Name: "session_id", Kind: IntegerParam, Doc: "Only the lots of this session (0 or absent: all)."},
				{Name: "status", Enum: "lot_status", Doc: "Only the lots with this status."},
				{Name: "commodity", Doc: "Only the lots of this commodity code (see listCommodities)."},
			}},
			api((*Server).listLots)},
		{Route{Method: "POST", Path: "/api/v1/lots", ID: "submitLot", Summary: "Submit a lot for admission (sellers)", Tag: tag, Policy: &marketBusinesses, Status: http.StatusCreated,
			Doc: "The market's organizer then admits or rejects it. Per mechanism: english needs increment; dutch needs dutch_start (at least the reserve), dutch_step and dutch_tick_ms; " +
				"sealed_first, sealed_second and call need only the reserve. The market must run the mechanism and the session must include the market.",
			Example: store.LotInput{SessionID: 8, MarketID: 1, Commodity: "beras", Grade: "medium", Quantity: 20_000, Origin: "Gudang Natar, Lampung Selatan",
				WarehouseReceipt: "SRG-LPG-2026-0117", DeliveryTerms: "Franco gudang penjual, 7 hari", Mechanism: "english", Reserve: 11_500, Increment: 50}},
			api((*Server).submitLot)},
		{Route{Method: "GET", Path: "/api/v1/lots/{id}", ID: "getLot", Summary: "A lot: state, best visible price, end time, bid count", Tag: tag, Policy: &Public, SignedInSeesMore: true,
			Doc: "A submitted or rejected lot is found only by its seller and the market's organizer (404 for others)."},
			api((*Server).getLot)},
		{Route{Method: "POST", Path: "/api/v1/lots/{id}/admit", ID: "admitLot", Summary: "Admit a submitted lot (the market's organizer)", Tag: tag, Policy: &marketOrganizers,
			Doc:     "Admission opens the lot for bids in its session's window; guarantee may replace the default guarantee. A decided lot, or a session that has ended, answers 409.",
			Errors:  []niaga.Code{niaga.CodeConflict},
			Example: DecisionInput{Guarantee: 23_000_000}},
			api((*Server).admitLot)},
		{Route{Method: "POST", Path: "/api/v1/lots/{id}/reject", ID: "rejectLot", Summary: "Reject a submitted lot with a reason (the market's organizer)", Tag: tag, Policy: &marketOrganizers,
			Doc:     "A rejection needs a reason; guarantee is refused. A decided lot answers 409.",
			Errors:  []niaga.Code{niaga.CodeConflict},
			Example: DecisionInput{Reason: "Resi gudang tidak sesuai dengan kuantitas lot"}},
			api((*Server).rejectLot)},
		{Route{Method: "POST", Path: "/api/v1/lots/{id}/bids", ID: "placeBid", Summary: "Bid on a lot; 201 means committed", Tag: tag, Policy: &marketBusinesses, Status: http.StatusCreated,
			Doc: "Which fields a bid uses depends on the lot's mechanism: english takes price and/or max_price (a proxy maximum the server bids up to); " +
				"sealed_first and sealed_second take price (a new bid revises yours; max_price is refused); dutch takes nothing (the server's clock at receipt sets the price: the first accept wins); " +
				"call takes side, quantity and price (the limit). Only verified business organizations bid, never on their own lots, and their free guarantee deposit at the market must cover the lot's guarantee. " +
				"Bids are rate-limited per user.",
			Headers: []Param{bidIdempotencyKey},
			Errors: []niaga.Code{niaga.CodeConflict, niaga.CodeAuctionClosed, niaga.CodeAuctionNotOpen, niaga.CodeBidTooLow, niaga.CodeOwnLot,
				niaga.CodeNotVerified, niaga.CodeInsufficientDeposit, niaga.CodeRateLimited},
			Example: niaga.BidInput{Price: 11_550, MaxPrice: 11_800}},
			api((*Server).placeBid)},
		{Route{Method: "GET", Path: "/api/v1/lots/{id}/bids", ID: "listBids", Summary: "Visible bids (sealed bids only to their bidder until close)", Tag: tag, Policy: &Public, SignedInSeesMore: true,
			Doc: "The latest 500 bids, newest first. Sealed bids and call orders are shown only to their own bidder until the lot closes; a proxy maximum only to its bidder."},
			api((*Server).listBids)},
		{Route{Method: "GET", Path: "/api/v1/lots/{id}/stream", ID: "streamLot", Summary: "Server-sent events of bids, extensions and the close; resumable with Last-Event-ID", Tag: tag, Policy: &Public, SignedInSeesMore: true,
			Produces: "text/event-stream", Query: []Param{streamAfter, streamHeartbeatParam}, Headers: []Param{streamLastEventID},
			Doc:    streamDoc,
			Errors: []niaga.Code{niaga.CodeRateLimited}},
			raw((*Server).streamLot)},

		// A trader's own view: the lots its business bid on, its watchlist.
		{Route{Method: "GET", Path: "/api/v1/me/bids", ID: "listMyBids", Summary: "Lots your business bid on, latest first, with where it stands: leading, outbid, placed (sealed or call, until the close), won or lost", Tag: tag, Policy: &marketBusinesses},
			api((*Server).listMyBids)},
		{Route{Method: "GET", Path: "/api/v1/me/watchlist", ID: "listWatchlist", Summary: "Lots and sessions you watch, the soonest to open first; you are told once, 15 minutes before each opens", Tag: tag, Policy: &marketBusinesses},
			api((*Server).listWatchlist)},
		{Route{Method: "POST", Path: "/api/v1/me/watchlist", ID: "watch", Summary: "Watch a lot (lot_id) or a session (session_id); watching one twice changes nothing", Tag: tag, Policy: &marketBusinesses, Status: http.StatusNoContent,
			Errors: []niaga.Code{niaga.CodeNotFound}, Example: niaga.WatchInput{LotID: 13}},
			api((*Server).watch)},
		{Route{Method: "DELETE", Path: "/api/v1/me/watchlist/lots/{id}", ID: "unwatchLot", Summary: "Stop watching a lot", Tag: tag, Policy: &marketBusinesses, Status: http.StatusNoContent},
			api((*Server).unwatchLot)},
		{Route{Method: "DELETE", Path: "/api/v1/me/watchlist/sessions/{id}", ID: "unwatchSession", Summary: "Stop watching a session", Tag: tag, Policy: &marketBusinesses, Status: http.StatusNoContent},
			api((*Server).unwatchSession)},

		// Contracts and their settlement.
		{Route{Method: "GET", Path: "/api/v1/contracts", ID: "listContracts", Summary: "Contracts you are party to (organizers: your markets')", Tag: tag, Policy: &SignedIn,
			Query: []Param{{Name: "lot_id", Kind: IntegerParam, Doc: "Only the contracts of this lot (0 or absent: all)."}}},
			api((*Server).listContracts)},
		{Route{Method: "GET", Path: "/api/v1/contracts/{id}", ID: "getContract", Summary: "A contract with its settlement steps", Tag: tag, Policy: &SignedIn,
			Doc: "Found only by its buyer, its seller, the market's organizer and the admin (404 for others)."},
			api((*Server).getContract)},
		{Route{Method: "POST", Path: "/api/v1/contracts/{id}/steps", ID: "settleContract", Summary: "Record a settlement step: paid, delivered, completed, defaulted, cancelled, disputed", Tag: tag, Policy: &contractParties,
			Doc: "The settlement state machine decides which step who may take: awaiting_payment → paid (organizer) → delivered (organizer, seller) → completed (organizer, buyer); " +
				"defaulted and cancelled by the organizer; disputed by any party, resolved by the organizer. A step the contract's status does not allow answers 409; one your part does not allow, 403. " +
				"adjustment is given only at completion.",
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict},
			Example: store.SettleInput{Status: niaga.ContractPaid, Note: "Transfer diterima, BCA 21/11/2026"}},
			api((*Server).settleContract)},
	}
}

// streamDoc describes the event streams.
const streamDoc = "Server-sent events, in id order. A new watcher first gets the latest events, one resuming (Last-Event-ID or after) what it missed, then live events. " +
	"Each address and each signed-in user may hold a limited number of streams open; past it the stream is refused with 429 and Retry-After."

// routeAuction registers the auction-market API and starts the closer of
// ended auctions among the background work.
func (s *Server) routeAuction() {
	s.background = append(s.background, func(ctx context.Context) { s.db.RunCloser(ctx, 500*time.Millisecond) })
	s.background = append(s.background, s.notifyOpenings)
	s.handleAll(auctionRoutes())
}
