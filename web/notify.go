package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/store"
)

// Notifications as users meet them: the bell and its page, the user's own
// event stream, the preferences per kind and channel, and the mail made of
// them. Who is told what is decided by the store where each rule lives
// (store/notify.go); here the text is made, in the reader's language.

// NotificationsOutput is a user's latest notifications.
type NotificationsOutput struct {
	Unread int                  `json:"unread"`
	Items  []niaga.Notification `json:"items"`
}

// ReadInput names notifications to mark read; none means all.
type ReadInput struct {
	IDs []int64 `json:"ids,omitempty"`
}

// Validate bounds the list.
func (in *ReadInput) Validate() error {
	var c niaga.Check
	c.Require(len(in.IDs) <= 500, "ids", "at most 500")
	return c.Err()
}

// PrefsInput is the body of PUT /me/notification-preferences.
type PrefsInput struct {
	Prefs []niaga.NotificationPref `json:"preferences"`
}

// Validate bounds the list; the store checks the kinds.
func (in *PrefsInput) Validate() error {
	var c niaga.Check
	c.Require(len(in.Prefs) <= 50, "preferences", "at most 50")
	return c.Err()
}

// notifyRoutes is the signed-in user's notifications.
func notifyRoutes() []endpoint {
	const tag = "notifications"
	return []endpoint{
		{Route{Method: "GET", Path: "/api/v1/me/notifications", ID: "listNotifications", Summary: "The signed-in user's latest notifications (newest first, text in the caller's language) and the unread count", Tag: tag, Policy: &SignedIn,
			Query: []Param{{Name: "limit", Kind: IntegerParam, Range: "notification_limit", Doc: "How many, newest first (default 50)."}}},
			api((*Server).listNotifications)},
		{Route{Method: "POST", Path: "/api/v1/me/notifications/read", ID: "readNotifications", Summary: "Mark notifications read: those listed, or all", Tag: tag, Policy: &SignedIn, Status: http.StatusNoContent,
			Example: ReadInput{IDs: []int64{41, 42}}},
			api((*Server).readNotifications)},
		{Route{Method: "GET", Path: "/api/v1/me/notification-preferences", ID: "getNotificationPreferences", Summary: "The channels (in the app, by email) the user wants per kind", Tag: tag, Policy: &SignedIn},
			api((*Server).notificationPrefs)},
		{Route{Method: "PUT", Path: "/api/v1/me/notification-preferences", ID: "setNotificationPreferences", Summary: "Choose the channels per kind", Tag: tag, Policy: &SignedIn,
			Doc:     "Kinds not listed keep their setting; the answer is every kind's.",
			Example: PrefsInput{Prefs: []niaga.NotificationPref{{Kind: niaga.NotifyOutbid, InApp: true, Email: true}, {Kind: niaga.NotifyLost, InApp: true, Email: false}}}},
			api((*Server).setNotificationPrefs)},
		{Route{Method: "GET", Path: "/api/v1/me/stream", ID: "streamNotifications", Summary: "Server-sent events of the user's new notifications; resumable with Last-Event-ID", Tag: tag, Policy: &SignedIn,
			Produces: "text/event-stream", Query: []Param{streamAfter}, Headers: []Param{streamLastEventID}},
			raw((*Server).streamNotifications)},
	}
}

func (s *Server) listNotifications(c *Call, _ *NoBody) (NotificationsOutput, error) {
	limit, err := c.QueryInt("limit", 50)
	if err != nil {
		return NotificationsOutput{}, err
	}
	var check niaga.Check
	check.InRange("limit", limit, niaga.RangeNotificationLimit)
	if err := check.Err(); err != nil {
		return NotificationsOutput{}, err
	}
	items, unread, err := s.db.Notifications(c, c.Actor, int(limit))
	if err != nil {
		return NotificationsOutput{}, err
	}
	s.renderNotifications(c, c.Lang(), items)
	return NotificationsOutput{Unread: unread, Items: items}, nil
}

func (s *Server) readNotifications(c *Call, in *ReadInput) (struct{}, error) {
	return struct{}{}, s.db.MarkNotificationsRead(c, c.Actor, in.IDs)
}

func (s *Server) notificationPrefs(c *Call, _ *NoBody) ([]niaga.NotificationPref, error) {
	return s.db.NotificationPrefs(c, c.Actor)
}

func (s *Server) setNotificationPrefs(c *Call, in *PrefsInput) ([]niaga.NotificationPref, error) {
	if err := s.db.SetNotificationPrefs(c, c.Actor, in.Prefs); err != nil {
		return nil, err
	}
	return s.db.NotificationPrefs(c, c.Actor)
}

func (s *Server) streamNotifications(c *Call) error {
	return s.Stream(c, store.UserTopic(c.Actor.UserID))
}

