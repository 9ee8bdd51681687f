package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/store"
	"niaga/web"

	"github.com/xuri/excelize/v2"
)

// missionID finds a demo mission by title.
func (e *env) missionID(title string) int64 {
	e.t.Helper()
	var list []web.MissionOut
	e.call("GET", "/api/v1/missions", "", nil, 200, &list)
	for _, m := range list {
		if m.Title == title {
			return m.ID
		}
	}
	e.t.Fatalf("no mission %q", title)
	return 0
}

// participantOf finds the participant of an organization in a mission.
func (e *env) participantOf(mission int64, orgID int64) niaga.Participant {
	e.t.Helper()
	var ps []niaga.Participant
	e.call("GET", fmt.Sprintf("/api/v1/missions/%d/participants", mission), e.token(demo.Admin), nil, 200, &ps)
	for _, p := range ps {
		if p.OrgID == orgID {
			return p
		}
	}
	e.t.Fatalf("org %d is not in mission %d", orgID, mission)
	return niaga.Participant{}
}

func TestMissionDemoSummary(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		cases := []struct {
			title               string
			total               int64
			display, en         string
			opens, closes, asOf string
			zone                string
			dels                map[string]int64
		}{
			{demo.MissionKalsel, 147_321_766_000, "Rp 147.321.766.000", "IDR 147,321,766,000", "11:00 WITA", "18:30 WITA", "18:30 WITA", "WITA", map[string]int64{"35": 72, "63": 100}},
			{demo.MissionSumsel, 306_548_050_000, "Rp 306.548.050.000", "IDR 306,548,050,000", "13:00 WIB", "19:00 WIB", "18:47 WIB", "WIB", map[string]int64{"35": 46, "16": 115}},
		}
		agency := e.token("jatim@niaga.id")
		for _, c := range cases {
			id := e.missionID(c.title)
			var s web.SummaryOut
			e.call("GET", fmt.Sprintf("/api/v1/missions/%d/summary", id), "", nil, 200, &s) // public
			if s.TotalValue != c.total || s.TotalDisplay != c.display || s.AsOfLocal != c.asOf || s.OpensLocal != c.opens ||
				s.ClosesLocal != c.closes || s.Zone != c.zone || s.Status != niaga.MissionClosed {
				t.Fatalf("%s: total %d %q, as of %q, %q–%q %s", c.title, s.TotalValue, s.TotalDisplay, s.AsOfLocal, s.OpensLocal, s.ClosesLocal, s.Zone)
			}
			for p, n := range c.dels {
				if s.Delegations[p] != n {
					t.Errorf("%s: delegation %s: %d, want %d", c.title, p, s.Delegations[p], n)
				}
			}
			var en web.SummaryOut
			e.call("GET", fmt.Sprintf("/api/v1/missions/%d/summary", id), "", nil, 200, &en, "Accept-Language", "en-US")
			if en.TotalDisplay != c.en {
				t.Errorf("English display %q", en.TotalDisplay)
			}
			// The board's arithmetic against an independent sum over the raw ledger.
			var deals []web.DealOut
			e.call("GET", fmt.Sprintf("/api/v1/missions/%d/deals", id), agency, nil, 200, &deals)
			var sum, count int64
			byCommodity, byFlow, byKind := map[string]int64{}, map[string]int64{}, map[string]int64{}
			for _, d := range deals {
				sum += d.Value
				count++
				byCommodity[d.Commodity] += d.Value
				byFlow[d.SellerProvince+">"+d.BuyerProvince] += d.Value
				byKind[string(d.Kind)] += d.Value
			}
			if sum != c.total || count != s.Count {
				t.Fatalf("%s: ledger sums to %d over %d deals; board says %d over %d", c.title, sum, count, s.TotalValue, s.Count)
			}
			check := func(what string, groups []web.BoardTotal, want map[string]int64) {
				var total int64
				for _, g := range groups {
					total += g.Value
					if g.Value != want[g.Key] {
						t.Errorf("%s %s: %d, want %d", what, g.Key, g.Value, want[g.Key])
					}
				}
				if total != sum || len(groups) != len(want) {
					t.Errorf("%s: groups sum to %d over %d, want %d over %d", what, total, len(groups), sum, len(want))
				}
			}
			check("commodity", s.ByCommodity, byCommodity)
			check("kind", s.ByKind, byKind)
			var flows int64
			for _, f := range s.ByDirection {
				flows += f.Value
				if f.Value != byFlow[f.From+">"+f.To] {
					t.Errorf("flow %s→%s: %d", f.From, f.To, f.Value)
				}
			}
			if flows != sum || len(s.ByDirection) != 2 {
				t.Errorf("directions %+v", s.ByDirection)
			}
			if len(s.Latest) != 10 || s.Latest[0].RecordedLocal != c.asOf {
				t.Errorf("latest deals: %d, newest at %q", len(s.Latest), s.Latest[0].RecordedLocal)
			}
		}
		// The first hour at Banjarmasin: Rp 1,3 miliar (seed 001).
		var deals []web.DealOut
		e.call("GET", fmt.Sprintf("/api/v1/missions/%d/deals", e.missionID(demo.MissionKalsel)), agency, nil, 200, &deals)
		var hour int64
		for _, d := range deals {
			if d.RecordedLocal < "12:00 WITA" {
				hour += d.Value
			}
		}
		if hour != 1_300_000_000 {
			t.Errorf("first hour %s", niaga.FormatRupiah(hour, "id"))
		}
		// History: per year and cumulative; Jatim's partners.
		var h web.MissionHistoryOut
		e.call("GET", "/api/v1/missions/history?province=35", "", nil, 200, &h)
		if len(h.ByYear) < 3 || h.ByYear[0].Year != 2020 || h.ByYear[0].Value != 306_548_050_000 || h.ByYear[1].Year != 2022 ||
			h.ByYear[1].Cumulative != 306_548_050_000+147_321_766_000 || h.Count != 3 {
			t.Fatalf("history %+v", h.ByYear)
		}
		partners := map[string]store.PartnerTotal{}
		for _, p := range h.ByPartner {
			partners[p.Province] = p
		}
		if partners["16"].Value != 306_548_050_000 || partners["63"].Missions != 2 {
			t.Errorf("partners %+v", h.ByPartner)
		}
		e.problem("GET", "/api/v1/missions/history?province=99", "", nil, 400, "invalid")
		e.problem("GET", "/api/v1/missions/424242/summary", "", nil, 404, "not_found")
	})
}

