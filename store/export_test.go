package store

import "context"

// TamperAuditForTest edits one audit record in place, as an attacker with
// database access would.
func (db *DB) TamperAuditForTest(ctx context.Context, seq int64) error {
	_, err := db.w.ExecContext(ctx, db.q("UPDATE audit_log SET after = '{\"edited\":true}' WHERE seq = $1"), seq)
	return err
}
