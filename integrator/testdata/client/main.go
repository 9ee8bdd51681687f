// Command flow is an integrator's program: it drives Niaga's API only
// through the client that oapi-codegen generated (client.gen.go, beside
// this file) from the document the server serves, and exits non-zero with
// the step, the status and the answer on anything unexpected.
//
// The flow: sign in, list the admitted lots, bid on an open english lot
// (and repeat the bid with the same Idempotency-Key), read the lot, then
// record a deal at the open trade mission where the user's organization
// takes part, and read the deal back.
//
// It names only what the document names. Where the document may give a
// field or a parameter an enum type of its own, the program converts
// (string(x), setString) rather than assume plain strings.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	base := flag.String("url", "", "server URL, e.g. http://127.0.0.1:8080")
	email := flag.String("email", "pembeli2@niaga.id", "demo business account: a buyer at the markets and a participant of today's mission")
	password := flag.String("password", "niaga-demo-2026", "its password")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := flow(ctx, *base, *email, *password); err != nil {
		fmt.Fprintln(os.Stderr, "flow:", err)
		os.Exit(1)
	}
	fmt.Println("flow: passed")
}

// response is what every generated *Response has.
type response interface {
	StatusCode() int
	GetBody() []byte
}

// expect fails a step whose answer is not the wanted status, or whose
// body the generated client could not decode into the documented type.
// (r is not read when err is set: it may be a nil pointer then.)
func expect(step string, r response, err error, want int, decoded bool) error {
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	if r.StatusCode() != want {
		return fmt.Errorf("%s: status %d, want %d: %s", step, r.StatusCode(), want, r.GetBody())
	}
	if !decoded {
		return fmt.Errorf("%s: status %d but no documented %d body decoded from %s", step, want, want, r.GetBody())
	}
	return nil
}

// setString sets an optional string parameter, whether the document
// types it as a plain string or as an enum of its own.
func setString[T ~string](p **T, v string) {
	t := T(v)
	*p = &t
}

func flow(ctx context.Context, base, email, password string) error {
	if base == "" {
		return fmt.Errorf("-url is required")
	}
	c, me, err := signIn(ctx, base, email, password)
	if err != nil {
		return err
	}
	lot, err := pickLot(ctx, c, me)
	if err != nil {
		return err
	}
	b, err := bidTwice(ctx, c, lot)
	if err != nil {
		return err
	}
	if err := readLot(ctx, c, lot, b, me); err != nil {
		return err
	}
	return recordDeal(ctx, c, me)
}

// signIn signs in and returns a client that sends the token.
func signIn(ctx context.Context, base, email, password string) (*ClientWithResponses, *User, error) {
	anon, err := NewClientWithResponses(base)
	if err != nil {
		return nil, nil, err
	}
	login, err := anon.LoginWithResponse(ctx, LoginJSONRequestBody{Email: email, Password: password})
	if err := expect("sign in", login, err, http.StatusOK, login != nil && login.JSON200 != nil); err != nil {
		return nil, nil, err
	}
	me := login.JSON200.User
	token := login.JSON200.Token
	c, err := NewClientWithResponses(base, WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}))
	if err != nil {
		return nil, nil, err
	}
	fmt.Printf("signed in as %s (user %d, organization %d)\n", me.Email, me.Id, me.OrgId)
	return c, &me, nil
}

// pickLot lists the admitted lots and picks an open english lot of another
// seller that this buyer does not lead.
func pickLot(ctx context.Context, c *ClientWithResponses, me *User) (*Lot, error) {
	params := &ListLotsParams{}
	setString(&params.Status, "admitted")
	lots, err := c.ListLotsWithResponse(ctx, params)
	if err := expect("list lots", lots, err, http.StatusOK, lots != nil && lots.JSON200 != nil); err != nil {
		return nil, err
	}
	var lot *Lot
	for i, l := range *lots.JSON200 {
		if string(l.Status) != "admitted" {
			return nil, fmt.Errorf("list lots: status=admitted answered lot %d in status %q", l.Id, string(l.Status))
		}
		if string(l.Mechanism) == "english" && string(l.State) == "open" && l.SellerOrgId != me.OrgId && l.MinNext != nil &&
			(l.LeaderOrgId == nil || *l.LeaderOrgId != me.OrgId) {
			lot = &(*lots.JSON200)[i]
			break
		}
	}
	if lot == nil {
		return nil, fmt.Errorf("list lots: no open english lot to bid on among %d admitted lots", len(*lots.JSON200))
	}
	fmt.Printf("%d admitted lots; bidding on lot %d (%s %s), price %d, next at least %d\n",
		len(*lots.JSON200), lot.Id, lot.Commodity, lot.Grade, lot.Price, *lot.MinNext)
	return lot, nil
}

