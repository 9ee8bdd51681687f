package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"niaga"
)

// rowQuerier is what mission reads need from either the read pool or a write
// transaction, so permission checks run the same way in both.
type rowQuerier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// reader adapts the read pool to rowQuerier.
type poolReader struct{ db *DB }

func (r poolReader) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return r.db.queryRow(ctx, query, args...)
}

func (r poolReader) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.db.query(ctx, query, args...)
}

// DefaultRequestTTL is how long a meeting request waits for an answer when
// the mission does not say.
const DefaultRequestTTL = 48 * time.Hour

// validateMission checks a mission's fields (not its agency).
func validateMission(m *niaga.Mission) error {
	var c niaga.Check
	m.Title = strings.TrimSpace(m.Title)
	m.Venue = strings.TrimSpace(m.Venue)
	// Stored as microseconds: keep the caller's copy equal to what is stored.
	m.Opens, m.Closes = m.Opens.Truncate(time.Microsecond).UTC(), m.Closes.Truncate(time.Microsecond).UTC()
	c.Text("title", m.Title, niaga.RangeName)
	c.Text("venue", m.Venue, niaga.RangeName)
	_, ok := niaga.ProvinceByCode(m.HostProvince)
	c.Require(ok, "host_province", "unknown province code")
	seen := map[string]bool{m.HostProvince: true}
	guestsOK := len(m.Guests) > 0 && len(m.Guests) <= 37
	for _, g := range m.Guests {
		_, ok := niaga.ProvinceByCode(g)
		guestsOK = guestsOK && ok && !seen[g]
		seen[g] = true
	}
	c.Require(guestsOK, "guest_provinces", "one or more known province codes, distinct and other than the host")
	c.Require(!m.Opens.IsZero() && m.Closes.After(m.Opens), "closes_at", "must be after the opening time")
	c.Require(m.Closes.Sub(m.Opens) <= 24*time.Hour, "closes_at", "a mission lasts at most a day")
	c.InRange("target_value", m.TargetValue, niaga.RangeTargetValue)
	c.InRange("request_ttl_minutes", m.RequestTTLMinutes, niaga.RangeRequestTTLMinutes)
	return c.Err()
}

// CreateMission plans a mission. An agency creates it for itself, and its
// province must be the host or a guest; the admin names the agency.
func (db *DB) CreateMission(ctx context.Context, actor *niaga.Actor, m *niaga.Mission) error {
	if actor == nil {
		return niaga.Errorf(niaga.CodeUnauthorized, "sign in to plan a mission")
	}
	if actor.Role == niaga.RoleAgency {
		m.AgencyID = actor.OrgID
	} else if actor.Role != niaga.RoleAdmin {
		return niaga.Errorf(niaga.CodeForbidden, "only an agency or the admin plans missions")
	}
	if m.RequestTTLMinutes == 0 {
		m.RequestTTLMinutes = int64(DefaultRequestTTL / time.Minute)
	}
	if err := validateMission(m); err != nil {
		return err
	}
	m.Status = niaga.MissionPlanned
	return db.InTx(ctx, func(tx *Tx) error {
		agency, err := tx.orgByID(ctx, m.AgencyID)
		if err != nil {
			return niaga.Invalid("agency_id", "organization does not exist")
		}
		if agency.Kind != niaga.OrgAgency {
			return niaga.Invalid("agency_id", "must be an agency")
		}
		if !m.Involves(agency.Province) {
			return niaga.Invalid("agency_id", "the agency's province must be the host or a guest")
		}
		return tx.insertMission(ctx, actor, m)
	})
}

func (tx *Tx) orgByID(ctx context.Context, id int64) (niaga.Organization, error) {
	var o niaga.Organization
	err := scanOrg(tx.QueryRow(ctx, "SELECT "+orgCols+" FROM organizations WHERE id = $1", id), &o)
	return o, tx.db.classify(err)
}

