package parallel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// buffered is the head of a source held in memory (its bytes reserved in
// the budget) and a pull function for the rest.
type buffered struct {
	chunks []*frame.Frame
	size   int64 // reserved
	rows   int64
	done   bool // the source is exhausted: chunks is all of it
	next   func() (*frame.Frame, error, bool)
	stop   func()
	names  []string
	schema *frame.Frame // the first chunk's columns, no rows
	// pending is a chunk pulled but not reserved (the budget had no room):
	// it comes after chunks and before the rest of the source.
	pending *frame.Frame
}

// buffer pulls chunks from src until more than threshold bytes are held,
// the budget has no room for the next chunk (it is then held as the
// pending head, see pending), or src ends. The first chunk is always
// pulled (its schema is b.schema), and held as pending too when it does
// not fit or exceeds threshold: the operator then streams and spills,
// where forChunks splits a chunk too big for what is free. The caller must call b.release and
// b.stop.
func (e *exec) buffer(ctx context.Context, src Source, threshold int64, side string) (*buffered, error) {
	next, stop := iter.Pull2(src)
	b := &buffered{next: next, stop: stop}
	for b.size <= threshold || b.rows == 0 {
		c, err, ok := next()
		if !ok {
			b.done = true
			break
		}
		if err != nil {
			return b, err
		}
		if err := ctx.Err(); err != nil {
			return b, err
		}
		if b.names == nil {
			b.names = c.Names()
			b.schema = c.Head(0)
		}
		s := spill.SizeOf(c)
		if (len(b.chunks) == 0 && s > threshold && c.NumRows() > 0) || !e.budget.TryAcquire(s) {
			// no room, or a first chunk already past the threshold: the
			// rest streams (the caller spills); this chunk goes first,
			// unreserved until it is handed out (holding it reserved
			// would only starve the spill's own buffers)
			b.pending = c
			break
		}
		b.size += s
		b.rows += int64(c.NumRows())
		b.chunks = append(b.chunks, c)
		e.progress("read", int64(c.NumRows()), s)
	}
	return b, nil
}

// release returns the buffered chunks' bytes to the budget and drops them.
func (b *buffered) release(e *exec) {
	e.budget.Release(b.size)
	b.size = 0
	b.chunks = nil
}

// all concatenates the buffered chunks (only when done).
func (b *buffered) all() (*frame.Frame, error) {
	if len(b.chunks) == 0 {
		return frame.Empty(), nil
	}
	return frame.Concat(b.chunks...)
}

