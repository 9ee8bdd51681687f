package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

// trip is a small trade-mission world: Disperindag Jatim runs a mission
// hosted by Kalimantan Selatan; two businesses per delegation; an outsider
// business from Jawa Tengah; two banks and a guarantor.
type trip struct {
	t        *testing.T
	db       *store.DB
	ctx      context.Context
	admin    *niaga.Actor
	agency   *niaga.Actor // runs the mission
	other    *niaga.Actor // Disperindag Kalsel: an agency of a province of the mission, not running it
	biz      map[string]*niaga.Actor
	part     map[string]niaga.Participant
	bank     *niaga.Actor
	bank2    *niaga.Actor
	guar     *niaga.Actor
	mission  niaga.Mission
	outsider *niaga.Actor
}

func (w *trip) actor(kind niaga.OrgKind, role niaga.Role, name, prov string) *niaga.Actor {
	w.t.Helper()
	o := &niaga.Organization{Name: name, Kind: kind, Province: prov, Verified: true}
	if err := w.db.CreateOrganization(w.ctx, nil, o); err != nil {
		w.t.Fatal(err)
	}
	u, err := w.db.CreateUser(w.ctx, nil, store.NewUser{Email: fmt.Sprintf("u%d@x.id", o.ID), Name: name, PasswordHash: "x", Role: role, OrgID: o.ID})
	if err != nil {
		w.t.Fatal(err)
	}
	return &niaga.Actor{UserID: u.ID, OrgID: o.ID, Role: role, Name: name}
}

func newTrip(t *testing.T, db *store.DB) *trip {
	t.Helper()
	w := &trip{t: t, db: db, ctx: context.Background(), biz: map[string]*niaga.Actor{}, part: map[string]niaga.Participant{}}
	w.admin = w.actor(niaga.OrgAgency, niaga.RoleAdmin, "Operator", "31")
	w.agency = w.actor(niaga.OrgAgency, niaga.RoleAgency, "Disperindag Jatim", "35")
	w.other = w.actor(niaga.OrgAgency, niaga.RoleAgency, "Disperindag Kalsel", "63")
	w.bank = w.actor(niaga.OrgBank, niaga.RoleBank, "Bank Kalsel", "63")
	w.bank2 = w.actor(niaga.OrgBank, niaga.RoleBank, "Bank Jatim", "35")
	w.guar = w.actor(niaga.OrgGuarantor, niaga.RoleBank, "Jamkrida Jatim", "35")
	w.outsider = w.actor(niaga.OrgBusiness, niaga.RoleBusiness, "UD Semarang", "33")
	opens, _ := niaga.ParseLocal("63", time.Now().In(time.FixedZone("WITA", 8*3600)).Format(time.DateOnly), "00:00")
	w.mission = niaga.Mission{Title: "Misi Dagang Jatim–Kalsel", HostProvince: "63", Guests: []string{"35"}, Venue: "Banjarmasin",
		Opens: opens, Closes: opens.Add(23 * time.Hour), TargetValue: 100_000_000_000}
	if err := db.CreateMission(w.ctx, w.agency, &w.mission); err != nil {
		t.Fatal(err)
	}
	for _, b := range []struct{ key, name, prov string }{
		{"jatim1", "CV Beras Jatim", "35"}, {"jatim2", "UD Gula Kediri", "35"},
		{"kalsel1", "PT Banua Pangan", "63"}, {"kalsel2", "CV Karet Barito", "63"},
	} {
		a := w.actor(niaga.OrgBusiness, niaga.RoleBusiness, b.name, b.prov)
		w.biz[b.key] = a
		p, err := db.RegisterParticipant(w.ctx, a, w.mission.ID, niaga.NewParticipant{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Verified || p.Delegation != b.prov {
			t.Fatalf("self-registration: %+v", p)
		}
		if p, err = db.VerifyParticipant(w.ctx, w.agency, p.ID, true); err != nil || !p.Verified {
			t.Fatal(p, err)
		}
		w.part[b.key] = p
	}
	return w
}

func (w *trip) open() {
	w.t.Helper()
	if _, err := w.db.SetMissionStatus(w.ctx, w.agency, w.mission.ID, niaga.MissionOpen); err != nil {
		w.t.Fatal(err)
	}
}

func (w *trip) deal(by *niaga.Actor, seller, buyer, commodity string, qty, value int64) niaga.Deal {
	w.t.Helper()
	d, _, err := w.db.RecordDeal(w.ctx, by, w.mission.ID, niaga.NewDeal{SellerID: w.part[seller].ID, BuyerID: w.part[buyer].ID,
		Commodity: commodity, Kind: niaga.DealPurchase, Quantity: qty, Value: value})
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

func wantCode(t *testing.T, what string, err error, code niaga.Code) {
	t.Helper()
	if got := niaga.ErrorCode(err); got != code {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
}

func TestMissionLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		bad := niaga.Mission{Title: "", HostProvince: "99", Guests: []string{"99"}, Venue: "", Opens: time.Now(), Closes: time.Now().Add(-time.Hour), TargetValue: -1}
		err := db.CreateMission(ctx, w.agency, &bad)
		var e *niaga.Error
		if !errors.As(err, &e) || e.Code != niaga.CodeInvalid || len(e.Fields) < 5 {
			t.Fatalf("want many field errors, got %v", err)
		}
		// Disperindag Jatim cannot run a Sumsel–Lampung mission; a business cannot plan one.
		far := niaga.Mission{Title: "X", HostProvince: "16", Guests: []string{"18"}, Venue: "Palembang", Opens: time.Now(), Closes: time.Now().Add(time.Hour)}
		wantCode(t, "agency of another province", db.CreateMission(ctx, w.agency, &far), niaga.CodeInvalid)
		wantCode(t, "business plans", db.CreateMission(ctx, w.biz["jatim1"], &far), niaga.CodeForbidden)

		got, err := db.Mission(ctx, w.mission.ID)
		if err != nil || got.Status != niaga.MissionPlanned || got.AgencyID != w.agency.OrgID || len(got.Guests) != 1 || !got.Opens.Equal(w.mission.Opens) {
			t.Fatalf("%+v %v", got, err)
		}
		if got.RequestTTLMinutes != 48*60 {
			t.Fatalf("default ttl %d", got.RequestTTLMinutes)
		}
		_, err = db.SetMissionStatus(ctx, w.other, w.mission.ID, niaga.MissionOpen)
		wantCode(t, "other agency opens", err, niaga.CodeForbidden)
		_, err = db.SetMissionStatus(ctx, w.agency, w.mission.ID, niaga.MissionClosed)
		wantCode(t, "planned → closed", err, niaga.CodeConflict)
		w.open()
		if _, err := db.SetMissionStatus(ctx, w.admin, w.mission.ID, niaga.MissionClosed); err != nil {
			t.Fatal(err)
		}
		_, err = db.SetMissionStatus(ctx, w.agency, w.mission.ID, niaga.MissionOpen)
		wantCode(t, "closed → open", err, niaga.CodeConflict)
		_, err = db.Mission(ctx, 4242)
		wantCode(t, "missing mission", err, niaga.CodeNotFound)

		// A business of a province outside the mission cannot join it.
		_, err = db.RegisterParticipant(ctx, w.outsider, w.mission.ID, niaga.NewParticipant{})
		wantCode(t, "outsider registers", err, niaga.CodeConflict) // closed now
		list, err := db.Missions(ctx)
		if err != nil || len(list) != 1 || list[0].Participants != 4 || list[0].Delegations["63"] != 2 {
			t.Fatalf("%+v %v", list, err)
		}
	})
}

func TestMissionParticipants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		_, err := db.RegisterParticipant(ctx, w.outsider, w.mission.ID, niaga.NewParticipant{})
		wantCode(t, "Jateng business joins Jatim–Kalsel", err, niaga.CodeInvalid)
		_, err = db.RegisterParticipant(ctx, w.biz["jatim1"], w.mission.ID, niaga.NewParticipant{})
		wantCode(t, "twice", err, niaga.CodeConflict)
		_, err = db.RegisterParticipant(ctx, w.biz["jatim1"], w.mission.ID, niaga.NewParticipant{OrgID: w.biz["kalsel1"].OrgID})
		wantCode(t, "registers another business", err, niaga.CodeForbidden)
		_, err = db.VerifyParticipant(ctx, w.biz["jatim1"], w.part["jatim2"].ID, true)
		wantCode(t, "business verifies", err, niaga.CodeForbidden)
		// Offers and needs: own only, known commodity and grade, positive figures.
		o := niaga.MissionOffer{Commodity: "beras", Grade: "medium", MonthlyCapacity: 150_000, Price: 11_900}
		if err := db.AddOffer(ctx, w.biz["jatim1"], w.mission.ID, &o); err != nil || o.ParticipantID != w.part["jatim1"].ID {
			t.Fatal(o, err)
		}
		wantCode(t, "offer for another", db.AddOffer(ctx, w.biz["jatim1"], w.mission.ID, &niaga.MissionOffer{ParticipantID: w.part["jatim2"].ID, Commodity: "beras", MonthlyCapacity: 1}), niaga.CodeForbidden)
		wantCode(t, "bad grade", db.AddOffer(ctx, w.biz["jatim1"], w.mission.ID, &niaga.MissionOffer{Commodity: "beras", Grade: "super", MonthlyCapacity: 1}), niaga.CodeInvalid)
		wantCode(t, "unknown commodity", db.AddNeed(ctx, w.biz["kalsel1"], w.mission.ID, &niaga.MissionNeed{Commodity: "emas", Volume: 1}), niaga.CodeInvalid)
		wantCode(t, "zero volume", db.AddNeed(ctx, w.biz["kalsel1"], w.mission.ID, &niaga.MissionNeed{Commodity: "beras", Volume: 0}), niaga.CodeInvalid)
		wantCode(t, "outsider need", db.AddNeed(ctx, w.outsider, w.mission.ID, &niaga.MissionNeed{Commodity: "beras", Volume: 1}), niaga.CodeForbidden)
		n := niaga.MissionNeed{ParticipantID: w.part["kalsel1"].ID, Commodity: "beras", Grade: "any", Volume: 200_000, TargetPrice: 12_000}
		if err := db.AddNeed(ctx, w.agency, w.mission.ID, &n); err != nil || n.Grade != "" {
			t.Fatal(n, err) // the desk adds for a participant
		}
		ps, err := db.Participants(ctx, w.agency, w.mission.ID)
		if err != nil || len(ps) != 4 || ps[0].Delegation != "35" {
			t.Fatal(ps, err)
		}
	})
}

