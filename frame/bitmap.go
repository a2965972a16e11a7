package frame

import "math/bits"

// bitmap is a validity bitmap: bit i set means value i is valid (not null).
// A nil bitmap means "all valid".
type bitmap []uint64

func newBitmap(n int, set bool) bitmap {
	b := make(bitmap, (n+63)/64)
	if set {
		for i := range b {
			b[i] = ^uint64(0)
		}
	}
	return b
}

func (b bitmap) get(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitmap) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitmap) clear(i int)    { b[i>>6] &^= 1 << (uint(i) & 63) }

// countNulls counts the unset bits among the first n.
func (b bitmap) countNulls(n int) int {
	if b == nil {
		return 0
	}
	full := n / 64
	valid := 0
	for _, w := range b[:full] {
		valid += bits.OnesCount64(w)
	}
	if r := n % 64; r != 0 {
		valid += bits.OnesCount64(b[full] & (1<<uint(r) - 1))
	}
	return n - valid
}

// slice copies bits [i, j) into a new bitmap starting at bit 0.
func (b bitmap) slice(i, j int) bitmap {
	if b == nil {
		return nil
	}
	n := j - i
	out := make(bitmap, (n+63)/64)
	w, sh := i/64, uint(i%64)
	if sh == 0 {
		copy(out, b[w:])
	} else {
		// shift whole words: out word k takes the high bits of b[w+k] and
		// the low bits of b[w+k+1]
		for k := range out {
			x := b[w+k] >> sh
			if w+k+1 < len(b) {
				x |= b[w+k+1] << (64 - sh)
			}
			out[k] = x
		}
	}
	// clear the padding bits beyond n, so whole-word operations stay exact
	if r := n % 64; r != 0 {
		out[len(out)-1] &= 1<<uint(r) - 1
	}
	return out
}

// bitmapBuilder appends validity bits; it stays nil until the first null.
type bitmapBuilder struct {
	bits bitmap
	n    int
	null int
}

func (bb *bitmapBuilder) grow(n int) {
	need := (n + 63) / 64
	if need > cap(bb.bits) {
		nb := make(bitmap, need, max(need, 2*cap(bb.bits)))
		copy(nb, bb.bits)
		bb.bits = nb
	}
	bb.bits = bb.bits[:need]
}

func (bb *bitmapBuilder) appendValid() {
	if bb.bits != nil {
		bb.grow(bb.n + 1)
		bb.bits.set(bb.n)
	}
	bb.n++
}

func (bb *bitmapBuilder) appendNull() {
	if bb.bits == nil {
		// materialise: all previous values valid
		bb.bits = newBitmap(bb.n+1, true)
		for k := bb.n; k < len(bb.bits)*64; k++ {
			bb.bits.clear(k)
		}
	}
	bb.grow(bb.n + 1)
	bb.bits.clear(bb.n)
	bb.n++
	bb.null++
}

// finish returns the bitmap (nil when there were no nulls), trimmed to its
// length so a built column holds no spare capacity, and the null count.
func (bb *bitmapBuilder) finish() (bitmap, int) {
	if bb.null == 0 {
		return nil, 0
	}
	return trim(bb.bits), bb.null
}

// trim returns s, or an exact-length copy when its spare capacity exceeds
// 1/64 of its length plus a few elements: builders grow by doubling, and a
// built column should hold (about) only its values.
func trim[T any](s []T) []T {
	if cap(s)-len(s) <= len(s)/64+8 {
		return s[:len(s):len(s)]
	}
	out := make([]T, len(s))
	copy(out, s)
	return out
}
