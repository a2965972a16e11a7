package csv

// Stage one of the block parser (see block.go): byte-class bitmasks of 64-byte
// blocks, the way simdjson and simdcsv begin. An assembly version
// (masks_amd64.s, AVX2) replaces the portable one where the CPU has it.

// structMasks computes, for each 64-byte block of b (len(b) must be a
// multiple of 64), four bitmasks in which bit i stands for byte i of the
// block: quotes ('"'), delimiters (delim), LF and CR, written to
// out[4k], out[4k+1], out[4k+2], out[4k+3] for block k. out must hold
// 4*len(b)/64 words.
var structMasks = structMasksGeneric

// structMasksGeneric is the portable structMasks: SWAR compares 8 bytes at
// a time, gathering each word's 0x80 bits into one byte with a multiply.
func structMasksGeneric(b []byte, delim byte, out []uint64) {
	const lo7 = 0x7F7F7F7F7F7F7F7F
	const hi = 0x8080808080808080
	const ones = 0x0101010101010101
	dd := uint64(delim) * ones
	for k := 0; k+64 <= len(b); k += 64 {
		var q, d, l, c uint64
		for w := 0; w < 8; w++ {
			x := uint64(b[k+8*w]) | uint64(b[k+8*w+1])<<8 | uint64(b[k+8*w+2])<<16 | uint64(b[k+8*w+3])<<24 |
				uint64(b[k+8*w+4])<<32 | uint64(b[k+8*w+5])<<40 | uint64(b[k+8*w+6])<<48 | uint64(b[k+8*w+7])<<56
			qx, dx, lx, cx := x^'"'*ones, x^dd, x^'\n'*ones, x^'\r'*ones
			sh := uint(8 * w)
			q |= gather(^(((qx&lo7)+lo7)|qx)&hi) << sh
			d |= gather(^(((dx&lo7)+lo7)|dx)&hi) << sh
			l |= gather(^(((lx&lo7)+lo7)|lx)&hi) << sh
			c |= gather(^(((cx&lo7)+lo7)|cx)&hi) << sh
		}
		o := out[k/16 : k/16+4 : k/16+4]
		o[0], o[1], o[2], o[3] = q, d, l, c
	}
}

// gather packs the 0x80 bits of m's bytes into the low byte (byte i's bit
// becomes bit i).
func gather(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}
