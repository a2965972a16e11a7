package frame

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{129600000, "129600000"},
		{2000000, "2000000"},
		{0.63217, "0.63217"},
		{0.1, "0.1"},
		{-2.5, "-2.5"},
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{1e15, "1000000000000000"},
		{9999999999999998, "9999999999999998"},
		{1e16, "1e+16"},
		{1.5e16, "1.5e+16"},
		{1e21, "1e+21"},
		{0.000001, "0.000001"},
		{0.0000012345, "0.0000012345"},
		{1e-7, "1e-07"},
		{-1.5e-7, "-1.5e-07"},
		{123456789.123, "123456789.123"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
	} {
		if got := string(AppendFloat(nil, tc.v)); got != tc.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestAppendFloatProperty checks on random floats of every magnitude that the
// text reads back exactly, has the digits of the shortest form, and uses an
// exponent exactly outside [1e-6, 1e16).
func TestAppendFloatProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		v := math.Float64frombits(r.Uint64())
		if r.IntN(2) == 0 {
			v = (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(40)-20))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		s := string(AppendFloat(nil, v))
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || back != v {
			t.Fatalf("%v → %q → %v, %v", v, s, back, err)
		}
		a := math.Abs(v)
		plain := a == 0 || (a >= 1e-6 && a < 1e16)
		if strings.ContainsRune(s, 'e') == plain {
			t.Fatalf("%v → %q: exponent form %v, want %v", v, s, !plain, !plain)
		}
		// the same significant digits as the shortest 'e' form
		if got, want := sigDigits(s), sigDigits(strconv.FormatFloat(v, 'e', -1, 64)); got != want {
			t.Fatalf("%v → %q: digits %s, shortest %s", v, s, got, want)
		}
		if !json.Valid([]byte(s)) {
			t.Fatalf("%v → %q is not a JSON number", v, s)
		}
	}
}

// sigDigits returns the significant digits of a decimal text.
func sigDigits(s string) string {
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(s), "0")
	return strings.TrimRight(s, "0")
}

