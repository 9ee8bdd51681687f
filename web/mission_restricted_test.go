package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/demo"
	"niaga/web"
)

// readStream opens an event stream from the start (last_event_id=0) and
// returns everything it sent up to and including the first data line that
// contains stop.
func (e *env) readStream(path, token, stop string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+path+"?last_event_id=0", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		e.t.Fatalf("%s: status %d", path, res.StatusCode)
	}
	var b strings.Builder
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "data: ") && strings.Contains(sc.Text(), stop) {
			return b.String()
		}
	}
	e.t.Fatalf("%s: stream ended before %q: %v", path, stop, sc.Err())
	return ""
}

// TestMissionPublicPathsHideLedger: a deal's note, its validation note, a
// reversal's reason and who recorded them are in the ledger only. The
// public stream, the summary and the board (as anonymous and as a business,
// participant or not) carry none of them; the staff stream carries them,
// and only the mission's staff may follow it.
func TestMissionPublicPathsHideLedger(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		base := fmt.Sprintf("/api/v1/missions/%d", id)
		seller := e.participantOf(id, e.Data.Orgs["grosir_surabaya"].ID)
		buyer := e.participantOf(id, e.Data.Orgs["pasar_banjarmasin"].ID)
		desk := e.token("jatim@niaga.id")
		const note, valNote, reason = "NOTE-SECRET-7f3a", "VALNOTE-SECRET-2b8c", "REASON-SECRET-9c1d"
		var kept, wrong, rev web.DealOut
		e.call("POST", base+"/deals", desk, map[string]any{"seller_id": seller.ID, "buyer_id": buyer.ID, "commodity": "gula", "kind": "purchase",
			"quantity": 10_000, "value": 140_000_000, "note": note}, 201, &kept)
		e.call("POST", fmt.Sprintf("/api/v1/deals/%d/validate", kept.ID), e.token(demo.Validator), map[string]string{"status": "disputed", "note": valNote}, 200, nil)
		e.call("POST", base+"/deals", desk, map[string]any{"seller_id": seller.ID, "buyer_id": buyer.ID, "commodity": "beras", "kind": "contract",
			"quantity": 20_000, "value": 236_000_000, "note": note + "-2"}, 201, &wrong)
		e.call("POST", fmt.Sprintf("/api/v1/deals/%d/reverse", wrong.ID), desk, map[string]string{"reason": reason}, 201, &rev)
		stop := fmt.Sprintf(`"id":%d,`, rev.ID) // the reversing entry is the newest event

		secrets := []string{note, valNote, reason, `"recorded_by"`, `"recorded_org"`, `"validated_by"`, `"validation_note"`, `"reason"`, `"note"`, `"disputed"`}
		clean := func(what, body string) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s carries %s", what, s)
				}
			}
		}
		// Anonymous, a participant business, a business outside the mission.
		for _, who := range []string{"", "pembeli2@niaga.id", "pembeli@niaga.id"} {
			tok := ""
			if who != "" {
				tok = e.token(who)
			}
			body := e.readStream(base+"/stream", tok, stop)
			if !strings.Contains(body, "event: deal") || !strings.Contains(body, `"total_value"`) || !strings.Contains(body, "event: validation") {
				t.Fatalf("public stream (%q) lacks the board's events:\n%s", who, body)
			}
			clean("public stream as "+who, body)
			_, b := e.raw("GET", base+"/summary", tok, "", nil)
			if !strings.Contains(string(b), fmt.Sprintf(`"id":%d,`, rev.ID)) {
				t.Fatalf("summary lacks the latest entries: %s", b)
			}
			clean("summary as "+who, string(b))
			_, b = e.raw("GET", fmt.Sprintf("/missions/%d/board", id), tok, "", nil)
			clean("board page as "+who, string(b))
			_, b = e.raw("GET", fmt.Sprintf("/missions/%d/board/data", id), tok, "", nil)
			clean("board data as "+who, string(b))
		}

		// The staff stream has the whole entries.
		for _, who := range []string{"jatim@niaga.id", demo.Validator, demo.Admin} {
			body := e.readStream(base+"/staff/stream", e.token(who), stop)
			for _, s := range []string{note, valNote, reason, `"recorded_by"`} {
				if !strings.Contains(body, s) {
					t.Errorf("staff stream as %s lacks %s", who, s)
				}
			}
		}
		e.problem("GET", base+"/staff/stream", "", nil, 401, "unauthorized")
		for _, who := range []string{"pembeli2@niaga.id", "pembeli@niaga.id", "kalsel@niaga.id", "bank@niaga.id"} {
			e.problem("GET", base+"/staff/stream", e.token(who), nil, 403, "forbidden")
		}
		e.problem("GET", "/api/v1/missions/424242/staff/stream", desk, nil, 404, "not_found")
	})
}

