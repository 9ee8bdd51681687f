package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"niaga"
)

// ArchiveParticipant is a delegation member in an archive: an existing
// business (OrgID) or a new one registered from Name.
type ArchiveParticipant struct {
	OrgID      int64 // set by ImportMissionArchive for new businesses
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
		return niaga.Invalid("status", niaga.EnumMissionStatus.Reason())
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
		parts, err := tx.archiveParticipants(ctx, ar)
		if err != nil {
			return err
		}
		if err := tx.archiveListings(ctx, ar, parts); err != nil {
			return err
		}
		// One record for the delegation lists; every deal has its own below.
		if err := tx.Audit(actor, "mission.archive", "mission", m.ID, nil, map[string]any{
			"participants": parts, "offers": ar.Offers, "needs": ar.Needs, "staff": ar.Staff}); err != nil {
			return err
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
	names := map[string]bool{}
	for i, p := range ar.Participants {
		if p.OrgID == 0 {
			if names[strings.TrimSpace(p.Name)] {
				return niaga.Invalid(fmt.Sprintf("participants[%d].name", i), "listed twice")
			}
			names[strings.TrimSpace(p.Name)] = true
		}
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
		nd := niaga.NewDeal{SellerID: int64(d.Seller) + 1, BuyerID: int64(d.Buyer) + 1, Commodity: d.Commodity, Kind: d.Kind, Quantity: d.Quantity, Value: d.Value, Note: d.Note}
		if err := nd.Validate(); err != nil {
			return fmt.Errorf("deals[%d]: %w", i, err)
		}
		if d.Realized < 0 || d.Realized > d.Value {
			return niaga.Invalid(fmt.Sprintf("deals[%d].realized", i), "between 0 and the deal's value")
		}
		var ok bool
		if total, ok = niaga.AddInt64(total, d.Value); !ok || total > niaga.MaxMissionTotal {
			return niaga.Invalid("deals", "the total exceeds "+niaga.FormatInt(niaga.MaxMissionTotal, "en"))
		}
	}
	for _, s := range ar.Staff {
		if !EnumStaffRole.Has(s.Role) {
			return niaga.Invalid("staff", "role must be desk or validator")
		}
	}
	return nil
}

// insertRows writes rows with multi-row INSERTs (an archive has hundreds
// of rows: one statement per row would dominate the import). When
// returning is set, scan reads each returned row.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, rows [][]any, returning string, scan func(*sql.Rows) error) error {
	const chunk = 200
	for lo := 0; lo < len(rows); lo += chunk {
		hi := min(lo+chunk, len(rows))
		var b strings.Builder
		args := make([]any, 0, (hi-lo)*len(cols))
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		for i, r := range rows[lo:hi] {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("(")
			for j, v := range r {
				if j > 0 {
					b.WriteString(",")
				}
				args = append(args, v)
				b.WriteString("$" + strconv.Itoa(len(args)))
			}
			b.WriteString(")")
		}
		if returning == "" {
			if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
				return err
			}
			continue
		}
		res, err := tx.Query(ctx, b.String()+" RETURNING "+returning, args...)
		if err != nil {
			return err
		}
		for res.Next() {
			if err := scan(res); err != nil {
				res.Close()
				return err
			}
		}
		res.Close()
		if err := res.Err(); err != nil {
			return tx.db.classify(err)
		}
	}
	return nil
}

