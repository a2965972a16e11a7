package frame

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestMixHashAvalanche: flipping any one input bit flips about half of the
// output bits (fmix64's avalanche), and distinct inputs stay distinct.
func TestMixHashAvalanche(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	const samples = 2000
	seen := make(map[uint64]uint64, samples)
	for bit := range 64 {
		flips := 0
		for range samples {
			x := r.Uint64()
			flips += bits.OnesCount64(MixHash(x) ^ MixHash(x^1<<bit))
		}
		if avg := float64(flips) / samples; avg < 30 || avg > 34 {
			t.Errorf("input bit %d flips %.2f output bits on average, want about 32", bit, avg)
		}
	}
	for range samples {
		x := r.Uint64()
		h := MixHash(x)
		if y, ok := seen[h]; ok && y != x {
			t.Fatalf("MixHash(%#x) == MixHash(%#x)", x, y)
		}
		seen[h] = x
	}
	if MixHash(0) != 0 {
		t.Errorf("MixHash(0) = %#x, fmix64 maps 0 to 0", MixHash(0))
	}
}
