package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"niaga"
)

// Paying guarantee deposits in: the market's payment instructions, where a
// buyer's deposit stands for a lot, and the reconciliation of the
// organizer's bank statement (see docs/deposits.md).

// SetPaymentInstructions sets (or, all empty, clears) the bank account a
// market takes deposits on; only its organizer (or an admin) sets it.
func (db *DB) SetPaymentInstructions(ctx context.Context, actor *niaga.Actor, marketID int64, in niaga.PaymentInstructions) (niaga.Market, error) {
	if err := in.Validate(); err != nil {
		return niaga.Market{}, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.organizerOf(ctx, actor, marketID, "only the market's organizer sets its payment instructions"); err != nil {
			return err
		}
		var before niaga.PaymentInstructions
		if err := tx.QueryRow(ctx, "SELECT pay_bank, pay_account, pay_holder FROM markets WHERE id = $1", marketID).Scan(&before.Bank, &before.AccountNumber, &before.AccountHolder); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE markets SET pay_bank = $1, pay_account = $2, pay_holder = $3 WHERE id = $4", in.Bank, in.AccountNumber, in.AccountHolder, marketID); err != nil {
			return err
		}
		return tx.Audit(actor, "market.payment", "market", marketID, before, in)
	})
	if err != nil {
		return niaga.Market{}, err
	}
	return db.Market(ctx, marketID)
}

// LotDeposit is where the actor's deposit stands for a lot it may bid on,
// by the rule the bid's check applies (depositStanding); nil for anyone
// who does not bid on it (not a business, or its seller). l is the lot as
// the actor was allowed to read it.
func (db *DB) LotDeposit(ctx context.Context, actor *niaga.Actor, l niaga.Lot) (*niaga.LotDeposit, error) {
	if !actor.Is(niaga.RoleBusiness) || actor.OrgID == l.SellerOrgID {
		return nil, nil
	}
	var acct bidderAccount
	err := db.queryRow(ctx, qBidder, l.MarketID, actor.OrgID, l.ID).Scan(&acct.verified, &acct.kind, &acct.balance, &acct.locked, &acct.others)
	switch {
	case err == nil:
		acct.hasAccount = true
	case !errors.Is(err, sql.ErrNoRows):
		return nil, db.classify(err)
	}
	s := depositStanding(l.Guarantee, l.MarketID, actor.OrgID, &acct)
	return &s, nil
}

// Outcomes of a statement line in a reconciliation.
const (
	LineCredit    = "credit"           // matched: credited (in a dry run, would be)
	LineAlready   = "already_credited" // credited by an earlier import
	LineDuplicate = "duplicate"        // the same line earlier in this file: credited once
	LineUnmatched = "unmatched"        // money in that names no buyer of this market
	LineIgnored   = "ignored"          // money out, or not booked yet
	LineMalformed = "malformed"        // a row that could not be read
)

// Why a line was not credited (besides the niaga.Malformed… reasons).
const (
	ReasonNoReference  = "no_reference"        // no 16-digit reference in the description
	ReasonCheckDigits  = niaga.RefCheckDigits  // a reference with a typo
	ReasonOtherMarket  = "other_market"        // a reference of another market
	ReasonSeveralRefs  = "several_references"  // references of several buyers
	ReasonUnknownOrg   = "unknown_org"         // no such organization
	ReasonNotBusiness  = "not_business"        // deposits are held for businesses only
	ReasonAmountRange  = "amount_out_of_range" // outside 1 … niaga.MaxDeposit
	ReasonBalanceLimit = "balance_limit"       // the account's balance would overflow
	ReasonDebit        = "debit"
	ReasonPending      = "pending"
)

const reconcileNoteMaxLen = 500 // a deposit entry's note

// StatementOutcome is what a reconciliation did, or would do, with a line.
type StatementOutcome struct {
	niaga.StatementLine
	Status    string `json:"status"`           // a Line… outcome
	Reason    string `json:"reason,omitempty"` // why not credited
	Reference string `json:"reference,omitempty"`
	OrgID     int64  `json:"org_id,omitempty"`
	OrgName   string `json:"org_name,omitempty"`
	EntryID   int64  `json:"entry_id,omitempty"` // the deposit entry that credited it
}

