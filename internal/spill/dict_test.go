package spill

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// growingDict builds dictionary columns the way the readers do: entries
// appended to one buffer, each chunk's dictionary a prefix of the next
// (until the buffer is reallocated).
type growingDict struct {
	offs []int64
	data []byte
}

func (g *growingDict) add(rng *rand.Rand, m int) *frame.Column {
	if g.offs == nil {
		g.offs = make([]int64, 1, 8)
	}
	for range m {
		g.data = fmt.Appendf(g.data, "v%d-%d", len(g.offs), rng.IntN(1000))
		g.offs = append(g.offs, int64(len(g.data)))
	}
	d, err := frame.AdoptStrings("dict", g.offs, g.data, nil, 0)
	if err != nil {
		panic(err)
	}
	return d
}

// TestEncoderKeepsDictionaries writes chunks whose String columns are
// dictionary-encoded (a growing shared dictionary, per-chunk dictionaries,
// nulls, a plain column, a renamed column, chunks too small for their
// dictionary) through an Encoder and reads
// them back with a Decoder: every value is the same, the dictionary columns
// stay encoded, the decoded chunks share one dictionary so Concat keeps
// them encoded, and the file is smaller than the plain encoding.
func TestEncoderKeepsDictionaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var g growingDict
	var chunks []*frame.Frame
	for i := range 40 {
		n := 300 + rng.IntN(300)
		if i%9 == 8 {
			n = rng.IntN(3) // tiny chunks: their dictionary is written plain
		}
		dict := g.add(rng, rng.IntN(6)+1)
		codes := make([]uint32, n)
		var valid []uint64
		nulls := 0
		if i%3 == 0 && n > 0 {
			valid = make([]uint64, (n+63)/64)
		}
		for r := range codes {
			if valid != nil && rng.IntN(5) == 0 {
				nulls++
				continue
			}
			if valid != nil {
				valid[r>>6] |= 1 << (r & 63)
			}
			codes[r] = uint32(rng.IntN(dict.Len()))
		}
		if nulls == 0 {
			valid = nil
		}
		shared, err := frame.AdoptDict("shared", codes, dict, valid, nulls)
		if err != nil {
			t.Fatal(err)
		}
		own := make([]string, n)
		plain := make([]string, n)
		x := make([]float64, n)
		for r := range own {
			own[r] = fmt.Sprint("own", rng.IntN(7))
			plain[r] = fmt.Sprint("p", rng.IntN(1e6))
			x[r] = float64(r)
		}
		name := "own"
		if i%7 == 6 {
			name = "own2" // a different column at the same position: a reset
		}
		f := frame.Must(frame.New(shared,
			frame.MustColumn(frame.NewString(name, own, nil)).DictEncode(),
			frame.MustColumn(frame.NewString("plain", plain, nil)),
			frame.NewFloat64("x", x)))
		if i%5 == 4 && n > 10 {
			f = f.Slice(3, n-2)
		}
		chunks = append(chunks, f)
	}
	var withEnc, plainBuf bytes.Buffer
	bw, pw := bufio.NewWriter(&withEnc), bufio.NewWriter(&plainBuf)
	var enc Encoder
	for _, c := range chunks {
		if _, err := enc.Encode(bw, c); err != nil {
			t.Fatal(err)
		}
		if _, err := Encode(pw, c); err != nil {
			t.Fatal(err)
		}
	}
	bw.Flush()
	pw.Flush()
	if withEnc.Len() >= plainBuf.Len() {
		t.Errorf("dictionary encoding wrote %d bytes, plain %d", withEnc.Len(), plainBuf.Len())
	}
	var dec Decoder
	r := bufio.NewReader(&withEnc)
	var got []*frame.Frame
	for {
		f, err := dec.Decode(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chunk %d: %v", len(got), err)
		}
		got = append(got, f)
	}
	if len(got) != len(chunks) {
		t.Fatalf("%d chunks back, wrote %d", len(got), len(chunks))
	}
	dicts := 0
	for i, f := range got {
		if values(f) != values(chunks[i]) || fmt.Sprint(f.Names()) != fmt.Sprint(chunks[i].Names()) {
			t.Fatalf("chunk %d differs", i)
		}
		for j, c := range f.Columns() {
			// a dictionary column stays one (an empty dictionary is written plain)
			if want := canDict(chunks[i].Columns()[j]); c.IsDict() != want {
				t.Fatalf("chunk %d column %d: dictionary %v, want %v", i, j, c.IsDict(), want)
			}
		}
		if f.Columns()[0].IsDict() {
			dicts++
		}
	}
	if dicts < 30 {
		t.Errorf("only %d of %d chunks kept the shared dictionary", dicts, len(got))
	}
	var firsts []*frame.Frame
	for _, f := range got {
		if !f.Columns()[0].IsDict() {
			continue
		}
		s, err := f.Select("shared")
		if err != nil {
			t.Fatal(err)
		}
		firsts = append(firsts, s)
	}
	all, err := frame.Concat(firsts...)
	if err != nil {
		t.Fatal(err)
	}
	if !all.Columns()[0].IsDict() {
		t.Errorf("Concat of the decoded chunks decoded the shared dictionary")
	}
	// the stateless Decode refuses a dictionary chunk instead of misreading it
	var one bytes.Buffer
	ow := bufio.NewWriter(&one)
	var e2 Encoder
	if _, err := e2.Encode(ow, chunks[1]); err != nil {
		t.Fatal(err)
	}
	ow.Flush()
	if _, err := Decode(bufio.NewReader(&one)); err == nil {
		t.Errorf("Decode read a dictionary chunk without a Decoder")
	}
}

// FuzzDecoder: a Decoder never panics on any bytes, and what it decodes
// from a valid prefix is what was written.
func FuzzDecoder(f *testing.F) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	var enc Encoder
	d := frame.MustColumn(frame.NewString("s", []string{"a", "b", "a", "c"}, []bool{true, true, false, true})).DictEncode()
	enc.Encode(w, frame.Must(frame.New(d, frame.NewFloat64("x", []float64{1, 2, 3, 4}))))
	enc.Encode(w, frame.Must(frame.New(d.Rename("s"), frame.NewFloat64("x", []float64{5, 6, 7, 8}))))
	w.Flush()
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:len(buf.Bytes())/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		var dec Decoder
		r := bufio.NewReader(bytes.NewReader(b))
		for range 100 {
			fr, err := dec.Decode(r)
			if err != nil {
				return
			}
			_ = values(fr)
		}
	})
}

// values lists every value of f, row by row.
func values(f *frame.Frame) string {
	var b bytes.Buffer
	for r := range f.NumRows() {
		for _, c := range f.Columns() {
			fmt.Fprintf(&b, "%v|", c.Value(r))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
