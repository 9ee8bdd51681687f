package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"niaga"
)

// Self sign-up and verification (migration 00010). A business registers
// itself and its first user; the address is confirmed by a mailed link;
// once it has uploaded an identity and a business document it waits for
// the organizer or agency of its province (or the admin) to approve or
// refuse it, and its people are told either way.

// SignUp is a business registering itself; PasswordHash is already hashed.
type SignUp struct {
	Email, Phone, Name, PasswordHash, Lang string
	BusinessName, Province                 string
	Profile                                niaga.BusinessProfile
}

// maxDocuments bounds the documents one organization may upload.
const maxDocuments = 20

// Register creates the business (unverified) and its first user (role
// business), and queues the confirmation mail compose makes, in one
// transaction.
func (db *DB) Register(ctx context.Context, in SignUp, linkHash string, compose func(u niaga.User, expires time.Time) niaga.Mail) (niaga.User, niaga.Organization, error) {
	phone := niaga.NormalizePhone(in.Phone)
	in.Profile.Normalize()
	in.BusinessName = strings.TrimSpace(in.BusinessName)
	nu := NewUser{Email: in.Email, Name: strings.TrimSpace(in.Name), PasswordHash: in.PasswordHash, Lang: in.Lang, Role: niaga.RoleBusiness, OrgID: 1}
	var c niaga.Check
	if err := nu.check(); err != nil {
		var e *niaga.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				c.Require(false, f.Field, f.Reason)
			}
		}
	}
	c.Require(phone != "", "phone", "an Indonesian phone number, e.g. 0812 3456 7890")
	c.Require(in.BusinessName != "" && len(in.BusinessName) <= 200, "business_name", "required, at most 200 characters")
	_, ok := niaga.ProvinceByCode(in.Province)
	c.Require(ok, "province", "unknown province code")
	in.Profile.Check(&c)
	if err := c.Err(); err != nil {
		return niaga.User{}, niaga.Organization{}, err
	}
	var u niaga.User
	o := niaga.Organization{Name: in.BusinessName, Kind: niaga.OrgBusiness, Province: in.Province}
	err := db.InTx(ctx, func(tx *Tx) error {
		o.Created = tx.Now.Unix()
		p := in.Profile
		// One business, one organization: a second person of a registered
		// business is added by its people or the staff, not signed up again.
		var dup int64
		err := tx.QueryRow(ctx, "SELECT id FROM organizations WHERE (nib <> '' AND nib = $1) OR (npwp <> '' AND npwp = $2) LIMIT 1", p.NIB, p.NPWP).Scan(&dup)
		if err == nil {
			field := "nib"
			if p.NIB == "" {
				field = "npwp"
			}
			return &niaga.Error{Code: niaga.CodeConflict, Message: "this business is already registered",
				Fields: []niaga.FieldError{{Field: field, Reason: "already registered: ask its people to add you"}}}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO organizations (name, kind, province, verified, created_at, city, nib, npwp, bank_name, bank_account, bank_holder)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, o.Name, o.Kind, o.Province, false, o.Created, p.City, p.NIB, p.NPWP, p.BankName, p.BankAccount, p.BankHolder)
		if err != nil {
			return err
		}
		o.ID, nu.OrgID = id, id
		if u, err = tx.insertUser(ctx, nil, nu, phone, false); err != nil {
			return err
		}
		actor := &niaga.Actor{UserID: u.ID, OrgID: id, Role: niaga.RoleBusiness, Name: u.Name}
		if err := tx.Audit(actor, "organization.sign_up", "organization", id, nil, map[string]any{"organization": o, "profile": p}); err != nil {
			return err
		}
		_, err = tx.mailLink(ctx, u, LinkConfirmEmail, linkHash, ConfirmEmailTTL, compose)
		return err
	})
	return u, o, err
}

