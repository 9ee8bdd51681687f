package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/store"
)

// Trade-mission pages: the mission list and page, registration, offers and
// needs, matchmaking, meeting requests, personal agendas, the deal desk,
// agreements, financing requests and the public live board.

// MissionView is a mission with what the viewer is in it.
type MissionView struct {
	Info  niaga.MissionInfo
	Staff bool               // admin or the running agency
	Self  *niaga.Participant // the viewer's organization's approved participation
	Own   *niaga.Participant // the viewer's organization's participation in any state
	// Delegation is the province whose delegation the viewer's agency
	// approves ("" unless it is an agency of the mission's provinces).
	Delegation string
	Parts      []niaga.Participant // as the viewer may see them
}

func (s *Server) loadMission(c *PageCall) (*MissionView, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	info, err := s.db.MissionInfo(c, id)
	if err != nil {
		return nil, err
	}
	mv := &MissionView{Info: info}
	mv.Staff = c.Actor.Is(niaga.RoleAdmin) || c.Actor.Is(niaga.RoleAgency) && c.Actor.OrgID == info.AgencyID
	if mv.Parts, err = s.db.Participants(c, c.Actor, id); err != nil {
		return nil, err
	}
	if c.Actor != nil {
		for i := range mv.Parts {
			if mv.Parts[i].OrgID == c.Actor.OrgID {
				mv.Own = &mv.Parts[i]
				if mv.Own.Status == niaga.ParticipantApproved {
					mv.Self = mv.Own
				}
			}
		}
		if c.Actor.Is(niaga.RoleAgency) {
			if o, err := s.db.Organization(c, c.Actor.OrgID); err == nil && o.Kind == niaga.OrgAgency && info.Involves(o.Province) {
				mv.Delegation = o.Province
			}
		}
	}
	return mv, nil
}

func (mv *MissionView) path(rest string) string {
	return "/missions/" + strconv.FormatInt(mv.Info.ID, 10) + rest
}

// participantName maps participant ids to organization names.
func (mv *MissionView) participantName() map[int64]string {
	m := make(map[int64]string, len(mv.Parts))
	for _, p := range mv.Parts {
		m[p.ID] = p.OrgName
	}
	return m
}

// ---- list and mission page ----

type missionsData struct {
	Missions  []niaga.MissionInfo
	CanCreate bool
	Provinces []niaga.Province
}

func (s *Server) pageMissions(c *PageCall) error {
	ms, err := s.db.Missions(c)
	if err != nil {
		return err
	}
	d := missionsData{Missions: ms, CanCreate: c.Actor.Is(niaga.RoleAgency, niaga.RoleAdmin), Provinces: niaga.Provinces()}
	return c.Render(0, "missions", "missions.title", d)
}

func (s *Server) pageMissionCreate(c *PageCall) error {
	f := c.R.PostForm
	m := niaga.Mission{Title: strings.TrimSpace(f.Get("title")), HostProvince: f.Get("host_province"), Venue: strings.TrimSpace(f.Get("venue"))}
	for _, g := range f["guests"] {
		if g != m.HostProvince {
			m.Guests = append(m.Guests, g)
		}
	}
	var err error
	if m.Opens, err = niaga.ParseLocal(m.HostProvince, f.Get("date"), f.Get("opens")); err != nil {
		err = niaga.Invalid("opens", "required")
	} else if m.Closes, err = niaga.ParseLocal(m.HostProvince, f.Get("date"), f.Get("closes")); err != nil {
		err = niaga.Invalid("closes", "required")
	}
	if err == nil && strings.TrimSpace(f.Get("target_value")) != "" {
		m.TargetValue, err = c.FormInt("target_value")
	}
	if err == nil {
		err = s.db.CreateMission(c, c.Actor, &m)
	}
	if err != nil {
		c.Fail(err)
		c.FieldAs("guest_provinces", "guests", "closes_at", "closes", "opens_at", "opens")
		return s.pageMissions(c)
	}
	return c.Redirect("/missions/"+strconv.FormatInt(m.ID, 10), "flash.mission_created")
}

