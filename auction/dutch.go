package auction

import "time"

// DutchParams describe a descending clock: the price starts at Start at
// StartsAt and falls by Step every Tick until it reaches Floor.
type DutchParams struct {
	Start    int64
	Step     int64
	Floor    int64
	Tick     time.Duration
	StartsAt time.Time
}

// Validate checks Start >= Floor > 0, Step > 0 and Tick > 0.
func (p DutchParams) Validate() error {
	switch {
	case p.Floor <= 0:
		return invalid("floor", "must be positive")
	case p.Start < p.Floor:
		return invalid("start", "must be at least the floor")
	case p.Step <= 0:
		return invalid("step", "must be positive")
	case p.Tick <= 0:
		return invalid("tick", "must be positive")
	}
	return nil
}

// DutchPrice is the clock price at now:
// max(Floor, Start − Step × floor((now − StartsAt) / Tick)), and Start before
// StartsAt. It never overflows, however far now is from StartsAt. It returns
// 0 for invalid params (see Validate).
func DutchPrice(p DutchParams, now time.Time) int64 {
	if p.Validate() != nil {
		return 0
	}
	if !now.After(p.StartsAt) {
		return p.Start
	}
	ticks := int64(now.Sub(p.StartsAt) / p.Tick) // Sub saturates; ticks >= 0
	// ticks × Step > Start − Floor  ⇔  ticks > (Start − Floor) / Step,
	// so the product is only formed when it is at most Start − Floor.
	if span := p.Start - p.Floor; ticks > span/p.Step {
		return p.Floor
	}
	return p.Start - ticks*p.Step
}

// DutchAccept prices an acceptance received at now for a clock that closes at
// endsAt: invalid params (or endsAt not after StartsAt) are invalid errors,
// before StartsAt is ErrNotOpen, at or after endsAt ErrClosed; otherwise the
// price is DutchPrice(p, now), never below Floor. Only the first acceptance
// wins: the store serializes accepts on the lot and refuses later ones.
func DutchAccept(p DutchParams, now, endsAt time.Time) (price int64, err error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if !endsAt.After(p.StartsAt) {
		return 0, invalid("ends_at", "must be after the start")
	}
	if err := CheckOpen(p.StartsAt, endsAt, now); err != nil {
		return 0, err
	}
	return DutchPrice(p, now), nil
}
