package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"niaga"
	"niaga/store"
)

func init() { seeders = append(seeders, seedMissions) }

// Titles of the demo missions (tests find them by title).
const (
	MissionKalsel = "Misi Dagang dan Investasi Jawa Timur – Kalimantan Selatan 2022"
	MissionSumsel = "Misi Dagang dan Investasi Akselerasi Perdagangan Jawa Timur – Sumatera Selatan 2020"
	MissionToday  = "Temu Bisnis Jawa Timur – Kalimantan Selatan (Surabaya)"
)

// Figures of the seed articles.
const (
	KalselTotal  int64 = 147_321_766_000 // by 18:30 WITA, 13 April 2022
	SumselTotal  int64 = 306_548_050_000 // by 18:47 WIB, 2 December 2020
	KalselJatim        = 72
	KalselKalsel       = 100
	SumselJatim        = 46
	SumselSumsel       = 115
)

// Demo accounts added for the missions (password Password).
const (
	BankJatim  = "bankjatim@niaga.id" // Bank Jatim
	Jamkrida   = "jamkrida@niaga.id"  // Jamkrida Jatim (guarantor)
	Validator  = "bi@niaga.id"        // Bank Indonesia KPw Jawa Timur, validator of today's mission
	Sumsel     = "sumsel@niaga.id"    // Disperindag Sumsel
	UMKMKalsel = "umkm.kalsel@niaga.id"
)

// seedMissions reproduces the East Java trade missions of seeds 001–004
// (archived, with every deal at its recorded time) and runs a mission
// "today" in Surabaya so deal entry and the live board can be shown.
func seedMissions(ctx context.Context, db *store.DB, d *Data) error {
	admin := actorOf(d, Admin)
	cred, err := db.CredentialsByEmail(ctx, Admin)
	if err != nil {
		return err
	}
	hash := cred.PasswordHash // every demo account shares the password: hash it once
	bi := niaga.Organization{Name: "Bank Indonesia KPw Jawa Timur", Kind: niaga.OrgAgency, Province: "35", Verified: true}
	if err := db.CreateOrganization(ctx, admin, &bi); err != nil {
		return err
	}
	d.Orgs["bi_jatim"] = bi
	kalsel, err := kalselArchive(d)
	if err != nil {
		return err
	}
	if err := db.ImportMissionArchive(ctx, admin, kalsel); err != nil {
		return fmt.Errorf("kalsel mission: %w", err)
	}
	sumsel, err := sumselArchive(d)
	if err != nil {
		return err
	}
	if err := db.ImportMissionArchive(ctx, admin, sumsel); err != nil {
		return fmt.Errorf("sumsel mission: %w", err)
	}
	for _, u := range []struct {
		email, name string
		role        niaga.Role
		org         int64
	}{
		{BankJatim, "Bank Jatim", niaga.RoleBank, d.Orgs["bank_jatim"].ID},
		{Jamkrida, "Jamkrida Jatim", niaga.RoleBank, d.Orgs["jamkrida_jatim"].ID},
		{Validator, "BI KPw Jatim (validator)", niaga.RoleAgency, bi.ID},
		{Sumsel, "Disperindag Sumsel", niaga.RoleAgency, d.Orgs["disperindag_sumsel"].ID},
		{UMKMKalsel, kalsel.Participants[KalselJatim].Name, niaga.RoleBusiness, kalsel.Participants[KalselJatim].OrgID},
	} {
		out, err := db.CreateUser(ctx, admin, store.NewUser{Email: u.email, Name: u.name, PasswordHash: hash, Role: u.role, OrgID: u.org})
		if err != nil {
			return fmt.Errorf("user %s: %w", u.email, err)
		}
		d.Users[u.email] = out
	}
	return seedToday(ctx, db, d)
}

func actorOf(d *Data, email string) *niaga.Actor {
	u := d.Users[email]
	return &niaga.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name}
}

// trade is what a delegation typically sells: commodity, grade, price per
// base unit, a typical monthly capacity.
type trade struct {
	commodity, grade string
	price, capacity  int64
}

