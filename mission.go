package niaga

import (
	"strings"
	"time"
)

// Error codes of trade missions (unlisted codes answer 422).
const (
	// CodeMissionNotOpen refuses a deal while the mission is planned or closed.
	CodeMissionNotOpen Code = "mission_not_open"
	// CodeImportRejected is a bulk import refused because rows have errors;
	// nothing was written.
	CodeImportRejected Code = "import_rejected"
	// CodeRequestExpired is an answer to a meeting request that has expired.
	CodeRequestExpired Code = "request_expired"
)

// MissionStatus is where a trade mission stands: planned → open → closed.
type MissionStatus string

// Mission statuses.
const (
	MissionPlanned MissionStatus = "planned"
	MissionOpen    MissionStatus = "open"
	MissionClosed  MissionStatus = "closed"
)

// Valid reports whether s is a known status.
func (s MissionStatus) Valid() bool {
	return s == MissionPlanned || s == MissionOpen || s == MissionClosed
}

// CanMoveTo reports whether a mission may go from s to next: only forward,
// one step at a time (a closed mission never reopens, so its totals stay put).
func (s MissionStatus) CanMoveTo(next MissionStatus) bool {
	return (s == MissionPlanned && next == MissionOpen) || (s == MissionOpen && next == MissionClosed)
}

// Mission is a trade mission (misi dagang): a one-day business meeting of
// the delegations of a host province and one or more guest provinces, run
// by an agency of one of them. Opens and Closes are instants (UTC); they are
// shown in the host province's zone, where the venue is.
type Mission struct {
	ID           int64         `json:"id"`
	Title        string        `json:"title"`
	HostProvince string        `json:"host_province"`
	Guests       []string      `json:"guest_provinces"`
	Venue        string        `json:"venue"`
	AgencyID     int64         `json:"agency_id"`
	Opens        time.Time     `json:"opens_at"`
	Closes       time.Time     `json:"closes_at"`
	TargetValue  int64         `json:"target_value"`
	Status       MissionStatus `json:"status"`
	// RequestTTLMinutes is how long a meeting request waits for an answer
	// before it expires (never past the closing time).
	RequestTTLMinutes int64     `json:"request_ttl_minutes"`
	CreatedAt         time.Time `json:"created_at"`
}

// Provinces returns the host followed by the guests.
func (m *Mission) Provinces() []string {
	return append([]string{m.HostProvince}, m.Guests...)
}

// Involves reports whether province is the host or a guest of the mission.
func (m *Mission) Involves(province string) bool {
	for _, p := range m.Provinces() {
		if p == province {
			return true
		}
	}
	return false
}

// Location is the venue's time zone (the host province's).
func (m *Mission) Location() *time.Location {
	p, ok := ProvinceByCode(m.HostProvince)
	if !ok {
		return time.UTC
	}
	return p.Location()
}

// LocalDate is the mission day in the venue's zone, e.g. "2022-04-13".
func (m *Mission) LocalDate() string { return m.Opens.In(m.Location()).Format(time.DateOnly) }

// ParseLocal reads a local date ("2006-01-02") and clock ("15:04") in a
// province's zone and returns the instant.
func ParseLocal(province, date, clock string) (time.Time, error) {
	p, ok := ProvinceByCode(province)
	if !ok {
		return time.Time{}, Invalid("province", "unknown province code")
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(date)+" "+strings.TrimSpace(clock), p.Location())
	if err != nil {
		return time.Time{}, Invalid("time", "want a date 2006-01-02 and a clock time 15:04")
	}
	return t.UTC(), nil
}

