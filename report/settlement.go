package report

import (
	"cmp"
	"slices"
	"time"

	"niaga"
)

// Payment classes of a contract, from its "paid" step against its payment
// due date.
const (
	PayOnTime  = "on_time" // paid by the due date
	PayLate    = "late"    // paid after it
	PayOverdue = "overdue" // still awaiting payment past the due date
	PayDue     = "due"     // awaiting payment, not yet due
	PayNone    = "none"    // never paid: cancelled, defaulted or disputed before payment
)

// SettleRow counts the contracts of one market in one status and payment
// class. PayMicros sums the time from award to payment of the paid ones.
type SettleRow struct {
	MarketID  int64  `json:"market_id"`
	Status    string `json:"status"`
	Pay       string `json:"pay"`
	Count     int64  `json:"count"`
	Value     int64  `json:"value"`
	PayMicros int64  `json:"pay_micros"`
}

// SettlementLine is one market's settlement performance.
type SettlementLine struct {
	MarketID  int64  `json:"market_id"`
	Market    string `json:"market"`
	Province  string `json:"province"`
	Contracts int64  `json:"contracts"`
	Value     int64  `json:"value"`
	// Payment against the due date.
	OnTime  int64 `json:"paid_on_time"`
	Late    int64 `json:"paid_late"`
	Overdue int64 `json:"overdue"`
	Due     int64 `json:"not_yet_due"`
	// OnTimeBP is on time / (on time + late + overdue): of the contracts
	// whose payment has come due, the share paid by the due date.
	OnTimeBP int64 `json:"on_time_bp"`
	// AvgPayHours is the mean time from award to payment of paid contracts.
	AvgPayHours int64 `json:"avg_pay_hours"`
	// Where the contracts stand now.
	Awaiting       int64 `json:"awaiting_payment"`
	Paid           int64 `json:"paid"`
	Delivered      int64 `json:"delivered"`
	Completed      int64 `json:"completed"`
	Defaulted      int64 `json:"defaulted"`
	Cancelled      int64 `json:"cancelled"`
	Disputed       int64 `json:"disputed"`
	CompletedValue int64 `json:"completed_value"`
	DefaultedValue int64 `json:"defaulted_value"`
	DefaultBP      int64 `json:"default_bp"` // defaulted / contracts

	paid, payMicros int64
}

// Settlement is settlement performance per market over a period of award
// dates.
type Settlement struct {
	Period    Period           `json:"period"`
	Markets   []SettlementLine `json:"markets"`
	Total     SettlementLine   `json:"total"`
	Audit     AuditHead        `json:"audit"`
	Generated time.Time        `json:"generated_at"`
}

func (l *SettlementLine) add(r SettleRow) {
	l.Contracts += r.Count
	niaga.AddSat(&l.Value, r.Value)
	switch r.Pay {
	case PayOnTime:
		l.OnTime += r.Count
	case PayLate:
		l.Late += r.Count
	case PayOverdue:
		l.Overdue += r.Count
	case PayDue:
		l.Due += r.Count
	}
	if r.Pay == PayOnTime || r.Pay == PayLate {
		l.paid += r.Count
		niaga.AddSat(&l.payMicros, r.PayMicros)
	}
	switch r.Status {
	case niaga.ContractAwaitingPayment:
		l.Awaiting += r.Count
	case niaga.ContractPaid:
		l.Paid += r.Count
	case niaga.ContractDelivered:
		l.Delivered += r.Count
	case niaga.ContractCompleted:
		l.Completed += r.Count
		niaga.AddSat(&l.CompletedValue, r.Value)
	case niaga.ContractDefaulted:
		l.Defaulted += r.Count
		niaga.AddSat(&l.DefaultedValue, r.Value)
	case niaga.ContractCancelled:
		l.Cancelled += r.Count
	case niaga.ContractDisputed:
		l.Disputed += r.Count
	}
}

func (l *SettlementLine) finish() {
	l.OnTimeBP = BasisPoints(l.OnTime, l.OnTime+l.Late+l.Overdue)
	l.DefaultBP = BasisPoints(l.Defaulted, l.Contracts)
	if l.paid > 0 {
		l.AvgPayHours = l.payMicros / l.paid / int64(time.Hour/time.Microsecond)
	}
}

// BuildSettlement adds settlement rows up per market (every market listed
// gets a line, with or without contracts) and in total.
func BuildSettlement(p Period, markets []niaga.Market, rows []SettleRow) Settlement {
	s := Settlement{Period: p, Markets: []SettlementLine{}}
	idx := map[int64]int{}
	for _, m := range markets {
		idx[m.ID] = len(s.Markets)
		s.Markets = append(s.Markets, SettlementLine{MarketID: m.ID, Market: m.Name, Province: m.Province})
	}
	for _, r := range rows {
		i, ok := idx[r.MarketID]
		if !ok {
			continue // a market the reader may not see
		}
		s.Markets[i].add(r)
		s.Total.add(r)
	}
	for i := range s.Markets {
		s.Markets[i].finish()
	}
	s.Total.finish()
	slices.SortStableFunc(s.Markets, func(a, b SettlementLine) int { return cmp.Compare(a.MarketID, b.MarketID) })
	return s
}
