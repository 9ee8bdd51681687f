package web

import (
	"strings"
	"time"

	"niaga"
	"niaga/matching"
	"niaga/store"
)

// MissionInput is the body of POST /missions. Date and clock times are in
// the host province's zone, where the venue is.
type MissionInput struct {
	Title             string   `json:"title" range:"name"`
	HostProvince      string   `json:"host_province" doc:"Province code of the host, where the venue is."`
	Guests            []string `json:"guest_provinces" doc:"Province codes of the guests: one or more, distinct, other than the host."`
	Venue             string   `json:"venue" range:"name"`
	AgencyID          int64    `json:"agency_id,omitempty" doc:"The admin only: the running agency (an agency of the host or a guest province)."`
	Date              string   `json:"date" format:"date" doc:"The mission day, local to the host province."`
	Opens             string   `json:"opens" format:"clock" doc:"Opening time, local (15:04)."`
	Closes            string   `json:"closes" format:"clock" doc:"Closing time, local (15:04); before the opening means the next day. A mission lasts at most a day."`
	TargetValue       int64    `json:"target_value" range:"target_value" doc:"Target deal value in Rupiah (0 = none)."`
	RequestTTLMinutes int64    `json:"request_ttl_minutes,omitempty" range:"request_ttl_minutes" doc:"How long a meeting request waits for an answer (0 or absent: the default)."`
}

// Validate checks the local date and times; the store checks the rest.
func (in *MissionInput) Validate() error {
	var c niaga.Check
	_, ok := niaga.ProvinceByCode(in.HostProvince)
	c.Require(ok, "host_province", "unknown province code")
	_, err := time.Parse(time.DateOnly, in.Date)
	c.Require(err == nil, "date", "a date 2006-01-02")
	_, err = time.Parse(niaga.ClockLayout, in.Opens)
	c.Require(err == nil, "opens", "a local time 15:04")
	_, err = time.Parse(niaga.ClockLayout, in.Closes)
	c.Require(err == nil, "closes", "a local time 15:04")
	c.InRange("target_value", in.TargetValue, niaga.RangeTargetValue)
	c.InRange("request_ttl_minutes", in.RequestTTLMinutes, niaga.RangeRequestTTLMinutes)
	return c.Err()
}

func (in *MissionInput) mission() (niaga.Mission, error) {
	opens, err := niaga.ParseLocal(in.HostProvince, in.Date, in.Opens)
	if err != nil {
		return niaga.Mission{}, niaga.Invalid("opens", "a local time 15:04")
	}
	closes, err := niaga.ParseLocal(in.HostProvince, in.Date, in.Closes)
	if err != nil {
		return niaga.Mission{}, niaga.Invalid("closes", "a local time 15:04")
	}
	return niaga.Mission{Title: in.Title, HostProvince: in.HostProvince, Guests: in.Guests, Venue: in.Venue, AgencyID: in.AgencyID,
		Opens: opens, Closes: closes, TargetValue: in.TargetValue, RequestTTLMinutes: in.RequestTTLMinutes}, nil
}

// MissionOut is a mission with its figures and local times.
type MissionOut struct {
	niaga.MissionInfo
	Zone          string `json:"zone" enum:"zone" doc:"The host province's zone, in which the local times are."`
	TZ            string `json:"tz"`
	DateLocal     string `json:"date_local"`
	OpensLocal    string `json:"opens_local"` // e.g. "11:00 WITA"
	ClosesLocal   string `json:"closes_local"`
	TotalDisplay  string `json:"total_display"` // e.g. "Rp 147.321.766.000"
	TargetDisplay string `json:"target_display"`
}

// MissionHistoryOut is the mission programme's record.
type MissionHistoryOut struct {
	store.MissionHistory
	TotalDisplay string `json:"total_display"`
}

// MissionStatusInput moves a mission forward.
type MissionStatusInput struct {
	Status niaga.MissionStatus `json:"status"`
}

