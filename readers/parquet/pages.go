package parquet

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/bitpack"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/pierrec/lz4/v4"
	"github.com/sluicedata/sluice/readers"
)

// Pages are read here rather than with parquet-go's FilePages: its
// decoders trust the sizes and counts a file states (an RLE run header of
// 2^31 values allocates 8 GB; a corrupt LZ4 block doubles its buffer
// forever), so a damaged file could exhaust memory or hang. This reader
// bounds every size by the column chunk, the page and the limits below
// before allocating, and hands parquet-go's value decoders (delta and
// byte-stream-split encodings) only pages whose stated counts it checked.

// Limits on one page; a larger one is refused as corrupt.
const (
	maxPageBytes  = 1 << 28 // compressed or uncompressed bytes
	maxPageValues = 1 << 27 // values (rows, for flat columns)
)

// pagePad is the spare capacity after page data, which bitpack.Unpack
// reads past the last packed byte.
const pagePad = 64

// errCorrupt wraps a description of bad page data in readers.ErrFormat.
func errCorrupt(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), readers.ErrFormat)
}

// pageReader reads the pages of one column chunk.
type pageReader struct {
	c       *column
	sec     io.SectionReader
	br      *bufio.Reader
	proto   thrift.CompactProtocol
	dec     *thrift.Decoder
	codec   format.CompressionCodec
	comp    []byte // compressed bytes of the current page
	buf     []byte // uncompressed bytes of the current page
	levels  []byte // decoded definition levels of the current page
	left    int64  // values of the row group not yet in a page
	pageNum int
}

// page is one decoded page header with its uncompressed levels and data.
type page struct {
	dict      bool
	numValues int
	enc       format.Encoding
	def       []byte // definition levels, nil for a REQUIRED column
	data      []byte // the encoded values (capacity pads past the end)
}

var bufReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

// newPageReader opens the column chunk described by md, of a row group of
// rows rows, in r (size bytes).
func newPageReader(c *column, r io.ReaderAt, size int64, md *format.ColumnMetaData, rows int64) (*pageReader, error) {
	if md.Type != c.phys {
		return nil, errCorrupt("column chunk of type %v, the schema says %v", md.Type, c.phys)
	}
	start := md.DataPageOffset
	if d := md.DictionaryPageOffset; d > 0 && d < start {
		start = d
	}
	n := md.TotalCompressedSize
	if start < 4 || n <= 0 || start >= size || n > size-start {
		return nil, errCorrupt("column chunk at offset %d of %d bytes is outside the file (%d bytes)", start, n, size)
	}
	pr := &pageReader{c: c, codec: md.Codec, left: rows}
	pr.sec = *io.NewSectionReader(r, start, n)
	pr.br = bufReaders.Get().(*bufio.Reader)
	pr.br.Reset(&pr.sec)
	pr.dec = thrift.NewDecoder(pr.proto.NewReader(pr.br))
	return pr, nil
}

func (pr *pageReader) close() {
	if pr.br != nil {
		pr.br.Reset(nil)
		bufReaders.Put(pr.br)
		pr.br = nil
	}
}

