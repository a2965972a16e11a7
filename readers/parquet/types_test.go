package parquet

import (
	"context"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// typed is a row of every Parquet type parquet-go writes from Go values
// (physical types with their logical annotations).
type typed struct {
	I8     int8             `parquet:"i8"`
	I16    int16            `parquet:"i16"`
	I32    int32            `parquet:"i32"`
	U8     uint8            `parquet:"u8"`
	U32    uint32           `parquet:"u32"`
	U64    uint64           `parquet:"u64"`
	F32    float32          `parquet:"f32"`
	Day    int32            `parquet:"day,date"`
	TsMs   int64            `parquet:"ts_ms,timestamp(millisecond)"`
	TsNs   int64            `parquet:"ts_ns,timestamp(nanosecond)"`
	TMs    int32            `parquet:"t_ms,time(millisecond)"`
	TUs    int64            `parquet:"t_us,time(microsecond)"`
	Dec32  int32            `parquet:"dec32,decimal(2:9)"`
	Dec64  int64            `parquet:"dec64,decimal(4:18)"`
	DecFix [16]byte         `parquet:"decfix,decimal(3:38)"`
	UUID   [16]byte         `parquet:"uuid,uuid"`
	Enum   string           `parquet:"enum,enum"`
	Raw    []byte           `parquet:"raw,bytes"`
	Fixed  [3]byte          `parquet:"fixed"`
	I96    deprecated.Int96 `parquet:"i96"`
	Opt    *int64           `parquet:"opt,optional"`
	Str    string           `parquet:"str,dict"`
	OptStr *string          `parquet:"optstr,optional"`
	Ts     time.Time        `parquet:"ts,timestamp(microsecond)"`
	Dur    time.Duration    `parquet:"dur,time(nanosecond)"`
	B      bool             `parquet:"b"`
	F64    float64          `parquet:"f64"`
}

// twos returns v as a 16-byte big-endian two's complement.
func twos(v int64) [16]byte {
	var b [16]byte
	x := new(big.Int).SetInt64(v)
	if v < 0 {
		x.Add(x, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	x.FillBytes(b[:])
	return b
}

func int96(t time.Time) deprecated.Int96 {
	days := t.Unix()/86400 + julianUnixEpoch
	nod := uint64(t.UnixNano() - (t.Unix()/86400)*86400e9)
	return deprecated.Int96{uint32(nod), uint32(nod >> 32), uint32(days)}
}

// Every Parquet type that maps to a frame type reads as the package
// documentation says, values and nulls.
func TestParquetTypes(t *testing.T) {
	at := time.Date(2023, 5, 6, 7, 8, 9, 123456789, time.UTC)
	seven := int64(7)
	s := "s"
	rows := []typed{
		{I8: -8, I16: -16, I32: -32, U8: 200, U32: 4_000_000_000, U64: 1 << 62, F32: 1.5,
			Day: 19000, TsMs: at.UnixMilli(), TsNs: at.UnixNano(), TMs: 3_600_000, TUs: 1_500_000,
			Dec32: -12345, Dec64: 123456789, DecFix: twos(-1234567), UUID: [16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8},
			Enum: "RED", Raw: []byte{0, 1, 2}, Fixed: [3]byte{'a', 'b', 'c'}, I96: int96(at), Opt: &seven, Str: "x", OptStr: &s,
			Ts: at, Dur: 90 * time.Second, B: true, F64: -0.25},
		{I8: 127, I16: 32767, I32: math.MaxInt32, U8: 0, U32: 0, U64: 0, F32: -2,
			Day: -1, TsMs: -1, TsNs: -1, TMs: 0, TUs: 0,
			Dec32: 5, Dec64: -1, DecFix: twos(0), Enum: "", I96: int96(time.Date(1900, 1, 1, 0, 0, 0, 1000, time.UTC)), Str: "x",
			Ts: time.Unix(0, 0).UTC(), B: false, F64: math.Inf(1)},
	}
	path := tempPath(t, "types.parquet")
	if err := pq.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	got, _ := readAll(t, path, readers.Options{}, Query{})
	want := map[string][]any{
		"i8":     {int64(-8), int64(127)},
		"i16":    {int64(-16), int64(32767)},
		"i32":    {int64(-32), int64(math.MaxInt32)},
		"u8":     {int64(200), int64(0)},
		"u32":    {int64(4_000_000_000), int64(0)},
		"u64":    {int64(1 << 62), int64(0)},
		"f32":    {1.5, -2.0},
		"day":    {time.Unix(19000*86400, 0).UTC(), time.Unix(-86400, 0).UTC()},
		"ts_ms":  {at.Truncate(time.Millisecond), time.Unix(0, -1e6).UTC()},
		"ts_ns":  {at, time.Unix(0, -1).UTC()},
		"t_ms":   {int64(3600e9), int64(0)},
		"t_us":   {int64(1.5e9), int64(0)},
		"dec32":  {-123.45, 0.05},
		"dec64":  {12345.6789, -0.0001},
		"decfix": {-1234.567, 0.0},
		"uuid":   {"12345678-9abc-def0-0102-030405060708", "00000000-0000-0000-0000-000000000000"},
		"enum":   {"RED", ""},
		"raw":    {"\x00\x01\x02", ""},
		"fixed":  {"abc", "\x00\x00\x00"},
		"i96":    {at, time.Date(1900, 1, 1, 0, 0, 0, 1000, time.UTC)},
		"opt":    {int64(7), nil},
		"str":    {"x", "x"},
		"optstr": {"s", nil},
		"ts":     {at.Truncate(time.Microsecond), time.Unix(0, 0).UTC()},
		"dur":    {int64(90e9), int64(0)},
		"b":      {true, false},
		"f64":    {-0.25, math.Inf(1)},
	}
	types := map[string]frame.Type{"f32": frame.Float64, "dec32": frame.Float64, "dec64": frame.Float64, "decfix": frame.Float64,
		"f64": frame.Float64, "day": frame.Date, "ts_ms": frame.Datetime, "ts_ns": frame.Datetime, "i96": frame.Datetime, "ts": frame.Datetime,
		"uuid": frame.String, "enum": frame.String, "raw": frame.String, "fixed": frame.String, "str": frame.String, "optstr": frame.String, "b": frame.Bool}
	if got.NumCols() != len(want) {
		t.Fatalf("columns %v", got.Names())
	}
	for name, vals := range want {
		c, err := got.Column(name)
		if err != nil {
			t.Fatal(err)
		}
		wt := types[name]
		if wt == frame.Invalid {
			wt = frame.Int64
		}
		if c.Type() != wt {
			t.Errorf("%s is %v, want %v", name, c.Type(), wt)
			continue
		}
		for i, v := range vals {
			var g any
			if !c.IsNull(i) {
				g = c.Value(i)
				if tm, ok := g.(time.Time); ok {
					g = tm.UTC()
				}
			}
			if tm, ok := v.(time.Time); ok && g != nil {
				if !tm.Equal(g.(time.Time)) {
					t.Errorf("%s row %d: %v, want %v", name, i, g, v)
				}
				continue
			}
			if g != v {
				t.Errorf("%s row %d: %#v, want %#v", name, i, g, v)
			}
		}
	}
	// decimals as exact text
	txt, _ := readAll(t, path, readers.Options{Columns: []string{"dec32", "dec64", "decfix"},
		Types: map[string]frame.Type{"dec32": frame.String, "dec64": frame.String, "decfix": frame.String}}, Query{})
	if s := txt.Slice(0, 2).String(); !strings.Contains(s, "-123.45") || !strings.Contains(s, "0.05") ||
		!strings.Contains(s, "12345.6789") || !strings.Contains(s, "-0.0001") || !strings.Contains(s, "-1234.567") || !strings.Contains(s, "0.000") {
		t.Fatalf("decimal text:\n%s", s)
	}
}

// An unsigned 64-bit value past int64 is an error naming the column, unless
// the column is read as Float64.
func TestUint64Overflow(t *testing.T) {
	type row struct {
		U uint64 `parquet:"u"`
	}
	path := tempPath(t, "u.parquet")
	if err := pq.WriteFile(path, []row{{1}, {math.MaxUint64}}); err != nil {
		t.Fatal(err)
	}
	_, err := readers.ReadAll(Open(context.Background(), path, readers.Options{}))
	if err == nil || !strings.Contains(err.Error(), `row group 0, column "u"`) || !strings.Contains(err.Error(), "18446744073709551615") {
		t.Fatalf("got %v", err)
	}
	f, _ := readAll(t, path, readers.Options{Types: map[string]frame.Type{"u": frame.Float64}}, Query{})
	if f.MustColumn("u").Float64(1) != math.MaxUint64 {
		t.Fatalf("as float: %v", f.MustColumn("u").Float64(1))
	}
}

// A timestamp outside the frame's datetime range is an error naming the
// column and row group.
func TestTimestampRange(t *testing.T) {
	type row struct {
		T int64 `parquet:"t,timestamp(millisecond)"`
	}
	path := tempPath(t, "t.parquet")
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	if err := pq.WriteFile(path, []row{{0}, {far}}); err != nil {
		t.Fatal(err)
	}
	_, err := readers.ReadAll(Open(context.Background(), path, readers.Options{}))
	if err == nil || !strings.Contains(err.Error(), `column "t"`) || !strings.Contains(err.Error(), "datetime range") {
		t.Fatalf("got %v", err)
	}
}

// Nested and repeated columns fail naming the column; projecting them away
// reads the rest.
func TestNested(t *testing.T) {
	type inner struct {
		A int64 `parquet:"a"`
	}
	type row struct {
		ID   int64    `parquet:"id"`
		Tags []string `parquet:"tags,list"`
		Rep  []int64  `parquet:"rep"`
		In   inner    `parquet:"in"`
		Name string   `parquet:"name"`
	}
	path := tempPath(t, "n.parquet")
	if err := pq.WriteFile(path, []row{{1, []string{"a"}, []int64{1, 2}, inner{5}, "x"}, {2, nil, nil, inner{6}, "y"}}); err != nil {
		t.Fatal(err)
	}
	_, err := readers.ReadAll(Open(context.Background(), path, readers.Options{}))
	if !errors.Is(err, readers.ErrType) || !strings.Contains(err.Error(), `column "tags" is a LIST`) {
		t.Fatalf("got %v", err)
	}
	for col, what := range map[string]string{"rep": "a repeated field", "in": "a group (struct)"} {
		_, err := readers.ReadAll(Open(context.Background(), path, readers.Options{Columns: []string{col}}))
		if err == nil || !strings.Contains(err.Error(), what) {
			t.Fatalf("%s: got %v", col, err)
		}
	}
	f, _ := readAll(t, path, readers.Options{Columns: []string{"name", "id"}}, Query{})
	if s := f.String(); !strings.Contains(s, "x") || f.NumRows() != 2 || f.MustColumn("id").Int64(1) != 2 {
		t.Fatalf("projection:\n%s", s)
	}
}

func TestFloat16(t *testing.T) {
	for h, want := range map[uint16]float64{0x3c00: 1, 0xc000: -2, 0x0001: math.Pow(2, -24), 0x7bff: 65504, 0x7c00: math.Inf(1), 0x3555: 0.333251953125} {
		if got := float16(h); got != want {
			t.Errorf("float16(%#x) = %v, want %v", h, got, want)
		}
	}
	if !math.IsNaN(float16(0x7e00)) {
		t.Error("float16 NaN")
	}
}

func TestDecimalConversions(t *testing.T) {
	for _, tt := range []struct {
		u     int64
		scale int32
		f     float64
		s     string
	}{
		{125, 2, 1.25, "1.25"}, {-5, 3, -0.005, "-0.005"}, {1200, 2, 12, "12.00"}, {7, 0, 7, "7"},
		{math.MaxInt64, 4, 922337203685477.5807, "922337203685477.5807"},
		{123456789012345678, 30, 1.23456789012345678e-13, "0.000000000000123456789012345678"},
	} {
		if f := decimalFloat(tt.u, tt.scale); f != tt.f {
			t.Errorf("decimalFloat(%d, %d) = %v, want %v", tt.u, tt.scale, f, tt.f)
		}
		if s := string(appendDecimal(nil, big.NewInt(tt.u), tt.scale)); s != tt.s {
			t.Errorf("appendDecimal(%d, %d) = %s, want %s", tt.u, tt.scale, s, tt.s)
		}
		b := twos(tt.u)
		if f := decimalBytesFloat(b[:], tt.scale); f != tt.f {
			t.Errorf("decimalBytesFloat(%d, %d) = %v, want %v", tt.u, tt.scale, f, tt.f)
		}
	}
}
