// Package demo fills a fresh database with the data of the news articles in
// shared/seeds: the Lampung–Jawa Tengah joint auction session and the East
// Java trade missions to South Kalimantan and South Sumatra.
package demo

import (
	"context"
	"fmt"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/store"
)

// Password is the password of every demo account.
const Password = "niaga-demo-2026"

// Admin is the demo administrator's email.
const Admin = "admin@niaga.id"

// Data is what Seed made, for the parts seeded after the foundation.
type Data struct {
	Orgs  map[string]niaga.Organization // by short key
	Users map[string]niaga.User         // by email
	Now   time.Time
}

// Seed fills db with demo data. now anchors the auction schedule so that
// some lots are open when the demo starts.
func Seed(ctx context.Context, db *store.DB, now time.Time) (*Data, error) {
	if err := db.SeedCommodities(ctx); err != nil {
		return nil, err
	}
	d := &Data{Orgs: map[string]niaga.Organization{}, Users: map[string]niaga.User{}, Now: now}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	orgs := []struct {
		key, name string
		kind      niaga.OrgKind
		prov      string
	}{
		{"niaga", "Niaga Operator", niaga.OrgAgency, "31"},
		{"disperindag_jatim", "Disperindag Provinsi Jawa Timur", niaga.OrgAgency, "35"},
		{"disperindag_kalsel", "Disperindag Provinsi Kalimantan Selatan", niaga.OrgAgency, "63"},
		{"disperindag_sumsel", "Disperindag Provinsi Sumatera Selatan", niaga.OrgAgency, "16"},
		{"disperindag_lampung", "Disperindag Provinsi Lampung", niaga.OrgAgency, "18"},
		{"disperindag_jateng", "Disperindag Provinsi Jawa Tengah", niaga.OrgAgency, "33"},
		{"pl_lampung", "Pasar Lelang Komoditas Lampung", niaga.OrgOrganizer, "18"},
		{"koperasi_amira", "Koperasi Amira Agri Aneka Jaya Semarang", niaga.OrgOrganizer, "33"},
		{"bank_kalsel", "Bank Kalsel", niaga.OrgBank, "63"},
		{"bank_jatim", "Bank Jatim", niaga.OrgBank, "35"},
		{"jamkrida_jatim", "Jamkrida Jatim", niaga.OrgGuarantor, "35"},
		{"penggilingan_lampung", "PB Sinar Tani Lampung", niaga.OrgBusiness, "18"},
		{"kopi_lampung", "KUB Kopi Robusta Tanggamus", niaga.OrgBusiness, "18"},
		{"tani_jateng", "Gapoktan Sido Makmur Grobogan", niaga.OrgBusiness, "33"},
		{"grosir_semarang", "UD Berkah Pangan Semarang", niaga.OrgBusiness, "33"},
		{"grosir_surabaya", "CV Sumber Rejeki Surabaya", niaga.OrgBusiness, "35"},
		{"pasar_banjarmasin", "PT Banua Niaga Banjarmasin", niaga.OrgBusiness, "63"},
	}
	for _, o := range orgs {
		org := niaga.Organization{Name: o.name, Kind: o.kind, Province: o.prov, Verified: true}
		if err := db.CreateOrganization(ctx, nil, &org); err != nil {
			return nil, fmt.Errorf("org %s: %w", o.key, err)
		}
		d.Orgs[o.key] = org
	}
	users := []struct {
		email, name string
		role        niaga.Role
		org         string
	}{
		{Admin, "Admin Niaga", niaga.RoleAdmin, "niaga"},
		{"jatim@niaga.id", "Disperindag Jatim", niaga.RoleAgency, "disperindag_jatim"},
		{"kalsel@niaga.id", "Disperindag Kalsel", niaga.RoleAgency, "disperindag_kalsel"},
		{"lampung@niaga.id", "Pasar Lelang Lampung", niaga.RoleOrganizer, "pl_lampung"},
		{"amira@niaga.id", "Koperasi Amira", niaga.RoleOrganizer, "koperasi_amira"},
		{"bank@niaga.id", "Bank Kalsel", niaga.RoleBank, "bank_kalsel"},
		{"penjual@niaga.id", "Sinar Tani (penjual)", niaga.RoleBusiness, "penggilingan_lampung"},
		{"kopi@niaga.id", "KUB Kopi Tanggamus (penjual)", niaga.RoleBusiness, "kopi_lampung"},
		{"tani@niaga.id", "Gapoktan Sido Makmur (penjual)", niaga.RoleBusiness, "tani_jateng"},
		{"pembeli@niaga.id", "UD Berkah Pangan (pembeli)", niaga.RoleBusiness, "grosir_semarang"},
		{"pembeli2@niaga.id", "CV Sumber Rejeki (pembeli)", niaga.RoleBusiness, "grosir_surabaya"},
		{"banua@niaga.id", "PT Banua Niaga", niaga.RoleBusiness, "pasar_banjarmasin"},
	}
	for _, u := range users {
		out, err := db.CreateUser(ctx, nil, store.NewUser{Email: u.email, Name: u.name, PasswordHash: hash, Role: u.role, OrgID: d.Orgs[u.org].ID})
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", u.email, err)
		}
		d.Users[u.email] = out
	}
	for _, step := range seeders {
		if err := step(ctx, db, d); err != nil {
			return nil, err
		}
	}
	// The seeded history is shown in the app, not mailed: nobody is told by
	// mail of things that happened before they arrived.
	if err := db.SkipNotificationMail(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// seeders are the later parts of the demo (auction market, missions), each
// registered from its own file.
var seeders []func(context.Context, *store.DB, *Data) error
