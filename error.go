package niaga

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers; the HTTP layer maps it to a status
// in one place.
type Code string

// Error codes shared by every package.
const (
	CodeInvalid             Code = "invalid"
	CodeUnauthorized        Code = "unauthorized"
	CodeForbidden           Code = "forbidden"
	CodeNotFound            Code = "not_found"
	CodeConflict            Code = "conflict"
	CodeTooLarge            Code = "too_large"
	CodeRateLimited         Code = "rate_limited"
	CodeUnavailable         Code = "unavailable"
	CodeInsufficientDeposit Code = "insufficient_deposit"
	CodeAuctionClosed       Code = "auction_closed"
	CodeAuctionNotOpen      Code = "auction_not_open"
	CodeBidTooLow           Code = "bid_too_low"
	CodeOwnLot              Code = "own_lot"
	CodeNotVerified         Code = "not_verified"
	CodeInternal            Code = "internal"
)

// FieldError names one bad input field and why it is bad.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is the domain error: a code, a message safe to show to the caller,
// optional field errors and an optional wrapped cause (never shown).
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid makes an invalid-input error about one field.
func Invalid(field, reason string) *Error {
	return &Error{Code: CodeInvalid, Message: field + ": " + reason, Fields: []FieldError{{field, reason}}}
}

// ErrorCode returns the code of err, CodeInternal for errors without one.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Check collects field errors while validating input.
type Check struct{ fields []FieldError }

// Require records reason for field unless ok.
func (c *Check) Require(ok bool, field, reason string) {
	if !ok {
		c.fields = append(c.fields, FieldError{field, reason})
	}
}

// Err returns an invalid error with all recorded fields, or nil.
func (c *Check) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	msg := "invalid input"
	if len(c.fields) == 1 {
		msg = c.fields[0].Field + ": " + c.fields[0].Reason
	}
	return &Error{Code: CodeInvalid, Message: msg, Fields: c.fields}
}

// CodeUnsupportedMedia is a request body in a content type the operation does not take.
const CodeUnsupportedMedia Code = "unsupported_media_type"

// EnumCode is every error code (fields of type Code take it): a problem
// document carries no other.
var EnumCode = NewEnum("code", CodeInvalid, CodeUnauthorized, CodeForbidden, CodeNotFound, CodeConflict, CodeTooLarge,
	CodeUnsupportedMedia, CodeRateLimited, CodeUnavailable, CodeInsufficientDeposit, CodeAuctionClosed, CodeAuctionNotOpen,
	CodeBidTooLow, CodeOwnLot, CodeNotVerified, CodeMissionNotOpen, CodeImportRejected, CodeRequestExpired, CodeInternal)