// reviewer reports whether actor may decide on the verification of an
// organization in province: the admin, or an agency or organizer of that
// province.
func (tx *Tx) reviewer(ctx context.Context, actor *niaga.Actor, province string) (bool, error) {
	switch {
	case actor == nil:
		return false, nil
	case actor.Is(niaga.RoleAdmin):
		return true, nil
	case !actor.Is(niaga.RoleAgency) && !actor.Is(niaga.RoleOrganizer):
		return false, nil
	}
	own, err := tx.orgProvince(ctx, actor.OrgID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && own == province, err
}

// orgProvince is an organization's province code.
func (tx *Tx) orgProvince(ctx context.Context, orgID int64) (string, error) {
	var p string
	err := tx.QueryRow(ctx, "SELECT province FROM organizations WHERE id = $1", orgID).Scan(&p)
	return p, err
}

const caseCols = "id, name, kind, province, verified, created_at, city, nib, npwp, bank_name, bank_account, bank_holder, review_requested_at, review_refused, reviewed_at"

// loadCase reads an organization's verification case: the organization,
// its profile, its documents and its people.
func (tx *Tx) loadCase(ctx context.Context, orgID int64) (niaga.VerificationCase, error) {
	var vc niaga.VerificationCase
	o, p := &vc.Org, &vc.Profile
	var requested, reviewed int64
	err := tx.QueryRow(ctx, "SELECT "+caseCols+" FROM organizations WHERE id = $1", orgID).Scan(&o.ID, &o.Name, &o.Kind, &o.Province, &o.Verified, &o.Created,
		&p.City, &p.NIB, &p.NPWP, &p.BankName, &p.BankAccount, &p.BankHolder, &requested, &vc.RefusedReason, &reviewed)
	if errors.Is(err, sql.ErrNoRows) {
		return vc, niaga.Errorf(niaga.CodeNotFound, "organization %d not found", orgID)
	}
	if err != nil {
		return vc, err
	}
	if requested > 0 {
		vc.RequestedAt = time.Unix(requested, 0).UTC()
	}
	if reviewed > 0 {
		vc.ReviewedAt = time.Unix(reviewed, 0).UTC()
	}
	switch {
	case o.Verified:
		vc.State = niaga.VerificationVerified
	case requested > 0:
		vc.State = niaga.VerificationPending
	case vc.RefusedReason != "":
		vc.State = niaga.VerificationRefused
	default:
		vc.State = niaga.VerificationUnverified
	}
	if vc.Documents, err = tx.documents(ctx, orgID); err != nil {
		return vc, err
	}
	rows, err := tx.Query(ctx, "SELECT id, name, email, phone, email_confirmed_at FROM users WHERE org_id = $1 AND active ORDER BY id", orgID)
	if err != nil {
		return vc, err
	}
	defer rows.Close()
	vc.Applicants = []niaga.Applicant{}
	for rows.Next() {
		var a niaga.Applicant
		var confirmed int64
		if err := rows.Scan(&a.ID, &a.Name, &a.Email, &a.Phone, &confirmed); err != nil {
			return vc, err
		}
		a.EmailConfirmed = confirmed > 0
		vc.Applicants = append(vc.Applicants, a)
	}
	return vc, rows.Err()
}

const documentCols = "id, org_id, uploaded_by, kind, filename, content_type, size, sha256, created_at"

func scanDocument(s interface{ Scan(...any) error }, d *niaga.Document) error {
	var at int64
	err := s.Scan(&d.ID, &d.OrgID, &d.UploadedBy, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &at)
	d.CreatedAt = time.Unix(at, 0).UTC()
	return err
}

func (tx *Tx) documents(ctx context.Context, orgID int64) ([]niaga.Document, error) {
	rows, err := tx.Query(ctx, "SELECT "+documentCols+" FROM documents WHERE org_id = $1 ORDER BY id", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []niaga.Document{}
	for rows.Next() {
		var d niaga.Document
		if err := scanDocument(rows, &d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// mayRead reports whether actor may read an organization's case: its
// members and its reviewers.
func (tx *Tx) mayRead(ctx context.Context, actor *niaga.Actor, vc niaga.VerificationCase) (bool, error) {
	if actor != nil && actor.OrgID == vc.Org.ID {
		return true, nil
	}
	return tx.reviewer(ctx, actor, vc.Org.Province)
}

// VerificationCase returns an organization's case to its members and
// reviewers; to anyone else it does not exist.
func (db *DB) VerificationCase(ctx context.Context, actor *niaga.Actor, orgID int64) (niaga.VerificationCase, error) {
	var vc niaga.VerificationCase
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if vc, err = tx.loadCase(ctx, orgID); err != nil {
			return err
		}
		ok, err := tx.mayRead(ctx, actor, vc)
		if err == nil && !ok {
			err = niaga.Errorf(niaga.CodeNotFound, "organization %d not found", orgID)
		}
		return err
	})
	return vc, err
}

// VerificationQueue lists the cases waiting for actor's decision, oldest
// first: all for the admin, their province's for an agency or organizer.
func (db *DB) VerificationQueue(ctx context.Context, actor *niaga.Actor) ([]niaga.VerificationCase, error) {
	out := []niaga.VerificationCase{}
	err := db.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		province := ""
		if !actor.Is(niaga.RoleAdmin) {
			if !actor.Is(niaga.RoleAgency) && !actor.Is(niaga.RoleOrganizer) {
				return niaga.Errorf(niaga.CodeForbidden, "only the admin, agencies and organizers verify businesses")
			}
			var err error
			if province, err = tx.orgProvince(ctx, actor.OrgID); err != nil {
				return db.classify(err)
			}
		}
		ids, err := tx.queryIDs(ctx, "SELECT id FROM organizations WHERE review_requested_at > 0 AND ($1 = '' OR province = $1) ORDER BY review_requested_at, id LIMIT 500", province)
		if err != nil {
			return err
		}
		for _, id := range ids {
			vc, err := tx.loadCase(ctx, id)
			if err != nil {
				return err
			}
			out = append(out, vc)
		}
		return nil
	})
	return out, err
}

// AddDocument records an uploaded document (the file is already stored by
// its SHA-256) for the actor's own organization. Once the organization has
// a document of each kind and is not verified, it waits for a decision
// (again, after a refusal).
func (db *DB) AddDocument(ctx context.Context, actor *niaga.Actor, orgID int64, d niaga.Document) (niaga.VerificationCase, error) {
	var c niaga.Check
	c.Require(d.Kind.Valid(), "kind", "identity or business")
	c.Require(d.Filename != "" && len(d.Filename) <= 200, "file", "a file name of at most 200 characters")
	c.Require(len(d.SHA256) == 64, "file", "no content")
	if err := c.Err(); err != nil {
		return niaga.VerificationCase{}, err
	}
	if actor == nil || actor.OrgID != orgID {
		return niaga.VerificationCase{}, niaga.Errorf(niaga.CodeForbidden, "documents are uploaded by the organization's own people")
	}
	var vc niaga.VerificationCase
	err := db.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM documents WHERE org_id = $1", orgID).Scan(&n); err != nil {
			return err
		}
		if n >= maxDocuments {
			return niaga.Invalid("file", "at most 20 documents per organization")
		}
		id, err := tx.InsertID(ctx, "INSERT INTO documents (org_id, uploaded_by, kind, filename, content_type, size, sha256, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
			orgID, actor.UserID, d.Kind, d.Filename, d.ContentType, d.Size, d.SHA256, tx.Now.Unix())
		if err != nil {
			return err
		}
		if err := tx.Audit(actor, "document.upload", "document", id, nil, map[string]any{"kind": d.Kind, "sha256": d.SHA256, "size": d.Size}); err != nil {
			return err
		}
		if vc, err = tx.loadCase(ctx, orgID); err != nil {
			return err
		}
		if vc.State == niaga.VerificationVerified || vc.State == niaga.VerificationPending || !hasBothKinds(vc.Documents) {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE organizations SET review_requested_at = $1, review_refused = '' WHERE id = $2", tx.Now.Unix(), orgID); err != nil {
			return err
		}
		vc, err = tx.loadCase(ctx, orgID)
		return err
	})
	return vc, err
}

