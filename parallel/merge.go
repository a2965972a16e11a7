package parallel

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// rowCmp compares row i of a with row j of b (frames of one schema).
type rowCmp func(a *frame.Frame, i int, b *frame.Frame, j int) int

// cursor walks one sorted run.
type cursor struct {
	r    *spill.Reader
	f    *frame.Frame
	i    int
	run  int
	held int64
}

// mergeRuns k-way merges sorted runs (ties: the lower run first, so
// merging consecutive stably sorted runs is a stable sort) and hands the
// result to emit in chunks, without the columns named in drop. More runs
// than fit the budget's merge fan-in are merged in consecutive groups
// first. The runs are removed.
func (e *exec) mergeRuns(ctx context.Context, runs []*spill.File, less rowCmp, drop []string, emit func(*frame.Frame) error) error {
	defer func() {
		for _, r := range runs {
			r.Remove()
		}
	}()
	var live []*spill.File
	for _, r := range runs {
		if r != nil {
			live = append(live, r)
		}
	}
	chunk := e.runChunkBytes()
	maxChunk := int64(0)
	for _, r := range live {
		if r.NumChunks() > 0 {
			maxChunk = max(maxChunk, r.Size()/int64(r.NumChunks()))
		}
	}
	maxChunk = max(maxChunk, chunk)
	fan := int(max(2, (e.sizing()/2)/(maxChunk+spill.ReadBuffer)))
	for len(live) > fan {
		var next []*spill.File
		for i := 0; i < len(live); i += fan {
			grp := live[i:min(len(live), i+fan)]
			if len(grp) == 1 {
				next = append(next, grp[0])
				continue
			}
			d, err := e.spillDir()
			if err != nil {
				return err
			}
			w, err := d.Create("merged")
			if err != nil {
				return err
			}
			err = e.merge(ctx, grp, less, chunk, func(f *frame.Frame) error { return w.Write(f) })
			for _, r := range grp {
				r.Remove()
			}
			if err != nil {
				w.Abort()
				return err
			}
			f, err := w.Close()
			if err != nil {
				return err
			}
			next = append(next, f)
		}
		live = next
		runs = live
	}
	out := min(max(e.sizing()/16, 64<<10), 32<<20)
	return e.merge(ctx, live, less, out, func(f *frame.Frame) error {
		if len(drop) > 0 {
			var err error
			if f, err = f.Drop(drop...); err != nil {
				return err
			}
		}
		e.progress("merge", int64(f.NumRows()), spill.SizeOf(f))
		return emit(f)
	})
}

