package web

import (
	"context"
	"strings"
	"time"

	"niaga"
	"niaga/matching"
	"niaga/store"
)

// expiryEvery is how often the background sweep expires meeting requests.
const expiryEvery = time.Minute

// defaultMatchLimit is how many matchmaking suggestions a caller gets
// without the limit parameter.
const defaultMatchLimit = 200

// The handlers of the missions themselves; mission_routes.go routes the
// whole trade-mission API, and the other mission_*.go files hold the
// handlers of its sub-areas.

func (s *Server) listMissions(c *Call, _ *NoBody) ([]MissionOut, error) {
	list, err := s.db.Missions(c)
	out := make([]MissionOut, len(list))
	for i, m := range list {
		out[i] = missionOut(m, c.Lang())
	}
	return out, err
}

func (s *Server) createMission(c *Call, in *MissionInput) (MissionOut, error) {
	m, err := in.mission()
	if err != nil {
		return MissionOut{}, err
	}
	if err := s.db.CreateMission(c, c.Actor, &m); err != nil {
		return MissionOut{}, err
	}
	return s.missionOut(c, m.ID)
}

func (s *Server) missionHistory(c *Call, _ *NoBody) (MissionHistoryOut, error) {
	h, err := s.db.MissionHistory(c, c.R.URL.Query().Get("province"))
	return MissionHistoryOut{MissionHistory: h, TotalDisplay: niaga.FormatRupiah(h.Total, c.Lang())}, err
}

func (s *Server) getMission(c *Call, _ *NoBody) (MissionOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return MissionOut{}, err
	}
	return s.missionOut(c, id)
}

func (s *Server) setMissionStatus(c *Call, in *MissionStatusInput) (MissionOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return MissionOut{}, err
	}
	if _, err := s.db.SetMissionStatus(c, c.Actor, id, in.Status); err != nil {
		return MissionOut{}, err
	}
	return s.missionOut(c, id)
}

func (s *Server) addMissionStaff(c *Call, in *StaffInput) (struct{}, error) {
	id, err := c.ID("id")
	if err != nil {
		return struct{}{}, err
	}
	return struct{}{}, s.db.AddMissionStaff(c, c.Actor, id, in.OrgID, in.Role)
}