// Validate checks the status.
func (in *MissionStatusInput) Validate() error {
	var c niaga.Check
	c.OneOf("status", string(in.Status), niaga.EnumMissionStatus)
	return c.Err()
}

// StaffInput appoints mission staff.
type StaffInput struct {
	OrgID int64  `json:"org_id" doc:"The organization appointed (not a business)."`
	Role  string `json:"role" enum:"staff_role" doc:"desk records deals for participants; validator validates or disputes deals."`
}

// Validate checks the appointment.
func (in *StaffInput) Validate() error {
	var c niaga.Check
	c.Require(in.OrgID > 0, "org_id", "required")
	c.OneOf("role", in.Role, store.EnumStaffRole)
	return c.Err()
}

// ParticipantInput registers an organization to a delegation.
type ParticipantInput struct {
	OrgID      int64  `json:"org_id,omitempty" doc:"The running agency names the business; a business registers itself (absent or its own id)."`
	Delegation string `json:"delegation,omitempty" doc:"Province code of the delegation (the host or a guest); the organization's own province by default."`
	Contact    string `json:"contact,omitempty" range:"short_text" doc:"Shown only to the mission's staff and the participant."`
	Verified   bool   `json:"verified,omitempty" doc:"The running agency only: verify at once."`
}

// Validate checks the registration.
func (in *ParticipantInput) Validate() error {
	var c niaga.Check
	c.Require(in.OrgID >= 0, "org_id", "must be an id")
	if in.Delegation != "" {
		_, ok := niaga.ProvinceByCode(in.Delegation)
		c.Require(ok, "delegation", "unknown province code")
	}
	c.Text("contact", in.Contact, niaga.RangeShortText)
	return c.Err()
}

// ParticipantDecisionInput approves or refuses joining a delegation.
type ParticipantDecisionInput struct {
	Decision string `json:"decision" enum:"participant_decision"`
}

// Validate checks the decision.
func (in *ParticipantDecisionInput) Validate() error {
	var c niaga.Check
	c.OneOf("decision", in.Decision, niaga.EnumParticipantDecision)
	return c.Err()
}

// LocalSpan is a span of local clock times on the mission day, e.g.
// {"start":"12:00","end":"13:00"}.
type LocalSpan struct {
	Start string `json:"start" format:"clock" doc:"Local clock time (15:04) on the mission day."`
	End   string `json:"end" format:"clock" doc:"Local clock time (15:04), after start."`
}

// UnavailabilityInput lists when a participant cannot meet.
type UnavailabilityInput struct {
	Ranges []LocalSpan `json:"ranges" range:"unavailability" doc:"The spans the participant cannot meet; they replace the previous ones (empty: available all day)."`
}

// Validate checks the list size.
func (in *UnavailabilityInput) Validate() error {
	var c niaga.Check
	c.LenInRange("ranges", len(in.Ranges), niaga.RangeUnavailability)
	return c.Err()
}

// missionClock turns a local "15:04" on the mission day into an instant; a
// time before the opening belongs to the next day when the mission runs
// past midnight.
func missionClock(m *niaga.Mission, clock, field string) (time.Time, error) {
	t, err := niaga.ParseLocal(m.HostProvince, m.LocalDate(), clock)
	if err != nil {
		return t, niaga.Invalid(field, "a local time 15:04")
	}
	if t.Before(m.Opens) && !t.Add(24*time.Hour).After(m.Closes) {
		t = t.Add(24 * time.Hour)
	}
	return t, nil
}

func missionSpans(m *niaga.Mission, in []LocalSpan, field string) ([]niaga.TimeSpan, error) {
	out := make([]niaga.TimeSpan, 0, len(in))
	for _, r := range in {
		a, err := missionClock(m, r.Start, field)
		if err != nil {
			return nil, err
		}
		b, err := missionClock(m, r.End, field)
		if err != nil {
			return nil, err
		}
		if !b.After(a) {
			return nil, niaga.Invalid(field, "each span ends after it starts")
		}
		out = append(out, niaga.TimeSpan{Start: a, End: b})
	}
	return out, nil
}

