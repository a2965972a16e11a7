package chunk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// randomFrame builds a frame with a column of every type, nulls included
// (nulls only when withNulls), n rows.
func randomFrame(r *rand.Rand, n int, withNulls bool) *frame.Frame {
	valid := func() []bool {
		v := make([]bool, n)
		for i := range v {
			v[i] = !withNulls || r.IntN(5) != 0
		}
		return v
	}
	ints := make([]int64, n)
	days := make([]int64, n)
	nanos := make([]int64, n)
	floats := make([]float64, n)
	bools := make([]bool, n)
	strs := make([]string, n)
	for i := range n {
		ints[i] = r.Int64() - math.MaxInt64/2
		days[i] = int64(r.IntN(40000)) - 20000
		nanos[i] = r.Int64N(1 << 62)
		floats[i] = r.NormFloat64() * 1e6
		if withNulls && r.IntN(5) == 0 {
			floats[i] = math.NaN()
		}
		bools[i] = r.IntN(2) == 0
		b := make([]byte, r.IntN(12))
		for k := range b {
			b[k] = byte(r.IntN(256)) // any bytes, not only UTF-8
		}
		strs[i] = string(b)
	}
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("i", ints, valid())),
		frame.MustColumn(frame.NewDate("d", days, valid())),
		frame.MustColumn(frame.NewDatetime("t", nanos, valid())),
		frame.NewFloat64("f", floats),
		frame.MustColumn(frame.NewBool("b", bools, valid())),
		frame.MustColumn(frame.NewString("s", strs, valid())),
	))
}

// sameFrame reports the first difference between two frames, comparing
// names, types, nulls and values (floats by bits).
func sameFrame(a, b *frame.Frame) error {
	if a.NumRows() != b.NumRows() || a.NumCols() != b.NumCols() {
		return fmt.Errorf("shape %dx%d vs %dx%d", a.NumRows(), a.NumCols(), b.NumRows(), b.NumCols())
	}
	for k := range a.NumCols() {
		ca, cb := a.ColumnAt(k), b.ColumnAt(k)
		if ca.Name() != cb.Name() || ca.Type() != cb.Type() || ca.NullCount() != cb.NullCount() {
			return fmt.Errorf("column %d: %s %v (%d nulls) vs %s %v (%d nulls)", k, ca.Name(), ca.Type(), ca.NullCount(), cb.Name(), cb.Type(), cb.NullCount())
		}
		for i := range ca.Len() {
			if ca.IsNull(i) != cb.IsNull(i) {
				return fmt.Errorf("%s row %d: null %v vs %v", ca.Name(), i, ca.IsNull(i), cb.IsNull(i))
			}
			if ca.IsNull(i) {
				continue
			}
			if ca.Type() == frame.Float64 {
				if math.Float64bits(ca.Float64(i)) != math.Float64bits(cb.Float64(i)) {
					return fmt.Errorf("%s row %d: %v vs %v", ca.Name(), i, ca.Float64(i), cb.Float64(i))
				}
				continue
			}
			if ca.Value(i) != cb.Value(i) {
				return fmt.Errorf("%s row %d: %v vs %v", ca.Name(), i, ca.Value(i), cb.Value(i))
			}
		}
	}
	return nil
}

// TestCodecRoundTrip: random frames of every type, with and without
// nulls, and slices of them, decode to what was encoded.
func TestCodecRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := r.IntN(200)
		if trial%10 == 0 {
			n = 0
		}
		f := randomFrame(r, n, trial%2 == 0)
		if n > 2 && trial%3 == 0 {
			f = f.Slice(1, n-1) // offsets into shared buffers
		}
		got, err := Decode(Encode(f))
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if err := sameFrame(f, got); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
	}
}

// TestCodecDictionaryStrings: a dictionary-encoded column travels as plain
// strings with the same values.
func TestCodecDictionaryStrings(t *testing.T) {
	vals := []string{"Ohio", "Utah", "Ohio", "", "Utah"}
	c := frame.MustColumn(frame.NewString("state", vals, []bool{true, true, true, false, true})).DictEncode()
	if !c.IsDict() {
		t.Fatal("the column is not dictionary-encoded")
	}
	f := frame.Must(frame.New(c))
	got, err := Decode(Encode(f))
	if err != nil {
		t.Fatal(err)
	}
	if err := sameFrame(f, got); err != nil {
		t.Fatal(err)
	}
}

// TestCodecRejectsDamage: every truncation of a valid chunk is an error,
// never a panic or a wrong frame.
func TestCodecRejectsDamage(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	b := Encode(randomFrame(r, 20, true))
	for n := range len(b) {
		if _, err := Decode(b[:n]); err == nil {
			t.Fatalf("a chunk cut to %d of %d bytes decoded", n, len(b))
		}
	}
	if _, err := Decode(append(append([]byte(nil), b...), 0)); err == nil {
		t.Fatal("a chunk with a trailing byte decoded")
	}
}

// FuzzDecode: arbitrary bytes decode to an error or to a frame that
// encodes back to a decodable chunk of the same content.
func FuzzDecode(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	f.Add(Encode(randomFrame(r, 3, true)))
	f.Add(Encode(randomFrame(r, 0, false)))
	f.Add([]byte("SF1\x00\x00"))
	f.Add([]byte("SF1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Decode(Encode(got))
		if err != nil {
			t.Fatalf("re-encoded frame does not decode: %v", err)
		}
		if err := sameFrame(got, again); err != nil {
			t.Fatal(err)
		}
	})
}