type missionData struct {
	*MissionView
	Summary    store.MissionSummary
	Businesses []niaga.Organization // staff registers these
	Pending    int                  // participants waiting for verification
}

func (s *Server) pageMission(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	d := missionData{MissionView: mv}
	if d.Summary, err = s.db.MissionSummary(c, mv.Info.ID); err != nil {
		return err
	}
	if mv.Staff {
		if d.Businesses, err = s.db.Organizations(c, niaga.OrgBusiness); err != nil {
			return err
		}
	}
	for _, p := range mv.Parts {
		if mv.Staff && !p.Verified || mv.Delegation == p.Delegation && p.Status == niaga.ParticipantPending {
			d.Pending++
		}
	}
	return c.Render(0, "mission", "mission.title", d, func(v *view) { v.Title = mv.Info.Title })
}

func (s *Server) pageMissionStatus(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if _, err := s.db.SetMissionStatus(c, c.Actor, id, niaga.MissionStatus(c.R.PostFormValue("status"))); err != nil {
		return err
	}
	return c.Redirect("/missions/"+strconv.FormatInt(id, 10), "flash.saved")
}

// pageRegister registers the viewer's business, or (staff) any business.
func (s *Server) pageRegister(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	in := niaga.NewParticipant{Contact: strings.TrimSpace(c.R.PostFormValue("contact")), Delegation: c.R.PostFormValue("delegation")}
	if mv.Staff && c.R.PostFormValue("org_id") != "" {
		if in.OrgID, err = c.FormInt("org_id"); err == nil {
			in.Verified = c.R.PostFormValue("verified") == "on"
		}
	}
	if err == nil {
		_, err = s.db.RegisterParticipant(c, c.Actor, mv.Info.ID, in)
	}
	if err != nil {
		c.Fail(err)
		return s.pageMission(c)
	}
	back := mv.path("")
	if mv.Staff {
		back = mv.path("/participants")
	}
	return c.Redirect(back, "flash.registered")
}

type participantsData struct {
	*MissionView
}

func (s *Server) pageParticipants(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	if !mv.Staff && mv.Delegation == "" {
		return niaga.Errorf(niaga.CodeForbidden, "the participant list is for the running agency and the delegations' agencies")
	}
	if !mv.Staff { // an agency of a delegation decides on its own delegation
		var own []niaga.Participant
		for _, p := range mv.Parts {
			if p.Delegation == mv.Delegation {
				own = append(own, p)
			}
		}
		mv.Parts = own
	}
	return c.Render(0, "participants", "participants.title", participantsData{mv})
}

// pageParticipantDecide approves or refuses joining a delegation.
func (s *Server) pageParticipantDecide(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	pid, err := c.ID("pid")
	if err != nil {
		return err
	}
	if _, err := s.db.DecideParticipant(c, c.Actor, pid, c.R.PostFormValue("decision") == niaga.ParticipantApproved); err != nil {
		return err
	}
	return c.Redirect(mv.path("/participants"), "flash.saved")
}

func (s *Server) pageParticipantVerify(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	pid, err := c.ID("pid")
	if err != nil {
		return err
	}
	if _, err := s.db.VerifyParticipant(c, c.Actor, pid, c.R.PostFormValue("verified") == "true"); err != nil {
		return err
	}
	return c.Redirect(mv.path("/participants"), "flash.saved")
}

// ---- offers and needs ----

type listingsData struct {
	*MissionView
	Offers      []niaga.MissionOffer
	Needs       []niaga.MissionNeed
	Name        map[int64]string
	Delegation  map[int64]string
	Commodities []niaga.Commodity
	CanList     bool
}

