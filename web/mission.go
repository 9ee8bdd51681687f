package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"niaga"
	"niaga/matching"
	"niaga/store"
)

// expiryEvery is how often the background sweep expires meeting requests.
const expiryEvery = time.Minute

// routeMissions registers the trade-mission API.
func (s *Server) routeMissions() {
	staff := Only(niaga.RoleAdmin, niaga.RoleAgency)
	actors := Only(niaga.RoleAdmin, niaga.RoleAgency, niaga.RoleBusiness)
	bank := Only(niaga.RoleBank)
	const tag = "missions"

	// Missions.
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions", ID: "listMissions", Summary: "All trade missions, newest first, with totals", Tag: tag, Policy: &Public},
		func(c *Call, _ *NoBody) ([]MissionOut, error) {
			list, err := s.db.Missions(c)
			out := make([]MissionOut, len(list))
			for i, m := range list {
				out[i] = missionOut(m, c.Lang())
			}
			return out, err
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions", ID: "createMission", Summary: "Plan a mission (an agency of the host or a guest province, or the admin naming one)", Tag: tag, Policy: &staff, Status: http.StatusCreated},
		func(c *Call, in *MissionInput) (MissionOut, error) {
			m, err := in.mission()
			if err != nil {
				return MissionOut{}, err
			}
			if err := s.db.CreateMission(c, c.Actor, &m); err != nil {
				return MissionOut{}, err
			}
			return s.missionOut(c, m.ID)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/history", ID: "missionHistory", Summary: "All missions with totals per year, cumulative, and per partner province", Tag: tag, Policy: &Public, Query: []string{"province"}},
		func(c *Call, _ *NoBody) (MissionHistoryOut, error) {
			h, err := s.db.MissionHistory(c, c.R.URL.Query().Get("province"))
			return MissionHistoryOut{MissionHistory: h, TotalDisplay: niaga.FormatRupiah(h.Total, c.Lang())}, err
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}", ID: "getMission", Summary: "One mission with its local times and totals", Tag: tag, Policy: &Public},
		func(c *Call, _ *NoBody) (MissionOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return MissionOut{}, err
			}
			return s.missionOut(c, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/status", ID: "setMissionStatus", Summary: "Open or close a mission (planned → open → closed; the running agency)", Tag: tag, Policy: &staff},
		func(c *Call, in *MissionStatusInput) (MissionOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return MissionOut{}, err
			}
			if _, err := s.db.SetMissionStatus(c, c.Actor, id, in.Status); err != nil {
				return MissionOut{}, err
			}
			return s.missionOut(c, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/staff", ID: "addMissionStaff", Summary: "Appoint an organization as mission desk or deal validator", Tag: tag, Policy: &staff, Status: http.StatusNoContent},
		func(c *Call, in *StaffInput) (struct{}, error) {
			id, err := c.ID("id")
			if err != nil {
				return struct{}{}, err
			}
			return struct{}{}, s.db.AddMissionStaff(c, c.Actor, id, in.OrgID, in.Role)
		})

	// Delegations, offers and needs.
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/participants", ID: "listParticipants", Summary: "The mission's participants by delegation (contacts for the mission's staff and the participant itself; pending ones for staff, themselves and their delegation's agency)", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) ([]niaga.Participant, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			return s.db.Participants(c, c.Actor, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/participants", ID: "registerParticipant", Summary: "Register to a delegation (a business itself; the running agency any business)", Tag: tag, Policy: &actors, Status: http.StatusCreated},
		func(c *Call, in *ParticipantInput) (niaga.Participant, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Participant{}, err
			}
			return s.db.RegisterParticipant(c, c.Actor, id, niaga.NewParticipant{OrgID: in.OrgID, Delegation: in.Delegation, Contact: in.Contact, Verified: in.Verified})
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/participants/{id}/verify", ID: "verifyParticipant", Summary: "Verify a participant (the running agency)", Tag: tag, Policy: &staff},
		func(c *Call, in *VerifyInput) (niaga.Participant, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Participant{}, err
			}
			return s.db.VerifyParticipant(c, c.Actor, id, in.Verified)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/participants/{id}/decision", ID: "decideParticipant", Summary: "Approve or refuse joining a delegation (the agency of that delegation's province, the running agency or the admin)", Tag: tag, Policy: &staff},
		func(c *Call, in *ParticipantDecisionInput) (niaga.Participant, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Participant{}, err
			}
			return s.db.DecideParticipant(c, c.Actor, id, in.Decision == niaga.ParticipantApproved)
		})
	Handle(s, Route{Method: "PUT", Path: "/api/v1/participants/{id}/unavailability", ID: "setUnavailability", Summary: "Replace the local times a participant cannot meet", Tag: tag, Policy: &SignedIn},
		func(c *Call, in *UnavailabilityInput) ([]niaga.TimeSpan, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			p, err := s.db.Participant(c, id)
			if err != nil {
				return nil, err
			}
			m, err := s.db.Mission(c, p.MissionID)
			if err != nil {
				return nil, err
			}
			spans, err := missionSpans(&m, in.Ranges, "ranges")
			if err != nil {
				return nil, err
			}
			if err := s.db.SetUnavailability(c, c.Actor, id, spans); err != nil {
				return nil, err
			}
			return s.db.Unavailability(c, id)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/offers", ID: "listOffers", Summary: "What the participants sell", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) ([]niaga.MissionOffer, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			if _, err := s.db.Mission(c, id); err != nil {
				return nil, err
			}
			return s.db.Offers(c, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/offers", ID: "createOffer", Summary: "Add an offer (own, or for a participant by the running agency)", Tag: tag, Policy: &actors, Status: http.StatusCreated},
		func(c *Call, in *OfferInput) (niaga.MissionOffer, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.MissionOffer{}, err
			}
			o := niaga.MissionOffer{ParticipantID: in.ParticipantID, Commodity: in.Commodity, Grade: in.Grade, MonthlyCapacity: in.MonthlyCapacity, Price: in.Price, Note: in.Note}
			err = s.db.AddOffer(c, c.Actor, id, &o)
			return o, err
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/needs", ID: "listNeeds", Summary: "What the participants buy", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) ([]niaga.MissionNeed, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			if _, err := s.db.Mission(c, id); err != nil {
				return nil, err
			}
			return s.db.Needs(c, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/needs", ID: "createNeed", Summary: "Add a need (own, or for a participant by the running agency)", Tag: tag, Policy: &actors, Status: http.StatusCreated},
		func(c *Call, in *NeedInput) (niaga.MissionNeed, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.MissionNeed{}, err
			}
			n := niaga.MissionNeed{ParticipantID: in.ParticipantID, Commodity: in.Commodity, Grade: in.Grade, Volume: in.Volume, TargetPrice: in.TargetPrice, Note: in.Note}
			err = s.db.AddNeed(c, c.Actor, id, &n)
			return n, err
		})
	for _, kind := range []string{store.ImportParticipants, store.ImportOffers, store.ImportNeeds} {
		HandleRaw(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/import/" + kind, ID: "import" + strings.ToUpper(kind[:1]) + kind[1:],
			Summary: "Bulk import of " + kind + " from CSV or XLSX (text/csv, the XLSX type, or multipart field \"file\"); all rows or none, errors per row",
			Tag:     tag, Policy: &staff, Query: []string{"dry_run"}, Produces: "application/json"},
			func(c *Call) error { return s.importRows(c, kind) })
	}

	// Matchmaking, meetings, schedule, agendas.
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/matches", ID: "listMatches", Summary: "Matchmaking suggestions with scores and explanations (a participant sees its own)", Tag: tag, Policy: &SignedIn,
		Query: []string{"participant", "min_score", "per_need", "limit"}},
		func(c *Call, _ *NoBody) ([]MissionMatchOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			opt, err := matchOptions(c)
			if err != nil {
				return nil, err
			}
			ms, err := s.db.MissionMatches(c, c.Actor, id, opt)
			if err != nil {
				return nil, err
			}
			cs, err := s.db.Commodities(c)
			if err != nil {
				return nil, err
			}
			names := map[string]string{}
			for _, x := range cs {
				names[x.Code] = x.Name(c.Lang())
			}
			out := make([]MissionMatchOut, len(ms))
			for i, m := range ms {
				out[i] = MissionMatchOut{MissionMatch: m, Text: explainMatch(m, names[m.Explanation.Commodity], c.Lang())}
			}
			return out, nil
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/meetings", ID: "listMeetingRequests", Summary: "Meeting requests (a participant sees its own)", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) ([]store.MeetingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			return s.db.MeetingRequests(c, c.Actor, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/meetings", ID: "requestMeeting", Summary: "Ask another participant for a one-to-one meeting", Tag: tag, Policy: &actors, Status: http.StatusCreated},
		func(c *Call, in *MeetingInput) (store.MeetingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return store.MeetingRequest{}, err
			}
			return s.db.RequestMeeting(c, c.Actor, id, niaga.NewMeetingRequest{From: in.From, To: in.To, NeedID: in.NeedID, OfferID: in.OfferID,
				Message: in.Message, Virtual: in.Virtual, Link: in.Link})
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/meetings/{id}/answer", ID: "answerMeetingRequest", Summary: "Accept or decline a meeting request (the invited participant)", Tag: tag, Policy: &SignedIn},
		func(c *Call, in *MeetingAnswerInput) (store.MeetingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return store.MeetingRequest{}, err
			}
			return s.db.AnswerMeeting(c, c.Actor, id, in.Accept, in.Answer)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/meetings/{id}/cancel", ID: "cancelMeetingRequest", Summary: "Withdraw a request or cancel an accepted meeting", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) (store.MeetingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return store.MeetingRequest{}, err
			}
			return s.db.CancelMeeting(c, c.Actor, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/schedule", ID: "scheduleMeetings", Summary: "Run the scheduler: accepted meetings into slots and tables (local times)", Tag: tag, Policy: &staff},
		func(c *Call, in *MeetingScheduleInput) (MeetingScheduleOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return MeetingScheduleOut{}, err
			}
			m, err := s.db.Mission(c, id)
			if err != nil {
				return MeetingScheduleOut{}, err
			}
			p, err := in.params(&m)
			if err != nil {
				return MeetingScheduleOut{}, err
			}
			sch, err := s.db.ScheduleMission(c, c.Actor, id, p)
			if err != nil {
				return MeetingScheduleOut{}, err
			}
			return scheduleOut(&m, sch), nil
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/schedule", ID: "getSchedule", Summary: "Table sheets: every slot with its meetings by table (mission staff)", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) (MeetingScheduleOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return MeetingScheduleOut{}, err
			}
			m, err := s.db.Mission(c, id)
			if err != nil {
				return MeetingScheduleOut{}, err
			}
			sch, err := s.db.MissionSchedule(c, c.Actor, id)
			if err != nil {
				return MeetingScheduleOut{}, err
			}
			return scheduleOut(&m, sch), nil
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/participants/{id}/agenda", ID: "participantAgenda", Summary: "A participant's personal agenda in local time", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) (AgendaOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return AgendaOut{}, err
			}
			ag, err := s.db.ParticipantAgenda(c, c.Actor, id)
			if err != nil {
				return AgendaOut{}, err
			}
			return agendaOut(ag), nil
		})

	// Deals.
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/deals", ID: "listDeals", Summary: "The mission's deal ledger, corrections included (staff and participants)", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) ([]DealOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			ds, err := s.db.Deals(c, c.Actor, id)
			if err != nil {
				return nil, err
			}
			m, err := s.db.Mission(c, id)
			return dealsOut(ds, m.HostProvince, c.Lang()), err
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/deals", ID: "recordDeal", Summary: "Record a deal while the mission is open (a party or the mission desk); Idempotency-Key makes retries safe", Tag: tag, Policy: &actors,
		Status: http.StatusCreated, Headers: []string{"Idempotency-Key"}},
		func(c *Call, in *DealInput) (DealOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return DealOut{}, err
			}
			key := c.R.Header.Get("Idempotency-Key")
			if len(key) > 200 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
				return DealOut{}, niaga.Invalid("Idempotency-Key", "at most 200 visible ASCII characters")
			}
			nd := in.newDeal()
			nd.IdempotencyKey = key
			d, replayed, err := s.db.RecordDeal(c, c.Actor, id, nd)
			if err != nil {
				return DealOut{}, err
			}
			if replayed {
				c.W.Header().Set("Idempotent-Replayed", "true")
			}
			return s.dealOut(c, d)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/deals/{id}", ID: "getDeal", Summary: "One deal entry", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) (DealOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return DealOut{}, err
			}
			d, err := s.db.DealFor(c, c.Actor, id)
			if err != nil {
				return DealOut{}, err
			}
			return s.dealOut(c, d)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/deals/{id}/reverse", ID: "reverseDeal", Summary: "Correct a deal by a reversing entry (the original is never edited)", Tag: tag, Policy: &actors, Status: http.StatusCreated},
		func(c *Call, in *DealReverseInput) (DealOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return DealOut{}, err
			}
			d, err := s.db.ReverseDeal(c, c.Actor, id, in.Reason)
			if err != nil {
				return DealOut{}, err
			}
			return s.dealOut(c, d)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/deals/{id}/validate", ID: "validateDeal", Summary: "Validate or dispute a deal (the organizer or an appointed validator)", Tag: tag, Policy: &staff},
		func(c *Call, in *DealValidationInput) (DealOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return DealOut{}, err
			}
			d, err := s.db.ValidateDeal(c, c.Actor, id, in.Status, in.Note)
			if err != nil {
				return DealOut{}, err
			}
			return s.dealOut(c, d)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/deals/{id}/realizations", ID: "recordRealization", Summary: "Follow a deal up: value realized after the event", Tag: tag, Policy: &actors, Status: http.StatusCreated},
		func(c *Call, in *RealizationInput) (DealOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return DealOut{}, err
			}
			d, err := s.db.RecordRealization(c, c.Actor, id, in.Amount, in.Note)
			if err != nil {
				return DealOut{}, err
			}
			return s.dealOut(c, d)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/followup", ID: "missionFollowUp", Summary: "Realized against committed value, deal by deal", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) (FollowUpOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return FollowUpOut{}, err
			}
			f, err := s.db.FollowUp(c, c.Actor, id)
			lang := c.Lang()
			return FollowUpOut{FollowUp: f, CommittedDisplay: niaga.FormatRupiah(f.Committed, lang), RealizedDisplay: niaga.FormatRupiah(f.Realized, lang)}, err
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/summary", ID: "missionSummary", Summary: "The live board: totals by commodity, direction and kind, latest deals, local clock", Tag: tag, Policy: &Public},
		func(c *Call, _ *NoBody) (SummaryOut, error) {
			id, err := c.ID("id")
			if err != nil {
				return SummaryOut{}, err
			}
			sum, err := s.db.MissionSummary(c, id)
			if err != nil {
				return SummaryOut{}, err
			}
			return s.summaryOut(c, sum, time.Now())
		})
	HandleRaw(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/stream", ID: "missionStream", Summary: "Server-sent events of the mission (deal, validation, status, schedule); resumable with Last-Event-ID", Tag: tag, Policy: &Public,
		Query: []string{"last_event_id"}, Headers: []string{"Last-Event-ID"}, Produces: "text/event-stream"},
		func(c *Call) error {
			id, err := c.ID("id")
			if err != nil {
				return err
			}
			if _, err := s.db.Mission(c, id); err != nil {
				return err
			}
			return s.Stream(c, store.MissionTopic(id))
		})
	HandleRaw(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/staff/stream", ID: "missionStaffStream", Summary: "Server-sent events of the mission with whole ledger entries (the mission's staff); resumable with Last-Event-ID", Tag: tag, Policy: &SignedIn,
		Query: []string{"last_event_id"}, Headers: []string{"Last-Event-ID"}, Produces: "text/event-stream"},
		func(c *Call) error {
			id, err := c.ID("id")
			if err != nil {
				return err
			}
			if err := s.db.CanWatchMissionStaff(c, c.Actor, id); err != nil {
				return err
			}
			return s.Stream(c, store.MissionStaffTopic(id))
		})

	// Agreements and financing.
	Handle(s, Route{Method: "GET", Path: "/api/v1/missions/{id}/agreements", ID: "listAgreements", Summary: "MoUs and cooperation agreements signed at the mission", Tag: tag, Policy: &Public},
		func(c *Call, _ *NoBody) ([]niaga.Agreement, error) {
			id, err := c.ID("id")
			if err != nil {
				return nil, err
			}
			return s.db.Agreements(c, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/missions/{id}/agreements", ID: "createAgreement", Summary: "Record an MoU or PKS (the running agency)", Tag: tag, Policy: &staff, Status: http.StatusCreated},
		func(c *Call, in *AgreementInput) (niaga.Agreement, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.Agreement{}, err
			}
			ag := niaga.Agreement{Kind: in.Kind, Title: in.Title, Sector: in.Sector, SignedOn: in.SignedOn, DocumentRef: in.DocumentRef, Parties: in.Parties}
			err = s.db.CreateAgreement(c, c.Actor, id, &ag)
			return ag, err
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/deals/{id}/financing", ID: "requestFinancing", Summary: "Ask a bank to finance a deal, optionally with a guarantor", Tag: tag, Policy: &actors, Status: http.StatusCreated},
		func(c *Call, in *FinancingInput) (niaga.FinancingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.FinancingRequest{}, err
			}
			return s.db.RequestFinancing(c, c.Actor, id, niaga.NewFinancing{BankID: in.BankID, GuarantorID: in.GuarantorID, Amount: in.Amount, TenorMonths: in.TenorMonths, Purpose: in.Purpose})
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/financing", ID: "listFinancing", Summary: "Financing requests you may see (a bank: those addressed to it)", Tag: tag, Policy: &SignedIn, Query: []string{"mission"}},
		func(c *Call, _ *NoBody) ([]niaga.FinancingRequest, error) {
			mission, err := c.QueryInt("mission", 0)
			if err != nil {
				return nil, err
			}
			return s.db.FinancingRequests(c, c.Actor, mission)
		})
	Handle(s, Route{Method: "GET", Path: "/api/v1/financing/{id}", ID: "getFinancing", Summary: "One financing request", Tag: tag, Policy: &SignedIn},
		func(c *Call, _ *NoBody) (niaga.FinancingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.FinancingRequest{}, err
			}
			return s.db.FinancingRequest(c, c.Actor, id)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/financing/{id}/answer", ID: "answerFinancing", Summary: "The addressed bank approves or declines", Tag: tag, Policy: &bank},
		func(c *Call, in *FinancingAnswerInput) (niaga.FinancingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.FinancingRequest{}, err
			}
			return s.db.AnswerFinancing(c, c.Actor, id, in.Approve, in.ApprovedAmount, in.Answer)
		})
	Handle(s, Route{Method: "POST", Path: "/api/v1/financing/{id}/withdraw", ID: "withdrawFinancing", Summary: "Withdraw an unanswered request (the requester or the mission desk)", Tag: tag, Policy: &actors},
		func(c *Call, _ *NoBody) (niaga.FinancingRequest, error) {
			id, err := c.ID("id")
			if err != nil {
				return niaga.FinancingRequest{}, err
			}
			return s.db.WithdrawFinancing(c, c.Actor, id)
		})

	s.background = append(s.background, s.expireMeetingRequests)
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
	if err != nil || ms < 0 || ms > 100 {
		return opt, niaga.Invalid("min_score", "between 0 and 100")
	}
	pn, err := c.QueryInt("per_need", 0)
	if err != nil || pn < 0 || pn > 1000 {
		return opt, niaga.Invalid("per_need", "between 0 and 1000")
	}
	lim, err := c.QueryInt("limit", 200)
	if err != nil || lim < 1 || lim > 5000 {
		return opt, niaga.Invalid("limit", "between 1 and 5000")
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
