package csv

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/bits"

	"github.com/sluicedata/sluice/frame"
)

// KeySet is a compiled key filter (readers.KeyFilter): the tuples of Keys
// on the input's Columns to keep, a semi-join applied while reading. With
// String keys, records are tested as soon as their key fields are parsed;
// other key types filter each chunk with frame.Join. Build it with
// NewKeySet; it is safe for concurrent use.
type KeySet struct {
	Columns []string
	Keys    *frame.Frame

	set map[string]struct{} // nil: Keys are not all String (join per chunk)
	// a one-hash Bloom filter over the set: most records of a semi-join
	// reduction do not match, and a bit test rejects them without a map
	// lookup
	seed  maphash.Seed
	bits  []uint64
	shift uint // bits has 1<<(64-shift) bits
}

// has reports whether the encoded key tuple k is in the set.
func (kf *KeySet) has(k []byte) bool {
	h := maphash.Bytes(kf.seed, k) >> kf.shift
	if kf.bits[h>>6]&(1<<(h&63)) == 0 {
		return false
	}
	_, ok := kf.set[string(k)]
	return ok
}

// NewKeySet checks a key filter and builds the hash set of String key
// tuples.
func NewKeySet(columns []string, keys *frame.Frame) (*KeySet, error) {
	if keys == nil || len(columns) == 0 {
		return nil, fmt.Errorf("readers: KeyFilter needs Columns and Keys: %w", ErrNoColumn)
	}
	if keys.NumCols() != len(columns) {
		return nil, fmt.Errorf("readers: KeyFilter: %d key columns (%v) but Keys has %d: %w",
			len(columns), columns, keys.NumCols(), ErrSchema)
	}
	kf := &KeySet{Columns: columns, Keys: keys}
	cols := keys.Columns()
	for _, c := range cols {
		if c.Type() != frame.String {
			return kf, nil // typed keys: frame.Join per chunk
		}
	}
	set := make(map[string]struct{}, keys.NumRows())
	var buf []byte
	for r := range keys.NumRows() {
		buf = buf[:0]
		ok := true
		for i, c := range cols {
			if c.IsNull(r) {
				ok = false
				break
			}
			buf = appendKeyPart(buf, c.StrBytes(r), i == len(cols)-1)
		}
		if ok {
			set[string(buf)] = struct{}{}
		}
	}
	kf.set = set
	nbits := 1 << 12
	for nbits < 16*len(set) && nbits < 1<<26 {
		nbits <<= 1
	}
	kf.seed = maphash.MakeSeed()
	kf.bits = make([]uint64, nbits/64)
	kf.shift = uint(64 - bits.TrailingZeros(uint(nbits)))
	for k := range set {
		h := maphash.String(kf.seed, k) >> kf.shift
		kf.bits[h>>6] |= 1 << (h & 63)
	}
	return kf, nil
}

// appendKeyPart appends one value of a key tuple to buf: every value but the
// last is prefixed by its length, so distinct tuples never encode alike.
func appendKeyPart(buf, v []byte, last bool) []byte {
	if !last {
		buf = binary.AppendUvarint(buf, uint64(len(v)))
	}
	return append(buf, v...)
}

// Filter returns the rows of f whose key matches, in order: the result of
// frame.Join(f, Keys, frame.Semi, …) on the key columns.
func (kf *KeySet) Filter(f *frame.Frame) (*frame.Frame, error) {
	if kf.set == nil {
		return frame.Join(f, kf.Keys, frame.Semi, frame.JoinOn{Left: kf.Columns, Right: kf.Keys.Names()})
	}
	kc := make([]*frame.Column, len(kf.Columns))
	for i, name := range kf.Columns {
		c, err := f.Column(name)
		if err != nil {
			return nil, fmt.Errorf("readers: KeyFilter: %w", err)
		}
		if c.Type() != frame.String {
			return nil, fmt.Errorf("readers: KeyFilter: column %q is %v but its keys are String: %w", name, c.Type(), ErrSchema)
		}
		kc[i] = c
	}
	mask := make([]bool, f.NumRows())
	keep := 0
	var buf []byte
rows:
	for r := range mask {
		buf = buf[:0]
		for i, c := range kc {
			if c.IsNull(r) {
				continue rows
			}
			buf = appendKeyPart(buf, c.StrBytes(r), i == len(kc)-1)
		}
		if kf.has(buf) {
			mask[r] = true
			keep++
		}
	}
	if keep == len(mask) {
		return f, nil
	}
	return f.FilterMask(mask)
}

// keepPlan is the fused path's inline key test.
type keepPlan struct {
	kf    *KeySet
	cols  []int32 // output columns of the key, in key order
	field int     // the last key field of a record (0-based)
}

// newKeepPlan returns the inline plan when every key column is read as a
// String, or nil (the chunks are then filtered after parsing). It fails when
// a key column is not among the columns read.
func newKeepPlan(rd *reader) (*keepPlan, error) {
	kf := rd.cfg.Keep
	kp := &keepPlan{kf: kf, field: -1}
	for _, name := range kf.Columns {
		k := -1
		for i, c := range rd.cols {
			if c.name == name {
				k = i
				break
			}
		}
		if k < 0 {
			return nil, fileErr(rd.name, fmt.Errorf("readers: KeyFilter column %q is not among the columns read: %w", name, ErrNoColumn))
		}
		if want := kf.Keys.ColumnAt(len(kp.cols)).Type(); rd.cols[k].typ != want {
			return nil, fileErr(rd.name, fmt.Errorf("readers: KeyFilter column %q is read as %v but its keys are %v: %w", name, rd.cols[k].typ, want, ErrSchema))
		}
		kp.cols = append(kp.cols, int32(k))
		if kf.set == nil {
			continue
		}
		kp.field = max(kp.field, rd.cols[k].src)
	}
	if kf.set == nil {
		return nil, nil
	}
	return kp, nil
}

