package store

import "context"

// ExecForTest runs a statement in a write transaction, bypassing every
// check (it simulates stored data the checks would refuse today).
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
}