// Participant is an organization registered to a mission in a delegation
// (the province it comes with), approved by that delegation's agency and
// verified by the running agency. Contact is given only to the mission's
// staff and the participant itself.
type Participant struct {
	ID         int64  `json:"id"`
	MissionID  int64  `json:"mission_id"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	OrgKind    string `json:"org_kind"`
	Delegation string `json:"delegation"` // province code
	Contact    string `json:"contact,omitempty"`
	Status     string `json:"status"` // pending, approved or refused
	Verified   bool   `json:"verified"`
}

// Participation states: a business that joins a delegation waits for the
// approval of that delegation's agency (or the mission's staff); until then
// it is no participant for any restricted read.
const (
	ParticipantPending  = "pending"
	ParticipantApproved = "approved"
	ParticipantRefused  = "refused"
)

// MissionOffer is what a participant sells: capacity per month in the
// commodity's base unit and an indicative price per base unit (0 = on request).
type MissionOffer struct {
	ID              int64  `json:"id"`
	MissionID       int64  `json:"mission_id"`
	ParticipantID   int64  `json:"participant_id"`
	Commodity       string `json:"commodity"`
	Grade           string `json:"grade"`
	MonthlyCapacity int64  `json:"monthly_capacity"`
	Price           int64  `json:"price"`
	Note            string `json:"note"`
}

// MissionNeed is what a participant buys: a volume in base units and a
// target price per base unit (0 = open).
type MissionNeed struct {
	ID            int64  `json:"id"`
	MissionID     int64  `json:"mission_id"`
	ParticipantID int64  `json:"participant_id"`
	Commodity     string `json:"commodity"`
	Grade         string `json:"grade"`
	Volume        int64  `json:"volume"`
	TargetPrice   int64  `json:"target_price"`
	Note          string `json:"note"`
}

// DealKind is the nature of a deal recorded at a mission.
type DealKind string

// Deal kinds. For an investment the buyer is the investor and the seller the
// business invested in.
const (
	DealPurchase   DealKind = "purchase"
	DealContract   DealKind = "contract"
	DealCommitment DealKind = "commitment"
	DealInvestment DealKind = "investment"
)

// DealKinds lists the kinds in a stable order.
var DealKinds = []DealKind{DealPurchase, DealContract, DealCommitment, DealInvestment}

// Valid reports whether k is a known kind.
func (k DealKind) Valid() bool {
	for _, x := range DealKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Validation states of a deal.
const (
	DealPending   = "pending"
	DealValidated = "validated"
	DealDisputed  = "disputed"
)

// Deal is one entry of a mission's deal ledger (transaksi). Entries are never
// edited: a wrong deal is corrected by a reversing entry (Reverses set,
// quantity and value negated), so every total is a plain sum of entries.
type Deal struct {
	ID             int64     `json:"id"`
	MissionID      int64     `json:"mission_id"`
	SellerID       int64     `json:"seller_id"` // participant ids
	BuyerID        int64     `json:"buyer_id"`
	SellerName     string    `json:"seller_name"`
	BuyerName      string    `json:"buyer_name"`
	SellerProvince string    `json:"seller_province"` // delegations when recorded
	BuyerProvince  string    `json:"buyer_province"`
	Commodity      string    `json:"commodity"`
	Kind           DealKind  `json:"kind"`
	Quantity       int64     `json:"quantity"` // base units
	Value          int64     `json:"value"`    // whole Rupiah
	Note           string    `json:"note"`
	Reverses       int64     `json:"reverses,omitempty"`    // id of the deal this entry reverses
	ReversedBy     int64     `json:"reversed_by,omitempty"` // id of the entry that reversed this deal
	Reason         string    `json:"reason,omitempty"`
	Validation     string    `json:"validation"`
	ValidatedBy    int64     `json:"validated_by,omitempty"`
	ValidatedAt    time.Time `json:"validated_at,omitzero"`
	ValidationNote string    `json:"validation_note,omitempty"`
	Realized       int64     `json:"realized"` // sum of follow-up realizations
	RecordedBy     int64     `json:"recorded_by"`
	RecordedOrg    int64     `json:"recorded_org"`
	RecordedAt     time.Time `json:"recorded_at"`
}

// Agreement kinds: a memorandum of understanding or a cooperation agreement.
const (
	AgreementMoU = "mou"
	AgreementPKS = "pks"
)

// AgreementParty is one signatory: a registered organization or, for
// parties not on the platform (a governor, an association), a name.
type AgreementParty struct {
	OrgID int64  `json:"org_id,omitempty"`
	Name  string `json:"name"`
}

// Agreement is an MoU or PKS signed at a mission.
type Agreement struct {
	ID          int64            `json:"id"`
	MissionID   int64            `json:"mission_id"`
	Kind        string           `json:"kind"`
	Title       string           `json:"title"`
	Sector      string           `json:"sector"`
	SignedOn    string           `json:"signed_on"` // local date 2006-01-02
	DocumentRef string           `json:"document_ref"`
	Parties     []AgreementParty `json:"parties"`
	CreatedAt   time.Time        `json:"created_at"`
}

// FinancingStatus is where a financing request stands:
// requested → approved | declined | withdrawn.
type FinancingStatus string

// Financing statuses.
const (
	FinancingRequested FinancingStatus = "requested"
	FinancingApproved  FinancingStatus = "approved"
	FinancingDeclined  FinancingStatus = "declined"
	FinancingWithdrawn FinancingStatus = "withdrawn"
)

// FinancingRequest asks a bank to finance a deal, optionally backed by a
// guarantor (Jamkrida). Only the addressed bank answers it.
type FinancingRequest struct {
	ID             int64           `json:"id"`
	DealID         int64           `json:"deal_id"`
	MissionID      int64           `json:"mission_id"`
	BankID         int64           `json:"bank_id"`
	BankName       string          `json:"bank_name"`
	GuarantorID    int64           `json:"guarantor_id,omitempty"`
	GuarantorName  string          `json:"guarantor_name,omitempty"`
	Amount         int64           `json:"amount"`
	TenorMonths    int64           `json:"tenor_months"`
	Purpose        string          `json:"purpose"`
	Status         FinancingStatus `json:"status"`
	ApprovedAmount int64           `json:"approved_amount"`
	Answer         string          `json:"answer"`
	RequestedBy    int64           `json:"requested_by"`
	RequestedOrg   int64           `json:"requested_org"`
	RequestedAt    time.Time       `json:"requested_at"`
	AnsweredAt     time.Time       `json:"answered_at,omitzero"`
}
