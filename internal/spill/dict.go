package spill

import (
	"bufio"
	"fmt"
	"io"
	"unsafe"

	"github.com/sluicedata/sluice/frame"
)

// Dictionary-encoded String columns keep their encoding through a spill file
// or checkpoint written with an [Encoder] and read with a [Decoder]: a
// column's dictionary is written once, then only the entries appended since
// the previous chunk (the readers and the join build dictionaries that only
// grow by appending, shared by the chunks as prefixes of each other), and
// each chunk stores 4-byte codes instead of its strings. The decoded chunks
// of one file share one growing dictionary again, so group-bys, joins and
// Concat downstream work on codes. The stateless [Encode] and [Decode]
// write and read every String column plain.

// dictTag marks a dictionary-encoded String column in a chunk.
const dictTag = 0x80

// Encoder writes chunks to one stream, keeping dictionary encoding (see
// above). It is not safe for concurrent use.
type Encoder struct {
	dicts []encDict
}

// encDict is what the decoder already has of column k's dictionary.
type encDict struct {
	name string
	dict *frame.Column  // the dictionary last written (kept alive, so its buffers are never reused)
	base unsafe.Pointer // its offsets' backing array
	sent int            // entries the decoder has
}

// Decoder reads chunks written by an [Encoder] (or by [Encode]).
type Decoder struct {
	dicts []decDict
}

// decDict is column k's dictionary as decoded so far: entries 0..n-1 are
// data[offs[i]:offs[i+1]]; chunks hold prefixes of these buffers.
type decDict struct {
	name string
	offs []int64
	data []byte
}

// Encode writes f as one chunk and returns the bytes written.
func (e *Encoder) Encode(w *bufio.Writer, f *frame.Frame) (int64, error) {
	if len(e.dicts) < f.NumCols() {
		e.dicts = append(e.dicts, make([]encDict, f.NumCols()-len(e.dicts))...)
	}
	return encode(w, f, e)
}

// Decode reads the next chunk; io.EOF after the last.
func (d *Decoder) Decode(r *bufio.Reader) (*frame.Frame, error) {
	return decode(r, d)
}

// canDict reports whether column c is written dictionary-encoded: its
// dictionary is a plain String column without nulls, and no bigger than
// the chunk's values written plain. (The engine accounts a chunk's
// dictionary column as its codes plus the whole dictionary, so a big
// dictionary under a few rows would make the decoded chunk look far bigger
// than its plain form, and a budgeted operator split it needlessly.)
func canDict(c *frame.Column) bool {
	dict, codes := c.Dictionary()
	if dict == nil || dict.Len() == 0 || dict.NullCount() > 0 {
		return false
	}
	offs, _ := dict.StringBuffers()
	if offs == nil {
		return false
	}
	dictBytes := 8*int64(dict.Len()+1) + offs[dict.Len()] - offs[0]
	plain := 8 * int64(len(codes)+1)
	for _, k := range codes {
		plain += offs[k+1] - offs[k]
		if plain >= dictBytes {
			return true
		}
	}
	return false
}

// encodeDict writes the values of column k (see canDict): the entries of
// its dictionary the decoder lacks, then the codes.
func (e *Encoder) encodeDict(cw *countWriter, k int, c *frame.Column) {
	dict, codes := c.Dictionary()
	offs, data := dict.StringBuffers()
	st := &e.dicts[k]
	base := unsafe.Pointer(unsafe.SliceData(offs))
	from := 0
	if st.name == c.Name() && st.dict != nil && (st.dict == dict || st.base == base) {
		from = min(st.sent, dict.Len()) // the decoder has entries [0, sent) of this dictionary
	}
	reset := uint64(0)
	if from == 0 {
		reset = 1
	}
	cw.uvarint(reset)
	m := dict.Len() - from
	cw.uvarint(uint64(m))
	lo, hi := offs[from], offs[from+m]
	cw.uvarint(uint64(hi - lo))
	lens := make([]uint32, m)
	for i := range lens {
		lens[i] = uint32(offs[from+i+1] - offs[from+i])
	}
	cw.write(bytesOf(lens))
	cw.write(data[lo:hi])
	cw.write(bytesOf(codes))
	if reset == 1 || from+m > st.sent {
		*st = encDict{name: c.Name(), dict: dict, base: base, sent: from + m}
	}
}

// decodeDict reads a column written by encodeDict.
func (d *Decoder) decodeDict(r *bufio.Reader, k int, name string, n int, valid []uint64, nulls int) (*frame.Column, error) {
	if d == nil {
		return nil, fmt.Errorf("corrupt chunk: a dictionary column in a stream read without a Decoder")
	}
	for len(d.dicts) <= k {
		d.dicts = append(d.dicts, decDict{})
	}
	st := &d.dicts[k]
	reset, err := readUvarint(r)
	if err != nil {
		return nil, err
	}
	m64, err := readUvarint(r)
	if err != nil {
		return nil, err
	}
	total, err := readUvarint(r)
	if err != nil {
		return nil, err
	}
	if m64 > 1<<32 || total > 1<<40 {
		return nil, fmt.Errorf("corrupt chunk: %d dictionary entries of %d bytes", m64, total)
	}
	m := int(m64)
	switch {
	case reset == 1:
		*st = decDict{name: name, offs: make([]int64, 1, m+1)}
	case reset != 0 || st.offs == nil || st.name != name:
		return nil, fmt.Errorf("corrupt chunk: dictionary delta for column %q without its dictionary", name)
	}
	lens := make([]uint32, m)
	if _, err := io.ReadFull(r, bytesOf(lens)); err != nil {
		return nil, unexpected(err)
	}
	o := st.offs[len(st.offs)-1]
	if len(st.offs)+m > cap(st.offs) {
		// a new backing array, with a quarter to spare (the chunks decoded
		// so far keep the old one; a chunk is accounted with its whole
		// dictionary, capacity included, so little is spared)
		want := len(st.offs) + m
		st.offs = append(make([]int64, 0, want+want/4), st.offs...)
	}
	for _, l := range lens {
		o += int64(l)
		st.offs = append(st.offs, o)
	}
	if o-int64(len(st.data)) != int64(total) {
		return nil, fmt.Errorf("corrupt chunk: dictionary lengths sum to %d, want %d", o-int64(len(st.data)), total)
	}
	if len(st.data)+int(total) > cap(st.data) {
		want := len(st.data) + int(total)
		st.data = append(make([]byte, 0, want+want/4), st.data...)
	}
	start := len(st.data)
	st.data = st.data[:start+int(total)]
	if _, err := io.ReadFull(r, st.data[start:]); err != nil {
		return nil, unexpected(err)
	}
	codes := make([]uint32, n)
	if _, err := io.ReadFull(r, bytesOf(codes)); err != nil {
		return nil, unexpected(err)
	}
	entries := uint32(len(st.offs) - 1)
	for _, c := range codes {
		if c >= entries {
			return nil, fmt.Errorf("corrupt chunk: code %d of a %d-entry dictionary", c, entries)
		}
	}
	dict, err := frame.AdoptStrings(name, st.offs, st.data, nil, 0)
	if err != nil {
		return nil, err
	}
	return frame.AdoptDict(name, codes, dict, valid, nulls)
}
