package web

import (
	"niaga"
	"niaga/store"
)

// The handlers of matchmaking, meetings, the schedule and agendas;
// mission_routes.go routes them.

func (s *Server) listMatches(c *Call, _ *NoBody) ([]MissionMatchOut, error) {
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
}

func (s *Server) listMeetingRequests(c *Call, _ *NoBody) ([]store.MeetingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	return s.db.MeetingRequests(c, c.Actor, id)
}

func (s *Server) requestMeeting(c *Call, in *MeetingInput) (store.MeetingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return store.MeetingRequest{}, err
	}
	return s.db.RequestMeeting(c, c.Actor, id, niaga.NewMeetingRequest{From: in.From, To: in.To, NeedID: in.NeedID, OfferID: in.OfferID,
		Message: in.Message, Virtual: in.Virtual, Link: in.Link})
}

func (s *Server) answerMeetingRequest(c *Call, in *MeetingAnswerInput) (store.MeetingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return store.MeetingRequest{}, err
	}
	return s.db.AnswerMeeting(c, c.Actor, id, in.Accept, in.Answer)
}

func (s *Server) cancelMeetingRequest(c *Call, _ *NoBody) (store.MeetingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return store.MeetingRequest{}, err
	}
	return s.db.CancelMeeting(c, c.Actor, id)
}

func (s *Server) scheduleMeetings(c *Call, in *MeetingScheduleInput) (MeetingScheduleOut, error) {
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
}

func (s *Server) getSchedule(c *Call, _ *NoBody) (MeetingScheduleOut, error) {
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
}

func (s *Server) participantAgenda(c *Call, _ *NoBody) (AgendaOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return AgendaOut{}, err
	}
	ag, err := s.db.ParticipantAgenda(c, c.Actor, id)
	if err != nil {
		return AgendaOut{}, err
	}
	return agendaOut(ag), nil
}
