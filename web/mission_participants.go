package web

import (
	"niaga"
)

// The handlers of a mission's delegations, offers and needs (the bulk
// imports are in mission_import.go); mission_routes.go routes them.

func (s *Server) listParticipants(c *Call, _ *NoBody) ([]niaga.Participant, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	return s.db.Participants(c, c.Actor, id)
}

func (s *Server) registerParticipant(c *Call, in *ParticipantInput) (niaga.Participant, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Participant{}, err
	}
	return s.db.RegisterParticipant(c, c.Actor, id, niaga.NewParticipant{OrgID: in.OrgID, Delegation: in.Delegation, Contact: in.Contact, Verified: in.Verified})
}

func (s *Server) verifyParticipant(c *Call, in *VerifyInput) (niaga.Participant, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Participant{}, err
	}
	return s.db.VerifyParticipant(c, c.Actor, id, in.Verified)
}

func (s *Server) decideParticipant(c *Call, in *ParticipantDecisionInput) (niaga.Participant, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Participant{}, err
	}
	return s.db.DecideParticipant(c, c.Actor, id, in.Decision == niaga.ParticipantApproved)
}

func (s *Server) setUnavailability(c *Call, in *UnavailabilityInput) ([]niaga.TimeSpan, error) {
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
}

func (s *Server) listOffers(c *Call, _ *NoBody) ([]niaga.MissionOffer, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Mission(c, id); err != nil {
		return nil, err
	}
	return s.db.Offers(c, id)
}

func (s *Server) createOffer(c *Call, in *OfferInput) (niaga.MissionOffer, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.MissionOffer{}, err
	}
	o := niaga.MissionOffer{ParticipantID: in.ParticipantID, Commodity: in.Commodity, Grade: in.Grade, MonthlyCapacity: in.MonthlyCapacity, Price: in.Price, Note: in.Note}
	err = s.db.AddOffer(c, c.Actor, id, &o)
	return o, err
}

func (s *Server) listNeeds(c *Call, _ *NoBody) ([]niaga.MissionNeed, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Mission(c, id); err != nil {
		return nil, err
	}
	return s.db.Needs(c, id)
}

func (s *Server) createNeed(c *Call, in *NeedInput) (niaga.MissionNeed, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.MissionNeed{}, err
	}
	n := niaga.MissionNeed{ParticipantID: in.ParticipantID, Commodity: in.Commodity, Grade: in.Grade, Volume: in.Volume, TargetPrice: in.TargetPrice, Note: in.Note}
	err = s.db.AddNeed(c, c.Actor, id, &n)
	return n, err
}