func (s *Server) pageListings(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	d := listingsData{MissionView: mv, Name: mv.participantName(), Delegation: map[int64]string{}, CanList: mv.Staff || mv.Self != nil}
	for _, p := range mv.Parts {
		d.Delegation[p.ID] = p.Delegation
	}
	if d.Offers, err = s.db.Offers(c, mv.Info.ID); err != nil {
		return err
	}
	if d.Needs, err = s.db.Needs(c, mv.Info.ID); err != nil {
		return err
	}
	if d.Commodities, err = s.db.Commodities(c); err != nil {
		return err
	}
	return c.Render(0, "listings", "listings.title", d, func(v *view) { v.Title = v.T("listings.title") + " · " + mv.Info.Title })
}

func (s *Server) pageListingAdd(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	f := c.R.PostForm
	com, grade, _ := strings.Cut(f.Get("commodity_grade"), "|")
	var pid int64
	if mv.Staff && f.Get("participant_id") != "" {
		pid, err = c.FormInt("participant_id")
	} else if mv.Self != nil {
		pid = mv.Self.ID
	}
	amount := func(name string) int64 {
		if err != nil || strings.TrimSpace(f.Get(name)) == "" {
			return 0
		}
		v, e := c.FormInt(name)
		if e != nil {
			err = e
		}
		return v
	}
	qty, price := amount("quantity"), amount("price")
	note := strings.TrimSpace(f.Get("note"))
	if err == nil {
		if f.Get("side") == "need" {
			err = s.db.AddNeed(c, c.Actor, mv.Info.ID, &niaga.MissionNeed{ParticipantID: pid, Commodity: com, Grade: grade, Volume: qty, TargetPrice: price, Note: note})
		} else {
			err = s.db.AddOffer(c, c.Actor, mv.Info.ID, &niaga.MissionOffer{ParticipantID: pid, Commodity: com, Grade: grade, MonthlyCapacity: qty, Price: price, Note: note})
		}
	}
	if err != nil {
		c.Fail(err)
		c.FieldAs("monthly_capacity", "quantity", "volume", "quantity", "target_price", "price", "grade", "commodity")
		return s.pageListings(c)
	}
	return c.Redirect(mv.path("/listings"), "flash.saved")
}

// ---- matchmaking, meetings, agenda ----

type matchesData struct {
	*MissionView
	Matches []store.MissionMatch
	Asked   map[[2]int64]string // pair → status of a live request
}

func (s *Server) pageMatches(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	d := matchesData{MissionView: mv, Asked: map[[2]int64]string{}}
	if d.Matches, err = s.db.MissionMatches(c, c.Actor, mv.Info.ID, store.MatchOptions{Limit: 50}); err != nil {
		return err
	}
	if reqs, err := s.db.MeetingRequests(c, c.Actor, mv.Info.ID); err == nil {
		for _, r := range reqs {
			if r.Status == "pending" || r.Status == "accepted" {
				d.Asked[[2]int64{r.From, r.To}] = string(r.Status)
				d.Asked[[2]int64{r.To, r.From}] = string(r.Status)
			}
		}
	}
	return c.Render(0, "matches", "matches.title", d, func(v *view) { v.Title = v.T("matches.title") + " · " + mv.Info.Title })
}

// Asked returns the status of a live request between two participants.
func (d matchesData) AskedFor(a, b int64) string { return d.Asked[[2]int64{a, b}] }

func (s *Server) pageMeetingRequest(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	f := c.R.PostForm
	var in niaga.NewMeetingRequest
	num := func(name string) int64 {
		v, _ := strconv.ParseInt(f.Get(name), 10, 64)
		return v
	}
	in.From, in.To, in.NeedID, in.OfferID = num("from"), num("to"), num("need_id"), num("offer_id")
	in.Message, in.Virtual, in.Link = f.Get("message"), f.Get("virtual") == "on", f.Get("link")
	if _, err := s.db.RequestMeeting(c, c.Actor, mv.Info.ID, in); err != nil {
		c.Fail(err)
		return s.pageMatches(c)
	}
	return c.Redirect(mv.path("/meetings"), "flash.meeting_requested")
}

