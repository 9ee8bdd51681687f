package niaga

import (
	"strings"
	"time"
	"unicode"
)

// Self sign-up and verification: what a business tells about itself, the
// documents it uploads and where its verification stands.

// BusinessProfile is what a business gives when it signs up: where it is,
// its identifiers (NIB, the business number of OSS, or NPWP, the tax
// number: at least one) and the bank account refunds are paid to.
type BusinessProfile struct {
	City        string `json:"city"`
	NIB         string `json:"nib,omitempty"`
	NPWP        string `json:"npwp,omitempty"`
	BankName    string `json:"bank_name"`
	BankAccount string `json:"bank_account"`
	BankHolder  string `json:"bank_holder"`
}

// Normalize keeps the digits of the numbers (people type NPWP as
// 01.234.567.8-901.000) and trims the rest.
func (p *BusinessProfile) Normalize() {
	p.City, p.BankName, p.BankHolder = strings.TrimSpace(p.City), strings.TrimSpace(p.BankName), strings.TrimSpace(p.BankHolder)
	p.NIB, p.NPWP, p.BankAccount = digits(p.NIB), digits(p.NPWP), digits(p.BankAccount)
}

// Check records what is wrong with a normalized profile.
func (p *BusinessProfile) Check(c *Check) {
	c.Require(p.City != "" && len(p.City) <= 100, "city", "required, at most 100 characters")
	c.Require(p.NIB != "" || p.NPWP != "", "nib", "give the NIB or the NPWP")
	c.Require(p.NIB == "" || len(p.NIB) == 13, "nib", "an NIB has 13 digits")
	c.Require(p.NPWP == "" || len(p.NPWP) == 15 || len(p.NPWP) == 16, "npwp", "an NPWP has 15 or 16 digits")
	c.Require(p.BankName != "" && len(p.BankName) <= 100, "bank_name", "required, at most 100 characters")
	c.Require(len(p.BankAccount) >= 6 && len(p.BankAccount) <= 20, "bank_account", "6 to 20 digits")
	c.Require(p.BankHolder != "" && len(p.BankHolder) <= 200, "bank_holder", "required, at most 200 characters")
}

// NormalizePhone returns an Indonesian mobile or landline number as
// +62…, or "" when it is not one: 08123456789, +62 812-3456-789 and
// 62812… are the same number.
func NormalizePhone(s string) string {
	d := digits(s)
	switch {
	case strings.HasPrefix(d, "62"):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		d = d[1:]
	default:
		return ""
	}
	if len(d) < 8 || len(d) > 13 || d[0] == '0' {
		return ""
	}
	return "+62" + d
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) && r < 128 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// VerificationState is where an organization's verification stands.
type VerificationState string

// Verification states. A business is unverified until it has uploaded
// both kinds of document, pending until staff decide, then verified or
// refused (with a reason); new documents after a refusal make it pending
// again.
const (
	VerificationUnverified VerificationState = "unverified"
	VerificationPending    VerificationState = "pending"
	VerificationVerified   VerificationState = "verified"
	VerificationRefused    VerificationState = "refused"
)

// VerificationStates lists every state.
var VerificationStates = []VerificationState{VerificationUnverified, VerificationPending, VerificationVerified, VerificationRefused}

// EnumVerificationState is the verification states.
var EnumVerificationState = NewEnum("verification_state", VerificationStates...)

// DocumentKind is what a document proves.
type DocumentKind string

// Document kinds: the person's identity (KTP) and the business's papers
// (NIB, NPWP, SIUP…). Verification needs one of each.
const (
	DocIdentity DocumentKind = "identity"
	DocBusiness DocumentKind = "business"
)

// DocumentKinds lists every kind.
var DocumentKinds = []DocumentKind{DocIdentity, DocBusiness}

// EnumDocumentKind is the document kinds.
var EnumDocumentKind = NewEnum("document_kind", DocumentKinds...)

// Valid reports whether k is a known kind.
func (k DocumentKind) Valid() bool { return k == DocIdentity || k == DocBusiness }

// Document is an uploaded file (kept outside the database, by its SHA-256).
type Document struct {
	ID          int64        `json:"id"`
	OrgID       int64        `json:"org_id"`
	UploadedBy  int64        `json:"uploaded_by"`
	Kind        DocumentKind `json:"kind"`
	Filename    string       `json:"filename"`
	ContentType string       `json:"content_type"`
	Size        int64        `json:"size"`
	SHA256      string       `json:"sha256"`
	CreatedAt   time.Time    `json:"created_at"`
}

// Applicant is a user of an organization under review, as staff see them.
type Applicant struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone,omitempty"`
	EmailConfirmed bool   `json:"email_confirmed"`
}

// VerificationCase is an organization's verification: what the business
// gave, its documents, its people and where the decision stands.
type VerificationCase struct {
	Org           Organization      `json:"organization"`
	Profile       BusinessProfile   `json:"profile"`
	State         VerificationState `json:"state"`
	RequestedAt   time.Time         `json:"requested_at,omitzero"`
	RefusedReason string            `json:"refused_reason,omitempty"`
	ReviewedAt    time.Time         `json:"reviewed_at,omitzero"`
	Documents     []Document        `json:"documents"`
	Applicants    []Applicant       `json:"applicants"`
}
