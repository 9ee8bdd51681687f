package niaga

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Market is an auction market run by one organizer in one province.
type Market struct {
	ID              int64     `json:"id"`
	OrganizerOrgID  int64     `json:"organizer_org_id"`
	Name            string    `json:"name"`
	Province        string    `json:"province"`
	FeeBuyerBps     int64     `json:"fee_buyer_bps" range:"fee_bps" doc:"Buyer's fee in basis points of the contract value (100 = 1 %)."`
	FeeSellerBps    int64     `json:"fee_seller_bps" range:"fee_bps" doc:"Seller's fee in basis points of the contract value."`
	FeeBuyerPerTon  int64     `json:"fee_buyer_per_ton" range:"fee_per_ton" doc:"Buyer's fee in Rupiah per 1 000 base units."`
	FeeSellerPerTon int64     `json:"fee_seller_per_ton" range:"fee_per_ton" doc:"Seller's fee in Rupiah per 1 000 base units."`
	DepositRatioBps int64     `json:"deposit_ratio_bps" range:"deposit_ratio_bps" doc:"Default guarantee of a lot in basis points of reserve × quantity (500–1000, 5–10 %, is common)."`
	Mechanisms      []string  `json:"mechanisms" enum:"mechanism" range:"market_mechanisms" doc:"The auction mechanisms the market runs."`
	CreatedAt       time.Time `json:"created_at"`
	// Payment says where buyers pay guarantee deposits in (public, as in
	// an auction's announcement); empty until the organizer sets it.
	Payment PaymentInstructions `json:"payment"`
}

// PaymentInstructions are the bank account of a market's organizer that
// takes guarantee deposits. A buyer transfers to it with its payment
// reference in the remark (see PaymentReference), and the organizer's
// statement import credits the deposit.
type PaymentInstructions struct {
	Bank          string `json:"bank"`           // e.g. "BCA KCU Tanjung Karang"
	AccountNumber string `json:"account_number"` // as the bank writes it
	AccountHolder string `json:"account_holder"`
}

// Set reports whether the organizer has given an account.
func (p PaymentInstructions) Set() bool { return p.AccountNumber != "" }

// Validate checks payment instructions: all three fields, or none (which
// clears them). The account number is digits, with the spaces, dashes or
// dots banks print in it.
func (p *PaymentInstructions) Validate() error {
	p.Bank, p.AccountNumber, p.AccountHolder = strings.TrimSpace(p.Bank), strings.TrimSpace(p.AccountNumber), strings.TrimSpace(p.AccountHolder)
	if *p == (PaymentInstructions{}) {
		return nil
	}
	var c Check
	c.Require(p.Bank != "" && utf8.RuneCountInString(p.Bank) <= 100, "bank", "required, at most 100 characters")
	digits := 0
	ok := len(p.AccountNumber) <= 40
	for _, r := range p.AccountNumber {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '.':
		default:
			ok = false
		}
	}
	c.Require(ok && digits >= 5 && digits <= 34, "account_number", "5 to 34 digits (spaces, dashes and dots allowed)")
	c.Require(p.AccountHolder != "" && utf8.RuneCountInString(p.AccountHolder) <= 200, "account_holder", "required, at most 200 characters")
	return c.Err()
}

// Session kinds: spot delivery, or forward delivery on a later date.
const (
	SessionSpot    = "spot"
	SessionForward = "forward"
)

// EnumSessionKind is the session kinds.
var EnumSessionKind = NewEnum("session_kind", SessionSpot, SessionForward)

// AuctionSession is a scheduled window; a joint session gathers lots from
// several markets (and provinces).
type AuctionSession struct {
	ID             int64     `json:"id"`
	OrganizerOrgID int64     `json:"organizer_org_id"`
	Title          string    `json:"title"`
	Kind           string    `json:"kind" enum:"session_kind"`
	DeliveryDate   string    `json:"delivery_date" doc:"Delivery date (YYYY-MM-DD) of a forward session; empty for spot."`
	StartsAt       time.Time `json:"starts_at"`
	EndsAt         time.Time `json:"ends_at"`
	SoftCloseSec   int64     `json:"soft_close_seconds" range:"soft_close_seconds" doc:"A bid in the last seconds of an english lot extends it by this much (0 = no soft close)."`
	MaxExtensions  int64     `json:"max_extensions" range:"max_extensions" doc:"How many times one lot may be extended."`
	MarketIDs      []int64   `json:"market_ids" range:"session_markets" doc:"The markets whose lots the session gathers (more than one: a joint session)."`
}

// Lot statuses.
const (
	LotSubmitted = "submitted" // waiting for the organizer's admission
	LotRejected  = "rejected"
	LotAdmitted  = "admitted" // visible to buyers; open for bids inside its window
	LotSold      = "sold"
	LotUnsold    = "unsold"
)

