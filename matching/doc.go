// Package matching is the pure core of trade-mission (misi dagang)
// matchmaking: it scores buyer–seller candidate pairs from needs and offers,
// tracks the status of meeting requests, lays out time slots, schedules
// accepted one-to-one meetings into slots and tables, and builds personal
// agendas and table sheets.
//
// The package does no I/O and never reads the clock: every time is passed in.
// Money is whole Rupiah in int64 (prices per base unit), quantities are int64
// base units (kg, ekor, liter). There are no floats anywhere: scores are
// integers 0..100 computed with exact integer (128-bit where needed)
// arithmetic, so results are deterministic across machines.
//
// Overview:
//
//   - [Candidates] / [Match]: needs × offers → scored [Candidate] pairs across
//     delegations (see [Match] for the exact formula).
//   - [Status], [Transition], [Expired]: the meeting-request lifecycle.
//   - [Slots]: time slots between opening and closing time, skipping breaks.
//   - [Schedule]: accepted [Meeting]s → [Assignment]s (slot, table) plus the
//     [Unscheduled] ones with a [Reason].
//   - [Agenda], [TableSheet]: data for printable agendas and table sheets.
package matching
