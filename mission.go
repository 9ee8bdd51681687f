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

// EnumMissionStatus is the mission statuses (fields of type MissionStatus
// take it).
var EnumMissionStatus = NewEnum("mission_status", MissionPlanned, MissionOpen, MissionClosed)

// Valid reports whether s is a known status.
func (s MissionStatus) Valid() bool { return EnumMissionStatus.Has(string(s)) }

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
	HostProvince string        `json:"host_province" doc:"Province code of the host, where the venue is."`
	Guests       []string      `json:"guest_provinces" doc:"Province codes of the guest delegations."`
	Venue        string        `json:"venue"`
	AgencyID     int64         `json:"agency_id"`
	Opens        time.Time     `json:"opens_at"`
	Closes       time.Time     `json:"closes_at"`
	TargetValue  int64         `json:"target_value" range:"target_value" doc:"Target deal value in Rupiah (0 = none)."`
	Status       MissionStatus `json:"status"`
	// RequestTTLMinutes is how long a meeting request waits for an answer
	// before it expires (never past the closing time).
	RequestTTLMinutes int64     `json:"request_ttl_minutes" range:"request_ttl_minutes"`
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

// ClockLayout is a local clock time as inputs give it ("09:30", "9:30");
// ClockPattern is the same as a regular expression (for the API document).
const (
	ClockLayout  = "15:04"
	ClockPattern = `^([01]?[0-9]|2[0-3]):[0-5][0-9]$`
)

