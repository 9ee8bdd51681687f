package auth

import "testing"

// FuzzCheckPassword: a stored hash is parsed before use; malformed or
// hostile ones (huge costs, bad encodings) are refused without panicking,
// and a real hash accepts exactly its own password.
func FuzzCheckPassword(f *testing.F) {
	good, _ := HashPassword("rahasia-123")
	f.Add(good, "rahasia-123")
	f.Add("$argon2id$v=19$m=4294967295,t=1,p=1$AAAA$AAAA", "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=0$$", "")
	f.Fuzz(func(t *testing.T, hash, password string) {
		CheckPassword(hash, password) // must not panic or hang on any stored value
		if CheckPassword(good, password) != (password == "rahasia-123") {
			t.Fatalf("the real hash answered wrongly for %q", password)
		}
	})
}