var (
	jatimGoods = []trade{
		{"beras", "medium", 11_900, 150_000}, {"beras", "premium", 13_500, 80_000}, {"gula", "GKP I", 14_000, 60_000},
		{"bawang_merah", "super", 32_000, 20_000}, {"jagung", "II", 5_200, 200_000}, {"sapi", "A", 21_000_000, 40},
		{"cabai", "super", 38_000, 8_000}, {"kopi_robusta", "1", 48_000, 10_000},
	}
	kalselGoods = []trade{
		{"karet", "SIR 20", 21_000, 90_000}, {"kelapa_sawit", "A", 2_600, 500_000}, {"ikan", "A", 36_000, 15_000},
		{"kakao", "I", 42_000, 6_000}, {"karet", "SIR 10", 22_500, 40_000},
	}
	sumselGoods = []trade{
		{"karet", "SIR 20", 20_500, 120_000}, {"kelapa_sawit", "A", 2_500, 800_000}, {"kopi_robusta", "2", 46_000, 25_000},
		{"ikan", "B", 30_000, 20_000}, {"beras", "medium", 11_500, 100_000},
	}
)

var (
	namePrefix = []string{"CV", "UD", "PT", "KUB", "Koperasi", "Ponpes", "Gapoktan", "BUMDes"}
	nameWord   = []string{"Sumber Rejeki", "Berkah Tani", "Maju Jaya", "Sinar Abadi", "Mitra Pangan", "Tani Makmur", "Karya Mandiri",
		"Barokah", "Sejahtera", "Lestari", "Mina Bahari", "Agro Nusantara", "Bintang Timur", "Cahaya Baru", "Harapan Bersama",
		"Usaha Bersama", "Putra Daerah", "Rukun Santoso", "Bumi Hijau", "Sido Mulyo", "Anugerah", "Mekar Sari", "Tunas Harapan"}
	cities = map[string][]string{
		"35": {"Surabaya", "Malang", "Kediri", "Jember", "Banyuwangi", "Sidoarjo", "Pasuruan", "Probolinggo", "Madiun", "Blitar",
			"Tulungagung", "Lamongan", "Gresik", "Bojonegoro", "Tuban", "Ngawi", "Ponorogo", "Lumajang", "Jombang", "Mojokerto",
			"Nganjuk", "Sumenep", "Pamekasan", "Bondowoso", "Situbondo", "Trenggalek", "Magetan", "Pacitan", "Bangkalan"},
		"63": {"Banjarmasin", "Banjarbaru", "Martapura", "Barabai", "Kandangan", "Rantau", "Amuntai", "Tanjung", "Pelaihari",
			"Kotabaru", "Batulicin", "Marabahan", "Paringin"},
		"16": {"Palembang", "Prabumulih", "Lubuklinggau", "Pagar Alam", "Lahat", "Muara Enim", "Baturaja", "Kayuagung", "Sekayu",
			"Indralaya", "Muaradua", "Pangkalan Balai", "Martapura OKU"},
	}
)

// delegation makes n businesses of a province with distinct names.
func delegation(prov string, n, seed int) []store.ArchiveParticipant {
	out := make([]store.ArchiveParticipant, 0, n)
	seen := map[string]bool{}
	cs := cities[prov]
	for i := 0; len(out) < n; i++ {
		k := i + seed
		name := fmt.Sprintf("%s %s %s", namePrefix[k%len(namePrefix)], nameWord[(k*7+k/len(namePrefix))%len(nameWord)], cs[(k*3+k/5)%len(cs)])
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, store.ArchiveParticipant{Name: name, Delegation: prov, Contact: fmt.Sprintf("08%02d-%04d-%04d", 11+k%40, 1000+k*37%9000, 2000+k*53%8000)})
	}
	return out
}

// listings gives each participant an offer of its delegation's goods and,
// for every third one, a need of the other delegation's goods.
func listings(ar *store.MissionArchive, from, to int, own, other []trade, r *rand.Rand) {
	for i := from; i < to; i++ {
		g := own[(i-from)%len(own)]
		ar.Offers = append(ar.Offers, store.ArchiveOffer{Participant: i, Commodity: g.commodity, Grade: g.grade,
			MonthlyCapacity: g.capacity / 2 * int64(1+r.IntN(3)), Price: g.price + int64(r.IntN(5)-2)*g.price/50})
		if (i-from)%3 == 0 {
			w := other[(i-from)/3%len(other)]
			ar.Needs = append(ar.Needs, store.ArchiveNeed{Participant: i, Commodity: w.commodity, Grade: w.grade,
				Volume: w.capacity * int64(1+r.IntN(3)), TargetPrice: w.price + w.price/50})
		}
	}
}

// split divides total into n positive multiples of 1000 Rupiah with random
// weights; the parts sum exactly to total.
func split(total int64, n int, r *rand.Rand) []int64 {
	w := make([]int64, n)
	var sum int64
	for i := range w {
		w[i] = int64(5 + r.IntN(96))
		sum += w[i]
	}
	parts := make([]int64, n)
	var used int64
	for i := 0; i < n-1; i++ {
		parts[i] = max(1000, total/1000*w[i]/sum*1000)
		used += parts[i]
	}
	parts[n-1] = total - used
	return parts
}

