// Package niaga holds the domain of the Niaga platform: the types, error
// codes, money and time-zone rules that every other package shares.
//
// Dependencies point inward: store, web, auction and matching import this
// package; it imports none of them.
package niaga

import (
	"context"
	"strings"
)

// Role is what a user may do on the platform.
type Role string

// Roles, as described in DOMAIN.md.
const (
	RoleAdmin     Role = "admin"
	RoleAgency    Role = "agency"
	RoleOrganizer Role = "organizer"
	RoleBusiness  Role = "business"
	RoleBank      Role = "bank"
	RolePublic    Role = "public"
)

// Roles lists every role in a stable order (used by the authorization matrix).
var Roles = []Role{RoleAdmin, RoleAgency, RoleOrganizer, RoleBusiness, RoleBank, RolePublic}

// EnumRole is the roles as an enum (fields of type Role take it).
var EnumRole = NewEnum("role", Roles...)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return EnumRole.Has(string(r)) }

// OrgKind is the kind of an organization.
type OrgKind string

// Organization kinds.
const (
	OrgAgency    OrgKind = "agency"
	OrgOrganizer OrgKind = "organizer"
	OrgBusiness  OrgKind = "business"
	OrgBank      OrgKind = "bank"
	OrgGuarantor OrgKind = "guarantor"
)

// OrgKinds lists every organization kind.
var OrgKinds = []OrgKind{OrgAgency, OrgOrganizer, OrgBusiness, OrgBank, OrgGuarantor}

// EnumOrgKind is the organization kinds as an enum (fields of type
// OrgKind take it).
var EnumOrgKind = NewEnum("org_kind", OrgKinds...)

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return EnumOrgKind.Has(string(k)) }

// EnumLang is the languages a user reads the platform in, the default
// first: Bahasa Indonesia and English.
var EnumLang = NewEnum("lang", "id", "en")

// Organization is an agency, auction organizer, business, bank or guarantor.
type Organization struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Kind     OrgKind `json:"kind"`
	Province string  `json:"province" doc:"Province code (BPS), e.g. 63 for Kalimantan Selatan; see listProvinces."` // province code, e.g. "63"
	Verified bool    `json:"verified"`
	Created  int64   `json:"created_at"` // unix seconds
}

// NormalizeEmail is the one form of an email address that is stored,
// looked up and throttled on: trimmed and lower-cased. Every path that
// takes an address from outside (sign-in, user creation, password
// change, the CLI) goes through it.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// User is a person who signs in. Every user belongs to one organization.
type User struct {
	ID     int64  `json:"id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	OrgID  int64  `json:"org_id"`
	Lang   string `json:"lang" enum:"lang"` // "id" or "en"
	Active bool   `json:"active"`
}

// Actor is the authenticated caller of an operation. Services take it to
// check ownership; a nil Actor is the public.
type Actor struct {
	UserID int64
	OrgID  int64
	Role   Role
	Name   string
}

// Is reports whether the actor has one of the roles.
func (a *Actor) Is(roles ...Role) bool {
	if a == nil {
		return false
	}
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// Organizes reports whether the actor runs the market side of an
// organizer organization orgID: the admin, or an organizer of that
// organization. False for nil.
func (a *Actor) Organizes(orgID int64) bool {
	return a.Is(RoleAdmin) || a.Is(RoleOrganizer) && a.OrgID == orgID
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil for the public.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}
