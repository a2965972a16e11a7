package csv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// TestDictAuto: a String column whose sample repeats its values is read
// dictionary-encoded, chunk by chunk with one growing dictionary, and
// Concat keeps it encoded; a column of unique values, a short sample and
// NoDict read plain. Values are the same either way.
func TestDictAuto(t *testing.T) {
	t.Parallel()
	states := []string{"Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "\"Washington, D.C.\"", "", "NA", " Ohio "}
	var sb strings.Builder
	sb.WriteString("id,state,n\n")
	for i := range 5000 {
		fmt.Fprintf(&sb, "u%d,%s,%d\n", i, states[(i*7)%len(states)], i)
	}
	in := sb.String()
	plain, err := readAll(in, Config{NoDict: true, ChunkRows: 700})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plain.Columns() {
		if c.IsDict() {
			t.Fatalf("NoDict: column %s is encoded", c.Name())
		}
	}
	got, err := readAll(in, Config{ChunkRows: 700})
	if err != nil {
		t.Fatal(err)
	}
	if d := sameFrames(got, plain); d != "" {
		t.Fatal(d)
	}
	id, _ := got.Column("id")
	st, _ := got.Column("state")
	if id.IsDict() || !st.IsDict() {
		t.Fatalf("IsDict: id %v (want false), state %v (want true)", id.IsDict(), st.IsDict())
	}
	dict, _ := st.Dictionary()
	// 8 distinct values: "" and NA are null, " Ohio " is kept as is
	if dict.Len() != 8 {
		t.Fatalf("dictionary of %d entries, want 8: %v", dict.Len(), dict)
	}
	if got.Size() >= plain.Size() {
		t.Fatalf("encoded frame %d bytes, plain %d", got.Size(), plain.Size())
	}
	// every streamed chunk is encoded, with prefixes of one dictionary
	var prev *frame.Column
	chunks := 0
	for f, err := range Read(context.Background(), strings.NewReader(in), Config{ChunkRows: 700}) {
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.Column("state")
		d, _ := c.Dictionary()
		if d == nil {
			t.Fatalf("chunk %d: state is plain", chunks)
		}
		if prev != nil && d.Len() < prev.Len() {
			t.Fatalf("chunk %d: dictionary shrank", chunks)
		}
		prev = d
		chunks++
	}
	if chunks < 7 {
		t.Fatalf("%d chunks", chunks)
	}
	// a sample too short to judge: plain
	short, err := readAll("s\na\na\nb\n", Config{})
	if err != nil {
		t.Fatal(err)
	}
	if short.ColumnAt(0).IsDict() {
		t.Fatal("3-row column encoded")
	}
}

// TestDictCache: the worker table gives equal codes exactly to equal
// values, also for values that share length, first and last eight bytes
// (they differ in the middle) and across table growth; and every code
// names its value in the dictionary.
func TestDictCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	d := newStrDict(dictMaxEntries)
	caches := []*dictCache{newDictCache(), newDictCache()} // two workers
	ids := map[string]uint32{}
	for range 50000 {
		n := rng.IntN(41)
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab"[rng.IntN(2)]
		}
		if n > 16 && rng.IntN(2) == 0 {
			copy(b, "prefix--")
			copy(b[n-8:], "--suffix")
		}
		c := caches[rng.IntN(2)]
		id, ok := c.lookup(d, b)
		if !ok {
			t.Fatal("dictionary full")
		}
		if want, seen := ids[string(b)]; seen && want != id {
			t.Fatalf("%q: code %d, earlier %d", b, id, want)
		}
		ids[string(b)] = id
		if got := d.entry(id); got != string(b) {
			t.Fatalf("code %d is %q, looked up %q", id, got, b)
		}
	}
	if len(ids) != len(d.offs)-1 {
		t.Fatalf("%d distinct values, dictionary of %d", len(ids), len(d.offs)-1)
	}
}
