package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/store"
)

// demoLot finds an admitted demo lot by mechanism and commodity.
func (e *env) demoLot(mechanism, commodity string) niaga.Lot {
	e.t.Helper()
	var lots []niaga.Lot
	e.call("GET", "/api/v1/lots?status=admitted&commodity="+commodity, "", nil, 200, &lots)
	for _, l := range lots {
		if l.Mechanism == mechanism && l.State == "open" {
			return l
		}
	}
	e.t.Fatalf("no open %s %s lot in the demo", mechanism, commodity)
	return niaga.Lot{}
}

func TestAuctionAPIRefusals(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		buyer, buyer2, seller := e.token("pembeli@niaga.id"), e.token("pembeli2@niaga.id"), e.token("penjual@niaga.id")
		organizer, bank := e.token("lampung@niaga.id"), e.token("bank@niaga.id")
		lot := e.demoLot("english", "beras")
		bids := fmt.Sprintf("/api/v1/lots/%d/bids", lot.ID)

		e.problem("POST", bids, "", map[string]int64{"price": 20000}, 401, "unauthorized")
		e.problem("POST", bids, bank, map[string]int64{"price": 20000}, 403, "forbidden")
		e.problem("POST", bids, seller, map[string]int64{"price": 20000}, 422, "own_lot")
		p := e.problem("POST", bids, buyer, map[string]int64{"price": lot.MinNext - 1}, 422, "bid_too_low")
		if p.Min != lot.MinNext || len(p.Errors) == 0 || p.Errors[0].Field != "price" {
			t.Fatalf("bid_too_low must carry the minimum %d: %+v", lot.MinNext, p)
		}
		e.problem("POST", bids, buyer, map[string]int64{"price": -5}, 400, "invalid")
		e.problem("POST", bids, buyer, `{"price":"12000"}`, 400, "invalid")
		e.problem("POST", bids, buyer, `{"price":12000,"colour":"red"}`, 400, "invalid")
		e.problem("POST", bids, buyer, `{"price":1e30}`, 400, "invalid")
		e.problem("POST", "/api/v1/lots/abc/bids", buyer, map[string]int64{"price": 20000}, 400, "invalid")
		e.problem("POST", "/api/v1/lots/999999/bids", buyer, map[string]int64{"price": 20000}, 404, "not_found")
		// The lot announces its guarantee; a bid's deposit check uses it,
		// never the bid's amount (a buyer without deposit is refused below).
		if lot.Guarantee <= 0 {
			t.Fatalf("lot without a guarantee: %+v", lot)
		}

		// An accepted bid, and its idempotent retry.
		var r1, r2 niaga.BidResult
		e.call("POST", bids, buyer, map[string]int64{"price": lot.MinNext}, 201, &r1, "Idempotency-Key", "abc-1")
		e.call("POST", bids, buyer, map[string]int64{"price": lot.MinNext}, 201, &r2, "Idempotency-Key", "abc-1")
		if r1.BidID == 0 || r2.BidID != r1.BidID || !r2.Replayed {
			t.Fatalf("retry made a second bid: %+v %+v", r1, r2)
		}
		var after niaga.Lot
		e.call("GET", fmt.Sprintf("/api/v1/lots/%d", lot.ID), "", nil, 200, &after)
		if after.BidCount != lot.BidCount+1 || after.Price != lot.MinNext {
			t.Fatalf("lot after one bid: %+v", after)
		}

		// A buyer without deposit at the market, and an unverified buyer.
		admin := e.token("admin@niaga.id")
		var org niaga.Organization
		e.call("POST", "/api/v1/organizations", admin, map[string]any{"name": "UD Baru", "kind": "business", "province": "33"}, 201, &org)
		e.call("POST", "/api/v1/users", admin, map[string]any{"email": "baru@niaga.id", "name": "Baru", "password": "panjang-sekali", "role": "business", "org_id": org.ID}, 201, nil)
		var lo struct{ Token string }
		e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "baru@niaga.id", "password": "panjang-sekali"}, 200, &lo)
		e.problem("POST", bids, lo.Token, map[string]int64{"price": after.MinNext}, 422, "not_verified")
		e.call("POST", fmt.Sprintf("/api/v1/organizations/%d/verify", org.ID), admin, map[string]bool{"verified": true}, 200, nil)
		e.problem("POST", bids, lo.Token, map[string]int64{"price": after.MinNext}, 422, "insufficient_deposit")

		// Lot admission: only the market's organizer; a rejection needs a reason.
		var sessions []niaga.AuctionSession
		e.call("GET", "/api/v1/sessions", "", nil, 200, &sessions)
		var markets []niaga.Market
		e.call("GET", "/api/v1/markets", "", nil, 200, &markets)
		var pending niaga.Lot
		e.call("POST", "/api/v1/lots", seller, map[string]any{"session_id": lot.SessionID, "market_id": lot.MarketID, "commodity": "beras", "grade": "medium",
			"quantity": 5000, "mechanism": "english", "reserve": 11000, "increment": 50, "origin": "Natar"}, 201, &pending)
		if pending.State != "pending" {
			t.Fatalf("submitted lot %+v", pending)
		}
		e.problem("GET", fmt.Sprintf("/api/v1/lots/%d", pending.ID), buyer, nil, 404, "not_found")
		e.problem("POST", fmt.Sprintf("/api/v1/lots/%d/bids", pending.ID), buyer, map[string]int64{"price": 11000}, 404, "not_found")
		e.problem("POST", fmt.Sprintf("/api/v1/lots/%d/admit", pending.ID), buyer, map[string]string{}, 403, "forbidden")
		e.problem("POST", fmt.Sprintf("/api/v1/lots/%d/admit", pending.ID), e.token("amira@niaga.id"), map[string]string{}, 403, "forbidden")
		e.problem("POST", fmt.Sprintf("/api/v1/lots/%d/reject", pending.ID), organizer, map[string]string{}, 400, "invalid")
		e.problem("POST", "/api/v1/lots", seller, map[string]any{"session_id": lot.SessionID, "market_id": lot.MarketID, "commodity": "beras", "grade": "super",
			"quantity": 5000, "mechanism": "english", "reserve": 11000, "increment": 50}, 400, "invalid")
		e.problem("POST", "/api/v1/lots", seller, map[string]any{"session_id": lot.SessionID, "market_id": lot.MarketID, "commodity": "beras", "grade": "medium",
			"quantity": 0, "mechanism": "english", "reserve": 11000, "increment": 50}, 400, "invalid")
		var admitted niaga.Lot
		for _, m := range markets {
			if m.ID == lot.MarketID && pending.Guarantee != store.DefaultGuarantee(11000, 5000, m.DepositRatioBps) {
				t.Fatalf("submitted lot's guarantee %d, want ratio %d bps × reserve × quantity", pending.Guarantee, m.DepositRatioBps)
			}
		}
		e.problem("POST", fmt.Sprintf("/api/v1/lots/%d/admit", pending.ID), organizer, map[string]int64{"guarantee": -1}, 400, "invalid")
		e.call("POST", fmt.Sprintf("/api/v1/lots/%d/admit", pending.ID), organizer, map[string]int64{"guarantee": 7_000_000}, 200, &admitted)
		if admitted.State != "open" || admitted.Guarantee != 7_000_000 {
			t.Fatalf("admitted lot %+v", admitted)
		}
		e.problem("POST", fmt.Sprintf("/api/v1/lots/%d/admit", pending.ID), organizer, map[string]string{}, 409, "conflict")

		// Sealed bids: nobody sees another's bid before close, the organizer included.
		sealed := e.demoLot("sealed_first", "kopi_robusta")
		e.call("POST", fmt.Sprintf("/api/v1/lots/%d/bids", sealed.ID), buyer2, map[string]int64{"price": 40000}, 201, nil)
		for _, tok := range []string{"", organizer, buyer, admin} {
			var list []niaga.Bid
			e.call("GET", fmt.Sprintf("/api/v1/lots/%d/bids", sealed.ID), tok, nil, 200, &list)
			for _, b := range list {
				if b.Price == 40000 {
					t.Fatalf("sealed bid visible to %q: %+v", tok, b)
				}
			}
			var l niaga.Lot
			body := e.call("GET", fmt.Sprintf("/api/v1/lots/%d", sealed.ID), tok, nil, 200, &l)
			if l.Price != 0 || containsNumber(string(body), "40000") { // as a whole number: the reader's own deposit figures may hold the digits
				t.Fatalf("sealed price visible: %s", body)
			}
		}
		var own []niaga.Bid
		e.call("GET", fmt.Sprintf("/api/v1/lots/%d/bids", sealed.ID), buyer2, nil, 200, &own)
		if len(own) != 1 || own[0].Price != 40000 {
			t.Fatalf("bidder should see own sealed bid: %+v", own)
		}

		// Closed lots refuse bids; contracts are visible to their parties only.
		var contracts []niaga.Contract
		e.call("GET", "/api/v1/contracts", buyer, nil, 200, &contracts)
		if len(contracts) == 0 {
			t.Fatal("demo history should give the buyer contracts")
		}
		c := contracts[0]
		e.call("GET", fmt.Sprintf("/api/v1/contracts/%d", c.ID), buyer, nil, 200, nil)
		e.problem("GET", fmt.Sprintf("/api/v1/contracts/%d", c.ID), lo.Token, nil, 404, "not_found")
		e.problem("POST", fmt.Sprintf("/api/v1/lots/%d/bids", c.LotID), buyer2, map[string]int64{"price": 99999}, 409, "auction_closed")
		e.problem("POST", fmt.Sprintf("/api/v1/contracts/%d/steps", c.ID), buyer, map[string]string{"status": "teleported"}, 409, "conflict")
	})
}