// OfferInput is what a participant sells.
type OfferInput struct {
	ParticipantID   int64  `json:"participant_id,omitempty" doc:"The running agency only: the participant the offer is for; a participant's own by default."`
	Commodity       string `json:"commodity" doc:"A commodity code (see listCommodities)."`
	Grade           string `json:"grade,omitempty" doc:"One of the commodity's grades, or empty."`
	MonthlyCapacity int64  `json:"monthly_capacity" range:"quantity" doc:"Base units per month."`
	Price           int64  `json:"price,omitempty" range:"opt_unit_price" doc:"Indicative price per base unit in Rupiah; 0 or absent: on request."`
	Note            string `json:"note,omitempty" range:"note"`
}

// Validate checks the figures.
func (in *OfferInput) Validate() error {
	var c niaga.Check
	c.Require(in.Commodity != "", "commodity", "required")
	c.InRange("monthly_capacity", in.MonthlyCapacity, niaga.RangeQuantity)
	c.InRange("price", in.Price, niaga.RangeOptUnitPrice)
	c.Text("note", in.Note, niaga.RangeNote)
	return c.Err()
}

// NeedInput is what a participant buys.
type NeedInput struct {
	ParticipantID int64  `json:"participant_id,omitempty" doc:"The running agency only: the participant the need is for; a participant's own by default."`
	Commodity     string `json:"commodity" doc:"A commodity code (see listCommodities)."`
	Grade         string `json:"grade,omitempty" doc:"One of the commodity's grades, or empty."`
	Volume        int64  `json:"volume" range:"quantity" doc:"Base units."`
	TargetPrice   int64  `json:"target_price,omitempty" range:"opt_unit_price" doc:"Target price per base unit in Rupiah; 0 or absent: open."`
	Note          string `json:"note,omitempty" range:"note"`
}

// Validate checks the figures.
func (in *NeedInput) Validate() error {
	var c niaga.Check
	c.Require(in.Commodity != "", "commodity", "required")
	c.InRange("volume", in.Volume, niaga.RangeQuantity)
	c.InRange("target_price", in.TargetPrice, niaga.RangeOptUnitPrice)
	c.Text("note", in.Note, niaga.RangeNote)
	return c.Err()
}

// MissionMatchOut is a suggestion with its explanation in the caller's language.
type MissionMatchOut struct {
	store.MissionMatch
	Text string `json:"explanation_text"`
}

// MeetingInput asks for a meeting. From is the caller's participant unless
// the running agency asks on someone's behalf.
type MeetingInput struct {
	From    int64  `json:"from_participant,omitempty" doc:"The requesting participant's id: the running agency only; the caller's own participation by default."`
	To      int64  `json:"to_participant" doc:"The invited participant's id (a mission participant, not an organization)."`
	NeedID  int64  `json:"need_id,omitempty" doc:"The need of the suggestion the request comes from (with offer_id)."`
	OfferID int64  `json:"offer_id,omitempty" doc:"The offer of the suggestion the request comes from (with need_id)."`
	Message string `json:"message,omitempty" range:"long_note"`
	Virtual bool   `json:"virtual,omitempty" doc:"Meet online instead of at a table."`
	Link    string `json:"link,omitempty" range:"note" doc:"An https:// link for a virtual meeting."`
}

// Validate checks the request.
func (in *MeetingInput) Validate() error {
	var c niaga.Check
	c.Require(in.To > 0, "to_participant", "required")
	c.Require(in.From >= 0, "from_participant", "must be an id")
	c.Text("message", in.Message, niaga.RangeLongNote)
	return c.Err()
}

