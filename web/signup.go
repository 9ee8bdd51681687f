package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/files"
	"niaga/store"
)

// Self sign-up: a business registers itself and is signed in at once,
// confirms its address by a mailed link, uploads its documents, and waits
// for the organizer or agency of its province to verify it (store/signup.go
// holds the rules).

// maxDocumentSize bounds one uploaded document (a phone photo or a scan).
const maxDocumentSize = 5 << 20

// documentTypes are the content types a document may have, by sniffing.
var documentTypes = []string{"application/pdf", "image/jpeg", "image/png"}

// reviewers may see the verification queue and decide.
var reviewers = Only(niaga.RoleAdmin, niaga.RoleAgency, niaga.RoleOrganizer)

// SignUpInput is the body of POST /signup.
type SignUpInput struct {
	Email        string `json:"email" range:"credential" format:"email"`
	Password     string `json:"password" range:"password"`
	Name         string `json:"name" range:"name"`
	Phone        string `json:"phone" doc:"An Indonesian number: 0812…, +62 812… or 62812…; spaces and dashes are ignored."`
	Lang         string `json:"lang,omitempty" enum:"lang"`
	BusinessName string `json:"business_name" range:"name"`
	Province     string `json:"province" doc:"The business's province code (listProvinces); its organizers and agency verify it."`
	niaga.BusinessProfile
}

// Validate checks the password; the store checks the rest.
func (in *SignUpInput) Validate() error {
	var c niaga.Check
	c.LenInRange("password", len(in.Password), niaga.RangePassword)
	return c.Err()
}

// SignUpOutput is the new account, signed in.
type SignUpOutput struct {
	LoginOutput
	Organization niaga.Organization `json:"organization"`
}

// LinkInput carries the token of a mailed link.
type LinkInput struct {
	Token string `json:"token" range:"token"`
}

// Validate checks that there is a token.
func (in *LinkInput) Validate() error {
	var c niaga.Check
	c.LenInRange("token", len(in.Token), niaga.RangeToken)
	return c.Err()
}

// enumDecision is what a reviewer decides.
var enumDecision = niaga.NewEnum("verification_decision", "approved", "refused")

// VerificationDecision decides on a verification.
type VerificationDecision struct {
	Decision string `json:"decision" enum:"verification_decision"`
	Reason   string `json:"reason,omitempty" range:"long_note" doc:"Why it is refused (needed to refuse): what must be fixed."`
}

// Validate checks the decision; the store checks the reason.
func (in *VerificationDecision) Validate() error {
	var c niaga.Check
	c.OneOf("decision", in.Decision, enumDecision)
	return c.Err()
}

// Accepted answers a request whose effect is mailed.
type Accepted struct {
	Detail string `json:"detail"`
}