// forChunks calls fn for the buffered chunks and then for the rest of the
// source on worker goroutines, each chunk with the ordinal of its first row.
// Every chunk in flight holds cost(chunk) bytes of the budget (reserved
// before it is handed out: back-pressure on the source). The buffered
// chunks' own reservation is released as they are handed out.
func (e *exec) forChunks(ctx context.Context, b *buffered, cost func(c *frame.Frame) int64, fn func(ctx context.Context, c *frame.Frame, base int64) error) error {
	type job struct {
		c    *frame.Frame
		base int64
		i    int
		cost int64
	}
	// whatever of b is not handed out (an error stopped the loop) gives
	// its reservation back
	defer b.release(e)
	g, gctx := errgroup.WithContext(ctx)
	jobs := make(chan job)
	// inflight counts chunks handed out and not yet released: waiting for
	// budget is only safe while one of them can still give some back
	var inflight atomic.Int64
	helpers := tryAcquire(e.opt.workers() - 1)
	for w := 0; w <= helpers; w++ {
		g.Go(func() error {
			if w > 0 {
				defer release()
			}
			for j := range jobs {
				err := protect(func() string { return fmt.Sprintf("%s: chunk %d", e.name, j.i) },
					func() error { return fn(gctx, j.c, j.base) })
				e.budget.Release(j.cost)
				inflight.Add(-1)
				if err != nil {
					if _, ok := err.(*PanicError); ok {
						return err
					}
					return fmt.Errorf("parallel: %s: chunk %d (rows %d to %d): %w", e.name, j.i, j.base, j.base+int64(j.c.NumRows())-1, err)
				}
			}
			return nil
		})
	}
	var base int64
	i := 0
	var send func(c *frame.Frame, held int64) error
	send = func(c *frame.Frame, held int64) error {
		k := cost(c)
		// the chunk's own reservation becomes part of its job's cost
		e.budget.Release(held)
		if err := e.reserve(gctx, k, fmt.Sprintf("chunk %d", i), inflight.Load); err != nil {
			// a chunk too big for what is left of the budget goes in
			// halves: the way out when other operators hold the rest
			if n := c.NumRows(); errors.Is(err, spill.ErrBudget) && n > minSplitRows {
				if err := send(c.Slice(0, n/2), 0); err != nil {
					return err
				}
				return send(c.Slice(n/2, n), 0)
			}
			return err
		}
		inflight.Add(1)
		select {
		case jobs <- job{c, base, i, k}:
		case <-gctx.Done():
			e.budget.Release(k)
			inflight.Add(-1)
			return context.Cause(gctx)
		}
		base += int64(c.NumRows())
		i++
		return nil
	}
	err := func() error {
		chunks := b.chunks
		b.chunks = nil
		for k, c := range chunks {
			s := spill.SizeOf(c)
			b.size -= s
			chunks[k] = nil
			if err := send(c, s); err != nil {
				return err
			}
		}
		if b.pending != nil {
			c := b.pending
			b.pending = nil
			e.progress("read", int64(c.NumRows()), spill.SizeOf(c))
			if err := send(c, 0); err != nil {
				return err
			}
		}
		if b.done {
			return nil
		}
		for {
			c, err, ok := b.next()
			if !ok {
				return nil
			}
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			e.progress("read", int64(c.NumRows()), spill.SizeOf(c))
			if err := send(c, 0); err != nil {
				return err
			}
		}
	}()
	close(jobs)
	if werr := g.Wait(); werr != nil {
		return werr
	}
	return err
}

// partWriters are np append-only spill files filled concurrently.
type partWriters struct {
	e    *exec
	name string
	mu   []sync.Mutex
	w    []*spill.Writer
}

func newPartWriters(e *exec, name string, np int) *partWriters {
	return &partWriters{e: e, name: name, mu: make([]sync.Mutex, np), w: make([]*spill.Writer, np)}
}

func (pw *partWriters) write(p int, f *frame.Frame) error {
	pw.mu[p].Lock()
	defer pw.mu[p].Unlock()
	if pw.w[p] == nil {
		d, err := pw.e.spillDir()
		if err != nil {
			return err
		}
		if pw.w[p], err = d.Create(fmt.Sprintf("%s-%d", pw.name, p)); err != nil {
			return err
		}
	}
	return pw.w[p].Write(f)
}

// finish closes the files; partitions that got no rows are nil.
func (pw *partWriters) finish() ([]*spill.File, error) {
	out := make([]*spill.File, len(pw.w))
	var first error
	for p, w := range pw.w {
		if w == nil {
			continue
		}
		f, err := w.Close()
		if err != nil && first == nil {
			first = err
		}
		out[p] = f
	}
	return out, first
}

func (pw *partWriters) abort() {
	for _, w := range pw.w {
		if w != nil {
			w.Abort()
		}
	}
}

// partOf is the partition of hash h among np at a repartitioning level
// (level 0 uses h's top bits as Partition does; deeper levels remix).
func partOf(h uint64, np, level int) int {
	if level > 0 {
		h = frame.MixHash(h + uint64(level)*0x9E3779B97F4A7C15)
	}
	return int(partitionOf(h, np))
}

// splitChunk writes the rows of c to the partition writers by key hash and
// reports whether all rows had one hash (and which).
func splitChunk(c *frame.Frame, keys []string, np, level int, pw *partWriters) (first uint64, same bool, err error) {
	n := c.NumRows()
	if n == 0 {
		return 0, true, nil
	}
	h := make([]uint64, n)
	if err := frame.HashKeys(h, c, keys...); err != nil {
		return 0, false, err
	}
	part := make([]int32, n)
	counts := make([]int, np)
	same = true
	for i, x := range h {
		p := partOf(x, np, level)
		part[i] = int32(p)
		counts[p]++
		same = same && x == h[0]
	}
	if np == 1 || counts[part[0]] == n {
		return h[0], same, pw.write(int(part[0]), c)
	}
	idx := make([][]int, np)
	for p, k := range counts {
		if k > 0 {
			idx[p] = make([]int, 0, k)
		}
	}
	for i, p := range part {
		idx[p] = append(idx[p], i)
	}
	for p, rows := range idx {
		if len(rows) == 0 {
			continue
		}
		piece, err := c.Take(rows)
		if err != nil {
			return 0, false, err
		}
		if err := pw.write(p, piece); err != nil {
			return 0, false, err
		}
	}
	return h[0], same, nil
}

