package store

import "context"

// MigrateDownToForTest rolls the schema back to version v (the migration
// tests take a database back to before a migration, then up again).
func (db *DB) MigrateDownToForTest(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// MissionLedgerTotals is a mission's running totals as its row keeps them
// and as a SUM over its ledger computes them.
type MissionLedgerTotals struct {
	RowValue, RowCount       int64
	LedgerValue, LedgerCount int64
}

// MissionLedgerTotalsForTest reads both, for every mission.
func (db *DB) MissionLedgerTotalsForTest(ctx context.Context) (map[int64]MissionLedgerTotals, error) {
	rows, err := db.query(ctx, `SELECT m.id, m.deal_total, m.deal_count,
		COALESCE(SUM(d.value), 0), COALESCE(SUM(CASE WHEN d.id IS NULL THEN 0 WHEN d.reverses IS NULL THEN 1 ELSE -1 END), 0)
		FROM missions m LEFT JOIN deals d ON d.mission_id = m.id GROUP BY m.id, m.deal_total, m.deal_count`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]MissionLedgerTotals{}
	for rows.Next() {
		var id int64
		var t MissionLedgerTotals
		if err := rows.Scan(&id, &t.RowValue, &t.RowCount, &t.LedgerValue, &t.LedgerCount); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, db.classify(rows.Err())
}
