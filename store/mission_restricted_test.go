package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

// TestParticipantApproval: a business that joins a delegation is pending
// and no participant until the agency of that delegation (or the running
// agency) approves it; another agency cannot; a refusal takes it out again.
func TestParticipantApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		w.open()
		w.deal(w.agency, "jatim1", "kalsel1", "beras", 1_000, 12_000_000)
		// A Central Java business joins the Kalsel delegation.
		late := w.actor(niaga.OrgBusiness, niaga.RoleBusiness, "UD Kudus", "33")
		p, err := db.RegisterParticipant(ctx, late, w.mission.ID, niaga.NewParticipant{Delegation: "63", Contact: "0291-555"})
		if err != nil || p.Status != niaga.ParticipantPending || p.Verified {
			t.Fatal(p, err)
		}
		_, err = db.Deals(ctx, late, w.mission.ID)
		wantCode(t, "pending reads the ledger", err, niaga.CodeForbidden)
		_, err = db.FollowUp(ctx, late, w.mission.ID)
		wantCode(t, "pending reads the follow-up", err, niaga.CodeForbidden)
		_, _, err = db.RecordDeal(ctx, w.agency, w.mission.ID, niaga.NewDeal{SellerID: p.ID, BuyerID: w.part["jatim1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "a pending party", err, niaga.CodeInvalid)
		if mi, err := db.MissionInfo(ctx, w.mission.ID); err != nil || mi.Participants != 4 {
			t.Fatalf("a pending participant counts: %+v %v", mi, err)
		}

		_, err = db.DecideParticipant(ctx, late, p.ID, true)
		wantCode(t, "itself", err, niaga.CodeForbidden)
		jatimBI := w.actor(niaga.OrgAgency, niaga.RoleAgency, "BI Jatim", "35")
		_, err = db.DecideParticipant(ctx, jatimBI, p.ID, true)
		wantCode(t, "the other delegation's agency", err, niaga.CodeForbidden)
		jateng := w.actor(niaga.OrgAgency, niaga.RoleAgency, "Disperindag Jateng", "33")
		_, err = db.DecideParticipant(ctx, jateng, p.ID, true)
		wantCode(t, "an agency outside the mission", err, niaga.CodeForbidden)

		if p, err = db.DecideParticipant(ctx, w.other, p.ID, true); err != nil || p.Status != niaga.ParticipantApproved {
			t.Fatal(p, err)
		}
		if _, err := db.Deals(ctx, late, w.mission.ID); err != nil {
			t.Fatal(err)
		}
		// The running agency verifies, the delegation's agency refuses: out, and no longer verified.
		if _, err := db.VerifyParticipant(ctx, w.agency, p.ID, true); err != nil {
			t.Fatal(err)
		}
		if p, err = db.DecideParticipant(ctx, w.other, p.ID, false); err != nil || p.Status != niaga.ParticipantRefused || p.Verified {
			t.Fatal(p, err)
		}
		_, err = db.Deals(ctx, late, w.mission.ID)
		wantCode(t, "refused reads the ledger", err, niaga.CodeForbidden)
		// The running agency may approve any delegation.
		if p, err = db.DecideParticipant(ctx, w.agency, p.ID, true); err != nil || p.Status != niaga.ParticipantApproved {
			t.Fatal(p, err)
		}
	})
}

// TestParticipantContactsByActor: contacts go to the mission's staff and to
// the participant itself; pending participants are listed only to staff,
// themselves and their delegation's agency.
func TestParticipantContactsByActor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		late := w.actor(niaga.OrgBusiness, niaga.RoleBusiness, "UD Kudus", "33")
		p, err := db.RegisterParticipant(ctx, late, w.mission.ID, niaga.NewParticipant{Delegation: "63", Contact: "0291-555"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.VerifyParticipant(ctx, w.agency, w.part["jatim1"].ID, true); err != nil {
			t.Fatal(err)
		}
		list := func(a *niaga.Actor) map[int64]niaga.Participant {
			ps, err := db.Participants(ctx, a, w.mission.ID)
			if err != nil {
				t.Fatal(err)
			}
			m := map[int64]niaga.Participant{}
			for _, x := range ps {
				m[x.OrgID] = x
			}
			return m
		}
		for _, a := range []*niaga.Actor{w.admin, w.agency} {
			if m := list(a); len(m) != 5 || m[late.OrgID].Contact != "0291-555" {
				t.Fatalf("staff: %+v", m)
			}
		}
		for name, a := range map[string]*niaga.Actor{"jatim1": w.biz["jatim1"], "outsider": w.outsider, "bank": w.bank, "anonymous": nil} {
			m := list(a)
			if len(m) != 4 {
				t.Errorf("%s sees %d participants (the pending one included?)", name, len(m))
			}
			for org, x := range m {
				if x.Contact != "" && (a == nil || org != a.OrgID) {
					t.Errorf("%s sees the contact of %s", name, x.OrgName)
				}
			}
		}
		if m := list(late); len(m) != 5 || m[late.OrgID].Contact != "0291-555" || m[late.OrgID].Status != niaga.ParticipantPending {
			t.Fatalf("the pending participant itself: %+v", m[late.OrgID])
		}
		if m := list(w.other); len(m) != 5 || m[late.OrgID].Contact != "" || m[late.OrgID].ID != p.ID {
			t.Fatalf("the delegation's agency: %+v", m[late.OrgID])
		}
	})
}