// spillPartitions hash-partitions the whole source (buffered head, then
// the rest) into np spill files by keys, each row carrying its ordinal in
// column ord.
func (e *exec) spillPartitions(ctx context.Context, b *buffered, keys []string, np int, ord, name string) ([]*spill.File, error) {
	bufs := int64(np) * spill.WriteBuffer
	if err := e.reserveNow(bufs, fmt.Sprintf("%d spill file buffers", np)); err != nil {
		b.release(e)
		return nil, err
	}
	defer e.budget.Release(bufs)
	pw := newPartWriters(e, name, np)
	err := e.forChunks(ctx, b, func(c *frame.Frame) int64 { return 3 * spill.SizeOf(c) }, func(ctx context.Context, c *frame.Frame, base int64) error {
		c, err := withOrd(c, ord, base)
		if err != nil {
			return err
		}
		_, _, err = splitChunk(c, keys, np, 0, pw)
		e.progress("spill "+name, int64(c.NumRows()), spill.SizeOf(c))
		return err
	})
	if err != nil {
		pw.abort()
		return nil, err
	}
	e.done("spill " + name)
	return pw.finish()
}

// part is one partition: a spill file per side (nil: no rows).
type part []*spill.File

func (p part) size() int64 {
	s := int64(0)
	for _, f := range p {
		if f != nil {
			s += f.Size()
		}
	}
	return s
}

func (p part) empty() bool { return p.size() == 0 && p.rows() == 0 }

func (p part) rows() int64 {
	r := int64(0)
	for _, f := range p {
		if f != nil {
			r += f.Rows()
		}
	}
	return r
}

func (p part) remove() {
	for _, f := range p {
		f.Remove()
	}
}

// fitParts splits, recursively and by a remixed hash, every partition
// whose cost (factor × its in-memory size) exceeds maxCost (a worker's
// share of the free budget, so partitions run side by side). A partition
// holding a single key cannot be split: it is kept if its cost fits the
// whole free budget (it then runs alone) and otherwise fails with
// ErrBudget naming the key and its size.
func (e *exec) fitParts(ctx context.Context, parts []part, keys [][]string, factor, maxCost int64, level int) ([]part, error) {
	return e.fitPartsTo(ctx, parts, keys, factor, maxCost, max(e.free(), maxCost), level)
}

func (e *exec) fitPartsTo(ctx context.Context, parts []part, keys [][]string, factor, maxCost, hardMax int64, level int) ([]part, error) {
	const fan = 16
	var out []part
	for pi, p := range parts {
		if p.empty() {
			p.remove()
			continue
		}
		if factor*p.size() <= maxCost {
			out = append(out, p)
			continue
		}
		subs := make([]part, fan)
		for k := range subs {
			subs[k] = make(part, len(p))
		}
		allSame, hash0, seen := true, uint64(0), false
		var sample *frame.Frame
		for side, f := range p {
			if f == nil {
				continue
			}
			pw := newPartWriters(e, fmt.Sprintf("split%d", level+1), fan)
			for c, err := range f.Chunks(ctx) {
				if err == nil {
					var h uint64
					var same bool
					h, same, err = splitChunk(c, keys[side], fan, level+1, pw)
					if c.NumRows() > 0 {
						if sample == nil {
							sample, _ = c.Head(1).Select(keys[side]...)
						}
						if seen && h != hash0 {
							allSame = false
						}
						hash0, seen = h, true
						allSame = allSame && same
					}
				}
				if err != nil {
					pw.abort()
					return nil, err
				}
			}
			files, err := pw.finish()
			if err != nil {
				return nil, err
			}
			for k := range subs {
				subs[k][side] = files[k]
			}
			f.Remove()
		}
		if (allSame || level >= 12) && factor*p.size() <= hardMax {
			// one key (or hopelessly colliding ones) that fits when run
			// alone: keep its rows as they are
			for _, s := range subs {
				if s.empty() {
					s.remove()
				} else {
					out = append(out, s)
				}
			}
			continue
		}
		if allSame || level >= 12 {
			for _, s := range subs {
				s.remove()
			}
			return nil, fmt.Errorf("parallel: %s: partition %d: key %s has %d rows (%d bytes in memory, %d with working space), more than the memory budget of %d bytes allows: %w",
				e.name, pi, describeKey(sample), p.rows(), p.size(), factor*p.size(), e.budget.Limit(), ErrBudget)
		}
		fit, err := e.fitPartsTo(ctx, subs, keys, factor, maxCost, hardMax, level+1)
		if err != nil {
			return nil, err
		}
		out = append(out, fit...)
	}
	return out, nil
}