func hasBothKinds(ds []niaga.Document) bool {
	var id, biz bool
	for _, d := range ds {
		id = id || d.Kind == niaga.DocIdentity
		biz = biz || d.Kind == niaga.DocBusiness
	}
	return id && biz
}

// Document returns one document's record to its organization's members
// and reviewers.
func (db *DB) Document(ctx context.Context, actor *niaga.Actor, id int64) (niaga.Document, error) {
	var d niaga.Document
	err := db.InTx(ctx, func(tx *Tx) error {
		err := scanDocument(tx.QueryRow(ctx, "SELECT "+documentCols+" FROM documents WHERE id = $1", id), &d)
		if errors.Is(err, sql.ErrNoRows) {
			return niaga.Errorf(niaga.CodeNotFound, "document %d not found", id)
		}
		if err != nil {
			return err
		}
		vc, err := tx.loadCase(ctx, d.OrgID)
		if err != nil {
			return err
		}
		ok, err := tx.mayRead(ctx, actor, vc)
		if err == nil && !ok {
			err = niaga.Errorf(niaga.CodeNotFound, "document %d not found", id)
		}
		return err
	})
	return d, err
}

// DecideVerification approves or refuses (with a reason) a pending
// business, and tells its people (a notification, mailed unless they chose
// otherwise). Approval needs a confirmed address among them.
func (db *DB) DecideVerification(ctx context.Context, actor *niaga.Actor, orgID int64, approve bool, reason string) (niaga.VerificationCase, error) {
	reason = strings.TrimSpace(reason)
	if !approve && (reason == "" || len(reason) > 1000) {
		return niaga.VerificationCase{}, niaga.Invalid("reason", "say why, in at most 1000 characters")
	}
	var vc niaga.VerificationCase
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if vc, err = tx.loadCase(ctx, orgID); err != nil {
			return err
		}
		ok, err := tx.reviewer(ctx, actor, vc.Org.Province)
		if err != nil {
			return err
		}
		if !ok {
			if member, _ := tx.mayRead(ctx, actor, vc); !member {
				return niaga.Errorf(niaga.CodeNotFound, "organization %d not found", orgID)
			}
			return niaga.Errorf(niaga.CodeForbidden, "the admin, or an agency or organizer of the province, decides")
		}
		if vc.State != niaga.VerificationPending {
			return niaga.Errorf(niaga.CodeConflict, "the organization is %s, not waiting for a decision", vc.State)
		}
		if approve && !anyConfirmed(vc.Applicants) {
			return niaga.Errorf(niaga.CodeConflict, "nobody of the organization has confirmed their email address yet")
		}
		if approve {
			_, err = tx.Exec(ctx, "UPDATE organizations SET verified = $1, review_requested_at = 0, review_refused = '', reviewed_by = $2, reviewed_at = $3 WHERE id = $4",
				true, actor.UserID, tx.Now.Unix(), orgID)
		} else {
			_, err = tx.Exec(ctx, "UPDATE organizations SET review_requested_at = 0, review_refused = $1, reviewed_by = $2, reviewed_at = $3 WHERE id = $4",
				reason, actor.UserID, tx.Now.Unix(), orgID)
		}
		if err != nil {
			return err
		}
		if err := tx.Audit(actor, "organization.verification", "organization", orgID, nil, map[string]any{"approved": approve, "reason": reason}); err != nil {
			return err
		}
		if vc, err = tx.loadCase(ctx, orgID); err != nil {
			return err
		}
		params := map[string]any{"organization": vc.Org.Name, "approved": approve, "reason": reason}
		return tx.notifyOrg(ctx, orgID, niaga.NotifyVerificationDecided, params, "/account/verification")
	})
	return vc, err
}

func anyConfirmed(as []niaga.Applicant) bool {
	for _, a := range as {
		if a.EmailConfirmed {
			return true
		}
	}
	return false
}
