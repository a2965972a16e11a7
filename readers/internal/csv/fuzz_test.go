package csv

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
)

// FuzzCSV round-trips records through encoding/csv's writer (the reference
// quoting) and checks Records and the raw typed reader return them exactly,
// whatever the read size and chunk size.
func FuzzCSV(f *testing.F) {
	f.Add("a,b\n1,2\n", byte(','), uint8(3))
	f.Add("x\"y,\"q\"\"\"\n\"m\nl\",\r\n", byte(';'), uint8(1))
	f.Add("", byte('\t'), uint8(7))
	f.Add("n\x01x\x01s\x00001\x011.5\x01a b\x00-2\x01\x01\"q\"\x00 3\x01.25\x01z,z\x00", byte(','), uint8(2))
	f.Fuzz(func(t *testing.T, seed string, delim byte, chunk uint8) {
		if delim != ',' && delim != ';' && delim != '\t' && delim != '|' {
			delim = ','
		}
		// build records from the seed: split on '\x00' for records, '\x01' for fields
		var recs [][]string
		for _, line := range strings.Split(seed, "\x00") {
			recs = append(recs, strings.Split(line, "\x01"))
		}
		// normalise: a record that is one empty field is a blank line (skipped)
		// unless quoted; encoding/csv writes "" for it only when needed, so skip
		recs = slices.DeleteFunc(recs, func(r []string) bool { return len(r) == 1 && r[0] == "" })
		for _, r := range recs {
			for _, fld := range r {
				if !strings.ContainsRune(fld, 0xFFFD) && !isValidUTF8(fld) {
					return
				}
			}
		}
		if len(recs) == 0 {
			return
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = rune(delim)
		if err := w.WriteAll(recs); err != nil {
			return // the writer rejects some fields
		}
		in := buf.Bytes()
		if bytes.HasPrefix(in, []byte("\xEF\xBB\xBF")) {
			return
		}
		// encoding/csv does not quote a leading space before a quote… it
		// quotes any field with a quote, so the reference is exact; but a
		// field starting with a lone '\r' or '\n' only is fine too.
		var got [][]string
		rcfg := Config{Delimiter: rune(delim)}
		rcfg.tune.readSize = int(chunk%32) + 1
		for rec, err := range Records(context.Background(), bytes.NewReader(in), rcfg) {
			if err != nil {
				t.Fatalf("Records(%q): %v", in, err)
			}
			got = append(got, rec)
		}
		if !slices.EqualFunc(got, recs, slices.Equal) {
			t.Fatalf("Records(%q)\n got %q\nwant %q", in, got, recs)
		}
		// raw typed reader, ragged records extended: every field is kept,
		// fields a record lacks are null
		fcfg := Config{Delimiter: rune(delim), Raw: true, Ragged: RaggedExtend, ChunkRows: int(chunk%5) + 1}
		fcfg.tune.readSize = rcfg.tune.readSize
		fr, err := readAll(string(in), fcfg)
		if err != nil {
			t.Fatalf("CSV(%q): %v", in, err)
		}
		if fr.NumRows() != len(recs)-1 {
			t.Fatalf("CSV(%q): %d rows, want %d", in, fr.NumRows(), len(recs)-1)
		}
		width := 0
		for _, r := range recs {
			width = max(width, len(r))
		}
		if fr.NumCols() != width {
			t.Fatalf("CSV(%q): %d columns, want %d (the widest record)", in, fr.NumCols(), width)
		}
		for i, r := range recs[1:] {
			for k := range fr.NumCols() {
				c := fr.ColumnAt(k)
				if k >= len(r) {
					if !c.IsNull(i) {
						t.Fatalf("CSV(%q) row %d col %d = %q, want null", in, i, k, c.Str(i))
					}
				} else if c.IsNull(i) || c.Str(i) != r[k] {
					t.Fatalf("CSV(%q) row %d col %d = %q, want %q", in, i, k, c.Str(i), r[k])
				}
			}
		}
		// typed: the general, fused and block paths agree (values or errors)
		readBoth(t, string(in), Config{Delimiter: rune(delim), ChunkRows: int(chunk%5) + 1})
		readBoth(t, string(in), Config{Delimiter: rune(delim), Raw: true})
	})
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// FuzzNumber checks the thousands-aware parsers against strconv on the text
// with separators removed: whatever they accept, strconv accepts with the
// same value, and valid grouped numbers are accepted.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"132,588,810", "46,440", "0.1", "-2.00E-02", "1,234.5", "1,5", "12,3456", "1e400", "-0", "9223372036854775808", "inf", "0,1", "135.128.260"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, comma bool) {
		nf := numFmt{thousands: ',', decimal: '.'}
		if comma {
			nf = numFmt{thousands: '.', decimal: ','}
		}
		ref := strings.ReplaceAll(s, string(nf.thousands), "")
		if comma {
			ref = strings.ReplaceAll(ref, ",", ".")
		}
		want, werr := strconv.ParseFloat(ref, 64)
		if got, ok := parseFloat([]byte(s), nf); ok {
			if werr != nil && !isRangeErr(werr) {
				t.Fatalf("parseFloat(%q) = %v, strconv(%q) fails: %v", s, got, ref, werr)
			}
			if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("parseFloat(%q) = %v, strconv(%q) = %v", s, got, ref, want)
			}
		}
		if v, ok := parseInt([]byte(s), nf); ok {
			w, err := strconv.ParseInt(strings.ReplaceAll(s, string(nf.thousands), ""), 10, 64)
			if err != nil || v != w {
				t.Fatalf("parseInt(%q) = %d, strconv = %d, %v", s, v, w, err)
			}
			if fv, ok := parseFloat([]byte(s), nf); !ok || fv != float64(w) {
				t.Fatalf("parseFloat(%q) = %v, %v; int %d", s, fv, ok, w)
			}
		}
		// plain integers (no separators) always parse
		if w, err := strconv.ParseInt(s, 10, 64); err == nil && !strings.HasPrefix(s, "0x") && !strings.Contains(s, "_") {
			if v, ok := parseInt([]byte(s), nf); !ok || v != w {
				t.Fatalf("parseInt(%q) = %d, %v; want %d", s, v, ok, w)
			}
		}
	})
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// FuzzInfer reads arbitrary text typed: it must never panic, and every
// non-null value of a typed column must format back to the value its field
// text denotes (no silent change).
func FuzzInfer(f *testing.F) {
	f.Add("a,b,c\n1,2.5,true\n\"1,234\",x,False\n", uint8(2))
	f.Add("d\n2024-01-31\n2024-02-29 10:00:00\n*\n", uint8(1))
	f.Add("n\n1\n2\n3.5\n", uint8(2))
	f.Fuzz(func(t *testing.T, in string, sample uint8) {
		// sample bit 3: NAAuto (its nulls are not checked: they are nulls)
		opt := Config{SampleRows: int(sample % 8), NA: []string{"*", "#", "**"}, Ragged: RaggedTruncate, ChunkRows: 3, NAAuto: sample&8 != 0}
		var st Stats
		opt.Stats = &st
		fr, err := readAll(in, opt)
		if err != nil {
			return // errors are fine; panics and silent changes are not
		}
		raw, err := readAll(in, Config{Raw: true, Ragged: RaggedTruncate})
		if err != nil {
			t.Fatalf("typed read succeeded but raw failed: %v", err)
		}
		if raw.NumRows() != fr.NumRows() {
			t.Fatalf("typed %d rows, raw %d", fr.NumRows(), raw.NumRows())
		}
		nf := numFormat(&opt)
		for k, c := range fr.Columns() {
			rc := raw.ColumnAt(k)
			for i := range c.Len() {
				if c.IsNull(i) {
					continue
				}
				txt := strings.Trim(rc.Str(i), " \t")
				switch c.Type() {
				case frame.Int64:
					w, ok := parseInt([]byte(txt), nf)
					if !ok || w != c.Int64(i) || !sameDigits(txt, strconv.FormatInt(w, 10)) {
						t.Fatalf("int %d from %q", c.Int64(i), txt)
					}
				case frame.Float64:
					w, err := strconv.ParseFloat(strings.ReplaceAll(txt, ",", ""), 64)
					if err != nil && !isRangeErr(err) {
						t.Fatalf("float %v from %q: %v", c.Float64(i), txt, err)
					}
					if w != c.Float64(i) {
						t.Fatalf("float %v from %q, want %v", c.Float64(i), txt, w)
					}
				case frame.Bool:
					if strconv.FormatBool(c.Bool(i)) != strings.ToLower(txt) {
						t.Fatalf("bool %v from %q", c.Bool(i), txt)
					}
				case frame.Date:
					if got := time.Unix(c.Int64(i)*86400, 0).UTC().Format("2006-01-02"); got != txt {
						t.Fatalf("date %s from %q", got, txt)
					}
				case frame.Datetime:
					want, err := time.Parse(time.RFC3339Nano, strings.Replace(txt, " ", "T", 1))
					if err != nil {
						want, err = time.Parse("2006-01-02T15:04:05.999999999", strings.Replace(txt, " ", "T", 1))
					}
					if err != nil {
						want, err = time.Parse("2006-01-02", txt)
					}
					if err != nil || want.UnixNano() != c.Int64(i) {
						t.Fatalf("datetime %d from %q (%v)", c.Int64(i), txt, err)
					}
				}
			}
		}
	})
}

