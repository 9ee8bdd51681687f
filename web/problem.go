package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"niaga"
)

// statusOf maps error codes to HTTP status, in this one place.
var statusOf = map[niaga.Code]int{
	niaga.CodeInvalid:             http.StatusBadRequest,
	niaga.CodeUnauthorized:        http.StatusUnauthorized,
	niaga.CodeForbidden:           http.StatusForbidden,
	niaga.CodeNotFound:            http.StatusNotFound,
	niaga.CodeConflict:            http.StatusConflict,
	niaga.CodeTooLarge:            http.StatusRequestEntityTooLarge,
	niaga.CodeUnsupportedMedia:    http.StatusUnsupportedMediaType,
	niaga.CodeRateLimited:         http.StatusTooManyRequests,
	niaga.CodeUnavailable:         http.StatusServiceUnavailable,
	niaga.CodeInsufficientDeposit: http.StatusUnprocessableEntity,
	niaga.CodeBidTooLow:           http.StatusUnprocessableEntity,
	niaga.CodeOwnLot:              http.StatusUnprocessableEntity,
	niaga.CodeNotVerified:         http.StatusUnprocessableEntity,
	niaga.CodeAuctionClosed:       http.StatusConflict,
	niaga.CodeAuctionNotOpen:      http.StatusConflict,
}

// StatusOf returns the HTTP status for an error code.
func StatusOf(code niaga.Code) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	if code == "" {
		return http.StatusOK
	}
	// Codes added by domain packages that are not listed are refusals of a
	// valid request, not server faults.
	if code != niaga.CodeInternal {
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document with Niaga's extensions.
type Problem struct {
	Type      string             `json:"type" doc:"A URI naming the code, https://niaga.id/problems/<code>."`
	Title     string             `json:"title" doc:"The HTTP status text."`
	Status    int                `json:"status"`
	Detail    string             `json:"detail,omitempty" doc:"What went wrong, in English, for people."`
	Code      niaga.Code         `json:"code" doc:"What went wrong, for programs: each operation lists the codes it can answer."`
	Errors    []niaga.FieldError `json:"errors,omitempty" doc:"Each bad field (a body member, parameter or header) with its reason."`
	RequestID string             `json:"request_id,omitempty" doc:"The request's id (also in X-Request-Id); quote it when reporting a fault."`
	Min       int64              `json:"min,omitempty" doc:"bid_too_low: the lowest acceptable price per base unit."`
	// Missing, PaymentReference and Payment tell a bid refused for want of
	// deposit (insufficient_deposit) how much to pay in, with which
	// reference in the transfer's remark, and to which account.
	Missing          int64                      `json:"missing,omitempty" doc:"insufficient_deposit: the Rupiah missing from the free deposit."`
	PaymentReference string                     `json:"payment_reference,omitempty" doc:"insufficient_deposit: the buyer's payment reference at the market, for the transfer's remark."`
	Payment          *niaga.PaymentInstructions `json:"payment,omitempty" doc:"insufficient_deposit: the market's account to pay into."`
}

// minner is implemented by errors that carry a minimum (bid_too_low).
type minner interface{ MinValue() int64 }

// shortfaller is implemented by a refusal for want of deposit
// (store.DepositShortfall).
type shortfaller interface {
	Shortfall() (missing int64, reference string, payment niaga.PaymentInstructions)
}

// ProblemOf turns an error into a problem document. Internal errors get a
// generic detail; their text is logged, never shown.
func ProblemOf(err error, requestID string) Problem {
	code := niaga.ErrorCode(err)
	status := StatusOf(code)
	p := Problem{Type: "https://niaga.id/problems/" + string(code), Title: http.StatusText(status), Status: status, Code: code, RequestID: requestID}
	if code == niaga.CodeInternal {
		p.Detail = "internal error; quote the request id when reporting it"
		return p
	}
	if e, ok := asNiaga(err); ok {
		p.Detail = e.Message
		p.Errors = e.Fields
	} else {
		p.Detail = err.Error()
	}
	if m, ok := err.(minner); ok {
		p.Min = m.MinValue()
	}
	var sf shortfaller
	if errors.As(err, &sf) {
		var pay niaga.PaymentInstructions
		p.Missing, p.PaymentReference, pay = sf.Shortfall()
		if pay.Set() {
			p.Payment = &pay
		}
	}
	return p
}

func asNiaga(err error) (*niaga.Error, bool) {
	for err != nil {
		if e, ok := err.(*niaga.Error); ok {
			return e, true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return nil, false
		}
		err = u.Unwrap()
	}
	return nil, false
}

func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(err, requestID(r))
	if p.Status >= 500 {
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed", slog.String("request_id", p.RequestID),
			slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	}
	if p.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(b)
	w.Write([]byte{'\n'})
}
