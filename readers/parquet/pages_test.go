package parquet

import (
	"fmt"
	"math/rand/v2"
	"testing"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/brotli"
	"github.com/parquet-go/parquet-go/compress/gzip"
	"github.com/parquet-go/parquet-go/compress/lz4"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// encRow has a column in every value encoding parquet-go writes.
type encRow struct {
	I32d  int32    `parquet:"i32d,delta"`
	I64d  int64    `parquet:"i64d,delta"`
	Sd    string   `parquet:"sd,delta"`
	Fs    float32  `parquet:"fs,split"`
	Ds    *float64 `parquet:"ds,split,optional"`
	I32s  int32    `parquet:"i32s,split"`
	I64s  int64    `parquet:"i64s,split"`
	Fix   [4]byte  `parquet:"fix,split"`
	Fixd  [4]byte  `parquet:"fixd,delta"`
	B     *bool    `parquet:"b,optional"`
	Sp    *string  `parquet:"sp,plain,optional"`
	Sdict *string  `parquet:"sdict,dict,optional"`
	Idict int64    `parquet:"idict,dict"`
	Ddict *float64 `parquet:"ddict,dict,optional"`
}

func encRows(n int) ([]encRow, *frame.Frame) {
	r := rand.New(rand.NewPCG(21, 22))
	rows := make([]encRow, n)
	b := map[string]frame.Builder{}
	names := []string{"i32d", "i64d", "sd", "fs", "ds", "i32s", "i64s", "fix", "fixd", "b", "sp", "sdict", "idict", "ddict"}
	types := []frame.Type{frame.Int64, frame.Int64, frame.String, frame.Float64, frame.Float64, frame.Int64, frame.Int64,
		frame.String, frame.String, frame.Bool, frame.String, frame.String, frame.Int64, frame.Float64}
	for k, name := range names {
		b[name] = frame.NewBuilder(types[k], n)
	}
	add := func(name string, v any) {
		if v == nil {
			b[name].AppendNull()
		} else if err := b[name].AppendValue(v); err != nil {
			panic(err)
		}
	}
	for i := range rows {
		x := &rows[i]
		x.I32d = int32(r.IntN(1000) - 500)
		add("i32d", int64(x.I32d))
		x.I64d = r.Int64() - r.Int64()
		add("i64d", x.I64d)
		x.Sd = fmt.Sprintf("prefix-%06d", i/3)
		add("sd", x.Sd)
		x.Fs = float32(r.NormFloat64())
		add("fs", float64(x.Fs))
		if r.IntN(5) > 0 {
			v := r.NormFloat64() * 1e9
			x.Ds = &v
			add("ds", v)
		} else {
			add("ds", nil)
		}
		x.I32s, x.I64s = r.Int32(), r.Int64()
		add("i32s", int64(x.I32s))
		add("i64s", x.I64s)
		for j := range x.Fix {
			x.Fix[j] = 'a' + byte(r.IntN(26))
			x.Fixd[j] = 'a' + byte(i/100%26)
		}
		add("fix", string(x.Fix[:]))
		add("fixd", string(x.Fixd[:]))
		if r.IntN(3) > 0 {
			v := r.IntN(2) == 0
			x.B = &v
			add("b", v)
		} else {
			add("b", nil)
		}
		if r.IntN(3) > 0 {
			v := fmt.Sprint("p", r.IntN(1e6))
			x.Sp = &v
			add("sp", v)
		} else {
			add("sp", nil)
		}
		if r.IntN(3) > 0 {
			v := fmt.Sprint("cat", r.IntN(30))
			x.Sdict = &v
			add("sdict", v)
		} else {
			add("sdict", nil)
		}
		x.Idict = int64(r.IntN(50)) * 1e12
		add("idict", x.Idict)
		if r.IntN(3) > 0 {
			v := float64(r.IntN(7)) / 4
			x.Ddict = &v
			add("ddict", v)
		} else {
			add("ddict", nil)
		}
	}
	cols := make([]*frame.Column, len(names))
	for k, name := range names {
		cols[k] = b[name].Build(name)
	}
	return rows, frame.Must(frame.New(cols...))
}

// Every value encoding, compression codec and data page version that
// parquet-go writes reads back the same, over many small pages.
func TestEncodingsAndCodecs(t *testing.T) {
	rows, want := encRows(3000)
	codecs := map[string]compress.Codec{
		"uncompressed": &uncompressed.Codec{}, "snappy": &snappy.Codec{}, "gzip": &gzip.Codec{},
		"brotli": &brotli.Codec{}, "lz4raw": &lz4.Codec{}, "zstd": &zstd.Codec{},
	}
	for name, codec := range codecs {
		for _, version := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/v%d", name, version), func(t *testing.T) {
				path := tempPath(t, "enc.parquet")
				err := pq.WriteFile(path, rows, pq.Compression(codec), pq.DataPageVersion(version),
					pq.PageBufferSize(1024), pq.MaxRowsPerRowGroup(1300))
				if err != nil {
					t.Fatal(err)
				}
				for _, chunkRows := range []int{0, 77} {
					got, _ := readAll(t, path, readers.Options{ChunkRows: chunkRows}, Query{})
					if err := equalFrames(want, got); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// The hybrid decoder agrees with parquet-go's encoder on random runs and
// bit widths, and cuts runs that pass the end.
func TestHybrid(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for iter := range 300 {
		bw := uint(r.IntN(33))
		n := r.IntN(2000)
		vals := make([]int32, n)
		var maxV uint64 = 1<<bw - 1
		for i := range vals {
			if i > 0 && r.IntN(4) > 0 {
				vals[i] = vals[i-1] // runs
			} else {
				vals[i] = int32(uint32(r.Uint64() & maxV))
			}
		}
		enc, err := (&rle.Encoding{BitWidth: int(bw)}).EncodeInt32(nil, vals)
		if err != nil {
			t.Fatal(err)
		}
		buf := append(enc, make([]byte, pagePad)...)[:len(enc)]
		got := make([]int32, n)
		if err := hybrid(got, buf, bw); err != nil {
			t.Fatalf("iteration %d (bit width %d, %d values): %v", iter, bw, n, err)
		}
		for i := range vals {
			if got[i] != vals[i] {
				t.Fatalf("iteration %d (bit width %d): value %d is %d, want %d", iter, bw, i, got[i], vals[i])
			}
		}
		if bw <= 8 {
			levels := make([]uint8, n)
			if err := hybrid(levels, buf, bw); err != nil {
				t.Fatal(err)
			}
			for i := range vals {
				if int32(levels[i]) != vals[i] {
					t.Fatalf("levels: value %d is %d, want %d", i, levels[i], vals[i])
				}
			}
		}
	}
	// a run header of 2^31 values fills only the output
	huge := []byte{0xfe, 0xff, 0xff, 0xff, 0x0f, 1} // RLE run of 2^31-1 ones
	out := make([]uint8, 10)
	if err := hybrid(out, huge, 1); err != nil || fmt.Sprint(out) != "[1 1 1 1 1 1 1 1 1 1]" {
		t.Fatalf("huge run: %v %v", out, err)
	}
	for _, bad := range [][]byte{{}, {0x80}, {0x02}, {0x03}} { // none, bad varint, run without value, packed run without bytes
		if err := hybrid(make([]int32, 4), bad, 8); err == nil {
			t.Fatalf("%x: no error", bad)
		}
	}
	if err := hybrid(make([]int32, 4), []byte{2, 1}, 33); err == nil {
		t.Fatal("bit width 33 accepted")
	}
}
