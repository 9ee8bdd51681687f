package niaga

import "time"

// What a trader follows from a phone: the lots its business bid on, with
// where it stands on each, and the lots and sessions its users watch.

// Standing is where a business stands on a lot it bid on.
type Standing string

// Standings, as "Penawaran saya" shows them.
const (
	StandingLeading Standing = "leading" // english: the business leads now
	StandingOutbid  Standing = "outbid"  // english: another business leads now
	StandingPlaced  Standing = "placed"  // sealed or call: a bid or order waits for the close, unranked until then
	StandingWon     Standing = "won"     // closed: the business holds a contract for the lot
	StandingLost    Standing = "lost"    // closed: the lot went to another business, or unsold
)

// StandingOf says where org stands on lot l, given whether it holds a
// contract for the lot. Only public facts go in: who leads an english lot
// is public, a sealed or call lot ranks nobody until its close.
func StandingOf(l Lot, org int64, hasContract bool) Standing {
	switch {
	case l.Status == LotSold || l.Status == LotUnsold:
		if hasContract {
			return StandingWon
		}
		return StandingLost
	case l.Mechanism != "english":
		return StandingPlaced
	case l.LeaderOrg == org:
		return StandingLeading
	}
	return StandingOutbid
}

// MyBid is one lot a business bid on, as that business sees it.
type MyBid struct {
	Lot      Lot      `json:"lot"`
	Standing Standing `json:"standing"`
	// Offer is the business's latest bid as the lot's bid list shows it
	// (what it offered at that moment); MaxPrice its own proxy maximum on
	// an english lot, shown to it alone.
	Offer    int64     `json:"offer"`
	MaxPrice int64     `json:"max_price,omitempty"`
	Bids     int64     `json:"bids"` // how many bids or orders the business placed on the lot
	LastAt   time.Time `json:"last_bid_at"`
}

// WatchKind is what a watchlist entry follows.
type WatchKind string

// Watch kinds.
const (
	WatchLot     WatchKind = "lot"
	WatchSession WatchKind = "session"
)

// Watch is one lot or session on a user's watchlist, with the lot or the
// session as the user may see it now. The user is told once, a quarter of
// an hour before it opens (NotifyLotOpening).
type Watch struct {
	Kind     WatchKind       `json:"kind"`
	ID       int64           `json:"id"` // the lot's or the session's id
	Lot      *Lot            `json:"lot,omitempty"`
	Session  *AuctionSession `json:"session,omitempty"`
	State    string          `json:"state"`    // the lot's state; the session's: upcoming, running or ended
	Notified bool            `json:"notified"` // the opening was told
	Added    time.Time       `json:"added_at"`
}

// WatchInput adds a lot or a session to the caller's watchlist: exactly one
// of the two ids.
type WatchInput struct {
	LotID     int64 `json:"lot_id,omitempty"`
	SessionID int64 `json:"session_id,omitempty"`
}

// Validate checks that exactly one id is given.
func (in *WatchInput) Validate() error {
	var c Check
	c.Require(in.LotID >= 0, "lot_id", "must be a positive integer id")
	c.Require(in.SessionID >= 0, "session_id", "must be a positive integer id")
	c.Require((in.LotID > 0) != (in.SessionID > 0), "lot_id", "give a lot_id or a session_id")
	return c.Err()
}

// Session states, derived from the window and the clock.
const (
	SessionUpcoming = "upcoming"
	SessionRunning  = "running" // "sedang berlangsung"
	SessionEnded    = "ended"
)

// State is the session's state at now. A lot extended by soft close may
// still run after the window; lotsOpen says so, and the session runs on.
func (s AuctionSession) State(now time.Time, lotsOpen bool) string {
	switch {
	case lotsOpen:
		return SessionRunning
	case now.Before(s.StartsAt):
		return SessionUpcoming
	case now.Before(s.EndsAt):
		return SessionRunning
	}
	return SessionEnded
}

// Lang is the language the mission's public board speaks in the hall:
// Indonesian, the language of every host province. Neither missions nor
// provinces record another yet; when one does, it is read here.
func (m *Mission) Lang() string { return "id" }
