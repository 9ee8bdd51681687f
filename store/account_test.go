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
		c, err := db.CredentialsByEmail(ctx, "  ANI@example.id ")
		if err != nil || c.User.ID != u.ID {
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

// TestLoginThrottle: failures count per (email, source), known address or
// not; the delays grow; another source is untouched; success and a
// password change clear the count; the address is normalized.
func TestLoginThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &niaga.Organization{Name: "Koperasi", Kind: niaga.OrgBusiness, Province: "35"}
		if err := db.CreateOrganization(ctx, nil, org); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateUser(ctx, nil, store.NewUser{Email: "budi@example.id", Name: "Budi", PasswordHash: "h", Role: niaga.RoleBusiness, OrgID: org.ID}); err != nil {
			t.Fatal(err)
		}
		delay := func(n int) time.Duration {
			if n < 3 {
				return 0
			}
			return time.Duration(n) * time.Minute
		}
		var last store.LoginThrottle
		for i := 1; i <= 5; i++ {
			th, err := db.LoginFailed(ctx, " Budi@Example.ID", "203.0.113.7", delay)
			if err != nil {
				t.Fatal(err)
			}
			if th.Failures != i {
				t.Fatalf("failure %d counted as %d", i, th.Failures)
			}
			if i >= 3 && !th.BlockedUntil.After(last.BlockedUntil) {
				t.Fatalf("failure %d: block %v does not grow past %v", i, th.BlockedUntil, last.BlockedUntil)
			}
			last = th
		}
		now := time.Now()
		th, err := db.LoginThrottleOf(ctx, "budi@example.id", "203.0.113.7", now)
		if err != nil || th.Failures != 5 || th.BlockedUntil.Sub(now) < 4*time.Minute {
			t.Fatalf("stored throttle %+v %v", th, err)
		}
		if th, _ := db.LoginThrottleOf(ctx, "budi@example.id", "198.51.100.1", now); th.Failures != 0 || !th.BlockedUntil.IsZero() {
			t.Fatalf("another source is throttled: %+v", th)
		}
		if th, _ := db.LoginThrottleOf(ctx, "budi@example.id", "203.0.113.7", now.Add(25*time.Hour)); th.Failures != 0 {
			t.Fatalf("a day-old count still holds: %+v", th)
		}
		// An unknown address is counted exactly like a known one.
		for range 3 {
			th, err = db.LoginFailed(ctx, "nobody@example.id", "203.0.113.7", delay)
		}
		if err != nil || th.Failures != 3 || th.BlockedUntil.IsZero() {
			t.Fatalf("unknown address: %+v %v", th, err)
		}
		if err := db.LoginSucceeded(ctx, "BUDI@example.id", "203.0.113.7"); err != nil {
			t.Fatal(err)
		}
		if th, _ := db.LoginThrottleOf(ctx, "budi@example.id", "203.0.113.7", now); th.Failures != 0 {
			t.Fatalf("success did not clear: %+v", th)
		}
		db.LoginFailed(ctx, "budi@example.id", "203.0.113.7", delay)
		if _, err := db.SetPassword(ctx, nil, " BUDI@example.id", "h2"); err != nil {
			t.Fatal(err)
		}
		if th, _ := db.LoginThrottleOf(ctx, "budi@example.id", "203.0.113.7", now); th.Failures != 0 {
			t.Fatalf("password change did not clear: %+v", th)
		}
	})
}

// TestPasswordRevokesTokens: setting a password (CLI and API path) revokes
// every session and API token; deactivating does too and refuses the rest.
func TestPasswordRevokesTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &niaga.Organization{Name: "Koperasi", Kind: niaga.OrgBusiness, Province: "35"}
		if err := db.CreateOrganization(ctx, nil, org); err != nil {
			t.Fatal(err)
		}
		u, err := db.CreateUser(ctx, nil, store.NewUser{Email: "sri@example.id", Name: "Sri", PasswordHash: "h", Role: niaga.RoleBusiness, OrgID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		issue := func() {
			for _, k := range []string{"session", "api"} {
				if err := db.CreateToken(ctx, store.Token{Hash: k + "-hash", UserID: u.ID, Kind: k, ExpiresAt: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		issue()
		ts, err := db.Tokens(ctx, u.ID, now)
		if err != nil || len(ts) != 2 {
			t.Fatalf("tokens %+v %v", ts, err)
		}
		if _, err := db.SetPassword(ctx, nil, "Sri@Example.id ", "h2"); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"session", "api"} {
			if _, err := db.ActorByToken(ctx, k+"-hash", "", now); niaga.ErrorCode(err) != niaga.CodeUnauthorized {
				t.Errorf("%s token survives a password change: %v", k, err)
			}
		}
		issue()
		if err := db.SetUserActive(ctx, nil, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if ts, _ := db.Tokens(ctx, u.ID, now); len(ts) != 0 {
			t.Fatalf("tokens survive deactivation: %+v", ts)
		}
		if err := db.SetUserActive(ctx, nil, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserActive(ctx, &niaga.Actor{UserID: u.ID}, u.ID, false); niaga.ErrorCode(err) != niaga.CodeInvalid {
			t.Fatalf("self-deactivation: %v", err)
		}
		if err := db.SetUserActive(ctx, nil, 987654, false); niaga.ErrorCode(err) != niaga.CodeNotFound {
			t.Fatalf("unknown user: %v", err)
		}
	})
}
