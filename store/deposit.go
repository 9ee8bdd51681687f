package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"niaga"
)

// DepositInput records money a buyer deposits with, or gets back from, the
// organizer of a market.
type DepositInput struct {
	OrgID  int64  `json:"org_id" doc:"The buyer's organization (a business)."`
	Kind   string `json:"kind" enum:"deposit_kind" doc:"deposit: money paid in; refund: money paid back."`
	Amount int64  `json:"amount" range:"deposit"`
	Note   string `json:"note,omitempty" range:"note"`
}

// Validate checks a deposit entry's fields.
func (in *DepositInput) Validate() error {
	var c niaga.Check
	c.Require(in.OrgID > 0, "org_id", "required")
	c.OneOf("kind", in.Kind, niaga.EnumDepositKind)
	c.InRange("amount", in.Amount, niaga.RangeDeposit)
	c.Text("note", in.Note, niaga.RangeNote)
	return c.Err()
}

// RecordDeposit adds a deposit or refund to a buyer's account at a market;
// only the market's organizer records them.
func (db *DB) RecordDeposit(ctx context.Context, actor *niaga.Actor, marketID int64, in DepositInput) (niaga.DepositAccount, error) {
	if err := in.Validate(); err != nil {
		return niaga.DepositAccount{}, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.organizerOf(ctx, actor, marketID, "only the market's organizer records deposits"); err != nil {
			return err
		}
		_, err := tx.recordDeposit(ctx, actor, marketID, in)
		return err
	})
	if err != nil {
		return niaga.DepositAccount{}, err
	}
	accts, err := db.depositAccounts(ctx, marketID, in.OrgID)
	if err != nil || len(accts) == 0 {
		return niaga.DepositAccount{}, err
	}
	return accts[0], nil
}

// organizerOf refuses an actor who does not organize the market (admins
// organize every market).
func (tx *Tx) organizerOf(ctx context.Context, actor *niaga.Actor, marketID int64, refusal string) error {
	var organizer int64
	if err := tx.QueryRow(ctx, "SELECT organizer_org_id FROM markets WHERE id = $1", marketID).Scan(&organizer); err != nil {
		return err
	}
	if !isOrganizerOf(actor, organizer) {
		return niaga.Errorf(niaga.CodeForbidden, "%s", refusal)
	}
	return nil
}

// recordDeposit is the rule of a deposit entry, for an organizer already
// authorized: deposits are held for business organizations; a refund may
// not take the free deposit below the guarantees of the buyer's open
// positions (fixed amounts per lot: the refusal names no figure derived
// from a bid); the balance never overflows; each entry is audited. It
// returns the entry's id.
func (tx *Tx) recordDeposit(ctx context.Context, actor *niaga.Actor, marketID int64, in DepositInput) (int64, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var kind string
	if err := tx.QueryRow(ctx, "SELECT kind FROM organizations WHERE id = $1", in.OrgID).Scan(&kind); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, niaga.Invalid("org_id", "organization does not exist")
		}
		return 0, err
	}
	if kind != string(niaga.OrgBusiness) {
		return 0, niaga.Invalid("org_id", "deposits are held for business organizations")
	}
	if _, err := tx.Exec(ctx, "INSERT INTO deposit_accounts (market_id, org_id) VALUES ($1,$2) ON CONFLICT (market_id, org_id) DO NOTHING", marketID, in.OrgID); err != nil {
		return 0, err
	}
	var balance, locked int64
	if err := tx.QueryRow(ctx, "SELECT balance, locked FROM deposit_accounts WHERE market_id = $1 AND org_id = $2"+tx.ForUpdate(), marketID, in.OrgID).Scan(&balance, &locked); err != nil {
		return 0, err
	}
	delta := in.Amount
	if in.Kind == "refund" {
		var committed int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(SUM(value), 0) FROM commitments WHERE market_id = $1 AND org_id = $2", marketID, in.OrgID).Scan(&committed); err != nil {
			return 0, err
		}
		if balance-locked-in.Amount < committed {
			return 0, &niaga.Error{Code: niaga.CodeConflict, Message: fmt.Sprintf("refund exceeds the free deposit (Rp %s free, Rp %s held as guarantees of open positions)",
				niaga.FormatInt(balance-locked, "id"), niaga.FormatInt(committed, "id")), Fields: []niaga.FieldError{{Field: "amount", Reason: "exceeds the free deposit"}}}
		}
		delta = -in.Amount
	}
	nb, ok := niaga.AddInt64(balance, delta)
	if !ok {
		return 0, niaga.Invalid("amount", "too large")
	}
	if _, err := tx.Exec(ctx, "UPDATE deposit_accounts SET balance = $1 WHERE market_id = $2 AND org_id = $3", nb, marketID, in.OrgID); err != nil {
		return 0, err
	}
	id, err := tx.InsertID(ctx, "INSERT INTO deposit_entries (market_id, org_id, kind, amount, note, actor_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
		marketID, in.OrgID, in.Kind, in.Amount, in.Note, actorID(actor), micros(tx.Now))
	if err != nil {
		return 0, err
	}
	if err := tx.Audit(actor, "deposit."+in.Kind, "deposit_entry", id, map[string]int64{"balance": balance}, map[string]int64{"balance": nb, "org_id": in.OrgID, "market_id": marketID}); err != nil {
		return 0, err
	}
	if in.Kind != "deposit" {
		return id, nil
	}
	var market string
	if err := tx.QueryRow(ctx, "SELECT name FROM markets WHERE id = $1", marketID).Scan(&market); err != nil {
		return 0, err
	}
	return id, tx.notifyOrg(ctx, in.OrgID, niaga.NotifyDepositCredited, map[string]any{"market_id": marketID, "market": market, "amount": in.Amount}, "/deposits")
}

