package auction

import (
	"math"
	"math/bits"
)

// entry is an order of one side of the book.
type entry struct {
	limit, seq, id, trader, qty int64
	k                           uint64 // sort key of the current radix pass
}

// field returns the limit (f = 0), Seq (1) or ID (2).
func (e *entry) field(f int) int64 {
	switch f {
	case 0:
		return e.limit
	case 1:
		return e.seq
	}
	return e.id
}

// sortByPriority sorts a side into priority order: buys by higher limit,
// sells by lower limit, then lower Seq, then lower ID, then input order. It is
// a stable LSD radix sort, one field at a time from the least significant
// (ID, Seq, limit); each field is rebased on its minimum so only the bits of
// its range are sorted, and a field already in order (typically IDs, often
// Seqs) costs one scan. tmp must
// be at least as long as a.
func sortByPriority(a, tmp []entry, buy bool) {
	if len(a) < 2 {
		return
	}
	for f := 2; f >= 0; f-- {
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		sorted, prev := true, a[0].field(f)
		for j := range a {
			v := a[j].field(f)
			lo, hi = min(lo, v), max(hi, v)
			if buy && f == 0 {
				sorted = sorted && v <= prev
			} else {
				sorted = sorted && v >= prev
			}
			prev = v
		}
		if sorted {
			continue // a stable sort would not move anything
		}
		// Rebase to [0, hi − lo], reversed for descending limits; uint64
		// subtraction is exact modulo 2^64.
		if buy && f == 0 {
			for j := range a {
				a[j].k = uint64(hi) - uint64(a[j].limit)
			}
		} else {
			for j := range a {
				a[j].k = uint64(a[j].field(f)) - uint64(lo)
			}
		}
		radixSort(a, tmp[:len(a)], bits.Len64(uint64(hi)-uint64(lo)))
	}
}

const radixBits = 11

// radixSort stably sorts a by the low nbits of k, radixBits at a time,
// using tmp (same length) as scratch.
func radixSort(a, tmp []entry, nbits int) {
	const mask = 1<<radixBits - 1
	src, dst := a, tmp
	var count [1 << radixBits]int
	for shift := 0; shift < nbits; shift += radixBits {
		clear(count[:])
		for j := range src {
			count[src[j].k>>shift&mask]++
		}
		if count[src[0].k>>shift&mask] == len(src) {
			continue // every key has this digit
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for j := range src {
			d := src[j].k >> shift & mask
			dst[count[d]] = src[j]
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}