// signUpRoutes is sign-up and verification.
func signUpRoutes() []endpoint {
	const tag = "auth"
	return []endpoint{
		{Route{Method: "POST", Path: "/api/v1/signup", ID: "signUp", Summary: "A business registers itself and its first user, and is signed in; a confirmation link is mailed", Tag: tag, Policy: &Public, Status: http.StatusCreated,
			Doc: "The business is created unverified, in the province given, with the user as its first member (role business). Give the NIB (13 digits) or the NPWP (15 or 16 digits); " +
				"punctuation in numbers is ignored. The answer signs the user in like login. Verification follows the upload of an identity and a business document.",
			Errors: []niaga.Code{niaga.CodeConflict, niaga.CodeRateLimited},
			Example: SignUpInput{Email: "ani@tokoberas.id", Password: "beras-lampung-2026", Name: "Ani Lestari", Phone: "0812 7788 9900", BusinessName: "Toko Beras Ani", Province: "18",
				BusinessProfile: niaga.BusinessProfile{City: "Metro", NIB: "9120001234567", BankName: "Bank Lampung", BankAccount: "0123456789", BankHolder: "Ani Lestari"}}},
			api((*Server).signUp)},
		{Route{Method: "POST", Path: "/api/v1/auth/confirm-email", ID: "confirmEmail", Summary: "Confirm one's email address with the token of the mailed link", Tag: tag, Policy: &Public, Status: http.StatusNoContent,
			Doc: "A link works once, for 7 days; an unknown, used or expired one is refused on the field token.", Example: LinkInput{Token: "cfm_3kQe9v…"}},
			api((*Server).confirmEmail)},
		{Route{Method: "POST", Path: "/api/v1/me/confirm-email", ID: "resendConfirmation", Summary: "Mail a new confirmation link (at most three an hour)", Tag: tag, Policy: &SignedIn, Status: http.StatusAccepted,
			Errors: []niaga.Code{niaga.CodeConflict}},
			api((*Server).resendConfirmation)},
		{Route{Method: "GET", Path: "/api/v1/organizations/{id}/verification", ID: "getVerification", Summary: "An organization's verification: profile, documents, people and state", Tag: tag, Policy: &SignedIn,
			Doc: "For the organization's members and its reviewers (the admin, the agencies and organizers of its province); 404 for anyone else."},
			api((*Server).getVerification)},
		{Route{Method: "POST", Path: "/api/v1/organizations/{id}/documents", ID: "uploadDocument", Summary: "Upload an identity or business document (PDF, JPEG or PNG, at most 5 MiB); with one of each kind the organization waits for verification", Tag: tag, Policy: &SignedIn, Status: http.StatusCreated,
			Doc:      "By the organization's own people. The type is read from the content, not the name. Answers the organization's verification after the upload.",
			FormFile: "file", Form: []Param{{Name: "kind", Enum: "document_kind", Doc: "What the document proves."}},
			Produces: "application/json", Errors: []niaga.Code{niaga.CodeForbidden},
			Example: map[string]any{"kind": "identity", "file": "%PDF-1.4 … (the scan of the ID card)"}},
			rawOut[niaga.VerificationCase]((*Server).uploadDocument)},
		{Route{Method: "GET", Path: "/api/v1/documents/{id}", ID: "getDocument", Summary: "A document's file", Tag: tag, Policy: &SignedIn,
			Doc: "As an attachment, for the organization's members and its reviewers; 404 for anyone else.", Produces: strings.Join(documentTypes, ",")},
			raw((*Server).getDocument)},
		{Route{Method: "GET", Path: "/api/v1/verifications", ID: "verificationQueue", Summary: "Businesses waiting for verification, oldest first (the admin: all; an agency or organizer: its province's)", Tag: tag, Policy: &reviewers},
			api((*Server).verificationQueue)},
		{Route{Method: "POST", Path: "/api/v1/organizations/{id}/verification/decision", ID: "decideVerification", Summary: "Approve or refuse (with a reason) a waiting business; its people are told", Tag: tag, Policy: &reviewers,
			Doc:    "By the admin, or an agency or organizer of the business's province. Approval needs a confirmed email address among its people; a refusal needs a reason.",
			Errors: []niaga.Code{niaga.CodeConflict}, Example: VerificationDecision{Decision: "refused", Reason: "Foto KTP buram, mohon unggah ulang."}},
			api((*Server).decideVerification)},
	}
}

func (s *Server) signUp(c *Call, in *SignUpInput) (SignUpOutput, error) {
	o, err := s.SignUp(c, in)
	if err != nil {
		return SignUpOutput{}, err
	}
	out, err := s.Login(c.R, c.W, in.Email, in.Password)
	return SignUpOutput{LoginOutput: out, Organization: o}, err
}

func (s *Server) confirmEmail(c *Call, in *LinkInput) (struct{}, error) {
	_, err := s.db.ConfirmEmail(c, auth.HashToken(in.Token))
	return struct{}{}, err
}

func (s *Server) resendConfirmation(c *Call, _ *NoBody) (Accepted, error) {
	token, hash := auth.NewToken("cfm_")
	_, err := s.db.ResendConfirmation(c, c.Actor, hash, s.confirmMail(token))
	return Accepted{Detail: "a confirmation link is on its way, unless three were sent this hour"}, err
}

func (s *Server) getVerification(c *Call, _ *NoBody) (niaga.VerificationCase, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.VerificationCase{}, err
	}
	return s.db.VerificationCase(c, c.Actor, id)
}

func (s *Server) uploadDocument(c *Call) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	kind, name, body, err := documentPart(c.R)
	if err != nil {
		return err
	}
	vc, err := s.AddDocument(c, c.Actor, id, kind, name, body)
	if err != nil {
		return err
	}
	writeJSON(c.W, http.StatusCreated, vc)
	return nil
}

func (s *Server) getDocument(c *Call) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	d, err := s.db.Document(c, c.Actor, id)
	if err != nil {
		return err
	}
	f, err := s.files.Open(d.SHA256)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // read-only
	h := c.W.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	c.W.WriteHeader(http.StatusOK)
	_, err = io.Copy(c.W, f)
	return err
}

func (s *Server) verificationQueue(c *Call, _ *NoBody) ([]niaga.VerificationCase, error) {
	return s.db.VerificationQueue(c, c.Actor)
}

func (s *Server) decideVerification(c *Call, in *VerificationDecision) (niaga.VerificationCase, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.VerificationCase{}, err
	}
	return s.DecideVerification(c, c.Actor, id, in.Decision == "approved", in.Reason)
}

