package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/matching"
)

// MissionMatch is a matchmaking suggestion: a scored need × offer pair with the
// names of both sides.
type MissionMatch struct {
	matching.Candidate
	BuyerName     string `json:"buyer_name"`
	SellerName    string `json:"seller_name"`
	CommodityName string `json:"commodity_name"`
}

// MatchOptions filter suggestions.
type MatchOptions struct {
	Participant int64 // only pairs with this participant (staff); a business always sees only its own
	MinScore    int
	PerNeed     int
	Limit       int
}

// MissionMatches scores every need of a verified participant against every
// offer of a verified participant of another delegation (niaga/matching).
// Staff see all pairs; a participant sees the pairs it is part of.
func (db *DB) MissionMatches(ctx context.Context, actor *niaga.Actor, missionID int64, opt MatchOptions) ([]MissionMatch, error) {
	out := []MissionMatch{}
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		_, a, err := readMission(ctx, q, actor, missionID)
		if err != nil {
			return err
		}
		switch {
		case a.staff() || a.desk:
		case a.self != 0:
			opt.Participant = a.self
		default:
			return niaga.Errorf(niaga.CodeForbidden, "matchmaking is for the mission's participants and staff")
		}
		names, dels, err := participantNames(ctx, q, missionID, true)
		if err != nil {
			return err
		}
		offers, err := missionOffers(ctx, q, missionID, true)
		if err != nil {
			return err
		}
		needs, err := missionNeeds(ctx, q, missionID, true)
		if err != nil {
			return err
		}
		commodities, err := commodityIndex(ctx, q)
		if err != nil {
			return err
		}
		mo := make([]matching.Offer, 0, len(offers))
		for _, o := range offers {
			mo = append(mo, matching.Offer{ID: o.ID, Participant: o.ParticipantID, Delegation: dels[o.ParticipantID], Commodity: o.Commodity,
				Grade: o.Grade, MonthlyCapacity: o.MonthlyCapacity, Price: o.Price})
		}
		// A participant's pairs are its needs × others' offers and others'
		// needs × its offers: other needs matter only for what it offers.
		sells := map[string]bool{}
		for _, o := range offers {
			if o.ParticipantID == opt.Participant {
				sells[o.Commodity] = true
			}
		}
		mn := make([]matching.Need, 0, len(needs))
		for _, n := range needs {
			if opt.Participant != 0 && n.ParticipantID != opt.Participant && !sells[n.Commodity] {
				continue
			}
			mn = append(mn, matching.Need{ID: n.ID, Participant: n.ParticipantID, Delegation: dels[n.ParticipantID], Commodity: n.Commodity,
				Grade: n.Grade, Volume: n.Volume, TargetPrice: n.TargetPrice})
		}
		units := map[string]string{}
		for code, c := range commodities {
			units[code] = c.Unit
		}
		for _, c := range matching.Candidates(mn, mo, matching.Options{MinScore: opt.MinScore, PerNeed: opt.PerNeed, Units: units}) {
			if opt.Participant != 0 && c.Buyer != opt.Participant && c.Seller != opt.Participant {
				continue
			}
			out = append(out, MissionMatch{Candidate: c, BuyerName: names[c.Buyer], SellerName: names[c.Seller], CommodityName: commodities[c.Explanation.Commodity].NameID})
			if opt.Limit > 0 && len(out) >= opt.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// participantNames maps a mission's participant ids to organization names
// and delegations.
func participantNames(ctx context.Context, q rowQuerier, missionID int64, verifiedOnly bool) (map[int64]string, map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT p.id, o.name, p.delegation FROM mission_participants p JOIN organizations o ON o.id = p.org_id
		WHERE p.mission_id = $1 AND (p.verified OR NOT $2)`, missionID, verifiedOnly)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	names, dels := map[int64]string{}, map[int64]string{}
	for rows.Next() {
		var id int64
		var n, d string
		if err := rows.Scan(&id, &n, &d); err != nil {
			return nil, nil, err
		}
		names[id], dels[id] = n, d
	}
	return names, dels, rows.Err()
}

func commodityIndex(ctx context.Context, q rowQuerier) (map[string]niaga.Commodity, error) {
	rows, err := q.Query(ctx, "SELECT code, name_id, name_en, unit, grades FROM commodities")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]niaga.Commodity{}
	for rows.Next() {
		var c niaga.Commodity
		var g string
		if err := rows.Scan(&c.Code, &c.NameID, &c.NameEN, &c.Unit, &g); err != nil {
			return nil, err
		}
		c.Grades = strings.Split(g, "|")
		out[c.Code] = c
	}
	return out, rows.Err()
}

// MeetingRequest is the vocabulary type (see niaga.MeetingRequest).
type MeetingRequest = niaga.MeetingRequest

const meetingCols = `r.id, r.mission_id, r.from_participant, r.to_participant, fo.name, tob.name, COALESCE(r.need_id, 0), COALESCE(r.offer_id, 0),
	r.score, r.message, r.is_virtual, r.link, r.status, r.answer, r.created_at, r.expires_at, r.answered_at`

const meetingFrom = ` FROM meeting_requests r
	JOIN mission_participants fp ON fp.id = r.from_participant JOIN organizations fo ON fo.id = fp.org_id
	JOIN mission_participants tp ON tp.id = r.to_participant JOIN organizations tob ON tob.id = tp.org_id`

func scanMeeting(s interface{ Scan(...any) error }, r *MeetingRequest) error {
	var c, e, a int64
	err := s.Scan(&r.ID, &r.MissionID, &r.From, &r.To, &r.FromName, &r.ToName, &r.NeedID, &r.OfferID, &r.Score, &r.Message, &r.Virtual, &r.Link,
		&r.Status, &r.Answer, &c, &e, &a)
	r.CreatedAt, r.ExpiresAt, r.AnsweredAt = fromMicros(c), fromMicros(e), fromMicros(a)
	return err
}

func loadMeeting(ctx context.Context, q rowQuerier, id int64) (MeetingRequest, error) {
	var r MeetingRequest
	err := scanMeeting(q.QueryRow(ctx, "SELECT "+meetingCols+meetingFrom+" WHERE r.id = $1", id), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return r, niaga.Errorf(niaga.CodeNotFound, "meeting request %d not found", id)
	}
	return r, err
}

// RequestMeeting asks another participant for a meeting. The request
// expires after the mission's request TTL (never after closing time).
func (db *DB) RequestMeeting(ctx context.Context, actor *niaga.Actor, missionID int64, in niaga.NewMeetingRequest) (MeetingRequest, error) {
	var out MeetingRequest
	in.Message, in.Link = strings.TrimSpace(in.Message), strings.TrimSpace(in.Link)
	var c niaga.Check
	c.Require(in.To > 0, "to_participant", "required")
	c.Text("message", in.Message, niaga.RangeLongNote)
	c.Require(len(in.Link) <= 500 && (in.Link == "" || strings.HasPrefix(in.Link, "https://")), "link", "an https:// link, at most 500 characters")
	c.Require(in.NeedID >= 0 && in.OfferID >= 0, "need_id", "must be an id")
	if err := c.Err(); err != nil {
		return out, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		m, a, err := tx.missionFor(ctx, actor, missionID, missionNeed{})
		if err != nil {
			return err
		}
		if m.Status == niaga.MissionClosed || !tx.Now.Before(m.Closes) {
			return niaga.Errorf(niaga.CodeConflict, "the mission is over")
		}
		from, err := ownParticipant(ctx, tx, &m, a, in.From, "from_participant")
		if err != nil {
			return err
		}
		to, err := participantIn(ctx, tx, missionID, in.To, "to_participant")
		if err != nil {
			return err
		}
		if from.ID == to.ID {
			return niaga.Invalid("to_participant", "must be another participant")
		}
		if !from.Verified || !to.Verified {
			return niaga.Errorf(niaga.CodeNotVerified, "both participants must be verified")
		}
		score, err := pairScore(ctx, tx, missionID, from, to, in.NeedID, in.OfferID)
		if err != nil {
			return err
		}
		var live int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_requests WHERE mission_id = $1 AND status IN ('pending','accepted')
			AND ((from_participant = $2 AND to_participant = $3) OR (from_participant = $3 AND to_participant = $2))`, missionID, from.ID, to.ID).Scan(&live); err != nil {
			return err
		}
		if live > 0 {
			return niaga.Errorf(niaga.CodeConflict, "a request between these participants is already pending or accepted")
		}
		exp := tx.Now.Add(time.Duration(m.RequestTTLMinutes) * time.Minute)
		if exp.After(m.Closes) {
			exp = m.Closes
		}
		var need, offer any
		if in.NeedID != 0 {
			need, offer = in.NeedID, in.OfferID
		}
		id, err := tx.InsertID(ctx, `INSERT INTO meeting_requests (mission_id, from_participant, to_participant, need_id, offer_id, score, message, is_virtual, link, status, created_by, created_at, expires_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, missionID, from.ID, to.ID, need, offer, score, in.Message, in.Virtual, in.Link,
			matching.StatusPending, actor.UserID, micros(tx.Now), micros(exp))
		if err != nil {
			return err
		}
		out, err = loadMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.notifyParticipant(ctx, out.To, niaga.NotifyMeetingRequested, map[string]any{"mission_id": missionID, "from": out.FromName}, missionLink(missionID, "/meetings")); err != nil {
			return err
		}
		return tx.Audit(actor, "meeting.request", "meeting_request", id, nil, out)
	})
	return out, err
}

// pairScore checks the need and offer a request names (one side's need,
// the other's offer) and scores them; 0 without a pair.
func pairScore(ctx context.Context, q rowQuerier, missionID int64, from, to niaga.Participant, needID, offerID int64) (int, error) {
	if needID == 0 && offerID == 0 {
		return 0, nil
	}
	if needID == 0 || offerID == 0 {
		return 0, niaga.Invalid("offer_id", "name both a need and an offer, or neither")
	}
	var n matching.Need
	err := q.QueryRow(ctx, "SELECT id, participant_id, commodity, grade, volume, target_price FROM mission_needs WHERE id = $1 AND mission_id = $2", needID, missionID).
		Scan(&n.ID, &n.Participant, &n.Commodity, &n.Grade, &n.Volume, &n.TargetPrice)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, niaga.Invalid("need_id", "not a need of this mission")
	}
	if err != nil {
		return 0, err
	}
	var o matching.Offer
	err = q.QueryRow(ctx, "SELECT id, participant_id, commodity, grade, monthly_capacity, price FROM mission_offers WHERE id = $1 AND mission_id = $2", offerID, missionID).
		Scan(&o.ID, &o.Participant, &o.Commodity, &o.Grade, &o.MonthlyCapacity, &o.Price)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, niaga.Invalid("offer_id", "not an offer of this mission")
	}
	if err != nil {
		return 0, err
	}
	if !((n.Participant == from.ID && o.Participant == to.ID) || (n.Participant == to.ID && o.Participant == from.ID)) {
		return 0, niaga.Invalid("need_id", "the need and the offer must be of the two participants, one each")
	}
	dels := map[int64]string{from.ID: from.Delegation, to.ID: to.Delegation}
	n.Delegation, o.Delegation = dels[n.Participant], dels[o.Participant]
	c, ok := matching.Match(n, o, matching.Options{})
	if !ok {
		return 0, niaga.Invalid("offer_id", "the need and the offer do not match (commodity or delegation)")
	}
	return c.Score, nil
}

// MeetingRequests lists a mission's requests: all of them for staff, the
// actor's own (sent or received) for a participant.
func (db *DB) MeetingRequests(ctx context.Context, actor *niaga.Actor, missionID int64) ([]MeetingRequest, error) {
	out := []MeetingRequest{}
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		_, a, err := readMission(ctx, q, actor, missionID)
		if err != nil {
			return err
		}
		var self int64
		if !(a.staff() || a.desk) {
			if a.self == 0 {
				return niaga.Errorf(niaga.CodeForbidden, "meeting requests are for the mission's participants and staff")
			}
			self = a.self
		}
		rows, err := q.Query(ctx, "SELECT "+meetingCols+meetingFrom+` WHERE r.mission_id = $1 AND ($2 = 0 OR r.from_participant = $2 OR r.to_participant = $2)
			ORDER BY r.id`, missionID, self)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r MeetingRequest
			if err := scanMeeting(rows, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// AnswerMeeting accepts or declines a pending request; only the addressed
// participant (or the running agency for it) answers, before it expires.
func (db *DB) AnswerMeeting(ctx context.Context, actor *niaga.Actor, id int64, accept bool, answer string) (MeetingRequest, error) {
	answer = strings.TrimSpace(answer)
	if !niaga.RangeLongNote.Contains(int64(len(answer))) {
		return MeetingRequest{}, niaga.Invalid("answer", niaga.RangeLongNote.Reason())
	}
	to := matching.StatusDeclined
	if accept {
		to = matching.StatusAccepted
	}
	return db.moveMeeting(ctx, actor, id, to, answer)
}

// CancelMeeting withdraws a request (the sender, while pending) or an
// accepted meeting (either side); a scheduled meeting frees its slot.
func (db *DB) CancelMeeting(ctx context.Context, actor *niaga.Actor, id int64) (MeetingRequest, error) {
	return db.moveMeeting(ctx, actor, id, matching.StatusCancelled, "")
}

func (db *DB) moveMeeting(ctx context.Context, actor *niaga.Actor, id int64, to matching.Status, answer string) (MeetingRequest, error) {
	var out MeetingRequest
	err := db.InTx(ctx, func(tx *Tx) error {
		var missionID int64
		if err := tx.QueryRow(ctx, "SELECT mission_id FROM meeting_requests WHERE id = $1", id).Scan(&missionID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return niaga.Errorf(niaga.CodeNotFound, "meeting request %d not found", id)
			}
			return err
		}
		_, a, err := tx.missionFor(ctx, actor, missionID, missionNeed{})
		if err != nil {
			return err
		}
		r, err := loadMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case a.staff():
		case to == matching.StatusCancelled && r.Status == matching.StatusPending && a.self == r.From:
		case to == matching.StatusCancelled && r.Status == matching.StatusAccepted && (a.self == r.From || a.self == r.To):
		case to != matching.StatusCancelled && a.self == r.To:
		case a.self == r.From || a.self == r.To:
			return niaga.Errorf(niaga.CodeForbidden, "only the invited participant answers a request")
		default:
			return niaga.Errorf(niaga.CodeNotFound, "meeting request %d not found", id)
		}
		if err := matching.Transition(r.Status, to); err != nil {
			if errors.Is(err, matching.ErrInvalidTransition) {
				return niaga.Errorf(niaga.CodeConflict, "the request is %s; it cannot become %s", r.Status, to)
			}
			return err
		}
		if r.Status == matching.StatusPending && to != matching.StatusCancelled &&
			matching.Expired(r.CreatedAt, tx.Now, r.ExpiresAt.Sub(r.CreatedAt)) {
			return niaga.Errorf(niaga.CodeRequestExpired, "the request expired at %s", r.ExpiresAt.Format(time.RFC3339))
		}
		before := r.Status
		if _, err := tx.Exec(ctx, "UPDATE meeting_requests SET status = $1, answer = $2, answered_at = $3 WHERE id = $4",
			to, answer, micros(tx.Now), id); err != nil {
			return err
		}
		if to == matching.StatusCancelled {
			if err := tx.unschedule(ctx, id); err != nil {
				return err
			}
		}
		r.Status, r.Answer, r.AnsweredAt = to, answer, tx.Now.Truncate(time.Microsecond)
		out = r
		if to == matching.StatusAccepted || to == matching.StatusDeclined {
			params := map[string]any{"mission_id": r.MissionID, "to": r.ToName, "accepted": to == matching.StatusAccepted}
			if err := tx.notifyParticipant(ctx, r.From, niaga.NotifyMeetingAnswered, params, missionLink(r.MissionID, "/meetings")); err != nil {
				return err
			}
		}
		return tx.Audit(actor, "meeting."+string(to), "meeting_request", id, map[string]any{"status": before}, map[string]any{"status": to, "answer": answer})
	})
	return out, err
}

// unschedule drops a meeting's slot and seats.
func (tx *Tx) unschedule(ctx context.Context, requestID int64) error {
	if _, err := tx.Exec(ctx, "DELETE FROM meeting_seats WHERE request_id = $1", requestID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM meeting_assignments WHERE request_id = $1", requestID)
	return err
}

// ExpireMeetingRequests marks pending requests whose time is up at asOf as
// expired, so they hold no slot. It is idempotent and safe to run on every
// instance at once: a request already expired elsewhere no longer matches.
func (db *DB) ExpireMeetingRequests(ctx context.Context, asOf time.Time) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		if asOf.IsZero() {
			asOf = tx.Now
		}
		ids, err := tx.queryIDs(ctx, `UPDATE meeting_requests SET status = 'expired', answered_at = $1
			WHERE status = 'pending' AND expires_at <= $1 RETURNING id`, micros(asOf))
		if err != nil {
			return err
		}
		slices.Sort(ids)
		for _, id := range ids {
			if err := tx.Audit(nil, "meeting.expired", "meeting_request", id, map[string]any{"status": "pending"}, map[string]any{"status": "expired"}); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// ScheduleParams configure a scheduler run. Start and End default to the
// mission's opening and closing times.
type ScheduleParams struct {
	SlotMinutes int              `json:"slot_minutes"`
	Tables      int              `json:"tables"` // 0 = unlimited
	Start       time.Time        `json:"start"`
	End         time.Time        `json:"end"`
	Breaks      []niaga.TimeSpan `json:"breaks"`
}

// ScheduledMeeting is one meeting in the stored schedule.
type ScheduledMeeting struct {
	MeetingID int64     `json:"meeting_id"`
	Slot      int       `json:"slot"`
	Table     int       `json:"table"` // 0 = virtual
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	A         int64     `json:"a"`
	B         int64     `json:"b"`
	AName     string    `json:"a_name"`
	BName     string    `json:"b_name"`
	Score     int       `json:"score"`
	Virtual   bool      `json:"virtual"`
	Link      string    `json:"link,omitempty"`
}

// MeetingSchedule is a mission's stored meeting schedule.
type MeetingSchedule struct {
	MissionID   int64                  `json:"mission_id"`
	Params      ScheduleParams         `json:"params"`
	RunAt       time.Time              `json:"run_at"`
	Slots       []matching.Slot        `json:"slots"`
	Meetings    []ScheduledMeeting     `json:"meetings"`
	Unscheduled []matching.Unscheduled `json:"unscheduled"`
	Stats       matching.ScheduleStats `json:"stats"`
}

type storedSchedule struct {
	Params      ScheduleParams         `json:"params"`
	Unscheduled []matching.Unscheduled `json:"unscheduled"`
	Stats       matching.ScheduleStats `json:"stats"`
}

// ScheduleMission runs the scheduler on the accepted meetings and stores
// the result, replacing the previous run. Meetings at tables are placed
// first; virtual ones then fill the slots their participants have free.
// The database refuses a participant in two meetings of one slot and two
// meetings at one table, so a faulty schedule cannot be stored.
func (db *DB) ScheduleMission(ctx context.Context, actor *niaga.Actor, missionID int64, p ScheduleParams) (MeetingSchedule, error) {
	var c niaga.Check
	c.InRange("slot_minutes", int64(p.SlotMinutes), niaga.RangeSlotMinutes)
	c.InRange("tables", int64(p.Tables), niaga.RangeTables)
	c.LenInRange("breaks", len(p.Breaks), niaga.RangeScheduleBreaks)
	if err := c.Err(); err != nil {
		return MeetingSchedule{}, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		m, _, err := tx.missionFor(ctx, actor, missionID, missionNeed{staff: "only the running agency schedules meetings", open: true})
		if err != nil {
			return err
		}
		if p.Start.IsZero() {
			p.Start = m.Opens
		}
		if p.End.IsZero() {
			p.End = m.Closes
		}
		if !p.End.After(p.Start) || p.Start.Before(m.Opens.Add(-24*time.Hour)) || p.End.After(m.Closes.Add(24*time.Hour)) {
			return niaga.Invalid("end", "the meeting window must end after it starts, around the mission day")
		}
		breaks := make([]matching.Break, len(p.Breaks))
		for i, b := range p.Breaks {
			breaks[i] = matching.Break{Start: b.Start, End: b.End}
		}
		slots := matching.Slots(p.Start, p.End, time.Duration(p.SlotMinutes)*time.Minute, breaks)
		if len(slots) == 0 {
			return niaga.Invalid("slot_minutes", "no slot fits between start and end")
		}
		return tx.runSchedule(ctx, actor, m.ID, p, slots)
	})
	if err != nil {
		return MeetingSchedule{}, err
	}
	return db.storedSchedule(ctx, missionID)
}

func (tx *Tx) runSchedule(ctx context.Context, actor *niaga.Actor, missionID int64, p ScheduleParams, slots []matching.Slot) error {
	var physical, virtual []matching.Meeting
	rows, err := tx.Query(ctx, "SELECT id, from_participant, to_participant, score, is_virtual FROM meeting_requests WHERE mission_id = $1 AND status = 'accepted' ORDER BY id", missionID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var mt matching.Meeting
		var v bool
		if err := rows.Scan(&mt.ID, &mt.A, &mt.B, &mt.Score, &v); err != nil {
			rows.Close()
			return err
		}
		if v {
			virtual = append(virtual, mt)
		} else {
			physical = append(physical, mt)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	unavailable, err := tx.unavailableSlots(ctx, missionID, slots)
	if err != nil {
		return err
	}
	first, err := matching.Schedule(matching.ScheduleInput{Slots: slots, Tables: p.Tables, Meetings: physical, Unavailable: unavailable})
	if err != nil {
		return niaga.Invalid("tables", err.Error())
	}
	// Virtual meetings need no table, only both participants free.
	busy := map[int64][]int{}
	for k, v := range unavailable {
		busy[k] = slices.Clone(v)
	}
	pair := map[int64]matching.Meeting{}
	for _, mt := range physical {
		pair[mt.ID] = mt
	}
	for _, as := range first.Assignments {
		mt := pair[as.MeetingID]
		busy[mt.A] = append(busy[mt.A], as.Slot)
		busy[mt.B] = append(busy[mt.B], as.Slot)
	}
	second, err := matching.Schedule(matching.ScheduleInput{Slots: slots, Tables: 0, Meetings: virtual, Unavailable: busy})
	if err != nil {
		return err
	}
	for _, mt := range virtual {
		pair[mt.ID] = mt
	}
	for _, q := range []string{"DELETE FROM meeting_seats WHERE mission_id = $1", "DELETE FROM meeting_assignments WHERE mission_id = $1",
		"DELETE FROM mission_slots WHERE mission_id = $1", "DELETE FROM mission_schedules WHERE mission_id = $1"} {
		if _, err := tx.Exec(ctx, q, missionID); err != nil {
			return err
		}
	}
	// Batched: a mission of thousands of participants has thousands of meetings.
	slotRows := make([][]any, len(slots))
	for i, sl := range slots {
		slotRows[i] = []any{missionID, sl.Index, micros(sl.Start), micros(sl.End)}
	}
	if err := tx.insertRows(ctx, "mission_slots", []string{"mission_id", "idx", "starts_at", "ends_at"}, slotRows, "", nil); err != nil {
		return err
	}
	assignments := append(slices.Clone(first.Assignments), second.Assignments...)
	var asRows, seatRows [][]any
	for _, as := range assignments {
		mt := pair[as.MeetingID]
		asRows = append(asRows, []any{as.MeetingID, missionID, as.Slot, as.Table})
		seatRows = append(seatRows, []any{missionID, as.Slot, mt.A, as.MeetingID}, []any{missionID, as.Slot, mt.B, as.MeetingID})
	}
	if err := tx.insertRows(ctx, "meeting_assignments", []string{"request_id", "mission_id", "slot", "table_no"}, asRows, "", nil); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, "meeting_seats", []string{"mission_id", "slot", "participant_id", "request_id"}, seatRows, "", nil); err != nil {
		if niaga.ErrorCode(err) == niaga.CodeConflict {
			return niaga.Errorf(niaga.CodeInternal, "the scheduler double-booked a participant; nothing was stored")
		}
		return err
	}
	st := storedSchedule{Params: p, Unscheduled: append(slices.Clone(first.Unscheduled), second.Unscheduled...), Stats: first.Stats}
	st.Stats.Greedy += second.Stats.Greedy
	st.Stats.Improved += second.Stats.Improved
	st.Stats.Relocations += second.Stats.Relocations
	st.Stats.Steps += second.Stats.Steps
	st.Stats.BudgetExhausted = st.Stats.BudgetExhausted || second.Stats.BudgetExhausted
	if st.Unscheduled == nil {
		st.Unscheduled = []matching.Unscheduled{}
	}
	blob, err := json.Marshal(st)
	if err != nil {
		return err
	}
	uns, err := json.Marshal(st.Unscheduled)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO mission_schedules (mission_id, slot_minutes, tables, params, unscheduled, run_by, run_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		missionID, p.SlotMinutes, p.Tables, string(blob), string(uns), uidOf(actor), micros(tx.Now)); err != nil {
		return err
	}
	if err := tx.Audit(actor, "mission.schedule", "mission", missionID, nil, map[string]any{"params": p, "scheduled": len(assignments), "unscheduled": len(st.Unscheduled)}); err != nil {
		return err
	}
	// Each participant with meetings is told its agenda is ready.
	meetings := map[int64]int{}
	for _, as := range assignments {
		mt := pair[as.MeetingID]
		meetings[mt.A]++
		meetings[mt.B]++
	}
	for _, pid := range slices.Sorted(maps.Keys(meetings)) {
		params := map[string]any{"mission_id": missionID, "meetings": meetings[pid]}
		if err := tx.notifyParticipant(ctx, pid, niaga.NotifyMeetingScheduled, params, missionLink(missionID, "/agenda")); err != nil {
			return err
		}
	}
	ev := map[string]any{"mission_id": missionID, "scheduled": len(assignments), "slots": len(slots)}
	err = tx.emitMission(ctx, missionID, "schedule", ev, ev)
	return err
}

func uidOf(a *niaga.Actor) int64 {
	if a == nil {
		return 0
	}
	return a.UserID
}

// unavailableSlots maps each participant to the slots overlapping its
// unavailable times.
func (tx *Tx) unavailableSlots(ctx context.Context, missionID int64, slots []matching.Slot) (map[int64][]int, error) {
	rows, err := tx.Query(ctx, `SELECT u.participant_id, u.starts_at, u.ends_at FROM participant_unavailability u
		JOIN mission_participants p ON p.id = u.participant_id WHERE p.mission_id = $1`, missionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int{}
	for rows.Next() {
		var pid, s, e int64
		if err := rows.Scan(&pid, &s, &e); err != nil {
			return nil, err
		}
		start, end := fromMicros(s), fromMicros(e)
		for _, sl := range slots {
			if sl.Start.Before(end) && start.Before(sl.End) {
				out[pid] = append(out[pid], sl.Index)
			}
		}
	}
	return out, rows.Err()
}

// MissionSchedule returns the stored schedule: the table sheets of the
// hall desk. Staff only; participants read their agendas.
func (db *DB) MissionSchedule(ctx context.Context, actor *niaga.Actor, missionID int64) (MeetingSchedule, error) {
	m, err := db.Mission(ctx, missionID)
	if err != nil {
		return MeetingSchedule{}, err
	}
	a, err := missionAuthority(ctx, poolReader{db}, &m, actor)
	if err != nil {
		return MeetingSchedule{}, db.classify(err)
	}
	if !(a.staff() || a.desk || a.validator) {
		return MeetingSchedule{}, niaga.Errorf(niaga.CodeForbidden, "table sheets are for the mission staff; participants read their agendas")
	}
	return db.storedSchedule(ctx, missionID)
}

func (db *DB) storedSchedule(ctx context.Context, missionID int64) (MeetingSchedule, error) {
	s := MeetingSchedule{MissionID: missionID, Slots: []matching.Slot{}, Meetings: []ScheduledMeeting{}, Unscheduled: []matching.Unscheduled{}}
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		var blob string
		var runAt int64
		err := q.QueryRow(ctx, "SELECT params, run_at FROM mission_schedules WHERE mission_id = $1", missionID).Scan(&blob, &runAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not scheduled yet
		}
		if err != nil {
			return err
		}
		var st storedSchedule
		if err := json.Unmarshal([]byte(blob), &st); err != nil {
			return err
		}
		s.Params, s.Unscheduled, s.Stats, s.RunAt = st.Params, st.Unscheduled, st.Stats, fromMicros(runAt)
		if s.Slots, err = missionSlots(ctx, q, missionID); err != nil {
			return err
		}
		s.Meetings, err = scheduledMeetings(ctx, q, "a.mission_id = $1", missionID)
		return err
	})
	return s, err
}

func missionSlots(ctx context.Context, q rowQuerier, missionID int64) ([]matching.Slot, error) {
	rows, err := q.Query(ctx, "SELECT idx, starts_at, ends_at FROM mission_slots WHERE mission_id = $1 ORDER BY idx", missionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []matching.Slot{}
	for rows.Next() {
		var s matching.Slot
		var a, b int64
		if err := rows.Scan(&s.Index, &a, &b); err != nil {
			return nil, err
		}
		s.Start, s.End = fromMicros(a), fromMicros(b)
		out = append(out, s)
	}
	return out, rows.Err()
}

func scheduledMeetings(ctx context.Context, q rowQuerier, where string, args ...any) ([]ScheduledMeeting, error) {
	rows, err := q.Query(ctx, `SELECT a.request_id, a.slot, a.table_no, s.starts_at, s.ends_at, r.from_participant, r.to_participant, fo.name, tob.name, r.score, r.is_virtual, r.link
		FROM meeting_assignments a JOIN mission_slots s ON s.mission_id = a.mission_id AND s.idx = a.slot
		JOIN meeting_requests r ON r.id = a.request_id
		JOIN mission_participants fp ON fp.id = r.from_participant JOIN organizations fo ON fo.id = fp.org_id
		JOIN mission_participants tp ON tp.id = r.to_participant JOIN organizations tob ON tob.id = tp.org_id
		WHERE `+where+" ORDER BY a.slot, a.table_no, a.request_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ScheduledMeeting{}
	for rows.Next() {
		var m ScheduledMeeting
		var st, en int64
		if err := rows.Scan(&m.MeetingID, &m.Slot, &m.Table, &st, &en, &m.A, &m.B, &m.AName, &m.BName, &m.Score, &m.Virtual, &m.Link); err != nil {
			return nil, err
		}
		m.Start, m.End = fromMicros(st), fromMicros(en)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AgendaItem is one line of a participant's printable agenda.
type AgendaItem struct {
	matching.AgendaItem
	CounterpartName       string `json:"counterpart_name"`
	CounterpartDelegation string `json:"counterpart_delegation"`
	Virtual               bool   `json:"virtual"`
	Link                  string `json:"link,omitempty"`
}

// Agenda is a participant's personal agenda.
type Agenda struct {
	Participant niaga.Participant `json:"participant"`
	Mission     niaga.Mission     `json:"mission"`
	Items       []AgendaItem      `json:"items"`
}

// ParticipantAgenda returns a participant's scheduled meetings in time
// order (matching.Agenda). The participant itself or mission staff read it.
func (db *DB) ParticipantAgenda(ctx context.Context, actor *niaga.Actor, participantID int64) (Agenda, error) {
	var ag Agenda
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		p, err := loadParticipant(ctx, q, participantID)
		if err != nil {
			return err
		}
		m, a, err := readMission(ctx, q, actor, p.MissionID)
		if err != nil {
			return err
		}
		if a.self != p.ID && !(a.staff() || a.desk) {
			return niaga.Errorf(niaga.CodeForbidden, "an agenda is for its participant and the mission staff")
		}
		ag = Agenda{Participant: p, Mission: m, Items: []AgendaItem{}}
		slots, err := missionSlots(ctx, q, m.ID)
		if err != nil {
			return err
		}
		sched, err := scheduledMeetings(ctx, q, "a.mission_id = $1 AND (r.from_participant = $2 OR r.to_participant = $2)", m.ID, p.ID)
		if err != nil {
			return err
		}
		var as []matching.Assignment
		var ms []matching.Meeting
		byID := map[int64]ScheduledMeeting{}
		for _, s := range sched {
			as = append(as, matching.Assignment{MeetingID: s.MeetingID, Slot: s.Slot, Table: s.Table})
			ms = append(ms, matching.Meeting{ID: s.MeetingID, A: s.A, B: s.B, Score: s.Score})
			byID[s.MeetingID] = s
		}
		_, dels, err := participantNames(ctx, q, m.ID, false)
		if err != nil {
			return err
		}
		for _, it := range matching.Agenda(p.ID, as, ms, slots) {
			s := byID[it.MeetingID]
			name := s.AName
			if s.A == p.ID {
				name = s.BName
			}
			ag.Items = append(ag.Items, AgendaItem{AgendaItem: it, CounterpartName: name, CounterpartDelegation: dels[it.Counterpart], Virtual: s.Virtual, Link: s.Link})
		}
		return nil
	})
	return ag, err
}

// notifyParticipant tells the organization of a mission participant.
func (tx *Tx) notifyParticipant(ctx context.Context, participantID int64, kind niaga.NotificationKind, params map[string]any, link string) error {
	var org int64
	if err := tx.QueryRow(ctx, "SELECT org_id FROM mission_participants WHERE id = $1", participantID).Scan(&org); err != nil {
		return err
	}
	return tx.notifyOrg(ctx, org, kind, params, link)
}

// missionLink is a mission's page, or one of its sections.
func missionLink(id int64, section string) string {
	return "/missions/" + strconv.FormatInt(id, 10) + section
}