// sameDigits: the integer text minus separators, sign and leading zeros is
// the formatted value.
func sameDigits(txt, formatted string) bool {
	d := strings.TrimLeft(strings.ReplaceAll(strings.TrimLeft(txt, "+-"), ",", ""), "0")
	f := strings.TrimLeft(strings.TrimLeft(formatted, "-"), "0")
	return d == f
}

var _ = fmt.Sprint

// FuzzDialect reads arbitrary text with a comment prefix, skipped lines
// and RaggedExtend: the raw typed reader keeps exactly the records Records
// yields (every field, nulls where a record is short), by every path.
func FuzzDialect(f *testing.F) {
	f.Add("# c\nid,name\n1,x\n#2,y\n3\n4,5,6\n", "#", uint8(0))
	f.Add("Title\n\"q\"\"\",b\n1,\"2\n3\"\n", "", uint8(1))
	f.Add("//x\n\n//y\na;b\r\n1;2\r\n", "//", uint8(2))
	f.Fuzz(func(t *testing.T, in, comment string, skip uint8) {
		if len(comment) > 3 || strings.ContainsAny(comment, "\r\n\",;\t|") {
			comment = ""
		}
		cfg := Config{Comment: comment, SkipRows: int(skip % 4), Delimiter: ','}
		var recs [][]string
		for rec, err := range Records(context.Background(), strings.NewReader(in), cfg) {
			if err != nil {
				return // quoting errors: covered by FuzzCSV
			}
			recs = append(recs, rec)
		}
		rc := cfg
		rc.Raw, rc.Ragged, rc.ChunkRows = true, RaggedExtend, int(skip%3)+1
		fr, err := readAll(in, rc)
		if len(recs) == 0 {
			if !errors.Is(err, ErrEmpty) {
				t.Fatalf("no records but %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Records gave %d records, the reader %v", len(recs), err)
		}
		width := 0
		for _, r := range recs {
			width = max(width, len(r))
		}
		if fr.NumCols() != width || fr.NumRows() != len(recs)-1 {
			t.Fatalf("%dx%d, want %dx%d", fr.NumRows(), fr.NumCols(), len(recs)-1, width)
		}
		for i, r := range recs[1:] {
			for k := range width {
				c := fr.ColumnAt(k)
				if k < len(r) && (c.IsNull(i) || c.Str(i) != r[k]) || k >= len(r) && !c.IsNull(i) {
					t.Fatalf("row %d col %d: %q (null %v), record %q", i, k, c.Str(i), c.IsNull(i), r)
				}
			}
		}
		readBoth(t, in, rc)
	})
}
