package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"niaga"
)

const participantCols = "p.id, p.mission_id, p.org_id, o.name, o.kind, p.delegation, p.contact, p.status, p.verified"
const participantFrom = " FROM mission_participants p JOIN organizations o ON o.id = p.org_id"

func scanParticipant(s interface{ Scan(...any) error }, p *niaga.Participant) error {
	return s.Scan(&p.ID, &p.MissionID, &p.OrgID, &p.OrgName, &p.OrgKind, &p.Delegation, &p.Contact, &p.Status, &p.Verified)
}

func loadParticipant(ctx context.Context, q rowQuerier, id int64) (niaga.Participant, error) {
	var p niaga.Participant
	err := scanParticipant(q.QueryRow(ctx, "SELECT "+participantCols+participantFrom+" WHERE p.id = $1", id), &p)
	if errors.Is(err, sql.ErrNoRows) {
		return p, niaga.Errorf(niaga.CodeNotFound, "participant %d not found", id)
	}
	return p, err
}

// Participant returns one participant.
func (db *DB) Participant(ctx context.Context, id int64) (niaga.Participant, error) {
	p, err := loadParticipant(ctx, poolReader{db}, id)
	return p, db.classify(err)
}

// Participants lists a mission's participants by delegation and name, as
// the actor may see them. The mission's staff see every participant with
// its contact. Others see the approved participants without contacts, their
// own participation (with its contact) whatever its state, and an agency of
// a delegation the participants waiting for its decision.
func (db *DB) Participants(ctx context.Context, actor *niaga.Actor, missionID int64) ([]niaga.Participant, error) {
	out := []niaga.Participant{}
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		_, a, err := readMission(ctx, q, actor, missionID)
		if err != nil {
			return err
		}
		var ownOrg int64 = -1
		if actor != nil {
			ownOrg = actor.OrgID
		}
		rows, err := q.Query(ctx, "SELECT "+participantCols+participantFrom+" WHERE p.mission_id = $1 ORDER BY p.delegation, o.name, p.id", missionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p niaga.Participant
			if err := scanParticipant(rows, &p); err != nil {
				return err
			}
			own := p.OrgID == ownOrg
			if !a.missionStaff() && !own && p.Status != niaga.ParticipantApproved && p.Delegation != a.delegationAgency {
				continue
			}
			if !a.missionStaff() && !own {
				p.Contact = ""
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// RegisterParticipant adds an organization to a mission's delegation.
func (db *DB) RegisterParticipant(ctx context.Context, actor *niaga.Actor, missionID int64, in niaga.NewParticipant) (niaga.Participant, error) {
	var out niaga.Participant
	if actor == nil {
		return out, niaga.Errorf(niaga.CodeUnauthorized, "sign in to register")
	}
	if !niaga.RangeShortText.Contains(int64(len(in.Contact))) {
		return out, niaga.Invalid("contact", niaga.RangeShortText.Reason())
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		m, a, err := tx.missionFor(ctx, actor, missionID, missionNeed{})
		if err != nil {
			return err
		}
		status := niaga.ParticipantApproved // the staff's registration is their approval
		if !a.staff() {
			if actor.Role != niaga.RoleBusiness || (in.OrgID != 0 && in.OrgID != actor.OrgID) {
				return niaga.Errorf(niaga.CodeForbidden, "a business registers only itself; the running agency registers others")
			}
			// Joining a delegation waits for that delegation's agency.
			in.OrgID, in.Verified, status = actor.OrgID, false, niaga.ParticipantPending
		}
		if m.Status == niaga.MissionClosed {
			return niaga.Errorf(niaga.CodeConflict, "the mission is closed")
		}
		o, err := tx.orgByID(ctx, in.OrgID)
		if err != nil {
			return niaga.Invalid("org_id", "organization does not exist")
		}
		if o.Kind != niaga.OrgBusiness {
			return niaga.Invalid("org_id", "only businesses take part in a delegation")
		}
		if in.Delegation == "" {
			in.Delegation = o.Province
		}
		if !m.Involves(in.Delegation) {
			return niaga.Invalid("delegation", "must be the host or a guest province of the mission")
		}
		out = niaga.Participant{MissionID: missionID, OrgID: o.ID, OrgName: o.Name, OrgKind: string(o.Kind), Delegation: in.Delegation,
			Contact: strings.TrimSpace(in.Contact), Status: status, Verified: in.Verified}
		return tx.insertParticipant(ctx, actor, &out)
	})
	return out, err
}

// insertParticipant writes a participant in p.Status (pending unless said
// otherwise); only an approved participant may be verified.
func (tx *Tx) insertParticipant(ctx context.Context, actor *niaga.Actor, p *niaga.Participant) error {
	var uid, by, at, decBy, decAt int64
	if actor != nil {
		uid = actor.UserID
	}
	if p.Status != niaga.ParticipantApproved {
		p.Status, p.Verified = niaga.ParticipantPending, false
	} else {
		decBy, decAt = uid, micros(tx.Now)
	}
	if p.Verified {
		by, at = uid, micros(tx.Now)
	}
	id, err := tx.InsertID(ctx, `INSERT INTO mission_participants (mission_id, org_id, delegation, contact, verified, verified_by, verified_at, created_at, status, decided_by, decided_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, p.MissionID, p.OrgID, p.Delegation, p.Contact, p.Verified, by, at, micros(tx.Now), p.Status, decBy, decAt)
	if err != nil {
		if niaga.ErrorCode(err) == niaga.CodeConflict {
			return &niaga.Error{Code: niaga.CodeConflict, Message: "already registered to this mission", Fields: []niaga.FieldError{{Field: "org_id", Reason: "already registered"}}}
		}
		return err
	}
	p.ID = id
	return tx.Audit(actor, "participant.register", "participant", id, nil, p)
}

// participantIn loads a participant and checks it belongs to the mission
// and is approved (a pending participant is no participant yet).
func participantIn(ctx context.Context, q rowQuerier, missionID, id int64, field string) (niaga.Participant, error) {
	p, err := loadParticipant(ctx, q, id)
	if niaga.ErrorCode(err) == niaga.CodeNotFound || (err == nil && (p.MissionID != missionID || p.Status != niaga.ParticipantApproved)) {
		return p, niaga.Invalid(field, "not an approved participant of this mission")
	}
	return p, err
}

// VerifyParticipant marks a participant verified (or not): the running
// agency checks who came with each delegation. The running agency may also
// approve participation, so verifying a participant approves it.
func (db *DB) VerifyParticipant(ctx context.Context, actor *niaga.Actor, id int64, verified bool) (niaga.Participant, error) {
	var out niaga.Participant
	err := db.InTx(ctx, func(tx *Tx) error {
		p, err := loadParticipant(ctx, tx, id)
		if err != nil {
			return err
		}
		_, _, err = tx.missionFor(ctx, actor, p.MissionID, missionNeed{staff: "only the running agency verifies participants"})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE mission_participants SET verified = $1, verified_by = $2, verified_at = $3 WHERE id = $4",
			verified, actor.UserID, micros(tx.Now), id); err != nil {
			return err
		}
		before := map[string]any{"verified": p.Verified, "status": p.Status}
		if verified && p.Status != niaga.ParticipantApproved {
			if _, err := tx.Exec(ctx, "UPDATE mission_participants SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
				niaga.ParticipantApproved, actor.UserID, micros(tx.Now), id); err != nil {
				return err
			}
			p.Status = niaga.ParticipantApproved
		}
		p.Verified = verified
		out = p
		return tx.Audit(actor, "participant.verify", "participant", id, before, map[string]any{"verified": verified, "status": p.Status})
	})
	return out, err
}

// ownParticipant resolves which participant an offer, need or request is
// for: the actor's own, or (for the running agency) the one named.
func ownParticipant(ctx context.Context, q rowQuerier, m *niaga.Mission, a authority, named int64, field string) (niaga.Participant, error) {
	switch {
	case !a.staff() && a.self == 0:
		return niaga.Participant{}, niaga.Errorf(niaga.CodeForbidden, "your organization is not a participant of this mission")
	case !a.staff() && named != 0 && named != a.self:
		return niaga.Participant{}, niaga.Errorf(niaga.CodeForbidden, "you act only for your own organization")
	case named == 0 && a.self == 0:
		return niaga.Participant{}, niaga.Invalid(field, "required")
	case named == 0:
		named = a.self
	}
	return participantIn(ctx, q, m.ID, named, field)
}

// commodityGrade checks a commodity code and grade ("" or "any" for any grade).
func commodityGrade(ctx context.Context, q rowQuerier, code, grade string) (niaga.Commodity, string, error) {
	var c niaga.Commodity
	var g string
	err := q.QueryRow(ctx, "SELECT code, name_id, name_en, unit, grades FROM commodities WHERE code = $1", code).Scan(&c.Code, &c.NameID, &c.NameEN, &c.Unit, &g)
	if errors.Is(err, sql.ErrNoRows) {
		return c, "", niaga.Invalid("commodity", "unknown commodity")
	}
	if err != nil {
		return c, "", err
	}
	c.Grades = strings.Split(g, "|")
	grade = strings.TrimSpace(grade)
	if strings.EqualFold(grade, "any") {
		grade = ""
	}
	if grade != "" && !c.HasGrade(grade) {
		return c, "", niaga.Invalid("grade", "not a grade of "+c.Code+": one of "+strings.Join(c.Grades, ", ")+" or empty")
	}
	return c, grade, nil
}

func checkOffer(o *niaga.MissionOffer) error {
	var c niaga.Check
	c.InRange("monthly_capacity", o.MonthlyCapacity, niaga.RangeQuantity)
	c.InRange("price", o.Price, niaga.RangeOptUnitPrice) // 0 = on request
	c.Text("note", o.Note, niaga.RangeNote)
	return c.Err()
}

func checkNeed(n *niaga.MissionNeed) error {
	var c niaga.Check
	c.InRange("volume", n.Volume, niaga.RangeQuantity)
	c.InRange("target_price", n.TargetPrice, niaga.RangeOptUnitPrice) // 0 = open
	c.Text("note", n.Note, niaga.RangeNote)
	return c.Err()
}

// AddOffer records what a participant sells.
func (db *DB) AddOffer(ctx context.Context, actor *niaga.Actor, missionID int64, o *niaga.MissionOffer) error {
	if err := checkOffer(o); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, err := tx.prepareListing(ctx, actor, missionID, o.ParticipantID)
		if err != nil {
			return err
		}
		_, grade, err := commodityGrade(ctx, tx, o.Commodity, o.Grade)
		if err != nil {
			return err
		}
		o.MissionID, o.ParticipantID, o.Grade = missionID, p.ID, grade
		return tx.insertOffer(ctx, actor, o)
	})
}

// AddNeed records what a participant buys.
func (db *DB) AddNeed(ctx context.Context, actor *niaga.Actor, missionID int64, n *niaga.MissionNeed) error {
	if err := checkNeed(n); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, err := tx.prepareListing(ctx, actor, missionID, n.ParticipantID)
		if err != nil {
			return err
		}
		_, grade, err := commodityGrade(ctx, tx, n.Commodity, n.Grade)
		if err != nil {
			return err
		}
		n.MissionID, n.ParticipantID, n.Grade = missionID, p.ID, grade
		return tx.insertNeed(ctx, actor, n)
	})
}

func (tx *Tx) prepareListing(ctx context.Context, actor *niaga.Actor, missionID, participant int64) (niaga.Participant, error) {
	m, a, err := tx.missionFor(ctx, actor, missionID, missionNeed{open: true})
	if err != nil {
		return niaga.Participant{}, err
	}
	return ownParticipant(ctx, tx, &m, a, participant, "participant_id")
}

func (tx *Tx) insertOffer(ctx context.Context, actor *niaga.Actor, o *niaga.MissionOffer) error {
	id, err := tx.InsertID(ctx, `INSERT INTO mission_offers (mission_id, participant_id, commodity, grade, monthly_capacity, price, note, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, o.MissionID, o.ParticipantID, o.Commodity, o.Grade, o.MonthlyCapacity, o.Price, o.Note, micros(tx.Now))
	if err != nil {
		return err
	}
	o.ID = id
	return tx.Audit(actor, "offer.create", "offer", id, nil, o)
}

func (tx *Tx) insertNeed(ctx context.Context, actor *niaga.Actor, n *niaga.MissionNeed) error {
	id, err := tx.InsertID(ctx, `INSERT INTO mission_needs (mission_id, participant_id, commodity, grade, volume, target_price, note, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, n.MissionID, n.ParticipantID, n.Commodity, n.Grade, n.Volume, n.TargetPrice, n.Note, micros(tx.Now))
	if err != nil {
		return err
	}
	n.ID = id
	return tx.Audit(actor, "need.create", "need", id, nil, n)
}

// Offers lists a mission's offers.
func (db *DB) Offers(ctx context.Context, missionID int64) ([]niaga.MissionOffer, error) {
	return missionOffers(ctx, poolReader{db}, missionID, false)
}

func missionOffers(ctx context.Context, q rowQuerier, missionID int64, verifiedOnly bool) ([]niaga.MissionOffer, error) {
	rows, err := q.Query(ctx, `SELECT f.id, f.mission_id, f.participant_id, f.commodity, f.grade, f.monthly_capacity, f.price, f.note
		FROM mission_offers f JOIN mission_participants p ON p.id = f.participant_id
		WHERE f.mission_id = $1 AND (p.verified OR NOT $2) ORDER BY f.id`, missionID, verifiedOnly)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.MissionOffer{}
	for rows.Next() {
		var o niaga.MissionOffer
		if err := rows.Scan(&o.ID, &o.MissionID, &o.ParticipantID, &o.Commodity, &o.Grade, &o.MonthlyCapacity, &o.Price, &o.Note); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Needs lists a mission's needs.
func (db *DB) Needs(ctx context.Context, missionID int64) ([]niaga.MissionNeed, error) {
	return missionNeeds(ctx, poolReader{db}, missionID, false)
}

func missionNeeds(ctx context.Context, q rowQuerier, missionID int64, verifiedOnly bool) ([]niaga.MissionNeed, error) {
	rows, err := q.Query(ctx, `SELECT n.id, n.mission_id, n.participant_id, n.commodity, n.grade, n.volume, n.target_price, n.note
		FROM mission_needs n JOIN mission_participants p ON p.id = n.participant_id
		WHERE n.mission_id = $1 AND (p.verified OR NOT $2) ORDER BY n.id`, missionID, verifiedOnly)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.MissionNeed{}
	for rows.Next() {
		var n niaga.MissionNeed
		if err := rows.Scan(&n.ID, &n.MissionID, &n.ParticipantID, &n.Commodity, &n.Grade, &n.Volume, &n.TargetPrice, &n.Note); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SetUnavailability replaces the times a participant cannot meet (the
// scheduler keeps those slots free). The participant or the running agency sets it.
func (db *DB) SetUnavailability(ctx context.Context, actor *niaga.Actor, participantID int64, ranges []niaga.TimeSpan) error {
	if !niaga.RangeUnavailability.Contains(int64(len(ranges))) {
		return niaga.Invalid("ranges", niaga.RangeUnavailability.Reason())
	}
	return db.InTx(ctx, func(tx *Tx) error {
		p, err := loadParticipant(ctx, tx, participantID)
		if err != nil {
			return err
		}
		m, a, err := tx.missionFor(ctx, actor, p.MissionID, missionNeed{})
		if err != nil {
			return err
		}
		if a.self != p.ID && !a.staff() {
			return niaga.Errorf(niaga.CodeForbidden, "not your participation")
		}
		for _, r := range ranges {
			if !r.End.After(r.Start) {
				return niaga.Invalid("ranges", "each range ends after it starts")
			}
			if r.End.Before(m.Opens.Add(-24*time.Hour)) || r.Start.After(m.Closes.Add(24*time.Hour)) {
				return niaga.Invalid("ranges", "ranges must be around the mission day")
			}
		}
		before, err := unavailability(ctx, tx, participantID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM participant_unavailability WHERE participant_id = $1", participantID); err != nil {
			return err
		}
		for _, r := range ranges {
			if _, err := tx.Exec(ctx, "INSERT INTO participant_unavailability (participant_id, starts_at, ends_at) VALUES ($1,$2,$3)",
				participantID, micros(r.Start), micros(r.End)); err != nil {
				return err
			}
		}
		return tx.Audit(actor, "participant.unavailability", "participant", participantID, before, ranges)
	})
}

// Unavailability returns the times a participant cannot meet.
func (db *DB) Unavailability(ctx context.Context, participantID int64) ([]niaga.TimeSpan, error) {
	return unavailability(ctx, poolReader{db}, participantID)
}

func unavailability(ctx context.Context, q rowQuerier, participantID int64) ([]niaga.TimeSpan, error) {
	rows, err := q.Query(ctx, "SELECT starts_at, ends_at FROM participant_unavailability WHERE participant_id = $1 ORDER BY starts_at", participantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.TimeSpan{}
	for rows.Next() {
		var s, e int64
		if err := rows.Scan(&s, &e); err != nil {
			return nil, err
		}
		out = append(out, niaga.TimeSpan{Start: fromMicros(s), End: fromMicros(e)})
	}
	return out, rows.Err()
}
