package readers

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// keysOf picks about frac of the distinct key tuples of f's columns cols
// (plus tuples that occur nowhere and one with a null), as a frame of
// String columns named k0, k1, ….
func keysOf(t *testing.T, rng *rand.Rand, f *frame.Frame, cols []string, frac float64) *frame.Frame {
	t.Helper()
	kf, err := f.Select(cols...)
	if err != nil {
		t.Fatal(err)
	}
	if kf, err = kf.Distinct(); err != nil {
		t.Fatal(err)
	}
	bs := make([]*frame.StringBuilder, len(cols))
	for i := range bs {
		bs[i] = frame.NewBuilder(frame.String, 0).(*frame.StringBuilder)
	}
	for r := range kf.NumRows() {
		if rng.Float64() >= frac {
			continue
		}
		for i, b := range bs {
			if c := kf.ColumnAt(i); c.IsNull(r) {
				b.AppendNull()
			} else {
				b.Append(c.Str(r))
			}
		}
	}
	for i, b := range bs {
		b.Append(fmt.Sprintf("absent %d", i))
		if i == 0 {
			b.AppendNull()
		} else {
			b.Append("x")
		}
	}
	out := make([]*frame.Column, len(bs))
	for i, b := range bs {
		out[i] = b.Build(fmt.Sprintf("k%d", i))
	}
	k, err := frame.New(out...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestKeyFilterMatchesSemiJoin: reading with Options.Keep gives exactly the
// rows frame.Join(…, frame.Semi) keeps of the unfiltered read, on the fast
// and the slow path, for messy input (quotes, doubled quotes, quoted line
// breaks, NA tokens, blank lines, CRLF), several chunk sizes and key sets.
func TestKeyFilterMatchesSemiJoin(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	defer func(v bool) { fastPathOff = v }(fastPathOff)
	keySets := [][]string{{"s"}, {"s", "e"}, {"e", "q"}}
	for trial := range 30 {
		rows := 1 + rng.IntN(400)
		delim := []byte{',', ';', '\t', '|'}[trial%4]
		in := genMessy(rng, rows, delim)
		base := Options{Delimiter: rune(delim), NA: []string{"*", "#", "**"},
			Types: map[string]frame.Type{"q": frame.String, "e": frame.String, "s": frame.String}}
		for _, extra := range []Options{{}, {ChunkRows: 5}, {TrimSpace: true}, {Raw: true}, {Columns: []string{"g", "e", "s", "q"}}, {Ragged: RaggedPad}} {
			opt := base
			opt.ChunkRows, opt.TrimSpace, opt.Raw, opt.Columns, opt.Ragged = extra.ChunkRows, extra.TrimSpace, extra.Raw, extra.Columns, extra.Ragged
			if opt.Raw {
				opt.Types = nil
			}
			fastPathOff = false
			full, err := readAll(in, opt)
			if err != nil {
				continue // type breaks: covered by TestKeyFilterDroppedRowsNotConverted
			}
			for _, cols := range keySets {
				keys := keysOf(t, rng, full, cols, []float64{0.05, 0.5, 1}[rng.IntN(3)])
				want, err := frame.Join(full, keys, frame.Semi, frame.JoinOn{Left: cols, Right: keys.Names()})
				if err != nil {
					t.Fatal(err)
				}
				for _, slow := range []bool{false, true} {
					fastPathOff = slow
					o := opt
					o.Keep = &KeyFilter{Columns: cols, Keys: keys}
					got, err := readAll(in, o)
					if err != nil {
						t.Fatalf("trial %d, %+v, keys %v, slow %v: %v\ninput:\n%s", trial, extra, cols, slow, err, in)
					}
					if d := sameFrames(got, want); d != "" {
						t.Fatalf("trial %d, %+v, keys %v, slow %v: %s\ninput:\n%s", trial, extra, cols, slow, d, in)
					}
				}
			}
		}
	}
}

// TestKeyFilterFastSkip: on clean input the fast path skips dropped records
// whole, and its structure checks still catch a ragged or badly quoted
// record among the dropped ones, with the unfiltered read's error.
func TestKeyFilterFastSkip(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("code,state,n,v,w\n")
	for r := range 3000 {
		fmt.Fprintf(&sb, "c%d,s%d,\"%d,%03d\",%d.5,\"q \"\"%d\"\"\"\n", r%37, r%5, 1+r%900, r%1000, r, r)
	}
	clean := sb.String()
	keys, err := frame.New(must(frame.NewString("a", []string{"c3", "c4", "c36"}, nil)), must(frame.NewString("b", []string{"s3", "s4", "s1"}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	kf := &KeyFilter{Columns: []string{"code", "state"}, Keys: keys}
	full, err := readAll(clean, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := frame.Join(full, keys, frame.Semi, frame.JoinOn{Left: kf.Columns, Right: keys.Names()})
	if err != nil {
		t.Fatal(err)
	}
	before := fastChunks.Load()
	got, err := readAll(clean, Options{Keep: kf, ChunkRows: 256})
	if err != nil {
		t.Fatal(err)
	}
	if fastChunks.Load() == before {
		t.Fatal("the fast path never ran")
	}
	if d := sameFrames(got, want); d != "" {
		t.Fatal(d)
	}
	if want.NumRows() == 0 || want.NumRows() == full.NumRows() {
		t.Fatalf("%d of %d rows kept: the test needs some of each", want.NumRows(), full.NumRows())
	}
	// broken records among the dropped rows (c0 is not a key)
	for _, bad := range []string{"c0,s0,1,2.5\n", "c0,s0,1,2.5,x,y\n", "c0,s0,\"1\"2,2.5,x\n", "c0,s0,1,2.5,\"open\n"} {
		in := clean[:len(clean)/2] + bad + clean[len(clean)/2:]
		_, werr := readAll(in, Options{})
		_, gerr := readAll(in, Options{Keep: kf})
		if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
			t.Errorf("%q: filtered read error %v, unfiltered %v", bad, gerr, werr)
		}
	}
}

// TestKeyFilterDroppedRowsNotConverted: the fields of a dropped record are
// not converted (so a value breaking its column's type there is no error),
// on both paths; in a kept record it is.
func TestKeyFilterDroppedRowsNotConverted(t *testing.T) {
	defer func(v bool) { fastPathOff = v }(fastPathOff)
	in := "k,n\na,1\nb,oops\na,2\n"
	opt := Options{Types: map[string]frame.Type{"n": frame.Int64}}
	keys, _ := frame.New(must(frame.NewString("k", []string{"a"}, nil)))
	for _, slow := range []bool{false, true} {
		fastPathOff = slow
		o := opt
		o.Keep = &KeyFilter{Columns: []string{"k"}, Keys: keys}
		f, err := readAll(in, o)
		if err != nil || f.NumRows() != 2 || f.ColumnAt(1).Int64(1) != 2 {
			t.Fatalf("slow %v: %v, %v", slow, f, err)
		}
		keysB, _ := frame.New(must(frame.NewString("k", []string{"b"}, nil)))
		o.Keep = &KeyFilter{Columns: []string{"k"}, Keys: keysB}
		if _, err := readAll(in, o); !errors.Is(err, ErrType) {
			t.Fatalf("slow %v: kept type break: %v, want ErrType", slow, err)
		}
	}
}

// TestKeyFilterTypedKeysAndFormats: Int64 keys filter each chunk after
// parsing; bad configurations fail clearly; Files shares one filter.
func TestKeyFilterTypedKeysAndFormats(t *testing.T) {
	in := "id,name\n1,a\n2,b\n3,c\n2,d\n"
	keys, _ := frame.New(must(frame.NewInt64("id", []int64{2, 9}, nil)))
	f, err := readAll(in, Options{Keep: &KeyFilter{Columns: []string{"id"}, Keys: keys}})
	if err != nil || f.NumRows() != 2 || f.ColumnAt(1).Str(0) != "b" || f.ColumnAt(1).Str(1) != "d" {
		t.Fatalf("typed keys: %v, %v", f, err)
	}
	skeys, _ := frame.New(must(frame.NewString("id", []string{"2"}, nil)))
	if _, err := readAll(in, Options{Keep: &KeyFilter{Columns: []string{"id"}, Keys: skeys}}); !errors.Is(err, ErrSchema) {
		t.Errorf("String keys for an Int64 column: %v, want ErrSchema", err)
	}
	if _, err := readAll(in, Options{Columns: []string{"name"}, Keep: &KeyFilter{Columns: []string{"id"}, Keys: keys}}); !errors.Is(err, ErrNoColumn) {
		t.Errorf("key column not read: %v, want ErrNoColumn", err)
	}
	if _, err := readAll(in, Options{Keep: &KeyFilter{Columns: []string{"id", "name"}, Keys: keys}}); !errors.Is(err, ErrSchema) {
		t.Errorf("two columns, one key: %v, want ErrSchema", err)
	}
	// nothing kept: an empty frame with the schema
	none, _ := frame.New(must(frame.NewString("n", []string{"zz"}, nil)))
	f, err = readAll(in, Options{Keep: &KeyFilter{Columns: []string{"name"}, Keys: none}})
	if err != nil || f.NumRows() != 0 || f.NumCols() != 2 {
		t.Fatalf("nothing kept: %v, %v", f, err)
	}
	dir := t.TempDir()
	var paths []string
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("p%d.csv", i))
		if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	kf := &KeyFilter{Columns: []string{"name"}, Keys: must(frame.New(must(frame.NewString("n", []string{"a", "d"}, nil))))}
	f, err = ReadAll(Files(context.Background(), paths, Options{Keep: kf}))
	if err != nil || f.NumRows() != 6 {
		t.Fatalf("files: %v, %v", f, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestKeyFilterOtherFormats: a format without an inline filter has its
// chunks filtered after parsing, with String keys by the shared hash set.
func TestKeyFilterOtherFormats(t *testing.T) {
	RegisterFormat(".keeptest", func(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error] {
		opt.Keep = nil
		opt.ChunkRows = 2
		return CSVFile(ctx, path, opt)
	})
	p := filepath.Join(t.TempDir(), "x.keeptest")
	if err := os.WriteFile(p, []byte("k,v\na,1\nb,2\nc,3\na,4\nb,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	keys := must(frame.New(must(frame.NewString("k", []string{"a", "c"}, nil))))
	f, err := ReadAll(Open(context.Background(), p, Options{Keep: &KeyFilter{Columns: []string{"k"}, Keys: keys}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(frameRows(f)); got != "[[a 1] [c 3] [a 4]]" {
		t.Errorf("got %s", got)
	}
	none := must(frame.New(must(frame.NewString("k", []string{"zz"}, nil))))
	f, err = ReadAll(Open(context.Background(), p, Options{Keep: &KeyFilter{Columns: []string{"k"}, Keys: none}}))
	if err != nil || f.NumRows() != 0 || f.NumCols() != 2 {
		t.Fatalf("nothing kept: %v, %v", f, err)
	}
}

// TestSkipRest: whenever skipRest vouches for the rest of a record, the
// tokenizer parses that record without error, with the same end and field
// count; and it does vouch for well-formed records, at every alignment.
func TestSkipRest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tok := newTokenizer(',', false, 0)
	rd := &csvReader{delim: ',', nfields: 1, cols: []colPlan{{}}}
	fp := newFastPlan(rd)
	alphabet := []string{"a", "b", ",", ",", "\"", "\"\"", "\n", "\r\n", "\r", "123", ",\"x,y\"", ",\"q\"\"r\""}
	vouched, clean := 0, 0
	for trial := range 200000 {
		var sb strings.Builder
		pad := rng.IntN(9)
		sb.WriteString(strings.Repeat("k", pad+1)) // the key field
		wellFormed := trial%2 == 0
		fields := 0
		if wellFormed {
			fields = rng.IntN(8)
			for range fields {
				sb.WriteByte(',')
				switch rng.IntN(4) {
				case 0:
					fmt.Fprintf(&sb, "\"%d,%03d\"", rng.IntN(999), rng.IntN(1000))
				case 1:
					sb.WriteString("\"s \"\"t\"\"\"")
				case 2:
				default:
					fmt.Fprintf(&sb, "%d.%d", rng.IntN(1000), rng.IntN(100))
				}
			}
			sb.WriteString([]string{"\n", "\r\n", ""}[rng.IntN(3)])
		} else {
			for range rng.IntN(12) {
				sb.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
		}
		if s := sb.String(); strings.HasSuffix(s, "\n") || !wellFormed {
			sb.WriteString("z,1\n") // a following record (else: the input's end)
		}
		in := []byte(sb.String())
		p := pad + 1
		for left := range 9 {
			next, ok := fp.skipRest(in, p, left)
			if !ok {
				if wellFormed && left == fields {
					t.Fatalf("%q, left %d: well-formed record not vouched for", in, left)
				}
				continue
			}
			vouched++
			if wellFormed {
				clean++
			}
			end, err := tok.parse(in, 0)
			if lines := countLines(in[p:next]); lines > 1 || (lines == 0 && next != len(in)) {
				t.Fatalf("%q, left %d: skipRest's next %d passes %d line breaks; it counts one", in, left, next, lines)
			}
			if err != nil || end != next || len(tok.fields) != left+1 {
				t.Fatalf("%q, left %d: skipRest says next %d; tokenizer: end %d, %d fields, %v", in, left, next, end, len(tok.fields), err)
			}
		}
	}
	if clean == 0 || vouched == clean {
		t.Fatalf("vouched for %d records, %d well-formed: the test needs both kinds", vouched, clean)
	}
}