func TestMissionDeals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		_, _, err := db.RecordDeal(ctx, w.agency, w.mission.ID, niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "deal before opening", err, niaga.CodeMissionNotOpen)
		w.open()
		badDeals := []niaga.NewDeal{
			{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 0, Value: 1},
			{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: -5},
			{SellerID: w.part["jatim1"].ID, BuyerID: w.part["jatim1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1},
			{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: "gift", Quantity: 1, Value: 1},
		}
		for i, in := range badDeals {
			_, _, err := db.RecordDeal(ctx, w.agency, w.mission.ID, in)
			wantCode(t, fmt.Sprintf("bad deal %d", i), err, niaga.CodeInvalid)
		}
		// Permissions: a party records its own deal; another participant, an outsider, a bank cannot.
		d1 := w.deal(w.biz["jatim1"], "jatim1", "kalsel1", "beras", 100_000, 1_190_000_000)
		_, _, err = db.RecordDeal(ctx, w.biz["jatim2"], w.mission.ID, niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "non-party participant", err, niaga.CodeForbidden)
		_, _, err = db.RecordDeal(ctx, w.outsider, w.mission.ID, niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "outsider", err, niaga.CodeForbidden)
		_, _, err = db.RecordDeal(ctx, w.bank, w.mission.ID, niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "bank", err, niaga.CodeForbidden)
		// The desk records any deal; an unverified party is refused.
		d2 := w.deal(w.agency, "kalsel2", "jatim2", "karet", 50_000, 1_000_000_000)
		d3 := w.deal(w.agency, "jatim2", "kalsel1", "gula", 20_000, 300_000_000)
		if _, err := db.VerifyParticipant(ctx, w.agency, w.part["kalsel2"].ID, false); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.RecordDeal(ctx, w.agency, w.mission.ID, niaga.NewDeal{SellerID: w.part["kalsel2"].ID, BuyerID: w.part["jatim1"].ID, Commodity: "karet", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "unverified party", err, niaga.CodeNotVerified)
		if _, err := db.VerifyParticipant(ctx, w.agency, w.part["kalsel2"].ID, true); err != nil {
			t.Fatal(err)
		}

		// Correction: a reversing entry nets to zero; the original is untouched.
		before, _ := db.Deal(ctx, d3.ID)
		_, err = db.ReverseDeal(ctx, w.biz["kalsel2"], d3.ID, "salah input")
		wantCode(t, "non-party reverses", err, niaga.CodeForbidden)
		_, err = db.ReverseDeal(ctx, w.agency, d3.ID, "")
		wantCode(t, "reason required", err, niaga.CodeInvalid)
		r3, err := db.ReverseDeal(ctx, w.agency, d3.ID, "nilai salah input")
		if err != nil {
			t.Fatal(err)
		}
		if r3.Reverses != d3.ID || r3.Value != -d3.Value || r3.Quantity != -d3.Quantity || r3.Commodity != d3.Commodity || r3.SellerID != d3.SellerID {
			t.Fatalf("reversal %+v of %+v", r3, d3)
		}
		after, _ := db.Deal(ctx, d3.ID)
		if after.Value != before.Value || after.Quantity != before.Quantity || after.ReversedBy != r3.ID || !after.RecordedAt.Equal(before.RecordedAt) {
			t.Fatalf("original changed: %+v → %+v", before, after)
		}
		_, err = db.ReverseDeal(ctx, w.agency, d3.ID, "again")
		wantCode(t, "second reversal", err, niaga.CodeConflict)
		_, err = db.ReverseDeal(ctx, w.agency, r3.ID, "undo")
		wantCode(t, "reversing a reversal", err, niaga.CodeConflict)

		// Validation: organizer yes, participant no.
		_, err = db.ValidateDeal(ctx, w.biz["jatim1"], d1.ID, niaga.DealValidated, "")
		wantCode(t, "participant validates", err, niaga.CodeForbidden)
		if v, err := db.ValidateDeal(ctx, w.agency, d1.ID, niaga.DealValidated, "cek BI"); err != nil || v.Validation != niaga.DealValidated {
			t.Fatal(v, err)
		}
		// A party's deal after close: only the desk corrects it.
		d4 := w.deal(w.biz["kalsel1"], "jatim2", "kalsel1", "gula", 1_000, 15_000_000)
		if _, err := db.SetMissionStatus(ctx, w.agency, w.mission.ID, niaga.MissionClosed); err != nil {
			t.Fatal(err)
		}
		_, err = db.ReverseDeal(ctx, w.biz["kalsel1"], d4.ID, "batal")
		wantCode(t, "party reverses after close", err, niaga.CodeMissionNotOpen)
		_, _, err = db.RecordDeal(ctx, w.agency, w.mission.ID, niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "deal after close", err, niaga.CodeMissionNotOpen)

		// The summary agrees with an independent sum over the raw ledger.
		all, err := db.Deals(ctx, w.agency, w.mission.ID)
		if err != nil || len(all) != 5 {
			t.Fatal(len(all), err)
		}
		var total, count int64
		byCommodity := map[string]int64{}
		byFlow := map[string]int64{}
		for _, d := range all {
			total += d.Value
			if d.Reverses == 0 {
				count++
			} else {
				count--
			}
			byCommodity[d.Commodity] += d.Value
			byFlow[d.SellerProvince+">"+d.BuyerProvince] += d.Value
		}
		want := d1.Value + d2.Value + d4.Value
		if total != want || count != 3 {
			t.Fatalf("raw sum %d/%d, want %d/3", total, count, want)
		}
		s, err := db.MissionSummary(ctx, w.mission.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.TotalValue != total || s.Count != count || s.ValidatedValue != d1.Value {
			t.Fatalf("summary %d/%d/%d, want %d/%d/%d", s.TotalValue, s.Count, s.ValidatedValue, total, count, d1.Value)
		}
		var sum int64
		for _, g := range s.ByCommodity {
			if g.Value != byCommodity[g.Key] {
				t.Errorf("commodity %s: %d, want %d", g.Key, g.Value, byCommodity[g.Key])
			}
			sum += g.Value
		}
		if sum != total || len(s.ByCommodity) != 3 {
			t.Errorf("by commodity sums to %d over %d groups", sum, len(s.ByCommodity))
		}
		sum = 0
		for _, f := range s.ByDirection {
			if f.Value != byFlow[f.From+">"+f.To] {
				t.Errorf("flow %s>%s: %d", f.From, f.To, f.Value)
			}
			sum += f.Value
		}
		if sum != total {
			t.Errorf("by direction sums to %d", sum)
		}
		// From Jatim's side (the running agency): sells beras and gula, buys karet.
		side := map[string]int64{}
		for _, g := range s.BySide {
			side[g.Key] = g.Value
		}
		if s.SideProvince != "35" || side["sell"] != d1.Value+d4.Value || side["buy"] != d2.Value {
			t.Errorf("by side %+v", s.BySide)
		}
		if len(s.Latest) != 5 || s.Latest[0].ID != d4.ID {
			t.Errorf("latest %+v", s.Latest)
		}
		// Follow-up: realized against committed.
		if _, err := db.RecordRealization(ctx, w.biz["jatim1"], d1.ID, 595_000_000, "termin 1"); err != nil {
			t.Fatal(err)
		}
		_, err = db.RecordRealization(ctx, w.agency, d3.ID, 1, "")
		wantCode(t, "realize a reversed deal", err, niaga.CodeConflict)
		f, err := db.FollowUp(ctx, w.agency, w.mission.ID)
		if err != nil || f.Committed != total || f.Realized != 595_000_000 || len(f.Deals) != 3 || f.RealizedBP != 595_000_000*10000/total {
			t.Fatalf("%+v %v", f, err)
		}
		f, err = db.FollowUp(ctx, w.biz["jatim1"], w.mission.ID)
		if err != nil || len(f.Deals) != 1 || f.Deals[0].Outstanding != d1.Value-595_000_000 {
			t.Fatalf("own follow-up %+v %v", f, err)
		}
		_, err = db.Deals(ctx, w.outsider, w.mission.ID)
		wantCode(t, "outsider reads ledger", err, niaga.CodeForbidden)
		// Every change is in the audit chain.
		if broken, _, err := db.VerifyAudit(ctx); err != nil || broken != 0 {
			t.Fatal(broken, err)
		}
	})
}

func TestMissionDealIdempotency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		w.open()
		in := niaga.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealContract, Quantity: 10, Value: 119_000, IdempotencyKey: "k-1"}
		first, replayed, err := db.RecordDeal(w.ctx, w.biz["jatim1"], w.mission.ID, in)
		if err != nil || replayed {
			t.Fatal(err, replayed)
		}
		again, replayed, err := db.RecordDeal(w.ctx, w.biz["jatim1"], w.mission.ID, in)
		if err != nil || !replayed || again.ID != first.ID {
			t.Fatalf("retry: %+v %v %v", again, replayed, err)
		}
		changed := in
		changed.Value++
		_, _, err = db.RecordDeal(w.ctx, w.biz["jatim1"], w.mission.ID, changed)
		wantCode(t, "key reused for another deal", err, niaga.CodeConflict)
		// The same key from another user is another request.
		other, replayed, err := db.RecordDeal(w.ctx, w.biz["kalsel1"], w.mission.ID, in)
		if err != nil || replayed || other.ID == first.ID {
			t.Fatal(other, replayed, err)
		}
		// Concurrent retries make one deal.
		in.IdempotencyKey = "k-2"
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		errs := make([]error, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, _, err := db.RecordDeal(w.ctx, w.agency, w.mission.ID, in)
				ids[i], errs[i] = d.ID, err
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("attempt %d: id %d (first %d), %v", i, ids[i], ids[0], errs[i])
			}
		}
		s, err := db.MissionSummary(w.ctx, w.mission.ID)
		if err != nil || s.Count != 3 || s.TotalValue != 3*119_000 {
			t.Fatalf("%d deals, %d: %v", s.Count, s.TotalValue, err)
		}
		// A deal past the declared maximum is refused; deals at it fill the
		// mission up to its bounded total, and the next one is refused.
		huge := niaga.NewDeal{SellerID: w.part["jatim2"].ID, BuyerID: w.part["kalsel2"].ID, Commodity: "gula", Kind: niaga.DealPurchase, Quantity: 1, Value: math.MaxInt64 - 3*119_000}
		_, _, err = db.RecordDeal(w.ctx, w.agency, w.mission.ID, huge)
		wantCode(t, "value past the maximum", err, niaga.CodeInvalid)
		for total := s.TotalValue; total < niaga.MaxMissionTotal; total += huge.Value {
			huge.Value = min(niaga.MaxDealValue, niaga.MaxMissionTotal-total)
			if _, _, err := db.RecordDeal(w.ctx, w.agency, w.mission.ID, huge); err != nil {
				t.Fatal(err)
			}
		}
		huge.Value = 1
		_, _, err = db.RecordDeal(w.ctx, w.agency, w.mission.ID, huge)
		wantCode(t, "total past the bound", err, niaga.CodeInvalid)
	})
}

func TestMissionHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		w.open()
		w.deal(w.agency, "jatim1", "kalsel1", "beras", 10, 1_000)
		w.deal(w.agency, "kalsel2", "jatim2", "karet", 10, 500)
		// An archived mission in 2020 with Sumsel.
		agencySumsel := w.actor(niaga.OrgAgency, niaga.RoleAgency, "Disperindag Sumsel", "16")
		_ = agencySumsel
		opens, _ := niaga.ParseLocal("16", "2020-12-02", "13:00")
		ar := &store.MissionArchive{
			Mission:      niaga.Mission{Title: "Jatim–Sumsel 2020", HostProvince: "16", Guests: []string{"35"}, Venue: "Palembang", AgencyID: w.agency.OrgID, Opens: opens, Closes: opens.Add(6 * time.Hour), Status: niaga.MissionClosed},
			Participants: []store.ArchiveParticipant{{Name: "A", Delegation: "35"}, {Name: "B", Delegation: "16"}},
			Deals: []store.ArchiveDeal{
				{Seller: 0, Buyer: 1, Commodity: "gula", Kind: niaga.DealPurchase, Quantity: 1, Value: 7_000, At: opens.Add(time.Hour)},
				{Seller: 1, Buyer: 0, Commodity: "karet", Kind: niaga.DealContract, Quantity: 1, Value: 3_000, At: opens.Add(2 * time.Hour)},
			},
		}
		wantCode(t, "archive by an agency", db.ImportMissionArchive(ctx, w.agency, ar), niaga.CodeForbidden)
		late := *ar
		late.Deals = []store.ArchiveDeal{{Seller: 0, Buyer: 1, Commodity: "gula", Kind: niaga.DealPurchase, Quantity: 1, Value: 7_000, At: opens.Add(7 * time.Hour)}}
		wantCode(t, "deal after closing", db.ImportMissionArchive(ctx, w.admin, &late), niaga.CodeInvalid)
		if err := db.ImportMissionArchive(ctx, w.admin, ar); err != nil {
			t.Fatal(err)
		}
		h, err := db.MissionHistory(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if h.Count != 2 || h.Total != 11_500 || len(h.ByYear) != 2 || h.ByYear[0].Year != 2020 || h.ByYear[0].Value != 10_000 ||
			h.ByYear[1].Cumulative != 11_500 || h.Missions[0].ID != w.mission.ID {
			t.Fatalf("%+v", h)
		}
		h, err = db.MissionHistory(ctx, "35")
		if err != nil {
			t.Fatal(err)
		}
		partner := map[string]store.PartnerTotal{}
		for _, p := range h.ByPartner {
			partner[p.Province] = p
		}
		if len(h.ByPartner) != 2 || partner["16"].Value != 10_000 || partner["63"].Value != 1_500 || partner["63"].Missions != 1 {
			t.Fatalf("%+v", h.ByPartner)
		}
		h, err = db.MissionHistory(ctx, "63")
		if err != nil || h.Count != 1 || h.Total != 1_500 {
			t.Fatalf("%+v %v", h, err)
		}
		_, err = db.MissionHistory(ctx, "99")
		wantCode(t, "bad province", err, niaga.CodeInvalid)
	})
}

func TestMissionMatchmakingAndSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		offer := func(who, commodity, grade string, capacity, price int64) niaga.MissionOffer {
			o := niaga.MissionOffer{Commodity: commodity, Grade: grade, MonthlyCapacity: capacity, Price: price}
			if err := db.AddOffer(ctx, w.biz[who], w.mission.ID, &o); err != nil {
				t.Fatal(err)
			}
			return o
		}
		need := func(who, commodity, grade string, volume, target int64) niaga.MissionNeed {
			n := niaga.MissionNeed{Commodity: commodity, Grade: grade, Volume: volume, TargetPrice: target}
			if err := db.AddNeed(ctx, w.biz[who], w.mission.ID, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		oBeras := offer("jatim1", "beras", "medium", 150_000, 11_900)
		nBeras := need("kalsel1", "beras", "medium", 200_000, 12_000)
		need("jatim2", "beras", "medium", 10_000, 12_000) // same delegation as the offer: no pair
		oKaret := offer("kalsel2", "karet", "SIR 20", 80_000, 21_000)
		need("jatim2", "karet", "SIR 10", 50_000, 20_000)
		offer("jatim2", "gula", "GKP I", 30_000, 14_000)
		need("kalsel2", "gula", "", 30_000, 15_000)

		all, err := db.MissionMatches(ctx, w.agency, w.mission.ID, store.MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("%d matches: %+v", len(all), all)
		}
		// grade exact 100, volume ⌊100·150/200⌋ = 75, price 100: (30·100 + 30·75 + 40·100 + 50)/100 = 93.
		top := all[0]
		if top.NeedID != nBeras.ID || top.OfferID != oBeras.ID || top.Score != 93 || top.VolumeScore != 75 || top.BuyerName != "PT Banua Pangan" ||
			top.SellerName != "CV Beras Jatim" || top.Explanation.Unit != "kg" || top.Explanation.OfferPrice != 11_900 {
			t.Fatalf("top match %+v", top)
		}
		for i := 1; i < len(all); i++ {
			if all[i].Score > all[i-1].Score {
				t.Fatal("matches not best first")
			}
			if all[i].BuyerDelegation == all[i].SellerDelegation {
				t.Fatal("pair within one delegation")
			}
		}
		own, err := db.MissionMatches(ctx, w.biz["kalsel2"], w.mission.ID, store.MatchOptions{Participant: w.part["jatim1"].ID})
		if err != nil || len(own) != 2 {
			t.Fatalf("kalsel2 sees %d: %v", len(own), err)
		}
		for _, m := range own {
			if m.Buyer != w.part["kalsel2"].ID && m.Seller != w.part["kalsel2"].ID {
				t.Fatalf("kalsel2 sees another's pair %+v", m)
			}
		}
		_, err = db.MissionMatches(ctx, w.outsider, w.mission.ID, store.MatchOptions{})
		wantCode(t, "outsider matches", err, niaga.CodeForbidden)

		// Meeting requests: ask, answer, refuse duplicates, expire.
		req := func(from, to string, in niaga.NewMeetingRequest) store.MeetingRequest {
			t.Helper()
			in.To = w.part[to].ID
			r, err := db.RequestMeeting(ctx, w.biz[from], w.mission.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		r1 := req("kalsel1", "jatim1", niaga.NewMeetingRequest{NeedID: nBeras.ID, OfferID: oBeras.ID, Message: "Butuh beras medium 200 t"})
		if r1.Score != 93 || r1.Status != "pending" || r1.From != w.part["kalsel1"].ID {
			t.Fatalf("%+v", r1)
		}
		_, err = db.RequestMeeting(ctx, w.biz["jatim1"], w.mission.ID, niaga.NewMeetingRequest{To: w.part["kalsel1"].ID})
		wantCode(t, "reverse duplicate", err, niaga.CodeConflict)
		_, err = db.RequestMeeting(ctx, w.biz["jatim2"], w.mission.ID, niaga.NewMeetingRequest{To: w.part["kalsel2"].ID, NeedID: nBeras.ID, OfferID: oKaret.ID})
		wantCode(t, "need and offer of others", err, niaga.CodeInvalid)
		_, err = db.AnswerMeeting(ctx, w.biz["kalsel1"], r1.ID, true, "")
		wantCode(t, "sender accepts", err, niaga.CodeForbidden)
		_, err = db.AnswerMeeting(ctx, w.outsider, r1.ID, true, "")
		wantCode(t, "outsider accepts", err, niaga.CodeNotFound)
		if r, err := db.AnswerMeeting(ctx, w.biz["jatim1"], r1.ID, true, "Siap"); err != nil || r.Status != "accepted" {
			t.Fatal(r, err)
		}
		_, err = db.AnswerMeeting(ctx, w.biz["jatim1"], r1.ID, false, "")
		wantCode(t, "answer twice", err, niaga.CodeConflict)
		r2 := req("kalsel2", "jatim1", niaga.NewMeetingRequest{Message: "karet?"})
		r3 := req("jatim2", "kalsel1", niaga.NewMeetingRequest{})
		r4 := req("kalsel2", "jatim2", niaga.NewMeetingRequest{Virtual: true, Link: "https://meet.example/abc"})
		r5 := req("jatim2", "jatim1", niaga.NewMeetingRequest{})
		for _, r := range []store.MeetingRequest{r2, r3, r4} {
			who := map[int64]string{w.part["jatim1"].ID: "jatim1", w.part["jatim2"].ID: "jatim2", w.part["kalsel1"].ID: "kalsel1"}[r.To]
			if _, err := db.AnswerMeeting(ctx, w.biz[who], r.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		// r5 is left unanswered: the sweep expires it once, then finds nothing.
		n, err := db.ExpireMeetingRequests(ctx, time.Now())
		if err != nil || n != 0 {
			t.Fatal(n, err)
		}
		n, err = db.ExpireMeetingRequests(ctx, r5.ExpiresAt)
		if err != nil || n != 1 {
			t.Fatal(n, err)
		}
		if n, err = db.ExpireMeetingRequests(ctx, r5.ExpiresAt.Add(time.Hour)); err != nil || n != 0 {
			t.Fatal("second sweep", n, err)
		}
		_, err = db.AnswerMeeting(ctx, w.biz["jatim1"], r5.ID, true, "")
		wantCode(t, "answer expired", err, niaga.CodeConflict)
		mine, err := db.MeetingRequests(ctx, w.biz["kalsel2"], w.mission.ID)
		if err != nil || len(mine) != 2 {
			t.Fatal(len(mine), err)
		}

		// Schedule: 10:00–11:30 WITA in 30-minute slots with a break 10:30–11:00:
		// two slots, one table; kalsel1 is away 10:00–10:30.
		day := w.mission.Opens // 00:00 WITA
		if err := db.SetUnavailability(ctx, w.biz["kalsel1"], w.part["kalsel1"].ID, []niaga.TimeSpan{{Start: day.Add(10 * time.Hour), End: day.Add(10*time.Hour + 30*time.Minute)}}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "unavailability of another", db.SetUnavailability(ctx, w.biz["jatim1"], w.part["kalsel1"].ID, nil), niaga.CodeForbidden)
		params := store.ScheduleParams{SlotMinutes: 30, Tables: 1, Start: day.Add(10 * time.Hour), End: day.Add(11*time.Hour + 30*time.Minute),
			Breaks: []niaga.TimeSpan{{Start: day.Add(10*time.Hour + 30*time.Minute), End: day.Add(11 * time.Hour)}}}
		_, err = db.ScheduleMission(ctx, w.biz["jatim1"], w.mission.ID, params)
		wantCode(t, "business schedules", err, niaga.CodeForbidden)
		s, err := db.ScheduleMission(ctx, w.agency, w.mission.ID, params)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Slots) != 2 || !s.Slots[1].Start.Equal(day.Add(11*time.Hour)) {
			t.Fatalf("slots %+v", s.Slots)
		}
		checkSchedule(t, s, map[int64][]int{w.part["kalsel1"].ID: {0}}, 1)
		// Three meetings at tables (r1 93, r2, r3 scored 0) for one table in two slots, plus the virtual r4.
		placed := map[int64]store.ScheduledMeeting{}
		for _, m := range s.Meetings {
			placed[m.MeetingID] = m
		}
		if len(s.Meetings) != 3 || len(s.Unscheduled) != 1 {
			t.Fatalf("placed %d, unscheduled %+v", len(s.Meetings), s.Unscheduled)
		}
		if m, ok := placed[r1.ID]; !ok || m.Slot != 1 || m.Table != 1 {
			t.Fatalf("best meeting not in the slot kalsel1 is free: %+v", m)
		}
		if m, ok := placed[r4.ID]; !ok || !m.Virtual || m.Table != 0 {
			t.Fatalf("virtual meeting %+v", m)
		}
		ag, err := db.ParticipantAgenda(ctx, w.biz["jatim1"], w.part["jatim1"].ID)
		if err != nil || len(ag.Items) == 0 || ag.Items[0].CounterpartName == "" {
			t.Fatalf("%+v %v", ag, err)
		}
		for i := 1; i < len(ag.Items); i++ {
			if ag.Items[i].Start.Before(ag.Items[i-1].Start) {
				t.Fatal("agenda out of order")
			}
		}
		_, err = db.ParticipantAgenda(ctx, w.biz["kalsel2"], w.part["jatim1"].ID)
		wantCode(t, "another's agenda", err, niaga.CodeForbidden)
		_, err = db.MissionSchedule(ctx, w.biz["jatim1"], w.mission.ID)
		wantCode(t, "business reads table sheets", err, niaga.CodeForbidden)
		// Cancelling a scheduled meeting frees its slot; a rerun uses it.
		if _, err := db.CancelMeeting(ctx, w.biz["kalsel1"], r1.ID); err != nil {
			t.Fatal(err)
		}
		s, err = db.MissionSchedule(ctx, w.agency, w.mission.ID)
		if err != nil || len(s.Meetings) != 2 {
			t.Fatalf("after cancel: %d %v", len(s.Meetings), err)
		}
		// Rerun: r2 and r3 take the table in the two slots; the virtual r4
		// (kalsel2–jatim2) finds each of them busy in one slot.
		s, err = db.ScheduleMission(ctx, w.agency, w.mission.ID, params)
		if err != nil || len(s.Meetings) != 2 || len(s.Unscheduled) != 1 || s.Unscheduled[0].MeetingID != r4.ID {
			t.Fatalf("rerun: %+v %v", s, err)
		}
		checkSchedule(t, s, map[int64][]int{w.part["kalsel1"].ID: {0}}, 1)
	})
}

// checkSchedule verifies a stored schedule independently: nobody twice in
// a slot, at most tables meetings at tables per slot, no table used twice,
// nobody in a slot they are unavailable.
func checkSchedule(t *testing.T, s store.MeetingSchedule, unavailable map[int64][]int, tables int) {
	t.Helper()
	seat := map[[2]int64]int64{}
	atTables := map[int]int{}
	table := map[[2]int]bool{}
	for _, m := range s.Meetings {
		for _, p := range []int64{m.A, m.B} {
			k := [2]int64{int64(m.Slot), p}
			if prev, ok := seat[k]; ok {
				t.Fatalf("participant %d double-booked in slot %d (meetings %d and %d)", p, m.Slot, prev, m.MeetingID)
			}
			seat[k] = m.MeetingID
			for _, u := range unavailable[p] {
				if u == m.Slot {
					t.Fatalf("participant %d booked in unavailable slot %d", p, u)
				}
			}
		}
		if m.Table > 0 {
			atTables[m.Slot]++
			if table[[2]int{m.Slot, m.Table}] || m.Table > tables {
				t.Fatalf("table %d of slot %d used twice or out of range", m.Table, m.Slot)
			}
			table[[2]int{m.Slot, m.Table}] = true
		}
	}
	for slot, n := range atTables {
		if n > tables {
			t.Fatalf("slot %d has %d meetings at %d tables", slot, n, tables)
		}
	}
}

func TestMissionRequestExpiresBeforeAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		// A mission closing in a moment: its requests expire at closing time.
		now := time.Now()
		m := niaga.Mission{Title: "Singkat", HostProvince: "35", Guests: []string{"63"}, Venue: "Surabaya", Opens: now.Add(-time.Hour), Closes: now.Add(300 * time.Millisecond)}
		if err := db.CreateMission(w.ctx, w.agency, &m); err != nil {
			t.Fatal(err)
		}
		var ps []niaga.Participant
		for _, k := range []string{"jatim1", "kalsel1"} {
			p, err := db.RegisterParticipant(w.ctx, w.agency, m.ID, niaga.NewParticipant{OrgID: w.biz[k].OrgID, Verified: true})
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		r, err := db.RequestMeeting(w.ctx, w.biz["jatim1"], m.ID, niaga.NewMeetingRequest{To: ps[1].ID})
		if err != nil || !r.ExpiresAt.Equal(m.Closes) {
			t.Fatal(r, err)
		}
		time.Sleep(time.Until(m.Closes) + 50*time.Millisecond)
		_, err = db.AnswerMeeting(w.ctx, w.biz["kalsel1"], r.ID, true, "")
		wantCode(t, "answer after expiry", err, niaga.CodeRequestExpired)
		_, err = db.RequestMeeting(w.ctx, w.biz["kalsel1"], m.ID, niaga.NewMeetingRequest{To: ps[0].ID})
		wantCode(t, "request after closing", err, niaga.CodeConflict)
	})
}

func TestMissionImportRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		count := func() int {
			ps, err := db.Participants(ctx, w.agency, w.mission.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}
		orgs := func() int {
			os, err := db.Organizations(ctx, niaga.OrgBusiness)
			if err != nil {
				t.Fatal(err)
			}
			return len(os)
		}
		orgsBefore := orgs()
		bad := [][]string{
			{"Organisasi", "Delegasi", "Kontak"},
			{"UD Sumber Makmur", "Jawa Timur", "0812"},
			{"CV Sinar Banua", "Jawa Tengah", ""},
			{"", "63", ""},
			{"UD Sumber Makmur", "35", ""},
			{"", "", ""},
			{"PT Banua Pangan", "Kalimantan Selatan", ""},
		}
		res, err := db.ImportMissionRows(ctx, w.agency, w.mission.ID, store.ImportParticipants, bad, false)
		wantCode(t, "bad import", err, niaga.CodeImportRejected)
		want := []store.ImportRowError{
			{Row: 3, Field: "delegation"}, {Row: 4, Field: "organization"}, {Row: 5, Field: "organization"}, {Row: 7, Field: "organization"},
		}
		if len(res.Errors) != len(want) {
			t.Fatalf("errors %+v", res.Errors)
		}
		for i, e := range want {
			if res.Errors[i].Row != e.Row || res.Errors[i].Field != e.Field || res.Errors[i].Reason == "" {
				t.Errorf("error %d: %+v, want row %d field %s", i, res.Errors[i], e.Row, e.Field)
			}
		}
		if count() != 4 || orgs() != orgsBefore {
			t.Fatal("a failed import wrote something")
		}
		_, err = db.ImportMissionRows(ctx, w.biz["jatim1"], w.mission.ID, store.ImportParticipants, bad, false)
		wantCode(t, "business imports", err, niaga.CodeForbidden)
		res, err = db.ImportMissionRows(ctx, w.agency, w.mission.ID, store.ImportParticipants, [][]string{{"organization", "owner"}}, false)
		if niaga.ErrorCode(err) != niaga.CodeImportRejected || len(res.Errors) != 2 || res.Errors[0].Row != 1 || res.Errors[1].Field != "delegation" {
			t.Fatalf("header errors %+v %v", res.Errors, err)
		}
		good := [][]string{
			{"organization", "delegation", "contact", "verified"},
			{"UD Sumber Makmur", "Jawa Timur", "0812", "ya"},
			{"CV Sinar Banua", "63", "", ""},
			{"UD Semarang Baru", "35", "", "tidak"},
		}
		res, err = db.ImportMissionRows(ctx, w.agency, w.mission.ID, store.ImportParticipants, good, true)
		if err != nil || res.Imported != 3 || count() != 4 {
			t.Fatalf("dry run %+v %v, %d participants", res, err, count())
		}
		res, err = db.ImportMissionRows(ctx, w.agency, w.mission.ID, store.ImportParticipants, good, false)
		if err != nil || res.Imported != 3 || res.CreatedOrgs != 3 || count() != 7 {
			t.Fatalf("import %+v %v", res, err)
		}
		// Offers by organization name: one bad cell fails the file.
		offers := [][]string{
			{"Nama Usaha", "Komoditas", "Mutu", "Kapasitas", "Harga"},
			{"UD Sumber Makmur", "Beras", "medium", "150.000", "Rp 11.900"},
			{"CV Sinar Banua", "karet", "SIR 20", "80000", "21000"},
			{"CV Sinar Banua", "batu bara", "", "1", ""},
			{"UD Tidak Ada", "beras", "premium", "-5", "1,5"},
			{"CV Sinar Banua", "kopi_robusta", "9", "100", ""},
		}
		res, err = db.ImportMissionRows(ctx, w.agency, w.mission.ID, store.ImportOffers, offers, false)
		wantCode(t, "bad offers", err, niaga.CodeImportRejected)
		got := map[[2]any]bool{}
		for _, e := range res.Errors {
			got[[2]any{e.Row, e.Field}] = true
		}
		for _, k := range [][2]any{{4, "commodity"}, {5, "organization"}, {5, "monthly_capacity"}, {5, "price"}, {6, "grade"}} {
			if !got[k] {
				t.Errorf("missing error %v in %+v", k, res.Errors)
			}
		}
		if len(res.Errors) != 5 {
			t.Errorf("errors %+v", res.Errors)
		}
		if os, _ := db.Offers(ctx, w.mission.ID); len(os) != 0 {
			t.Fatal("offers written by a failed import")
		}
		res, err = db.ImportMissionRows(ctx, w.agency, w.mission.ID, store.ImportOffers, offers[:3], false)
		if err != nil || res.Imported != 2 {
			t.Fatal(res, err)
		}
		os, _ := db.Offers(ctx, w.mission.ID)
		if len(os) != 2 || os[0].MonthlyCapacity != 150_000 || os[0].Price != 11_900 || os[0].Commodity != "beras" {
			t.Fatalf("%+v", os)
		}
		needs := [][]string{{"organization", "commodity", "volume", "target_price"}, {"PT Banua Pangan", "Gula Pasir", "30000", "15000"}}
		if res, err = db.ImportMissionRows(ctx, w.agency, w.mission.ID, store.ImportNeeds, needs, false); err != nil || res.Imported != 1 {
			t.Fatal(res, err)
		}
	})
}