// TestMissionParticipantContacts: contacts (phone numbers) go to the
// mission's staff and to each participant for itself, to nobody else.
func TestMissionParticipantContacts(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		path := fmt.Sprintf("/api/v1/missions/%d/participants", id)
		surabaya, banua := e.Data.Orgs["grosir_surabaya"].ID, e.Data.Orgs["pasar_banjarmasin"].ID
		const surabayaPhone, banuaPhone = "031-555-0101", "0511-555-0202"
		list := func(who string) ([]niaga.Participant, string) {
			var ps []niaga.Participant
			b := e.call("GET", path, e.token(who), nil, 200, &ps)
			if len(ps) < 22 {
				t.Fatalf("%s sees %d participants", who, len(ps))
			}
			return ps, string(b)
		}
		for _, who := range []string{demo.Admin, "jatim@niaga.id", demo.Validator} { // staff: every contact
			ps, body := list(who)
			if !strings.Contains(body, surabayaPhone) || !strings.Contains(body, banuaPhone) {
				t.Errorf("staff %s misses contacts", who)
			}
			for _, p := range ps {
				if p.Contact == "" {
					t.Errorf("staff %s: no contact for %s", who, p.OrgName)
				}
			}
		}
		for _, c := range []struct {
			who        string
			own        int64
			mine, hers string
		}{
			{"pembeli2@niaga.id", surabaya, surabayaPhone, banuaPhone},
			{"banua@niaga.id", banua, banuaPhone, surabayaPhone},
		} {
			ps, body := list(c.who)
			if !strings.Contains(body, c.mine) || strings.Contains(body, c.hers) {
				t.Errorf("participant %s: own contact shown %v, another's shown %v", c.who, strings.Contains(body, c.mine), strings.Contains(body, c.hers))
			}
			for _, p := range ps {
				if p.OrgID != c.own && p.Contact != "" {
					t.Errorf("%s sees the contact of %s", c.who, p.OrgName)
				}
			}
		}
		for _, who := range []string{"pembeli@niaga.id", "kalsel@niaga.id", "bank@niaga.id", demo.Sumsel} {
			_, body := list(who)
			if strings.Contains(body, `"contact"`) {
				t.Errorf("%s sees contacts: %.300s", who, body)
			}
		}
		e.problem("GET", path, "", nil, 401, "unauthorized")
	})
}