type meetingsData struct {
	*MissionView
	Incoming, Outgoing, Others []store.MeetingRequest
	Schedule                   *store.MeetingSchedule
}

func (s *Server) pageMeetings(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	reqs, err := s.db.MeetingRequests(c, c.Actor, mv.Info.ID)
	if err != nil {
		return err
	}
	d := meetingsData{MissionView: mv}
	for _, r := range slices.Backward(reqs) {
		switch {
		case mv.Self != nil && r.To == mv.Self.ID:
			d.Incoming = append(d.Incoming, r)
		case mv.Self != nil && r.From == mv.Self.ID:
			d.Outgoing = append(d.Outgoing, r)
		default:
			d.Others = append(d.Others, r)
		}
	}
	if mv.Staff {
		if sch, err := s.db.MissionSchedule(c, c.Actor, mv.Info.ID); err == nil {
			d.Schedule = &sch
		}
	}
	return c.Render(0, "meetings", "meetings.title", d, func(v *view) { v.Title = v.T("meetings.title") + " · " + mv.Info.Title })
}

func (s *Server) pageMeetingAnswer(c *PageCall) error {
	id, err := c.ID("rid")
	if err != nil {
		return err
	}
	mid, err := c.ID("id")
	if err != nil {
		return err
	}
	switch c.R.PostFormValue("answer") {
	case "accept", "decline":
		_, err = s.db.AnswerMeeting(c, c.Actor, id, c.R.PostFormValue("answer") == "accept", c.R.PostFormValue("note"))
	case "cancel":
		_, err = s.db.CancelMeeting(c, c.Actor, id)
	default:
		err = niaga.Invalid("answer", "required")
	}
	if err != nil {
		return err
	}
	return c.Redirect("/missions/"+strconv.FormatInt(mid, 10)+"/meetings", "flash.saved")
}

func (s *Server) pageSchedule(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	p := store.ScheduleParams{SlotMinutes: 30}
	if v, e := c.FormInt("slot_minutes"); e == nil {
		p.SlotMinutes = int(v)
	}
	if v, e := c.FormInt("tables"); e == nil {
		p.Tables = int(v)
	}
	if _, err := s.db.ScheduleMission(c, c.Actor, mv.Info.ID, p); err != nil {
		c.Fail(err)
		return s.pageMeetings(c)
	}
	return c.Redirect(mv.path("/meetings"), "flash.scheduled")
}

type agendaData struct {
	*MissionView
	Agenda store.Agenda
}

func (s *Server) pageAgenda(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	var pid int64
	if v := c.R.URL.Query().Get("participant"); v != "" && mv.Staff {
		pid, _ = strconv.ParseInt(v, 10, 64)
	} else if mv.Self != nil {
		pid = mv.Self.ID
	}
	if pid == 0 {
		return niaga.Errorf(niaga.CodeNotFound, "not a participant of this mission")
	}
	ag, err := s.db.ParticipantAgenda(c, c.Actor, pid)
	if err != nil {
		return err
	}
	return c.Render(0, "agenda", "agenda.title", agendaData{mv, ag}, func(v *view) { v.Title = v.T("agenda.title") + " · " + ag.Participant.OrgName })
}

// ---- the deal desk ----

type deskData struct {
	*MissionView
	Deals       []niaga.Deal
	Summary     store.MissionSummary
	Commodities []niaga.Commodity
	Kinds       []niaga.DealKind
	Verified    []niaga.Participant
	Banks       []niaga.Organization
	Guarantors  []niaga.Organization
}