// merge is one k-way merge pass emitting chunks of about outBytes.
func (e *exec) merge(ctx context.Context, runs []*spill.File, less rowCmp, outBytes int64, emit func(*frame.Frame) error) (err error) {
	if err := e.reserveNow(outBytes, "merge output chunk"); err != nil {
		return err
	}
	defer e.budget.Release(outBytes)
	var cs []*cursor
	defer func() {
		for _, c := range cs {
			c.r.Close()
			e.budget.Release(c.held)
		}
	}()
	advance := func(c *cursor) (bool, error) {
		for {
			if c.f != nil && c.i < c.f.NumRows() {
				return true, nil
			}
			e.budget.Release(c.held)
			c.held, c.f = 0, nil
			f, err := c.r.Next()
			if err == io.EOF {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			if err := e.reserveNow(spill.SizeOf(f), fmt.Sprintf("merge input chunk of run %d", c.run)); err != nil {
				return false, err
			}
			c.f, c.i, c.held = f, 0, spill.SizeOf(f)
		}
	}
	var h []*cursor
	for k, r := range runs {
		rd, err := r.Open()
		if err != nil {
			return err
		}
		c := &cursor{r: rd, run: k}
		cs = append(cs, c)
		ok, err := advance(c)
		if err != nil {
			return err
		}
		if ok {
			h = append(h, c)
		}
	}
	lessC := func(a, b *cursor) bool {
		if c := less(a.f, a.i, b.f, b.i); c != 0 {
			return c < 0
		}
		return a.run < b.run
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && lessC(h[r], h[l]) {
				m = r
			}
			if !lessC(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	var app *frame.Appender
	flush := func() error {
		if app == nil || app.Len() == 0 {
			return nil
		}
		return emit(app.Build())
	}
	steps := 0
	for len(h) > 0 {
		if steps++; steps&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		top := h[0]
		if app == nil {
			app = frame.NewAppender(top.f)
		}
		// the runner-up: the smaller child of the root
		var second *cursor
		if len(h) > 1 {
			second = h[1]
			if len(h) > 2 && lessC(h[2], h[1]) {
				second = h[2]
			}
		}
		s := top.i
		top.i++
		for top.i < top.f.NumRows() && (second == nil || lessC(top, second)) {
			top.i++
		}
		if err := app.Append(top.f, s, top.i); err != nil {
			return err
		}
		if app.Size() >= outBytes || app.Len() >= 1<<16 {
			if err := flush(); err != nil {
				return err
			}
		}
		ok, err := advance(top)
		if err != nil {
			return err
		}
		if !ok {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	if app == nil {
		// all runs empty: pass the schema on from any run
		for _, r := range runs {
			for f, err := range r.Chunks(ctx) {
				if err != nil {
					return err
				}
				return emit(f.Head(0))
			}
		}
		return nil
	}
	return flush()
}

// ordCmp orders rows by an Int64 ordinal column at index k.
func ordCmp(k int) rowCmp {
	return func(a *frame.Frame, i int, b *frame.Frame, j int) int {
		return cmp.Compare(a.ColumnAt(k).Int64s()[i], b.ColumnAt(k).Int64s()[j])
	}
}

// colIndex returns the index of column name in f.
func colIndex(f *frame.Frame, name string) (int, error) {
	for i, n := range f.Names() {
		if n == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("parallel: internal error: no column %q", name)
}

// compareCells compares value i of column a with value j of column b (one
// type) as frame.Sort orders them: nulls last whatever desc says, strings
// bytewise, false < true, floats by value.
func compareCells(a *frame.Column, i int, b *frame.Column, j int, desc bool) int {
	na, nb := a.IsNull(i), b.IsNull(j)
	if na || nb {
		switch {
		case na && nb:
			return 0
		case na:
			return 1
		default:
			return -1
		}
	}
	var c int
	switch a.Type() {
	case frame.Float64:
		c = cmp.Compare(floatKey(a.Float64s()[i]), floatKey(b.Float64s()[j]))
	case frame.String:
		c = bytes.Compare(a.StrBytes(i), b.StrBytes(j))
	case frame.Bool:
		x, y := a.Bools()[i], b.Bools()[j]
		switch {
		case x == y:
		case !x:
			c = -1
		default:
			c = 1
		}
	default:
		c = cmp.Compare(a.Int64s()[i], b.Int64s()[j])
	}
	if desc {
		c = -c
	}
	return c
}

// floatKey maps a float to the unsigned key frame.Sort orders it by: -0
// equals 0, and NaN sorts above +Inf (below -Inf with its sign bit set), so
// the runs frame.Sort makes and the merge of them agree on one total order.
// (cmp.Compare puts NaN first: a merge by it scrambled the runs' rows once
// a descending key held NaN.)
func floatKey(x float64) uint64 {
	b := math.Float64bits(x + 0)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

// keyCmp orders rows by sort keys (column indices and directions).
func keyCmp(idx []int, desc []bool) rowCmp {
	return func(a *frame.Frame, i int, b *frame.Frame, j int) int {
		for k, x := range idx {
			if c := compareCells(a.ColumnAt(x), i, b.ColumnAt(x), j, desc[k]); c != 0 {
				return c
			}
		}
		return 0
	}
}
