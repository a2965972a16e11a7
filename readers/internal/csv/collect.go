package csv

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/sluicedata/sluice/frame"
)

// Collect mode: Collect reads a file of known size into one frame, and the
// chunks' Int64/Date/Datetime/Float64 values (and the codes of
// dictionary-encoded String columns) are written by the workers straight
// into whole-file arrays (sized from the file size and the bytes per record
// seen so far), each chunk at the row offset the splitter predicts for it,
// and the chunk columns are views of those arrays. Collect then adopts the
// arrays instead of copying every chunk: that saves a copy and the
// first-touch page faults of a second frame-sized buffer.
//
// Nothing depends on the prediction being right: Collect checks each
// chunk's column by address, copies any chunk that is not in place (the
// first chunks, chunks the general path parsed, rechunked frames, and
// everything after a miscount such as blank lines) to its true offset, and
// falls back to a plain concatenation when the arrays are too small or a
// copy would overwrite a chunk not yet placed.

type collector struct {
	size  int64 // input size in bytes
	kinds []uint8
	// from the inference sample, fixed before the collector is shared:
	// the input's estimated records (0: unknown) and each column's average
	// field bytes, for sizing Collect's string buffers
	estRows  int
	strBytes []float64

	// the string buffers Collect hands back for the workers' next chunks
	offsPool chan []int64
	dataPool chan []byte

	// producer goroutine only
	pred   int  // predicted row offset of the next chunk
	setUp  bool // dest allocated (or given up)
	broken bool // predictions no longer meaningful (restart)

	// written by the producer before any job that uses them is sent
	ints   [][]int64
	floats [][]float64
	codes  [][]uint32 // dictionary-encoded String columns
	rows   int        // capacity of the arrays in rows

	dicts []*strDict // per column: its dictionary, or nil
}

// newCollector returns the collector of a read of size bytes, or nil when
// the read cannot collect in place (no fused path, a key filter, no
// numeric or encoded column).
func newCollector(rd *reader, size int64) *collector {
	if rd.fused == nil || size <= 0 || rd.cfg.Keep != nil {
		return nil
	}
	has := false
	for _, k := range rd.fused.kinds {
		if k == kInt || k == kFloat || k == kDate || k == kDatetime {
			has = true
		}
	}
	if !has {
		return nil
	}
	c := &collector{size: size, kinds: rd.fused.kinds, strBytes: make([]float64, len(rd.cols)), dicts: make([]*strDict, len(rd.cols)),
		offsPool: make(chan []int64, 4*len(rd.cols)), dataPool: make(chan []byte, 4*len(rd.cols))}
	for k, col := range rd.cols {
		c.dicts[k] = col.dict
	}
	if rd.sampleRecs > 0 && rd.sampleBytes > 0 {
		c.estRows = int(float64(c.size) / (float64(rd.sampleBytes) / float64(rd.sampleRecs)))
		for k, col := range rd.cols {
			c.strBytes[k] = col.avg
		}
	}
	return c
}

// assign is called by the producer for each chunk, in order, with the number
// of records the splitter counted in it and the input bytes consumed so far;
// it returns the chunk's predicted offset and whether the chunk should write
// into the whole-input arrays.
func (c *collector) assign(recs int, consumed int64) (int, bool) {
	off := c.pred
	c.pred += recs
	if c.broken {
		return off, false
	}
	if !c.setUp {
		c.setUp = true
		if consumed <= 0 || c.pred <= 0 {
			c.broken = true
			return off, false
		}
		rest := max(c.size-consumed, 0)
		est := float64(c.pred) + float64(rest)*float64(c.pred)/float64(consumed)*1.03 + 65536
		if est > 1<<40 {
			c.broken = true
			return off, false
		}
		c.rows = int(est)
		c.ints = make([][]int64, len(c.kinds))
		c.floats = make([][]float64, len(c.kinds))
		c.codes = make([][]uint32, len(c.kinds))
		for k, kind := range c.kinds {
			if c.dicts[k] != nil {
				c.codes[k] = make([]uint32, c.rows)
			}
			switch kind {
			case kInt, kDate, kDatetime:
				c.ints[k] = make([]int64, c.rows)
			case kFloat:
				c.floats[k] = make([]float64, c.rows)
			}
		}
	}
	return off, off+recs <= c.rows
}