// expireMeetingRequests sweeps unanswered requests past their time so they
// hold no slot. Idempotent: every instance may run it.
func (s *Server) expireMeetingRequests(ctx context.Context) {
	tick := time.NewTicker(expiryEvery)
	defer tick.Stop()
	for {
		n, err := s.db.ExpireMeetingRequests(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("expiring meeting requests", "error", err)
		case n > 0:
			s.log.Info("meeting requests expired", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Server) missionOut(c *Call, id int64) (MissionOut, error) {
	mi, err := s.db.MissionInfo(c, id)
	if err != nil {
		return MissionOut{}, err
	}
	return missionOut(mi, c.Lang()), nil
}

func (s *Server) dealOut(c *Call, d niaga.Deal) (DealOut, error) {
	m, err := s.db.Mission(c, d.MissionID)
	if err != nil {
		return DealOut{}, err
	}
	return dealOut(d, m.HostProvince, c.Lang()), nil
}

func matchOptions(c *Call) (store.MatchOptions, error) {
	var opt store.MatchOptions
	p, err := c.QueryInt("participant", 0)
	if err != nil {
		return opt, err
	}
	ms, err := c.QueryInt("min_score", 0)
	if err != nil || !niaga.RangeScore.Contains(ms) {
		return opt, niaga.Invalid("min_score", niaga.RangeScore.Reason())
	}
	pn, err := c.QueryInt("per_need", 0)
	if err != nil || !niaga.RangePerNeed.Contains(pn) {
		return opt, niaga.Invalid("per_need", niaga.RangePerNeed.Reason())
	}
	lim, err := c.QueryInt("limit", defaultMatchLimit)
	if err != nil || !niaga.RangeMatchLimit.Contains(lim) {
		return opt, niaga.Invalid("limit", niaga.RangeMatchLimit.Reason())
	}
	return store.MatchOptions{Participant: p, MinScore: int(ms), PerNeed: int(pn), Limit: int(lim)}, nil
}

// scheduleOut groups the stored meetings into table sheets per slot
// (matching.TableSheet orders them by table).
func scheduleOut(m *niaga.Mission, sch store.MeetingSchedule) MeetingScheduleOut {
	out := MeetingScheduleOut{MissionID: sch.MissionID, SlotMinutes: sch.Params.SlotMinutes, Tables: sch.Params.Tables, Scheduled: len(sch.Meetings),
		Unscheduled: sch.Unscheduled, Stats: sch.Stats, Slots: []SlotSheet{}}
	if !sch.RunAt.IsZero() {
		out.RunAt = &sch.RunAt
	}
	var as []matching.Assignment
	var ms []matching.Meeting
	byID := map[int64]store.ScheduledMeeting{}
	for _, x := range sch.Meetings {
		as = append(as, matching.Assignment{MeetingID: x.MeetingID, Slot: x.Slot, Table: x.Table})
		ms = append(ms, matching.Meeting{ID: x.MeetingID, A: x.A, B: x.B, Score: x.Score})
		byID[x.MeetingID] = x
	}
	for _, sl := range sch.Slots {
		sheet := SlotSheet{Slot: sl, StartLocal: niaga.LocalTime(sl.Start, m.HostProvince, "15:04"), EndLocal: niaga.LocalTime(sl.End, m.HostProvince, "15:04"), Meetings: []store.ScheduledMeeting{}}
		for _, row := range matching.TableSheet(sl.Index, as, ms) {
			sheet.Meetings = append(sheet.Meetings, byID[row.MeetingID])
		}
		out.Slots = append(out.Slots, sheet)
	}
	return out
}

func agendaOut(ag store.Agenda) AgendaOut {
	out := AgendaOut{Participant: ag.Participant, MissionID: ag.Mission.ID, Title: ag.Mission.Title, Venue: ag.Mission.Venue,
		Date: ag.Mission.LocalDate(), Zone: provinceZone(ag.Mission.HostProvince), Items: []AgendaItemOut{}}
	for _, it := range ag.Items {
		out.Items = append(out.Items, AgendaItemOut{AgendaItem: it, StartLocal: niaga.LocalTime(it.Start, ag.Mission.HostProvince, "15:04"),
			EndLocal: niaga.LocalTime(it.End, ag.Mission.HostProvince, "15:04")})
	}
	return out
}

func provinceZone(province string) string {
	p, _ := niaga.ProvinceByCode(province)
	return p.Zone
}

// summaryOut adds the displays and the local clock to the board.
func (s *Server) summaryOut(c *Call, sum store.MissionSummary, now time.Time) (SummaryOut, error) {
	lang := c.Lang()
	m := &sum.Mission
	host := m.HostProvince
	p, _ := niaga.ProvinceByCode(host)
	cs, err := s.db.Commodities(c)
	if err != nil {
		return SummaryOut{}, err
	}
	names := map[string]niaga.Commodity{}
	for _, x := range cs {
		names[x.Code] = x
	}
	asOf := sum.LastDealAt
	if asOf.IsZero() {
		asOf = m.Opens
	}
	out := SummaryOut{
		MissionID: m.ID, Title: m.Title, Status: m.Status, HostProvince: host, Guests: m.Guests, Venue: m.Venue,
		Zone: p.Zone, TZ: p.TZ, DateLocal: m.LocalDate(),
		OpensAt: m.Opens, ClosesAt: m.Closes,
		OpensLocal: niaga.LocalTime(m.Opens, host, "15:04"), ClosesLocal: niaga.LocalTime(m.Closes, host, "15:04"),
		AsOf: asOf, AsOfLocal: niaga.LocalTime(asOf, host, "15:04"), NowLocal: niaga.LocalTime(now, host, "15:04"),
		TotalValue: sum.TotalValue, TotalDisplay: niaga.FormatRupiah(sum.TotalValue, lang), Count: sum.Count,
		TargetValue: m.TargetValue, TargetDisplay: niaga.FormatRupiah(m.TargetValue, lang),
		ValidatedValue: sum.ValidatedValue, RealizedValue: sum.RealizedValue,
		SideProvince: sum.SideProvince, Delegations: sum.Delegations,
		ByCommodity: []BoardTotal{}, ByKind: []BoardTotal{}, BySide: []BoardTotal{}, ByDirection: []BoardFlow{},
		Latest: []PublicDealOut{},
	}
	for _, d := range sum.Latest {
		out.Latest = append(out.Latest, PublicDealOut{PublicDeal: d, ValueDisplay: niaga.FormatRupiah(d.Value, lang), RecordedLocal: niaga.LocalTime(d.RecordedAt, host, "15:04")})
	}
	if m.TargetValue > 0 {
		out.ProgressBP = progressBP(sum.TotalValue, m.TargetValue)
	}
	for _, g := range sum.ByCommodity {
		out.ByCommodity = append(out.ByCommodity, BoardTotal{Key: g.Key, Name: names[g.Key].Name(lang), Value: g.Value, Display: niaga.FormatRupiah(g.Value, lang), Count: g.Count})
	}
	for _, g := range sum.ByKind {
		out.ByKind = append(out.ByKind, BoardTotal{Key: g.Key, Name: kindName(g.Key, lang), Value: g.Value, Display: niaga.FormatRupiah(g.Value, lang), Count: g.Count})
	}
	for _, g := range sum.BySide {
		out.BySide = append(out.BySide, BoardTotal{Key: g.Key, Name: sideName(g.Key, lang), Value: g.Value, Display: niaga.FormatRupiah(g.Value, lang), Count: g.Count})
	}
	for _, f := range sum.ByDirection {
		from, _ := niaga.ProvinceByCode(f.From)
		to, _ := niaga.ProvinceByCode(f.To)
		out.ByDirection = append(out.ByDirection, BoardFlow{From: f.From, FromName: from.Name, To: f.To, ToName: to.Name, Value: f.Value, Display: niaga.FormatRupiah(f.Value, lang), Count: f.Count})
	}
	return out, nil
}

// progressBP is total/target in basis points without overflow.
func progressBP(total, target int64) int64 { return niaga.BasisPoints(total, target) }

func kindName(k, lang string) string {
	id := map[string]string{"purchase": "pembelian", "contract": "kontrak", "commitment": "komitmen", "investment": "investasi"}
	if lang == "en" {
		return k
	}
	return id[k]
}

func sideName(k, lang string) string {
	if lang == "en" {
		return map[string]string{"sell": "sales", "buy": "purchases", "invest": "investment", "other": "between others"}[k]
	}
	return map[string]string{"sell": "penjualan", "buy": "pembelian", "invest": "investasi", "other": "antarpihak lain"}[k]
}

func dealOut(d niaga.Deal, host, lang string) DealOut {
	return DealOut{Deal: d, ValueDisplay: niaga.FormatRupiah(d.Value, lang), RecordedLocal: niaga.LocalTime(d.RecordedAt, host, "15:04")}
}

func dealsOut(ds []niaga.Deal, host, lang string) []DealOut {
	out := make([]DealOut, len(ds))
	for i, d := range ds {
		out[i] = dealOut(d, host, lang)
	}
	return out
}

func missionOut(mi niaga.MissionInfo, lang string) MissionOut {
	p, _ := niaga.ProvinceByCode(mi.HostProvince)
	return MissionOut{MissionInfo: mi, Zone: p.Zone, TZ: p.TZ, DateLocal: mi.LocalDate(),
		OpensLocal: niaga.LocalTime(mi.Opens, mi.HostProvince, "15:04"), ClosesLocal: niaga.LocalTime(mi.Closes, mi.HostProvince, "15:04"),
		TotalDisplay: niaga.FormatRupiah(mi.TotalValue, lang), TargetDisplay: niaga.FormatRupiah(mi.TargetValue, lang)}
}

// explainMatch renders a suggestion's facts in the caller's language, e.g.
// "butuh 200 t Beras medium (≤ Rp 12.000/kg); menawarkan 150 t/bulan @ Rp 11.900/kg".
func explainMatch(m store.MissionMatch, name, lang string) string {
	e := m.Explanation
	qty := func(v int64) string {
		if e.Unit == "kg" && v >= 1000 && v%1000 == 0 {
			return niaga.FormatInt(v/1000, lang) + " t"
		}
		return niaga.FormatInt(v, lang) + " " + e.Unit
	}
	grade := func(g string) string {
		if g == "" {
			if lang == "en" {
				return " (any grade)"
			}
			return " (semua mutu)"
		}
		return " " + g
	}
	if name == "" {
		name = e.Commodity
	}
	var b strings.Builder
	if lang == "en" {
		b.WriteString("needs ")
	} else {
		b.WriteString("butuh ")
	}
	b.WriteString(qty(e.NeedVolume) + " " + name + grade(e.NeedGrade))
	if e.TargetPrice > 0 {
		b.WriteString(" (≤ " + niaga.FormatRupiah(e.TargetPrice, lang) + "/" + e.Unit + ")")
	}
	if lang == "en" {
		b.WriteString("; offers " + qty(e.OfferCapacity) + "/month")
	} else {
		b.WriteString("; menawarkan " + qty(e.OfferCapacity) + "/bulan")
	}
	if e.GradeMatch != matching.GradeExact {
		b.WriteString(grade(e.OfferGrade))
	}
	switch {
	case e.OfferPrice > 0 && lang == "en":
		b.WriteString(" at " + niaga.FormatRupiah(e.OfferPrice, lang) + "/" + e.Unit)
	case e.OfferPrice > 0:
		b.WriteString(" @ " + niaga.FormatRupiah(e.OfferPrice, lang) + "/" + e.Unit)
	case lang == "en":
		b.WriteString(", price on request")
	default:
		b.WriteString(", harga sesuai permintaan")
	}
	return b.String()
}
