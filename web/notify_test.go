package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"niaga"
	"niaga/mail/mailtest"
	"niaga/web"
)

func (e *env) notifications(token string) web.NotificationsOutput {
	e.t.Helper()
	if err := e.Srv.FlushNotifications(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	var out web.NotificationsOutput
	e.call("GET", "/api/v1/me/notifications?limit=20", token, nil, 200, &out)
	return out
}

// notificationsUntil reads token's notifications until ok holds (on
// PostgreSQL the outbid notifier reads bid events a few seconds late: see
// store.outbidLag).
func (e *env) notificationsUntil(token string, ok func(web.NotificationsOutput) bool) web.NotificationsOutput {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := e.notifications(token)
		if ok(got) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// outbidAt is the outbid notification of lot at price, if there is one.
func outbidAt(o web.NotificationsOutput, lot, price int64) *niaga.Notification {
	for i, n := range o.Items {
		if n.Kind == niaga.NotifyOutbid && n.Params["lot_id"] == float64(lot) && n.Params["price"] == float64(price) {
			return &o.Items[i]
		}
	}
	return nil
}

func firstOf(items []niaga.Notification, kind niaga.NotificationKind) *niaga.Notification {
	for i := range items {
		if items[i].Kind == kind {
			return &items[i]
		}
	}
	return nil
}

// A trader is told: outbid (in the app; by mail once chosen), then, at the
// close, the winner that it won and the other bidder that it lost. The
// text is in the reader's language; marking read clears the count.
func TestNotificationsOutbidWonLost(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		in := mailtest.Start(t, "127.0.0.1:0")
		ani, budi := e.token("pembeli@niaga.id"), e.token("pembeli2@niaga.id")
		lot := e.demoLot("english", "beras")
		bids := fmt.Sprintf("/api/v1/lots/%d/bids", lot.ID)
		before := e.notifications(ani)

		r := e.takeLead(bids, ani, lot.MinNext)
		r = e.takeLead(bids, budi, r.MinNext)
		got := e.notificationsUntil(ani, func(o web.NotificationsOutput) bool { return outbidAt(o, lot.ID, r.Price) != nil })
		n := outbidAt(got, lot.ID, r.Price)
		if n == nil || got.Unread <= before.Unread || n.Read || n.Link != fmt.Sprintf("/lots/%d", lot.ID) {
			t.Fatalf("outbid: %+v (unread before %d)", got, before.Unread)
		}
		if want := fmt.Sprintf("lot #%d dilampaui; harga kini %s", lot.ID, niaga.FormatRupiah(r.Price, "id")); !strings.Contains(n.Text, want) {
			t.Fatalf("outbid text %q lacks %q", n.Text, want)
		}
		var en web.NotificationsOutput
		e.call("GET", "/api/v1/me/notifications", ani, nil, 200, &en, "Accept-Language", "en")
		if n := outbidAt(en, lot.ID, r.Price); n == nil || !strings.Contains(n.Text, "was outbid") {
			t.Fatalf("English text: %+v", n)
		}
		if len(deliver(t, e, in, "pembeli@niaga.id")) != 0 {
			t.Fatal("an outbid was mailed though outbids are in the app only by default")
		}

		// Ani wants outbids by mail too; Budi is outbid by Ani, Ani again by Budi.
		var prefs []niaga.NotificationPref
		e.call("PUT", "/api/v1/me/notification-preferences", ani, web.PrefsInput{Prefs: []niaga.NotificationPref{{Kind: niaga.NotifyOutbid, InApp: true, Email: true}}}, 200, &prefs)
		if prefs[0].Kind != niaga.NotifyOutbid || !prefs[0].Email {
			t.Fatalf("preferences: %+v", prefs)
		}
		e.problem("PUT", "/api/v1/me/notification-preferences", ani, `{"preferences":[{"kind":"gossip","in_app":true,"email":true}]}`, 400, "invalid")
		r = e.takeLead(bids, ani, r.MinNext)
		r = e.takeLead(bids, budi, r.MinNext)
		e.notificationsUntil(ani, func(o web.NotificationsOutput) bool { return outbidAt(o, lot.ID, r.Price) != nil })
		mails := deliver(t, e, in, "pembeli@niaga.id")
		if len(mails) != 1 || !strings.Contains(mails[0].Subject, "dilampaui") || !strings.Contains(mails[0].Text, fmt.Sprintf("http://localhost:8080/lots/%d", lot.ID)) {
			t.Fatalf("outbid mail: %+v", mails)
		}
		if b := e.notificationsUntil(budi, func(o web.NotificationsOutput) bool { return firstOf(o.Items, niaga.NotifyOutbid) != nil }); firstOf(b.Items, niaga.NotifyOutbid) == nil {
			t.Fatalf("Budi was outbid by Ani and not told: %+v", b)
		}

		// The close: Budi leads and wins, Ani lost.
		if closed, err := e.DB.CloseLot(context.Background(), lot.ID, time.Now().Add(30*24*time.Hour)); err != nil || !closed {
			t.Fatalf("close: %v %v", closed, err)
		}
		if w := firstOf(e.notifications(budi).Items, niaga.NotifyWon); w == nil || !strings.Contains(w.Text, "Anda memenangkan lot") {
			t.Fatal("the winner was not told")
		}
		if l := firstOf(e.notifications(ani).Items, niaga.NotifyLost); l == nil {
			t.Fatal("the other bidder was not told")
		}
		e.call("POST", "/api/v1/me/notifications/read", ani, web.ReadInput{}, 204, nil)
		if got := e.notifications(ani); got.Unread != 0 {
			t.Fatalf("unread after reading all: %d", got.Unread)
		}
		e.problem("GET", "/api/v1/me/notifications?limit=0", ani, nil, 400, "invalid")
		e.problem("GET", "/api/v1/me/notifications", "", nil, 401, "unauthorized")
	})
}