// renderNotifications fills in each notification's text in lang.
func (s *Server) renderNotifications(ctx context.Context, lang string, items []niaga.Notification) {
	coms := s.commodityMap(ctx)
	for i := range items {
		items[i].Text = notificationText(lang, items[i], coms)
	}
}

// notificationText is what a notification says, in lang.
func notificationText(lang string, n niaga.Notification, coms map[string]niaga.Commodity) string {
	cat := loadUIOnce().cat
	str := func(k string) string { s, _ := n.Params[k].(string); return s }
	num := func(k string) int64 { f, _ := n.Params[k].(float64); return int64(f) }
	yes := func(k string) bool { b, _ := n.Params[k].(bool); return b }
	rp := func(k string) string { return niaga.FormatRupiah(num(k), lang) }
	com := str("commodity")
	if c, ok := coms[com]; ok {
		com = c.Name(lang)
	}
	lot := strconv.FormatInt(num("lot_id"), 10)
	switch n.Kind {
	case niaga.NotifyOutbid:
		return cat.T(lang, "notify.outbid", lot, rp("price"))
	case niaga.NotifyWon:
		return cat.T(lang, "notify.won", lot, com, rp("price"), niaga.FormatInt(num("quantity"), lang))
	case niaga.NotifyLost:
		return cat.T(lang, "notify.lost", lot, com)
	case niaga.NotifyDepositCredited:
		return cat.T(lang, "notify.deposit_credited", rp("amount"), str("market"))
	case niaga.NotifyVerificationDecided:
		if yes("approved") {
			return cat.T(lang, "notify.verification_approved", str("organization"))
		}
		return cat.T(lang, "notify.verification_refused", str("organization"), str("reason"))
	case niaga.NotifyMeetingRequested:
		return cat.T(lang, "notify.meeting_requested", str("from"))
	case niaga.NotifyMeetingAnswered:
		if yes("accepted") {
			return cat.T(lang, "notify.meeting_accepted", str("to"))
		}
		return cat.T(lang, "notify.meeting_declined", str("to"))
	case niaga.NotifyDealValidated:
		if str("validation") == niaga.DealDisputed {
			return cat.T(lang, "notify.deal_disputed", strconv.FormatInt(num("deal_id"), 10), rp("value"), str("note"))
		}
		return cat.T(lang, "notify.deal_validated", strconv.FormatInt(num("deal_id"), 10), rp("value"))
	case niaga.NotifyContractStep:
		return cat.T(lang, "notify.contract_"+str("status"), strconv.FormatInt(num("contract_id"), 10), rp("value"))
	case niaga.NotifyMeetingScheduled:
		return cat.T(lang, "notify.meeting_scheduled", niaga.FormatInt(num("meetings"), lang))
	case niaga.NotifyLotOpening:
		title := str("title") // a session's title, or a lot's "commodity grade"
		if num("lot_id") > 0 {
			code, grade, _ := strings.Cut(title, " ")
			if c, ok := coms[code]; ok {
				code = c.Name(lang)
			}
			title = cat.T(lang, "notify.lot_title", lot, strings.TrimSpace(code+" "+grade))
		}
		at, _ := time.Parse(time.RFC3339, str("opens_at"))
		return cat.T(lang, "notify.lot_opening", title, When(at, str("province"), lang))
	}
	return cat.T(lang, "notify."+string(n.Kind))
}

// notificationMail is the mail of a notification, in the user's language.
// The commodities' names are read once, and only when there is mail to
// make: the loop runs every second, mostly with nothing to do.
func (s *Server) notificationMail(ctx context.Context) func(u niaga.User, n niaga.Notification) niaga.Mail {
	var coms map[string]niaga.Commodity
	return func(u niaga.User, n niaga.Notification) niaga.Mail {
		if coms == nil {
			coms = s.commodityMap(ctx)
		}
		lang, cat := normLang(u.Lang), loadUIOnce().cat
		text := notificationText(lang, n, coms)
		link := s.publicURL + n.Link
		subject := text
		if r := []rune(subject); len(r) > 90 {
			subject = string(r[:89]) + "…"
		}
		return niaga.Mail{To: u.Email, Subject: subject,
			Text: cat.T(lang, "mail.notification_body", u.Name, text, link, s.publicURL+"/account#notifications")}
	}
}

// FlushNotifications runs the notification steps once: tells outbid
// bidders, and moves notifications to be mailed into the mail outbox. The
// background loop runs it every second; tests call it to be sure.
func (s *Server) FlushNotifications(ctx context.Context) error {
	for {
		n, err := s.db.NotifyOutbids(ctx, 500)
		if err != nil {
			return err
		}
		if n < 500 {
			break
		}
	}
	for {
		n, err := s.db.MailNotifications(ctx, 100, s.notificationMail(ctx))
		if err != nil || n < 100 {
			return err
		}
	}
}

// notifyLoop runs FlushNotifications every second until ctx ends.
func (s *Server) notifyLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		if err := s.FlushNotifications(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notifications", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
