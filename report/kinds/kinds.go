// Package kinds is the one table of report kinds: what each report takes
// (an id, a period, a flow source, a price filter), how the store computes
// it and how it becomes a document for export. The command line, the API and
// the pages look kinds up here, so a report is added, and its parameters
// checked, in one place.
package kinds

import (
	"context"

	"niaga"
	"niaga/report"
	"niaga/report/export"
	"niaga/store"
)

// Takes is the set of parameters a report kind reads.
type Takes uint8

// The parameters a kind may take.
const (
	TakesID     Takes = 1 << iota // the mission, market, session or contract id
	TakesPeriod                   // from and to, local dates in WIB
	TakesSource                   // flows: all, auction or mission
	TakesPrices                   // commodity, grade and province of a price series
)

// Has reports whether t includes every parameter of u.
func (t Takes) Has(u Takes) bool { return t&u == u }

// Sources are the flow sources a flows document shows, the first the
// default (the list is export.EnumFlowSource).
var Sources = export.EnumFlowSource.Values

// Params are a report request's parameters; a kind reads those it takes.
type Params struct {
	ID     int64
	Period report.Period
	Source string             // flows: one of Sources; "" is the first
	Prices report.PriceFilter // prices: its Period is replaced by Period
	Actor  *niaga.Actor       // who asks: settlement and contract documents depend on it
}

// check refuses parameters a kind needs but lacks or cannot use.
func (p *Params) check(t Takes) error {
	if t.Has(TakesID) && p.ID <= 0 {
		return niaga.Invalid("id", "must be a positive integer id")
	}
	if t.Has(TakesSource) {
		if p.Source == "" {
			p.Source = Sources[0]
		}
		if !export.EnumFlowSource.Has(p.Source) {
			return niaga.Invalid("source", export.EnumFlowSource.Reason())
		}
	}
	if t.Has(TakesPrices) {
		p.Prices.Period = p.Period
	}
	return nil
}

// Kind is one report: T is its JSON value.
type Kind[T any] struct {
	name, about string
	takes       Takes
	query       func(ctx context.Context, db *store.DB, p Params) (T, error)
	doc         func(r T, p Params, o export.Options) *export.Document
}

// Name is the kind's name on the command line.
func (k *Kind[T]) Name() string { return k.name }

// About says in a line what the report holds (the command line's help).
func (k *Kind[T]) About() string { return k.about }

// Takes is the set of parameters the kind reads.
func (k *Kind[T]) Takes() Takes { return k.takes }

// Data computes the report on db after checking the parameters.
func (k *Kind[T]) Data(ctx context.Context, db *store.DB, p Params) (T, error) {
	if err := p.check(k.takes); err != nil {
		var zero T
		return zero, err
	}
	return k.query(ctx, db, p)
}

// Build computes the report and its document, in o's language.
func (k *Kind[T]) Build(ctx context.Context, db *store.DB, p Params, o export.Options) (any, *export.Document, error) {
	if err := p.check(k.takes); err != nil {
		return nil, nil, err
	}
	r, err := k.query(ctx, db, p)
	if err != nil {
		return nil, nil, err
	}
	return r, k.doc(r, p, o), nil
}

// Entry is a kind whatever its value type, as the table lists it.
type Entry interface {
	Name() string
	About() string
	Takes() Takes
	Build(ctx context.Context, db *store.DB, p Params, o export.Options) (any, *export.Document, error)
}

// The report kinds.
var (
	Programme = &Kind[report.Programme]{
		name: "missions", about: "every mission, per year and cumulative since the first",
		query: func(ctx context.Context, db *store.DB, _ Params) (report.Programme, error) {
			return db.ProgrammeReport(ctx)
		},
		doc: func(r report.Programme, _ Params, o export.Options) *export.Document {
			return export.ProgrammeDoc(r, o)
		},
	}
	Mission = &Kind[report.Mission]{
		name: "mission", about: "one mission (the PDF has totals, tables and a chart)", takes: TakesID,
		query: func(ctx context.Context, db *store.DB, p Params) (report.Mission, error) {
			return db.MissionReport(ctx, p.ID)
		},
		doc: func(r report.Mission, _ Params, o export.Options) *export.Document { return export.MissionDoc(r, o) },
	}
	Market = &Kind[report.Auction]{
		name: "market", about: "one auction market, the sessions starting in the period", takes: TakesID | TakesPeriod,
		query: func(ctx context.Context, db *store.DB, p Params) (report.Auction, error) {
			return db.AuctionReport(ctx, store.AuctionScope{MarketID: p.ID, Period: p.Period})
		},
		doc: auctionDoc,
	}
	Session = &Kind[report.Auction]{
		name: "session", about: "one auction session", takes: TakesID,
		query: func(ctx context.Context, db *store.DB, p Params) (report.Auction, error) {
			return db.AuctionReport(ctx, store.AuctionScope{SessionID: p.ID})
		},
		doc: auctionDoc,
	}
	Commodities = &Kind[report.Commodities]{
		name: "commodities", about: "auction contracts and mission deals per commodity", takes: TakesPeriod,
		query: func(ctx context.Context, db *store.DB, p Params) (report.Commodities, error) {
			return db.CommodityReport(ctx, p.Period)
		},
		doc: func(r report.Commodities, _ Params, o export.Options) *export.Document {
			return export.CommoditiesDoc(r, o)
		},
	}
	Flows = &Kind[report.Flows]{
		name: "flows", about: "origin → destination matrix of one source: all, auction or mission", takes: TakesPeriod | TakesSource,
		query: func(ctx context.Context, db *store.DB, p Params) (report.Flows, error) {
			return db.FlowReport(ctx, p.Period)
		},
		doc: func(r report.Flows, p Params, o export.Options) *export.Document {
			return export.FlowsDoc(r, p.Source, o)
		},
	}
	Settlement = &Kind[report.Settlement]{
		name: "settlement", about: "settlement performance per market", takes: TakesPeriod,
		query: func(ctx context.Context, db *store.DB, p Params) (report.Settlement, error) {
			return db.SettlementReport(ctx, p.Actor, p.Period)
		},
		doc: func(r report.Settlement, _ Params, o export.Options) *export.Document {
			return export.SettlementDoc(r, o)
		},
	}
	Prices = &Kind[report.PriceHistory]{
		name: "prices", about: "daily open, high, low and close of a commodity, grade and province", takes: TakesPeriod | TakesPrices,
		query: func(ctx context.Context, db *store.DB, p Params) (report.PriceHistory, error) {
			return db.PriceHistory(ctx, p.Prices)
		},
		doc: func(r report.PriceHistory, _ Params, o export.Options) *export.Document {
			return export.PricesDoc(r, o)
		},
	}
	Contract = &Kind[report.ContractDoc]{
		name: "contract", about: "the contract document of a sale (PDF)", takes: TakesID,
		query: func(ctx context.Context, db *store.DB, p Params) (report.ContractDoc, error) {
			return db.ContractDocument(ctx, p.Actor, p.ID)
		},
		doc: func(r report.ContractDoc, _ Params, o export.Options) *export.Document {
			return export.ContractDocument(r, o)
		},
	}
)

func auctionDoc(r report.Auction, _ Params, o export.Options) *export.Document {
	return export.AuctionDoc(r, o)
}

// All lists every kind in the order the command line's help shows them.
var All = []Entry{Programme, Mission, Market, Session, Commodities, Flows, Settlement, Prices, Contract}

// Lookup finds a kind by its name.
func Lookup(name string) (Entry, bool) {
	for _, k := range All {
		if k.Name() == name {
			return k, true
		}
	}
	return nil, false
}