func (s *Server) pageDesk(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	d := deskData{MissionView: mv, Kinds: niaga.DealKinds}
	if d.Deals, err = s.db.Deals(c, c.Actor, mv.Info.ID); err != nil {
		return err
	}
	slices.Reverse(d.Deals)
	if len(d.Deals) > 50 {
		d.Deals = d.Deals[:50]
	}
	if d.Summary, err = s.db.MissionSummary(c, mv.Info.ID); err != nil {
		return err
	}
	if d.Commodities, err = s.db.Commodities(c); err != nil {
		return err
	}
	for _, p := range mv.Parts {
		if p.Verified {
			d.Verified = append(d.Verified, p)
		}
	}
	if d.Banks, err = s.db.Organizations(c, niaga.OrgBank); err != nil {
		return err
	}
	if d.Guarantors, err = s.db.Organizations(c, niaga.OrgGuarantor); err != nil {
		return err
	}
	return c.Render(0, "desk", "desk.title", d, func(v *view) { v.Title = v.T("desk.title") + " · " + mv.Info.Title })
}

func (s *Server) pageDealRecord(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	f := c.R.PostForm
	in := niaga.NewDeal{Commodity: f.Get("commodity"), Kind: niaga.DealKind(f.Get("kind")), Note: f.Get("note"), IdempotencyKey: f.Get("idem")}
	num := func(name string) int64 {
		if err != nil || strings.TrimSpace(f.Get(name)) == "" {
			return 0
		}
		v, e := c.FormInt(name)
		if e != nil {
			err = e
		}
		return v
	}
	in.SellerID, in.BuyerID, in.Quantity, in.Value = num("seller_id"), num("buyer_id"), num("quantity"), num("value")
	if err == nil {
		_, _, err = s.db.RecordDeal(c, c.Actor, mv.Info.ID, in)
	}
	if err != nil {
		c.Fail(err)
		return s.pageDesk(c)
	}
	return c.Redirect(mv.path("/desk"), "flash.deal_recorded")
}

func (s *Server) pageDealAction(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	deal, err := s.db.Deal(c, id)
	if err != nil {
		return err
	}
	f := c.R.PostForm
	switch f.Get("action") {
	case "reverse":
		_, err = s.db.ReverseDeal(c, c.Actor, id, f.Get("reason"))
	case "validated", "disputed":
		_, err = s.db.ValidateDeal(c, c.Actor, id, f.Get("action"), f.Get("note"))
	case "financing":
		in := niaga.NewFinancing{Purpose: f.Get("purpose")}
		num := func(name string) int64 {
			v, _ := strconv.ParseInt(strings.NewReplacer(".", "", ",", "").Replace(strings.TrimSpace(f.Get(name))), 10, 64)
			return v
		}
		in.BankID, in.GuarantorID, in.Amount, in.TenorMonths = num("bank_id"), num("guarantor_id"), num("amount"), num("tenor_months")
		_, err = s.db.RequestFinancing(c, c.Actor, id, in)
	default:
		err = niaga.Invalid("action", "required")
	}
	back := "/missions/" + strconv.FormatInt(deal.MissionID, 10) + "/desk"
	if err != nil {
		c.Fail(err)
		c.R.SetPathValue("id", strconv.FormatInt(deal.MissionID, 10))
		return s.pageDesk(c)
	}
	return c.Redirect(back, "flash.saved")
}

// ---- agreements and financing ----

type agreementsData struct {
	*MissionView
	Agreements []niaga.Agreement
	Orgs       []niaga.Organization
	OrgName    map[int64]string
}

func (s *Server) pageAgreements(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	d := agreementsData{MissionView: mv}
	if d.Agreements, err = s.db.Agreements(c, mv.Info.ID); err != nil {
		return err
	}
	if mv.Staff {
		all, err := s.db.Organizations(c, "")
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.Kind != niaga.OrgBusiness {
				d.Orgs = append(d.Orgs, o)
			}
		}
	}
	return c.Render(0, "agreements", "agreements.title", d, func(v *view) { v.Title = v.T("agreements.title") + " · " + mv.Info.Title })
}