// next reads the next page into p. The page's slices stay valid until the
// next call.
func (pr *pageReader) next(p *page) error {
	var h format.PageHeader
	if err := pr.dec.Decode(&h); err != nil {
		if errors.Is(err, io.EOF) {
			return errCorrupt("column chunk ends after its page %d, before its row group's rows", pr.pageNum)
		}
		return errCorrupt("page %d header: %v", pr.pageNum, err)
	}
	pr.pageNum++
	csize, usize := int(h.CompressedPageSize), int(h.UncompressedPageSize)
	if csize < 0 || usize < 0 || csize > maxPageBytes || usize > maxPageBytes {
		return errCorrupt("page %d of %d bytes (%d uncompressed)", pr.pageNum, csize, usize)
	}
	pr.comp = grow(pr.comp[:0], csize+pagePad)[:csize]
	if _, err := io.ReadFull(pr.br, pr.comp); err != nil {
		return errCorrupt("page %d: %d bytes past the column chunk's end", pr.pageNum, csize)
	}
	*p = page{}
	switch h.Type {
	case format.DictionaryPage:
		if !h.DictionaryPageHeader.Valid {
			return errCorrupt("dictionary page without its header")
		}
		dh := h.DictionaryPageHeader.V
		if dh.NumValues < 0 || dh.NumValues > maxPageValues {
			return errCorrupt("dictionary of %d values", dh.NumValues)
		}
		data, err := pr.decompress(pr.comp, usize)
		if err != nil {
			return err
		}
		p.dict, p.numValues, p.enc, p.data = true, int(dh.NumValues), dh.Encoding, data
		return nil
	case format.DataPage:
		if !h.DataPageHeader.Valid {
			return errCorrupt("data page without its header")
		}
		dh := h.DataPageHeader.V
		if err := pr.count(int64(dh.NumValues)); err != nil {
			return err
		}
		data, err := pr.decompress(pr.comp, usize)
		if err != nil {
			return err
		}
		p.numValues, p.enc = int(dh.NumValues), dh.Encoding
		if pr.c.maxDef > 0 {
			if p.def, data, err = pr.levelsV1(data, dh.DefinitionLevelEncoding, p.numValues); err != nil {
				return err
			}
		}
		p.data = data
		return nil
	case format.DataPageV2:
		if !h.DataPageHeaderV2.Valid {
			return errCorrupt("data page without its header")
		}
		dh := h.DataPageHeaderV2.V
		if err := pr.count(int64(dh.NumValues)); err != nil {
			return err
		}
		rl, dl := int(dh.RepetitionLevelsByteLength), int(dh.DefinitionLevelsByteLength)
		if rl != 0 || dl < 0 || dl > len(pr.comp) {
			return errCorrupt("page levels of %d and %d bytes in a page of %d", rl, dl, len(pr.comp))
		}
		p.numValues, p.enc = int(dh.NumValues), dh.Encoding
		if pr.c.maxDef > 0 {
			p.def = pr.levelBuf(p.numValues)
			if err := hybrid(p.def, pr.comp[:dl:dl], 1); err != nil {
				return errCorrupt("definition levels: %v", err)
			}
		}
		body := pr.comp[dl:]
		if !dh.IsCompressed.Valid || dh.IsCompressed.V {
			var err error
			if body, err = pr.decompress(body, usize-dl); err != nil {
				return err
			}
		}
		p.data = body
		return nil
	}
	// index pages and unknown page types are skipped
	return pr.next(p)
}

// count accounts for a data page of n values.
func (pr *pageReader) count(n int64) error {
	if n < 0 || n > maxPageValues || n > pr.left {
		return errCorrupt("data page of %d values where the row group has %d left", n, pr.left)
	}
	pr.left -= n
	return nil
}

// levelBuf returns the buffer for n definition levels, reused page after
// page.
func (pr *pageReader) levelBuf(n int) []byte {
	if cap(pr.levels) < n {
		pr.levels = make([]byte, n)
	}
	return pr.levels[:n]
}

// levelsV1 decodes the definition levels at the start of a V1 page and
// returns them with the rest of the page.
func (pr *pageReader) levelsV1(data []byte, enc format.Encoding, n int) ([]byte, []byte, error) {
	def := pr.levelBuf(n)
	switch enc {
	case format.RLE:
		if len(data) < 4 {
			return nil, nil, errCorrupt("definition levels: page too short")
		}
		m := int(binary.LittleEndian.Uint32(data))
		if m < 0 || m > len(data)-4 {
			return nil, nil, errCorrupt("definition levels of %d bytes in a page of %d", m, len(data)-4)
		}
		if err := hybrid(def, data[4:4+m:4+m], 1); err != nil {
			return nil, nil, errCorrupt("definition levels: %v", err)
		}
		return def, data[4+m:], nil
	case format.BitPacked:
		m := (n + 7) / 8
		if m > len(data) {
			return nil, nil, errCorrupt("definition levels of %d bytes in a page of %d", m, len(data))
		}
		for i := range def {
			def[i] = data[i/8] >> (7 - i%8) & 1 // most significant bit first
		}
		return def, data[m:], nil
	}
	return nil, nil, errCorrupt("definition levels in encoding %v", enc)
}