// TestMigrateParticipantApproval takes a database back to before 00008,
// writes a participant and a public deal event as the old code did, and
// migrates up: the participant is approved, the public event keeps only the
// board's fields, and the staff topic has the whole entry.
func TestMigrateParticipantApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := context.Background()
		if err := db.MigrateDownToForTest(ctx, 5); err != nil {
			t.Fatal(err)
		}
		old := `{"deal":{"id":7,"mission_id":1,"seller_id":1,"buyer_id":2,"seller_name":"A","buyer_name":"B","seller_province":"35","buyer_province":"63",` +
			`"commodity":"beras","kind":"purchase","quantity":-10,"value":-1000,"note":"NOTE-OLD","reverses":6,"reason":"REASON-OLD","validation":"pending",` +
			`"realized":0,"recorded_by":42,"recorded_org":3,"recorded_at":"2026-01-02T03:04:05Z"},"total_value":5000,"count":1}`
		topic := store.MissionTopic(w.mission.ID)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO events (topic, kind, data, at) VALUES ($1, $2, $3, $4)", topic, "validation", `{"deal_id":6,"validation":"disputed"}`, 1); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO events (topic, kind, data, at) VALUES ($1, $2, $3, $4)", topic, "deal", old, 1); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO mission_participants (mission_id, org_id, delegation, contact, verified, verified_by, verified_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, w.mission.ID, w.outsider.OrgID, "63", "x", false, 0, 0, 1)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		evs, err := db.EventsAfter(ctx, topic, 0, 1000)
		if err != nil || len(evs) == 0 {
			t.Fatal(evs, err)
		}
		var ve map[string]any
		if err := json.Unmarshal(evs[len(evs)-2].Data, &ve); err != nil || evs[len(evs)-2].Kind != "validation" || len(ve) != 1 || ve["deal_id"] != 6.0 {
			t.Errorf("migrated validation event: %s", evs[len(evs)-2].Data)
		}
		last := string(evs[len(evs)-1].Data)
		for _, s := range []string{"NOTE-OLD", "REASON-OLD", "recorded_by", "recorded_org", `"note"`} {
			if strings.Contains(last, s) {
				t.Errorf("migrated public event carries %s: %s", s, last)
			}
		}
		var pe store.PublicDealEvent
		if err := json.Unmarshal(evs[len(evs)-1].Data, &pe); err != nil || pe.Deal.ID != 7 || pe.Deal.Value != -1000 || pe.Deal.Reverses != 6 ||
			pe.TotalValue != 5000 || pe.Count != 1 || pe.Deal.SellerName != "A" || pe.Deal.RecordedAt.IsZero() {
			t.Fatalf("migrated public event %s: %+v %v", last, pe, err)
		}
		staff, err := db.EventsAfter(ctx, store.MissionStaffTopic(w.mission.ID), 0, 1000)
		if err != nil || len(staff) == 0 || !strings.Contains(string(staff[len(staff)-1].Data), "REASON-OLD") {
			t.Fatalf("staff topic: %d events, %v", len(staff), err)
		}
		ps, err := db.Participants(ctx, w.admin, w.mission.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Status != niaga.ParticipantApproved {
				t.Errorf("%s not approved after the migration: %s", p.OrgName, p.Status)
			}
		}
		if len(ps) != 5 {
			t.Fatalf("%d participants", len(ps))
		}
	})
}
