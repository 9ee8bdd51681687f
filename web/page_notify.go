package web

import (
	"niaga"
)

// The notifications page: the latest, newest first; seeing them marks
// them read. The preferences are on the account page.

type notificationsData struct {
	Items    []niaga.Notification
	Province string // times are shown in the zone of the user's province
}

func (s *Server) pageNotifications(c *PageCall) error {
	items, _, err := s.db.Notifications(c, c.Actor, 100)
	if err != nil {
		return err
	}
	s.renderNotifications(c, c.Lang, items)
	if err := s.db.MarkNotificationsRead(c, c.Actor, nil); err != nil {
		return err
	}
	prov := "31"
	if o, err := s.db.Organization(c, c.Actor.OrgID); err == nil {
		prov = o.Province
	}
	return c.Render(0, "notifications", "notify.title", notificationsData{Items: items, Province: prov}, func(v *view) { v.Unread = 0 })
}

// pageNotificationPrefs saves the channels chosen per kind on the account
// page (a checkbox per kind and channel: in_app.<kind>, email.<kind>).
func (s *Server) pageNotificationPrefs(c *PageCall) error {
	f := c.R.PostForm
	prefs := make([]niaga.NotificationPref, 0, len(niaga.NotificationKinds))
	for _, k := range niaga.NotificationKinds {
		prefs = append(prefs, niaga.NotificationPref{Kind: k, InApp: f.Get("in_app."+string(k)) == "on", Email: f.Get("email."+string(k)) == "on"})
	}
	if err := s.db.SetNotificationPrefs(c, c.Actor, prefs); err != nil {
		return err
	}
	return c.Redirect("/account#notifications", "flash.saved")
}