// view returns the whole-input array slice for column k of a chunk at off
// with room for rows, or nil.
func (c *collector) intView(k, off, rows int) []int64 {
	if c == nil || c.ints == nil || c.ints[k] == nil {
		return nil
	}
	return c.ints[k][off : off+rows : off+rows]
}

func (c *collector) codeView(k, off, rows int) []uint32 {
	if c == nil || c.codes == nil || c.codes[k] == nil {
		return nil
	}
	return c.codes[k][off : off+rows : off+rows]
}

func (c *collector) floatView(k, off, rows int) []float64 {
	if c == nil || c.floats == nil || c.floats[k] == nil {
		return nil
	}
	return c.floats[k][off : off+rows : off+rows]
}

// place puts the chunks' values of one column into dest at their true
// offsets, leaving chunks that already are in place alone. It reports false
// (having changed nothing) when dest is too small or a copy would overwrite
// a chunk not yet placed.
func place[T any](dest []T, vals [][]T) ([]T, bool) {
	var z T
	size := unsafe.Sizeof(z)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(dest)))
	pos := make([]int, len(vals)) // index of each chunk in dest, or -1
	for i, v := range vals {
		pos[i] = -1
		if len(v) == 0 {
			continue
		}
		a := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
		if a >= base && a < base+uintptr(len(dest))*size {
			pos[i] = int((a - base) / size)
		}
	}
	// dry run
	t := 0
	nextView := len(dest)
	next := make([]int, len(vals)) // first view position after chunk i
	for i := len(vals) - 1; i >= 0; i-- {
		next[i] = nextView
		if pos[i] >= 0 {
			nextView = pos[i]
		}
	}
	for i, v := range vals {
		r := len(v)
		if t+r > len(dest) {
			return nil, false
		}
		if pos[i] != t && t+r > next[i] {
			return nil, false
		}
		t += r
	}
	t = 0
	for i, v := range vals {
		if pos[i] != t {
			copy(dest[t:], v)
		}
		t += len(v)
	}
	return dest[:t:t], true
}

// collectColumn builds column k of Collect's result from the collector's
// array, or returns nil when it cannot (the caller then concatenates).
func (c *collector) collectColumn(k int, parts []*frame.Column) *frame.Column {
	if c == nil || k >= len(c.kinds) {
		return nil
	}
	first := parts[0]
	for _, p := range parts {
		if p.Name() != first.Name() || p.Type() != first.Type() {
			return nil
		}
	}
	valid, nulls, ok := concatValidity(parts)
	if !ok {
		return nil
	}
	switch {
	case c.ints != nil && c.ints[k] != nil && first.Type() != frame.Float64 && first.Type() != frame.String && first.Type() != frame.Bool:
		vals := make([][]int64, len(parts))
		for i, p := range parts {
			vals[i] = p.Int64s()
		}
		d, ok := place(c.ints[k], vals)
		if !ok {
			return nil
		}
		c.ints[k] = nil
		return orNil(frame.AdoptInt64s(first.Name(), first.Type(), d, valid, nulls))
	case c.floats != nil && c.floats[k] != nil && first.Type() == frame.Float64:
		vals := make([][]float64, len(parts))
		for i, p := range parts {
			vals[i] = p.Float64s()
		}
		d, ok := place(c.floats[k], vals)
		if !ok {
			return nil
		}
		c.floats[k] = nil
		return orNil(frame.AdoptFloat64s(first.Name(), d, valid, nulls))
	case c.codes != nil && c.codes[k] != nil && first.Type() == frame.String:
		// every part is encoded with snapshots of the read's one growing
		// dictionary (or plain, after it filled up): the largest snapshot
		// holds every entry
		vals := make([][]uint32, len(parts))
		var dict *frame.Column
		for i, p := range parts {
			d, codes := p.Dictionary()
			if d == nil {
				return nil
			}
			if dict == nil || d.Len() > dict.Len() {
				dict = d
			}
			vals[i] = codes
		}
		d, ok := place(c.codes[k], vals)
		if !ok {
			return nil
		}
		c.codes[k] = nil
		return orNil(frame.AdoptDict(first.Name(), d, dict, valid, nulls))
	}
	return nil
}

// orNil is c, or nil (the caller concatenates instead) when adopting failed.
func orNil(c *frame.Column, err error) *frame.Column {
	if err != nil {
		return nil
	}
	return c
}