func TestMissionTimeZones(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.token(demo.Admin)
		jatim := e.Data.Orgs["disperindag_jatim"].ID
		for _, c := range []struct {
			host, zone string
			utc        string
		}{
			{"63", "WITA", "2026-03-10T01:00:00Z"}, // Banjarmasin, UTC+8
			{"16", "WIB", "2026-03-10T02:00:00Z"},  // Palembang, UTC+7
			{"61", "WIB", "2026-03-10T02:00:00Z"},  // Pontianak, UTC+7
			{"91", "WIT", "2026-03-10T00:00:00Z"},  // Jayapura, UTC+9
		} {
			var m web.MissionOut
			e.call("POST", "/api/v1/missions", admin, map[string]any{"title": "Misi " + c.host, "host_province": c.host, "guest_provinces": []string{"35"},
				"venue": "Hotel", "agency_id": jatim, "date": "2026-03-10", "opens": "09:00", "closes": "17:30", "target_value": 1_000_000}, 201, &m)
			if m.Zone != c.zone || m.OpensLocal != "09:00 "+c.zone || m.ClosesLocal != "17:30 "+c.zone || m.Opens.Format(time.RFC3339) != c.utc || m.DateLocal != "2026-03-10" {
				t.Errorf("%s: %s %s–%s, opens %s (want %s)", c.host, m.Zone, m.OpensLocal, m.ClosesLocal, m.Opens.Format(time.RFC3339), c.utc)
			}
			var s web.SummaryOut
			e.call("GET", fmt.Sprintf("/api/v1/missions/%d/summary", m.ID), "", nil, 200, &s)
			if s.OpensLocal != "09:00 "+c.zone || s.AsOfLocal != "09:00 "+c.zone || !strings.HasSuffix(s.NowLocal, " "+c.zone) || s.TotalDisplay != "Rp 0" {
				t.Errorf("%s summary: %+v", c.host, s)
			}
		}
		// Bad times and an agency outside the mission's provinces.
		e.problem("POST", "/api/v1/missions", admin, map[string]any{"title": "X", "host_province": "63", "guest_provinces": []string{"35"}, "venue": "V",
			"date": "13-04-2022", "opens": "25:00", "closes": "18:30", "target_value": 0}, 400, "invalid")
		kalsel := e.token("kalsel@niaga.id")
		e.problem("POST", "/api/v1/missions", kalsel, map[string]any{"title": "X", "host_province": "16", "guest_provinces": []string{"35"}, "venue": "V",
			"date": "2026-03-10", "opens": "09:00", "closes": "10:00", "target_value": 0}, 400, "invalid")
		e.problem("POST", "/api/v1/missions", e.token("banua@niaga.id"), map[string]any{}, 403, "forbidden")
	})
}

func TestMissionDealsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		base := fmt.Sprintf("/api/v1/missions/%d", id)
		surabaya := e.participantOf(id, e.Data.Orgs["grosir_surabaya"].ID)
		banua := e.participantOf(id, e.Data.Orgs["pasar_banjarmasin"].ID)
		var before web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &before)
		if before.Status != niaga.MissionOpen || before.Count == 0 || before.Zone != "WIB" {
			t.Fatalf("today's board %+v", before)
		}
		deal := map[string]any{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "contract", "quantity": 150_000, "value": 1_785_000_000}
		seller := e.token("pembeli2@niaga.id") // CV Sumber Rejeki Surabaya
		// Permissions: a business of no mission, a business of another mission, a bank, the public.
		e.problem("POST", base+"/deals", e.token("pembeli@niaga.id"), deal, 403, "forbidden")
		e.problem("POST", base+"/deals", e.token(demo.UMKMKalsel), deal, 403, "forbidden")
		e.problem("POST", base+"/deals", e.token("bank@niaga.id"), deal, 403, "forbidden")
		e.problem("POST", base+"/deals", "", deal, 401, "unauthorized")
		// Bad values.
		for _, bad := range []map[string]any{
			{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "purchase", "quantity": -1, "value": 1},
			{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "purchase", "quantity": 1, "value": 0},
			{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "purchase", "quantity": 1, "value": "9223372036854775808"},
			{"seller_id": surabaya.ID, "buyer_id": surabaya.ID, "commodity": "beras", "kind": "purchase", "quantity": 1, "value": 1},
			{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "barter", "quantity": 1, "value": 1},
		} {
			e.problem("POST", base+"/deals", seller, bad, 400, "invalid")
		}

		// Idempotent retry: the same key returns the first deal, never a second.
		var first, again web.DealOut
		b1 := e.call("POST", base+"/deals", seller, deal, 201, &first, "Idempotency-Key", "desk-7f3a")
		res, b2 := e.raw("POST", base+"/deals", seller, "application/json", mustJSON(t, deal), "Idempotency-Key", "desk-7f3a")
		if res.StatusCode != 201 || res.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(b1, b2) {
			t.Fatalf("retry: %d %q\n%s\n%s", res.StatusCode, res.Header.Get("Idempotent-Replayed"), b1, b2)
		}
		json.Unmarshal(b2, &again)
		changed := map[string]any{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "contract", "quantity": 150_000, "value": 1}
		res, b := e.raw("POST", base+"/deals", seller, "application/json", mustJSON(t, changed), "Idempotency-Key", "desk-7f3a")
		e.checkProblem("reused key", res, b, 409, "conflict")
		var after web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &after)
		if after.TotalValue != before.TotalValue+1_785_000_000 || after.Count != before.Count+1 || after.Latest[0].ID != first.ID {
			t.Fatalf("after one deal (sent twice): %d/%d, was %d/%d", after.TotalValue, after.Count, before.TotalValue, before.Count)
		}
		if first.RecordedLocal == "" || !strings.HasSuffix(first.RecordedLocal, " WIB") || first.ValueDisplay != "Rp 1.785.000.000" {
			t.Errorf("deal display %+v", first)
		}

		// Correction by a reversing entry: nets to zero, the original stays as it was.
		desk := e.token("jatim@niaga.id")
		e.problem("POST", fmt.Sprintf("/api/v1/deals/%d/reverse", first.ID), e.token("banua@niaga.id"), map[string]string{"reason": "x"}, 403, "forbidden")
		var rev web.DealOut
		e.call("POST", fmt.Sprintf("/api/v1/deals/%d/reverse", first.ID), desk, map[string]string{"reason": "volume salah ketik"}, 201, &rev)
		if rev.Reverses != first.ID || rev.Value != -first.Value || rev.Quantity != -first.Quantity {
			t.Fatalf("reversal %+v", rev)
		}
		var orig web.DealOut
		e.call("GET", fmt.Sprintf("/api/v1/deals/%d", first.ID), desk, nil, 200, &orig)
		if orig.Value != first.Value || orig.Quantity != first.Quantity || !orig.RecordedAt.Equal(first.RecordedAt) || orig.ReversedBy != rev.ID {
			t.Fatalf("original changed: %+v", orig)
		}
		e.problem("POST", fmt.Sprintf("/api/v1/deals/%d/reverse", first.ID), desk, map[string]string{"reason": "lagi"}, 409, "conflict")
		e.problem("GET", fmt.Sprintf("/api/v1/deals/%d", first.ID), e.token("pembeli@niaga.id"), nil, 404, "not_found")
		e.call("GET", base+"/summary", "", nil, 200, &after)
		if after.TotalValue != before.TotalValue || after.Count != before.Count {
			t.Fatalf("after reversal: %d/%d, want %d/%d", after.TotalValue, after.Count, before.TotalValue, before.Count)
		}
		// Validation by the appointed validator (BI), not by a participant.
		var d2 web.DealOut
		e.call("POST", base+"/deals", desk, map[string]any{"seller_id": banua.ID, "buyer_id": surabaya.ID, "commodity": "karet", "kind": "purchase", "quantity": 10_000, "value": 210_000_000}, 201, &d2)
		e.problem("POST", fmt.Sprintf("/api/v1/deals/%d/validate", d2.ID), e.token("banua@niaga.id"), map[string]string{"status": "validated"}, 403, "forbidden")
		e.problem("POST", fmt.Sprintf("/api/v1/deals/%d/validate", d2.ID), e.token("kalsel@niaga.id"), map[string]string{"status": "validated"}, 403, "forbidden")
		var v web.DealOut
		e.call("POST", fmt.Sprintf("/api/v1/deals/%d/validate", d2.ID), e.token(demo.Validator), map[string]string{"status": "validated", "note": "sesuai"}, 200, &v)
		if v.Validation != "validated" {
			t.Fatal(v)
		}
		// Follow-up after the event: realized against committed.
		e.call("POST", fmt.Sprintf("/api/v1/deals/%d/realizations", d2.ID), e.token("banua@niaga.id"), map[string]any{"amount": 105_000_000, "note": "DP 50%"}, 201, nil)
		var f web.FollowUpOut
		e.call("GET", base+"/followup", e.token("banua@niaga.id"), nil, 200, &f)
		var mine *store.DealFollowUp
		for i := range f.Deals {
			if f.Deals[i].ID == d2.ID {
				mine = &f.Deals[i]
			}
		}
		if mine == nil || mine.Realized != 105_000_000 || mine.Outstanding != 105_000_000 {
			t.Fatalf("follow-up %+v", f)
		}
		// Closed: no more deals.
		e.call("POST", base+"/status", desk, map[string]string{"status": "closed"}, 200, nil)
		e.problem("POST", base+"/deals", desk, deal, 422, "mission_not_open")
		e.problem("POST", base+"/status", desk, map[string]string{"status": "open"}, 409, "conflict")
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMissionStreamAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		base := fmt.Sprintf("/api/v1/missions/%d", id)
		surabaya := e.participantOf(id, e.Data.Orgs["grosir_surabaya"].ID)
		banua := e.participantOf(id, e.Data.Orgs["pasar_banjarmasin"].ID)
		desk := e.token("jatim@niaga.id")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		open := func(last string) (*bufio.Scanner, func()) {
			req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+base+"/stream", nil)
			if last != "" {
				req.Header.Set("Last-Event-ID", last)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			return bufio.NewScanner(res.Body), func() { res.Body.Close() }
		}
		// next reads frames until a deal event and returns its id and payload.
		next := func(sc *bufio.Scanner) (string, store.DealEvent) {
			var id, kind string
			for sc.Scan() {
				line := sc.Text()
				switch {
				case strings.HasPrefix(line, "id: "):
					id = line[4:]
				case strings.HasPrefix(line, "event: "):
					kind = line[7:]
				case strings.HasPrefix(line, "data: ") && kind == "deal":
					var ev store.DealEvent
					if err := json.Unmarshal([]byte(line[6:]), &ev); err != nil {
						t.Fatal(err)
					}
					return id, ev
				}
			}
			t.Fatalf("stream ended: %v", sc.Err())
			return "", store.DealEvent{}
		}
		sc, done := open("")
		deal := func(value int64) web.DealOut {
			var d web.DealOut
			e.call("POST", base+"/deals", desk, map[string]any{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "gula", "kind": "purchase", "quantity": value / 14_000, "value": value}, 201, &d)
			return d
		}
		var before web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &before)
		d1 := deal(140_000_000)
		id1, ev1 := next(sc)
		if ev1.Deal.ID != d1.ID || ev1.TotalValue != before.TotalValue+140_000_000 || ev1.Count != before.Count+1 {
			t.Fatalf("event %s: %+v", id1, ev1)
		}
		done()
		// While disconnected two more deals happen; resuming after id1 gets exactly them.
		d2, d3 := deal(28_000_000), deal(14_000_000)
		sc, done = open(id1)
		defer done()
		id2, ev2 := next(sc)
		id3, ev3 := next(sc)
		if ev2.Deal.ID != d2.ID || ev3.Deal.ID != d3.ID || id2 <= id1 || ev3.TotalValue != before.TotalValue+182_000_000 {
			t.Fatalf("resumed: %s %+v, %s %+v", id2, ev2.Deal, id3, ev3.Deal)
		}
		e.problem("GET", "/api/v1/missions/424242/stream", "", nil, 404, "not_found")
	})
}

func TestMissionMatchmakingAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		base := fmt.Sprintf("/api/v1/missions/%d", id)
		surabaya := e.participantOf(id, e.Data.Orgs["grosir_surabaya"].ID)
		banua := e.participantOf(id, e.Data.Orgs["pasar_banjarmasin"].ID)
		buyer := e.token("banua@niaga.id")
		var ms []web.MissionMatchOut
		e.call("GET", base+"/matches", buyer, nil, 200, &ms)
		if len(ms) == 0 {
			t.Fatal("no suggestions")
		}
		var pair *web.MissionMatchOut
		for i := range ms {
			if ms[i].Buyer != banua.ID && ms[i].Seller != banua.ID {
				t.Fatalf("banua sees another's pair %+v", ms[i])
			}
			if ms[i].Buyer == banua.ID && ms[i].Seller == surabaya.ID && ms[i].Explanation.Commodity == "beras" {
				pair = &ms[i]
			}
		}
		if pair == nil || pair.Score != 93 || pair.Text != "butuh 200 t Beras medium (≤ Rp 12.000/kg); menawarkan 150 t/bulan @ Rp 11.900/kg" {
			t.Fatalf("the beras pair: %+v", pair)
		}
		e.call("GET", base+"/matches", buyer, nil, 200, &ms, "Accept-Language", "en")
		for _, m := range ms {
			if m.NeedID == pair.NeedID && m.OfferID == pair.OfferID && m.Text != "needs 200 t Rice medium (≤ IDR 12,000/kg); offers 150 t/month at IDR 11,900/kg" {
				t.Errorf("English: %q", m.Text)
			}
		}
		var all []web.MissionMatchOut
		e.call("GET", base+"/matches?min_score=50", e.token("jatim@niaga.id"), nil, 200, &all)
		if len(all) <= len(ms) {
			t.Errorf("staff see %d suggestions, a participant %d", len(all), len(ms))
		}
		for i, m := range all {
			if m.Score < 50 || (i > 0 && m.Score > all[i-1].Score) || m.BuyerDelegation == m.SellerDelegation {
				t.Fatalf("suggestion %d: %+v", i, m)
			}
		}
		e.problem("GET", base+"/matches", e.token("pembeli@niaga.id"), nil, 403, "forbidden")
		e.problem("GET", base+"/matches?min_score=200", buyer, nil, 400, "invalid")

		// Meeting requests: banua asks a Jatim business; the desk answers for it.
		var ps []niaga.Participant
		e.call("GET", base+"/participants", buyer, nil, 200, &ps)
		var other niaga.Participant
		for _, p := range ps {
			if p.Delegation == "35" && p.ID != surabaya.ID {
				other = p
				break
			}
		}
		var r store.MeetingRequest
		e.call("POST", base+"/meetings", buyer, map[string]any{"to_participant": other.ID, "message": "Bisa bertemu jam 14?"}, 201, &r)
		if r.Status != "pending" || r.From != banua.ID || !r.ExpiresAt.After(time.Now()) {
			t.Fatalf("%+v", r)
		}
		e.problem("POST", base+"/meetings", buyer, map[string]any{"to_participant": other.ID}, 409, "conflict")
		e.problem("POST", fmt.Sprintf("/api/v1/meetings/%d/answer", r.ID), buyer, map[string]any{"accept": true}, 403, "forbidden")
		e.call("POST", fmt.Sprintf("/api/v1/meetings/%d/answer", r.ID), e.token("jatim@niaga.id"), map[string]any{"accept": true, "answer": "Silakan"}, 200, &r)
		if r.Status != "accepted" {
			t.Fatal(r.Status)
		}
		// Unavailability and the scheduler: 20-minute slots, two tables, lunch break.
		var spans []niaga.TimeSpan
		e.call("PUT", fmt.Sprintf("/api/v1/participants/%d/unavailability", banua.ID), buyer, map[string]any{"ranges": []map[string]string{}}, 200, &spans)
		e.problem("PUT", fmt.Sprintf("/api/v1/participants/%d/unavailability", surabaya.ID), buyer, map[string]any{"ranges": []map[string]string{}}, 403, "forbidden")
		var mission web.MissionOut
		e.call("GET", base, "", nil, 200, &mission)
		loc := mission.Location()
		clock := func(d time.Duration) string { return mission.Opens.Add(d).In(loc).Format("15:04") }
		desk := e.token("jatim@niaga.id")
		var s web.MeetingScheduleOut
		e.call("POST", base+"/schedule", desk, map[string]any{"slot_minutes": 20, "tables": 2, "start": clock(0), "end": clock(2 * time.Hour),
			"breaks": []map[string]string{{"start": clock(time.Hour), "end": clock(80 * time.Minute)}}}, 200, &s)
		if len(s.Slots) != 5 || s.Scheduled != 4 || len(s.Unscheduled) != 0 {
			t.Fatalf("schedule: %d slots, %d scheduled, unscheduled %+v", len(s.Slots), s.Scheduled, s.Unscheduled)
		}
		if s.Slots[3].StartLocal != clock(80*time.Minute)+" WIB" {
			t.Errorf("slot after the break starts %s", s.Slots[3].StartLocal)
		}
		e.problem("POST", base+"/schedule", buyer, map[string]any{"slot_minutes": 20, "tables": 2}, 403, "forbidden")
		var stored web.MeetingScheduleOut
		e.call("GET", base+"/schedule", desk, nil, 200, &stored)
		seats := map[[2]int64]bool{}
		for _, sl := range stored.Slots {
			tables := 0
			for _, m := range sl.Meetings {
				for _, p := range []int64{m.A, m.B} {
					if seats[[2]int64{int64(sl.Index), p}] {
						t.Fatalf("participant %d double-booked in slot %d", p, sl.Index)
					}
					seats[[2]int64{int64(sl.Index), p}] = true
				}
				if m.Table > 0 {
					tables++
				}
			}
			if tables > 2 {
				t.Fatalf("slot %d has %d meetings at 2 tables", sl.Index, tables)
			}
		}
		e.problem("GET", base+"/schedule", buyer, nil, 403, "forbidden")
		var ag web.AgendaOut
		e.call("GET", fmt.Sprintf("/api/v1/participants/%d/agenda", banua.ID), buyer, nil, 200, &ag)
		if len(ag.Items) != 2 || ag.Zone != "WIB" || !strings.HasSuffix(ag.Items[0].StartLocal, " WIB") || ag.Items[0].CounterpartName == "" {
			t.Fatalf("agenda %+v", ag)
		}
		e.problem("GET", fmt.Sprintf("/api/v1/participants/%d/agenda", surabaya.ID), buyer, nil, 403, "forbidden")
	})
}

func TestMissionFinancingAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		kalselBank, jatimBank := e.token("bank@niaga.id"), e.token(demo.BankJatim)
		var seen []niaga.FinancingRequest
		e.call("GET", "/api/v1/financing", kalselBank, nil, 200, &seen)
		if len(seen) != 1 || seen[0].BankName != "Bank Kalsel" || seen[0].GuarantorName != "Jamkrida Jatim" {
			t.Fatalf("Bank Kalsel sees %+v", seen)
		}
		demoReq := seen[0]
		e.call("GET", "/api/v1/financing", jatimBank, nil, 200, &seen)
		if len(seen) != 0 {
			t.Fatalf("Bank Jatim sees %+v", seen)
		}
		e.call("GET", "/api/v1/financing", e.token(demo.Jamkrida), nil, 200, &seen)
		if len(seen) != 1 {
			t.Fatalf("the guarantor sees %d", len(seen))
		}
		e.problem("GET", fmt.Sprintf("/api/v1/financing/%d", demoReq.ID), jatimBank, nil, 404, "not_found")
		e.problem("POST", fmt.Sprintf("/api/v1/financing/%d/answer", demoReq.ID), jatimBank, map[string]any{"approve": true}, 404, "not_found")
		e.problem("POST", fmt.Sprintf("/api/v1/financing/%d/answer", demoReq.ID), e.token(demo.Jamkrida), map[string]any{"approve": true}, 403, "forbidden")
		e.problem("POST", fmt.Sprintf("/api/v1/financing/%d/answer", demoReq.ID), e.token("jatim@niaga.id"), map[string]any{"approve": true}, 403, "forbidden")
		var ans niaga.FinancingRequest
		e.call("POST", fmt.Sprintf("/api/v1/financing/%d/answer", demoReq.ID), kalselBank, map[string]any{"approve": true, "answer": "Disetujui, akad minggu depan"}, 200, &ans)
		if ans.Status != niaga.FinancingApproved || ans.ApprovedAmount != demoReq.Amount {
			t.Fatal(ans)
		}
		e.problem("POST", fmt.Sprintf("/api/v1/financing/%d/answer", demoReq.ID), kalselBank, map[string]any{"approve": false}, 409, "conflict")
		// A participant asks Bank Jatim; only Bank Jatim sees it.
		surabaya := e.participantOf(id, e.Data.Orgs["grosir_surabaya"].ID)
		banua := e.participantOf(id, e.Data.Orgs["pasar_banjarmasin"].ID)
		var d web.DealOut
		e.call("POST", fmt.Sprintf("/api/v1/missions/%d/deals", id), e.token("banua@niaga.id"),
			map[string]any{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "purchase", "quantity": 50_000, "value": 595_000_000}, 201, &d)
		var fr niaga.FinancingRequest
		e.call("POST", fmt.Sprintf("/api/v1/deals/%d/financing", d.ID), e.token("banua@niaga.id"),
			map[string]any{"bank_id": e.Data.Orgs["bank_jatim"].ID, "amount": 400_000_000, "tenor_months": 6, "purpose": "modal kerja"}, 201, &fr)
		e.problem("POST", fmt.Sprintf("/api/v1/deals/%d/financing", d.ID), e.token("pembeli@niaga.id"),
			map[string]any{"bank_id": e.Data.Orgs["bank_jatim"].ID, "amount": 1, "tenor_months": 6}, 403, "forbidden")
		e.call("GET", "/api/v1/financing", jatimBank, nil, 200, &seen)
		if len(seen) != 1 || seen[0].ID != fr.ID {
			t.Fatalf("Bank Jatim sees %+v", seen)
		}
		e.call("GET", "/api/v1/financing", kalselBank, nil, 200, &seen)
		for _, x := range seen {
			if x.ID == fr.ID {
				t.Fatal("Bank Kalsel sees a request addressed to Bank Jatim")
			}
		}
		e.call("POST", fmt.Sprintf("/api/v1/financing/%d/answer", fr.ID), jatimBank, map[string]any{"approve": false, "answer": "Agunan kurang"}, 200, &ans)
		if ans.Status != niaga.FinancingDeclined {
			t.Fatal(ans)
		}
		// Agreements are public; only the running agency records them.
		var ags []niaga.Agreement
		e.call("GET", fmt.Sprintf("/api/v1/missions/%d/agreements", e.missionID(demo.MissionSumsel)), "", nil, 200, &ags)
		if len(ags) != 4 || ags[3].Parties[0].Name != "Jamkrida Jatim" {
			t.Fatalf("Sumsel agreements %+v", ags)
		}
		mou := map[string]any{"kind": "mou", "title": "MoU perdagangan beras", "sector": "Pangan", "signed_on": "2026-03-10",
			"parties": []map[string]any{{"org_id": e.Data.Orgs["disperindag_jatim"].ID}, {"org_id": e.Data.Orgs["disperindag_kalsel"].ID}}}
		e.problem("POST", fmt.Sprintf("/api/v1/missions/%d/agreements", id), e.token("kalsel@niaga.id"), mou, 403, "forbidden")
		e.call("POST", fmt.Sprintf("/api/v1/missions/%d/agreements", id), e.token("jatim@niaga.id"), mou, 201, nil)
	})
}

