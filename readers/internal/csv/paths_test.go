package csv

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// sameFrames reports how two frames differ (values compared exactly: float
// bits, string bytes, null flags, null counts), or "".
func sameFrames(a, b *frame.Frame) string {
	if a.NumRows() != b.NumRows() || a.NumCols() != b.NumCols() {
		return fmt.Sprintf("shape %dx%d vs %dx%d", a.NumRows(), a.NumCols(), b.NumRows(), b.NumCols())
	}
	for k := range a.NumCols() {
		x, y := a.ColumnAt(k), b.ColumnAt(k)
		if x.Name() != y.Name() || x.Type() != y.Type() || x.NullCount() != y.NullCount() {
			return fmt.Sprintf("column %d: %s %v (%d nulls) vs %s %v (%d nulls)", k, x.Name(), x.Type(), x.NullCount(), y.Name(), y.Type(), y.NullCount())
		}
		for i := range x.Len() {
			if x.IsNull(i) != y.IsNull(i) {
				return fmt.Sprintf("column %s row %d: null %v vs %v", x.Name(), i, x.IsNull(i), y.IsNull(i))
			}
			if x.IsNull(i) {
				continue
			}
			same := true
			switch x.Type() {
			case frame.Float64:
				same = math.Float64bits(x.Float64(i)) == math.Float64bits(y.Float64(i))
			case frame.String:
				same = x.Str(i) == y.Str(i)
			case frame.Bool:
				same = x.Bool(i) == y.Bool(i)
			default:
				same = x.Int64(i) == y.Int64(i)
			}
			if !same {
				return fmt.Sprintf("column %s row %d: %v vs %v", x.Name(), i, x.Value(i), y.Value(i))
			}
		}
	}
	return ""
}

// readBoth reads in by the general path, the fused path and the block path
// (forced even without the vector masks) and requires the same frames or
// the same errors. It returns the chunks each path parsed.
func readBoth(t *testing.T, in string, opt Config) (chunks [nPaths]int64) {
	t.Helper()
	plain := opt
	plain.NoDict = true
	plain.tune.noFused = true
	want, werr := readAll(in, plain)
	// each path plain, with dictionaries where the sample repeats, with a
	// dictionary for every String column, and with dictionaries that fill
	// up after three entries (later chunks plain)
	for _, path := range []string{"general", "fused", "block"} {
		for _, dict := range dictModes() {
			o := opt
			o.tune.noFused = path == "general"
			o.tune.noBlock, o.tune.forceBlock = path == "fused", path == "block"
			o.NoDict = dict == "off"
			o.tune.forceDict = dict == "force" || dict == "full"
			if dict == "full" {
				o.tune.dictMax = 3
			}
			var st Stats
			o.Stats = &st
			got, gerr := readAll(in, o)
			for i, n := range st.Chunks {
				chunks[i] += n
			}
			if (path != "block" && st.Chunks[pathBlock] > 0) || (path == "general" && st.Chunks[pathFused] > 0) {
				t.Fatalf("opt %+v: %s path: chunks by path %v", opt, path, st.Chunks)
			}
			if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
				t.Fatalf("opt %+v: %s path (dictionaries %s) error %v, general path %v\ninput:\n%s", opt, path, dict, gerr, werr, in)
			}
			if werr != nil {
				continue
			}
			if d := sameFrames(got, want); d != "" {
				t.Fatalf("opt %+v: %s path (dictionaries %s) and plain general path differ: %s\ninput:\n%s", opt, path, dict, d, in)
			}
			for _, c := range got.Columns() {
				if got.NumRows() > 0 && c.Type() == frame.String && c.IsDict() != (dict == "force") && dict != "auto" && dict != "full" {
					t.Fatalf("opt %+v: %s path (dictionaries %s): column %s IsDict %v", opt, path, dict, c.Name(), c.IsDict())
				}
			}
		}
	}
	return chunks
}

// dictModes are the dictionary settings readBoth tries (fewer with -short,
// which CI runs under the race detector).
func dictModes() []string {
	if testing.Short() {
		return []string{"auto", "full"}
	}
	return []string{"off", "auto", "force", "full"}
}

