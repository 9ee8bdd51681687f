// Package auction holds the pure rules of the Niaga auction market: state in,
// decision out. Nothing here does I/O, reads the clock (now is passed in) or
// starts goroutines; the store serializes calls per lot and persists the
// returned state.
//
// Money is whole Rupiah per unit in int64, quantities are int64 base units,
// bidders, traders and orders are int64 IDs (positive). No floats. Arithmetic
// that could overflow int64 is checked and reported as an invalid error
// ("value out of range") instead of wrapping.
//
// # Errors
//
// Every refusal is an *Error with a stable Code for the HTTP layer:
// CodeInvalid ("invalid", Field names the input), CodeNotOpen
// ("auction_not_open"), CodeClosed ("auction_closed") and CodeBidTooLow
// ("bid_too_low", Min is the lowest acceptable price). errors.Is(err,
// ErrBidTooLow) and friends match by code; CodeOf(err) extracts it. Refusing a
// seller's bid on their own lot and deposit checks are done by the caller.
//
// # Mechanisms
//
// Mechanism names the five mechanisms (English, SealedFirst, SealedSecond,
// Dutch, Call); ParseMechanism and Mechanism.Valid check names from outside.
//
// english — open ascending with proxy bids and soft close (EnglishBid,
// EnglishMinNext, EnglishResult). Every bid is a proxy bid: the bidder states
// a maximum and the system bids for them by increments; a plain bid is a
// maximum equal to its price. The first bid must reach the reserve and sets
// the price to the reserve. After that a new bid must reach price +
// increment; the visible price is the second-highest maximum plus one
// increment, capped at the highest maximum. Ties go to the earlier bid: an
// equal maximum does not take the lead, the price rises to it. The leader may
// raise their own maximum (it must exceed the old one); this moves neither
// the price nor the end, since others cannot see it. Soft close: a bid
// accepted in the last SoftClose before EndsAt (now > EndsAt − SoftClose)
// moves EndsAt by SoftClose, up to MaxExtensions times (0 = no cap). Bids at
// or after EndsAt are refused. At close the leader, if any, wins at the
// visible price, which is at least the reserve.
//
// sealed_first, sealed_second — hidden bids, one per buyer, revisable until
// close (SealedCheck validates each, SealedResult decides). The highest bid
// wins, ties to the earliest (At, then Seq); bids below the reserve are
// ignored. First-price: the winner pays its bid. Second-price (Vickrey): the
// winner pays the highest bid of another bidder or the reserve, whichever is
// higher (the reserve when alone).
//
// dutch — descending clock for perishables (DutchPrice, DutchAccept). The
// price is Start until StartsAt, then falls by Step every Tick down to Floor:
// max(Floor, Start − Step × floor((now − StartsAt)/Tick)). The first buyer to
// accept between StartsAt and the end wins at the price computed at receipt.
//
// call — uniform-price double auction for one commodity and grade (Clear).
// Buy and sell orders with a quantity and a limit clear together at one price
// chosen among the order limits to maximize traded volume, then to minimize
// the imbalance |demand − supply|; when several prices remain, the midpoint
// of that range rounded down (lowest + (highest − lowest)/2) is used. Orders
// fill in price then time priority (Seq), partially when needed; buyers never
// pay above their limit and sellers never receive below theirs. A buy skips
// sells of its own trader (self-trade prevention) and those sells stay first
// in line for other buyers. Clear sorts each side once (a stable radix sort
// on limit, Seq and ID) and then makes linear passes over prefix sums of
// demand and supply at the candidate prices: about 0.2 s of CPU for a million
// orders.
package auction