func TestMissionFinancingAndAgreements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		w.open()
		d := w.deal(w.agency, "jatim1", "kalsel1", "beras", 100_000, 1_190_000_000)
		in := niaga.NewFinancing{BankID: w.bank.OrgID, GuarantorID: w.guar.OrgID, Amount: 800_000_000, TenorMonths: 12, Purpose: "modal kerja"}
		_, err := db.RequestFinancing(ctx, w.outsider, d.ID, in)
		wantCode(t, "outsider asks", err, niaga.CodeForbidden)
		_, err = db.RequestFinancing(ctx, w.biz["kalsel1"], d.ID, niaga.NewFinancing{BankID: w.bank.OrgID, Amount: d.Value + 1, TenorMonths: 12})
		wantCode(t, "more than the deal", err, niaga.CodeInvalid)
		_, err = db.RequestFinancing(ctx, w.biz["kalsel1"], d.ID, niaga.NewFinancing{BankID: w.guar.OrgID, Amount: 1, TenorMonths: 12})
		wantCode(t, "guarantor as bank", err, niaga.CodeInvalid)
		f, err := db.RequestFinancing(ctx, w.biz["kalsel1"], d.ID, in)
		if err != nil || f.Status != niaga.FinancingRequested || f.BankName != "Bank Kalsel" || f.GuarantorName != "Jamkrida Jatim" {
			t.Fatal(f, err)
		}
		_, err = db.RequestFinancing(ctx, w.biz["kalsel1"], d.ID, in)
		wantCode(t, "second live request to the bank", err, niaga.CodeConflict)
		f2, err := db.RequestFinancing(ctx, w.biz["jatim1"], d.ID, niaga.NewFinancing{BankID: w.bank2.OrgID, Amount: 100_000_000, TenorMonths: 6})
		if err != nil {
			t.Fatal(err)
		}
		seen := func(a *niaga.Actor) []int64 {
			list, err := db.FinancingRequests(ctx, a, 0)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, x := range list {
				ids = append(ids, x.ID)
			}
			return ids
		}
		if ids := seen(w.bank); len(ids) != 1 || ids[0] != f.ID {
			t.Fatalf("bank sees %v", ids)
		}
		if ids := seen(w.bank2); len(ids) != 1 || ids[0] != f2.ID {
			t.Fatalf("bank 2 sees %v", ids)
		}
		if ids := seen(w.guar); len(ids) != 1 || ids[0] != f.ID {
			t.Fatalf("guarantor sees %v", ids)
		}
		if ids := seen(w.agency); len(ids) != 2 {
			t.Fatalf("agency sees %v", ids)
		}
		if ids := seen(w.outsider); len(ids) != 0 {
			t.Fatalf("outsider sees %v", ids)
		}
		_, err = db.FinancingRequest(ctx, w.bank2, f.ID)
		wantCode(t, "other bank reads", err, niaga.CodeNotFound)
		_, err = db.AnswerFinancing(ctx, w.bank2, f.ID, true, 0, "")
		wantCode(t, "other bank answers", err, niaga.CodeNotFound)
		_, err = db.AnswerFinancing(ctx, w.guar, f.ID, true, 0, "")
		wantCode(t, "guarantor answers", err, niaga.CodeForbidden)
		_, err = db.AnswerFinancing(ctx, w.bank, f.ID, true, f.Amount+1, "")
		wantCode(t, "approve more", err, niaga.CodeInvalid)
		a, err := db.AnswerFinancing(ctx, w.bank, f.ID, true, 750_000_000, "disetujui")
		if err != nil || a.Status != niaga.FinancingApproved || a.ApprovedAmount != 750_000_000 {
			t.Fatal(a, err)
		}
		_, err = db.AnswerFinancing(ctx, w.bank, f.ID, false, 0, "")
		wantCode(t, "answer twice", err, niaga.CodeConflict)
		if x, err := db.WithdrawFinancing(ctx, w.biz["jatim1"], f2.ID); err != nil || x.Status != niaga.FinancingWithdrawn {
			t.Fatal(x, err)
		}

		ag := niaga.Agreement{Kind: niaga.AgreementMoU, Title: "MoU KUMKM Jatim–Kalsel (OPOP)", Sector: "KUMKM", SignedOn: "2022-04-13",
			Parties: []niaga.AgreementParty{{OrgID: w.agency.OrgID}, {Name: "Dinas KUMKM Kalsel"}}}
		wantCode(t, "business signs", db.CreateAgreement(ctx, w.biz["jatim1"], w.mission.ID, &ag), niaga.CodeForbidden)
		wantCode(t, "one party", db.CreateAgreement(ctx, w.agency, w.mission.ID, &niaga.Agreement{Kind: "mou", Title: "x", SignedOn: "2022-04-13", Parties: ag.Parties[:1]}), niaga.CodeInvalid)
		if err := db.CreateAgreement(ctx, w.agency, w.mission.ID, &ag); err != nil {
			t.Fatal(err)
		}
		list, err := db.Agreements(ctx, w.mission.ID)
		if err != nil || len(list) != 1 || list[0].Parties[0].Name != "Disperindag Jatim" || list[0].Parties[1].OrgID != 0 {
			t.Fatalf("%+v %v", list, err)
		}
	})
}

