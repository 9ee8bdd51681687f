package store

import (
	"context"
	"strconv"
	"time"

	"niaga"
)

// What of a mission is public, and what only its staff see.
//
// The public board (GET …/summary, the board page, the public stream) shows
// a ledger entry's amount, commodity, kind, parties and their provinces, and
// the running totals. Notes, reversal reasons, validation notes and who
// recorded an entry stay in the ledger, which only the mission's staff and
// approved participants read. Public payloads are built from PublicDeal,
// which has no field for anything else, so nothing restricted can slip into
// them; the staff stream carries whole entries on its own topic.

// PublicDeal is a ledger entry as the public board shows it.
type PublicDeal struct {
	ID             int64          `json:"id"`
	MissionID      int64          `json:"mission_id"`
	SellerName     string         `json:"seller_name"`
	BuyerName      string         `json:"buyer_name"`
	SellerProvince string         `json:"seller_province"`
	BuyerProvince  string         `json:"buyer_province"`
	Commodity      string         `json:"commodity"`
	Kind           niaga.DealKind `json:"kind"`
	Quantity       int64          `json:"quantity" range:"signed_deal_quantity" doc:"Base units; negative on a reversing entry."`
	Value          int64          `json:"value" range:"signed_deal_value" doc:"Whole Rupiah; negative on a reversing entry."`
	Reverses       int64          `json:"reverses,omitempty" doc:"The id of the deal this entry reverses."`
	RecordedAt     time.Time      `json:"recorded_at"`
}

// PublicDealOf copies the public fields of a ledger entry.
func PublicDealOf(d niaga.Deal) PublicDeal {
	return PublicDeal{ID: d.ID, MissionID: d.MissionID, SellerName: d.SellerName, BuyerName: d.BuyerName,
		SellerProvince: d.SellerProvince, BuyerProvince: d.BuyerProvince, Commodity: d.Commodity, Kind: d.Kind,
		Quantity: d.Quantity, Value: d.Value, Reverses: d.Reverses, RecordedAt: d.RecordedAt}
}

// PublicDealEvent is the payload of the public mission stream's "deal"
// event: the entry as the board shows it and the running figures after it.
type PublicDealEvent struct {
	Deal       PublicDeal `json:"deal"`
	TotalValue int64      `json:"total_value"`
	Count      int64      `json:"count"`
}

// PublicValidationEvent is the public "validation" event: an entry was
// checked, so the validated total moved. Whether it was validated or
// disputed is the ledger's business.
type PublicValidationEvent struct {
	DealID int64 `json:"deal_id"`
}

// StaffValidationEvent is the staff stream's "validation" event.
type StaffValidationEvent struct {
	DealID         int64  `json:"deal_id"`
	Validation     string `json:"validation"`
	ValidationNote string `json:"validation_note"`
	ValidatedBy    int64  `json:"validated_by"`
}

// MissionStaffTopic is the topic of a mission's staff stream: the same
// events as the public one, with whole ledger entries.
func MissionStaffTopic(id int64) string { return "mission-staff:" + strconv.FormatInt(id, 10) }

// emitMission publishes an event of a mission on both its streams: public
// on the public topic, staff on the staff topic.
func (tx *Tx) emitMission(ctx context.Context, missionID int64, kind string, public, staff any) error {
	if _, err := tx.Emit(ctx, MissionTopic(missionID), kind, public); err != nil {
		return err
	}
	_, err := tx.Emit(ctx, MissionStaffTopic(missionID), kind, staff)
	return err
}

// CanWatchMissionStaff checks that the actor may follow a mission's staff
// stream: the admin, the running agency or an organization it appointed.
func (db *DB) CanWatchMissionStaff(ctx context.Context, actor *niaga.Actor, missionID int64) error {
	m, err := db.Mission(ctx, missionID)
	if err != nil {
		return err
	}
	if actor == nil {
		return niaga.Errorf(niaga.CodeUnauthorized, "sign in to follow the staff stream")
	}
	a, err := missionAuthority(ctx, poolReader{db}, &m, actor)
	if err != nil {
		return db.classify(err)
	}
	if !a.missionStaff() {
		return niaga.Errorf(niaga.CodeForbidden, "the staff stream is for the mission's staff; see the public stream")
	}
	return nil
}

// DecideParticipant approves or refuses a participation. The agency of the
// participant's delegation decides, or the mission's running agency or the
// admin. A refused participant is no longer verified.
func (db *DB) DecideParticipant(ctx context.Context, actor *niaga.Actor, id int64, approve bool) (niaga.Participant, error) {
	var out niaga.Participant
	if actor == nil {
		return out, niaga.Errorf(niaga.CodeUnauthorized, "sign in to decide")
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		p, err := loadParticipant(ctx, tx, id)
		if err != nil {
			return err
		}
		_, a, err := tx.missionFor(ctx, actor, p.MissionID, missionNeed{})
		if err != nil {
			return err
		}
		if !a.staff() && (a.delegationAgency == "" || a.delegationAgency != p.Delegation) {
			return niaga.Errorf(niaga.CodeForbidden, "only the agency of the participant's delegation or the running agency decides")
		}
		status := niaga.ParticipantRefused
		if approve {
			status = niaga.ParticipantApproved
		}
		before := map[string]any{"status": p.Status, "verified": p.Verified}
		if _, err := tx.Exec(ctx, "UPDATE mission_participants SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
			status, actor.UserID, micros(tx.Now), id); err != nil {
			return err
		}
		if !approve && p.Verified {
			if _, err := tx.Exec(ctx, "UPDATE mission_participants SET verified = $1, verified_by = $2, verified_at = $3 WHERE id = $4",
				false, actor.UserID, micros(tx.Now), id); err != nil {
				return err
			}
			p.Verified = false
		}
		p.Status = status
		out = p
		return tx.Audit(actor, "participant.decide", "participant", id, before, map[string]any{"status": status, "verified": p.Verified})
	})
	return out, err
}
