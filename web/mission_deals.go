package web

import (
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/store"
)

// The handlers of a mission's deal ledger, its follow-up, the live board
// and the event streams; mission_routes.go routes them.

func (s *Server) listDeals(c *Call, _ *NoBody) ([]DealOut, error) {
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
}

func (s *Server) recordDeal(c *Call, in *DealInput) (DealOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return DealOut{}, err
	}
	key := c.R.Header.Get("Idempotency-Key")
	if len(key) > maxIdemKey || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return DealOut{}, niaga.Invalid("Idempotency-Key", "at most "+strconv.Itoa(maxIdemKey)+" visible ASCII characters")
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
}

func (s *Server) getDeal(c *Call, _ *NoBody) (DealOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return DealOut{}, err
	}
	d, err := s.db.DealFor(c, c.Actor, id)
	if err != nil {
		return DealOut{}, err
	}
	return s.dealOut(c, d)
}

func (s *Server) reverseDeal(c *Call, in *DealReverseInput) (DealOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return DealOut{}, err
	}
	d, err := s.db.ReverseDeal(c, c.Actor, id, in.Reason)
	if err != nil {
		return DealOut{}, err
	}
	return s.dealOut(c, d)
}

func (s *Server) validateDeal(c *Call, in *DealValidationInput) (DealOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return DealOut{}, err
	}
	d, err := s.db.ValidateDeal(c, c.Actor, id, in.Status, in.Note)
	if err != nil {
		return DealOut{}, err
	}
	return s.dealOut(c, d)
}

func (s *Server) recordRealization(c *Call, in *RealizationInput) (DealOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return DealOut{}, err
	}
	d, err := s.db.RecordRealization(c, c.Actor, id, in.Amount, in.Note)
	if err != nil {
		return DealOut{}, err
	}
	return s.dealOut(c, d)
}

func (s *Server) missionFollowUp(c *Call, _ *NoBody) (FollowUpOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return FollowUpOut{}, err
	}
	f, err := s.db.FollowUp(c, c.Actor, id)
	lang := c.Lang()
	return FollowUpOut{FollowUp: f, CommittedDisplay: niaga.FormatRupiah(f.Committed, lang), RealizedDisplay: niaga.FormatRupiah(f.Realized, lang)}, err
}

// missionBoard serves the live board (operation missionSummary).
func (s *Server) missionBoard(c *Call, _ *NoBody) (SummaryOut, error) {
	id, err := c.ID("id")
	if err != nil {
		return SummaryOut{}, err
	}
	sum, err := s.db.MissionSummary(c, id)
	if err != nil {
		return SummaryOut{}, err
	}
	return s.summaryOut(c, sum, time.Now())
}

func (s *Server) missionStream(c *Call) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if _, err := s.db.Mission(c, id); err != nil {
		return err
	}
	return s.Stream(c, store.MissionTopic(id))
}

func (s *Server) missionStaffStream(c *Call) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if err := s.db.CanWatchMissionStaff(c, c.Actor, id); err != nil {
		return err
	}
	return s.Stream(c, store.MissionStaffTopic(id))
}
