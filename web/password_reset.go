package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/store"
)

// Password reset by an emailed link: anyone may ask for a link for an
// address; the answer is the same whether the address is registered or
// not, and a link goes out (through the mail outbox) only to an active
// user, at most a few an hour. The link works once, for
// store.PasswordResetTTL, and using it revokes every session and token of
// the user, as any password change does.

// PasswordResetRequest is the body of POST /auth/password-reset.
type PasswordResetRequest struct {
	Email string `json:"email" range:"credential" format:"email"`
}

// Validate checks the address's shape only: whether it is registered is
// never told.
func (in *PasswordResetRequest) Validate() error {
	var c niaga.Check
	c.Require(strings.Contains(in.Email, "@") && int64(len(in.Email)) <= niaga.RangeCredential.Max, "email", "must be an email address")
	return c.Err()
}

// PasswordResetAccepted answers a reset request, whatever the address.
type PasswordResetAccepted struct {
	Detail string `json:"detail"`
}

// PasswordResetConfirm is the body of POST /auth/password-reset/confirm.
type PasswordResetConfirm struct {
	Token       string `json:"token" range:"token"`
	NewPassword string `json:"new_password" range:"password"`
}

// Validate checks the token's presence and the new password.
func (in *PasswordResetConfirm) Validate() error {
	var c niaga.Check
	c.LenInRange("token", len(in.Token), niaga.RangeToken)
	c.LenInRange("new_password", len(in.NewPassword), niaga.RangePassword)
	return c.Err()
}

// passwordResetRoutes is the password reset API; the pages are
// /password/forgot and /password/reset.
func passwordResetRoutes() []endpoint {
	return []endpoint{
		{Route{Method: "POST", Path: "/api/v1/auth/password-reset", ID: "requestPasswordReset", Summary: "Ask for a password reset link by email (the answer is the same for any address)", Tag: "auth", Policy: &Public, Status: http.StatusAccepted,
			Doc:     "A link goes only to an active user's address, at most three an hour; it works once, for an hour. The answer never tells whether the address is registered.",
			Example: PasswordResetRequest{Email: "pembeli@niaga.id"}},
			api((*Server).requestPasswordReset)},
		{Route{Method: "POST", Path: "/api/v1/auth/password-reset/confirm", ID: "confirmPasswordReset", Summary: "Set a new password with the token of a reset link (once, within an hour); revokes every session and API token", Tag: "auth", Policy: &Public, Status: http.StatusNoContent,
			Doc:     "An unknown, used or expired token is refused on the field token.",
			Example: PasswordResetConfirm{Token: "rst_8Hx2…", NewPassword: "panen-raya-2026-baru"}},
			api((*Server).confirmPasswordReset)},
	}
}

func (s *Server) requestPasswordReset(c *Call, in *PasswordResetRequest) (PasswordResetAccepted, error) {
	if err := s.RequestPasswordReset(c, in.Email); err != nil {
		return PasswordResetAccepted{}, err
	}
	return PasswordResetAccepted{Detail: "if the address is registered, a reset link is on its way"}, nil
}

func (s *Server) confirmPasswordReset(c *Call, in *PasswordResetConfirm) (struct{}, error) {
	return struct{}{}, s.ResetPassword(c, in.Token, in.NewPassword)
}

// RequestPasswordReset queues a reset link for email if it belongs to an
// active user (see store.RequestPasswordReset). Shared by the API and pages.
func (s *Server) RequestPasswordReset(ctx context.Context, email string) error {
	token, hash := auth.NewToken("rst_")
	_, err := s.db.RequestPasswordReset(ctx, email, hash, func(u niaga.User, expires time.Time) niaga.Mail {
		link := s.publicURL + "/password/reset?token=" + url.QueryEscape(token)
		lang := normLang(u.Lang)
		cat := loadUIOnce().cat
		return niaga.Mail{To: u.Email, Subject: cat.T(lang, "mail.reset_subject"),
			Text: cat.T(lang, "mail.reset_body", u.Name, link, int(store.PasswordResetTTL/time.Minute))}
	})
	return err
}

// ResetPassword sets password for the user of a reset token.
func (s *Server) ResetPassword(ctx context.Context, token, password string) error {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	id, err := s.db.ResetPassword(ctx, auth.HashToken(token), hash)
	if err == nil {
		s.forgetUser(id)
	}
	return err
}

// ---- pages ----

type passwordResetData struct {
	Token string
	Sent  bool
}

func (s *Server) pageForgotPassword(c *PageCall) error {
	return c.Render(0, "password", "password.forgot_title", passwordResetData{})
}

func (s *Server) pageForgotPasswordPost(c *PageCall) error {
	in := PasswordResetRequest{Email: niaga.NormalizeEmail(c.R.PostFormValue("email"))}
	err := in.Validate()
	if err == nil {
		err = s.RequestPasswordReset(c, in.Email)
	}
	if err != nil {
		c.Fail(err)
		return c.Render(StatusOf(niaga.ErrorCode(err)), "password", "password.forgot_title", passwordResetData{})
	}
	return c.Render(0, "password", "password.forgot_title", passwordResetData{Sent: true})
}

func (s *Server) pageResetPassword(c *PageCall) error {
	return c.Render(0, "password", "password.reset_title", passwordResetData{Token: c.R.URL.Query().Get("token")})
}

func (s *Server) pageResetPasswordPost(c *PageCall) error {
	in := PasswordResetConfirm{Token: c.R.PostFormValue("token"), NewPassword: c.R.PostFormValue("new_password")}
	err := in.Validate()
	if err == nil {
		err = s.ResetPassword(c, in.Token, in.NewPassword)
	}
	if err != nil {
		c.Fail(err)
		c.R.PostForm.Del("new_password") // never echo a password back
		return c.Render(StatusOf(niaga.ErrorCode(err)), "password", "password.reset_title", passwordResetData{Token: in.Token})
	}
	return c.Redirect("/signin", "flash.password_reset")
}
