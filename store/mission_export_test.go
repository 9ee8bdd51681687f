package store

import "context"

// PlaceMeetingsForTest writes assignments and seats as the scheduler run
// would, bypassing the scheduler, to test what the schema refuses.
// assignments are {request, slot, table}; seats are {slot, participant, request}.
func (db *DB) PlaceMeetingsForTest(ctx context.Context, missionID int64, assignments, seats [][3]int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var as, ss [][]any
		for _, a := range assignments {
			as = append(as, []any{a[0], missionID, a[1], a[2]})
		}
		for _, s := range seats {
			ss = append(ss, []any{missionID, s[0], s[1], s[2]})
		}
		if err := tx.insertRows(ctx, "meeting_assignments", []string{"request_id", "mission_id", "slot", "table_no"}, as, "", nil); err != nil {
			return err
		}
		return tx.insertRows(ctx, "meeting_seats", []string{"mission_id", "slot", "participant_id", "request_id"}, ss, "", nil)
	})
}
