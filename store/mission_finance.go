package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"niaga"
)

// CreateAgreement records an MoU or PKS signed at a mission. Parties are
// registered organizations (by id) or named outside parties.
func (db *DB) CreateAgreement(ctx context.Context, actor *niaga.Actor, missionID int64, ag *niaga.Agreement) error {
	ag.Title, ag.Sector, ag.DocumentRef = strings.TrimSpace(ag.Title), strings.TrimSpace(ag.Sector), strings.TrimSpace(ag.DocumentRef)
	var c niaga.Check
	c.OneOf("kind", ag.Kind, niaga.EnumAgreementKind)
	c.Text("title", ag.Title, niaga.RangeAgreementTitle)
	c.Text("sector", ag.Sector, niaga.RangeShortText)
	c.Text("document_ref", ag.DocumentRef, niaga.RangeNote)
	_, err := time.Parse(time.DateOnly, ag.SignedOn)
	c.Require(err == nil, "signed_on", "a date 2006-01-02")
	c.LenInRange("parties", len(ag.Parties), niaga.RangeAgreementParties)
	for _, p := range ag.Parties {
		c.Require(p.OrgID > 0 || (strings.TrimSpace(p.Name) != "" && len(p.Name) <= 200), "parties", "each party has an org_id or a name (at most 200 characters)")
	}
	if err := c.Err(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		_, _, err := tx.missionFor(ctx, actor, missionID, missionNeed{staff: "only the running agency records agreements"})
		if err != nil {
			return err
		}
		return tx.insertAgreement(ctx, actor, missionID, ag)
	})
}

