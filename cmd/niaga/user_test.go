package main

import (
	"context"
	"testing"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/store"
)

// TestUserCLI: `niaga user set-password` revokes every session and API
// token of the user; `deactivate` shuts the user out, `activate` lets them
// back; the email is taken as the user typed it.
func TestUserCLI(t *testing.T) {
	ctx := context.Background()
	path, _ := demoDB(t)
	open := func() *store.DB {
		db, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	issue := func() []string {
		db := open()
		defer db.Close()
		cred, err := db.CredentialsByEmail(ctx, "tani@niaga.id")
		if err != nil {
			t.Fatal(err)
		}
		var hashes []string
		for _, kind := range []string{"session", "api"} {
			_, h := auth.NewToken("nga_")
			if err := db.CreateToken(ctx, store.Token{Hash: h, UserID: cred.User.ID, Kind: kind, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			hashes = append(hashes, h)
		}
		return hashes
	}
	revoked := func(hashes []string) {
		t.Helper()
		db := open()
		defer db.Close()
		for _, h := range hashes {
			if _, err := db.ActorByToken(ctx, h, "", time.Now()); niaga.ErrorCode(err) != niaga.CodeUnauthorized {
				t.Errorf("token survives: %v", err)
			}
		}
	}
	toks := issue()
	if err := run(ctx, []string{"user", "set-password", "--db", path, "--email", " TANI@niaga.id", "--password", "dari-cli-panjang"}); err != nil {
		t.Fatal(err)
	}
	revoked(toks)
	db := open()
	cred, err := db.CredentialsByEmail(ctx, "tani@niaga.id")
	db.Close()
	if err != nil || !auth.CheckPassword(cred.PasswordHash, "dari-cli-panjang") {
		t.Fatalf("password not set: %v", err)
	}

	toks = issue()
	if err := run(ctx, []string{"user", "deactivate", "--db", path, "--email", "tani@niaga.id"}); err != nil {
		t.Fatal(err)
	}
	revoked(toks)
	if err := run(ctx, []string{"user", "token", "--db", path, "--email", "tani@niaga.id"}); err == nil {
		t.Fatal("a token was issued to a deactivated user")
	}
	if err := run(ctx, []string{"user", "activate", "--db", path, "--email", "tani@niaga.id"}); err != nil {
		t.Fatal(err)
	}
	db = open()
	defer db.Close()
	if cred, _ := db.CredentialsByEmail(ctx, "tani@niaga.id"); !cred.User.Active {
		t.Fatal("not reactivated")
	}
}
