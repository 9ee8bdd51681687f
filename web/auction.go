package web

import (
	"net/http"
	"strconv"
	"time"

	"niaga"
	"niaga/store"
)

// DecisionInput admits or rejects a lot.
type DecisionInput struct {
	Reason string `json:"reason,omitempty" range:"note" doc:"Why the lot is rejected (required to reject); an optional note on admission."`
	// Guarantee sets the lot's guarantee (uang jaminan) at admission;
	// 0 or absent keeps the default, ceil(deposit ratio × reserve × quantity).
	Guarantee int64 `json:"guarantee,omitempty" range:"guarantee" doc:"admitLot only: the lot's guarantee in Rupiah; 0 or absent keeps the default, deposit ratio × reserve × quantity."`
}

// maxIdemKey bounds an idempotency key, from the API's Idempotency-Key
// header or a page form's idem field, in bytes.
const maxIdemKey = niaga.MaxIdempotencyKey

// allowBid takes a bid from the actor's bucket of the bid rate limit, one
// per user whether the bid comes from the API or the lot page.
func (s *Server) allowBid(a *niaga.Actor) error {
	if !s.bidLimit.Allow(strconv.FormatInt(a.UserID, 10)) {
		return niaga.Errorf(niaga.CodeRateLimited, "too many bids; slow down")
	}
	return nil
}

// The auction-market handlers; auction_routes.go routes them.

// ---- markets and guarantee deposits ----

func (s *Server) listMarkets(c *Call, _ *NoBody) ([]niaga.Market, error) { return s.db.Markets(c) }

func (s *Server) createMarket(c *Call, in *store.MarketInput) (niaga.Market, error) {
	return s.db.CreateMarket(c, c.Actor, *in)
}

func (s *Server) getMarket(c *Call, _ *NoBody) (niaga.Market, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Market{}, err
	}
	return s.db.Market(c, id)
}

func (s *Server) recordDeposit(c *Call, in *store.DepositInput) (niaga.DepositAccount, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.DepositAccount{}, err
	}
	return s.db.RecordDeposit(c, c.Actor, id, *in)
}

func (s *Server) listMarketDeposits(c *Call, _ *NoBody) ([]niaga.DepositAccount, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	return s.db.DepositAccounts(c, c.Actor, id, 0)
}

func (s *Server) listMyDeposits(c *Call, _ *NoBody) ([]niaga.DepositAccount, error) {
	return s.db.DepositAccounts(c, c.Actor, 0, c.Actor.OrgID)
}

func (s *Server) setPaymentInstructions(c *Call, in *niaga.PaymentInstructions) (niaga.Market, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Market{}, err
	}
	return s.db.SetPaymentInstructions(c, c.Actor, id, *in)
}

// importStatement reconciles an uploaded bank statement (CSV, or XLSX, in
// the body or a multipart field "file"): ?dry_run=true previews.
func (s *Server) importStatement(c *Call) error {
	id, table, dry, err := uploadCall(c)
	if err != nil {
		return err
	}
	st, err := niaga.ParseStatement(table)
	if err != nil {
		return err
	}
	res, err := s.db.ReconcileStatement(c, c.Actor, id, st, dry)
	if err != nil {
		return err
	}
	writeJSON(c.W, http.StatusOK, res)
	return nil
}

// ---- sessions ----

func (s *Server) listSessions(c *Call, _ *NoBody) ([]niaga.AuctionSession, error) {
	return s.db.Sessions(c)
}

func (s *Server) createSession(c *Call, in *store.SessionInput) (niaga.AuctionSession, error) {
	return s.db.CreateSession(c, c.Actor, *in)
}

func (s *Server) getSession(c *Call, _ *NoBody) (niaga.AuctionSession, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.AuctionSession{}, err
	}
	return s.db.Session(c, id)
}

// ---- lots and bids ----

func (s *Server) listLots(c *Call, _ *NoBody) ([]niaga.Lot, error) {
	sid, err := c.QueryInt("session_id", 0)
	if err != nil {
		return nil, err
	}
	q := c.R.URL.Query()
	return s.db.Lots(c, c.Actor, store.LotFilter{SessionID: sid, Status: q.Get("status"), Commodity: q.Get("commodity")}, time.Now())
}

func (s *Server) submitLot(c *Call, in *store.LotInput) (niaga.Lot, error) {
	return s.db.SubmitLot(c, c.Actor, *in)
}

func (s *Server) getLot(c *Call, _ *NoBody) (niaga.Lot, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Lot{}, err
	}
	l, err := s.db.Lot(c, c.Actor, id, time.Now())
	if err != nil {
		return l, err
	}
	// A buyer reads where its deposit stands for the lot before bidding.
	l.Deposit, err = s.db.LotDeposit(c, c.Actor, l)
	return l, err
}

func (s *Server) admitLot(c *Call, in *DecisionInput) (niaga.Lot, error) {
	return s.decideLot(c, in, true)
}

func (s *Server) rejectLot(c *Call, in *DecisionInput) (niaga.Lot, error) {
	return s.decideLot(c, in, false)
}

func (s *Server) decideLot(c *Call, in *DecisionInput, admit bool) (niaga.Lot, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Lot{}, err
	}
	return s.db.DecideLotWith(c, c.Actor, id, admit, in.Reason, in.Guarantee)
}

func (s *Server) placeBid(c *Call, in *store.BidInput) (store.BidResult, error) {
	at := time.Now().UTC() // the server's receipt time decides deadlines and the dutch price
	id, err := c.ID("id")
	if err != nil {
		return store.BidResult{}, err
	}
	key := c.R.Header.Get("Idempotency-Key")
	if len(key) > maxIdemKey {
		return store.BidResult{}, niaga.Invalid("Idempotency-Key", "at most "+strconv.Itoa(maxIdemKey)+" characters")
	}
	if err := s.allowBid(c.Actor); err != nil {
		return store.BidResult{}, err
	}
	return s.db.PlaceBid(c, store.BidRequest{Actor: c.Actor, LotID: id, In: *in, IdemKey: key, At: at})
}

func (s *Server) listBids(c *Call, _ *NoBody) ([]niaga.Bid, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	return s.db.Bids(c, c.Actor, id, time.Now())
}

func (s *Server) streamLot(c *Call) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if _, err := s.db.Lot(c, c.Actor, id, time.Now()); err != nil {
		return err
	}
	return s.Stream(c, store.LotTopic(id))
}

// ---- contracts and their settlement ----

func (s *Server) listContracts(c *Call, _ *NoBody) ([]niaga.Contract, error) {
	lot, err := c.QueryInt("lot_id", 0)
	if err != nil {
		return nil, err
	}
	return s.db.Contracts(c, c.Actor, lot)
}

func (s *Server) getContract(c *Call, _ *NoBody) (niaga.Contract, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Contract{}, err
	}
	return s.db.Contract(c, c.Actor, id)
}

func (s *Server) settleContract(c *Call, in *store.SettleInput) (niaga.Contract, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Contract{}, err
	}
	return s.db.Settle(c, c.Actor, id, *in)
}