// The user's own stream carries a new notification; nobody else's does.
func TestNotificationStream(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ani, budi := e.token("pembeli@niaga.id"), e.token("pembeli2@niaga.id")
		lot := e.demoLot("english", "beras")
		bids := fmt.Sprintf("/api/v1/lots/%d/bids", lot.ID)
		r := e.takeLead(bids, ani, lot.MinNext)
		r = e.takeLead(bids, budi, r.MinNext)
		e.notificationsUntil(ani, func(o web.NotificationsOutput) bool { return outbidAt(o, lot.ID, r.Price) != nil })
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for who, want := range map[string]bool{ani: true, budi: false} {
			body := e.streamBody(ctx, "/api/v1/me/stream", who)
			mine := fmt.Sprintf(`"kind":"outbid","link":"/lots/%d","params":{"lot_id":%d,"price":%d}`, lot.ID, lot.ID, r.Price)
			if got := strings.Contains(body, "event: notification") && strings.Contains(body, mine); got != want {
				t.Errorf("stream of %.8s carries the outbid: %v, want %v:\n%s", who, got, want, body)
			}
		}
	})
}

// streamBody opens an event stream as token and reads it until it has been
// quiet for a moment.
func (e *env) streamBody(ctx context.Context, path, token string) string {
	e.t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", e.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("%s: %d", path, res.StatusCode)
	}
	return string(readStream(res.Body, cancel))
}

// takeLead bids from price up, a step at a time, until the bidder leads
// (a rival's proxy maximum from the demo may stand above the first tries).
func (e *env) takeLead(bids, token string, price int64) niaga.BidResult {
	e.t.Helper()
	var r niaga.BidResult
	for range 50 {
		e.call("POST", bids, token, map[string]int64{"price": price}, 201, &r)
		if r.Leading {
			return r
		}
		price = r.MinNext
	}
	e.t.Fatalf("%s: no lead after 50 bids", bids)
	return r
}

// A contract's next move is due from one business at a time: the seller
// is told to deliver once the organizer records the payment, the buyer to
// confirm receipt once it is delivered.
func TestNotificationContractSteps(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		organizer := e.token("lampung@niaga.id")
		var contracts []niaga.Contract
		e.call("GET", "/api/v1/contracts", organizer, nil, 200, &contracts)
		var c *niaga.Contract
		for i := range contracts {
			if contracts[i].Status == niaga.ContractAwaitingPayment {
				c = &contracts[i]
				break
			}
		}
		if c == nil {
			t.Skip("the demo has no contract awaiting payment at Lampung")
		}
		steps := fmt.Sprintf("/api/v1/contracts/%d/steps", c.ID)
		e.call("POST", steps, organizer, map[string]string{"status": niaga.ContractPaid}, 200, nil)
		seller, buyer := e.userOf(c.SellerOrgID), e.userOf(c.BuyerOrgID)
		due := func(token, status string) bool {
			got := e.notifications(token)
			for _, n := range got.Items {
				if n.Kind == niaga.NotifyContractStep && n.Params["contract_id"] == float64(c.ID) && n.Params["status"] == status {
					return true
				}
			}
			return false
		}
		if !due(seller, niaga.ContractPaid) || due(buyer, niaga.ContractPaid) {
			t.Fatal("after the payment the seller, and only the seller, is told to deliver")
		}
		e.call("POST", steps, organizer, map[string]string{"status": niaga.ContractDelivered}, 200, nil)
		if !due(buyer, niaga.ContractDelivered) {
			t.Fatal("after the delivery the buyer is not told to confirm receipt")
		}
	})
}

// userOf signs in the first demo user of an organization.
func (e *env) userOf(org int64) string {
	e.t.Helper()
	for email, u := range e.Data.Users {
		if u.OrgID == org {
			return e.token(email)
		}
	}
	e.t.Fatalf("no demo user of organization %d", org)
	return ""
}