// bidTwice places an english proxy bid with the minimum next price as
// maximum, then the same request again (a retry), which must replay the
// first.
func bidTwice(ctx context.Context, c *ClientWithResponses, lot *Lot) (*BidResult, error) {
	key := fmt.Sprintf("flow-bid-%d", time.Now().UnixNano())
	maxPrice := *lot.MinNext
	bid, err := c.PlaceBidWithResponse(ctx, lot.Id, &PlaceBidParams{IdempotencyKey: &key}, PlaceBidJSONRequestBody{MaxPrice: &maxPrice})
	if err := expect("place bid", bid, err, http.StatusCreated, bid != nil && bid.JSON201 != nil); err != nil {
		return nil, err
	}
	b := bid.JSON201
	if b.LotId != lot.Id || b.BidId <= 0 || b.Price < lot.Price {
		return nil, fmt.Errorf("place bid: answer %+v does not fit lot %d at price %d", *b, lot.Id, lot.Price)
	}
	again, err := c.PlaceBidWithResponse(ctx, lot.Id, &PlaceBidParams{IdempotencyKey: &key}, PlaceBidJSONRequestBody{MaxPrice: &maxPrice})
	if err := expect("repeat the bid", again, err, http.StatusCreated, again != nil && again.JSON201 != nil); err != nil {
		return nil, err
	}
	if again.JSON201.BidId != b.BidId || again.JSON201.Replayed == nil || !*again.JSON201.Replayed {
		return nil, fmt.Errorf("repeat the bid: bid %d (replayed %v), want bid %d replayed", again.JSON201.BidId, again.JSON201.Replayed, b.BidId)
	}
	fmt.Printf("bid %d at %d (leading %v); the repeat replayed it\n", b.BidId, b.Price, b.Leading)
	return b, nil
}

// readLot reads the lot back: one more bid, and the leader and price the
// bid said.
func readLot(ctx context.Context, c *ClientWithResponses, lot *Lot, b *BidResult, me *User) error {
	got, err := c.GetLotWithResponse(ctx, lot.Id)
	if err := expect("read the lot", got, err, http.StatusOK, got != nil && got.JSON200 != nil); err != nil {
		return err
	}
	l := got.JSON200
	if l.BidCount != lot.BidCount+1 {
		return fmt.Errorf("read the lot: bid_count %d, want %d", l.BidCount, lot.BidCount+1)
	}
	if b.Leading && (l.LeaderOrgId == nil || *l.LeaderOrgId != me.OrgId || l.Price != b.Price) {
		return fmt.Errorf("read the lot: price %d, leader %v; the bid said %d and leading", l.Price, l.LeaderOrgId, b.Price)
	}
	fmt.Printf("lot %d: %d bids, price %d\n", l.Id, l.BidCount, l.Price)
	return nil
}

// recordDeal records a deal at the open mission: this organization sells
// to a participant of another delegation (deal parties are participant ids).
func recordDeal(ctx context.Context, c *ClientWithResponses, me *User) error {
	missions, err := c.ListMissionsWithResponse(ctx)
	if err := expect("list missions", missions, err, http.StatusOK, missions != nil && missions.JSON200 != nil); err != nil {
		return err
	}
	var mission *MissionOut
	for i, m := range *missions.JSON200 {
		if string(m.Status) == "open" {
			mission = &(*missions.JSON200)[i]
			break
		}
	}
	if mission == nil {
		return fmt.Errorf("list missions: none open among %d", len(*missions.JSON200))
	}
	parts, err := c.ListParticipantsWithResponse(ctx, mission.Id)
	if err := expect("list participants", parts, err, http.StatusOK, parts != nil && parts.JSON200 != nil); err != nil {
		return err
	}
	var seller, buyer *Participant
	for i, p := range *parts.JSON200 {
		if p.OrgId == me.OrgId && string(p.Status) == "approved" {
			seller = &(*parts.JSON200)[i]
		}
	}
	if seller == nil {
		return fmt.Errorf("list participants: organization %d is no approved participant of mission %d", me.OrgId, mission.Id)
	}
	for i, p := range *parts.JSON200 {
		if string(p.Delegation) != string(seller.Delegation) && string(p.Status) == "approved" {
			buyer = &(*parts.JSON200)[i]
			break
		}
	}
	if buyer == nil {
		return fmt.Errorf("list participants: no approved participant of another delegation than %s", string(seller.Delegation))
	}
	dealKey := fmt.Sprintf("flow-deal-%d", time.Now().UnixNano())
	const quantity, value = 1_000, 11_900_000 // 1 t of beras at Rp 11.900/kg
	deal, err := c.RecordDealWithResponse(ctx, mission.Id, &RecordDealParams{IdempotencyKey: &dealKey},
		RecordDealJSONRequestBody{SellerId: seller.Id, BuyerId: buyer.Id, Commodity: "beras", Kind: "purchase", Quantity: quantity, Value: value})
	if err := expect("record a deal", deal, err, http.StatusCreated, deal != nil && deal.JSON201 != nil); err != nil {
		return err
	}
	d := deal.JSON201
	if d.Id <= 0 || d.MissionId != mission.Id || d.SellerId != seller.Id || d.BuyerId != buyer.Id || d.Value != value || d.Quantity != quantity {
		return fmt.Errorf("record a deal: answer %+v is not the deal sent", *d)
	}
	read, err := c.GetDealWithResponse(ctx, d.Id)
	if err := expect("read the deal", read, err, http.StatusOK, read != nil && read.JSON200 != nil); err != nil {
		return err
	}
	if read.JSON200.Id != d.Id || read.JSON200.Value != value {
		return fmt.Errorf("read the deal: %+v, want deal %d", *read.JSON200, d.Id)
	}
	fmt.Printf("deal %d at mission %d: %s sells to %s for %d\n", d.Id, mission.Id, d.SellerName, d.BuyerName, d.Value)
	return nil
}