// Reconciliation is the result of a statement import.
type Reconciliation struct {
	MarketID int64              `json:"market_id"`
	DryRun   bool               `json:"dry_run"`
	Account  string             `json:"account,omitempty"` // the statement's account number, from its heading
	Lines    []StatementOutcome `json:"lines"`
	Counts   map[string]int     `json:"counts"`   // lines per status
	Credited int64              `json:"credited"` // the sum credited (in a dry run, that would be)
}

// ReconcileStatement credits the deposits a bank statement of the market's
// account shows paid in: each credit line whose description carries the
// payment reference of a business at this market is recorded as a deposit
// by the one deposit rule (recordDeposit: one entry and one audit record
// per credit), all in one transaction, and remembered by the line's
// identity so that no re-import credits it again. Lines it cannot match
// are reported with the reason, never guessed. A dry run does the same and
// rolls back. Only the market's organizer (or an admin) reconciles.
func (db *DB) ReconcileStatement(ctx context.Context, actor *niaga.Actor, marketID int64, st niaga.Statement, dryRun bool) (Reconciliation, error) {
	var res Reconciliation
	if len(st.Lines) > MaxImportRows {
		return res, niaga.Errorf(niaga.CodeTooLarge, "at most %d lines per statement", MaxImportRows)
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		res = Reconciliation{MarketID: marketID, DryRun: dryRun, Account: st.Account, Lines: make([]StatementOutcome, 0, len(st.Lines)), Counts: map[string]int{}}
		if err := tx.organizerOf(ctx, actor, marketID, "only the market's organizer imports its bank statements"); err != nil {
			return err
		}
		var account string
		if err := tx.QueryRow(ctx, "SELECT pay_account FROM markets WHERE id = $1", marketID).Scan(&account); err != nil {
			return err
		}
		if own := digitsOnly(account); st.Account != "" && own != "" && st.Account != own {
			return &niaga.Error{Code: niaga.CodeInvalid, Message: fmt.Sprintf("the statement is of account %s; this market takes deposits on account %s", st.Account, account),
				Fields: []niaga.FieldError{{Field: "file", Reason: "statement of another account"}}}
		}
		rc := &reconciler{tx: tx, actor: actor, marketID: marketID, res: &res, seen: map[string]bool{}, orgs: map[int64]*reconcileOrg{}}
		for _, l := range st.Lines {
			o, err := rc.line(ctx, l)
			if err != nil {
				return err
			}
			res.Lines = append(res.Lines, o)
			res.Counts[o.Status]++
		}
		if dryRun {
			return errDryRun
		}
		return tx.Audit(actor, "deposit.reconcile", "market", marketID, nil, map[string]any{"account": st.Account, "counts": res.Counts, "credited": res.Credited})
	})
	if errors.Is(err, errDryRun) {
		for i := range res.Lines {
			res.Lines[i].EntryID = 0 // rolled back
		}
		return res, nil
	}
	return res, err
}