func (tx *Tx) insertMission(ctx context.Context, actor *niaga.Actor, m *niaga.Mission) error {
	m.CreatedAt = tx.Now.Truncate(time.Microsecond)
	var uid int64
	if actor != nil {
		uid = actor.UserID
	}
	id, err := tx.InsertID(ctx, `INSERT INTO missions (title, host_province, venue, agency_id, opens_at, closes_at, target_value, status, request_ttl, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		m.Title, m.HostProvince, m.Venue, m.AgencyID, micros(m.Opens), micros(m.Closes), m.TargetValue, m.Status,
		m.RequestTTLMinutes*int64(time.Minute/time.Microsecond), uid, micros(m.CreatedAt))
	if err != nil {
		return err
	}
	m.ID = id
	for _, g := range m.Guests {
		if _, err := tx.Exec(ctx, "INSERT INTO mission_guests (mission_id, province) VALUES ($1,$2)", id, g); err != nil {
			return err
		}
	}
	return tx.Audit(actor, "mission.create", "mission", id, nil, m)
}

const missionCols = "id, title, host_province, venue, agency_id, opens_at, closes_at, target_value, status, request_ttl, created_at"

func scanMission(s interface{ Scan(...any) error }, m *niaga.Mission) error {
	var opens, closes, ttl, created int64
	if err := s.Scan(&m.ID, &m.Title, &m.HostProvince, &m.Venue, &m.AgencyID, &opens, &closes, &m.TargetValue, &m.Status, &ttl, &created); err != nil {
		return err
	}
	m.Opens, m.Closes, m.CreatedAt = fromMicros(opens), fromMicros(closes), fromMicros(created)
	m.RequestTTLMinutes = ttl / int64(time.Minute/time.Microsecond)
	return nil
}

// loadMission reads a mission and its guests; lock takes the row lock (on
// PostgreSQL) so that deals and status changes of one mission serialize.
func loadMission(ctx context.Context, q rowQuerier, id int64, lock string) (niaga.Mission, error) {
	var m niaga.Mission
	if err := scanMission(q.QueryRow(ctx, "SELECT "+missionCols+" FROM missions WHERE id = $1"+lock, id), &m); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return m, niaga.Errorf(niaga.CodeNotFound, "mission %d not found", id)
		}
		return m, err
	}
	rows, err := q.Query(ctx, "SELECT province FROM mission_guests WHERE mission_id = $1 ORDER BY province", id)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	m.Guests = []string{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return m, err
		}
		m.Guests = append(m.Guests, p)
	}
	return m, rows.Err()
}

func (tx *Tx) lockMission(ctx context.Context, id int64) (niaga.Mission, error) {
	m, err := loadMission(ctx, tx, id, tx.ForUpdate())
	return m, tx.db.classify(err)
}

// Mission returns one mission.
func (db *DB) Mission(ctx context.Context, id int64) (niaga.Mission, error) {
	m, err := loadMission(ctx, poolReader{db}, id, "")
	return m, db.classify(err)
}

// Missions lists every mission, newest first, with totals.
func (db *DB) Missions(ctx context.Context) ([]niaga.MissionInfo, error) {
	rows, err := db.query(ctx, `SELECT m.id, m.title, m.host_province, m.venue, m.agency_id, m.opens_at, m.closes_at, m.target_value, m.status, m.request_ttl, m.created_at,
		o.name, m.deal_total, m.deal_count
		FROM missions m JOIN organizations o ON o.id = m.agency_id ORDER BY m.opens_at DESC, m.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.MissionInfo{}
	byID := map[int64]int{}
	for rows.Next() {
		var mi niaga.MissionInfo
		var opens, closes, ttl, created int64
		if err := rows.Scan(&mi.ID, &mi.Title, &mi.HostProvince, &mi.Venue, &mi.AgencyID, &opens, &closes, &mi.TargetValue, &mi.Status, &ttl, &created,
			&mi.AgencyName, &mi.TotalValue, &mi.DealCount); err != nil {
			return nil, err
		}
		mi.Opens, mi.Closes, mi.CreatedAt = fromMicros(opens), fromMicros(closes), fromMicros(created)
		mi.RequestTTLMinutes = ttl / int64(time.Minute/time.Microsecond)
		mi.Guests = []string{}
		mi.Delegations = map[string]int64{}
		byID[mi.ID] = len(out)
		out = append(out, mi)
	}
	if err := rows.Err(); err != nil {
		return nil, db.classify(err)
	}
	rows.Close()
	if err := db.fillMissionLists(ctx, out, byID); err != nil {
		return nil, err
	}
	return out, nil
}

// fillMissionLists adds guests and delegation counts to listed missions.
func (db *DB) fillMissionLists(ctx context.Context, out []niaga.MissionInfo, byID map[int64]int) error {
	rows, err := db.query(ctx, "SELECT mission_id, province FROM mission_guests ORDER BY mission_id, province")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return err
		}
		if i, ok := byID[id]; ok {
			out[i].Guests = append(out[i].Guests, p)
		}
	}
	if err := rows.Err(); err != nil {
		return db.classify(err)
	}
	rows.Close()
	rows, err = db.query(ctx, "SELECT mission_id, delegation, COUNT(*) FROM mission_participants WHERE status = 'approved' GROUP BY mission_id, delegation")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		var p string
		if err := rows.Scan(&id, &p, &n); err != nil {
			return err
		}
		if i, ok := byID[id]; ok {
			out[i].Delegations[p] = n
			out[i].Participants += n
		}
	}
	return db.classify(rows.Err())
}

