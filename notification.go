package niaga

import "time"

// NotificationKind is what a notification tells.
type NotificationKind string

// Notification kinds.
const (
	NotifyOutbid              NotificationKind = "outbid"               // another bid leads a lot the user's business led
	NotifyWon                 NotificationKind = "won"                  // the user's business won a lot
	NotifyLost                NotificationKind = "lost"                 // a lot the business bid on went to another
	NotifyDepositCredited     NotificationKind = "deposit_credited"     // a deposit was credited to the business
	NotifyVerificationDecided NotificationKind = "verification_decided" // the business was verified or refused
	NotifyMeetingRequested    NotificationKind = "meeting_requested"    // a participant asks the business for a meeting
	NotifyMeetingAnswered     NotificationKind = "meeting_answered"     // a meeting request was accepted or declined
	NotifyDealValidated       NotificationKind = "deal_validated"       // a deal of the business was validated or disputed
	NotifyContractStep        NotificationKind = "contract_step"        // a contract waits for the business's move: pay, deliver, confirm
	NotifyMeetingScheduled    NotificationKind = "meeting_scheduled"    // the business's meetings at a mission were scheduled
	NotifyLotOpening          NotificationKind = "lot_opening"          // a watched lot or session opens in a quarter of an hour
)

// NotificationKinds lists every kind, in the order the preferences show them.
var NotificationKinds = []NotificationKind{NotifyOutbid, NotifyWon, NotifyLost, NotifyDepositCredited,
	NotifyVerificationDecided, NotifyMeetingRequested, NotifyMeetingAnswered, NotifyDealValidated, NotifyLotOpening, NotifyContractStep, NotifyMeetingScheduled}

// EnumNotificationKind is the notification kinds.
var EnumNotificationKind = NewEnum("notification_kind", NotificationKinds...)

// Valid reports whether k is a known kind.
func (k NotificationKind) Valid() bool {
	for _, x := range NotificationKinds {
		if x == k {
			return true
		}
	}
	return false
}

// DefaultByEmail says whether a kind is mailed when the user has not
// chosen: what costs money or needs an answer is; the stream of outbids
// is shown in the app only.
func (k NotificationKind) DefaultByEmail() bool { return k != NotifyOutbid }

// Notification is one thing a user is told. Params hold the figures and
// names the text is made of, in the reader's language when it is shown.
type Notification struct {
	ID        int64            `json:"id"`
	Kind      NotificationKind `json:"kind"`
	Params    map[string]any   `json:"params"`
	Link      string           `json:"link,omitempty"`
	CreatedAt time.Time        `json:"created_at"`
	Read      bool             `json:"read"`
	Text      string           `json:"text"` // rendered in the caller's language
}

// NotificationPref is a user's choice of channels for one kind.
type NotificationPref struct {
	Kind  NotificationKind `json:"kind"`
	InApp bool             `json:"in_app"`
	Email bool             `json:"email"`
}