func digitsOnly(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

// reconciler is one reconciliation's state inside its transaction.
type reconcileOrg struct {
	known, business bool
	name            string
	balance         int64 // including what this import credited so far
}

type reconciler struct {
	tx       *Tx
	actor    *niaga.Actor
	marketID int64
	res      *Reconciliation
	seen     map[string]bool
	orgs     map[int64]*reconcileOrg
}

// line decides one line and credits it when it matches.
func (rc *reconciler) line(ctx context.Context, l niaga.StatementLine) (StatementOutcome, error) {
	o := StatementOutcome{StatementLine: l}
	switch {
	case l.Malformed != "":
		o.Status, o.Reason = LineMalformed, l.Malformed
		return o, nil
	case l.Pending:
		o.Status, o.Reason = LineIgnored, ReasonPending
		return o, nil
	case !l.Credit:
		o.Status, o.Reason = LineIgnored, ReasonDebit
		return o, nil
	case rc.seen[l.Key]:
		o.Status = LineDuplicate
		return o, nil
	}
	rc.seen[l.Key] = true
	var orgID int64
	orgID, o.Reference, o.Reason = rc.reference(l.Description)
	if o.Reason == "" && !niaga.RangeDeposit.Contains(l.Amount) {
		o.Reason = ReasonAmountRange
	}
	if o.Reason != "" {
		o.Status = LineUnmatched
		return o, nil
	}
	org, err := rc.org(ctx, orgID)
	if err != nil {
		return o, err
	}
	o.OrgID, o.OrgName = orgID, org.name
	switch {
	case !org.known:
		o.Status, o.Reason, o.OrgID = LineUnmatched, ReasonUnknownOrg, 0
		return o, nil
	case !org.business:
		o.Status, o.Reason = LineUnmatched, ReasonNotBusiness
		return o, nil
	}
	var entry int64
	err = rc.tx.QueryRow(ctx, "SELECT entry_id FROM statement_credits WHERE market_id = $1 AND line_key = $2", rc.marketID, l.Key).Scan(&entry)
	if err == nil {
		o.Status, o.EntryID = LineAlready, entry
		return o, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return o, err
	}
	nb, ok := niaga.AddInt64(org.balance, l.Amount)
	if !ok {
		o.Status, o.Reason = LineUnmatched, ReasonBalanceLimit
		return o, nil
	}
	return o, rc.credit(ctx, &o, org, nb)
}

// credit records the matched line as a deposit and remembers its identity.
func (rc *reconciler) credit(ctx context.Context, o *StatementOutcome, org *reconcileOrg, newBalance int64) error {
	note := "bank statement " + o.Date + ": " + o.Description
	for len(note) > reconcileNoteMaxLen {
		_, size := utf8.DecodeLastRuneInString(note)
		note = note[:len(note)-size]
	}
	entry, err := rc.tx.recordDeposit(ctx, rc.actor, rc.marketID, DepositInput{OrgID: o.OrgID, Kind: "deposit", Amount: o.Amount, Note: note})
	if err != nil {
		return err
	}
	if _, err := rc.tx.Exec(ctx, `INSERT INTO statement_credits (market_id, line_key, org_id, amount, booked_on, description, entry_id, actor_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, rc.marketID, o.Key, o.OrgID, o.Amount, o.Date, o.Description, entry, actorID(rc.actor), micros(rc.tx.Now)); err != nil {
		return err
	}
	org.balance = newBalance
	o.Status, o.EntryID = LineCredit, entry
	rc.res.Credited += o.Amount // at most 5 000 lines of at most 10^15 each: no overflow
	return nil
}

// reference finds the buyer a description names: exactly one organization
// by valid references of this market; else why none.
func (rc *reconciler) reference(desc string) (orgID int64, ref, reason string) {
	found := niaga.FindPaymentReferences(desc)
	switch {
	case len(found) == 0:
		return 0, "", ReasonNoReference
	case found[0].Reason != "": // no valid one: a typo
		return 0, found[0].Digits, found[0].Reason
	}
	other := ""
	for _, f := range found {
		switch {
		case f.MarketID != rc.marketID:
			if other == "" {
				other = f.Digits
			}
		case orgID != 0 && f.OrgID != orgID:
			return 0, ref + " " + f.Digits, ReasonSeveralRefs
		default:
			orgID, ref = f.OrgID, f.Digits
		}
	}
	if orgID == 0 {
		return 0, other, ReasonOtherMarket
	}
	return orgID, ref, ""
}

// org reads an organization once per reconciliation, with its balance at
// the market.
func (rc *reconciler) org(ctx context.Context, id int64) (*reconcileOrg, error) {
	if o, ok := rc.orgs[id]; ok {
		return o, nil
	}
	o := &reconcileOrg{}
	var kind string
	err := rc.tx.QueryRow(ctx, "SELECT kind, name FROM organizations WHERE id = $1", id).Scan(&kind, &o.name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		o.known, o.business = true, kind == string(niaga.OrgBusiness)
		err = rc.tx.QueryRow(ctx, "SELECT balance FROM deposit_accounts WHERE market_id = $1 AND org_id = $2", rc.marketID, id).Scan(&o.balance)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	rc.orgs[id] = o
	return o, nil
}