// describeKey renders a one-row key frame as (name=value, …).
func describeKey(k *frame.Frame) string {
	if k == nil || k.NumRows() == 0 {
		return "()"
	}
	var sb strings.Builder
	sb.WriteByte('(')
	for i, c := range k.Columns() {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%s=%v", c.Name(), c.Value(0))
	}
	sb.WriteByte(')')
	return sb.String()
}

// chooseParts picks the number of spill partitions: enough that each
// partition's working set (factor × its share of an input estimated at
// four times what was seen) fits a worker's share of the budget, and at
// most what the spill file buffers may take (a quarter of the budget).
func (e *exec) chooseParts(seen, factor int64) int {
	if e.opt.Partitions > 0 {
		return min(e.opt.Partitions, 1<<12)
	}
	perWorker := max(e.sizing()/int64(2*e.opt.workers()), 1)
	want := int(min(4*max(seen, 1)*factor/perWorker+1, 1<<12))
	maxBufs := int(max(e.sizing()/4/spill.WriteBuffer, 2))
	return max(2, min(max(want, 64), maxBufs, 256))
}

// fitParts caps a number of spill partitions so that their file buffers
// take at most half of what is free now (other operators sharing the
// budget may hold most of it), and at least 2.
func (e *exec) fitNP(np int) int {
	return max(2, min(np, int(e.free()/2/spill.WriteBuffer)))
}

// loadPart reads side i of a partition into one frame ordered by ord.
func loadPart(ctx context.Context, f *spill.File, ord string) (*frame.Frame, error) {
	if f == nil {
		return nil, nil
	}
	all, err := f.ReadAll(ctx)
	if err != nil {
		return nil, err
	}
	return sortByOrd(all, ord)
}

// writeRun writes f to a new spill file in slices of about chunkBytes.
func (e *exec) writeRun(f *frame.Frame, name string, chunkBytes int64) (*spill.File, error) {
	d, err := e.spillDir()
	if err != nil {
		return nil, err
	}
	w, err := d.Create(name)
	if err != nil {
		return nil, err
	}
	n := f.NumRows()
	rows := n
	if s := spill.SizeOf(f); s > chunkBytes && n > 0 {
		rows = max(64, int(int64(n)*chunkBytes/s))
	}
	for i := 0; i < n || i == 0; i += max(rows, 1) {
		if err := w.Write(f.Slice(i, i+rows)); err != nil {
			w.Abort()
			return nil, err
		}
		if n == 0 {
			break
		}
	}
	return w.Close()
}

// runChunkBytes is the chunk size of sorted run files: small enough that a
// k-way merge holds one chunk of every run within half the budget.
// At 256 MiB that is 256 KiB, a merge fan-in of about 400 runs: one pass
// for an input of about 16 GiB in memory.
func (e *exec) runChunkBytes() int64 {
	return min(max(e.sizing()/1024, 64<<10), 8<<20)
}

// minSplitRows is the smallest chunk forChunks halves when its cost does
// not fit in what is left of the budget: any chunk of more than one row
// (a hundred rows of long strings can be a good part of a small budget).
const minSplitRows = 1
