package niaga_test

import (
	"slices"
	"testing"

	"niaga"
)

var contractStatuses = []string{niaga.ContractAwaitingPayment, niaga.ContractPaid, niaga.ContractDelivered,
	niaga.ContractCompleted, niaga.ContractDefaulted, niaga.ContractCancelled, niaga.ContractDisputed}

// TestSettleRules checks every (from, to, part) triple against the
// settlement state machine as the domain states it.
func TestSettleRules(t *testing.T) {
	const (
		o = "organizer"
		b = "buyer"
		s = "seller"
	)
	// from → to → the parts that may take the step; anything absent is refused.
	want := map[string]map[string][]string{
		niaga.ContractAwaitingPayment: {
			niaga.ContractPaid:      {o},
			niaga.ContractDefaulted: {o}, // buyer did not pay
			niaga.ContractCancelled: {o},
			niaga.ContractDisputed:  {o, b, s},
		},
		niaga.ContractPaid: {
			niaga.ContractDelivered: {o, s},
			niaga.ContractDefaulted: {o}, // seller did not deliver
			niaga.ContractDisputed:  {o, b, s},
		},
		niaga.ContractDelivered: {
			niaga.ContractCompleted: {o, b},
			niaga.ContractDisputed:  {o, b, s},
		},
		niaga.ContractDisputed: {
			niaga.ContractCompleted: {o},
			niaga.ContractCancelled: {o},
		},
		// completed, defaulted and cancelled are final
	}
	parts := map[string]niaga.ContractParty{o: niaga.PartyOrganizer, b: niaga.PartyBuyer, s: niaga.PartySeller}
	for _, from := range contractStatuses {
		for _, to := range contractStatuses {
			rule, ok := niaga.SettleRuleFor(from, to)
			if _, exists := want[from][to]; ok != exists {
				t.Errorf("%s → %s: rule exists %v, want %v", from, to, ok, exists)
				continue
			}
			for name, p := range parts {
				got := ok && rule.AllowedFor(niaga.ContractParties(p))
				if w := slices.Contains(want[from][to], name); got != w {
					t.Errorf("%s → %s by the %s: allowed %v, want %v", from, to, name, got, w)
				}
			}
			if ok && rule.AllowedFor(0) {
				t.Errorf("%s → %s allowed to an actor with no part", from, to)
			}
		}
	}
	if n := len(niaga.SettleRules()); n != 11 {
		t.Errorf("%d rules, want 11", n)
	}
}

func TestNextSettleSteps(t *testing.T) {
	all := niaga.ContractParties(niaga.PartyOrganizer | niaga.PartyBuyer | niaga.PartySeller)
	cases := []struct {
		from    string
		parties niaga.ContractParties
		want    []string
	}{
		{niaga.ContractAwaitingPayment, niaga.ContractParties(niaga.PartyOrganizer), []string{niaga.ContractPaid, niaga.ContractDefaulted, niaga.ContractCancelled, niaga.ContractDisputed}},
		{niaga.ContractAwaitingPayment, niaga.ContractParties(niaga.PartyBuyer), []string{niaga.ContractDisputed}},
		{niaga.ContractPaid, niaga.ContractParties(niaga.PartySeller), []string{niaga.ContractDelivered, niaga.ContractDisputed}},
		{niaga.ContractPaid, niaga.ContractParties(niaga.PartyBuyer), []string{niaga.ContractDisputed}},
		{niaga.ContractDelivered, niaga.ContractParties(niaga.PartyBuyer), []string{niaga.ContractCompleted, niaga.ContractDisputed}},
		{niaga.ContractDelivered, niaga.ContractParties(niaga.PartySeller), []string{niaga.ContractDisputed}},
		{niaga.ContractDisputed, niaga.ContractParties(niaga.PartyBuyer | niaga.PartySeller), nil},
		{niaga.ContractDisputed, all, []string{niaga.ContractCompleted, niaga.ContractCancelled}},
		{niaga.ContractCompleted, all, nil},
		{niaga.ContractDefaulted, all, nil},
		{niaga.ContractCancelled, all, nil},
		{niaga.ContractPaid, 0, nil},
	}
	for _, c := range cases {
		if got := niaga.NextSettleSteps(c.from, c.parties); !slices.Equal(got, c.want) {
			t.Errorf("NextSettleSteps(%s, %b) = %v, want %v", c.from, c.parties, got, c.want)
		}
	}
}

func TestPartiesOf(t *testing.T) {
	c := niaga.Contract{BuyerOrgID: 10, SellerOrgID: 20}
	const organizer = 30
	cases := []struct {
		name string
		a    *niaga.Actor
		want niaga.ContractParties
	}{
		{"nobody", nil, 0},
		{"admin", &niaga.Actor{Role: niaga.RoleAdmin, OrgID: 1}, niaga.ContractParties(niaga.PartyOrganizer)},
		{"the market's organizer", &niaga.Actor{Role: niaga.RoleOrganizer, OrgID: organizer}, niaga.ContractParties(niaga.PartyOrganizer)},
		{"another organizer", &niaga.Actor{Role: niaga.RoleOrganizer, OrgID: 31}, 0},
		{"buyer", &niaga.Actor{Role: niaga.RoleBusiness, OrgID: 10}, niaga.ContractParties(niaga.PartyBuyer)},
		{"seller", &niaga.Actor{Role: niaga.RoleBusiness, OrgID: 20}, niaga.ContractParties(niaga.PartySeller)},
		{"organizer selling on its market", &niaga.Actor{Role: niaga.RoleOrganizer, OrgID: 20}, niaga.ContractParties(niaga.PartySeller)},
		{"stranger", &niaga.Actor{Role: niaga.RoleBusiness, OrgID: 99}, 0},
	}
	for _, c2 := range cases {
		if got := niaga.PartiesOf(c2.a, c, organizer); got != c2.want {
			t.Errorf("%s: parties %b, want %b", c2.name, got, c2.want)
		}
	}
	if !niaga.PartiesOf(&niaga.Actor{Role: niaga.RoleOrganizer, OrgID: 20}, c, 20).Has(niaga.PartyOrganizer, niaga.PartyBuyer) {
		t.Error("an organizer selling on its own market is its organizer")
	}
}