// recycle offers a chunk's string buffers for reuse.
func (c *collector) recycle(offs []int64, data []byte) {
	if offs != nil {
		select {
		case c.offsPool <- offs[:0:cap(offs)]:
		default:
		}
	}
	if data != nil {
		select {
		case c.dataPool <- data[:0:cap(data)]:
		default:
		}
	}
}

// offsBuf returns a recycled offsets buffer of length n with offs[0] = 0
// (the workers write every other entry, row by row), or a new one.
func (c *collector) offsBuf(n int) []int64 {
	if c != nil {
		select {
		case b := <-c.offsPool:
			if cap(b) >= n {
				b = b[:n]
				b[0] = 0
				return b
			}
		default:
		}
	}
	return make([]int64, n)
}

// scratch returns an empty recycled byte buffer with room for n bytes, or
// a new one.
func (c *collector) scratch(n int) []byte {
	select {
	case b := <-c.dataPool:
		if cap(b) >= n {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, n)
}

// Collect reads the uncompressed file f of the given size into one frame
// (readers.ReadFile): like concatenating ReadFile's chunks, but the workers
// write numeric and dictionary-code columns straight into whole-file arrays,
// and String columns are copied into whole-file buffers as the chunks
// arrive, each chunk's buffers going back to the workers for the next
// chunks, so the result is built with little more memory than its own size
// and few freshly touched pages.
func Collect(ctx context.Context, f *os.File, size int64, cfg Config) (*frame.Frame, error) {
	rd, unmap, err := openFile(ctx, f, size, cfg)
	if err != nil {
		return nil, err
	}
	defer unmap() // after run, whose goroutines have all stopped
	coll := newCollector(rd, size)
	rd.coll = coll
	var pcs [][]*frame.Column // per chunk: its columns (absorbed strings nil)
	var first *frame.Frame
	var accs []*strAcc
	var ferr error
	rd.run(ctx, func(fr *frame.Frame, owned bool, err error) bool {
		if err != nil {
			ferr = err
			return false
		}
		if pcs == nil {
			first = fr
		}
		pcs = append(pcs, fr.Columns())
		if len(pcs) == 2 && coll != nil && coll.estRows > 0 {
			// the string columns are copied into whole-file buffers as
			// the chunks arrive, instead of all being held and
			// concatenated at the end
			accs = newStrAccs(pcs[0], coll)
			for i, cols := range pcs {
				if err := absorb(accs, cols); err != nil {
					ferr = fmt.Errorf("readers: chunk %d: %w", i, err)
					return false
				}
			}
			first = nil
		} else if accs != nil {
			if err := absorb(accs, pcs[len(pcs)-1]); err != nil {
				ferr = fmt.Errorf("readers: chunk %d: %w", len(pcs)-1, err)
				return false
			}
		}
		if owned && accs != nil {
			// nothing else holds the chunk's string buffers: the workers
			// reuse them (warm pages, no fresh faults)
			for k, a := range accs {
				if a != nil {
					coll.recycle(fr.ColumnAt(k).StringBuffers())
				}
			}
		}
		return true
	})
	if ferr != nil {
		return nil, ferr
	}
	if len(pcs) == 1 {
		return first, nil
	}
	out := make([]*frame.Column, len(pcs[0]))
	for k, a := range accs {
		if a != nil {
			c, err := a.column()
			if err != nil {
				return nil, err
			}
			out[k] = c
			accs[k] = nil
		}
	}
	if coll != nil {
		// adopt, in parallel, every column the workers wrote in place
		// (nothing is allocated but bitmaps)
		var todo []int
		for k := range out {
			if out[k] == nil {
				todo = append(todo, k)
			}
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		var collected atomic.Int64
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
					k := todo[i]
					one := make([]*frame.Column, len(pcs))
					for j := range pcs {
						one[j] = pcs[j][k]
					}
					if c := coll.collectColumn(k, one); c != nil {
						out[k] = c
						collected.Add(1)
						for j := range pcs {
							pcs[j][k] = nil
						}
					}
				}
			}()
		}
		wg.Wait()
		if rd.stats != nil {
			rd.stats.Collected += collected.Load()
		}
	}
	if err := concatInto(out, pcs); err != nil {
		return nil, err
	}
	return frame.New(out...)
}