func TestLotStreamResumes(t *testing.T) {
	e := newEnv(t, store.SQLite)
	lot := e.demoLot("english", "beras")
	buyer, buyer2 := e.token("pembeli@niaga.id"), e.token("pembeli2@niaga.id")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/lots/%d/stream", e.URL, lot.ID), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatal(ct)
	}
	events := make(chan [2]string, 100) // id, event
	go func() {
		sc := bufio.NewScanner(res.Body)
		var id string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				events <- [2]string{id, v}
			}
		}
	}()
	var first, second niaga.BidResult
	e.call("POST", fmt.Sprintf("/api/v1/lots/%d/bids", lot.ID), buyer, map[string]int64{"price": lot.MinNext}, 201, &first)
	e.call("POST", fmt.Sprintf("/api/v1/lots/%d/bids", lot.ID), buyer2, map[string]int64{"price": first.MinNext}, 201, &second)
	var seen [][2]string
	for len(seen) < 5 { // the demo's admit and three bids, then ours
		select {
		case ev := <-events:
			seen = append(seen, ev)
		case <-ctx.Done():
			t.Fatalf("events seen: %v", seen)
		}
	}
	seen = append(seen, <-events)
	last := seen[len(seen)-1]
	if last[1] != "bid" && last[1] != "extend" {
		t.Fatalf("last event %v", last)
	}
	// Reconnect after the fourth event: exactly the rest arrives, in order.
	req2, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/lots/%d/stream", e.URL, lot.ID), nil)
	req2.Header.Set("Last-Event-ID", seen[3][0])
	res2, err := http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	sc := bufio.NewScanner(res2.Body)
	var ids []string
	for sc.Scan() && len(ids) < 2 {
		if v, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			ids = append(ids, v)
		}
	}
	if len(ids) != 2 || ids[0] != seen[4][0] || ids[1] != seen[5][0] {
		t.Fatalf("resumed ids %v, want %v %v", ids, seen[4][0], seen[5][0])
	}
}
