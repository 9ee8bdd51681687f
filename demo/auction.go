package demo

import (
	"context"
	"fmt"
	"time"

	"niaga"
	"niaga/store"
)

func init() { seeders = append(seeders, seedAuction) }

// seedAuction builds the Lampung–Jawa Tengah integrated market of seed
// 000: two markets, a week of past sessions (real bids, awards and
// contracts, so the price board has history) and a joint session open now
// with lots in every mechanism.
func seedAuction(ctx context.Context, db *store.DB, d *Data) error {
	actor := func(email string) *niaga.Actor {
		u := d.Users[email]
		return &niaga.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role}
	}
	lampung, amira := actor("lampung@niaga.id"), actor("amira@niaga.id")
	penjual, kopi, tani := actor("penjual@niaga.id"), actor("kopi@niaga.id"), actor("tani@niaga.id")
	buyers := []*niaga.Actor{actor("pembeli@niaga.id"), actor("pembeli2@niaga.id"), actor("banua@niaga.id")}
	all := []string{"english", "sealed_first", "sealed_second", "dutch", "call"}
	mL, err := db.CreateMarket(ctx, lampung, store.MarketInput{Name: "Pasar Lelang Komoditas Lampung", Province: "18", FeeBuyerBps: 10, FeeSellerBps: 10, DepositRatioBps: 1000, Mechanisms: all})
	if err != nil {
		return fmt.Errorf("market: %w", err)
	}
	mJ, err := db.CreateMarket(ctx, amira, store.MarketInput{Name: "Pasar Lelang Jawa Tengah (Koperasi Amira)", Province: "33", FeeBuyerPerTon: 5000, FeeSellerPerTon: 5000, DepositRatioBps: 500, Mechanisms: all})
	if err != nil {
		return fmt.Errorf("market: %w", err)
	}
	// Where buyers pay deposits in (the account numbers are made up).
	pay := map[int64]niaga.PaymentInstructions{
		mL.ID: {Bank: "BCA KCU Tanjung Karang", AccountNumber: "0213 456 789", AccountHolder: "Pasar Lelang Komoditas Lampung"},
		mJ.ID: {Bank: "Bank Jateng Cabang Semarang", AccountNumber: "1-012-34567-8", AccountHolder: "Koperasi Amira"},
	}
	for _, m := range []niaga.Market{mL, mJ} {
		org := lampung
		if m.ID == mJ.ID {
			org = amira
		}
		if _, err := db.SetPaymentInstructions(ctx, org, m.ID, pay[m.ID]); err != nil {
			return fmt.Errorf("payment instructions: %w", err)
		}
		for _, b := range buyers {
			if _, err := db.RecordDeposit(ctx, org, m.ID, store.DepositInput{OrgID: b.OrgID, Kind: "deposit", Amount: 2_000_000_000, Note: "setoran awal"}); err != nil {
				return fmt.Errorf("deposit: %w", err)
			}
		}
	}
	if err := seedHistory(ctx, db, d, lampung, amira, mL, mJ, penjual, kopi, tani, buyers); err != nil {
		return err
	}

	now := d.Now
	joint, err := db.CreateSession(ctx, lampung, store.SessionInput{Title: "Sesi Lelang Terpadu Lampung – Jawa Tengah", Kind: "spot",
		StartsAt: now.Add(-30 * time.Minute), EndsAt: now.Add(3 * time.Hour), SoftCloseSec: 180, MarketIDs: []int64{mL.ID, mJ.ID}})
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	forward, err := db.CreateSession(ctx, amira, store.SessionInput{Title: "Sesi Forward Jagung Panen Raya", Kind: "forward", DeliveryDate: now.AddDate(0, 2, 0).Format("2006-01-02"),
		StartsAt: now.Add(-10 * time.Minute), EndsAt: now.Add(26 * time.Hour), SoftCloseSec: 300, MarketIDs: []int64{mJ.ID}})
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	type lotSpec struct {
		seller  *niaga.Actor
		session int64
		in      store.LotInput
		admit   bool
	}
	specs := []lotSpec{
		{penjual, joint.ID, store.LotInput{MarketID: mL.ID, Commodity: "beras", Grade: "medium", Quantity: 20_000, Origin: "Gudang Natar, Lampung Selatan", WarehouseReceipt: "SRG-LPG-2026-0117", DeliveryTerms: "Franco gudang penjual, 7 hari", Mechanism: "english", Reserve: 11_500, Increment: 50}, true},
		{penjual, joint.ID, store.LotInput{MarketID: mL.ID, Commodity: "beras", Grade: "premium", Quantity: 10_000, Origin: "Gudang Metro, Lampung", DeliveryTerms: "Franco gudang pembeli Semarang", Mechanism: "sealed_second", Reserve: 13_200}, true},
		{kopi, joint.ID, store.LotInput{MarketID: mL.ID, Commodity: "kopi_robusta", Grade: "4", Quantity: 5_000, Origin: "Tanggamus, Lampung", DeliveryTerms: "FOB Panjang", Mechanism: "sealed_first", Reserve: 38_000}, true},
		{tani, joint.ID, store.LotInput{MarketID: mJ.ID, Commodity: "cabai", Grade: "super", Quantity: 1_000, Origin: "Brebes, Jawa Tengah", DeliveryTerms: "Ambil di lokasi, hari ini", Mechanism: "dutch", Reserve: 38_000, DutchStart: 60_000, DutchStep: 500, DutchTickMs: 60_000}, true},
		{tani, joint.ID, store.LotInput{MarketID: mJ.ID, Commodity: "jagung", Grade: "II", Quantity: 50_000, Origin: "Grobogan, Jawa Tengah", DeliveryTerms: "Franco gudang penjual", Mechanism: "call", Reserve: 4_900}, true},
		{tani, forward.ID, store.LotInput{MarketID: mJ.ID, Commodity: "jagung", Grade: "I", Quantity: 100_000, Origin: "Grobogan, Jawa Tengah", DeliveryTerms: "Penyerahan setelah panen raya", Mechanism: "english", Reserve: 5_100, Increment: 25}, true},
		{kopi, joint.ID, store.LotInput{MarketID: mL.ID, Commodity: "kopi_robusta", Grade: "3", Quantity: 3_000, Origin: "Lampung Barat", DeliveryTerms: "FOB Panjang", Mechanism: "english", Reserve: 41_000, Increment: 250}, false},
	}
	lots := make([]niaga.Lot, len(specs))
	for i, sp := range specs {
		sp.in.SessionID = sp.session
		l, err := db.SubmitLot(ctx, sp.seller, sp.in)
		if err != nil {
			return fmt.Errorf("lot %d: %w", i, err)
		}
		if sp.admit {
			org := lampung
			if sp.in.MarketID == mJ.ID {
				org = amira
			}
			if l, err = db.DecideLot(ctx, org, l.ID, true, ""); err != nil {
				return fmt.Errorf("admit %d: %w", i, err)
			}
		}
		lots[i] = l
	}
	bids := []struct {
		lot int
		b   int
		in  niaga.BidInput
	}{
		{0, 0, niaga.BidInput{Price: 11_500}}, {0, 1, niaga.BidInput{MaxPrice: 11_800}}, {0, 2, niaga.BidInput{Price: 11_700}},
		{1, 0, niaga.BidInput{Price: 13_400}}, {1, 1, niaga.BidInput{Price: 13_550}},
		{2, 2, niaga.BidInput{Price: 38_500}},
		{4, 0, niaga.BidInput{Side: "buy", Quantity: 20_000, Price: 5_050}}, {4, 1, niaga.BidInput{Side: "buy", Quantity: 25_000, Price: 4_980}},
		{5, 2, niaga.BidInput{Price: 5_100}},
	}
	for _, b := range bids {
		if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: buyers[b.b], LotID: lots[b.lot].ID, In: b.in, At: now}); err != nil {
			return fmt.Errorf("bid on lot %d: %w", b.lot, err)
		}
	}
	return nil
}

