package scheduling

import (
	"slices"
)

// index holds the busy intervals of each resource sorted by start and merged,
// so "is it free" is one binary search.
type index struct {
	start, end []int32 // resource r's intervals are iv[start[r]:end[r]]
	iv         []span
}

// index builds e.busy from the parts of busy that fall in [lo, hi); intervals
// of unknown providers and operatories block nothing.
func (e *engine) index(busy []Busy, lo, hi int64) {
	nops := len(e.operatories)
	n := nops + len(e.provs)
	counts := make([]int32, 2*n+1)
	start, end := counts[:n+1], counts[n+1:]
	res := make([]int32, 2*len(busy)) // each interval's operatory and provider resource, -1 for none
	// keys orders the intervals by start: the start's offset from lo in the
	// high half (the window is far shorter than 2^32 s), the interval's index
	// in the low half. Sorting plain integers is several times faster than
	// sorting structs with a comparison function.
	keys := make([]uint64, 0, len(busy))
	clip := func(b Busy) span { return span{max(b.Start.Unix(), lo), min(ceilUnix(b.End), hi)} }
	for i, b := range busy {
		res[2*i], res[2*i+1] = -1, -1
		sp := clip(b)
		if sp.start >= sp.end {
			continue
		}
		if b.OperatoryID != "" {
			if j := slices.Index(e.operatories, b.OperatoryID); j >= 0 {
				res[2*i] = int32(j)
				start[j+1]++
			}
		}
		if b.ProviderID != "" {
			for j := range e.provs {
				if e.provs[j].id == b.ProviderID {
					res[2*i+1] = int32(nops + j)
					start[nops+j+1]++
					break
				}
			}
		}
		if res[2*i] >= 0 || res[2*i+1] >= 0 {
			keys = append(keys, uint64(sp.start-lo)<<32|uint64(i))
		}
	}
	keys = radixSort(keys, make([]uint64, len(keys)))
	for r := range n {
		start[r+1] += start[r]
	}
	copy(end, start[:n])
	// Placing in key order leaves each resource's intervals sorted.
	iv := make([]span, start[n])
	for _, k := range keys {
		i := uint32(k)
		sp := clip(busy[i])
		for _, r := range res[2*i : 2*i+2] {
			if r >= 0 {
				iv[end[r]] = sp
				end[r]++
			}
		}
	}
	for r := range n {
		end[r] = start[r] + int32(merge(iv[start[r]:end[r]]))
	}
	e.busy = index{start: start[:n], end: end, iv: iv}
}

// merge joins sorted spans that overlap or touch, in place, and returns how
// many remain.
func merge(spans []span) int {
	n := 0
	for _, s := range spans {
		if n > 0 && s.start <= spans[n-1].end {
			spans[n-1].end = max(spans[n-1].end, s.end)
			continue
		}
		spans[n] = s
		n++
	}
	return n
}

// free reports whether resource r has nothing busy in [s, e).
func (x *index) free(r int, s, e int64) bool {
	iv := x.iv[x.start[r]:x.end[r]]
	// The first interval that ends after s is the only one that can overlap.
	i, j := 0, len(iv)
	for i < j {
		h := int(uint(i+j) >> 1)
		if iv[h].end <= s {
			i = h + 1
		} else {
			j = h
		}
	}
	return i == len(iv) || iv[i].start >= e
}

// radixSort sorts keys by their high 32 bits, keeping the order of equal
// ones, using tmp (as long as keys) as scratch; it returns whichever of the
// two holds the result. Comparison sorts were most of Find's time.
func radixSort(keys, tmp []uint64) []uint64 {
	if len(keys) < 2 {
		return keys
	}
	var count [256]int
	for shift := 32; shift < 64; shift += 8 {
		clear(count[:])
		for _, k := range keys {
			count[byte(k>>shift)]++
		}
		if count[byte(keys[0]>>shift)] == len(keys) {
			continue // every key has this digit
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range keys {
			d := byte(k >> shift)
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	return keys
}