// TestMissionDelegationApproval: a business that adds itself to another
// province's delegation reads nothing restricted until that delegation's
// agency approves it; another agency cannot approve, nor the business.
func TestMissionDelegationApproval(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		base := fmt.Sprintf("/api/v1/missions/%d", id)
		biz := e.token("pembeli@niaga.id") // a Central Java business
		var before web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &before)
		var deals []web.DealOut
		e.call("GET", base+"/deals", e.token("jatim@niaga.id"), nil, 200, &deals)

		var p niaga.Participant
		e.call("POST", base+"/participants", biz, map[string]any{"delegation": "63", "contact": "024-555-0999"}, 201, &p)
		restricted := func(want int) {
			t.Helper()
			for _, path := range []string{base + "/deals", base + "/followup", base + "/matches", fmt.Sprintf("/api/v1/deals/%d", deals[0].ID)} {
				res, b := e.raw("GET", path, biz, "", nil)
				if res.StatusCode != want && !(want != 200 && res.StatusCode == 404) {
					t.Errorf("%s: status %d, want %d: %.200s", path, res.StatusCode, want, b)
				}
			}
		}
		restricted(403)
		if p.Status != niaga.ParticipantPending || p.Verified {
			t.Fatalf("self-registration: %+v", p)
		}
		// Pending, it is no participant: it records no deal, makes no offer, and counts in no delegation.
		e.problem("POST", base+"/offers", biz, map[string]any{"commodity": "beras", "monthly_capacity": 1000}, 403, "forbidden")
		e.problem("POST", base+"/deals", biz, map[string]any{"seller_id": p.ID, "buyer_id": deals[0].BuyerID, "commodity": "gula", "kind": "purchase", "quantity": 1, "value": 1}, 403, "forbidden")
		var mid web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &mid)
		if mid.Delegations["63"] != before.Delegations["63"] {
			t.Fatalf("a pending participant counts: %v → %v", before.Delegations, mid.Delegations)
		}

		decide := fmt.Sprintf("/api/v1/participants/%d/decision", p.ID)
		e.problem("POST", decide, biz, map[string]string{"decision": "approved"}, 403, "forbidden")                     // itself
		e.problem("POST", decide, e.token(demo.Sumsel), map[string]string{"decision": "approved"}, 403, "forbidden")    // a province outside the mission
		e.problem("POST", decide, e.token(demo.Validator), map[string]string{"decision": "approved"}, 403, "forbidden") // the agency of the other delegation
		e.problem("POST", decide, e.token("kalsel@niaga.id"), map[string]string{"decision": "maybe"}, 400, "invalid")
		restricted(403)

		// The Kalsel agency sees the request (without the contact) and approves it on its page.
		var ps []niaga.Participant
		e.call("GET", base+"/participants", e.token("kalsel@niaga.id"), nil, 200, &ps)
		found := false
		for _, x := range ps {
			if x.ID == p.ID {
				found = x.Status == niaga.ParticipantPending && x.Contact == ""
			}
		}
		if !found {
			t.Fatalf("the delegation's agency does not see the pending request without its contact")
		}
		kalsel := e.browser("")
		kalsel.signIn("kalsel@niaga.id")
		mp := "/missions/" + strconv.FormatInt(id, 10)
		pg := kalsel.get(mp + "/participants")
		row := pg.find("#participant-" + strconv.FormatInt(p.ID, 10))
		if pg.Status != 200 || row == nil || !strings.Contains(textOf(row), "menunggu persetujuan") {
			t.Fatalf("participants page for the delegation's agency: %d %q", pg.Status, pg.Text("main"))
		}
		if pg.find("#participant-"+strconv.FormatInt(e.participantOf(id, e.Data.Orgs["grosir_surabaya"].ID).ID, 10)) != nil {
			t.Fatal("the Kalsel agency is shown the Jatim delegation")
		}
		pg = kalsel.post(mp+"/participants/"+strconv.FormatInt(p.ID, 10)+"/decision", url.Values{"decision": {"approved"}})
		expectFlash(t, "approve", pg, "Tersimpan.")
		if row := pg.find("#participant-" + strconv.FormatInt(p.ID, 10)); row == nil || !strings.Contains(textOf(row), "disetujui") {
			t.Fatalf("after approval: %q", pg.Text("main"))
		}
		restricted(200)
		var after web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &after)
		if after.Delegations["63"] != before.Delegations["63"]+1 {
			t.Fatalf("delegations %v → %v", before.Delegations, after.Delegations)
		}
		// Refused, it is out again.
		e.call("POST", decide, e.token("kalsel@niaga.id"), map[string]string{"decision": "refused"}, 200, &p)
		if p.Status != niaga.ParticipantRefused {
			t.Fatalf("refused: %+v", p)
		}
		restricted(403)
	})
}