func (s *Server) pageAgreementCreate(c *PageCall) error {
	mv, err := s.loadMission(c)
	if err != nil {
		return err
	}
	f := c.R.PostForm
	ag := niaga.Agreement{Kind: f.Get("kind"), Title: f.Get("title"), Sector: f.Get("sector"), SignedOn: f.Get("signed_on"), DocumentRef: f.Get("document_ref")}
	for _, v := range f["party_org"] {
		if id, e := strconv.ParseInt(v, 10, 64); e == nil && id > 0 {
			ag.Parties = append(ag.Parties, niaga.AgreementParty{OrgID: id})
		}
	}
	for _, line := range strings.Split(f.Get("party_names"), "\n") {
		if name := strings.TrimSpace(line); name != "" {
			ag.Parties = append(ag.Parties, niaga.AgreementParty{Name: name})
		}
	}
	if err := s.db.CreateAgreement(c, c.Actor, mv.Info.ID, &ag); err != nil {
		c.Fail(err)
		return s.pageAgreements(c)
	}
	return c.Redirect(mv.path("/agreements"), "flash.agreement_created")
}

type financingData struct {
	Requests []niaga.FinancingRequest
	Mission  map[int64]niaga.MissionInfo
	IsBank   bool
	OrgID    int64
}

func (s *Server) pageFinancing(c *PageCall) error {
	reqs, err := s.db.FinancingRequests(c, c.Actor, 0)
	if err != nil {
		return err
	}
	d := financingData{Requests: reqs, Mission: map[int64]niaga.MissionInfo{}, IsBank: c.Actor.Is(niaga.RoleBank), OrgID: c.Actor.OrgID}
	if ms, err := s.db.Missions(c); err == nil {
		for _, m := range ms {
			d.Mission[m.ID] = m
		}
	}
	return c.Render(0, "financing", "financing.title", d)
}

func (s *Server) pageFinancingAnswer(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	f := c.R.PostForm
	var amount int64
	if strings.TrimSpace(f.Get("approved_amount")) != "" {
		if amount, err = c.FormInt("approved_amount"); err != nil {
			c.Fail(err)
			return s.pageFinancing(c)
		}
	}
	switch f.Get("answer") {
	case "approve", "decline":
		_, err = s.db.AnswerFinancing(c, c.Actor, id, f.Get("answer") == "approve", amount, f.Get("note"))
	case "withdraw":
		_, err = s.db.WithdrawFinancing(c, c.Actor, id)
	default:
		err = niaga.Invalid("answer", "required")
	}
	if err != nil {
		c.Fail(err)
		return s.pageFinancing(c)
	}
	return c.Redirect("/financing", "flash.saved")
}

// ---- the public live board ----

// boardData is what the big screen starts from; the stream moves it on.
type boardData struct {
	Summary store.MissionSummary
	Stream  string
	Zone    niaga.Province
	Config  string // JSON for data attributes (html/template escapes them)
	Initial string
	Percent int64 // of the target value
	Now     time.Time
}

// boardConfig is what board.js needs to format and label what arrives.
type boardConfig struct {
	Lang        string            `json:"lang"`
	Currency    string            `json:"currency"` // "Rp " or "IDR "
	Commodities map[string]string `json:"commodities"`
	Provinces   map[string]string `json:"provinces"`
	Zone        string            `json:"zone"`
	TZ          string            `json:"tz"`
	DataURL     string            `json:"data_url"`
	Labels      map[string]string `json:"labels"`
}

func (s *Server) boardSummary(c *PageCall) (store.MissionSummary, error) {
	id, err := c.ID("id")
	if err != nil {
		return store.MissionSummary{}, err
	}
	return s.db.MissionSummary(c, id)
}