// match reports whether row r of the chunk being built has a kept key.
func (kp *keepPlan) match(w *worker, outs []colOut, r int) bool {
	buf := w.key[:0]
	for i, k := range kp.cols {
		o := &outs[k]
		if o.valid != nil && o.valid[r>>6]&(1<<(uint(r)&63)) == 0 {
			return false
		}
		buf = appendKeyPart(buf, o.data[o.offs[r]:o.offs[r+1]], i == len(kp.cols)-1)
	}
	w.key = buf
	return kp.kf.has(buf)
}

// skipRest skips the rest of a record whose key did not match: p is at the
// terminator of a field, left fields follow it. It checks the structure the
// field-by-field path would (the field count; a quoted field starts a field
// and its closing quote is followed by a delimiter, a doubled quote or the
// end of the line) and returns the start of the next record; false when it
// cannot vouch for the record (a stray quote, a quoted line break, a lone
// CR, a wrong field count), and the caller then walks the fields one by
// one, which decides exactly.
//
// It works on 8 bytes at a time without branching on their content: byte
// masks of quotes, delimiters and line ends, a prefix XOR of the quote mask
// for "inside a quoted field", and population counts of the delimiters
// outside quotes.
func (fp *fusedPlan) skipRest(b []byte, p, left int) (int, bool) {
	const lo7 = 0x7F7F7F7F7F7F7F7F
	const hi = 0x8080808080808080
	const ones = 0x0101010101010101
	n := len(b)
	delim := byte(fp.delims)
	delims := 0
	var inside uint64 // hi when the word starts inside a quoted field
	var prevDQ uint64 // 0x80 when the byte before the word is a delimiter or a quote
	i := p
	for ; i+8 <= n; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		qx := x ^ '"'*ones
		dx := x ^ fp.delims
		lx := x ^ '\n'*ones
		cx := x ^ '\r'*ones
		q := ^(((qx & lo7) + lo7) | qx) & hi
		d := ^(((dx & lo7) + lo7) | dx) & hi
		l := ^(((lx & lo7) + lo7) | lx) & hi
		c := ^(((cx & lo7) + lo7) | cx) & hi
		lines := l | c
		if q|inside|lines == 0 {
			// the common word: unquoted text and delimiters
			delims += bits.OnesCount64(d)
			prevDQ = d >> 63 << 7
			continue
		}
		// in: bytes inside a quoted field (an opening quote is inside, a
		// closing one outside)
		in := q
		in ^= in << 8
		in ^= in << 16
		in ^= in << 32
		in ^= inside
		end := lines &^ in
		end &= -end // the record's terminator, if in this word
		upto := end - 1
		if end == 0 {
			upto = ^uint64(0)
		}
		upto &= hi
		open := q & in & upto
		closing := q &^ in & upto
		if open&^((d|q)<<8|prevDQ) != 0 || closing&^((d|q|lines)>>8|0x80<<56) != 0 || lines&in&upto != 0 {
			return 0, false
		}
		if closing>>63 != 0 && i+8 < n {
			// a closing quote ends the word: check the byte after it
			if nb := b[i+8]; nb != delim && nb != '"' && nb != '\n' && nb != '\r' {
				return 0, false
			}
		}
		delims += bits.OnesCount64(d &^ in & upto)
		if end != 0 {
			e := i + bits.TrailingZeros64(end)>>3
			if delims != left {
				return 0, false
			}
			if b[e] == '\r' {
				if e+1 >= n || b[e+1] != '\n' {
					return 0, false
				}
				return e + 2, true
			}
			return e + 1, true
		}
		inside = -(in >> 63) & hi
		prevDQ = (d | q) >> 63 << 7
	}
	// the last few bytes, one at a time
	in := inside != 0
	for ; i < n; i++ {
		switch ch := b[i]; ch {
		case '"':
			if !in {
				if i == p || (b[i-1] != delim && b[i-1] != '"') {
					return 0, false
				}
				in = true
				continue
			}
			in = false
			if i+1 < n && b[i+1] != delim && b[i+1] != '"' && b[i+1] != '\n' && b[i+1] != '\r' {
				return 0, false
			}
		case '\n', '\r':
			if in || delims != left {
				return 0, false
			}
			if ch == '\r' {
				if i+1 >= n || b[i+1] != '\n' {
					return 0, false
				}
				return i + 2, true
			}
			return i + 1, true
		default:
			if ch == delim && !in {
				delims++
			}
		}
	}
	if in || delims != left {
		return 0, false
	}
	return n, true
}

// generalMatch is keepPlan.match for the general path: it derives the key columns'
// String values from the tokenized record by the general path's rules (a
// missing field of a padded record is null; raw text, or trimmed NA tokens
// null and TrimSpace applied).
func (rd *reader) generalMatch(tok *tokenizer, chunk []byte) bool {
	kp := rd.keep
	buf := tok.key[:0]
	for i, k := range kp.cols {
		c := &rd.cols[k]
		if c.src >= len(tok.fields) {
			return false
		}
		f := tok.field(chunk, c.src)
		if !rd.cfg.Raw {
			t := trimSpace(f)
			if rd.na.has(t) {
				return false
			}
			if rd.cfg.TrimSpace {
				f = t
			}
		}
		buf = appendKeyPart(buf, f, i == len(kp.cols)-1)
	}
	tok.key = buf
	return kp.kf.has(buf)
}