// EnumLotStatus is the lot statuses.
var EnumLotStatus = NewEnum("lot_status", LotSubmitted, LotRejected, LotAdmitted, LotSold, LotUnsold)

// Lot states, what a caller sees of a lot at a time: derived from its
// status and the clock (closing: past its end, not yet closed).
const (
	LotStatePending  = "pending"
	LotStateRejected = "rejected"
	LotStateUpcoming = "upcoming"
	LotStateOpen     = "open"
	LotStateClosing  = "closing"
	LotStateClosed   = "closed"
)

// EnumLotState is the lot states.
var EnumLotState = NewEnum("lot_state", LotStatePending, LotStateRejected, LotStateUpcoming, LotStateOpen, LotStateClosing, LotStateClosed)

// Lot is a seller's offering in a session.
type Lot struct {
	ID               int64  `json:"id"`
	SessionID        int64  `json:"session_id"`
	MarketID         int64  `json:"market_id"`
	SellerOrgID      int64  `json:"seller_org_id"`
	SellerName       string `json:"seller_name"`
	Commodity        string `json:"commodity"`
	Grade            string `json:"grade"`
	Quantity         int64  `json:"quantity" range:"quantity" doc:"In the commodity's base unit."`
	Unit             string `json:"unit"`
	Province         string `json:"province" doc:"The market's province code."`
	Origin           string `json:"origin"`
	WarehouseReceipt string `json:"warehouse_receipt"`
	DeliveryTerms    string `json:"delivery_terms"`
	Mechanism        string `json:"mechanism" enum:"mechanism"`
	Reserve          int64  `json:"reserve" range:"unit_price" doc:"Lowest price per base unit the seller accepts (the floor of a dutch clock)."`
	Increment        int64  `json:"increment" range:"opt_unit_price" doc:"english: the minimum raise per base unit; 0 for other mechanisms."`
	DutchStart       int64  `json:"dutch_start,omitempty" range:"opt_unit_price" doc:"dutch: the clock's starting price per base unit."`
	DutchStep        int64  `json:"dutch_step,omitempty" range:"opt_unit_price" doc:"dutch: how much the price drops per tick."`
	DutchTickMs      int64  `json:"dutch_tick_ms,omitempty" doc:"dutch: milliseconds between price drops."`
	// Guarantee is the lot's fixed guarantee (uang jaminan) in Rupiah,
	// announced before bidding: a buyer's free deposit must cover it (with
	// the guarantees of the buyer's other open positions) to bid, and the
	// winner's is locked until settlement. See docs/deposits.md.
	Guarantee    int64     `json:"guarantee" range:"guarantee" doc:"The fixed guarantee (uang jaminan) in Rupiah a bidder's free deposit at the market must cover."`
	Status       string    `json:"status" enum:"lot_status"`
	Reason       string    `json:"reason,omitempty" doc:"Why the organizer rejected the lot."`
	State        string    `json:"state" enum:"lot_state" doc:"What the lot is now, from its status and the clock: pending (submitted), rejected, upcoming, open, closing (past its end, being closed) or closed."`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"` // moves with soft-close extensions
	Extensions   int64     `json:"extensions"`
	SoftCloseSec int64     `json:"soft_close_seconds"`
	// Price is the best visible price per unit: the english current price,
	// the dutch clock price, the award price once closed; 0 while sealed.
	Price   int64 `json:"price" range:"opt_unit_price" doc:"Best visible price per base unit: english current price, dutch clock price, award price once closed; 0 while sealed."`
	MinNext int64 `json:"min_next,omitempty" doc:"english: the lowest price the next bid may offer."`
	// BidCount counts bids; on sealed and call lots it stays 0 until the
	// close (the count of bids and revisions is secret while bidding).
	BidCount  int64 `json:"bid_count"`
	LeaderOrg int64 `json:"leader_org_id,omitempty"`
	// Winner and award, once closed.
	WinnerOrgID  int64     `json:"winner_org_id,omitempty"`
	AwardPrice   int64     `json:"award_price,omitempty" range:"opt_unit_price"`
	SoldQuantity int64     `json:"sold_quantity,omitempty" range:"opt_quantity"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	ServerTime   time.Time `json:"server_time"`
	// Deposit is where the signed-in buyer's deposit stands for this lot;
	// only on GET /lots/{id} for a business that is not the seller.
	Deposit *LotDeposit `json:"deposit,omitempty"`
}

// Bid is a visible bid (sealed bids are visible only after close, or to
// their own bidder).
type Bid struct {
	ID         int64     `json:"id"`
	LotID      int64     `json:"lot_id"`
	BidderOrg  int64     `json:"bidder_org_id"`
	BidderName string    `json:"bidder_name"`
	Side       string    `json:"side" enum:"bid_side" doc:"call: the order's side; buy for the other mechanisms."`
	Price      int64     `json:"price" range:"opt_unit_price" doc:"What the bidder offered then (english: not the price after the bid; never a standing proxy maximum)."`
	MaxPrice   int64     `json:"max_price,omitempty" range:"opt_unit_price" doc:"english: the proxy maximum, shown only to the bidder."`
	Quantity   int64     `json:"quantity,omitempty" range:"opt_quantity" doc:"call: the order's quantity."`
	Active     bool      `json:"active"`
	At         time.Time `json:"at"`
}

// Contract statuses.
const (
	ContractAwaitingPayment = "awaiting_payment"
	ContractPaid            = "paid"
	ContractDelivered       = "delivered"
	ContractCompleted       = "completed"
	ContractDefaulted       = "defaulted"
	ContractCancelled       = "cancelled"
	ContractDisputed        = "disputed"
)

// EnumContractStatus is the contract statuses.
var EnumContractStatus = NewEnum("contract_status", ContractAwaitingPayment, ContractPaid, ContractDelivered, ContractCompleted,
	ContractDefaulted, ContractCancelled, ContractDisputed)

// Kinds of a deposit account entry: money paid in, or paid back.
const (
	DepositPaidIn = "deposit"
	DepositRefund = "refund"
)

// EnumDepositKind is the kinds of deposit entries.
var EnumDepositKind = NewEnum("deposit_kind", DepositPaidIn, DepositRefund)

// Contract is made by an award: who buys what from whom at what price.
type Contract struct {
	ID            int64          `json:"id"`
	LotID         int64          `json:"lot_id"`
	MarketID      int64          `json:"market_id"`
	BuyerOrgID    int64          `json:"buyer_org_id"`
	SellerOrgID   int64          `json:"seller_org_id"`
	Commodity     string         `json:"commodity"`
	Grade         string         `json:"grade"`
	Quantity      int64          `json:"quantity" range:"quantity"`
	Price         int64          `json:"price" range:"unit_price" doc:"Price per base unit."`
	Value         int64          `json:"value" range:"contract_value" doc:"Price × quantity in Rupiah."`
	BuyerFee      int64          `json:"buyer_fee"`
	SellerFee     int64          `json:"seller_fee"`
	DepositLocked int64          `json:"deposit_locked"`
	Adjustment    int64          `json:"adjustment" range:"adjustment" doc:"Price adjustment at completion (negative: the buyer pays less)."`
	Status        string         `json:"status" enum:"contract_status"`
	PaymentDue    time.Time      `json:"payment_due"`
	DeliveryDue   time.Time      `json:"delivery_due"`
	CreatedAt     time.Time      `json:"created_at"`
	Steps         []ContractStep `json:"steps,omitempty"`
}

// ContractStep records one settlement step.
type ContractStep struct {
	From       string    `json:"from,omitempty" enum:"contract_status"` // none for the award, the first step
	To         string    `json:"to" enum:"contract_status"`
	ActorID    int64     `json:"actor_id"`
	Note       string    `json:"note,omitempty"`
	Adjustment int64     `json:"adjustment,omitempty" range:"adjustment"`
	At         time.Time `json:"at"`
}

// DepositAccount is a buyer's guarantee deposit at one market.
type DepositAccount struct {
	MarketID  int64 `json:"market_id"`
	OrgID     int64 `json:"org_id"`
	Balance   int64 `json:"balance"`   // deposited − refunded − forfeited
	Locked    int64 `json:"locked"`    // held for won contracts until settlement
	Committed int64 `json:"committed"` // the guarantees of the lots where the buyer holds an open position
	Free      int64 `json:"free"`      // balance − locked
	Forfeited int64 `json:"forfeited"`
	// PaymentReference is what the buyer writes in the remark of a
	// transfer that pays into this account (16 digits, see PaymentReference).
	PaymentReference string `json:"payment_reference"`
}

// LotDeposit is where the signed-in buyer's deposit stands for one lot
// before it bids: the same figures the bid's deposit check uses (see
// docs/deposits.md), none derived from any bid.
type LotDeposit struct {
	Guarantee int64 `json:"guarantee"` // the lot's
	// HasAccount is false when the buyer has no deposit at the market yet.
	HasAccount bool  `json:"has_account"`
	Free       int64 `json:"free"` // balance − locked at the lot's market
	// Held is the guarantees of the buyer's open positions on the
	// market's other lots.
	Held int64 `json:"held"`
	// Available is free − held (never below zero): what the lot's
	// guarantee must fit in.
	Available int64 `json:"available"`
	// Missing is what a bid lacks: guarantee + held − free, or 0 when the
	// deposit covers the lot.
	Missing          int64  `json:"missing"`
	PaymentReference string `json:"payment_reference"`
}
