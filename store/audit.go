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
	c, err := tx.chain(ctx)
	if err != nil {
		return err
	}
	if tx.db.Engine == Postgres { // one round trip for the records and the head
		var w writes
		c.add(&w)
		_, err := tx.Exec(ctx, w.sql("SELECT 1"), w.args...)
		return err
	}
	for i := range c.seq {
		if _, err := tx.Exec(ctx, qAuditAppend, c.seq[i], c.at, c.actor[i], c.action[i], c.entity[i], c.entityID[i],
			c.before[i], c.after[i], c.prev[i], c.hash[i]); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, qAuditHeadSet, c.seq[len(c.seq)-1], c.hash[len(c.hash)-1])
	return err
}

// chained is the transaction's pending audit records with their place in
// the chain, column by column.
type chained struct {
	at                                        int64
	seq, actor, entityID                      []int64
	action, entity, before, after, prev, hash []string
}

// chain locks the chain head and hashes the pending records after it;
// they are then no longer pending.
func (tx *Tx) chain(ctx context.Context) (*chained, error) {
	var seq int64
	var prev string
	if err := tx.QueryRow(ctx, qAuditHead+tx.ForUpdate()).Scan(&seq, &prev); err != nil {
		return nil, fmt.Errorf("audit head: %w", err)
	}
	c := &chained{at: micros(tx.Now)}
	for _, r := range tx.audit {
		seq++
		h := AuditHash(prev, seq, c.at, r.actor, r.action, r.entity, r.entityID, r.before, r.after)
		c.seq, c.actor, c.entityID = append(c.seq, seq), append(c.actor, r.actor), append(c.entityID, r.entityID)
		c.action, c.entity, c.before, c.after = append(c.action, r.action), append(c.entity, r.entity), append(c.before, r.before), append(c.after, r.after)
		c.prev, c.hash = append(c.prev, prev), append(c.hash, h)
		prev = h
	}
	tx.audit = nil
	return c, nil
}

// add appends the records and the new head to a PostgreSQL statement.
func (c *chained) add(w *writes) {
	w.with(`INSERT INTO audit_log (seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)
		SELECT s, %s, a, ac, e, ei, b, af, p, h FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
		AS x(s, a, ac, e, ei, b, af, p, h)`, c.at, c.seq, c.actor, c.action, c.entity, c.entityID, c.before, c.after, c.prev, c.hash)
	w.with("UPDATE audit_head SET seq = %s, hash = %s WHERE id = 1", c.seq[len(c.seq)-1], c.hash[len(c.hash)-1])
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
