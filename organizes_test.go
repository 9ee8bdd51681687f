package niaga_test

import (
	"testing"

	"niaga"
)

func TestActorOrganizes(t *testing.T) {
	const org = 30
	cases := []struct {
		name string
		a    *niaga.Actor
		want bool
	}{
		{"nobody", nil, false},
		{"admin", &niaga.Actor{Role: niaga.RoleAdmin, OrgID: 1}, true},
		{"the organizer", &niaga.Actor{Role: niaga.RoleOrganizer, OrgID: org}, true},
		{"another organizer", &niaga.Actor{Role: niaga.RoleOrganizer, OrgID: 31}, false},
		{"a business of the same organization id", &niaga.Actor{Role: niaga.RoleBusiness, OrgID: org}, false},
		{"an agency", &niaga.Actor{Role: niaga.RoleAgency, OrgID: org}, false},
	}
	for _, c := range cases {
		if got := c.a.Organizes(org); got != c.want {
			t.Errorf("%s: Organizes = %v, want %v", c.name, got, c.want)
		}
	}
}