// seedHistory runs a week of past morning sessions through the real
// bidding and closing code with the store's clock set back.
func seedHistory(ctx context.Context, db *store.DB, d *Data, lampung, amira *niaga.Actor, mL, mJ niaga.Market, penjual, kopi, tani *niaga.Actor, buyers []*niaga.Actor) error {
	defer db.SetClock(nil)
	wib := time.FixedZone("WIB", 7*3600)
	type item struct {
		org       *niaga.Actor
		market    niaga.Market
		seller    *niaga.Actor
		commodity string
		grade     string
		qty, base int64
		inc       int64
	}
	items := []item{
		{lampung, mL, penjual, "beras", "medium", 20_000, 11_300, 50},
		{lampung, mL, kopi, "kopi_robusta", "4", 5_000, 37_000, 250},
		{amira, mJ, tani, "jagung", "II", 30_000, 4_850, 25},
	}
	for day := 7; day >= 1; day-- {
		date := d.Now.In(wib).AddDate(0, 0, -day)
		open := time.Date(date.Year(), date.Month(), date.Day(), 9, 0, 0, 0, wib)
		db.SetClock(func() time.Time { return open.Add(-time.Hour) })
		sess, err := db.CreateSession(ctx, lampung, store.SessionInput{Title: "Sesi Harian " + open.Format("02/01/2006"), Kind: "spot",
			StartsAt: open, EndsAt: open.Add(2 * time.Hour), SoftCloseSec: 120, MarketIDs: []int64{mL.ID, mJ.ID}})
		if err != nil {
			return fmt.Errorf("history session: %w", err)
		}
		for i, it := range items {
			// A gentle trend with a weekly wobble, in whole Rupiah.
			reserve := it.base + int64(7-day)*it.inc/2 + int64((day*7+i*3)%5)*it.inc
			l, err := db.SubmitLot(ctx, it.seller, store.LotInput{SessionID: sess.ID, MarketID: it.market.ID, Commodity: it.commodity, Grade: it.grade, Quantity: it.qty,
				Origin: "Gudang mitra", DeliveryTerms: "Franco gudang penjual", Mechanism: "english", Reserve: reserve, Increment: it.inc})
			if err != nil {
				return fmt.Errorf("history lot: %w", err)
			}
			if _, err := db.DecideLot(ctx, it.org, l.ID, true, ""); err != nil {
				return fmt.Errorf("history admit: %w", err)
			}
			for k := range 3 {
				at := open.Add(time.Duration(10+k*20) * time.Minute)
				price := reserve + int64(k+(day+i)%3)*it.inc
				if _, err := db.PlaceBid(ctx, store.BidRequest{Actor: buyers[(k+day+i)%3], LotID: l.ID, In: niaga.BidInput{Price: price}, At: at}); err != nil {
					return fmt.Errorf("history bid: %w", err)
				}
			}
			if _, err := db.CloseLot(ctx, l.ID, open.Add(2*time.Hour)); err != nil {
				return fmt.Errorf("history close: %w", err)
			}
		}
	}
	// Settle the older contracts so settlement reports have a history too.
	settled := 0
	for _, b := range buyers {
		cs, err := db.Contracts(ctx, b, 0)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.CreatedAt.After(d.Now.AddDate(0, 0, -4)) {
				continue
			}
			org := lampung
			if c.MarketID == mJ.ID {
				org = amira
			}
			steps := []string{"paid", "delivered", "completed"}
			if settled%9 == 8 {
				steps = []string{"defaulted"}
			}
			db.SetClock(func() time.Time { return c.CreatedAt.Add(24 * time.Hour) })
			for _, st := range steps {
				if _, err := db.Settle(ctx, org, c.ID, store.SettleInput{Status: st}); err != nil {
					return fmt.Errorf("history settle: %w", err)
				}
			}
			settled++
		}
	}
	return nil
}
