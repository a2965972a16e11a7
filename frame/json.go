package frame

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// This file holds the text forms sluice writes values in (numbers, JSON) and
// the JSON marshalling of frames.

// AppendFloat appends the text form of v that sluice's writers use: the
// shortest decimal that reads back (strconv.ParseFloat) to exactly v, in
// plain notation when 1e-6 ≤ |v| < 1e16 or v is zero, in exponent notation
// otherwise:
//
//	129600000  → 129600000      2000000.0 → 2000000     0.63217 → 0.63217
//	0.000001   → 0.000001       1e-7      → 1e-07       1.5e16  → 1.5e+16
//	-0.0       → -0             +Inf      → +Inf        NaN     → NaN
//
// The bounds are JavaScript's lower one (Number.prototype.toString switches
// to exponents below 1e-6) and Python's upper one (repr switches at 1e16,
// where float64 stops holding every integer, so more digits would be
// invented). Exponents have at least two digits, as Python and C print them
// ("1e-07"); every such text is also a valid JSON number. Callers that need
// JSON handle NaN and ±Inf themselves (see [Frame.AppendJSONRow]).
func AppendFloat(dst []byte, v float64) []byte {
	if a := math.Abs(v); a == 0 || (a >= 1e-6 && a < 1e16) {
		return strconv.AppendFloat(dst, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(dst, v, 'e', -1, 64)
}

// AppendJSONRow appends row i of f as a JSON object: keys are the column
// names in column order, values follow these rules:
//
//	null                      → null
//	Int64                     → a JSON number (all digits)
//	Float64                   → a JSON number as [AppendFloat] writes it;
//	                            ±Inf → null (JSON has no infinities; NaN is
//	                            already null in a frame)
//	Bool                      → true / false
//	String                    → a JSON string; bytes that are not valid
//	                            UTF-8 become U+FFFD (JSON text is UTF-8)
//	Date                      → "2006-01-02"
//	Datetime                  → RFC 3339 in UTC with the shortest fraction,
//	                            "2024-03-01T12:30:00.5Z"
//
// No insignificant whitespace is written. It panics if i is out of range,
// like indexing.
func (f *Frame) AppendJSONRow(dst []byte, i int) []byte {
	dst = append(dst, '{')
	for k, c := range f.cols {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, c.name)
		dst = append(dst, ':')
		dst = appendJSONValue(dst, c, i)
	}
	return append(dst, '}')
}

// appendJSONValue appends value i of c as JSON; see AppendJSONRow.
func appendJSONValue(dst []byte, c *Column, i int) []byte {
	if !c.validAt(i) {
		return append(dst, "null"...)
	}
	switch c.typ {
	case Int64:
		return strconv.AppendInt(dst, c.ints[i], 10)
	case Float64:
		v := c.floats[i]
		if math.IsInf(v, 0) || v != v {
			return append(dst, "null"...)
		}
		return AppendFloat(dst, v)
	case Bool:
		return strconv.AppendBool(dst, c.bools[i])
	case String:
		return appendJSONString(dst, c.strUnsafe(i))
	case Date:
		dst = append(dst, '"')
		dst = time.Unix(c.ints[i]*86400, 0).UTC().AppendFormat(dst, "2006-01-02")
		return append(dst, '"')
	case Datetime:
		dst = append(dst, '"')
		dst = time.Unix(0, c.ints[i]).UTC().AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"')
	}
	return append(dst, "null"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a quoted JSON string: '"' and '\' escaped,
// control characters as \n, \r, \t or \u00XX, U+2028 and U+2029 escaped (as
// encoding/json does, for JavaScript), invalid UTF-8 as \ufffd. '<', '>' and
// '&' are written as they are.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// MarshalJSON implements json.Marshaler: the frame as an array of records,
// one JSON object per row with the values of [Frame.AppendJSONRow]:
//
//	[{"id":1,"name":"a","score":0.5},{"id":2,"name":null,"score":12}]
//
// A frame without rows is []. (json.Marshal then escapes '<', '>' and '&'
// as \u003c, \u003e, \u0026, as it does for every Marshaler; a json.Encoder
// with SetEscapeHTML(false) keeps them.) The whole output is built in memory; to write
// a big frame (or a stream of chunks) use package writers' "json" or
// "ndjson" format instead.
func (f *Frame) MarshalJSON() ([]byte, error) {
	if f == nil {
		return []byte("null"), nil
	}
	dst := make([]byte, 0, 2+f.nrows*(16*len(f.cols)+2))
	dst = append(dst, '[')
	for i := range f.nrows {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = f.AppendJSONRow(dst, i)
	}
	return append(dst, ']'), nil
}

// UnmarshalJSON implements json.Unmarshaler: it reads an array of records
// (JSON objects), as [Frame.MarshalJSON] writes, into f, replacing what f
// held. The input is decoded whole in memory (package readers/json streams
// big inputs). Columns are the union of the objects' keys in first-seen
// order; a missing key or null is a null. A column's type is inferred over
// all its non-null values:
//
//	all numbers without fraction or exponent that fit int64 → Int64
//	all numbers                                             → Float64
//	all true/false                                          → Bool
//	all strings "2006-01-02"                                → Date
//	all strings of dates or RFC 3339 times (see ParseDatetime) → Datetime
//	anything else (other strings, mixed kinds, nested
//	objects and arrays, kept as compact JSON text)          → String
//
// A column with no non-null value is String. These are the rules of
// package readers/json. A JSON null input leaves f unchanged; [] gives a
// frame without columns. Errors wrap [ErrSyntax] and name the record index
// and key.
func (f *Frame) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	fail := func(format string, args ...any) error {
		return fmt.Errorf("frame: unmarshal JSON: "+format+": %w", append(args, ErrSyntax)...)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return fail("want an array of records, got %s", tokenText(tok, err))
	}
	var (
		names []string
		index = map[string]int{}
		vals  [][]json.RawMessage // per column, one entry per row (nil: null)
		nrows int
	)
	for dec.More() {
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return fail("record %d: want an object, got %s", nrows, tokenText(tok, err))
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return fail("record %d: %v", nrows, err)
			}
			key := tok.(string) // inside an object the decoder yields only string keys
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail("record %d, key %q: %v", nrows, key, err)
			}
			k, ok := index[key]
			if !ok {
				k = len(names)
				index[key] = k
				names = append(names, key)
				vals = append(vals, make([]json.RawMessage, nrows, nrows+1))
			}
			for len(vals[k]) < nrows {
				vals[k] = append(vals[k], nil)
			}
			if len(vals[k]) == nrows {
				vals[k] = append(vals[k], raw)
			} else {
				vals[k][nrows] = raw // a repeated key: the last value wins
			}
		}
		if _, err := dec.Token(); err != nil { // '}'
			return fail("record %d: %v", nrows, err)
		}
		nrows++
	}
	if _, err := dec.Token(); err != nil { // ']'
		return fail("%v", err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		return fail("text after the array: %s", tokenText(tok, err))
	}
	cols := make([]*Column, len(names))
	for k, name := range names {
		for len(vals[k]) < nrows {
			vals[k] = append(vals[k], nil)
		}
		c, err := jsonColumn(name, vals[k])
		if err != nil {
			return fail("%v", err)
		}
		cols[k] = c
	}
	g, err := New(cols...)
	if err != nil {
		return err
	}
	*f = *g
	return nil
}

