package csv

import (
	"errors"
	"fmt"
	"math/rand/v2"
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

// TestKeyFilterMatchesSemiJoin: reading with Config.Keep gives exactly the
// rows frame.Join(…, frame.Semi) keeps of the unfiltered read, on the fused
// and the general path, for messy input (quotes, doubled quotes, quoted line
// breaks, NA tokens, blank lines, CRLF), several chunk sizes and key sets.
func TestKeyFilterMatchesSemiJoin(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	keySets := [][]string{{"s"}, {"s", "e"}, {"e", "q"}}
	for trial := range 30 {
		rows := 1 + rng.IntN(400)
		delim := []byte{',', ';', '\t', '|'}[trial%4]
		in := genMessy(rng, rows, delim)
		base := Config{Delimiter: rune(delim), NA: []string{"*", "#", "**"},
			Types: map[string]frame.Type{"q": frame.String, "e": frame.String, "s": frame.String}}
		for _, extra := range []Config{{}, {ChunkRows: 5}, {TrimSpace: true}, {Raw: true}, {Columns: []string{"g", "e", "s", "q"}}, {Ragged: RaggedPad}} {
			opt := base
			opt.ChunkRows, opt.TrimSpace, opt.Raw, opt.Columns, opt.Ragged = extra.ChunkRows, extra.TrimSpace, extra.Raw, extra.Columns, extra.Ragged
			if opt.Raw {
				opt.Types = nil
			}
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
					o := opt
					o.tune.noFused = slow
					o.Keep = keySet(t, cols, keys)
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

// TestKeyFilterFastSkip: on clean input the fused path skips dropped records
// whole, and its structure checks still catch a ragged or badly quoted
// record among the dropped ones, with the unfiltered read's error.
func TestKeyFilterFastSkip(t *testing.T) {
	t.Parallel()
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
	kf := keySet(t, []string{"code", "state"}, keys)
	full, err := readAll(clean, Config{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := frame.Join(full, keys, frame.Semi, frame.JoinOn{Left: kf.Columns, Right: keys.Names()})
	if err != nil {
		t.Fatal(err)
	}
	var st Stats
	got, err := readAll(clean, Config{Keep: kf, ChunkRows: 256, Stats: &st})
	if err != nil {
		t.Fatal(err)
	}
	if st.Chunks[pathFused] == 0 {
		t.Fatal("the fused path never ran")
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
		_, werr := readAll(in, Config{})
		_, gerr := readAll(in, Config{Keep: kf})
		if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
			t.Errorf("%q: filtered read error %v, unfiltered %v", bad, gerr, werr)
		}
	}
}

// TestKeyFilterDroppedRowsNotConverted: the fields of a dropped record are
// not converted (so a value breaking its column's type there is no error),
// on both paths; in a kept record it is.
func TestKeyFilterDroppedRowsNotConverted(t *testing.T) {
	in := "k,n\na,1\nb,oops\na,2\n"
	opt := Config{Types: map[string]frame.Type{"n": frame.Int64}}
	keys, _ := frame.New(must(frame.NewString("k", []string{"a"}, nil)))
	for _, slow := range []bool{false, true} {
		o := opt
		o.tune.noFused = slow
		o.Keep = keySet(t, []string{"k"}, keys)
		f, err := readAll(in, o)
		if err != nil || f.NumRows() != 2 || f.ColumnAt(1).Int64(1) != 2 {
			t.Fatalf("slow %v: %v, %v", slow, f, err)
		}
		keysB, _ := frame.New(must(frame.NewString("k", []string{"b"}, nil)))
		o.Keep = keySet(t, []string{"k"}, keysB)
		if _, err := readAll(in, o); !errors.Is(err, ErrType) {
			t.Fatalf("slow %v: kept type break: %v, want ErrType", slow, err)
		}
	}
}

// TestKeyFilterTypedKeys: Int64 keys filter each chunk after parsing; bad
// configurations fail clearly.
func TestKeyFilterTypedKeys(t *testing.T) {
	in := "id,name\n1,a\n2,b\n3,c\n2,d\n"
	keys, _ := frame.New(must(frame.NewInt64("id", []int64{2, 9}, nil)))
	f, err := readAll(in, Config{Keep: keySet(t, []string{"id"}, keys)})
	if err != nil || f.NumRows() != 2 || f.ColumnAt(1).Str(0) != "b" || f.ColumnAt(1).Str(1) != "d" {
		t.Fatalf("typed keys: %v, %v", f, err)
	}
	skeys, _ := frame.New(must(frame.NewString("id", []string{"2"}, nil)))
	if _, err := readAll(in, Config{Keep: keySet(t, []string{"id"}, skeys)}); !errors.Is(err, ErrSchema) {
		t.Errorf("String keys for an Int64 column: %v, want ErrSchema", err)
	}
	if _, err := readAll(in, Config{Columns: []string{"name"}, Keep: keySet(t, []string{"id"}, keys)}); !errors.Is(err, ErrNoColumn) {
		t.Errorf("key column not read: %v, want ErrNoColumn", err)
	}
	if _, err := NewKeySet([]string{"id", "name"}, keys); !errors.Is(err, ErrSchema) {
		t.Errorf("two columns, one key: %v, want ErrSchema", err)
	}
	// nothing kept: an empty frame with the schema
	none, _ := frame.New(must(frame.NewString("n", []string{"zz"}, nil)))
	f, err = readAll(in, Config{Keep: keySet(t, []string{"name"}, none)})
	if err != nil || f.NumRows() != 0 || f.NumCols() != 2 {
		t.Fatalf("nothing kept: %v, %v", f, err)
	}
}

// keySet compiles a key set or fails the test.
func keySet(t *testing.T, cols []string, keys *frame.Frame) *KeySet {
	t.Helper()
	ks, err := NewKeySet(cols, keys)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestSkipRest: whenever skipRest vouches for the rest of a record, the
// tokenizer parses that record without error, with the same end and field
// count; and it does vouch for well-formed records, at every alignment.
func TestSkipRest(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	tok := newTokenizer(',', false, nil)
	rd := &reader{delim: ',', nfields: 1, hdrFields: 1, cols: []colPlan{{}}}
	fp := newFusedPlan(rd)
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
