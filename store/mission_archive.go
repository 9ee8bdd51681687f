package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"niaga"
)

// ArchiveParticipant is a delegation member in an archive: an existing
// business (OrgID) or a new one registered from Name.
type ArchiveParticipant struct {
	OrgID      int64
	Name       string
	Delegation string
	Contact    string
	ID         int64 // set by ImportMissionArchive: the participant id
}

// ArchiveOffer and ArchiveNeed refer to participants by their index in
// MissionArchive.Participants.
type ArchiveOffer struct {
	Participant     int
	Commodity       string
	Grade           string
	MonthlyCapacity int64
	Price           int64
}

// ArchiveNeed is a need in an archive.
type ArchiveNeed struct {
	Participant int
	Commodity   string
	Grade       string
	Volume      int64
	TargetPrice int64
}

// ArchiveDeal is a deal recorded at a past time At during the mission.
type ArchiveDeal struct {
	Seller, Buyer int // participant indexes
	Commodity     string
	Kind          niaga.DealKind
	Quantity      int64
	Value         int64
	Note          string
	At            time.Time
	Validated     bool
	Realized      int64 // follow-up so far
	ID            int64 // set by ImportMissionArchive
}

// ArchiveStaff appoints an organization to a mission.
type ArchiveStaff struct {
	OrgID int64
	Role  string
}

// MissionArchive is a whole mission as the programme's records hold it:
// the missions held before Niaga (40 since 2016), or a delegation list
// prepared elsewhere. Deals keep the times they were recorded.
type MissionArchive struct {
	Mission      niaga.Mission
	Participants []ArchiveParticipant
	Offers       []ArchiveOffer
	Needs        []ArchiveNeed
	Deals        []ArchiveDeal
	Agreements   []niaga.Agreement
	Staff        []ArchiveStaff
}

