package niaga

import "slices"

// ContractParty is a part an actor can play in a contract.
type ContractParty uint8

// The parts in a contract; an actor may play several (an organization
// that sells on its own market is organizer and seller).
const (
	PartyOrganizer ContractParty = 1 << iota // the market's organizer, or an admin
	PartyBuyer                               // the buyer's organization
	PartySeller                              // the seller's organization
)

// ContractParties is a set of parts.
type ContractParties uint8

// Has reports whether the set holds any of parts.
func (ps ContractParties) Has(parts ...ContractParty) bool {
	for _, p := range parts {
		if uint8(ps)&uint8(p) != 0 {
			return true
		}
	}
	return false
}

// PartiesOf returns the parts actor a plays in contract c, whose market is
// organized by organizerOrg. It is empty for an actor with no part (who
// may not see the contract) and for nil.
func PartiesOf(a *Actor, c Contract, organizerOrg int64) ContractParties {
	var ps ContractParties
	if a == nil {
		return ps
	}
	if a.Organizes(organizerOrg) {
		ps |= ContractParties(PartyOrganizer)
	}
	if a.OrgID == c.BuyerOrgID {
		ps |= ContractParties(PartyBuyer)
	}
	if a.OrgID == c.SellerOrgID {
		ps |= ContractParties(PartySeller)
	}
	return ps
}

// SettleRule is one step of the settlement state machine: a contract in
// status From may become To, recorded by an actor playing one of By.
type SettleRule struct {
	From, To string
	By       []ContractParty
}

// settleRules is the settlement state machine. The store applies it
// (store.DB.Settle); pages offer only the steps it allows.
var settleRules = []SettleRule{
	{ContractAwaitingPayment, ContractPaid, []ContractParty{PartyOrganizer}},
	{ContractPaid, ContractDelivered, []ContractParty{PartyOrganizer, PartySeller}},
	{ContractDelivered, ContractCompleted, []ContractParty{PartyOrganizer, PartyBuyer}},
	{ContractAwaitingPayment, ContractDefaulted, []ContractParty{PartyOrganizer}}, // buyer did not pay: deposit forfeited
	{ContractPaid, ContractDefaulted, []ContractParty{PartyOrganizer}},            // seller did not deliver: buyer's deposit released
	{ContractAwaitingPayment, ContractCancelled, []ContractParty{PartyOrganizer}},
	{ContractAwaitingPayment, ContractDisputed, []ContractParty{PartyOrganizer, PartyBuyer, PartySeller}},
	{ContractPaid, ContractDisputed, []ContractParty{PartyOrganizer, PartyBuyer, PartySeller}},
	{ContractDelivered, ContractDisputed, []ContractParty{PartyOrganizer, PartyBuyer, PartySeller}},
	{ContractDisputed, ContractCompleted, []ContractParty{PartyOrganizer}},
	{ContractDisputed, ContractCancelled, []ContractParty{PartyOrganizer}},
}

// EnumSettleStep is the statuses a settlement step may move a contract
// to: the targets of the rules, in their order.
var EnumSettleStep = NewEnum("settle_step", settleSteps()...)

func settleSteps() []string {
	var out []string
	for _, r := range settleRules {
		if !slices.Contains(out, r.To) {
			out = append(out, r.To)
		}
	}
	return out
}

// SettleRules returns the settlement state machine, a copy in a fixed order.
func SettleRules() []SettleRule {
	out := make([]SettleRule, len(settleRules))
	copy(out, settleRules)
	return out
}

// SettleRuleFor returns the rule that lets a contract in status from
// become to, if there is one.
func SettleRuleFor(from, to string) (SettleRule, bool) {
	for _, r := range settleRules {
		if r.From == from && r.To == to {
			return r, true
		}
	}
	return SettleRule{}, false
}

// AllowedFor reports whether an actor with parts ps may take the step.
func (r SettleRule) AllowedFor(ps ContractParties) bool {
	return ps.Has(r.By...)
}

// NextSettleSteps returns the statuses that an actor with parts ps may move
// a contract in status from to, in the order of the rules.
func NextSettleSteps(from string, ps ContractParties) []string {
	var next []string
	for _, r := range settleRules {
		if r.From == from && r.AllowedFor(ps) {
			next = append(next, r.To)
		}
	}
	return next
}

// DueParty is the business a contract in status waits for: the buyer pays
// (the organizer records it), then the seller delivers, then the buyer
// confirms receipt; 0 once nothing is due from either.
func DueParty(status string) ContractParty {
	switch status {
	case ContractAwaitingPayment, ContractDelivered:
		return PartyBuyer
	case ContractPaid:
		return PartySeller
	}
	return 0
}