// tokenText describes a decoder token (or its error) for an error message.
func tokenText(tok json.Token, err error) string {
	switch {
	case err == io.EOF:
		return "end of input"
	case err != nil:
		return err.Error()
	}
	return fmt.Sprintf("%v", tok)
}

// jsonColumn infers the type of one column's raw values and builds it.
func jsonColumn(name string, vals []json.RawMessage) (*Column, error) {
	var kinds JSONKinds
	for _, v := range vals {
		kinds.Add(v)
	}
	t := kinds.Type()
	b := NewBuilder(t, len(vals))
	var s string
	for i, v := range vals {
		if len(v) == 0 || string(v) == "null" {
			b.AppendNull()
			continue
		}
		switch t {
		case Int64:
			n, _ := strconv.ParseInt(string(v), 10, 64)
			b.(*Int64Builder).Append(n)
		case Float64:
			x, _ := strconv.ParseFloat(string(v), 64)
			b.(*Float64Builder).Append(x)
		case Bool:
			b.(*BoolBuilder).Append(v[0] == 't')
		case Date, Datetime:
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, fmt.Errorf("record %d, key %q: %v", i, name, err)
			}
			d, ok := ParseDate(s)
			if t == Datetime {
				if ok {
					d *= 86400e9
				} else {
					d, _ = ParseDatetime(s)
				}
			}
			b.(*Int64Builder).Append(d)
		default:
			if v[0] == '"' {
				if err := json.Unmarshal(v, &s); err != nil {
					return nil, fmt.Errorf("record %d, key %q: %v", i, name, err)
				}
				b.(*StringBuilder).Append(s)
			} else if v[0] == '{' || v[0] == '[' {
				var buf bytes.Buffer
				if err := json.Compact(&buf, v); err != nil {
					return nil, fmt.Errorf("record %d, key %q: %v", i, name, err)
				}
				b.(*StringBuilder).AppendBytes(buf.Bytes())
			} else {
				b.(*StringBuilder).AppendBytes(v) // numbers and true/false as their text
			}
		}
	}
	return b.Build(name), nil
}

// JSONKinds accumulates what kinds of JSON values a column holds, for type
// inference; the zero value has seen nothing. Package readers/json and
// [Frame.UnmarshalJSON] share it, so both infer the same types.
type JSONKinds struct {
	// Ints, Floats, Bools, Strings and Nested count the non-null values of
	// each kind: numbers without fraction or exponent that fit int64, other
	// numbers, true/false, strings, objects and arrays.
	Ints, Floats, Bools, Strings, Nested int
	// NotDate and NotDatetime count the strings that [ParseDate] and
	// [ParseDatetime] (or ParseDate) reject.
	NotDate, NotDatetime int
}