// genMessy writes a CSV of typed-looking columns with the awkward cases the
// fused path must hand to the generic route or the general path.
func genMessy(rng *rand.Rand, rows int, delim byte) string {
	var sb strings.Builder
	d := string(delim)
	sb.WriteString(strings.Join([]string{"i", "f", "g", "s", "b", "dt", "q", "e"}, d) + "\n")
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	for r := range rows {
		nl := "\n"
		if rng.IntN(50) == 0 {
			nl = "\r\n"
		}
		if rng.IntN(80) == 0 {
			sb.WriteString(nl) // blank line
		}
		i := pick(fmt.Sprint(rng.IntN(1000)-500), "-0", "007", "", "*", " 12 ", "123456789012345678", "9223372036854775807", "\"1,234\"", "NA")
		f := pick(fmt.Sprintf("%.*f", rng.IntN(6), rng.NormFloat64()*1000), "1e5", ".5", "5.", "-.25", "", "#", "NaN", "\"2,345.5\"",
			"0.1000000000000001", "123456789012345.6", "1234567890123456", "-0.0", " 3.5", "inf", "12345678901234567890")
		g := pick("\"132,588,810\"", "\"46,440\"", "\" 46,440 \"", "880", "**", "\"1,000\"")
		s := pick("plain", "\"quoted, comma\"", "\"say \"\"hi\"\"\"", "\"multi\nline\"", "", " pad ", "NA", "x"+fmt.Sprint(r))
		b := pick("true", "FALSE", "", "TRUE")
		dt := pick("2024-02-29", "2024-02-29 13:45:00", "", "1970-01-01T00:00:00.5+02:00")
		q := pick("\"7\"", "8", "\"\"", "9")
		e := pick("x", "", "\"\"\"\"")
		sb.WriteString(strings.Join([]string{i, f, g, s, b, dt, q, e}, d) + nl)
	}
	return sb.String()
}

// TestPathsMatch: the fused and block paths give exactly the general path's
// frames and errors.
func TestPathsMatch(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 9))
	opts := []Config{
		{},
		{NA: []string{"*", "#", "**"}},
		{NA: []string{"*", "#", "**"}, TrimSpace: true},
		{NA: []string{"*", "#", "**", "0"}},
		{Raw: true},
		{NA: []string{"*", "#", "**"}, Columns: []string{"s", "g", "f"}},
		{NA: []string{"*", "#", "**"}, Types: map[string]frame.Type{"i": frame.String, "g": frame.Float64, "q": frame.Int64}},
		{NA: []string{"*", "#", "**"}, Types: map[string]frame.Type{"i": frame.Float64, "f": frame.String}, SampleRows: 5},
		{NA: []string{"*", "#", "**"}, NoDefaultNA: true},
		{NA: []string{"*", "#", "**"}, Ragged: RaggedPad},
		{NA: []string{"*", "#", "**"}, Ragged: RaggedExtend},
		{NAAuto: true},
		{NAAuto: true, SampleRows: 3},
		{NA: []string{"*", "#", "**"}, ChunkRows: 7},
	}
	var chunks [nPaths]int64
	add := func(c [nPaths]int64) {
		for i, n := range c {
			chunks[i] += n
		}
	}
	for trial := range 40 {
		rows := 1 + rng.IntN(300)
		delim := []byte{',', ';', '\t', '|'}[trial%4]
		in := genMessy(rng, rows, delim)
		for _, opt := range opts {
			opt.Delimiter = rune(delim)
			c := readBoth(t, in, opt)
			add(c)
			if trial == 0 {
				t.Logf("%+v: %d fused chunks", opt, c[pathFused])
			}
		}
		// clean typed columns only, so the fused path really runs
		var sb strings.Builder
		sb.WriteString("a,b,c,d\n")
		for r := range rows {
			fmt.Fprintf(&sb, "%d,%.*f,\"%d,%03d\",name %d\n", rng.IntN(1e6)-5e5, rng.IntN(5), rng.NormFloat64()*1e4, 1+rng.IntN(999), rng.IntN(1000), r)
		}
		for _, opt := range []Config{{}, {ChunkRows: 3}, {Columns: []string{"d", "b"}}, {Raw: true}} {
			add(readBoth(t, sb.String(), opt))
		}
	}
	if chunks[pathFused] == 0 {
		t.Fatal("the fused path never ran")
	}
	if chunks[pathBlock] == 0 {
		t.Fatal("the block path never ran")
	}
	t.Logf("chunks by path (general, fused, block): %v", chunks)
	// ragged and badly quoted inputs
	for _, in := range []string{"a,b\n1,2\n3\n", "a,b\n1,2\n3,4,5\n", "a,b\n1,\"x\"y\n", "a,b\n1,\"open\n", "a,b\n1,5'10\"\n2,3\n", "a,b\n1,2.5\n", "a\n1\n\n2\n", "a,b\r1,2\r3,4"} {
		for _, opt := range []Config{{}, {Types: map[string]frame.Type{"b": frame.Int64}}, {Ragged: RaggedSkip}, {Ragged: RaggedPad}, {Ragged: RaggedTruncate}, {Ragged: RaggedExtend}, {LazyQuotes: true}} {
			readBoth(t, in, opt)
		}
	}
}

