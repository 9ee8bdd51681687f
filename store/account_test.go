package store_test

import (
	"context"
	"testing"
	"time"

	"niaga"
	"niaga/store"
	"niaga/store/storetest"
)

func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &niaga.Organization{Name: "Disperindag Kalsel", Kind: niaga.OrgAgency, Province: "63"}
		if err := db.CreateOrganization(ctx, nil, org); err != nil {
			t.Fatal(err)
		}
		if org.ID == 0 {
			t.Fatal("no id")
		}
		bad := &niaga.Organization{Name: "", Kind: "shop", Province: "99"}
		err := db.CreateOrganization(ctx, nil, bad)
		var e *niaga.Error
		if !asError(err, &e) || e.Code != niaga.CodeInvalid || len(e.Fields) != 3 {
			t.Fatalf("want 3 field errors, got %v", err)
		}
		u, err := db.CreateUser(ctx, nil, store.NewUser{Email: "Ani@Example.id", Name: "Ani", PasswordHash: "h", Role: niaga.RoleAgency, OrgID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ani@example.id" {
			t.Errorf("email not normalised: %q", u.Email)
		}
		_, err = db.CreateUser(ctx, nil, store.NewUser{Email: "ani@example.id", Name: "Ani 2", PasswordHash: "h", Role: niaga.RoleAgency, OrgID: org.ID})
		if niaga.ErrorCode(err) != niaga.CodeConflict {
			t.Fatalf("duplicate email: want conflict, got %v", err)
		}
		_, err = db.CreateUser(ctx, nil, store.NewUser{Email: "b@example.id", Name: "B", PasswordHash: "h", Role: niaga.RoleAgency, OrgID: 999})
		if niaga.ErrorCode(err) != niaga.CodeInvalid {
			t.Fatalf("missing org: want invalid, got %v", err)
		}
		now := time.Now()
		if err := db.CreateToken(ctx, store.Token{Hash: "abc", UserID: u.ID, Kind: "api", ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		a, err := db.ActorByToken(ctx, "abc", "api", now)
		if err != nil || a.UserID != u.ID || a.Role != niaga.RoleAgency || a.OrgID != org.ID {
			t.Fatalf("actor %+v %v", a, err)
		}
		if _, err := db.ActorByToken(ctx, "abc", "session", now); niaga.ErrorCode(err) != niaga.CodeUnauthorized {
			t.Fatalf("wrong kind: %v", err)
		}
		if _, err := db.ActorByToken(ctx, "abc", "api", now.Add(2*time.Hour)); niaga.ErrorCode(err) != niaga.CodeUnauthorized {
			t.Fatalf("expired: %v", err)
		}
		until, err := db.LoginFailed(ctx, u.ID, 2, time.Minute)
		if err != nil || !until.IsZero() {
			t.Fatal(until, err)
		}
		until, _ = db.LoginFailed(ctx, u.ID, 2, time.Minute)
		if until.IsZero() {
			t.Fatal("second failure should lock")
		}
		c, err := db.CredentialsByEmail(ctx, "ANI@example.id")
		if err != nil || c.LockedUntil.IsZero() {
			t.Fatal(c, err)
		}
		if _, err := db.CredentialsByEmail(ctx, "nobody@x"); niaga.ErrorCode(err) != niaga.CodeNotFound {
			t.Fatal(err)
		}
		cs, err := db.Commodities(ctx)
		if err != nil || len(cs) != len(niaga.SeedCommodities) {
			t.Fatal(len(cs), err)
		}
		beras, err := db.Commodity(ctx, "beras")
		if err != nil || !beras.HasGrade("medium") || beras.Unit != "kg" {
			t.Fatal(beras, err)
		}
	})
}

func TestAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 5 {
			o := &niaga.Organization{Name: "Org", Kind: niaga.OrgBusiness, Province: "35"}
			if err := db.CreateOrganization(ctx, nil, o); err != nil {
				t.Fatal(i, err)
			}
		}
		broken, n, err := db.VerifyAudit(ctx)
		if err != nil || broken != 0 || n != 5 {
			t.Fatalf("verify: broken=%d n=%d err=%v", broken, n, err)
		}
		seq, head, err := db.AuditHead(ctx)
		if err != nil || seq != 5 || len(head) != 64 {
			t.Fatal(seq, head, err)
		}
		if err := db.TamperAuditForTest(ctx, 3); err != nil {
			t.Fatal(err)
		}
		broken, _, err = db.VerifyAudit(ctx)
		if err != nil || broken != 3 {
			t.Fatalf("tampered record 3: broken=%d err=%v", broken, err)
		}
	})
}

func asError(err error, e **niaga.Error) bool {
	x, ok := err.(*niaga.Error)
	*e = x
	return ok
}