// deals spreads values over [from, to] (the last exactly at to) between
// sellers and buyers of two delegations, in the commodities they list.
func deals(ar *store.MissionArchive, values []int64, from, to time.Time, a, b [2]int, goodsA, goodsB []trade, r *rand.Rand) {
	n := len(values)
	span := to.Sub(from)
	times := make([]time.Time, n)
	for i := range times {
		times[i] = from.Add(time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
	}
	slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
	times[n-1] = to
	kinds := []niaga.DealKind{niaga.DealPurchase, niaga.DealPurchase, niaga.DealPurchase, niaga.DealContract, niaga.DealContract, niaga.DealCommitment}
	for i, v := range values {
		seller, buyer, goods := a, b, goodsA
		if i%3 == 2 { // a third of the deals go the other way
			seller, buyer, goods = b, a, goodsB
		}
		g := goods[r.IntN(len(goods))]
		kind := kinds[r.IntN(len(kinds))]
		qty := max(1, v/g.price)
		if i%17 == 16 {
			kind, qty = niaga.DealInvestment, 0
		}
		ar.Deals = append(ar.Deals, store.ArchiveDeal{
			Seller: seller[0] + r.IntN(seller[1]-seller[0]), Buyer: buyer[0] + r.IntN(buyer[1]-buyer[0]),
			Commodity: g.commodity, Kind: kind, Quantity: qty, Value: v, At: times[i], Validated: r.IntN(10) < 9,
		})
	}
}

// kalselArchive is seeds 001/002: Banjarmasin, Wednesday 13 April 2022,
// 72 businesses from East Java and 100 from South Kalimantan, open from
// 11:00 WITA; Rp 1,3 miliar in the first hour and Rp 147.321.766.000 by 18:30.
func kalselArchive(d *Data) (*store.MissionArchive, error) {
	opens, err := niaga.ParseLocal("63", "2022-04-13", "11:00")
	if err != nil {
		return nil, err
	}
	closes, _ := niaga.ParseLocal("63", "2022-04-13", "18:30")
	r := rand.New(rand.NewPCG(2022, 413))
	ar := &store.MissionArchive{Mission: niaga.Mission{Title: MissionKalsel, HostProvince: "63", Guests: []string{"35"},
		Venue: "Ballroom Neptunus, Galaxy Hotel Banjarmasin", AgencyID: d.Orgs["disperindag_jatim"].ID,
		Opens: opens, Closes: closes, TargetValue: 100_000_000_000, Status: niaga.MissionClosed}}
	ar.Participants = append(delegation("35", KalselJatim, 0), delegation("63", KalselKalsel, 3)...)
	jatim, kalsel := [2]int{0, KalselJatim}, [2]int{KalselJatim, KalselJatim + KalselKalsel}
	listings(ar, jatim[0], jatim[1], jatimGoods, kalselGoods, r)
	listings(ar, kalsel[0], kalsel[1], kalselGoods, jatimGoods, r)
	const firstHour = 1_300_000_000
	deals(ar, split(firstHour, 7, r), opens, opens.Add(59*time.Minute), jatim, kalsel, jatimGoods, kalselGoods, r)
	deals(ar, split(KalselTotal-firstHour, 96, r), opens.Add(time.Hour), closes, jatim, kalsel, jatimGoods, kalselGoods, r)
	for i := range ar.Deals {
		if i%5 < 3 { // after the event: most deals partly realized
			ar.Deals[i].Realized = ar.Deals[i].Value / 10 * int64(4+i%7)
		}
	}
	ar.Agreements = []niaga.Agreement{
		{Kind: niaga.AgreementMoU, Title: "MoU pengembangan ekonomi pesantren (One Pesantren One Product)", Sector: "Koperasi dan UMKM", SignedOn: "2022-04-13",
			Parties: []niaga.AgreementParty{{Name: "Dinas Koperasi dan UKM Provinsi Jawa Timur"}, {Name: "Dinas Koperasi dan UKM Provinsi Kalimantan Selatan"}}},
		{Kind: niaga.AgreementMoU, Title: "MoU kerja sama perdagangan dan perindustrian", Sector: "Perdagangan, perindustrian", SignedOn: "2022-04-13",
			Parties: []niaga.AgreementParty{{OrgID: d.Orgs["disperindag_jatim"].ID}, {OrgID: d.Orgs["disperindag_kalsel"].ID}}},
		{Kind: niaga.AgreementMoU, Title: "MoU kerja sama pariwisata, kelautan dan kehutanan", Sector: "Pariwisata, kelautan, kehutanan", SignedOn: "2022-04-13",
			Parties: []niaga.AgreementParty{{Name: "Pemerintah Provinsi Jawa Timur"}, {Name: "Pemerintah Provinsi Kalimantan Selatan"}}},
	}
	return ar, nil
}

// sumselArchive is seeds 003/004: Hotel Wyndham OPI Palembang, Wednesday
// 2 December 2020, 46 businesses from East Java and 115 from South
// Sumatra; Rp 306.548.050.000 by 18:47 WIB.
func sumselArchive(d *Data) (*store.MissionArchive, error) {
	opens, err := niaga.ParseLocal("16", "2020-12-02", "13:00")
	if err != nil {
		return nil, err
	}
	closes, _ := niaga.ParseLocal("16", "2020-12-02", "19:00")
	last, _ := niaga.ParseLocal("16", "2020-12-02", "18:47")
	r := rand.New(rand.NewPCG(2020, 1202))
	ar := &store.MissionArchive{Mission: niaga.Mission{Title: MissionSumsel, HostProvince: "16", Guests: []string{"35"},
		Venue: "Hotel Wyndham OPI Palembang", AgencyID: d.Orgs["disperindag_jatim"].ID,
		Opens: opens, Closes: closes, TargetValue: 250_000_000_000, Status: niaga.MissionClosed}}
	ar.Participants = append(delegation("35", SumselJatim, 11), delegation("16", SumselSumsel, 5)...)
	jatim, sumsel := [2]int{0, SumselJatim}, [2]int{SumselJatim, SumselJatim + SumselSumsel}
	listings(ar, jatim[0], jatim[1], jatimGoods, sumselGoods, r)
	listings(ar, sumsel[0], sumsel[1], sumselGoods, jatimGoods, r)
	deals(ar, split(SumselTotal, 120, r), opens, last, jatim, sumsel, jatimGoods, sumselGoods, r)
	for i := range ar.Deals {
		if i%4 < 3 {
			ar.Deals[i].Realized = ar.Deals[i].Value / 10 * int64(5+i%6)
		}
	}
	ar.Agreements = []niaga.Agreement{
		{Kind: niaga.AgreementMoU, Title: "MoU Kerja Sama Pembangunan Daerah Provinsi Jawa Timur dengan Provinsi Sumatera Selatan", Sector: "Pembangunan daerah", SignedOn: "2020-12-02",
			Parties: []niaga.AgreementParty{{Name: "Gubernur Jawa Timur"}, {Name: "Gubernur Sumatera Selatan"}}},
		{Kind: niaga.AgreementPKS, Title: "Perjanjian Kerja Sama sektor perindustrian, perdagangan, KUKM dan investasi", Sector: "Perindustrian, perdagangan, KUKM, investasi", SignedOn: "2020-12-02",
			Parties: []niaga.AgreementParty{{OrgID: d.Orgs["disperindag_jatim"].ID}, {OrgID: d.Orgs["disperindag_sumsel"].ID}}},
		{Kind: niaga.AgreementPKS, Title: "Perjanjian Kerja Sama tentang Penanaman Modal", Sector: "Investasi", SignedOn: "2020-12-02",
			Parties: []niaga.AgreementParty{{Name: "DPMPTSP Provinsi Jawa Timur"}, {Name: "DPMPTSP Provinsi Sumatera Selatan"}}},
		{Kind: niaga.AgreementPKS, Title: "Perjanjian Kerja Sama Penjaminan Bersama atas Produk Penjaminan", Sector: "Penjaminan kredit", SignedOn: "2020-12-02",
			Parties: []niaga.AgreementParty{{OrgID: d.Orgs["jamkrida_jatim"].ID}, {Name: "Jamkrida Sumsel"}}},
	}
	return ar, nil
}

// seedToday opens a mission in Surabaya around d.Now: demo businesses of
// both delegations with offers and needs (so matchmaking has suggestions),
// a few deals already on the board, meeting requests, a schedule and a
// financing request.
func seedToday(ctx context.Context, db *store.DB, d *Data) error {
	admin, jatim := actorOf(d, Admin), actorOf(d, "jatim@niaga.id")
	opens := d.Now.UTC().Truncate(time.Hour).Add(-2 * time.Hour)
	r := rand.New(rand.NewPCG(uint64(opens.Unix()), 35))
	ar := &store.MissionArchive{Mission: niaga.Mission{Title: MissionToday, HostProvince: "35", Guests: []string{"63"},
		Venue: "Grand City Convention Hall, Surabaya", AgencyID: d.Orgs["disperindag_jatim"].ID,
		Opens: opens, Closes: opens.Add(10 * time.Hour), TargetValue: 50_000_000_000, Status: niaga.MissionOpen},
		Staff: []store.ArchiveStaff{{OrgID: d.Orgs["bi_jatim"].ID, Role: store.StaffValidator}}}
	ar.Participants = []store.ArchiveParticipant{
		{OrgID: d.Orgs["grosir_surabaya"].ID, Delegation: "35", Contact: "031-555-0101"},
		{OrgID: d.Orgs["pasar_banjarmasin"].ID, Delegation: "63", Contact: "0511-555-0202"},
	}
	ar.Participants = append(ar.Participants, delegation("35", 10, 101)...)
	ar.Participants = append(ar.Participants, delegation("63", 10, 57)...)
	// The example pair: needs 200 t beras medium, offers 150 t/month at Rp 11.900/kg.
	ar.Offers = []store.ArchiveOffer{{Participant: 0, Commodity: "beras", Grade: "medium", MonthlyCapacity: 150_000, Price: 11_900},
		{Participant: 0, Commodity: "gula", Grade: "GKP I", MonthlyCapacity: 40_000, Price: 14_000}}
	ar.Needs = []store.ArchiveNeed{{Participant: 1, Commodity: "beras", Grade: "medium", Volume: 200_000, TargetPrice: 12_000},
		{Participant: 1, Commodity: "bawang_merah", Grade: "super", Volume: 15_000, TargetPrice: 33_000},
		{Participant: 0, Commodity: "karet", Grade: "SIR 20", Volume: 50_000, TargetPrice: 21_500}}
	listings(ar, 2, 12, jatimGoods, kalselGoods, r)
	listings(ar, 12, 22, kalselGoods, jatimGoods, r)
	vals := split(2_750_000_000, 6, r)
	deals(ar, vals, opens.Add(10*time.Minute), opens.Add(100*time.Minute), [2]int{2, 12}, [2]int{12, 22}, jatimGoods, kalselGoods, r)
	if err := db.ImportMissionArchive(ctx, admin, ar); err != nil {
		return fmt.Errorf("today's mission: %w", err)
	}
	m := ar.Mission.ID
	p := func(i int) int64 { return ar.Participants[i].ID }
	// Meeting requests made through the desk: two accepted at tables, one virtual, one pending.
	var offerBeras, needBeras int64
	if os, err := db.Offers(ctx, m); err == nil && len(os) > 0 {
		offerBeras = os[0].ID
	}
	if ns, err := db.Needs(ctx, m); err == nil && len(ns) > 0 {
		needBeras = ns[0].ID
	}
	reqs := []niaga.NewMeetingRequest{
		{From: p(1), To: p(0), NeedID: needBeras, OfferID: offerBeras, Message: "Kami butuh beras medium 200 ton untuk Banjarmasin."},
		{From: p(2), To: p(12), Message: "Penawaran gula dan jagung."},
		{From: p(13), To: p(3), Message: "Karet SIR 20 rutin tiap bulan.", Virtual: true, Link: "https://meet.niaga.id/temu-13-3"},
		{From: p(14), To: p(0), Message: "Ikan segar untuk pasar Surabaya?"},
	}
	for i, in := range reqs {
		mr, err := db.RequestMeeting(ctx, jatim, m, in)
		if err != nil {
			return fmt.Errorf("meeting request %d: %w", i, err)
		}
		if i < 3 {
			if _, err := db.AnswerMeeting(ctx, jatim, mr.ID, true, "Siap bertemu."); err != nil {
				return err
			}
		}
	}
	if _, err := db.ScheduleMission(ctx, jatim, m, store.ScheduleParams{SlotMinutes: 30, Tables: 20,
		Breaks: []niaga.TimeSpan{{Start: opens.Add(3 * time.Hour), End: opens.Add(4 * time.Hour)}}}); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	first := ar.Deals[0]
	_, err := db.RequestFinancing(ctx, jatim, first.ID, niaga.NewFinancing{BankID: d.Orgs["bank_kalsel"].ID, GuarantorID: d.Orgs["jamkrida_jatim"].ID,
		Amount: first.Value / 2, TenorMonths: 12, Purpose: "Modal kerja pembelian"})
	return err
}