// TestCollectMode: Collect of a file (whole-file arrays written in place by
// the workers) equals reading the same bytes as a stream, also when
// blank lines, a slow-path chunk, a stray-quote restart or a fresh tail of
// longer rows upset the splitter's row predictions, and when a dictionary
// column fills its dictionary (later chunks plain).
func TestCollectMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	cases := map[string]func(i int, sb *strings.Builder){
		"clean": func(i int, sb *strings.Builder) {},
		"blank": func(i int, sb *strings.Builder) {
			if i%997 == 5 {
				sb.WriteString("\n")
			}
		},
		"slowchunk": func(i int, sb *strings.Builder) {
			if i == 4321 {
				sb.WriteString("1,2.5,\"3\",x,true,st1,extra\n") // ragged: padded by the slow path
			}
		},
		"stray": func(i int, sb *strings.Builder) {
			if i == 7000 {
				sb.WriteString("5,1.5,\"2\",5'10\",false,st2\n")
			}
		},
		"longtail": func(i int, sb *strings.Builder) {
			if i > 15000 {
				sb.WriteString(fmt.Sprintf("%d,%d.25,\"1,234\",%s,true,st%d\n", i, i, strings.Repeat("long", 40), i%7))
			}
		},
		"dictfull": func(i int, sb *strings.Builder) {
			if i > 12000 {
				sb.WriteString(fmt.Sprintf("%d,1.5,\"2\",x,false,new%d\n", i, i)) // the dictionary of f fills up
			}
		},
	}
	for name, extra := range cases {
		var sb strings.Builder
		sb.WriteString("a,b,c,d,e,f\n")
		for i := range 20000 {
			extra(i, &sb)
			// d: unique strings (a recycled buffer reused too early
			// shows); f: repeated, so dictionary-encoded
			fmt.Fprintf(&sb, "%d,%.2f,\"%d,%03d\",s%d,%v,st%d\n", rng.IntN(1e6), rng.NormFloat64()*100, 1+rng.IntN(99), rng.IntN(1000), i, i%3 == 0, rng.IntN(40))
			if i%50 == 0 {
				sb.WriteString("*,#,**,,,\n")
			}
		}
		path := dir + "/" + name + ".csv"
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		for i, opt := range []Config{{ChunkRows: 1000}, {ChunkRows: 777, Columns: []string{"c", "a"}}, {ChunkRows: 1 << 12}, {ChunkRows: 1000}, {ChunkRows: 500, Raw: true}} {
			opt.tune.mapMin = 1 // mapped
			if i >= 3 {
				opt.tune.mapMin = -1 // read
			}
			opt.NA = []string{"*", "#", "**"}
			opt.Ragged = RaggedTruncate
			if name == "dictfull" {
				opt.tune.dictMax = 1000
			}
			var st Stats
			opt.Stats = &st
			got, err := collectFile(path, opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.Stats = nil
			plain := opt
			plain.NoDict = true
			want, err := readAll(sb.String(), plain)
			if err != nil {
				t.Fatal(err)
			}
			if d := sameFrames(got, want); d != "" {
				t.Fatalf("%s %+v: collect mode differs: %s", name, opt, d)
			}
			if f, err := got.Column("f"); err == nil && !opt.Raw && f.IsDict() != (name != "dictfull") {
				t.Fatalf("%s %+v: column f IsDict %v", name, opt, f.IsDict())
			}
			if name == "clean" && opt.ChunkRows == 1000 && st.Collected < 4 {
				t.Fatalf("%s: collect mode never engaged", name)
			}
			t.Logf("%s chunk %d: %d columns collected", name, opt.ChunkRows, st.Collected)
			// stop early: the mapping must outlive every goroutine
			n := 0
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range ReadFile(context.Background(), fh, int64(sb.Len()), opt) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 2 {
					break
				}
			}
			fh.Close()
		}
	}
}

