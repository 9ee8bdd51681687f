package report

import (
	"time"

	"niaga"
)

// ContractDoc is everything the contract document of a sale shows: the
// contract with its settlement steps, the lot, where and when it was sold
// and who the parties are.
type ContractDoc struct {
	Contract  niaga.Contract       `json:"contract"`
	Lot       niaga.Lot            `json:"lot"`
	Market    niaga.Market         `json:"market"`
	Session   niaga.AuctionSession `json:"session"`
	Organizer niaga.Organization   `json:"organizer"`
	Buyer     niaga.Organization   `json:"buyer"`
	Seller    niaga.Organization   `json:"seller"`
	Commodity niaga.Commodity      `json:"commodity"`
	Users     map[int64]string     `json:"users"` // names of those who recorded the steps
	Audit     AuditHead            `json:"audit"`
	Generated time.Time            `json:"generated_at"`
}