// ParseLocal reads a local date ("2006-01-02") and clock ("15:04") in a
// province's zone and returns the instant.
func ParseLocal(province, date, clock string) (time.Time, error) {
	p, ok := ProvinceByCode(province)
	if !ok {
		return time.Time{}, Invalid("province", "unknown province code")
	}
	t, err := time.ParseInLocation(time.DateOnly+" "+ClockLayout, strings.TrimSpace(date)+" "+strings.TrimSpace(clock), p.Location())
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
	OrgKind    string `json:"org_kind" enum:"org_kind"`
	Delegation string `json:"delegation" doc:"Province code of the delegation the participant comes with."`
	Contact    string `json:"contact,omitempty" doc:"Shown only to the mission's staff and the participant itself."`
	Status     string `json:"status" enum:"participant_status"`
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

// EnumParticipantStatus is where a participation stands; a decision on
// one (EnumParticipantDecision) is one of the last two.
var (
	EnumParticipantStatus   = NewEnum("participant_status", ParticipantPending, ParticipantApproved, ParticipantRefused)
	EnumParticipantDecision = NewEnum("participant_decision", ParticipantApproved, ParticipantRefused)
)

// MissionOffer is what a participant sells: capacity per month in the
// commodity's base unit and an indicative price per base unit (0 = on request).
type MissionOffer struct {
	ID              int64  `json:"id"`
	MissionID       int64  `json:"mission_id"`
	ParticipantID   int64  `json:"participant_id"`
	Commodity       string `json:"commodity"`
	Grade           string `json:"grade"`
	MonthlyCapacity int64  `json:"monthly_capacity" range:"quantity" doc:"Base units per month."`
	Price           int64  `json:"price" range:"opt_unit_price" doc:"Indicative price per base unit in Rupiah; 0 = on request."`
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
	Volume        int64  `json:"volume" range:"quantity" doc:"Base units."`
	TargetPrice   int64  `json:"target_price" range:"opt_unit_price" doc:"Target price per base unit in Rupiah; 0 = open."`
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

// EnumDealKind is the deal kinds (fields of type DealKind take it).
var EnumDealKind = NewEnum("deal_kind", DealKinds...)

// Valid reports whether k is a known kind.
func (k DealKind) Valid() bool { return EnumDealKind.Has(string(k)) }

// Validation states of a deal.
const (
	DealPending   = "pending"
	DealValidated = "validated"
	DealDisputed  = "disputed"
)

// EnumDealValidation is where a deal's validation stands; a validator's
// verdict (EnumDealVerdict) is one of the last two.
var (
	EnumDealValidation = NewEnum("deal_validation", DealPending, DealValidated, DealDisputed)
	EnumDealVerdict    = NewEnum("deal_verdict", DealValidated, DealDisputed)
)

// Deal is one entry of a mission's deal ledger (transaksi). Entries are never
// edited: a wrong deal is corrected by a reversing entry (Reverses set,
// quantity and value negated), so every total is a plain sum of entries.
type Deal struct {
	ID             int64     `json:"id"`
	MissionID      int64     `json:"mission_id"`
	SellerID       int64     `json:"seller_id" doc:"The selling mission participant's id (a participant id, not an organization id); for an investment, the business invested in."`
	BuyerID        int64     `json:"buyer_id" doc:"The buying mission participant's id; for an investment, the investor."`
	SellerName     string    `json:"seller_name"`
	BuyerName      string    `json:"buyer_name"`
	SellerProvince string    `json:"seller_province" doc:"The parties' delegations when the deal was recorded."`
	BuyerProvince  string    `json:"buyer_province"`
	Commodity      string    `json:"commodity"`
	Kind           DealKind  `json:"kind"`
	Quantity       int64     `json:"quantity" range:"signed_deal_quantity" doc:"Base units; negative on a reversing entry."`
	Value          int64     `json:"value" range:"signed_deal_value" doc:"Whole Rupiah; negative on a reversing entry."`
	Note           string    `json:"note"`
	Reverses       int64     `json:"reverses,omitempty"`    // id of the deal this entry reverses
	ReversedBy     int64     `json:"reversed_by,omitempty"` // id of the entry that reversed this deal
	Reason         string    `json:"reason,omitempty"`
	Validation     string    `json:"validation" enum:"deal_validation"`
	ValidatedBy    int64     `json:"validated_by,omitempty"`
	ValidatedAt    time.Time `json:"validated_at,omitzero"`
	ValidationNote string    `json:"validation_note,omitempty"`
	Realized       int64     `json:"realized" range:"opt_amount" doc:"Sum of the follow-up realizations in Rupiah."`
	RecordedBy     int64     `json:"recorded_by"`
	RecordedOrg    int64     `json:"recorded_org"`
	RecordedAt     time.Time `json:"recorded_at"`
}

// Agreement kinds: a memorandum of understanding or a cooperation agreement.
const (
	AgreementMoU = "mou"
	AgreementPKS = "pks"
)

// EnumAgreementKind is the agreement kinds.
var EnumAgreementKind = NewEnum("agreement_kind", AgreementMoU, AgreementPKS)

// AgreementParty is one signatory: a registered organization or, for
// parties not on the platform (a governor, an association), a name.
type AgreementParty struct {
	OrgID int64  `json:"org_id,omitempty" doc:"A registered organization's id; or give its name."`
	Name  string `json:"name" doc:"The party's name (an organization's is filled in from its id)."`
}

// Agreement is an MoU or PKS signed at a mission.
type Agreement struct {
	ID          int64            `json:"id"`
	MissionID   int64            `json:"mission_id"`
	Kind        string           `json:"kind" enum:"agreement_kind" doc:"mou: a memorandum of understanding; pks: a cooperation agreement (perjanjian kerja sama)."`
	Title       string           `json:"title"`
	Sector      string           `json:"sector"`
	SignedOn    string           `json:"signed_on" format:"date" doc:"Local date of signing."`
	DocumentRef string           `json:"document_ref"`
	Parties     []AgreementParty `json:"parties" range:"agreement_parties"`
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

// EnumFinancingStatus is the financing statuses (fields of type
// FinancingStatus take it).
var EnumFinancingStatus = NewEnum("financing_status", FinancingRequested, FinancingApproved, FinancingDeclined, FinancingWithdrawn)

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
	Amount         int64           `json:"amount" range:"amount"`
	TenorMonths    int64           `json:"tenor_months" range:"tenor_months"`
	Purpose        string          `json:"purpose"`
	Status         FinancingStatus `json:"status"`
	ApprovedAmount int64           `json:"approved_amount" range:"opt_amount"`
	Answer         string          `json:"answer"`
	RequestedBy    int64           `json:"requested_by"`
	RequestedOrg   int64           `json:"requested_org"`
	RequestedAt    time.Time       `json:"requested_at"`
	AnsweredAt     time.Time       `json:"answered_at,omitzero"`
}