// TestQuotedInt: whatever the inline quoted-integer parser accepts,
// parseInt accepts with the same value.
func TestQuotedInt(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []byte("0123456789,,,--\" .+")
	for range 200000 {
		m := rng.IntN(16)
		b := make([]byte, m)
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		in := append(append([]byte{}, b...), '"', ',')
		for _, sep := range []byte{',', '.', 0} {
			v, e, ok := quotedInt(in, 0, sep)
			if !ok {
				continue
			}
			want, wok := parseInt(in[:e-1], numFmt{thousands: sep, decimal: '.'})
			if !wok || want != v {
				t.Fatalf("quotedInt(%q, %q) = %d, parseInt = %d %v", in, sep, v, want, wok)
			}
		}
	}
	for _, s := range []string{"1,234\"", "132,588,810\"", "-5\"", "999999999999999999\""} {
		if _, _, ok := quotedInt([]byte(s), 0, ','); !ok {
			t.Fatalf("quotedInt(%q) rejected", s)
		}
	}
}

// TestSWARDecimal: the 8-byte decimal reader agrees with parseFloat on
// every input it accepts, and accepts the plain short decimals.
func TestSWARDecimal(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	alpha := []byte("0123456789..,\"-e x\n")
	for range 300000 {
		var b [8]byte
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		x := uint64(0)
		for i := 7; i >= 0; i-- {
			x = x<<8 | uint64(b[i])
		}
		m, l, fr, ok := swarDecimal(x)
		if !ok {
			continue
		}
		want, wok := parseFloat(b[:l], numFmt{decimal: '.'})
		got := float64(m)
		if fr > 0 {
			got /= pow10f[fr]
		}
		if !wok || want != got {
			t.Fatalf("swarDecimal(%q) = %d, %d, %d → %v; parseFloat(%q) = %v %v", b[:], m, l, fr, got, b[:l], want, wok)
		}
	}
	for _, s := range []string{"28.68,xxx", "0.9\n......", "1234567,x", "5.,aaaaaa", ".5,aaaaaa", "86.577,aa"} {
		var x uint64
		for i := 7; i >= 0; i-- {
			x = x<<8 | uint64(s[i])
		}
		if _, _, _, ok := swarDecimal(x); !ok {
			t.Fatalf("swarDecimal(%q) rejected", s)
		}
	}
}

// TestSWARQuotedInt: the 8-byte quoted-integer reader agrees with
// quotedInt (itself checked against parseInt) whenever it accepts.
func TestSWARQuotedInt(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 9))
	alpha := []byte("0123456789,,\".-x \x00")
	for range 300000 {
		var b [8]byte
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		x := uint64(0)
		for i := 7; i >= 0; i-- {
			x = x<<8 | uint64(b[i])
		}
		for _, sep := range []byte{',', '.', 0} {
			v, l, ok := swarQuotedInt(x, sep)
			if !ok || (l+1 < 8 && b[l+1] == '"') {
				continue // the caller rejects a doubled quote (not a terminator)
			}
			in := append(b[:], ',')
			want, e, wok := quotedInt(in, 0, sep)
			if !wok || want != int64(v) || e != l+1 {
				t.Fatalf("swarQuotedInt(%q, %q) = %d, %d; quotedInt = %d, %d, %v", b[:], sep, v, l, want, e, wok)
			}
		}
	}
	for _, s := range []string{"137,869\"", "9,648\",x", "880\",xxxx", "1234567\""} {
		var x uint64
		for i := 7; i >= 0; i-- {
			x = x<<8 | uint64(s[i])
		}
		if _, _, ok := swarQuotedInt(x, ','); !ok {
			t.Fatalf("swarQuotedInt(%q) rejected", s)
		}
	}
}

// TestFusedPathLineNumbers: the fused path counts line breaks while parsing
// (terminators, blank lines, CRLF, breaks inside quoted fields); errors
// after many fused chunks name the same line as the general path's countLines.
func TestFusedPathLineNumbers(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	var fused int64
	for trial := range 30 {
		in := genMessy(rng, 50+rng.IntN(300), ',')
		in += "1,2,3\n" // ragged: the error names its line
		for _, opt := range []Config{
			{ChunkRows: 7, Types: map[string]frame.Type{"i": frame.String, "f": frame.String, "g": frame.String, "b": frame.String, "dt": frame.String, "q": frame.String}},
			{ChunkRows: 16, Raw: true},
			{ChunkRows: 5, Raw: true, Columns: []string{"e", "q"}},
		} {
			fused += readBoth(t, in, opt)[pathFused]
			_, err := readAll(in, opt)
			last := strings.Count(in, "\n") + strings.Count(in, "\r") - strings.Count(in, "\r\n")
			var pe *Error
			if !errors.As(err, &pe) || pe.Line != last {
				t.Fatalf("trial %d: error %v, want a ParseError on the last line (%d)", trial, err, last)
			}
		}
	}
	if fused == 0 {
		t.Fatal("the fused path never ran")
	}
}