// MissionInfo returns one mission with its figures.
func (db *DB) MissionInfo(ctx context.Context, id int64) (niaga.MissionInfo, error) {
	m, err := db.Mission(ctx, id)
	if err != nil {
		return niaga.MissionInfo{}, err
	}
	mi := niaga.MissionInfo{Mission: m, Delegations: map[string]int64{}}
	err = db.queryRow(ctx, `SELECT o.name, m.deal_total, m.deal_count
		FROM missions m JOIN organizations o ON o.id = m.agency_id WHERE m.id = $1`, id).Scan(&mi.AgencyName, &mi.TotalValue, &mi.DealCount)
	if err != nil {
		return mi, db.classify(err)
	}
	rows, err := db.query(ctx, "SELECT delegation, COUNT(*) FROM mission_participants WHERE mission_id = $1 AND status = 'approved' GROUP BY delegation", id)
	if err != nil {
		return mi, err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			return mi, err
		}
		mi.Delegations[p] = n
		mi.Participants += n
	}
	return mi, db.classify(rows.Err())
}

// authority is what an actor may do in one mission.
type authority struct {
	admin     bool
	organizer bool  // a user of the running agency
	desk      bool  // may record deals for any participants (organizer or appointed desk)
	validator bool  // may validate deals (organizer or appointed validator)
	self      int64 // the actor's organization's approved participant id in the mission, 0 if none
	selfOK    bool  // that participant is verified
	// delegationAgency is the province of the mission whose delegation the
	// actor's agency approves ("" unless the actor is such an agency).
	delegationAgency string
}

// staff reports whether the actor may manage the mission (admin or organizer).
func (a authority) staff() bool { return a.admin || a.organizer }

// missionStaff reports whether the actor works the mission: the admin, the
// running agency, or an organization it appointed (desk, validator).
func (a authority) missionStaff() bool { return a.staff() || a.desk || a.validator }

func missionAuthority(ctx context.Context, q rowQuerier, m *niaga.Mission, actor *niaga.Actor) (authority, error) {
	var a authority
	if actor == nil {
		return a, nil
	}
	a.admin = actor.Role == niaga.RoleAdmin
	a.organizer = actor.Role == niaga.RoleAgency && actor.OrgID == m.AgencyID
	a.desk, a.validator = a.organizer || a.admin, a.organizer || a.admin
	rows, err := q.Query(ctx, "SELECT role FROM mission_staff WHERE mission_id = $1 AND org_id = $2", m.ID, actor.OrgID)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var role string
		if err := rows.Scan(&role); err != nil {
			return a, err
		}
		a.desk = a.desk || role == "desk"
		a.validator = a.validator || role == "validator"
	}
	if err := rows.Err(); err != nil {
		return a, err
	}
	rows.Close()
	// Only an approved participation counts: a pending or refused one reads
	// nothing restricted.
	err = q.QueryRow(ctx, "SELECT id, verified FROM mission_participants WHERE mission_id = $1 AND org_id = $2 AND status = $3",
		m.ID, actor.OrgID, niaga.ParticipantApproved).Scan(&a.self, &a.selfOK)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, err
	}
	if actor.Role == niaga.RoleAgency {
		var kind niaga.OrgKind
		var prov string
		err = q.QueryRow(ctx, "SELECT kind, province FROM organizations WHERE id = $1", actor.OrgID).Scan(&kind, &prov)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return a, err
		}
		if err == nil && kind == niaga.OrgAgency && m.Involves(prov) {
			a.delegationAgency = prov
		}
	}
	return a, nil
}

// missionNeed is what missionFor checks once it holds the mission and knows
// the actor's authority in it. The zero value checks nothing: the caller
// decides with the authority it gets back.
type missionNeed struct {
	// staff, when not empty, lets only the mission's staff (the admin or
	// the running agency) go on; it is the message of the Forbidden error
	// everyone else gets.
	staff string
	// open, when true, refuses a closed mission with a Conflict ("the
	// mission is closed"); it is checked after staff.
	open bool
}