// DepositAccounts lists deposit accounts of a market (marketID > 0) and/or
// of an organization (orgID > 0) with their committed amounts: the
// guarantees of the lots where the buyer holds an open position, never an
// amount derived from a bid.
//
// Who may read them is decided here: an organization its own accounts, the
// organizer of a market (and the admin) the accounts held at it. Anything
// else is forbidden, so no page or handler can show one by mistake.
func (db *DB) DepositAccounts(ctx context.Context, actor *niaga.Actor, marketID, orgID int64) ([]niaga.DepositAccount, error) {
	if actor == nil {
		return nil, niaga.Errorf(niaga.CodeUnauthorized, "sign in to see deposit accounts")
	}
	if orgID == 0 || orgID != actor.OrgID {
		if marketID == 0 && !actor.Is(niaga.RoleAdmin) {
			return nil, niaga.Errorf(niaga.CodeForbidden, "deposit accounts of other organizations are not yours to see")
		}
		if marketID != 0 {
			m, err := db.Market(ctx, marketID)
			if err != nil {
				return nil, err
			}
			if !actor.Organizes(m.OrganizerOrgID) {
				return nil, niaga.Errorf(niaga.CodeForbidden, "only the market's organizer sees its deposit accounts")
			}
		}
	}
	return db.depositAccounts(ctx, marketID, orgID)
}

// depositAccounts reads the accounts for a caller that has been authorized.
func (db *DB) depositAccounts(ctx context.Context, marketID, orgID int64) ([]niaga.DepositAccount, error) {
	rows, err := db.query(ctx, `SELECT d.market_id, d.org_id, d.balance, d.locked, d.forfeited,
		(SELECT COALESCE(SUM(c.value), 0) FROM commitments c WHERE c.market_id = d.market_id AND c.org_id = d.org_id)
		FROM deposit_accounts d
		WHERE ($1 = 0 OR d.market_id = $1) AND ($2 = 0 OR d.org_id = $2) ORDER BY d.market_id, d.org_id`, marketID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.DepositAccount{}
	for rows.Next() {
		var a niaga.DepositAccount
		if err := rows.Scan(&a.MarketID, &a.OrgID, &a.Balance, &a.Locked, &a.Forfeited, &a.Committed); err != nil {
			return nil, err
		}
		a.Free = a.Balance - a.Locked
		a.PaymentReference, _ = niaga.PaymentReference(a.MarketID, a.OrgID)
		out = append(out, a)
	}
	return out, db.classify(rows.Err())
}