func TestMarshalJSONGolden(t *testing.T) {
	f := Must(New(
		MustColumn(NewInt64("id", []int64{1, -2, 3}, []bool{true, true, false})),
		NewFloat64("x", []float64{129600000, math.Inf(1), 1e-7}),
		MustColumn(NewString("name", []string{"plain", "q\"uote\\ <&> \n\t\x01 \u2028 \xff", ""}, []bool{true, true, false})),
		MustColumn(NewBool("ok", []bool{true, false, true}, nil)),
		MustColumn(NewDate("day", []int64{0, 19000, -1}, nil)),
		MustColumn(NewDatetime("at", []int64{0, 1_500_000_000, 1709296200_500_000_000}, nil)),
	))
	got, err := f.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"id":1,"x":129600000,"name":"plain","ok":true,"day":"1970-01-01","at":"1970-01-01T00:00:00Z"},` +
		`{"id":-2,"x":null,"name":"q\"uote\\ <&> \n\t\u0001 \u2028 \ufffd","ok":false,"day":"2022-01-08","at":"1970-01-01T00:00:01.5Z"},` +
		`{"id":null,"x":1e-07,"name":null,"ok":true,"day":"1969-12-31","at":"2024-03-01T12:30:00.5Z"}]`
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// json.Marshal gives the same JSON (it escapes <, > and & itself)
	if viaJSON, _ := json.Marshal(f); string(viaJSON) != strings.NewReplacer(`<`, `\u003c`, `>`, `\u003e`, `&`, `\u0026`).Replace(string(got)) {
		t.Fatalf("json.Marshal: %s", viaJSON)
	}
	// encoding/json reads the same values back
	var recs []map[string]any
	if err := json.Unmarshal(got, &recs); err != nil {
		t.Fatal(err)
	}
	if recs[1]["name"] != "q\"uote\\ <&> \n\t\x01 \u2028 \ufffd" || recs[2]["x"] != 1e-7 || recs[0]["x"] != 129600000.0 {
		t.Fatalf("decoded %v", recs)
	}
	empty, _ := json.Marshal(Must(New(MustColumn(NewInt64("a", nil, nil)))))
	if string(empty) != "[]" {
		t.Fatalf("empty frame: %s", empty)
	}
	var nilFrame *Frame
	if b, _ := json.Marshal(nilFrame); string(b) != "null" {
		t.Fatalf("nil frame: %s", b)
	}
}

// expectedJSONType is the type UnmarshalJSON should infer for the JSON form
// of column c (a reference written from the rules, independent of
// JSONKinds).
func expectedJSONType(c *Column) Type {
	nonNull := 0
	allIntegral := true
	allDates := true
	for i := range c.Len() {
		if c.IsNull(i) {
			continue
		}
		switch c.Type() {
		case Float64:
			v := c.Float64(i)
			if math.IsInf(v, 0) {
				continue // written as null
			}
			if v != math.Trunc(v) || math.Abs(v) >= 1e16 {
				allIntegral = false
			}
		case String:
			if _, err := time.Parse("2006-01-02", c.Str(i)); err != nil {
				allDates = false
			}
		}
		nonNull++
	}
	switch {
	case nonNull == 0:
		return String
	case c.Type() == Float64 && allIntegral:
		return Int64
	case c.Type() == String && allDates:
		return Date
	}
	return c.Type()
}

// TestJSONRoundTrip: json.Unmarshal(json.Marshal(f)) gives f back, with the
// types the JSON text implies, on random frames with nulls.
func TestJSONRoundTrip(t *testing.T) {
	r := newRand(7)
	for iter := range 300 {
		f := randFrame(r, randSize(r))
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var g Frame
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatalf("iter %d: %v\n%s", iter, err, b)
		}
		if f.NumRows() == 0 {
			if g.NumCols() != 0 || g.NumRows() != 0 {
				t.Fatalf("iter %d: empty frame read back as %v", iter, &g)
			}
			continue
		}
		if g.NumRows() != f.NumRows() || g.NumCols() != f.NumCols() {
			t.Fatalf("iter %d: shape %dx%d, want %dx%d", iter, g.NumRows(), g.NumCols(), f.NumRows(), f.NumCols())
		}
		for k, a := range f.cols {
			c := g.cols[k]
			if c.Name() != a.Name() || c.Type() != expectedJSONType(a) {
				t.Fatalf("iter %d: column %d is %s %v, want %s %v", iter, k, c.Name(), c.Type(), a.Name(), expectedJSONType(a))
			}
			for i := range a.Len() {
				wantNull := a.IsNull(i) || a.Type() == Float64 && math.IsInf(a.Float64(i), 0)
				if c.IsNull(i) != wantNull {
					t.Fatalf("iter %d: %s row %d null %v, want %v", iter, a.Name(), i, c.IsNull(i), wantNull)
				}
				if wantNull {
					continue
				}
				var same bool
				switch {
				case a.Type() == Float64 && c.Type() == Int64:
					same = float64(c.Int64(i)) == a.Float64(i)
				case a.Type() == Float64:
					same = c.Float64(i) == a.Float64(i)
				case a.Type() == String && c.Type() == Date:
					same = FormatValue(c, i) == a.Str(i)
				case c.Type() == String:
					same = c.Str(i) == strings.ToValidUTF8(FormatValue(a, i), "\ufffd")
				default:
					same = FormatValue(c, i) == FormatValue(a, i)
				}
				if !same {
					t.Fatalf("iter %d: %s row %d: %q, want %q", iter, a.Name(), i, FormatValue(c, i), FormatValue(a, i))
				}
			}
		}
	}
}

func TestUnmarshalJSONRules(t *testing.T) {
	in := `[
	  {"a": 1, "b": 1.0, "c": "2024-01-31", "d": "2024-01-31", "e": {"x": [1, 2]}, "f": 1, "g": true},
	  {"b": 2, "c": "2024-02-01", "d": "2024-02-01T10:00:00+02:00", "e": null, "f": "x", "h": null},
	  {"a": 9223372036854775807, "c": null, "d": "2024-02-01 08:00:00.25", "e": [ ], "f": false, "a": 3}
	]`
	var f Frame
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"a int64 [1 null 3]\n" +
		"b float64 [1 2 null]\n" +
		"c date [2024-01-31 2024-02-01 null]\n" +
		"d datetime [2024-01-31T00:00:00Z 2024-02-01T08:00:00Z 2024-02-01T08:00:00.25Z]\n" +
		"e string [{\"x\":[1,2]} null []]\n" +
		"f string [1 x false]\n" +
		"g bool [true null null]\n" +
		"h string [null null null]\n"
	if got := dumpFrame(&f); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{`{"a":1}`, `[1]`, `[{"a":1}`, `[{"a":1}] x`, `[{"a":}]`, `"x"`} {
		var g Frame
		if err := g.UnmarshalJSON([]byte(bad)); !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: got %v, want ErrSyntax", bad, err)
		}
	}
	var g Frame
	if err := json.Unmarshal([]byte(`[]`), &g); err != nil || g.NumCols() != 0 {
		t.Fatalf("[]: %v %v", &g, err)
	}
}

// dumpFrame writes each column as "name type [v1 v2 …]" with nulls as null.
func dumpFrame(f *Frame) string {
	var b bytes.Buffer
	for _, c := range f.Columns() {
		fmt.Fprintf(&b, "%s %v [", c.Name(), c.Type())
		for i := range c.Len() {
			if i > 0 {
				b.WriteByte(' ')
			}
			if c.IsNull(i) {
				b.WriteString("null")
			} else {
				b.WriteString(FormatValue(c, i))
			}
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestParseDatetime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339 UTC, "" for rejected
	}{
		{"2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"},
		{"2024-02-29 23:59:59", "2024-02-29T23:59:59Z"},
		{"2024-02-29t23:59:59.123456789123z", "2024-02-29T23:59:59.123456789Z"},
		{"2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00Z"},
		{"2024-01-01T00:30:00-01:30", "2024-01-01T02:00:00Z"},
		{"1970-01-01T00:00:00.", ""},
		{"2023-02-29T00:00:00Z", ""},
		{"2024-01-01T24:00:00Z", ""},
		{"2024-01-01T00:00:00+0100", ""},
		{"2024-01-01", ""},
		{"1600-01-01T00:00:00Z", ""},
		{"2262-04-11T23:47:16Z", "2262-04-11T23:47:16Z"},
		{"2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:16.854775807Z"},
		{"2262-04-11T23:47:16.854775808Z", ""},
		{"2262-04-11T23:47:17Z", ""},
		{"1677-09-21T00:12:43.145224192Z", "1677-09-21T00:12:43.145224192Z"},
		{"1677-09-21T00:12:43.145224191Z", ""},
		{"1677-09-21T00:12:43Z", ""},
		{"1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z"},
	} {
		n, ok := ParseDatetime(tc.in)
		got := ""
		if ok {
			got = time.Unix(0, n).UTC().Format(time.RFC3339Nano)
		}
		if got != tc.want {
			t.Errorf("ParseDatetime(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, s := range []string{"0001-01-01", "9999-12-31", "2000-02-29", "1969-12-31"} {
		d, ok := ParseDate(s)
		if !ok || time.Unix(d*86400, 0).UTC().Format("2006-01-02") != s {
			t.Errorf("ParseDate(%q) = %d, %v", s, d, ok)
		}
	}
	for _, s := range []string{"1900-02-29", "2024-13-01", "2024-1-01", "+024-01-01", "2024-01-00"} {
		if _, ok := ParseDate(s); ok {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
}

// FuzzUnmarshalJSON checks that UnmarshalJSON never panics and that what it
// reads marshals and reads back to the same text.
func FuzzUnmarshalJSON(f *testing.F) {
	for _, s := range []string{`[]`, `[{"a":1}]`, `[{"a":1.5,"b":"x"},{"b":null,"c":[1,{"d":2}]}]`,
		`[{"d":"2024-01-01"},{"d":"2024-01-01T00:00:00Z"}]`, `[{"a":1e400}]`, `[{"a":"\ud800"}]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var g Frame
		if err := json.Unmarshal(b, &g); err != nil {
			return
		}
		out, err := json.Marshal(&g)
		if err != nil {
			t.Fatal(err)
		}
		var h Frame
		if err := json.Unmarshal(out, &h); err != nil {
			t.Fatalf("%s → %s: %v", b, out, err)
		}
		again, _ := json.Marshal(&h)
		if !bytes.Equal(out, again) {
			t.Fatalf("%s → %s → %s", b, out, again)
		}
	})
}

func ExampleFrame_MarshalJSON() {
	f := Must(New(
		MustColumn(NewInt64("id", []int64{1, 2}, nil)),
		NewFloat64("amount", []float64{129600000, math.NaN()}),
		MustColumn(NewDate("day", []int64{19753, 19754}, nil)),
	))
	b, _ := f.MarshalJSON()
	fmt.Println(string(b))
	var g Frame
	if err := json.Unmarshal(b, &g); err != nil {
		fmt.Println(err)
	}
	fmt.Println(g.Types())
	// Output:
	// [{"id":1,"amount":129600000,"day":"2024-01-31"},{"id":2,"amount":null,"day":"2024-02-01"}]
	// [int64 int64 date]
}
