package auction

import (
	"errors"
	"strconv"
)

// Error codes carried by Error.Code. They are stable machine strings that the
// HTTP layer maps to statuses; the values match the module-wide codes in
// package niaga.
const (
	CodeInvalid   = "invalid"
	CodeNotOpen   = "auction_not_open"
	CodeClosed    = "auction_closed"
	CodeBidTooLow = "bid_too_low"
)

// Error is a rule violation: a stable Code, the offending input Field (for
// CodeInvalid), a human Message, and for CodeBidTooLow the minimum acceptable
// price Min.
type Error struct {
	Code    string
	Field   string
	Message string
	Min     int64
}

// Error renders the code, field, message and, for bid_too_low, the minimum.
func (e *Error) Error() string {
	s := "auction: " + e.Code
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Code == CodeBidTooLow {
		s += " (minimum " + strconv.FormatInt(e.Min, 10) + ")"
	}
	return s
}

// Is reports whether target is an *Error with the same Code and, when the
// target names a Field, the same Field; so errors.Is(err, ErrBidTooLow)
// matches whatever minimum err carries.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t == nil || e == nil {
		return false
	}
	return t.Code == e.Code && (t.Field == "" || t.Field == e.Field)
}

// Sentinels for errors.Is. Functions return fresh *Error values carrying
// details (Field, Min); these are never returned themselves.
var (
	ErrInvalid   = &Error{Code: CodeInvalid, Message: "invalid input"}
	ErrNotOpen   = &Error{Code: CodeNotOpen, Message: "the auction has not started"}
	ErrClosed    = &Error{Code: CodeClosed, Message: "the auction is closed"}
	ErrBidTooLow = &Error{Code: CodeBidTooLow, Message: "the bid is below the minimum"}
)

// CodeOf returns the Code of the *Error in err's chain, or "" if none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func invalid(field, msg string) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: msg}
}

// tooLarge reports an int64 overflow as invalid input: the value given for
// field makes an amount that cannot be represented.
func tooLarge(field string) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: "value out of range"}
}

func closedErr() *Error  { c := *ErrClosed; return &c }
func notOpenErr() *Error { c := *ErrNotOpen; return &c }

func tooLow(min int64) *Error {
	return &Error{Code: CodeBidTooLow, Field: "price", Message: ErrBidTooLow.Message, Min: min}
}