func (s *Server) pageBoard(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	// The event id first, then the summary: an event in between arrives
	// twice at worst, and the board sets totals from each event, so a
	// repeat changes nothing.
	last := s.lastEventID(c, store.MissionTopic(id))
	sum, err := s.db.MissionSummary(c, id)
	if err != nil {
		return err
	}
	kiosk := c.R.URL.Query().Get("kiosk") == "1" // the hall's big screen: the board alone
	c.Lang = boardLang(c.R, &sum.Mission, kiosk)
	host, _ := niaga.ProvinceByCode(sum.Mission.HostProvince)
	cfg := boardConfig{Lang: c.Lang, Currency: strings.TrimSuffix(niaga.FormatRupiah(0, c.Lang), "0"), Commodities: map[string]string{}, Provinces: map[string]string{},
		Zone: host.Zone, TZ: host.TZ, DataURL: "/missions/" + strconv.FormatInt(id, 10) + "/board/data?lang=" + c.Lang,
		Labels: map[string]string{"sell": c.T("board.side_sell"), "buy": c.T("board.side_buy"), "invest": c.T("board.side_invest"), "other": c.T("board.side_other"),
			"reversal": c.T("board.reversal"), "live": c.T("board.live"), "offline": c.T("board.offline"),
			"status_planned": c.T("mission.status_planned"), "status_open": c.T("mission.status_open"), "status_closed": c.T("mission.status_closed")}}
	for code, com := range c.commodities() {
		cfg.Commodities[code] = com.Name(c.Lang)
	}
	for _, p := range niaga.Provinces() {
		cfg.Provinces[p.Code] = p.Name
	}
	b, _ := json.Marshal(cfg)
	initial, _ := json.Marshal(s.boardJSON(c, sum))
	d := boardData{Summary: sum, Zone: host, Config: string(b), Initial: string(initial), Now: time.Now(),
		Stream: "/api/v1/missions/" + strconv.FormatInt(id, 10) + "/stream?heartbeat=1&last_event_id=" + strconv.FormatInt(last, 10)}
	if t := sum.Mission.TargetValue; t > 0 {
		d.Percent = min(100, max(0, sum.TotalValue/(t/100+1)))
	}
	return c.Render(0, "board", "board.title", d, func(v *view) {
		v.Title = sum.Mission.Title
		v.Wide = true
		v.Kiosk = kiosk
		v.Scripts = []string{"vendor/chart.umd.min.js", "live.js", "board.js"}
	})
}

// boardJSON is the board's chart data, labelled in the viewer's language.
type boardJSON struct {
	TotalValue  int64       `json:"total_value"`
	Count       int64       `json:"count"`
	ByCommodity []chartItem `json:"by_commodity"`
	ByDirection []chartItem `json:"by_direction"`
	BySide      []chartItem `json:"by_side"`
}

type chartItem struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value int64  `json:"value"`
	Count int64  `json:"count"`
}

func (s *Server) pageBoardData(c *PageCall) error {
	sum, err := s.boardSummary(c)
	if err != nil {
		return err
	}
	c.Lang = boardLang(c.R, &sum.Mission, true) // the board asks in its own language
	b, err := json.Marshal(s.boardJSON(c, sum))
	if err != nil {
		return err
	}
	h := c.W.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	c.W.WriteHeader(http.StatusOK)
	c.W.Write(b)
	return nil
}

func (s *Server) boardJSON(c *PageCall, sum store.MissionSummary) boardJSON {
	com := c.commodities()
	out := boardJSON{TotalValue: sum.TotalValue, Count: sum.Count, ByCommodity: []chartItem{}, ByDirection: []chartItem{}, BySide: []chartItem{}}
	for _, g := range sum.ByCommodity {
		label := g.Key
		if x, ok := com[g.Key]; ok {
			label = x.Name(c.Lang)
		}
		out.ByCommodity = append(out.ByCommodity, chartItem{g.Key, label, g.Value, g.Count})
	}
	for _, f := range sum.ByDirection {
		out.ByDirection = append(out.ByDirection, chartItem{f.From + ">" + f.To, provinceName(f.From) + " → " + provinceName(f.To), f.Value, f.Count})
	}
	for _, g := range sum.BySide {
		out.BySide = append(out.BySide, chartItem{g.Key, c.T("board.side_" + g.Key), g.Value, g.Count})
	}
	return out
}

func provinceName(code string) string {
	if p, ok := niaga.ProvinceByCode(code); ok {
		return p.Name
	}
	return code
}
