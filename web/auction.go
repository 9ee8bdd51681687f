package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/store"
)

// DecisionInput admits or rejects a lot.
type DecisionInput struct {
	Reason string `json:"reason,omitempty"`
	// Guarantee sets the lot's guarantee (uang jaminan) at admission;
	// 0 or absent keeps the default, ceil(deposit ratio × reserve × quantity).
	Guarantee int64 `json:"guarantee,omitempty"`
}

// routeAuction registers the auction-market API.
func (s *Server) routeAuction() {
	organizer := Only(niaga.RoleOrganizer, niaga.RoleAdmin)
	business := Only(niaga.RoleBusiness)
	parties := Only(niaga.RoleOrganizer, niaga.RoleBusiness, niaga.RoleAdmin)
	s.bidLimit = auth.NewLimiter(10*time.Millisecond, 200) // per user: 100 bids/s sustained
	s.background = append(s.background, func(ctx context.Context) { s.db.RunCloser(ctx, 500*time.Millisecond) })

	Handle(s, Route{Method: "GET", Path: "/api/v1/markets", ID: "listMarkets", Summary: "Auction markets", Tag: "auction", Policy: &Public},
		func(c *Call, _ *NoBody) ([]niaga.Market, error) { return s.db.Markets(c) })
	Handle(s, Route{Method: "POST", Path: "/api/v1/markets", ID: "createMarket", Summary: "Open a market run by your organization", Tag: "auction", Policy: &organizer, Status: http.StatusCreated},
		func(c *Call, in *store.MarketInput) (niaga.Market, error) { return s.db.CreateMarket(c, c.Actor, *in) })
	Handle(s, Route{Method: "GET", Path: "/api/v1/markets/{id}", ID: "getMarket", Summary: "One market", Tag: "auction", Policy: &Public},
		func(c *Call, _ *NoBody) (niaga.Market, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Market{}, err
			}
			return s.db.Market(c, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/markets/{id}/deposits", ID: "recordDeposit", Summary: "Record a buyer's guarantee deposit or refund (the market's organizer)", Tag: "auction", Policy: &organizer, Status: http.StatusCreated},
		func(c *Call, in *store.DepositInput) (niaga.DepositAccount, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.DepositAccount{}, err
			}
			return s.db.RecordDeposit(c, c.Actor, id, *in)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/markets/{id}/deposits", ID: "listMarketDeposits", Summary: "Deposit accounts of a market (its organizer)", Tag: "auction", Policy: &organizer},
		func(c *Call, _ *NoBody) ([]niaga.DepositAccount, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			m, err := s.db.Market(c, id)
			if err != nil {
				return nil, err
			}
			if !c.Actor.Is(niaga.RoleAdmin) && m.OrganizerOrgID != c.Actor.OrgID {
				return nil, niaga.Errorf(niaga.CodeForbidden, "not your market")
			}
			return s.db.DepositAccounts(c, id, 0)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/deposits", ID: "listMyDeposits", Summary: "Your organization's deposit accounts", Tag: "auction", Policy: &SignedIn},
		func(c *Call, _ *NoBody) ([]niaga.DepositAccount, error) {
			return s.db.DepositAccounts(c, 0, c.Actor.OrgID)
		})

	Handle(s, Route{Method: "GET", Path: "/api/v1/sessions", ID: "listSessions", Summary: "Auction sessions", Tag: "auction", Policy: &Public},
		func(c *Call, _ *NoBody) ([]niaga.AuctionSession, error) { return s.db.Sessions(c) })
	Handle(s, Route{Method: "POST", Path: "/api/v1/sessions", ID: "createSession", Summary: "Schedule a session over your market(s); other markets make it a joint session", Tag: "auction", Policy: &organizer, Status: http.StatusCreated},
		func(c *Call, in *store.SessionInput) (niaga.AuctionSession, error) {
			return s.db.CreateSession(c, c.Actor, *in)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/sessions/{id}", ID: "getSession", Summary: "One session", Tag: "auction", Policy: &Public},
		func(c *Call, _ *NoBody) (niaga.AuctionSession, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.AuctionSession{}, err
			}
			return s.db.Session(c, id)
		})

	Handle(s, Route{Method: "GET", Path: "/api/v1/lots", ID: "listLots", Summary: "Lots (admitted ones, plus your own and your markets' submissions)", Tag: "auction", Policy: &Public, Query: []string{"session_id", "status", "commodity"}},
		func(c *Call, _ *NoBody) ([]niaga.Lot, error) {
			sid, err := c.QueryInt("session_id", 0)
			if err != nil {
				return nil, err
			}
			q := c.R.URL.Query()
			return s.db.Lots(c, c.Actor, store.LotFilter{SessionID: sid, Status: q.Get("status"), Commodity: q.Get("commodity")}, time.Now())
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/lots", ID: "submitLot", Summary: "Submit a lot for admission (sellers)", Tag: "auction", Policy: &business, Status: http.StatusCreated},
		func(c *Call, in *store.LotInput) (niaga.Lot, error) { return s.db.SubmitLot(c, c.Actor, *in) })
	Handle(s, Route{Method: "GET", Path: "/api/v1/lots/{id}", ID: "getLot", Summary: "A lot: state, best visible price, end time, bid count", Tag: "auction", Policy: &Public},
		func(c *Call, _ *NoBody) (niaga.Lot, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Lot{}, err
			}
			return s.db.Lot(c, c.Actor, id, time.Now())
		})
	for _, admit := range []bool{true, false} {
		path, opID, summary := "/api/v1/lots/{id}/admit", "admitLot", "Admit a submitted lot (the market's organizer)"
		if !admit {
			path, opID, summary = "/api/v1/lots/{id}/reject", "rejectLot", "Reject a submitted lot with a reason (the market's organizer)"
		}
		Handle(s, Route{Method: "POST", Path: path, ID: opID, Summary: summary, Tag: "auction", Policy: &organizer},
			func(c *Call, in *DecisionInput) (niaga.Lot, error) {
				id, err := c.ID("id")
				if err != nil {
					return niaga.Lot{}, err
				}
				return s.db.DecideLotWith(c, c.Actor, id, admit, in.Reason, in.Guarantee)
			})
	}
	Handle(s, Route{Method: "POST", Path: "/api/v1/lots/{id}/bids", ID: "placeBid", Summary: "Bid on a lot; 201 means committed", Tag: "auction", Policy: &business, Status: http.StatusCreated, Headers: []string{"Idempotency-Key"}},
		func(c *Call, in *niaga.BidInput) (niaga.BidResult, error) {
			at := time.Now().UTC() // the server's receipt time decides deadlines and the dutch price
			id, err := c.ID("id")
			if err != nil {
				return niaga.BidResult{}, err
			}
			key := c.R.Header.Get("Idempotency-Key")
			if len(key) > 200 {
				return niaga.BidResult{}, niaga.Invalid("Idempotency-Key", "at most 200 characters")
			}
			if !s.bidLimit.Allow(strconv.FormatInt(c.Actor.UserID, 10)) {
				return niaga.BidResult{}, niaga.Errorf(niaga.CodeRateLimited, "too many bids; slow down")
			}
			return s.db.PlaceBid(c, store.BidRequest{Actor: c.Actor, LotID: id, In: *in, IdemKey: key, At: at})
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/lots/{id}/bids", ID: "listBids", Summary: "Visible bids (sealed bids only to their bidder until close)", Tag: "auction", Policy: &Public},
		func(c *Call, _ *NoBody) ([]niaga.Bid, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			return s.db.Bids(c, c.Actor, id, time.Now())
		})
	HandleRaw(s, Route{Method: "GET", Path: "/api/v1/lots/{id}/stream", ID: "streamLot", Summary: "Server-sent events of bids, extensions and the close; resumable with Last-Event-ID", Tag: "auction", Policy: &Public, Produces: "text/event-stream", Query: []string{"last_event_id"}},
		func(c *Call) error {
			id, err := c.ID("id")
			if err != nil {
				return err
			}
			if _, err := s.db.Lot(c, c.Actor, id, time.Now()); err != nil {
				return err
			}
			return s.Stream(c, store.LotTopic(id))
		})

	Handle(s, Route{Method: "GET", Path: "/api/v1/contracts", ID: "listContracts", Summary: "Contracts you are party to (organizers: your markets')", Tag: "auction", Policy: &SignedIn, Query: []string{"lot_id"}},
		func(c *Call, _ *NoBody) ([]niaga.Contract, error) {
			lot, err := c.QueryInt("lot_id", 0)
			if err != nil {
				return nil, err
			}
			return s.db.Contracts(c, c.Actor, lot)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/contracts/{id}", ID: "getContract", Summary: "A contract with its settlement steps", Tag: "auction", Policy: &SignedIn},
		func(c *Call, _ *NoBody) (niaga.Contract, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Contract{}, err
			}
			return s.db.Contract(c, c.Actor, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/contracts/{id}/steps", ID: "settleContract", Summary: "Record a settlement step: paid, delivered, completed, defaulted, cancelled, disputed", Tag: "auction", Policy: &parties},
		func(c *Call, in *store.SettleInput) (niaga.Contract, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Contract{}, err
			}
			return s.db.Settle(c, c.Actor, id, *in)
		})
}