func (tx *Tx) insertAgreement(ctx context.Context, actor *niaga.Actor, missionID int64, ag *niaga.Agreement) error {
	for i := range ag.Parties {
		p := &ag.Parties[i]
		if p.OrgID > 0 {
			o, err := tx.orgByID(ctx, p.OrgID)
			if err != nil {
				return niaga.Invalid("parties", "organization does not exist")
			}
			if strings.TrimSpace(p.Name) == "" {
				p.Name = o.Name
			}
		}
		p.Name = strings.TrimSpace(p.Name)
	}
	ag.MissionID, ag.CreatedAt = missionID, tx.Now.Truncate(time.Microsecond)
	id, err := tx.InsertID(ctx, `INSERT INTO agreements (mission_id, kind, title, sector, signed_on, document_ref, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, missionID, ag.Kind, ag.Title, ag.Sector, ag.SignedOn, ag.DocumentRef, uidOf(actor), micros(tx.Now))
	if err != nil {
		return err
	}
	ag.ID = id
	for i, p := range ag.Parties {
		var org any
		if p.OrgID > 0 {
			org = p.OrgID
		}
		if _, err := tx.Exec(ctx, "INSERT INTO agreement_parties (agreement_id, position, org_id, name) VALUES ($1,$2,$3,$4)", id, i, org, p.Name); err != nil {
			return err
		}
	}
	return tx.Audit(actor, "agreement.create", "agreement", id, nil, ag)
}

// Agreements lists the agreements signed at a mission (public record).
func (db *DB) Agreements(ctx context.Context, missionID int64) ([]niaga.Agreement, error) {
	out := []niaga.Agreement{}
	err := db.readSnapshot(ctx, func(q rowQuerier) error {
		if _, err := loadMission(ctx, q, missionID, ""); err != nil {
			return err
		}
		rows, err := q.Query(ctx, "SELECT id, mission_id, kind, title, sector, signed_on, document_ref, created_at FROM agreements WHERE mission_id = $1 ORDER BY id", missionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		idx := map[int64]int{}
		for rows.Next() {
			var ag niaga.Agreement
			var at int64
			if err := rows.Scan(&ag.ID, &ag.MissionID, &ag.Kind, &ag.Title, &ag.Sector, &ag.SignedOn, &ag.DocumentRef, &at); err != nil {
				return err
			}
			ag.CreatedAt, ag.Parties = fromMicros(at), []niaga.AgreementParty{}
			idx[ag.ID] = len(out)
			out = append(out, ag)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		prow, err := q.Query(ctx, `SELECT p.agreement_id, COALESCE(p.org_id, 0), p.name FROM agreement_parties p JOIN agreements a ON a.id = p.agreement_id
			WHERE a.mission_id = $1 ORDER BY p.agreement_id, p.position`, missionID)
		if err != nil {
			return err
		}
		defer prow.Close()
		for prow.Next() {
			var id int64
			var p niaga.AgreementParty
			if err := prow.Scan(&id, &p.OrgID, &p.Name); err != nil {
				return err
			}
			if i, ok := idx[id]; ok {
				out[i].Parties = append(out[i].Parties, p)
			}
		}
		return prow.Err()
	})
	return out, err
}

const financingCols = `f.id, f.deal_id, f.mission_id, f.bank_id, b.name, COALESCE(f.guarantor_id, 0), COALESCE(g.name, ''), f.amount, f.tenor_months,
	f.purpose, f.status, f.approved_amount, f.answer, f.requested_by, f.requested_org, f.requested_at, f.answered_at`

const financingFrom = ` FROM financing_requests f JOIN organizations b ON b.id = f.bank_id LEFT JOIN organizations g ON g.id = f.guarantor_id`

func scanFinancing(s interface{ Scan(...any) error }, f *niaga.FinancingRequest) error {
	var req, ans int64
	err := s.Scan(&f.ID, &f.DealID, &f.MissionID, &f.BankID, &f.BankName, &f.GuarantorID, &f.GuarantorName, &f.Amount, &f.TenorMonths,
		&f.Purpose, &f.Status, &f.ApprovedAmount, &f.Answer, &f.RequestedBy, &f.RequestedOrg, &req, &ans)
	f.RequestedAt, f.AnsweredAt = fromMicros(req), fromMicros(ans)
	return err
}

func loadFinancing(ctx context.Context, q rowQuerier, id int64) (niaga.FinancingRequest, error) {
	var f niaga.FinancingRequest
	err := scanFinancing(q.QueryRow(ctx, "SELECT "+financingCols+financingFrom+" WHERE f.id = $1", id), &f)
	if errors.Is(err, sql.ErrNoRows) {
		return f, niaga.Errorf(niaga.CodeNotFound, "financing request %d not found", id)
	}
	return f, err
}

// RequestFinancing asks a bank to finance a standing deal, optionally with
// a guarantor. A party to the deal or the mission desk asks.
func (db *DB) RequestFinancing(ctx context.Context, actor *niaga.Actor, dealID int64, in niaga.NewFinancing) (niaga.FinancingRequest, error) {
	var out niaga.FinancingRequest
	in.Purpose = strings.TrimSpace(in.Purpose)
	var c niaga.Check
	c.Require(in.BankID > 0, "bank_id", "required")
	c.Require(in.GuarantorID >= 0, "guarantor_id", "must be an id")
	c.InRange("amount", in.Amount, niaga.RangeAmount)
	c.InRange("tenor_months", in.TenorMonths, niaga.RangeTenorMonths)
	c.Text("purpose", in.Purpose, niaga.RangeNote)
	if err := c.Err(); err != nil {
		return out, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		d, _, a, err := tx.dealFor(ctx, actor, dealID)
		if err != nil {
			return err
		}
		party := a.partyTo(&d)
		if !party && !a.desk {
			return niaga.Errorf(niaga.CodeForbidden, "only a party to the deal or the mission desk asks for financing")
		}
		if d.Reverses != 0 || d.ReversedBy != 0 {
			return niaga.Errorf(niaga.CodeConflict, "deal %d is reversed", d.ID)
		}
		if in.Amount > d.Value {
			return niaga.Invalid("amount", "at most the deal's value")
		}
		bank, err := tx.orgByID(ctx, in.BankID)
		if err != nil || bank.Kind != niaga.OrgBank {
			return niaga.Invalid("bank_id", "must be a bank")
		}
		var guarantor any
		if in.GuarantorID != 0 {
			g, err := tx.orgByID(ctx, in.GuarantorID)
			if err != nil || g.Kind != niaga.OrgGuarantor {
				return niaga.Invalid("guarantor_id", "must be a guarantor")
			}
			guarantor = in.GuarantorID
		}
		id, err := tx.InsertID(ctx, `INSERT INTO financing_requests (deal_id, mission_id, bank_id, guarantor_id, amount, tenor_months, purpose, status, requested_by, requested_org, requested_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, d.ID, d.MissionID, in.BankID, guarantor, in.Amount, in.TenorMonths, in.Purpose,
			niaga.FinancingRequested, actor.UserID, actor.OrgID, micros(tx.Now))
		if err != nil {
			if niaga.ErrorCode(err) == niaga.CodeConflict {
				return niaga.Errorf(niaga.CodeConflict, "this bank already has a live request for the deal")
			}
			return err
		}
		if out, err = loadFinancing(ctx, tx, id); err != nil {
			return err
		}
		return tx.Audit(actor, "financing.request", "financing_request", id, nil, out)
	})
	return out, err
}

