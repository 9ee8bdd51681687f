package store_test

import (
	"context"
	"errors"
	"fmt"
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
		p, err := db.RegisterParticipant(w.ctx, a, w.mission.ID, store.NewParticipant{})
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
	d, _, err := w.db.RecordDeal(w.ctx, by, w.mission.ID, store.NewDeal{SellerID: w.part[seller].ID, BuyerID: w.part[buyer].ID,
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
		_, err = db.RegisterParticipant(ctx, w.outsider, w.mission.ID, store.NewParticipant{})
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
		_, err := db.RegisterParticipant(ctx, w.outsider, w.mission.ID, store.NewParticipant{})
		wantCode(t, "Jateng business joins Jatim–Kalsel", err, niaga.CodeInvalid)
		_, err = db.RegisterParticipant(ctx, w.biz["jatim1"], w.mission.ID, store.NewParticipant{})
		wantCode(t, "twice", err, niaga.CodeConflict)
		_, err = db.RegisterParticipant(ctx, w.biz["jatim1"], w.mission.ID, store.NewParticipant{OrgID: w.biz["kalsel1"].OrgID})
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
		ps, err := db.Participants(ctx, w.mission.ID)
		if err != nil || len(ps) != 4 || ps[0].Delegation != "35" {
			t.Fatal(ps, err)
		}
	})
}

func TestMissionDeals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newTrip(t, db)
		ctx := w.ctx
		_, _, err := db.RecordDeal(ctx, w.agency, w.mission.ID, store.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "deal before opening", err, niaga.CodeMissionNotOpen)
		w.open()
		badDeals := []store.NewDeal{
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
		_, _, err = db.RecordDeal(ctx, w.biz["jatim2"], w.mission.ID, store.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "non-party participant", err, niaga.CodeForbidden)
		_, _, err = db.RecordDeal(ctx, w.outsider, w.mission.ID, store.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "outsider", err, niaga.CodeForbidden)
		_, _, err = db.RecordDeal(ctx, w.bank, w.mission.ID, store.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
		wantCode(t, "bank", err, niaga.CodeForbidden)
		// The desk records any deal; an unverified party is refused.
		d2 := w.deal(w.agency, "kalsel2", "jatim2", "karet", 50_000, 1_000_000_000)
		d3 := w.deal(w.agency, "jatim2", "kalsel1", "gula", 20_000, 300_000_000)
		if _, err := db.VerifyParticipant(ctx, w.agency, w.part["kalsel2"].ID, false); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.RecordDeal(ctx, w.agency, w.mission.ID, store.NewDeal{SellerID: w.part["kalsel2"].ID, BuyerID: w.part["jatim1"].ID, Commodity: "karet", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
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
		_, _, err = db.RecordDeal(ctx, w.agency, w.mission.ID, store.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealPurchase, Quantity: 1, Value: 1})
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
		in := store.NewDeal{SellerID: w.part["jatim1"].ID, BuyerID: w.part["kalsel1"].ID, Commodity: "beras", Kind: niaga.DealContract, Quantity: 10, Value: 119_000, IdempotencyKey: "k-1"}
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