// xlsx builds a workbook with one sheet of rows.
func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMissionImportAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		desk := e.token("jatim@niaga.id")
		var m web.MissionOut
		e.call("POST", "/api/v1/missions", desk, map[string]any{"title": "Misi Dagang Jatim–Sulsel", "host_province": "73", "guest_provinces": []string{"35"},
			"venue": "Makassar", "date": "2026-06-17", "opens": "09:00", "closes": "16:00", "target_value": 50_000_000_000}, 201, &m)
		base := fmt.Sprintf("/api/v1/missions/%d/import/", m.ID)
		participants := func() int {
			var ps []niaga.Participant
			e.call("GET", fmt.Sprintf("/api/v1/missions/%d/participants", m.ID), desk, nil, 200, &ps)
			return len(ps)
		}
		rejected := func(what string, res *http.Response, b []byte, want [][2]any) {
			t.Helper()
			e.checkProblem(what, res, b, 422, "import_rejected")
			var p web.ImportProblem
			json.Unmarshal(b, &p)
			if len(p.Rows) != len(want) {
				t.Fatalf("%s: rows %+v, want %v", what, p.Rows, want)
			}
			for i, w := range want {
				if p.Rows[i].Row != w[0] || p.Rows[i].Field != w[1] || p.Rows[i].Reason == "" {
					t.Errorf("%s: error %d = %+v, want row %v field %v", what, i, p.Rows[i], w[0], w[1])
				}
			}
		}
		// CSV with a semicolon, Indonesian headers, a blank line and three bad rows.
		csvBad := "Nama Usaha;Delegasi;Kontak\nUD Daeng Makmur;Sulawesi Selatan;0811\nCV Maju Bone;Jawa Tengah;\n\n;73;\nUD Daeng Makmur;73;\n"
		res, b := e.raw("POST", base+"participants", desk, "text/csv", []byte(csvBad))
		rejected("csv", res, b, [][2]any{{3, "delegation"}, {5, "organization"}, {6, "organization"}})
		if n := participants(); n != 0 {
			t.Fatalf("a rejected import wrote %d participants", n)
		}
		// XLSX with a bad header column and a bad row.
		book := xlsx(t, [][]any{{"organization", "delegation", "owner"}, {"PT Gowa Pangan", "73"}, {"CV Tanpa Provinsi", "Atlantis"}})
		res, b = e.raw("POST", base+"participants", desk, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", book)
		rejected("xlsx header", res, b, [][2]any{{1, "owner"}})
		book = xlsx(t, [][]any{{"organization", "delegation"}, {"PT Gowa Pangan", "73"}, {"CV Tanpa Provinsi", "Atlantis"}, {"UD Surabaya Jaya", 35}})
		res, b = e.raw("POST", base+"participants", desk, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", book)
		rejected("xlsx", res, b, [][2]any{{3, "delegation"}})
		if n := participants(); n != 0 {
			t.Fatalf("a rejected import wrote %d participants", n)
		}
		// Only the running agency imports; a business may not, the public even less.
		res, b = e.raw("POST", base+"participants", e.token("banua@niaga.id"), "text/csv", []byte(csvBad))
		e.checkProblem("business", res, b, 403, "forbidden")
		res, b = e.raw("POST", base+"participants", e.token("kalsel@niaga.id"), "text/csv", []byte("organization,delegation\nX,73\n"))
		e.checkProblem("another agency", res, b, 403, "forbidden")
		res, b = e.raw("POST", base+"participants", desk, "application/pdf", []byte("%PDF"))
		e.checkProblem("pdf", res, b, 415, "unsupported_media_type")

		// Good files: a dry run writes nothing; then CSV and XLSX (multipart) import.
		good := "organization,delegation,contact\nUD Daeng Makmur,Sulawesi Selatan,0811\nCV Maju Bone,73,\nUD Surabaya Jaya,35,\n"
		var ir store.ImportResult
		res, b = e.raw("POST", base+"participants?dry_run=true", desk, "text/csv", []byte(good))
		if json.Unmarshal(b, &ir); res.StatusCode != 200 || !ir.DryRun || ir.Imported != 3 || participants() != 0 {
			t.Fatalf("dry run %d %s", res.StatusCode, b)
		}
		res, b = e.raw("POST", base+"participants", desk, "text/csv", []byte(good))
		if json.Unmarshal(b, &ir); res.StatusCode != 200 || ir.Imported != 3 || participants() != 3 {
			t.Fatalf("import %d %s", res.StatusCode, b)
		}
		offers := xlsx(t, [][]any{{"organization", "commodity", "grade", "monthly_capacity", "price"},
			{"UD Surabaya Jaya", "beras", "medium", 150000, 11900}, {"CV Maju Bone", "Ikan Segar", "A", 20000, 35000}})
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "potensi.xlsx")
		fw.Write(offers)
		mw.Close()
		res, b = e.raw("POST", base+"offers", desk, mw.FormDataContentType(), body.Bytes())
		if json.Unmarshal(b, &ir); res.StatusCode != 200 || ir.Imported != 2 {
			t.Fatalf("offers %d %s", res.StatusCode, b)
		}
		needs := xlsx(t, [][]any{{"organization", "commodity", "grade", "volume", "target_price"},
			{"UD Daeng Makmur", "beras", "medium", 200000, 12000}, {"UD Daeng Makmur", "beras", "medium", -3, 12000}})
		res, b = e.raw("POST", base+"needs", desk, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", needs)
		rejected("needs", res, b, [][2]any{{3, "volume"}})
		var listed []niaga.MissionNeed
		e.call("GET", fmt.Sprintf("/api/v1/missions/%d/needs", m.ID), desk, nil, 200, &listed)
		if len(listed) != 0 {
			t.Fatalf("needs written by a rejected import: %+v", listed)
		}
	})
}
