package csv

import (
	"encoding/binary"
	"math/bits"
)

// SWAR (SIMD within a register) building blocks for the number parsers: 8
// bytes of text loaded little endian into a uint64, so byte 0 is the first
// character. Each is small enough for the compiler to inline into the
// per-column loops.

const (
	swarLo7  = 0x7F7F7F7F7F7F7F7F
	swarHi   = 0x8080808080808080
	swarOnes = 0x0101010101010101
)

// swarNonDigits marks (high bit of the byte) each byte of x that is not an
// ASCII digit.
func swarNonDigits(x uint64) uint64 {
	a := x ^ 0x3030303030303030
	return (((a & swarLo7) + 0x7676767676767676) | a) & swarHi
}

// swarEq marks each byte of x equal to c.
func swarEq(x uint64, c byte) uint64 {
	b := x ^ uint64(c)*swarOnes
	return ^(((b & swarLo7) + swarLo7) | b) & swarHi
}

// swarDrop removes byte p of x, moving the bytes after it down one.
func swarDrop(x uint64, p int) uint64 {
	low := uint64(1)<<(8*uint(p)) - 1
	return x&low | (x>>8)&^low
}

// swarDigits returns the value of the k (1 to 8) ASCII digits in the low
// bytes of y (the bytes above them zero), combined in three multiplications
// (Lemire).
func swarDigits(y uint64, k int) uint64 {
	d := (y & 0x0F0F0F0F0F0F0F0F) << (8 * uint(8-k))
	d = d*10 + d>>8
	return ((d&0x000000FF000000FF)*(100+1000000<<32) + (d>>16&0x000000FF000000FF)*(1+10000<<32)) >> 32
}

// swarByte is the index of the first byte marked in m (m != 0).
func swarByte(m uint64) int { return bits.TrailingZeros64(m) >> 3 }

// swarDecimal reads a plain decimal from the 8 bytes x: digits with at most
// one '.', ended by byte l < 8, the first that is neither. It returns the
// digits as one integer (the dot removed), l, the number of digits after
// the dot (-1 without a dot), and false when x does not start that way (no
// digits, two dots, or no end within 8 bytes). At most 7 digits are read:
// the result is exact.
func swarDecimal(x uint64) (m uint64, l, frac int, ok bool) {
	dot := swarEq(x, '.')
	other := swarNonDigits(x) &^ dot
	if other == 0 {
		return 0, 0, 0, false
	}
	l = swarByte(other)
	keep := uint64(1)<<(8*uint(l)) - 1
	dot &= keep
	y := x & keep
	k := l
	frac = -1
	if dot != 0 {
		if dot&(dot-1) != 0 {
			return 0, 0, 0, false
		}
		dp := swarByte(dot)
		frac = l - dp - 1
		y = swarDrop(y, dp)
		k--
	}
	if k == 0 {
		return 0, 0, 0, false
	}
	return swarDigits(y, k), l, frac, true
}

// swarQuotedInt reads the body of a quoted non-negative integer from the 8
// bytes x after the opening quote: up to 7 digits, optionally with one
// thousands separator sep exactly three digits before the closing quote at
// byte l (strict grouping: "9,648", "137,869", "880"). It returns the value
// and l, or false for anything else (the scalar quotedInt then decides).
func swarQuotedInt(x uint64, sep byte) (v uint64, l int, ok bool) {
	quote := swarEq(x, '"')
	if quote == 0 {
		return 0, 0, false
	}
	l = swarByte(quote)
	if l == 0 {
		return 0, 0, false
	}
	keep := uint64(1)<<(8*uint(l)) - 1
	var comma uint64
	if sep != 0 {
		comma = swarEq(x, sep) & keep
	}
	if swarNonDigits(x)&keep&^comma != 0 {
		return 0, 0, false
	}
	y, k, ok := swarUngroup(x&keep, comma, l)
	if !ok {
		return 0, 0, false
	}
	return swarDigits(y, k), l, true
}

// swarUngroup removes the thousands separator marked in comma from the l
// bytes of y, which must then sit exactly three digits before the end
// ("9,648", "137,869"; no mark: y unchanged). It returns the digits left and
// their count, false for a misplaced separator.
func swarUngroup(y, comma uint64, l int) (uint64, int, bool) {
	if comma == 0 {
		return y, l, true
	}
	cp := l - 4
	if cp < 1 || comma != 0x80<<(8*uint(cp)) {
		return 0, 0, false
	}
	return swarDrop(y, cp), l - 1, true
}

// swarSigned splits a field of length l (1 to 8) in x into its sign and the
// l' bytes after an optional '-', the bytes beyond them cleared; l' may be 0.
func swarSigned(x uint64, l int) (y uint64, n int, neg bool) {
	if x&0xFF == '-' {
		x >>= 8
		l--
		neg = true
	}
	return x & (^uint64(0) >> (64 - 8*uint(l))), l, neg
}

// signedDecimal is swarDecimal on the 8 bytes after an optional '-' at
// b[p] (b must hold 9 bytes from p): the digits as one integer, the
// position after the number, the digits after the dot (-1: no dot), the
// sign, and whether a decimal was read.
func signedDecimal(b []byte, p int) (m uint64, end, frac int, neg, ok bool) {
	q, neg := signAt(b, p)
	m, l, frac, ok := swarDecimal(binary.LittleEndian.Uint64(b[q:]))
	return m, q + l, frac, neg, ok
}

// signAt skips an optional '-' at b[p]: it returns where the digits start
// and whether there was one.
func signAt(b []byte, p int) (int, bool) {
	if p < len(b) && b[p] == '-' {
		return p + 1, true
	}
	return p, false
}

// digitsFrom appends the decimal digits at b[q:] to u (u*10 + d for each);
// it returns the result and the position after the digits. Callers bound
// the digit count (overflow is theirs to reject).
func digitsFrom(b []byte, q int, u uint64) (uint64, int) {
	for q < len(b) {
		d := b[q] - '0'
		if d > 9 {
			break
		}
		u = u*10 + uint64(d)
		q++
	}
	return u, q
}
