package niaga

import "time"

// The vocabulary web and store both speak: what callers hand the store's
// methods and what those methods give back, beside the domain types. Pure
// data with their own checks; no storage.

// BidInput is a bid as the mechanism needs it: english takes price and/or
// max_price (a proxy maximum); sealed takes price; dutch takes nothing (the
// server's clock sets the price); call takes side, quantity and price (limit).
type BidInput struct {
	Price    int64  `json:"price,omitempty" range:"opt_unit_price" doc:"Price per base unit. english: a bid at this price (give price, max_price or both); sealed_first and sealed_second: the one sealed price (a new bid revises it); call: the order's limit price (required); dutch: ignored."`
	MaxPrice int64  `json:"max_price,omitempty" range:"opt_unit_price" doc:"english only: a proxy maximum per base unit; the server bids for you up to it. Refused on sealed lots; ignored by dutch and call."`
	Quantity int64  `json:"quantity,omitempty" range:"opt_quantity" doc:"call only: the order's quantity in base units (required). Other mechanisms bid for the whole lot."`
	Side     string `json:"side,omitempty" enum:"bid_side" doc:"call only: buy (the default) or sell."`
}

// EnumBidSide is the sides of a call-market order.
var EnumBidSide = NewEnum("bid_side", "buy", "sell")

// Validate checks the ranges of a bid's numbers.
func (in *BidInput) Validate() error {
	var c Check
	c.InRange("price", in.Price, RangeOptUnitPrice)
	c.InRange("max_price", in.MaxPrice, RangeOptUnitPrice)
	c.InRange("quantity", in.Quantity, RangeOptQuantity)
	if in.Side != "" {
		c.OneOf("side", in.Side, EnumBidSide)
	}
	return c.Err()
}

// BidResult is the answer to an accepted bid.
type BidResult struct {
	BidID      int64     `json:"bid_id"`
	LotID      int64     `json:"lot_id"`
	Mechanism  string    `json:"mechanism" enum:"mechanism"`
	Price      int64     `json:"price" range:"opt_unit_price" doc:"The visible price after the bid: english the current price, dutch the accepted clock price; sealed and call your own price."`
	Leading    bool      `json:"leading" doc:"english: you lead; dutch: you won the lot."`
	MinNext    int64     `json:"min_next,omitempty" doc:"english: the lowest price the next bid may offer."`
	EndsAt     time.Time `json:"ends_at" doc:"When bidding ends (moved by a soft-close extension)."`
	Extended   bool      `json:"extended" doc:"english: this bid extended the lot (soft close)."`
	ContractID int64     `json:"contract_id,omitempty" doc:"dutch: the contract the accept made."`
	At         time.Time `json:"at" doc:"The server's receipt time, which decides deadlines and the dutch price."`
	Replayed   bool      `json:"replayed,omitempty" doc:"A retry with the same Idempotency-Key returned the first result."`
}

// NewDeal is the input of RecordDeal. Seller and buyer are participant ids.
type NewDeal struct {
	SellerID, BuyerID int64
	Commodity         string
	Kind              DealKind
	Quantity, Value   int64
	Note              string
	// IdempotencyKey makes a retry return the first deal instead of a second one.
	IdempotencyKey string
}

// Validate checks a deal's own fields.
func (in *NewDeal) Validate() error {
	var c Check
	c.Require(in.SellerID > 0, "seller_id", "required")
	c.Require(in.BuyerID > 0, "buyer_id", "required")
	c.Require(in.SellerID != in.BuyerID, "buyer_id", "must differ from the seller")
	c.Require(in.Commodity != "", "commodity", "required")
	c.Require(in.Kind.Valid(), "kind", "must be purchase, contract, commitment or investment")
	if in.Kind == DealInvestment {
		c.InRange("quantity", in.Quantity, RangeDealQuantity)
	} else {
		c.InRange("quantity", in.Quantity, RangeQuantity)
	}
	c.InRange("value", in.Value, RangeDealValue)
	c.Text("note", in.Note, RangeNote)
	c.LenInRange("Idempotency-Key", len(in.IdempotencyKey), RangeIdempotencyKey)
	return c.Err()
}