// TestSWARField: the block path's inline number loops (blockFloats,
// blockInts) against strconv on every short field of digits, '.', '-' and
// one other byte: what they accept (one field, no fallback) they read
// exactly, and they accept every plain decimal (floats) or integer (ints)
// of up to 8 characters.
func TestSWARField(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(21, 22))
	alpha := "0123456789.-x"
	accepted := 0
	for range 200000 {
		l := 1 + rng.IntN(8)
		buf := make([]byte, 8)
		for i := range buf {
			buf[i] = alpha[rng.IntN(len(alpha))]
		}
		if rng.IntN(2) == 0 {
			// mostly digits, an optional sign and dot
			for i := range buf {
				buf[i] = '0' + byte(rng.IntN(10))
			}
			if rng.IntN(3) == 0 {
				buf[0] = '-'
			}
			if rng.IntN(2) == 0 {
				buf[rng.IntN(l)] = '.'
			}
		}
		f := string(buf[:l])
		// the field, its terminator, and the rest of the 8 loaded bytes
		b := append(append(append([]byte{}, buf[:l]...), ','), buf[l:]...)
		pos := []int32{-1, int32(l)}
		body := strings.TrimPrefix(f, "-")
		plain := body != "" && strings.Count(body, ".") <= 1 && strings.Trim(body, "0123456789.") == "" && body != "."
		for _, dot := range []bool{false, true} {
			var got float64
			var ok bool
			if dot {
				dst := []float64{0}
				ok = blockFloats(dst, b, pos, 0, 1, false) == 1
				got = dst[0]
			} else {
				dst := []int64{0}
				ok = blockInts(dst, b, pos, 0, 1, false, ',') == 1
				got = float64(dst[0])
			}
			valid := plain && (dot || !strings.Contains(body, "."))
			if valid && !ok {
				t.Fatalf("%q (dot %v) rejected", f, dot)
			}
			if !ok {
				continue
			}
			if !valid {
				t.Fatalf("%q (dot %v) accepted as %v", f, dot, got)
			}
			accepted++
			want, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%q: %v", f, err)
			}
			if math.Float64bits(got) != math.Float64bits(want) && !(got == 0 && want == 0) {
				t.Fatalf("%q (dot %v) = %v, want %v", f, dot, got, want)
			}
		}
	}
	if accepted == 0 {
		t.Fatal("nothing accepted")
	}
}

// TestBlockQuotedInts: blockInts on quoted fields (the inline grouped-integer
// parse and its scalar fallback) agrees with parseInt: the same values, and
// it accepts every quoted integer parseInt accepts with strict grouping.
func TestBlockQuotedInts(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	alpha := "0123456789,,-x"
	for range 100000 {
		body := make([]byte, 1+rng.IntN(10))
		for i := range body {
			body[i] = alpha[rng.IntN(len(alpha))]
		}
		if rng.IntN(2) == 0 {
			// a well-grouped number
			body = []byte(groupDigits(rng.Int64N(1e9)))
		}
		b := append(append([]byte{'"'}, body...), '"', ',', '1', '2', '3', '4', '5', '6', '7', '8', '9')
		pos := []int32{-1, int32(len(body) + 2)}
		dst := []int64{0}
		ok := blockInts(dst, b, pos, 0, 1, false, ',') == 1
		want, wok := parseInt(body, numFmt{thousands: ',', decimal: '.'})
		if ok && (!wok || want != dst[0]) {
			t.Fatalf("blockInts(%q) = %d; parseInt = %d %v", b[:len(body)+2], dst[0], want, wok)
		}
		if wok && !ok && !strings.HasPrefix(string(body), "-") {
			t.Fatalf("blockInts(%q) rejected; parseInt = %d", b[:len(body)+2], want)
		}
	}
}

func groupDigits(v int64) string {
	s := strconv.FormatInt(v, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// collectFile reads the file at path with Collect.
func collectFile(path string, cfg Config) (*frame.Frame, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return Collect(context.Background(), f, st.Size(), cfg)
}
