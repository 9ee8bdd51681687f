package matching

import (
	"errors"
	"fmt"
	"time"

	"niaga"
)

// Status is the status of a meeting request (a buyer or seller asks the
// other side for a one-to-one meeting). The type and its values are part
// of the vocabulary at the root (niaga.MeetingStatus), which the stored
// request carries; the lifecycle is here:
//
//	pending ──► accepted ──► cancelled
//	   │
//	   ├──► declined
//	   ├──► expired
//	   └──► cancelled
//
// Only accepted requests become [Meeting]s for [Schedule]. declined, expired
// and cancelled are terminal. An accepted request may still be cancelled
// (e.g. a participant withdraws before the event), which frees its slot on
// the next scheduling run.
type Status = niaga.MeetingStatus

// Request statuses.
const (
	StatusPending   = niaga.MeetingPending
	StatusAccepted  = niaga.MeetingAccepted
	StatusDeclined  = niaga.MeetingDeclined
	StatusExpired   = niaga.MeetingExpired
	StatusCancelled = niaga.MeetingCancelled
)

// Statuses lists every status in lifecycle order.
var Statuses = niaga.MeetingStatuses

// ErrUnknownStatus and ErrInvalidTransition are returned (wrapped) by
// [Transition]; test with errors.Is.
var (
	ErrUnknownStatus     = errors.New("matching: unknown request status")
	ErrInvalidTransition = errors.New("matching: invalid request status transition")
)

// Transition checks that a request may move from one status to another.
// Allowed: pending → accepted | declined | expired | cancelled, and
// accepted → cancelled. Everything else, including staying in the same
// status, is an error wrapping ErrInvalidTransition (or ErrUnknownStatus for
// a status that does not exist).
func Transition(from, to Status) error {
	if !from.Valid() {
		return fmt.Errorf("%w: %q", ErrUnknownStatus, from)
	}
	if !to.Valid() {
		return fmt.Errorf("%w: %q", ErrUnknownStatus, to)
	}
	switch from {
	case StatusPending:
		if to != StatusPending {
			return nil
		}
	case StatusAccepted:
		if to == StatusCancelled {
			return nil
		}
	}
	return fmt.Errorf("%w: %s → %s", ErrInvalidTransition, from, to)
}

// Expired reports whether a pending request made at requestedAt has expired
// at now, i.e. now ≥ requestedAt + ttl. A ttl ≤ 0 means requests never
// expire. The caller passes now (the package never reads the clock) and
// moves expired pending requests to StatusExpired so they don't hold slots.
func Expired(requestedAt, now time.Time, ttl time.Duration) bool {
	if ttl <= 0 {
		return false
	}
	return !now.Before(requestedAt.Add(ttl))
}
