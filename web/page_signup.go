package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"

	"niaga"
	"niaga/auth"
)

// The sign-up pages: the form, the business's own verification page
// (documents, state, confirmation link), the confirmation link's page and
// the reviewers' queue. The rules are the store's; see signup.go.

type signUpData struct {
	Provinces []niaga.Province
}

type verificationData struct {
	Case      niaga.VerificationCase
	Confirmed bool // the signed-in user's address
	Kinds     []niaga.DocumentKind
}

type verificationsData struct {
	Cases []niaga.VerificationCase
}

func (s *Server) pageSignUp(c *PageCall) error {
	if c.Actor.Is(niaga.RoleBusiness) {
		return c.Redirect("/account/verification", "")
	}
	if c.Actor != nil {
		return c.Redirect("/", "")
	}
	return c.Render(0, "signup", "signup.title", signUpData{Provinces: niaga.Provinces()})
}

func (s *Server) pageSignUpPost(c *PageCall) error {
	f := c.R.PostForm
	in := SignUpInput{Email: f.Get("email"), Password: f.Get("password"), Name: f.Get("name"), Phone: f.Get("phone"), Lang: c.Lang,
		BusinessName: f.Get("business_name"), Province: f.Get("province"),
		BusinessProfile: niaga.BusinessProfile{City: f.Get("city"), NIB: f.Get("nib"), NPWP: f.Get("npwp"),
			BankName: f.Get("bank_name"), BankAccount: f.Get("bank_account"), BankHolder: f.Get("bank_holder")}}
	_, err := s.SignUp(c, &in)
	if err == nil {
		_, err = s.Login(c.R, c.W, in.Email, in.Password)
	}
	if err != nil {
		c.Fail(err)
		c.R.PostForm.Del("password") // never echo a password back
		return c.Render(StatusOf(niaga.ErrorCode(err)), "signup", "signup.title", signUpData{Provinces: niaga.Provinces()})
	}
	return c.Redirect("/account/verification", "flash.signed_up")
}

// pageVerification is a business's own verification: what it gave, its
// documents, the upload form and where the decision stands.
func (s *Server) pageVerification(c *PageCall) error {
	vc, err := s.db.VerificationCase(c, c.Actor, c.Actor.OrgID)
	if err != nil {
		return err
	}
	d := verificationData{Case: vc, Kinds: niaga.DocumentKinds}
	for _, a := range vc.Applicants {
		if a.ID == c.Actor.UserID {
			d.Confirmed = a.EmailConfirmed
		}
	}
	return c.Render(0, "verification", "verification.title", d)
}

// pageDocumentUpload takes the form's files, one field per kind (identity,
// business): a phone user picks both and sends once.
func (s *Server) pageDocumentUpload(c *PageCall) error {
	n, err := s.eachDocument(c, func(kind niaga.DocumentKind, name string, body io.Reader) error {
		_, err := s.AddDocument(c, c.Actor, c.Actor.OrgID, kind, name, body)
		return err
	})
	if err == nil && n == 0 {
		err = niaga.Invalid("identity", "choose a file")
	}
	if err != nil {
		c.Fail(err)
		return s.pageVerificationStatus(c, StatusOf(niaga.ErrorCode(err)))
	}
	return c.Redirect("/account/verification", "flash.document_uploaded")
}

// eachDocument calls fn for each file of a multipart form whose field
// names a document kind, and counts them.
func (s *Server) eachDocument(c *PageCall, fn func(kind niaga.DocumentKind, name string, body io.Reader) error) (int, error) {
	mt, params, err := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return 0, niaga.Invalid("identity", "choose a file")
	}
	mr := multipart.NewReader(c.R.Body, params["boundary"])
	n := 0
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, niaga.Invalid("identity", "could not be read")
		}
		kind := niaga.DocumentKind(p.FormName())
		if !kind.Valid() || p.FileName() == "" {
			continue
		}
		if err := fn(kind, p.FileName(), p); err != nil {
			var e *niaga.Error
			if errors.As(err, &e) {
				for i := range e.Fields {
					if e.Fields[i].Field == "file" {
						e.Fields[i].Field = string(kind) // next to the input that sent it
					}
				}
			}
			return n, err
		}
		n++
	}
}

// pageVerificationStatus renders the verification page with a status (a
// failed upload).
func (s *Server) pageVerificationStatus(c *PageCall, status int) error {
	vc, err := s.db.VerificationCase(c, c.Actor, c.Actor.OrgID)
	if err != nil {
		return err
	}
	return c.Render(status, "verification", "verification.title", verificationData{Case: vc, Kinds: niaga.DocumentKinds})
}

func (s *Server) pageResendConfirmation(c *PageCall) error {
	token, hash := auth.NewToken("cfm_")
	if _, err := s.db.ResendConfirmation(c, c.Actor, hash, s.confirmMail(token)); err != nil {
		c.Fail(err)
		return s.pageVerificationStatus(c, StatusOf(niaga.ErrorCode(err)))
	}
	return c.Redirect("/account/verification", "flash.confirmation_sent")
}

// pageConfirmEmail shows a button: a link scanner that opens the mailed
// link must not spend it.
func (s *Server) pageConfirmEmail(c *PageCall) error {
	return c.Render(0, "confirm", "confirm.title", LinkInput{Token: c.R.URL.Query().Get("token")})
}

func (s *Server) pageConfirmEmailPost(c *PageCall) error {
	in := LinkInput{Token: c.R.PostFormValue("token")}
	err := in.Validate()
	if err == nil {
		_, err = s.db.ConfirmEmail(c, auth.HashToken(in.Token))
	}
	if err != nil {
		c.Fail(err)
		return c.Render(StatusOf(niaga.ErrorCode(err)), "confirm", "confirm.title", in)
	}
	to := "/signin"
	if c.Actor != nil {
		to = "/account/verification"
	}
	return c.Redirect(to, "flash.email_confirmed")
}

func (s *Server) pageVerifications(c *PageCall) error {
	cases, err := s.db.VerificationQueue(c, c.Actor)
	if err != nil {
		return err
	}
	return c.Render(0, "verifications", "verifications.title", verificationsData{Cases: cases})
}

func (s *Server) pageVerificationDecide(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	in := VerificationDecision{Decision: c.R.PostFormValue("decision"), Reason: strings.TrimSpace(c.R.PostFormValue("reason"))}
	err = in.Validate()
	if err == nil {
		_, err = s.DecideVerification(c, c.Actor, id, in.Decision == "approved", in.Reason)
	}
	if err != nil {
		c.Fail(err)
		cases, qerr := s.db.VerificationQueue(c, c.Actor)
		if qerr != nil {
			return qerr
		}
		return c.Render(StatusOf(niaga.ErrorCode(err)), "verifications", "verifications.title", verificationsData{Cases: cases})
	}
	return c.Redirect("/verifications#case-"+strconv.FormatInt(id, 10), "flash.verification_"+in.Decision)
}