// NewFinancing is the input of RequestFinancing.
type NewFinancing struct {
	BankID      int64
	GuarantorID int64 // 0 = no guarantor
	Amount      int64
	TenorMonths int64
	Purpose     string
}

// NewParticipant registers an organization to a mission. A business
// registers itself (OrgID 0 or its own); the running agency registers any
// business and may mark it verified at once.
type NewParticipant struct {
	OrgID      int64
	Delegation string // province code; the organization's province when empty
	Contact    string
	Verified   bool
}

// TimeSpan is a span of time [Start, End).
type TimeSpan struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// NewMeetingRequest is the input of RequestMeeting. From is the requesting
// participant (the actor's own when 0). NeedID and OfferID name the pair
// the request comes from; its score ranks the meeting in the scheduler.
type NewMeetingRequest struct {
	From, To        int64
	NeedID, OfferID int64
	Message         string
	Virtual         bool
	Link            string
}

// MissionInfo is a mission with its running figures, for lists.
type MissionInfo struct {
	Mission
	AgencyName   string           `json:"agency_name"`
	TotalValue   int64            `json:"total_value"`
	DealCount    int64            `json:"deal_count"`
	Participants int64            `json:"participants"`
	Delegations  map[string]int64 `json:"delegations"` // participants per province
}

// MeetingStatus is the status of a meeting request; its lifecycle (which
// status may follow which) is matching.Transition.
type MeetingStatus string

// Meeting request statuses.
const (
	MeetingPending   MeetingStatus = "pending"
	MeetingAccepted  MeetingStatus = "accepted"
	MeetingDeclined  MeetingStatus = "declined"
	MeetingExpired   MeetingStatus = "expired"
	MeetingCancelled MeetingStatus = "cancelled"
)

// MeetingStatuses lists every status in lifecycle order.
var MeetingStatuses = []MeetingStatus{MeetingPending, MeetingAccepted, MeetingDeclined, MeetingExpired, MeetingCancelled}

// EnumMeetingStatus is the meeting request statuses (fields of type
// MeetingStatus take it).
var EnumMeetingStatus = NewEnum("meeting_status", MeetingStatuses...)

// Valid reports whether s is a known status.
func (s MeetingStatus) Valid() bool {
	switch s {
	case MeetingPending, MeetingAccepted, MeetingDeclined, MeetingExpired, MeetingCancelled:
		return true
	}
	return false
}

// Terminal reports whether no transition leaves s.
func (s MeetingStatus) Terminal() bool {
	return s == MeetingDeclined || s == MeetingExpired || s == MeetingCancelled
}

// MeetingRequest asks another participant for a one-to-one meeting.
type MeetingRequest struct {
	ID         int64         `json:"id"`
	MissionID  int64         `json:"mission_id"`
	From       int64         `json:"from_participant"`
	To         int64         `json:"to_participant"`
	FromName   string        `json:"from_name"`
	ToName     string        `json:"to_name"`
	NeedID     int64         `json:"need_id,omitempty"`
	OfferID    int64         `json:"offer_id,omitempty"`
	Score      int           `json:"score"`
	Message    string        `json:"message"`
	Virtual    bool          `json:"virtual"`
	Link       string        `json:"link,omitempty"`
	Status     MeetingStatus `json:"status"`
	Answer     string        `json:"answer,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
	ExpiresAt  time.Time     `json:"expires_at"`
	AnsweredAt time.Time     `json:"answered_at,omitzero"`
}

// Mail is a message to one person. It is queued in the outbox in the same
// transaction as what it tells (store's Tx.Enqueue) and sent later by the
// mailer (package mail), so a message is never lost to a mail server that
// is down.
type Mail struct {
	To      string
	Subject string
	Text    string
}