// MeetingAnswerInput accepts or declines a meeting request.
type MeetingAnswerInput struct {
	Accept bool   `json:"accept" doc:"true accepts, false declines."`
	Answer string `json:"answer,omitempty" range:"long_note"`
}

// MeetingScheduleInput configures the scheduler in local clock times.
type MeetingScheduleInput struct {
	SlotMinutes int         `json:"slot_minutes" range:"slot_minutes" doc:"Length of a meeting slot in minutes."`
	Tables      int         `json:"tables" range:"tables" doc:"Tables at the venue; 0: virtual meetings only."`
	Start       string      `json:"start,omitempty" format:"clock" doc:"Local clock time the meetings start; the opening by default."`
	End         string      `json:"end,omitempty" format:"clock" doc:"Local clock time the meetings end; the closing by default."`
	Breaks      []LocalSpan `json:"breaks,omitempty" range:"schedule_breaks" doc:"Spans without meetings (lunch, ceremonies)."`
}

// Validate checks the sizes.
func (in *MeetingScheduleInput) Validate() error {
	var c niaga.Check
	c.InRange("slot_minutes", int64(in.SlotMinutes), niaga.RangeSlotMinutes)
	c.InRange("tables", int64(in.Tables), niaga.RangeTables)
	c.LenInRange("breaks", len(in.Breaks), niaga.RangeScheduleBreaks)
	return c.Err()
}

func (in *MeetingScheduleInput) params(m *niaga.Mission) (store.ScheduleParams, error) {
	p := store.ScheduleParams{SlotMinutes: in.SlotMinutes, Tables: in.Tables}
	var err error
	if in.Start != "" {
		if p.Start, err = missionClock(m, in.Start, "start"); err != nil {
			return p, err
		}
	}
	if in.End != "" {
		if p.End, err = missionClock(m, in.End, "end"); err != nil {
			return p, err
		}
	}
	p.Breaks, err = missionSpans(m, in.Breaks, "breaks")
	return p, err
}

// SlotSheet is one slot's table sheet.
type SlotSheet struct {
	matching.Slot
	StartLocal string                   `json:"start_local"`
	EndLocal   string                   `json:"end_local"`
	Meetings   []store.ScheduledMeeting `json:"meetings"` // by table
}

// MeetingScheduleOut is the stored schedule as table sheets.
type MeetingScheduleOut struct {
	MissionID   int64                  `json:"mission_id"`
	SlotMinutes int                    `json:"slot_minutes" doc:"The last run's slot length (0 before any run)."`
	Tables      int                    `json:"tables" range:"tables"`
	RunAt       *time.Time             `json:"run_at,omitempty"`
	Scheduled   int                    `json:"scheduled"`
	Slots       []SlotSheet            `json:"slots"`
	Unscheduled []matching.Unscheduled `json:"unscheduled"`
	Stats       matching.ScheduleStats `json:"stats"`
}

// AgendaItemOut is an agenda line with local times.
type AgendaItemOut struct {
	store.AgendaItem
	StartLocal string `json:"start_local"`
	EndLocal   string `json:"end_local"`
}

// AgendaOut is a participant's printable agenda.
type AgendaOut struct {
	Participant niaga.Participant `json:"participant"`
	MissionID   int64             `json:"mission_id"`
	Title       string            `json:"title"`
	Venue       string            `json:"venue"`
	Date        string            `json:"date"`
	Zone        string            `json:"zone" enum:"zone"`
	Items       []AgendaItemOut   `json:"items"`
}

// DealInput is a deal to record. Seller and buyer are participant ids.
type DealInput struct {
	SellerID  int64          `json:"seller_id" doc:"The selling mission participant's id (see listParticipants; a participant id, not an organization id). For an investment: the business invested in."`
	BuyerID   int64          `json:"buyer_id" doc:"The buying mission participant's id, other than the seller. For an investment: the investor."`
	Commodity string         `json:"commodity" doc:"A commodity code (see listCommodities)."`
	Kind      niaga.DealKind `json:"kind"`
	Quantity  int64          `json:"quantity" range:"deal_quantity" doc:"Base units; above 0, except for an investment (0 allowed)."`
	Value     int64          `json:"value" range:"deal_value" doc:"Whole Rupiah."`
	Note      string         `json:"note,omitempty" range:"note"`
}