// TestMissionSeatsRefuseDoubleBooking: whatever a scheduler returns, the
// schema refuses a participant in two meetings of one slot and two
// meetings at one table.
func TestMissionSeatsRefuseDoubleBooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		a, b, c := w.part["jatim1"].ID, w.part["kalsel1"].ID, w.part["kalsel2"].ID
		var reqs []int64
		for _, to := range []string{"kalsel1", "kalsel2"} {
			r, err := db.RequestMeeting(ctx, w.biz["jatim1"], w.mission.ID, niaga.NewMeetingRequest{To: w.part[to].ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AnswerMeeting(ctx, w.biz[to], r.ID, true, ""); err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, r.ID)
		}
		day := w.mission.Opens
		// Two slots; schedule nothing real but create them (the scheduler run stores slots).
		if _, err := db.ScheduleMission(ctx, w.agency, w.mission.ID, store.ScheduleParams{SlotMinutes: 30, Tables: 1, Start: day.Add(10 * time.Hour), End: day.Add(11 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs { // clear the scheduler's placement
			if _, err := db.CancelMeeting(ctx, w.agency, r); err != nil {
				t.Fatal(err)
			}
		}
		r1, r2 := reqs[0], reqs[1]
		err := db.PlaceMeetingsForTest(ctx, w.mission.ID, [][3]int64{{r1, 0, 1}, {r2, 0, 2}}, [][3]int64{{0, a, r1}, {0, b, r1}, {0, a, r2}, {0, c, r2}})
		wantCode(t, "one participant, two meetings, one slot", err, niaga.CodeConflict)
		err = db.PlaceMeetingsForTest(ctx, w.mission.ID, [][3]int64{{r1, 0, 1}, {r2, 0, 1}}, nil)
		wantCode(t, "two meetings at one table", err, niaga.CodeConflict)
		if err := db.PlaceMeetingsForTest(ctx, w.mission.ID, [][3]int64{{r1, 0, 1}, {r2, 1, 1}}, [][3]int64{{0, a, r1}, {0, b, r1}, {1, a, r2}, {1, c, r2}}); err != nil {
			t.Fatal(err)
		}
	})
}
