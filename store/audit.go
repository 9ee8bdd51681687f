package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"niaga"
)

type auditRecord struct {
	actor         int64
	action        string
	entity        string
	entityID      int64
	before, after string
}

// Audit records a state change, chained into the audit log at commit.
// before and after are marshalled to JSON (nil becomes "null").
func (tx *Tx) Audit(actor *niaga.Actor, action, entity string, id int64, before, after any) error {
	b, err := json.Marshal(before)
	if err != nil {
		return err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return err
	}
	var uid int64
	if actor != nil {
		uid = actor.UserID
	}
	tx.audit = append(tx.audit, auditRecord{uid, action, entity, id, string(b), string(a)})
	return nil
}

// The chain's statements run in every write transaction: prepared once on
// SQLite with the bid path's (see prepareHot).
const (
	qAuditHead   = "SELECT seq, hash FROM audit_head WHERE id = 1"
	qAuditAppend = `INSERT INTO audit_log (seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`
	qAuditHeadSet = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1"
)

// chainAudit appends the pending records after the chain head. The head row
// is locked for the rest of the transaction, so the chain follows commit order.
func (tx *Tx) chainAudit(ctx context.Context) error {
	if len(tx.audit) == 0 {
		return nil
	}
	var seq int64
	var prev string
	if err := tx.hotRow(ctx, qAuditHead+tx.ForUpdate()).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	at := micros(tx.Now)
	for _, r := range tx.audit {
		seq++
		h := AuditHash(prev, seq, at, r.actor, r.action, r.entity, r.entityID, r.before, r.after)
		if _, err := tx.hotExec(ctx, qAuditAppend, seq, at, r.actor, r.action, r.entity, r.entityID, r.before, r.after, prev, h); err != nil {
			return err
		}
		prev = h
	}
	tx.audit = nil
	_, err := tx.hotExec(ctx, qAuditHeadSet, seq, prev)
	return err
}

// AuditHash is the SHA-256 of a record's fields joined with its
// predecessor's hash; every field is length-prefixed so no two records
// can be confused by shifting text between fields.
func AuditHash(prev string, seq, at, actor int64, action, entity string, entityID int64, before, after string) string {
	h := sha256.New()
	for _, s := range []string{prev, strconv.FormatInt(seq, 10), strconv.FormatInt(at, 10), strconv.FormatInt(actor, 10),
		action, entity, strconv.FormatInt(entityID, 10), before, after} {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditEntry is one record of the audit log.
type AuditEntry struct {
	Seq      int64  `json:"seq"`
	At       int64  `json:"at"`
	ActorID  int64  `json:"actor_id"`
	Action   string `json:"action"`
	Entity   string `json:"entity"`
	EntityID int64  `json:"entity_id"`
	Before   string `json:"before"`
	After    string `json:"after"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// AuditHead returns the last sequence number and hash of the chain; reports
// print it so a published total can be checked against the log later.
func (db *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var h string
	err := db.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&seq, &h)
	return seq, h, db.classify(err)
}

// VerifyAudit recomputes the chain. It returns the sequence number of the
// first broken record (0 when the chain holds) and the number checked.
func (db *DB) VerifyAudit(ctx context.Context) (broken int64, checked int64, err error) {
	rows, err := db.query(ctx, "SELECT seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	prev := ""
	var want int64 = 1
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
			return 0, checked, err
		}
		checked++
		h := AuditHash(prev, e.Seq, e.At, e.ActorID, e.Action, e.Entity, e.EntityID, e.Before, e.After)
		if e.Seq != want || e.PrevHash != prev || e.Hash != h {
			return e.Seq, checked, nil
		}
		prev = h
		want++
	}
	if err := rows.Err(); err != nil {
		return 0, checked, err
	}
	var headSeq int64
	var headHash string
	if err := db.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return 0, checked, err
	}
	if headSeq != want-1 || headHash != prev {
		return want, checked, nil // records after the head were removed or the head was edited
	}
	return 0, checked, nil
}