// Add records one raw JSON value (nil or empty means a missing key, a null).
// The value is assumed to be valid JSON.
func (k *JSONKinds) Add(v []byte) {
	if len(v) == 0 {
		return
	}
	switch v[0] {
	case 'n':
	case 't', 'f':
		k.Bools++
	case '{', '[':
		k.Nested++
	case '"':
		var s string
		if !bytes.Contains(v, []byte{'\\'}) {
			s = string(v[1 : len(v)-1])
		} else if json.Unmarshal(v, &s) != nil {
			k.Strings++
			k.NotDate++
			k.NotDatetime++
			return
		}
		k.AddString(s)
	default:
		k.AddNumber(v)
	}
}

// AddString records a string value.
func (k *JSONKinds) AddString(s string) {
	k.Strings++
	if d, ok := ParseDate(s); ok {
		if d < -maxDatetimeDays || d > maxDatetimeDays {
			k.NotDatetime++ // a Datetime column cannot hold its midnight
		}
		return
	}
	k.NotDate++
	if _, ok := ParseDatetime(s); !ok {
		k.NotDatetime++
	}
}

// AddNumber records a number given as its JSON text.
func (k *JSONKinds) AddNumber(text []byte) {
	if IsJSONInt(text) {
		k.Ints++
	} else {
		k.Floats++
	}
}

// maxDatetimeDays bounds the dates whose midnight a Datetime column holds
// (int64 nanoseconds reach ±106,751.99 days from the epoch).
const maxDatetimeDays int64 = math.MaxInt64 / (86400 * 1_000_000_000)

// IsJSONInt reports whether the JSON number text has no fraction and no
// exponent and fits int64: such numbers are integers ("1.0" and "1e3" are
// not).
func IsJSONInt(text []byte) bool {
	if bytes.ContainsAny(text, ".eE") {
		return false
	}
	_, err := strconv.ParseInt(string(text), 10, 64)
	return err == nil
}

// Type is the inferred column type; see [Frame.UnmarshalJSON] for the rules.
func (k JSONKinds) Type() Type {
	numbers := k.Ints + k.Floats
	switch {
	case k.Nested > 0:
		return String
	case numbers > 0 && k.Bools == 0 && k.Strings == 0:
		if k.Floats == 0 {
			return Int64
		}
		return Float64
	case k.Bools > 0 && numbers == 0 && k.Strings == 0:
		return Bool
	case k.Strings > 0 && numbers == 0 && k.Bools == 0:
		if k.NotDate == 0 {
			return Date
		}
		if k.NotDatetime == 0 {
			return Datetime
		}
	}
	return String
}

// ParseDate parses a calendar date "2006-01-02" (a 4-digit year, proleptic
// Gregorian) into days since 1970-01-01, the storage of a [Date] column.
func ParseDate(s string) (days int64, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return DaysFromTime(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)), true
}

// ParseDatetime parses an instant into nanoseconds since the Unix epoch, the
// storage of a [Datetime] column. It accepts RFC 3339 and its common
// relaxations: "2006-01-02T15:04:05", a space instead of the T, an optional
// fraction of up to nine digits (more are cut), and an optional zone "Z" or
// "±hh:mm" (none means UTC). Instants outside what int64 nanoseconds hold
// (about 1677-09-22 to 2262-04-11) are rejected.
func ParseDatetime(s string) (nanos int64, ok bool) {
	if len(s) < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	days, ok := ParseDate(s[:10])
	hh, ok1 := digits(s[11:13])
	mm, ok2 := digits(s[14:16])
	ss, ok3 := digits(s[17:19])
	if !ok || !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 59 {
		return 0, false
	}
	rest := s[19:]
	var frac int64
	if len(rest) > 0 && rest[0] == '.' {
		k, scale := 1, int64(1e8)
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			frac += int64(rest[k]-'0') * scale
			scale /= 10
			k++
		}
		if k == 1 {
			return 0, false
		}
		rest = rest[k:]
	}
	var off int64
	switch {
	case rest == "" || rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false
		}
		off = int64(oh*3600 + om*60)
		if rest[0] == '-' {
			off = -off
		}
	default:
		return 0, false
	}
	sec := days*86400 + int64(hh*3600+mm*60+ss) - off
	if sec < 0 && frac > 0 {
		sec, frac = sec+1, frac-1e9
	}
	const lim int64 = math.MaxInt64 / 1_000_000_000
	if sec > lim || sec < -lim {
		return 0, false
	}
	n := sec*1e9 + frac
	if (sec > 0 && n < 0) || (sec < 0 && n > 0) { // past int64 at the edges
		return 0, false
	}
	return n, true
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// daysIn is the number of days of month m of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
