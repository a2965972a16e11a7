package csv

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// structMasksRef is the byte-by-byte reference for structMasks.
func structMasksRef(b []byte, delim byte, out []uint64) {
	for k := 0; k+64 <= len(b); k += 64 {
		var q, d, l, c uint64
		for i := 0; i < 64; i++ {
			bit := uint64(1) << uint(i)
			switch x := b[k+i]; {
			case x == '"':
				q |= bit
			case x == '\n':
				l |= bit
			case x == '\r':
				c |= bit
			}
			if b[k+i] == delim {
				d |= bit
			}
		}
		out[k/16], out[k/16+1], out[k/16+2], out[k/16+3] = q, d, l, c
	}
}

var maskNames = [4]string{"quote", "delim", "LF", "CR"}

// fillMaskInput fills b with bytes drawn mostly from the CSV-structural
// alphabet, with some zero bytes, bytes >= 0x80 and arbitrary bytes.
func fillMaskInput(r *rand.Rand, b []byte) {
	const alphabet = "\",;\t\n\ra0|"
	for i := range b {
		switch p := r.IntN(100); {
		case p < 80:
			b[i] = alphabet[r.IntN(len(alphabet))]
		case p < 85:
			b[i] = 0
		case p < 95:
			b[i] = byte(0x80 + r.IntN(0x80))
		default:
			b[i] = byte(r.IntN(256))
		}
	}
}

var maskDelims = []byte{',', ';', '\t', '|', 0x00, 0x80, 0xFF, '"'}

const maskGuard = 0xDEADBEEFCAFEF00D

// checkStructMasks runs f on b with an out slice of exactly 4*len(b)/64
// words (followed in memory by guard words) and compares it with the
// reference, also checking that b and the guard words are untouched.
func checkStructMasks(t *testing.T, name string, f func([]byte, byte, []uint64), b []byte, delim byte, ctx string) {
	t.Helper()
	need := 4 * len(b) / 64
	want := make([]uint64, need)
	structMasksRef(b, delim, want)
	buf := make([]uint64, need+4)
	for i := range buf {
		buf[i] = maskGuard
	}
	out := buf[:need:need]
	orig := append([]byte(nil), b...)
	f(b, delim, out)
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("%s %s delim=%q: block %d %s mask: got %064b, want %064b", name, ctx, delim, i/4, maskNames[i%4], out[i], want[i])
		}
	}
	for i := need; i < len(buf); i++ {
		if buf[i] != maskGuard {
			t.Fatalf("%s %s delim=%q: wrote past the end of out (word %d = %#x)", name, ctx, delim, i, buf[i])
		}
	}
	if string(orig) != string(b) {
		t.Fatalf("%s %s delim=%q: input modified", name, ctx, delim)
	}
}

func TestStructMasks(t *testing.T) {
	impls := []struct {
		name string
		f    func([]byte, byte, []uint64)
	}{{"generic", structMasksGeneric}}
	if hasStructMasksAsm {
		impls = append(impls, struct {
			name string
			f    func([]byte, byte, []uint64)
		}{"asm", structMasks})
	} else {
		t.Log("no assembly structMasks on this machine; testing the generic one only")
	}
	r := rand.New(rand.NewPCG(1, 2))

	t.Run("random", func(t *testing.T) {
		big := make([]byte, 1024+64)
		for round := 0; round < 3; round++ {
			fillMaskInput(r, big)
			for off := 0; off < 64; off++ {
				for n := 0; n <= 1024; n += 64 {
					b := big[off : off+n : off+n]
					for _, delim := range maskDelims {
						for _, im := range impls {
							checkStructMasks(t, im.name, im.f, b, delim, fmt.Sprintf("round=%d off=%d n=%d", round, off, n))
						}
					}
				}
			}
		}
	})

	t.Run("uniform", func(t *testing.T) {
		// Every byte value filling whole blocks, and every byte value alone
		// at every position of a block of another value.
		b := make([]byte, 128)
		for v := 0; v < 256; v++ {
			for i := range b {
				b[i] = byte(v)
			}
			for _, delim := range maskDelims {
				for _, im := range impls {
					checkStructMasks(t, im.name, im.f, b, delim, fmt.Sprintf("all %#x", v))
				}
			}
			for pos := 0; pos < 64; pos++ {
				bg := byte('a')
				if v == 'a' {
					bg = '"'
				}
				for i := range b {
					b[i] = bg
				}
				b[pos], b[127-pos] = byte(v), byte(v)
				for _, delim := range maskDelims {
					for _, im := range impls {
						checkStructMasks(t, im.name, im.f, b, delim, fmt.Sprintf("%#x at %d and %d", v, pos, 127-pos))
					}
				}
			}
		}
	})

	t.Run("large", func(t *testing.T) {
		const n = 64 * 1000
		big := make([]byte, n+64)
		fillMaskInput(r, big)
		for _, off := range []int{0, 1, 7, 31, 32, 63} {
			b := big[off : off+n : off+n]
			for _, delim := range maskDelims {
				for _, im := range impls {
					checkStructMasks(t, im.name, im.f, b, delim, fmt.Sprintf("off=%d n=%d", off, n))
				}
			}
		}
	})

	t.Run("short-out", func(t *testing.T) {
		b := make([]byte, 256)
		for _, im := range impls {
			for _, m := range []int{0, 1, 15} {
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("%s: no panic with len(out)=%d for %d blocks", im.name, m, len(b)/64)
						}
					}()
					im.f(b, ',', make([]uint64, m))
				}()
			}
		}
	})
}

func BenchmarkStructMasks(b *testing.B) {
	const size = 1 << 20
	r := rand.New(rand.NewPCG(3, 4))
	in := make([]byte, size)
	fillMaskInput(r, in)
	out := make([]uint64, 4*size/64)
	run := func(f func([]byte, byte, []uint64)) func(*testing.B) {
		return func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				f(in, ',', out)
			}
		}
	}
	b.Run("generic", run(structMasksGeneric))
	b.Run("asm", func(b *testing.B) {
		if !hasStructMasksAsm {
			b.Skip("no assembly structMasks on this machine")
		}
		run(structMasks)(b)
	})
}