// archiveParticipants registers the delegations (verified), creating the
// businesses that are new. Returned rows are matched by name and org id,
// never by position, since RETURNING promises no order.
func (tx *Tx) archiveParticipants(ctx context.Context, ar *MissionArchive) ([]niaga.Participant, error) {
	parts := make([]niaga.Participant, len(ar.Participants))
	var newOrgs [][]any
	newIdx := map[string]int{}
	for i := range ar.Participants {
		ap := &ar.Participants[i]
		parts[i] = niaga.Participant{MissionID: ar.Mission.ID, OrgID: ap.OrgID, OrgName: strings.TrimSpace(ap.Name), OrgKind: string(niaga.OrgBusiness),
			Delegation: ap.Delegation, Contact: strings.TrimSpace(ap.Contact), Status: niaga.ParticipantApproved, Verified: true}
		if ap.OrgID != 0 {
			o, err := tx.orgByID(ctx, ap.OrgID)
			if err != nil || o.Kind != niaga.OrgBusiness {
				return nil, niaga.Invalid(fmt.Sprintf("participants[%d].org_id", i), "must be a business")
			}
			parts[i].OrgName = o.Name
			continue
		}
		newIdx[parts[i].OrgName] = i
		newOrgs = append(newOrgs, []any{parts[i].OrgName, niaga.OrgBusiness, ap.Delegation, true, tx.Now.Unix()})
	}
	err := tx.insertRows(ctx, "organizations", []string{"name", "kind", "province", "verified", "created_at"}, newOrgs, "id, name", func(r *sql.Rows) error {
		var id int64
		var name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		parts[newIdx[name]].OrgID = id
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows := make([][]any, len(parts))
	byOrg := map[int64]int{}
	at := micros(tx.Now)
	for i, p := range parts {
		byOrg[p.OrgID] = i
		rows[i] = []any{p.MissionID, p.OrgID, p.Delegation, p.Contact, true, 0, at, at, niaga.ParticipantApproved, 0, at}
	}
	err = tx.insertRows(ctx, "mission_participants", []string{"mission_id", "org_id", "delegation", "contact", "verified", "verified_by", "verified_at", "created_at",
		"status", "decided_by", "decided_at"},
		rows, "id, org_id", func(r *sql.Rows) error {
			var id, org int64
			if err := r.Scan(&id, &org); err != nil {
				return err
			}
			parts[byOrg[org]].ID = id
			return nil
		})
	if err != nil {
		return nil, err
	}
	for i := range parts {
		ar.Participants[i].ID, ar.Participants[i].OrgID = parts[i].ID, parts[i].OrgID
	}
	return parts, nil
}

// archiveListings writes the offers and needs, checking commodities and grades.
func (tx *Tx) archiveListings(ctx context.Context, ar *MissionArchive, parts []niaga.Participant) error {
	commodities, err := commodityIndex(ctx, tx)
	if err != nil {
		return err
	}
	grade := func(what string, i int, code, g string) error {
		c, ok := commodities[code]
		if !ok {
			return niaga.Invalid(fmt.Sprintf("%s[%d].commodity", what, i), "unknown commodity")
		}
		if g != "" && !c.HasGrade(g) {
			return niaga.Invalid(fmt.Sprintf("%s[%d].grade", what, i), "not a grade of "+code)
		}
		return nil
	}
	at := micros(tx.Now)
	var offers, needs [][]any
	for i, o := range ar.Offers {
		if err := grade("offers", i, o.Commodity, o.Grade); err != nil {
			return err
		}
		offers = append(offers, []any{ar.Mission.ID, parts[o.Participant].ID, o.Commodity, o.Grade, o.MonthlyCapacity, o.Price, "", at})
	}
	for i, n := range ar.Needs {
		if err := grade("needs", i, n.Commodity, n.Grade); err != nil {
			return err
		}
		needs = append(needs, []any{ar.Mission.ID, parts[n.Participant].ID, n.Commodity, n.Grade, n.Volume, n.TargetPrice, "", at})
	}
	if err := tx.insertRows(ctx, "mission_offers", []string{"mission_id", "participant_id", "commodity", "grade", "monthly_capacity", "price", "note", "created_at"}, offers, "", nil); err != nil {
		return err
	}
	return tx.insertRows(ctx, "mission_needs", []string{"mission_id", "participant_id", "commodity", "grade", "volume", "target_price", "note", "created_at"}, needs, "", nil)
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
	if _, _, err := tx.insertDeal(ctx, &d, nil); err != nil {
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