// decompress returns the n uncompressed bytes of src, in pr.buf (with
// padding capacity).
func (pr *pageReader) decompress(src []byte, n int) ([]byte, error) {
	if n < 0 {
		return nil, errCorrupt("page of %d uncompressed bytes", n)
	}
	if pr.codec == format.Uncompressed {
		if len(src) != n {
			return nil, errCorrupt("uncompressed page of %d bytes states %d", len(src), n)
		}
		return src, nil
	}
	pr.buf = grow(pr.buf[:0], n+pagePad)
	dst := pr.buf[:n:n]
	var out []byte
	var err error
	switch pr.codec {
	case format.Snappy:
		var m int
		if m, err = snappy.DecodedLen(src); err == nil {
			if m != n {
				return nil, errCorrupt("snappy page of %d bytes states %d", m, n)
			}
			out, err = snappy.Decode(dst, src)
		}
	case format.Zstd:
		d := zstdDecoders.Get().(*zstd.Decoder)
		out, err = d.DecodeAll(src, dst[:0])
		zstdDecoders.Put(d)
	case format.Gzip:
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(bytes.NewReader(src)); err == nil {
			out, err = readExactly(zr, dst)
		}
	case format.Brotli:
		out, err = readExactly(brotli.NewReader(bytes.NewReader(src)), dst)
	case format.Lz4Raw, format.Lz4:
		var m int
		if m, err = lz4.UncompressBlock(src, dst); err == nil {
			out = dst[:m]
		}
	default:
		return nil, errCorrupt("compression %v is not supported", pr.codec)
	}
	if err != nil {
		return nil, errCorrupt("%v page: %v", pr.codec, err)
	}
	if len(out) != n {
		return nil, errCorrupt("%v page of %d bytes states %d", pr.codec, len(out), n)
	}
	if n > 0 && &out[0] != &dst[0] {
		copy(dst, out)
	}
	return pr.buf[:n], nil
}

// readExactly reads exactly len(dst) bytes from r, and fails if r holds
// more or fewer.
func readExactly(r io.Reader, dst []byte) ([]byte, error) {
	if _, err := io.ReadFull(r, dst); err != nil {
		return nil, err
	}
	var one [1]byte
	if n, _ := r.Read(one[:]); n != 0 {
		return nil, errors.New("more data than the page states")
	}
	return dst, nil
}

// zstdDecoders decode pages whole, into a buffer of the page's stated size
// at most (DecodeAll capped by the buffer's capacity).
var zstdDecoders = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxPageBytes+pagePad), zstd.WithDecodeAllCapLimit(true))
	if err != nil {
		panic("parquet: zstd decoder: " + err.Error())
	}
	return d
}}

// hybrid decodes len(dst) values of the RLE / bit-packed hybrid encoding of
// bit width bw from src; runs past len(dst) are cut (the output never
// grows past dst, whatever a run header says).
func hybrid[T uint8 | int32](dst []T, src []byte, bw uint) error {
	if bw > 32 {
		return fmt.Errorf("bit width %d", bw)
	}
	n := len(dst)
	i, k := 0, 0
	for k < n {
		h, m := binary.Uvarint(src[i:])
		if m <= 0 {
			return fmt.Errorf("%d of %d values, then a bad run header", k, n)
		}
		i += m
		if h&1 == 0 { // a repeated value (a run past the end is cut)
			take := int(min(h>>1, uint64(n-k)))
			w := int(bw+7) / 8
			if w > len(src)-i {
				return fmt.Errorf("run value past the end")
			}
			var v uint32
			for j := range w {
				v |= uint32(src[i+j]) << (8 * j)
			}
			if bw < 32 {
				v &= 1<<bw - 1
			}
			i += w
			fill(dst[k:k+take], T(v))
			k += take
			continue
		}
		// bit-packed groups of 8 values (writers pad the last run, some by
		// more than a group: values past the end are ignored)
		groups := h >> 1
		take := int(min(groups, uint64(n-k+7)/8) * 8)
		take = min(take, n-k)
		avail := len(src) - i
		nb := avail
		if bw == 0 {
			nb = 0
		} else if groups <= uint64(avail) && int(groups)*int(bw) <= avail {
			nb = int(groups) * int(bw)
		}
		if (take*int(bw)+7)/8 > nb {
			return fmt.Errorf("bit-packed run past the end")
		}
		unpack(dst[k:k+take], src[i:i+nb], bw)
		i += nb
		k += take
	}
	return nil
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// unpack unpacks len(dst) values of bw bits, least significant bit first.
func unpack[T uint8 | int32](dst []T, src []byte, bw uint) {
	switch d := any(dst).(type) {
	case []int32:
		if bw == 0 {
			clear(d)
			return
		}
		if cap(src)-len(src) >= bitpack.PaddingInt32 && len(d) >= 8 {
			// bitpack reads up to its padding past the packed bytes
			bitpack.Unpack(d, src[:len(src):cap(src)], bw)
			return
		}
	case []uint8:
		if bw == 1 {
			for j := range d {
				d[j] = src[j>>3] >> (j & 7) & 1
			}
			return
		}
	}
	mask := uint64(1)<<bw - 1
	for j := range dst {
		bit := uint(j) * bw
		var w uint64
		for b := range (bit%8 + bw + 7) / 8 {
			if x := int(bit/8) + int(b); x < len(src) {
				w |= uint64(src[x]) << (8 * b)
			}
		}
		dst[j] = T(w >> (bit % 8) & mask)
	}
}