// financingScope is the SQL condition for the requests an actor sees: a
// bank or guarantor those addressed to it, a business those of its deals,
// an agency those of the missions it runs or staffs, the admin all.
func financingScope(actor *niaga.Actor) (string, []any) {
	switch {
	case actor == nil:
		return "1 = 0", nil
	case actor.Role == niaga.RoleAdmin:
		return "1 = 1", nil
	case actor.Role == niaga.RoleBank:
		return "(f.bank_id = $1 OR f.guarantor_id = $1)", []any{actor.OrgID}
	case actor.Role == niaga.RoleAgency:
		return `(EXISTS (SELECT 1 FROM missions m WHERE m.id = f.mission_id AND m.agency_id = $1)
			OR EXISTS (SELECT 1 FROM mission_staff s WHERE s.mission_id = f.mission_id AND s.org_id = $1))`, []any{actor.OrgID}
	case actor.Role == niaga.RoleBusiness:
		return `(f.requested_org = $1 OR EXISTS (SELECT 1 FROM deals d JOIN mission_participants p ON p.id IN (d.seller_id, d.buyer_id)
			WHERE d.id = f.deal_id AND p.org_id = $1))`, []any{actor.OrgID}
	}
	return "1 = 0", nil
}

// FinancingRequests lists the requests the actor may see, newest first,
// optionally of one mission.
func (db *DB) FinancingRequests(ctx context.Context, actor *niaga.Actor, missionID int64) ([]niaga.FinancingRequest, error) {
	where, args := financingScope(actor)
	args = append(args, missionID)
	n := len(args)
	rows, err := db.query(ctx, "SELECT "+financingCols+financingFrom+" WHERE "+where+" AND ($"+strconv.Itoa(n)+" = 0 OR f.mission_id = $"+strconv.Itoa(n)+") ORDER BY f.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.FinancingRequest{}
	for rows.Next() {
		var f niaga.FinancingRequest
		if err := scanFinancing(rows, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, db.classify(rows.Err())
}

// FinancingRequest returns one request the actor may see (not_found otherwise:
// a bank does not learn of requests addressed to other banks).
func (db *DB) FinancingRequest(ctx context.Context, actor *niaga.Actor, id int64) (niaga.FinancingRequest, error) {
	where, args := financingScope(actor)
	args = append(args, id)
	var f niaga.FinancingRequest
	err := scanFinancing(db.queryRow(ctx, "SELECT "+financingCols+financingFrom+" WHERE "+where+" AND f.id = $"+strconv.Itoa(len(args)), args...), &f)
	if errors.Is(err, sql.ErrNoRows) {
		return f, niaga.Errorf(niaga.CodeNotFound, "financing request %d not found", id)
	}
	return f, db.classify(err)
}

// AnswerFinancing is the addressed bank's answer: approve (with an amount,
// the requested one when 0) or decline.
func (db *DB) AnswerFinancing(ctx context.Context, actor *niaga.Actor, id int64, approve bool, amount int64, answer string) (niaga.FinancingRequest, error) {
	var out niaga.FinancingRequest
	answer = strings.TrimSpace(answer)
	if !niaga.RangeLongNote.Contains(int64(len(answer))) {
		return out, niaga.Invalid("answer", niaga.RangeLongNote.Reason())
	}
	if !niaga.RangeOptAmount.Contains(amount) {
		return out, niaga.Invalid("approved_amount", niaga.RangeOptAmount.Reason())
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		f, err := loadFinancing(ctx, tx, id)
		if err != nil {
			return err
		}
		if actor == nil || actor.Role != niaga.RoleBank || (actor.OrgID != f.BankID && actor.OrgID != f.GuarantorID) {
			return niaga.Errorf(niaga.CodeNotFound, "financing request %d not found", id)
		}
		if actor.OrgID != f.BankID {
			return niaga.Errorf(niaga.CodeForbidden, "only the addressed bank answers; the guarantor reads")
		}
		var status string
		if err := tx.QueryRow(ctx, "SELECT status FROM financing_requests WHERE id = $1"+tx.ForUpdate(), id).Scan(&status); err != nil {
			return err
		}
		if niaga.FinancingStatus(status) != niaga.FinancingRequested {
			return niaga.Errorf(niaga.CodeConflict, "the request is already %s", status)
		}
		to, approved := niaga.FinancingDeclined, int64(0)
		if approve {
			to, approved = niaga.FinancingApproved, f.Amount
			if amount > 0 {
				if amount > f.Amount {
					return niaga.Invalid("approved_amount", "at most the requested amount")
				}
				approved = amount
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE financing_requests SET status = $1, approved_amount = $2, answer = $3, answered_by = $4, answered_at = $5 WHERE id = $6",
			to, approved, answer, actor.UserID, micros(tx.Now), id); err != nil {
			return err
		}
		before := f.Status
		f.Status, f.ApprovedAmount, f.Answer, f.AnsweredAt = to, approved, answer, tx.Now.Truncate(time.Microsecond)
		out = f
		return tx.Audit(actor, "financing.answer", "financing_request", id, map[string]any{"status": before}, map[string]any{"status": to, "approved_amount": approved, "answer": answer})
	})
	return out, err
}

// WithdrawFinancing takes back a request not yet answered (the requesting
// organization or the mission desk).
func (db *DB) WithdrawFinancing(ctx context.Context, actor *niaga.Actor, id int64) (niaga.FinancingRequest, error) {
	var out niaga.FinancingRequest
	err := db.InTx(ctx, func(tx *Tx) error {
		f, err := loadFinancing(ctx, tx, id)
		if err != nil {
			return err
		}
		_, a, err := tx.missionFor(ctx, actor, f.MissionID, missionNeed{})
		if err != nil {
			return err
		}
		if !a.desk && (actor == nil || actor.OrgID != f.RequestedOrg) {
			return niaga.Errorf(niaga.CodeForbidden, "only the requester or the mission desk withdraws a request")
		}
		res, err := tx.Exec(ctx, "UPDATE financing_requests SET status = 'withdrawn', answered_at = $1 WHERE id = $2 AND status = 'requested'", micros(tx.Now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return niaga.Errorf(niaga.CodeConflict, "the request is already %s", f.Status)
		}
		f.Status, f.AnsweredAt = niaga.FinancingWithdrawn, tx.Now.Truncate(time.Microsecond)
		out = f
		return tx.Audit(actor, "financing.withdraw", "financing_request", id, nil, map[string]any{"status": f.Status})
	})
	return out, err
}
