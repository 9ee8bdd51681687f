package web

import (
	"niaga"
)

// The handlers of agreements and deal financing; mission_routes.go routes
// them.

func (s *Server) listAgreements(c *Call, _ *NoBody) ([]niaga.Agreement, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	return s.db.Agreements(c, id)
}

func (s *Server) createAgreement(c *Call, in *AgreementInput) (niaga.Agreement, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Agreement{}, err
	}
	ag := niaga.Agreement{Kind: in.Kind, Title: in.Title, Sector: in.Sector, SignedOn: in.SignedOn, DocumentRef: in.DocumentRef, Parties: in.Parties}
	err = s.db.CreateAgreement(c, c.Actor, id, &ag)
	return ag, err
}

func (s *Server) requestFinancing(c *Call, in *FinancingInput) (niaga.FinancingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.FinancingRequest{}, err
	}
	return s.db.RequestFinancing(c, c.Actor, id, niaga.NewFinancing{BankID: in.BankID, GuarantorID: in.GuarantorID, Amount: in.Amount, TenorMonths: in.TenorMonths, Purpose: in.Purpose})
}

func (s *Server) listFinancing(c *Call, _ *NoBody) ([]niaga.FinancingRequest, error) {
	mission, err := c.QueryInt("mission", 0)
	if err != nil {
		return nil, err
	}
	return s.db.FinancingRequests(c, c.Actor, mission)
}

func (s *Server) getFinancing(c *Call, _ *NoBody) (niaga.FinancingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.FinancingRequest{}, err
	}
	return s.db.FinancingRequest(c, c.Actor, id)
}

func (s *Server) answerFinancing(c *Call, in *FinancingAnswerInput) (niaga.FinancingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.FinancingRequest{}, err
	}
	return s.db.AnswerFinancing(c, c.Actor, id, in.Approve, in.ApprovedAmount, in.Answer)
}

func (s *Server) withdrawFinancing(c *Call, _ *NoBody) (niaga.FinancingRequest, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.FinancingRequest{}, err
	}
	return s.db.WithdrawFinancing(c, c.Actor, id)
}
