package frame

import (
	"errors"
	"testing"
)

// TestPropConcatGrowingDict: columns encoded with snapshots of one
// append-only dictionary (the CSV reader's chunks) concatenate into an
// encoded column with the same values as the plain concatenation; columns
// with unrelated dictionaries, or a plain one among them, concatenate
// decoded, with the same values.
func TestPropConcatGrowingDict(t *testing.T) {
	r := newRand(11)
	for it := range propIters {
		n := randSize(r)
		if n == 0 {
			continue
		}
		c := randColumn(r, "s", String, n).Decode()
		// cut into parts; encode each with the dictionary as grown so far
		var cuts []int
		for i := 0; i < n; i += 1 + r.IntN(max(n/3, 1)) {
			cuts = append(cuts, i)
		}
		cuts = append(cuts, n)
		ids := map[string]uint32{}
		offs, data := []int64{0}, []byte(nil)
		var grown, plain, unrelated, mixed []*Frame
		for p := 0; p+1 < len(cuts); p++ {
			part := c.sliceRows(cuts[p], cuts[p+1])
			codes := make([]uint32, part.Len())
			for i := range codes {
				if part.IsNull(i) {
					continue
				}
				s := part.Str(i)
				id, ok := ids[s]
				if !ok {
					id = uint32(len(offs) - 1)
					ids[s] = id
					data = append(data, s...)
					offs = append(offs, int64(len(data)))
				}
				codes[i] = id
			}
			m := len(offs)
			dict, err := AdoptStrings("", offs[:m:m], data[:offs[m-1]:offs[m-1]], nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			g, err := AdoptDict("s", codes, dict, part.Validity(), part.NullCount())
			if err != nil {
				t.Fatal(err)
			}
			grown = append(grown, mustFrame(t, g))
			plain = append(plain, mustFrame(t, part))
			unrelated = append(unrelated, mustFrame(t, part.DictEncode()))
			if p == 1 {
				mixed = append(mixed, mustFrame(t, part)) // one plain part
			} else {
				mixed = append(mixed, mustFrame(t, g))
			}
		}
		want, err := Concat(plain...)
		if err != nil {
			t.Fatal(err)
		}
		wm := modelOf(t, want.ColumnAt(0))
		for name, parts := range map[string][]*Frame{"grown": grown, "unrelated": unrelated, "mixed": mixed} {
			got, err := Concat(parts...)
			if err != nil {
				t.Fatal(err)
			}
			gc := got.ColumnAt(0)
			if diff := equalModels(rframe{nrows: n, cols: []rcol{modelOf(t, gc)}}, rframe{nrows: n, cols: []rcol{wm}}); diff != "" {
				t.Fatalf("iter %d %s: %s", it, name, diff)
			}
			if name == "grown" && len(parts) > 1 && !gc.IsDict() {
				t.Fatalf("iter %d: prefix-sharing dictionaries were decoded", it)
			}
		}
	}
}

func mustFrame(t *testing.T, cols ...*Column) *Frame {
	t.Helper()
	f, err := New(cols...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAdoptDictRejectsBadDictionary(t *testing.T) {
	withNull, err := NewString("d", []string{"a", ""}, []bool{true, false})
	if err != nil {
		t.Fatal(err)
	}
	ints, err := NewInt64("i", []int64{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*Column{nil, withNull, withNull.DictEncode(), ints} {
		if c, err := AdoptDict("s", []uint32{0}, d, nil, 0); !errors.Is(err, ErrType) || c != nil {
			t.Errorf("AdoptDict(%v) = %v, %v; want an error wrapping ErrType", d, c, err)
		}
	}
}

// TestAdoptRejectsO1Misuse: the unchecked constructors return errors (never
// panic) for what they can check in O(1).
func TestAdoptRejectsO1Misuse(t *testing.T) {
	three := []uint64{0b101}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"Int64s of a Float64 type", second(AdoptInt64s("a", Float64, []int64{1}, nil, 0)), ErrType},
		{"Int64s bitmap too long", second(AdoptInt64s("a", Int64, []int64{1, 0, 1}, []uint64{5, 0}, 1)), ErrLength},
		{"Float64s bitmap too short", second(AdoptFloat64s("a", make([]float64, 65), three, 1)), ErrLength},
		{"Bools more nulls than rows", second(AdoptBools("a", []bool{true}, three, 2)), ErrLength},
		{"Strings negative nulls", second(AdoptStrings("a", []int64{0, 1}, []byte("x"), three, -1)), ErrLength},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	c, err := AdoptInt64s("a", Date, []int64{1, 0, 1}, three, 1)
	if err != nil || c.NullCount() != 1 || !c.IsNull(1) || c.Type() != Date {
		t.Fatalf("a valid adoption: %v, %v", c, err)
	}
}

func second(_ *Column, err error) error { return err }