// ImportMissionArchive writes a whole mission in one transaction (admin
// only): organizations, participants (verified), offers, needs, deals with
// their recorded times, agreements. Every row is checked as the live
// operations check it; nothing is written if anything is wrong.
func (db *DB) ImportMissionArchive(ctx context.Context, actor *niaga.Actor, ar *MissionArchive) error {
	if actor == nil || actor.Role != niaga.RoleAdmin {
		return niaga.Errorf(niaga.CodeForbidden, "only the admin imports mission archives")
	}
	m := &ar.Mission
	if m.RequestTTLMinutes == 0 {
		m.RequestTTLMinutes = int64(DefaultRequestTTL / time.Minute)
	}
	if err := validateMission(m); err != nil {
		return err
	}
	if !m.Status.Valid() {
		return niaga.Invalid("status", "must be planned, open or closed")
	}
	if err := ar.check(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		agency, err := tx.orgByID(ctx, m.AgencyID)
		if err != nil || agency.Kind != niaga.OrgAgency || !m.Involves(agency.Province) {
			return niaga.Invalid("agency_id", "must be an agency of the host or a guest province")
		}
		for _, d := range ar.Deals {
			if d.At.Before(m.Opens) || d.At.After(m.Closes) || d.At.After(tx.Now) {
				return niaga.Invalid("deals", fmt.Sprintf("deal at %s is outside the mission's hours or in the future", d.At.Format(time.RFC3339)))
			}
		}
		if err := tx.insertMission(ctx, actor, m); err != nil {
			return err
		}
		for _, s := range ar.Staff {
			if _, err := tx.Exec(ctx, "INSERT INTO mission_staff (mission_id, org_id, role) VALUES ($1,$2,$3)", m.ID, s.OrgID, s.Role); err != nil {
				return err
			}
		}
		parts, err := tx.archiveParticipants(ctx, actor, ar)
		if err != nil {
			return err
		}
		for _, o := range ar.Offers {
			mo := niaga.MissionOffer{MissionID: m.ID, ParticipantID: parts[o.Participant].ID, Commodity: o.Commodity, Grade: o.Grade, MonthlyCapacity: o.MonthlyCapacity, Price: o.Price}
			if err := tx.insertOffer(ctx, actor, &mo); err != nil {
				return err
			}
		}
		for _, n := range ar.Needs {
			mn := niaga.MissionNeed{MissionID: m.ID, ParticipantID: parts[n.Participant].ID, Commodity: n.Commodity, Grade: n.Grade, Volume: n.Volume, TargetPrice: n.TargetPrice}
			if err := tx.insertNeed(ctx, actor, &mn); err != nil {
				return err
			}
		}
		for i := range ar.Deals {
			if err := tx.archiveDeal(ctx, actor, m, parts, &ar.Deals[i]); err != nil {
				return err
			}
		}
		for i := range ar.Agreements {
			if err := tx.insertAgreement(ctx, actor, m.ID, &ar.Agreements[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// check validates the archive's rows before anything is written.
func (ar *MissionArchive) check() error {
	n := len(ar.Participants)
	inRange := func(i int) bool { return i >= 0 && i < n }
	for i, p := range ar.Participants {
		if !ar.Mission.Involves(p.Delegation) {
			return niaga.Invalid(fmt.Sprintf("participants[%d].delegation", i), "not a province of the mission")
		}
		if p.OrgID == 0 && (strings.TrimSpace(p.Name) == "" || len(p.Name) > 200) {
			return niaga.Invalid(fmt.Sprintf("participants[%d].name", i), "required, at most 200 characters")
		}
	}
	for i, o := range ar.Offers {
		if !inRange(o.Participant) || checkOffer(&niaga.MissionOffer{MonthlyCapacity: o.MonthlyCapacity, Price: o.Price}) != nil {
			return niaga.Invalid(fmt.Sprintf("offers[%d]", i), "bad participant, capacity or price")
		}
	}
	for i, nd := range ar.Needs {
		if !inRange(nd.Participant) || checkNeed(&niaga.MissionNeed{Volume: nd.Volume, TargetPrice: nd.TargetPrice}) != nil {
			return niaga.Invalid(fmt.Sprintf("needs[%d]", i), "bad participant, volume or target price")
		}
	}
	var total int64
	for i, d := range ar.Deals {
		if !inRange(d.Seller) || !inRange(d.Buyer) {
			return niaga.Invalid(fmt.Sprintf("deals[%d]", i), "bad seller or buyer")
		}
		nd := NewDeal{SellerID: int64(d.Seller) + 1, BuyerID: int64(d.Buyer) + 1, Commodity: d.Commodity, Kind: d.Kind, Quantity: d.Quantity, Value: d.Value, Note: d.Note}
		if err := nd.Validate(); err != nil {
			return fmt.Errorf("deals[%d]: %w", i, err)
		}
		if d.Realized < 0 || d.Realized > d.Value {
			return niaga.Invalid(fmt.Sprintf("deals[%d].realized", i), "between 0 and the deal's value")
		}
		var ok bool
		if total, ok = niaga.AddInt64(total, d.Value); !ok {
			return niaga.Invalid("deals", "the total overflows")
		}
	}
	for _, s := range ar.Staff {
		if s.Role != StaffDesk && s.Role != StaffValidator {
			return niaga.Invalid("staff", "role must be desk or validator")
		}
	}
	return nil
}

func (tx *Tx) archiveParticipants(ctx context.Context, actor *niaga.Actor, ar *MissionArchive) ([]niaga.Participant, error) {
	parts := make([]niaga.Participant, len(ar.Participants))
	for i := range ar.Participants {
		ap := &ar.Participants[i]
		o := niaga.Organization{ID: ap.OrgID, Name: strings.TrimSpace(ap.Name), Kind: niaga.OrgBusiness, Province: ap.Delegation, Verified: true, Created: tx.Now.Unix()}
		if ap.OrgID != 0 {
			var err error
			if o, err = tx.orgByID(ctx, ap.OrgID); err != nil || o.Kind != niaga.OrgBusiness {
				return nil, niaga.Invalid(fmt.Sprintf("participants[%d].org_id", i), "must be a business")
			}
		} else {
			id, err := tx.InsertID(ctx, "INSERT INTO organizations (name, kind, province, verified, created_at) VALUES ($1,$2,$3,$4,$5)",
				o.Name, o.Kind, o.Province, o.Verified, o.Created)
			if err != nil {
				return nil, err
			}
			o.ID = id
			if err := tx.Audit(actor, "organization.create", "organization", id, nil, o); err != nil {
				return nil, err
			}
		}
		parts[i] = niaga.Participant{MissionID: ar.Mission.ID, OrgID: o.ID, OrgName: o.Name, OrgKind: string(o.Kind), Delegation: ap.Delegation, Contact: ap.Contact, Verified: true}
		if err := tx.insertParticipant(ctx, actor, &parts[i]); err != nil {
			return nil, err
		}
		ap.ID = parts[i].ID
	}
	return parts, nil
}

func (tx *Tx) archiveDeal(ctx context.Context, actor *niaga.Actor, m *niaga.Mission, parts []niaga.Participant, ad *ArchiveDeal) error {
	s, b := parts[ad.Seller], parts[ad.Buyer]
	d := niaga.Deal{MissionID: m.ID, SellerID: s.ID, BuyerID: b.ID, SellerName: s.OrgName, BuyerName: b.OrgName,
		SellerProvince: s.Delegation, BuyerProvince: b.Delegation, Commodity: ad.Commodity, Kind: ad.Kind,
		Quantity: ad.Quantity, Value: ad.Value, Note: strings.TrimSpace(ad.Note), Validation: niaga.DealPending,
		RecordedBy: uidOf(actor), RecordedOrg: m.AgencyID, RecordedAt: ad.At.UTC()}
	if ad.Validated {
		d.Validation, d.ValidatedBy, d.ValidatedAt = niaga.DealValidated, uidOf(actor), ad.At.UTC()
	}
	if _, err := tx.insertDeal(ctx, &d, nil); err != nil {
		return err
	}
	ad.ID = d.ID
	if ad.Realized > 0 {
		if _, err := tx.Exec(ctx, "INSERT INTO deal_realizations (deal_id, amount, note, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5)",
			d.ID, ad.Realized, "arsip", uidOf(actor), micros(tx.Now)); err != nil {
			return err
		}
		d.Realized = ad.Realized
	}
	return tx.Audit(actor, "deal.create", "deal", d.ID, nil, d)
}