func (in *DealInput) newDeal() niaga.NewDeal {
	return niaga.NewDeal{SellerID: in.SellerID, BuyerID: in.BuyerID, Commodity: in.Commodity, Kind: in.Kind, Quantity: in.Quantity, Value: in.Value, Note: strings.TrimSpace(in.Note)}
}

// Validate checks the deal's fields.
func (in *DealInput) Validate() error {
	nd := in.newDeal()
	return nd.Validate()
}

// DealOut is a deal entry with its display value and local time.
type DealOut struct {
	niaga.Deal
	ValueDisplay  string `json:"value_display"`
	RecordedLocal string `json:"recorded_local"` // e.g. "18:30 WITA"
}

// PublicDealOut is a ledger entry as the public board shows it, with its
// display value and local time.
type PublicDealOut struct {
	store.PublicDeal
	ValueDisplay  string `json:"value_display"`
	RecordedLocal string `json:"recorded_local"` // e.g. "18:30 WITA"
}

// DealReverseInput corrects a deal.
type DealReverseInput struct {
	Reason string `json:"reason" range:"reason" doc:"Why the deal is corrected."`
}

// Validate requires a reason.
func (in *DealReverseInput) Validate() error {
	var c niaga.Check
	c.Text("reason", in.Reason, niaga.RangeReason)
	return c.Err()
}

// DealValidationInput is a validator's check of a deal.
type DealValidationInput struct {
	Status string `json:"status" enum:"deal_verdict"`
	Note   string `json:"note,omitempty" range:"note"`
}

// Validate checks the status.
func (in *DealValidationInput) Validate() error {
	var c niaga.Check
	c.OneOf("status", in.Status, niaga.EnumDealVerdict)
	c.Text("note", in.Note, niaga.RangeNote)
	return c.Err()
}

// RealizationInput follows a deal up.
type RealizationInput struct {
	Amount int64  `json:"amount" range:"amount" doc:"Rupiah realized; the deal's realized total may not pass the bound of one deal."`
	Note   string `json:"note,omitempty" range:"note"`
}

// Validate checks the amount.
func (in *RealizationInput) Validate() error {
	var c niaga.Check
	c.InRange("amount", in.Amount, niaga.RangeAmount)
	c.Text("note", in.Note, niaga.RangeNote)
	return c.Err()
}

// FollowUpOut is the follow-up report with displays.
type FollowUpOut struct {
	store.FollowUp
	CommittedDisplay string `json:"committed_display"`
	RealizedDisplay  string `json:"realized_display"`
}

// BoardTotal is one group of the board.
type BoardTotal struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Value   int64  `json:"value"`
	Display string `json:"display"`
	Count   int64  `json:"count"`
}

// BoardFlow is trade from the sellers of one province to the buyers of another.
type BoardFlow struct {
	From     string `json:"from"`
	FromName string `json:"from_name"`
	To       string `json:"to"`
	ToName   string `json:"to_name"`
	Value    int64  `json:"value"`
	Display  string `json:"display"`
	Count    int64  `json:"count"`
}

