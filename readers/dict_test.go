package readers

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// TestDictAuto: a String column whose sample repeats its values is read
// dictionary-encoded, chunk by chunk with one growing dictionary, and
// ReadAll keeps it encoded; a column of unique values, a short sample and
// NoDict read plain. Values are the same either way.
func TestDictAuto(t *testing.T) {
	states := []string{"Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "\"Washington, D.C.\"", "", "NA", " Ohio "}
	var sb strings.Builder
	sb.WriteString("id,state,n\n")
	for i := range 5000 {
		fmt.Fprintf(&sb, "u%d,%s,%d\n", i, states[(i*7)%len(states)], i)
	}
	in := sb.String()
	plain, err := readAll(in, Options{NoDict: true, ChunkRows: 700})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plain.Columns() {
		if c.IsDict() {
			t.Fatalf("NoDict: column %s is encoded", c.Name())
		}
	}
	got, err := readAll(in, Options{ChunkRows: 700})
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
	for f, err := range CSV(context.Background(), strings.NewReader(in), Options{ChunkRows: 700}) {
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
	short, err := readAll("s\na\na\nb\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if short.ColumnAt(0).IsDict() {
		t.Fatal("3-row column encoded")
	}
}

// TestDictAcrossFiles: Files shares each encoded column's dictionary across
// the files (and encodes the source column), so ReadAll keeps them encoded;
// the values are those of a plain read.
func TestDictAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for f := range 3 {
		var sb strings.Builder
		sb.WriteString("state,n\n")
		for i := range 300 {
			// each file brings a new state too
			fmt.Fprintf(&sb, "s%d,%d\n", (i*(f+1))%(5+f), i)
		}
		p := fmt.Sprintf("%s/part%d.csv", dir, f)
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	ctx := context.Background()
	got, err := ReadAll(Files(ctx, paths, Options{SourceColumn: "file", ChunkRows: 128}))
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadAll(Files(ctx, paths, Options{SourceColumn: "file", ChunkRows: 128, NoDict: true}))
	if err != nil {
		t.Fatal(err)
	}
	if d := sameFrames(got, want); d != "" {
		t.Fatal(d)
	}
	for _, name := range []string{"state", "file"} {
		c, _ := got.Column(name)
		w, _ := want.Column(name)
		if !c.IsDict() || w.IsDict() {
			t.Fatalf("%s: IsDict %v, NoDict read %v", name, c.IsDict(), w.IsDict())
		}
	}
	if c, _ := got.Column("file"); c.Str(got.NumRows()-1) != paths[2] {
		t.Fatalf("last row's file %q", c.Str(got.NumRows()-1))
	}
}

// TestDictCache: the worker table gives equal codes exactly to equal
// values, also for values that share length, first and last eight bytes
// (they differ in the middle) and across table growth; and every code
// names its value in the dictionary.
func TestDictCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	d := newStrDict()
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