// SignUp registers a business and its first user and mails the
// confirmation link. Shared by the API and pages.
func (s *Server) SignUp(ctx context.Context, in *SignUpInput) (niaga.Organization, error) {
	if err := in.Validate(); err != nil {
		return niaga.Organization{}, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return niaga.Organization{}, err
	}
	token, linkHash := auth.NewToken("cfm_")
	_, o, err := s.db.Register(ctx, store.SignUp{Email: in.Email, Phone: in.Phone, Name: in.Name, PasswordHash: hash, Lang: in.Lang,
		BusinessName: in.BusinessName, Province: in.Province, Profile: in.BusinessProfile}, linkHash, s.confirmMail(token))
	return o, err
}

// confirmMail composes the confirmation mail of a link.
func (s *Server) confirmMail(token string) func(u niaga.User, expires time.Time) niaga.Mail {
	return func(u niaga.User, _ time.Time) niaga.Mail {
		lang, cat := normLang(u.Lang), loadUIOnce().cat
		link := s.publicURL + "/confirm-email?token=" + url.QueryEscape(token)
		return niaga.Mail{To: u.Email, Subject: cat.T(lang, "mail.confirm_subject"),
			Text: cat.T(lang, "mail.confirm_body", u.Name, link, int(store.ConfirmEmailTTL/(24*time.Hour)))}
	}
}

// AddDocument stores an uploaded file (checked by its sniffed type and
// size) and records it for the organization.
func (s *Server) AddDocument(ctx context.Context, actor *niaga.Actor, orgID int64, kind niaga.DocumentKind, name string, body io.Reader) (niaga.VerificationCase, error) {
	var contentType string
	sum, size, err := s.files.Put(body, maxDocumentSize, func(head []byte) error {
		contentType = http.DetectContentType(head)
		for _, t := range documentTypes {
			if contentType == t {
				return nil
			}
		}
		return &niaga.Error{Code: niaga.CodeUnsupportedMedia, Message: "a document is a PDF, JPEG or PNG file",
			Fields: []niaga.FieldError{{Field: "file", Reason: "must be a PDF, JPEG or PNG file"}}}
	})
	if errors.Is(err, files.ErrTooLarge) {
		return niaga.VerificationCase{}, &niaga.Error{Code: niaga.CodeTooLarge, Message: "a document is at most 5 MiB",
			Fields: []niaga.FieldError{{Field: "file", Reason: "at most 5 MiB"}}}
	}
	if err != nil {
		return niaga.VerificationCase{}, err
	}
	return s.db.AddDocument(ctx, actor, orgID, niaga.Document{Kind: kind, Filename: cleanFilename(name), ContentType: contentType, Size: size, SHA256: sum})
}

// cleanFilename keeps the base name of an uploaded file, printable and
// bounded, for the download's Content-Disposition.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == '"' {
			return -1
		}
		return r
	}, name)
	if len(name) > 120 {
		name = name[len(name)-120:]
	}
	if name == "" || name == "." || name == "/" {
		name = "dokumen"
	}
	return name
}

// documentPart reads a multipart upload: the field kind, then the file.
func documentPart(r *http.Request) (niaga.DocumentKind, string, io.Reader, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return "", "", nil, &niaga.Error{Code: niaga.CodeUnsupportedMedia, Message: "send multipart/form-data with the fields kind and file",
			Fields: []niaga.FieldError{{Field: "Content-Type", Reason: "must be multipart/form-data"}}}
	}
	mr := multipart.NewReader(http.MaxBytesReader(nil, r.Body, maxDocumentSize+64<<10), params["boundary"])
	var kind niaga.DocumentKind
	for {
		p, err := mr.NextPart()
		if err != nil {
			return "", "", nil, niaga.Invalid("file", "missing: send the field kind, then the file")
		}
		switch p.FormName() {
		case "kind":
			b, _ := io.ReadAll(io.LimitReader(p, 64))
			kind = niaga.DocumentKind(strings.TrimSpace(string(b)))
		case "file":
			if !kind.Valid() {
				return "", "", nil, niaga.Invalid("kind", "identity or business, sent before the file")
			}
			return kind, p.FileName(), p, nil
		}
	}
}

// DecideVerification approves or refuses a waiting business; its people
// are told through their notifications.
func (s *Server) DecideVerification(ctx context.Context, actor *niaga.Actor, orgID int64, approve bool, reason string) (niaga.VerificationCase, error) {
	return s.db.DecideVerification(ctx, actor, orgID, approve, reason)
}
