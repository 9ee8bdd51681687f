package niaga

import "time"

// Market is an auction market run by one organizer in one province.
type Market struct {
	ID              int64     `json:"id"`
	OrganizerOrgID  int64     `json:"organizer_org_id"`
	Name            string    `json:"name"`
	Province        string    `json:"province"`
	FeeBuyerBps     int64     `json:"fee_buyer_bps"`      // basis points of value (100 = 1 %)
	FeeSellerBps    int64     `json:"fee_seller_bps"`     // basis points of value
	FeeBuyerPerTon  int64     `json:"fee_buyer_per_ton"`  // Rupiah per 1 000 base units
	FeeSellerPerTon int64     `json:"fee_seller_per_ton"` // Rupiah per 1 000 base units
	DepositRatioBps int64     `json:"deposit_ratio_bps"`  // 500–1000 (5–10 %) is common
	Mechanisms      []string  `json:"mechanisms"`
	CreatedAt       time.Time `json:"created_at"`
}

// AuctionSession is a scheduled window; a joint session gathers lots from
// several markets (and provinces).
type AuctionSession struct {
	ID             int64     `json:"id"`
	OrganizerOrgID int64     `json:"organizer_org_id"`
	Title          string    `json:"title"`
	Kind           string    `json:"kind"`          // spot or forward
	DeliveryDate   string    `json:"delivery_date"` // YYYY-MM-DD for forward sessions
	StartsAt       time.Time `json:"starts_at"`
	EndsAt         time.Time `json:"ends_at"`
	SoftCloseSec   int64     `json:"soft_close_seconds"`
	MaxExtensions  int64     `json:"max_extensions"`
	MarketIDs      []int64   `json:"market_ids"`
}

// Lot statuses.
const (
	LotSubmitted = "submitted" // waiting for the organizer's admission
	LotRejected  = "rejected"
	LotAdmitted  = "admitted" // visible to buyers; open for bids inside its window
	LotSold      = "sold"
	LotUnsold    = "unsold"
)

// Lot is a seller's offering in a session.
type Lot struct {
	ID               int64  `json:"id"`
	SessionID        int64  `json:"session_id"`
	MarketID         int64  `json:"market_id"`
	SellerOrgID      int64  `json:"seller_org_id"`
	SellerName       string `json:"seller_name"`
	Commodity        string `json:"commodity"`
	Grade            string `json:"grade"`
	Quantity         int64  `json:"quantity"`
	Unit             string `json:"unit"`
	Province         string `json:"province"` // the market's province
	Origin           string `json:"origin"`
	WarehouseReceipt string `json:"warehouse_receipt"`
	DeliveryTerms    string `json:"delivery_terms"`
	Mechanism        string `json:"mechanism"`
	Reserve          int64  `json:"reserve"`   // per unit
	Increment        int64  `json:"increment"` // english
	DutchStart       int64  `json:"dutch_start,omitempty"`
	DutchStep        int64  `json:"dutch_step,omitempty"`
	DutchTickMs      int64  `json:"dutch_tick_ms,omitempty"`
	// Guarantee is the lot's fixed guarantee (uang jaminan) in Rupiah,
	// announced before bidding: a buyer's free deposit must cover it (with
	// the guarantees of the buyer's other open positions) to bid, and the
	// winner's is locked until settlement. See docs/deposits.md.
	Guarantee    int64     `json:"guarantee"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	State        string    `json:"state"` // derived: pending, rejected, upcoming, open, closed
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"` // moves with soft-close extensions
	Extensions   int64     `json:"extensions"`
	SoftCloseSec int64     `json:"soft_close_seconds"`
	// Price is the best visible price per unit: the english current price,
	// the dutch clock price, the award price once closed; 0 while sealed.
	Price   int64 `json:"price"`
	MinNext int64 `json:"min_next,omitempty"`
	// BidCount counts bids; on sealed and call lots it stays 0 until the
	// close (the count of bids and revisions is secret while bidding).
	BidCount  int64 `json:"bid_count"`
	LeaderOrg int64 `json:"leader_org_id,omitempty"`
	// Winner and award, once closed.
	WinnerOrgID  int64     `json:"winner_org_id,omitempty"`
	AwardPrice   int64     `json:"award_price,omitempty"`
	SoldQuantity int64     `json:"sold_quantity,omitempty"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	ServerTime   time.Time `json:"server_time"`
}

// Bid is a visible bid (sealed bids are visible only after close, or to
// their own bidder).
type Bid struct {
	ID         int64     `json:"id"`
	LotID      int64     `json:"lot_id"`
	BidderOrg  int64     `json:"bidder_org_id"`
	BidderName string    `json:"bidder_name"`
	Side       string    `json:"side"`
	Price      int64     `json:"price"`               // what the bidder offered then (english: not the price after the bid)
	MaxPrice   int64     `json:"max_price,omitempty"` // shown only to the bidder
	Quantity   int64     `json:"quantity,omitempty"`
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

// Contract is made by an award: who buys what from whom at what price.
type Contract struct {
	ID            int64          `json:"id"`
	LotID         int64          `json:"lot_id"`
	MarketID      int64          `json:"market_id"`
	BuyerOrgID    int64          `json:"buyer_org_id"`
	SellerOrgID   int64          `json:"seller_org_id"`
	Commodity     string         `json:"commodity"`
	Grade         string         `json:"grade"`
	Quantity      int64          `json:"quantity"`
	Price         int64          `json:"price"`
	Value         int64          `json:"value"`
	BuyerFee      int64          `json:"buyer_fee"`
	SellerFee     int64          `json:"seller_fee"`
	DepositLocked int64          `json:"deposit_locked"`
	Adjustment    int64          `json:"adjustment"` // price adjustment at delivery (negative: buyer pays less)
	Status        string         `json:"status"`
	PaymentDue    time.Time      `json:"payment_due"`
	DeliveryDue   time.Time      `json:"delivery_due"`
	CreatedAt     time.Time      `json:"created_at"`
	Steps         []ContractStep `json:"steps,omitempty"`
}

// ContractStep records one settlement step.
type ContractStep struct {
	From       string    `json:"from"`
	To         string    `json:"to"`
	ActorID    int64     `json:"actor_id"`
	Note       string    `json:"note,omitempty"`
	Adjustment int64     `json:"adjustment,omitempty"`
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
}