// SummaryOut is the public live board of a mission.
type SummaryOut struct {
	MissionID      int64               `json:"mission_id"`
	Title          string              `json:"title"`
	Status         niaga.MissionStatus `json:"status"`
	HostProvince   string              `json:"host_province"`
	Guests         []string            `json:"guest_provinces"`
	Venue          string              `json:"venue"`
	Zone           string              `json:"zone" enum:"zone" doc:"The host province's zone, in which the local times are."`
	TZ             string              `json:"tz"`
	DateLocal      string              `json:"date_local"`
	OpensAt        time.Time           `json:"opens_at"`
	ClosesAt       time.Time           `json:"closes_at"`
	OpensLocal     string              `json:"opens_local"`
	ClosesLocal    string              `json:"closes_local"`
	AsOf           time.Time           `json:"as_of"`       // the last deal (or the opening)
	AsOfLocal      string              `json:"as_of_local"` // e.g. "18:30 WITA"
	NowLocal       string              `json:"now_local"`   // the board's clock
	TotalValue     int64               `json:"total_value"`
	TotalDisplay   string              `json:"total_display"` // e.g. "Rp 147.321.766.000"
	Count          int64               `json:"count"`
	TargetValue    int64               `json:"target_value"`
	TargetDisplay  string              `json:"target_display"`
	ProgressBP     int64               `json:"progress_bp"` // total / target in basis points
	ValidatedValue int64               `json:"validated_value"`
	RealizedValue  int64               `json:"realized_value"`
	ByCommodity    []BoardTotal        `json:"by_commodity"`
	ByKind         []BoardTotal        `json:"by_kind"`
	ByDirection    []BoardFlow         `json:"by_direction"`
	SideProvince   string              `json:"side_province"`
	BySide         []BoardTotal        `json:"by_side"`
	Latest         []PublicDealOut     `json:"latest"`
	Delegations    map[string]int64    `json:"delegations"` // approved participants per province
}

// AgreementInput records an MoU or PKS.
type AgreementInput struct {
	Kind        string                 `json:"kind" enum:"agreement_kind" doc:"mou: a memorandum of understanding; pks: a cooperation agreement (perjanjian kerja sama)."`
	Title       string                 `json:"title" range:"agreement_title"`
	Sector      string                 `json:"sector,omitempty" range:"short_text"`
	SignedOn    string                 `json:"signed_on" format:"date" doc:"Local date of signing."`
	DocumentRef string                 `json:"document_ref,omitempty" range:"note" doc:"A reference to the signed document."`
	Parties     []niaga.AgreementParty `json:"parties" range:"agreement_parties" doc:"The signatories: each a registered organization (org_id) or a name."`
}

// FinancingInput asks a bank to finance a deal.
type FinancingInput struct {
	BankID      int64  `json:"bank_id" doc:"The bank's organization id."`
	GuarantorID int64  `json:"guarantor_id,omitempty" doc:"A guarantor's organization id (e.g. Jamkrida); absent: none."`
	Amount      int64  `json:"amount" range:"amount" doc:"Rupiah, at most the deal's value."`
	TenorMonths int64  `json:"tenor_months" range:"tenor_months"`
	Purpose     string `json:"purpose,omitempty" range:"note"`
}

// Validate checks the request.
func (in *FinancingInput) Validate() error {
	var c niaga.Check
	c.Require(in.BankID > 0, "bank_id", "required")
	c.Require(in.GuarantorID >= 0, "guarantor_id", "must be an id")
	c.InRange("amount", in.Amount, niaga.RangeAmount)
	c.InRange("tenor_months", in.TenorMonths, niaga.RangeTenorMonths)
	c.Text("purpose", in.Purpose, niaga.RangeNote)
	return c.Err()
}

// FinancingAnswerInput is the bank's answer.
type FinancingAnswerInput struct {
	Approve        bool   `json:"approve" doc:"true approves, false declines."`
	ApprovedAmount int64  `json:"approved_amount,omitempty" range:"opt_amount" doc:"At most the requested amount; 0 or absent: the requested amount."`
	Answer         string `json:"answer,omitempty" range:"long_note"`
}

// Validate checks the amount.
func (in *FinancingAnswerInput) Validate() error {
	var c niaga.Check
	c.InRange("approved_amount", in.ApprovedAmount, niaga.RangeOptAmount)
	c.Text("answer", in.Answer, niaga.RangeLongNote)
	return c.Err()
}