// missionFor is the preamble of every write in a mission: it locks the
// mission (so writes to one mission serialize), reads what the actor may do
// in it, then applies need. A missing mission is NotFound.
func (tx *Tx) missionFor(ctx context.Context, actor *niaga.Actor, missionID int64, need missionNeed) (niaga.Mission, authority, error) {
	m, err := tx.lockMission(ctx, missionID)
	if err != nil {
		return m, authority{}, err
	}
	a, err := missionAuthority(ctx, tx, &m, actor)
	if err != nil {
		return m, a, err
	}
	if need.staff != "" && !a.staff() {
		return m, a, niaga.Errorf(niaga.CodeForbidden, "%s", need.staff)
	}
	if need.open && m.Status == niaga.MissionClosed {
		return m, a, niaga.Errorf(niaga.CodeConflict, "the mission is closed")
	}
	return m, a, nil
}

// readMission is missionFor's counterpart for reads: the mission, unlocked,
// as q sees it (a snapshot), and the actor's authority in it.
func readMission(ctx context.Context, q rowQuerier, actor *niaga.Actor, missionID int64) (niaga.Mission, authority, error) {
	m, err := loadMission(ctx, q, missionID, "")
	if err != nil {
		return m, authority{}, err
	}
	a, err := missionAuthority(ctx, q, &m, actor)
	return m, a, err
}

// SetMissionStatus moves a mission forward: planned → open → closed. Only
// the running agency or the admin does it.
func (db *DB) SetMissionStatus(ctx context.Context, actor *niaga.Actor, id int64, status niaga.MissionStatus) (niaga.Mission, error) {
	if !status.Valid() {
		return niaga.Mission{}, niaga.Invalid("status", niaga.EnumMissionStatus.Reason())
	}
	var out niaga.Mission
	err := db.InTx(ctx, func(tx *Tx) error {
		m, _, err := tx.missionFor(ctx, actor, id, missionNeed{staff: "only the running agency changes the mission's status"})
		if err != nil {
			return err
		}
		if !m.Status.CanMoveTo(status) {
			return niaga.Errorf(niaga.CodeConflict, "a %s mission cannot become %s", m.Status, status)
		}
		before := m.Status
		if _, err := tx.Exec(ctx, "UPDATE missions SET status = $1 WHERE id = $2", status, id); err != nil {
			return err
		}
		m.Status = status
		out = m
		if err := tx.Audit(actor, "mission.status", "mission", id, map[string]any{"status": before}, map[string]any{"status": status}); err != nil {
			return err
		}
		ev := map[string]any{"mission_id": id, "status": status, "at": tx.Now}
		return tx.emitMission(ctx, id, "status", ev, ev)
	})
	return out, err
}

// Staff roles a running agency appoints.
const (
	StaffDesk      = "desk"
	StaffValidator = "validator"
)

// EnumStaffRole is the staff roles.
var EnumStaffRole = niaga.NewEnum("staff_role", StaffDesk, StaffValidator)

// AddMissionStaff appoints an organization as mission desk (records deals
// for participants) or validator (e.g. the central bank's regional office).
func (db *DB) AddMissionStaff(ctx context.Context, actor *niaga.Actor, missionID, orgID int64, role string) error {
	if !EnumStaffRole.Has(role) {
		return niaga.Invalid("role", EnumStaffRole.Reason())
	}
	return db.InTx(ctx, func(tx *Tx) error {
		_, _, err := tx.missionFor(ctx, actor, missionID, missionNeed{staff: "only the running agency appoints mission staff"})
		if err != nil {
			return err
		}
		o, err := tx.orgByID(ctx, orgID)
		if err != nil {
			return niaga.Invalid("org_id", "organization does not exist")
		}
		if o.Kind == niaga.OrgBusiness {
			return niaga.Invalid("org_id", "a business cannot be mission staff")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO mission_staff (mission_id, org_id, role) VALUES ($1,$2,$3) ON CONFLICT (mission_id, org_id, role) DO NOTHING",
			missionID, orgID, role); err != nil {
			return err
		}
		return tx.Audit(actor, "mission.staff", "mission", missionID, nil, map[string]any{"org_id": orgID, "role": role})
	})
}

// YearTotal is one year of the mission programme.
type YearTotal struct {
	Year       int   `json:"year"`
	Missions   int   `json:"missions"`
	Value      int64 `json:"value"`
	Cumulative int64 `json:"cumulative"`
}

// PartnerTotal is trade with one partner province across missions: the
// deals between the province asked about and the partner (or, without a
// province, every deal the partner is a party to).
type PartnerTotal struct {
	Province string `json:"province"`
	Name     string `json:"name"`
	Missions int    `json:"missions"`
	Value    int64  `json:"value"`
}

// MissionHistory is the programme's record: every mission with its total,
// totals per year and cumulative, and per partner province.
type MissionHistory struct {
	Province  string              `json:"province,omitempty"`
	Missions  []niaga.MissionInfo `json:"missions"`
	ByYear    []YearTotal         `json:"by_year"`
	ByPartner []PartnerTotal      `json:"by_partner"`
	Total     int64               `json:"total"`
	Count     int                 `json:"count"`
}

// MissionHistory sums every mission, or those involving province when given.
func (db *DB) MissionHistory(ctx context.Context, province string) (MissionHistory, error) {
	h := MissionHistory{Province: province, Missions: []niaga.MissionInfo{}, ByYear: []YearTotal{}, ByPartner: []PartnerTotal{}}
	if province != "" {
		if _, ok := niaga.ProvinceByCode(province); !ok {
			return h, niaga.Invalid("province", "unknown province code")
		}
	}
	all, err := db.Missions(ctx)
	if err != nil {
		return h, err
	}
	type pair struct {
		mission       int64
		seller, buyer string
	}
	flows := map[pair]int64{}
	rows, err := db.query(ctx, "SELECT mission_id, seller_province, buyer_province, "+splitSum("value")+" FROM deals GROUP BY mission_id, seller_province, buyer_province")
	if err != nil {
		return h, err
	}
	defer rows.Close()
	for rows.Next() {
		var k pair
		var v bigSum
		if err := rows.Scan(&k.mission, &k.seller, &k.buyer, &v.hi, &v.lo); err != nil {
			return h, err
		}
		flows[k] = v.value()
	}
	if err := rows.Err(); err != nil {
		return h, db.classify(err)
	}
	years := map[int]*YearTotal{}
	partners := map[string]*PartnerTotal{}
	for i := len(all) - 1; i >= 0; i-- { // oldest first
		mi := all[i]
		if province != "" && !mi.Involves(province) {
			continue
		}
		h.Missions = append(h.Missions, mi)
		niaga.AddSat(&h.Total, mi.TotalValue)
		y := mi.Opens.In(mi.Location()).Year()
		if years[y] == nil {
			years[y] = &YearTotal{Year: y}
		}
		years[y].Missions++
		niaga.AddSat(&years[y].Value, mi.TotalValue)
		for _, p := range mi.Provinces() {
			if p == province {
				continue
			}
			if partners[p] == nil {
				pr, _ := niaga.ProvinceByCode(p)
				partners[p] = &PartnerTotal{Province: p, Name: pr.Name}
			}
			partners[p].Missions++
		}
		for k, v := range flows {
			if k.mission != mi.ID {
				continue
			}
			switch {
			case province == "":
				if partners[k.seller] != nil {
					niaga.AddSat(&partners[k.seller].Value, v)
				}
				if k.buyer != k.seller && partners[k.buyer] != nil {
					niaga.AddSat(&partners[k.buyer].Value, v)
				}
			case k.seller == province && k.buyer != province && partners[k.buyer] != nil:
				niaga.AddSat(&partners[k.buyer].Value, v)
			case k.buyer == province && k.seller != province && partners[k.seller] != nil:
				niaga.AddSat(&partners[k.seller].Value, v)
			}
		}
	}
	slices.Reverse(h.Missions) // newest first, like the list
	h.Count = len(h.Missions)
	for _, y := range years {
		h.ByYear = append(h.ByYear, *y)
	}
	slices.SortFunc(h.ByYear, func(a, b YearTotal) int { return a.Year - b.Year })
	var cum int64
	for i := range h.ByYear {
		niaga.AddSat(&cum, h.ByYear[i].Value)
		h.ByYear[i].Cumulative = cum
	}
	for _, p := range partners {
		h.ByPartner = append(h.ByPartner, *p)
	}
	slices.SortFunc(h.ByPartner, func(a, b PartnerTotal) int {
		if a.Value != b.Value {
			if a.Value > b.Value {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Province, b.Province)
	})
	return h, nil
}
