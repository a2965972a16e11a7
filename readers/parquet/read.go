package parquet

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// Query says what to read from a Parquet file beyond [readers.Options].
type Query struct {
	// Where, if not the zero Expr, keeps only the rows where it is true
	// (null counts as false), as frame.Filter does. Row groups whose
	// statistics prove that no row can match a `column op literal` term of
	// its top-level conjunction are skipped without being read (see
	// frame.Expr.Comparisons); the others are read and filtered chunk by
	// chunk. Its columns need not be among Options.Columns: they are read
	// for the filter and dropped.
	Where frame.Expr
	// Stats, if non-nil, receives counts of what the read did; they are
	// final once the iterator has finished.
	Stats *Stats
}

// Stats reports what a read did.
type Stats struct {
	// RowGroups is the number of row groups in the file.
	RowGroups int
	// RowGroupsRead counts the row groups decoded; RowGroupsSkipped those
	// skipped by their statistics (Query.Where or Options.Keep).
	RowGroupsRead, RowGroupsSkipped int
	// ColumnChunks counts the column chunks decoded (a column of a row
	// group): projection reads only the columns asked for.
	ColumnChunks int
	// Columns names the columns decoded, those of Query.Where included.
	Columns []string
	// RowsRead counts rows decoded, Rows the rows yielded (after Keep and
	// Where).
	RowsRead, Rows int64
	// Bytes is the compressed size of the column chunks decoded.
	Bytes int64
}

// Open reads the Parquet file at path as a stream of frames: [Scan] with
// no predicate. Importing this package registers it with
// readers.RegisterFormat for ".parquet", so readers.Open, readers.Files and
// readers.Glob read Parquet files with it.
func Open(ctx context.Context, path string, opt readers.Options) iter.Seq2[*frame.Frame, error] {
	return Scan(ctx, path, opt, Query{})
}

// Scan reads the Parquet file at path as a stream of frames of at most
// opt.ChunkRows rows, one row group (or a slice of one) at a time, holding
// about three chunks of the columns read in memory (plus a page per column),
// never the whole file; it decodes the columns on up to GOMAXPROCS
// goroutines. See the package documentation for types, options and errors.
func Scan(ctx context.Context, path string, opt readers.Options, q Query) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		fh, err := os.Open(path)
		if err != nil {
			yield(nil, fmt.Errorf("parquet: %w", err))
			return
		}
		defer fh.Close()
		info, err := fh.Stat()
		if err != nil {
			yield(nil, fmt.Errorf("parquet: %w", err))
			return
		}
		scan(ctx, fh, info.Size(), path, opt, q, hooks{}, yield)
	}
}

// ScanReader is [Scan] over size bytes of r; name identifies the input in
// errors.
func ScanReader(ctx context.Context, r io.ReaderAt, size int64, name string, opt readers.Options, q Query) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		scan(ctx, r, size, name, opt, q, hooks{}, yield)
	}
}

// hooks are the read's internal sizes, set only by tests (the zero value is
// what every exported function uses), so tests never change package state.
type hooks struct {
	dictMax int // entries of a String column's shared dictionary (0: defaultDictMax)
}

// defaultDictMax caps the dictionary a String column shares across a read,
// as the CSV reader does.
const defaultDictMax = 1 << 16

func (h hooks) dictCap() int {
	if h.dictMax > 0 {
		return h.dictMax
	}
	return defaultDictMax
}

// reader is one read of a file.
type reader struct {
	hooks hooks
	ctx   context.Context
	name  string
	opt   readers.Options
	file  *pq.File
	ra    io.ReaderAt
	size  int64
	cols  []*column   // every top-level column of the file
	read  []*colState // the columns decoded: the output's, then Where's own
	nout  int         // the output's columns are read[:nout]
	names []string    // the output's column names
	where frame.Expr
	cmps  []frame.Comparison
	keep  *keyBounds
	stats Stats
}

// errorf is an error about the whole file.
func (r *reader) errorf(format string, args ...any) error {
	return fmt.Errorf("parquet: %s: "+format, append([]any{r.name}, args...)...)
}

func scan(ctx context.Context, ra io.ReaderAt, size int64, name string, opt readers.Options, q Query, h hooks, yield func(*frame.Frame, error) bool) {
	r := &reader{hooks: h, ctx: ctx, name: name, opt: opt, where: q.Where}
	if name == "" {
		r.name = "<input>"
	}
	if q.Stats != nil {
		defer func() { *q.Stats = r.stats }()
	}
	if err := r.open(ra, size); err != nil {
		yield(nil, err)
		return
	}
	r.run(yield)
}

// open reads the footer and plans the read: columns, types, pruning.
func (r *reader) open(ra io.ReaderAt, size int64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = r.errorf("corrupt file: %v: %w", p, readers.ErrFormat)
		}
	}()
	// parquet-go allocates the footer size the file states: check it first
	var tail [8]byte
	if size < 12 {
		return r.errorf("%d bytes is too short for a Parquet file: %w", size, readers.ErrFormat)
	}
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return r.errorf("%w", err)
	}
	if string(tail[4:]) != "PAR1" {
		return r.errorf("no Parquet footer (the file does not end in PAR1): %w", readers.ErrFormat)
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n > size-12 {
		return r.errorf("footer of %d bytes in a file of %d: %w", n, size, readers.ErrFormat)
	}
	f, err := pq.OpenFile(ra, size, pq.SkipPageIndex(true), pq.SkipBloomFilters(true), pq.ReadBufferSize(64<<10))
	if err != nil {
		return r.errorf("%w: %w", readers.ErrFormat, err)
	}
	r.file, r.ra, r.size = f, ra, size
	md := f.Metadata()
	if r.cols, err = schemaColumns(md.Schema); err != nil {
		return r.errorf("schema: %w: %w", err, readers.ErrFormat)
	}
	nleaves := 0
	for _, el := range md.Schema[1:] {
		if el.NumChildren.V == 0 {
			nleaves++
		}
	}
	for g := range md.RowGroups {
		if len(md.RowGroups[g].Columns) < nleaves || md.RowGroups[g].NumRows < 0 {
			return r.errorf("row group %d has %d column chunks and %d rows for %d columns: %w",
				g, len(md.RowGroups[g].Columns), md.RowGroups[g].NumRows, len(r.cols), readers.ErrFormat)
		}
	}
	if len(f.RowGroups()) != len(md.RowGroups) {
		return r.errorf("%d row groups in the footer, %d opened: %w", len(md.RowGroups), len(f.RowGroups()), readers.ErrFormat)
	}
	r.stats.RowGroups = len(md.RowGroups)
	return r.plan()
}

// colNames returns the file's column names, in order.
func (r *reader) colNames() []string {
	out := make([]string, len(r.cols))
	for i, c := range r.cols {
		out[i] = c.name
	}
	return out
}

// plan picks the columns to read and their types, and prepares pruning.
func (r *reader) plan() error {
	byName := make(map[string]*column, len(r.cols))
	for _, c := range r.cols {
		byName[c.name] = c
	}
	var sel []*column
	if len(r.opt.Columns) == 0 {
		sel = r.cols
	} else {
		seen := map[string]bool{}
		for _, n := range r.opt.Columns {
			c := byName[n]
			if c == nil {
				return r.errorf("%s: %w", icsv.MissingColumnText("Options.Columns", n, r.colNames()), readers.ErrNoColumn)
			}
			if seen[n] {
				return r.errorf("column %q projected twice: %w", n, readers.ErrNoColumn)
			}
			seen[n] = true
			sel = append(sel, c)
		}
	}
	for n := range r.opt.Types {
		if byName[n] == nil {
			return r.errorf("%s: %w", icsv.MissingColumnText("Options.Types", n, r.colNames()), readers.ErrNoColumn)
		}
	}
	inRead := map[*column]bool{}
	add := func(c *column) error {
		if c.nested != "" {
			return r.errorf("column %q is %s; nested and repeated columns cannot be read (leave it out with Options.Columns): %w", c.name, c.nested, readers.ErrType)
		}
		if t, ok := r.opt.Types[c.name]; ok {
			if err := c.setType(t); err != nil {
				return r.errorf("%w", err)
			}
		} else if r.opt.Raw {
			if err := c.setType(frame.String); err != nil {
				return r.errorf("%w", err)
			}
		}
		st := &colState{c: c, dec: c.dec()}
		if st.dec == frame.String && !r.opt.NoDict {
			st.sdict = newStrDict(r.hooks.dictCap())
		}
		r.read = append(r.read, st)
		inRead[c] = true
		r.stats.Columns = append(r.stats.Columns, c.name)
		return nil
	}
	for _, c := range sel {
		if err := add(c); err != nil {
			return err
		}
		r.names = append(r.names, c.name)
	}
	r.nout = len(r.read)
	if !r.where.IsZero() {
		for _, n := range r.where.Columns() {
			c := byName[n]
			if c == nil {
				return r.errorf("%s: %w", icsv.MissingColumnText("Where", n, r.colNames()), readers.ErrNoColumn)
			}
			if !inRead[c] {
				if err := add(c); err != nil {
					return err
				}
			}
		}
		schema := map[string]frame.Type{}
		for _, st := range r.read {
			schema[st.c.name] = st.c.typ
		}
		t, err := r.where.Type(schema)
		if err != nil {
			return r.errorf("Where %s: %w", r.where, err)
		}
		if t != frame.Bool {
			return r.errorf("Where %s is %v, not bool: %w", r.where, t, readers.ErrType)
		}
		r.cmps, _ = r.where.Comparisons()
	}
	if kf := r.opt.Keep; kf != nil {
		if kf.Keys == nil || len(kf.Columns) == 0 || kf.Keys.NumCols() != len(kf.Columns) {
			return r.errorf("KeyFilter needs Columns and Keys with one column each: %w", readers.ErrSchema)
		}
		var sts []*colState
		for i, n := range kf.Columns {
			var st *colState
			for _, s := range r.read[:r.nout] {
				if s.c.name == n {
					st = s
				}
			}
			if st == nil {
				return r.errorf("KeyFilter column %q is not among the columns read: %w", n, readers.ErrNoColumn)
			}
			if want := kf.Keys.ColumnAt(i).Type(); st.c.typ != want {
				return r.errorf("KeyFilter column %q is read as %v but its keys are %v: %w", n, st.c.typ, want, readers.ErrSchema)
			}
			sts = append(sts, st)
		}
		r.keep = newKeyBounds(kf, sts)
	}
	return nil
}

// skip reports whether row group g's statistics exclude every row.
func (r *reader) skip(g int) bool {
	rg := &r.file.Metadata().RowGroups[g]
	meta := func(leaf int) *format.ColumnMetaData { return &rg.Columns[leaf].MetaData }
	if r.keep != nil && r.keep.excludes(meta) {
		return true
	}
	for _, cmp := range r.cmps {
		var st *colState
		for _, s := range r.read {
			if s.c.name == cmp.Column {
				st = s
			}
		}
		if st == nil {
			continue
		}
		lo, hi, allNull, ok := chunkBounds(st, meta(st.c.leaf))
		if allNull {
			return true
		}
		if !ok {
			continue
		}
		f, err := boundsFrame(cmp.Column, st.c.typ, lo, hi)
		if err == nil && !mayMatch(f, cmp) {
			return true
		}
	}
	return false
}

// run yields the chunks.
func (r *reader) run(yield func(*frame.Frame, error) bool) {
	groups := r.file.RowGroups()
	chunkRows := r.opt.ChunkRowsOrDefault()
	sent := false
	for g := range groups {
		if err := r.ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		if r.skip(g) {
			r.stats.RowGroupsSkipped++
			continue
		}
		r.stats.RowGroupsRead++
		curs, err := r.cursors(g)
		if err != nil {
			yield(nil, err)
			return
		}
		ok, failed := r.group(g, curs, chunkRows, &sent, yield)
		if !ok || failed {
			return
		}
	}
	if !sent {
		yield(r.empty(), nil)
	}
}

// cursors opens the column chunks of row group g that are read.
func (r *reader) cursors(g int) (curs []*cursor, err error) {
	defer func() {
		if p := recover(); p != nil {
			closeAll(curs)
			curs, err = nil, r.errorf("row group %d: corrupt column chunk: %v: %w", g, p, readers.ErrFormat)
		}
	}()
	rg := &r.file.Metadata().RowGroups[g]
	for _, st := range r.read {
		md := &rg.Columns[st.c.leaf].MetaData
		cu, err := newCursor(st, r.ra, r.size, md, rg.NumRows)
		if err != nil {
			closeAll(curs)
			return nil, r.errorf("row group %d, column %q: %w", g, st.c.name, err)
		}
		curs = append(curs, cu)
		r.stats.ColumnChunks++
		r.stats.Bytes += md.TotalCompressedSize
	}
	return curs, nil
}

func closeAll(curs []*cursor) {
	for _, cu := range curs {
		cu.close()
	}
}

// piece is one chunk's column, or the error that stopped it.
type piece struct {
	col *frame.Column
	err error
}

// group yields the chunks of row group g. Each column is decoded by its own
// goroutine, chunk after chunk, up to two chunks ahead of the consumer; a
// semaphore lets at most GOMAXPROCS of them decode at once. Columns thus
// decode in parallel without waiting for each other at every chunk (a
// column whose page must be decompressed takes longer than one that goes
// on with its current page). It reports whether to go on, and whether an
// error was yielded.
func (r *reader) group(g int, curs []*cursor, chunkRows int, sent *bool, yield func(*frame.Frame, error) bool) (ok, failed bool) {
	rows := r.file.Metadata().RowGroups[g].NumRows
	done := make(chan struct{})
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	chans := make([]chan piece, len(curs))
	var wg sync.WaitGroup
	for k, cu := range curs {
		ch := make(chan piece, 2)
		chans[k] = ch
		wg.Go(func() {
			defer close(ch)
			for lo := int64(0); lo < rows; lo += int64(chunkRows) {
				m := int(min(int64(chunkRows), rows-lo))
				select {
				case sem <- struct{}{}:
				case <-done:
					return
				}
				col, err := decodePiece(cu, m)
				<-sem
				select {
				case ch <- piece{col, err}:
				case <-done:
					return
				}
				if err != nil {
					return
				}
			}
		})
	}
	defer func() {
		close(done)
		wg.Wait()
		closeAll(curs)
	}()
	for lo := int64(0); lo < rows; lo += int64(chunkRows) {
		cols := make([]*frame.Column, len(curs)) // the frame keeps the slice
		if err := r.ctx.Err(); err != nil {
			yield(nil, err)
			return false, true
		}
		m := int(min(int64(chunkRows), rows-lo))
		for k, ch := range chans {
			p, open := <-ch
			if !open {
				p.err = errCorrupt("internal error: column ended early")
			}
			if p.err != nil {
				yield(nil, r.errorf("row group %d, column %q: %w", g, curs[k].st.c.name, p.err))
				return false, true
			}
			cols[k] = p.col
		}
		f, err := frame.New(cols...)
		if err == nil {
			r.stats.RowsRead += int64(m)
			f, err = r.filter(f)
		} else {
			err = r.errorf("row group %d: %w", g, err)
		}
		if err != nil {
			yield(nil, err)
			return false, true
		}
		if f.NumRows() == 0 {
			continue
		}
		*sent = true
		r.stats.Rows += int64(f.NumRows())
		if !yield(f, nil) {
			return false, false
		}
	}
	return true, false
}

// decodePiece decodes the next m rows of a column chunk; a panic in the
// decoders (a corrupt page they did not catch) is an error.
func decodePiece(cu *cursor, m int) (col *frame.Column, err error) {
	defer func() {
		if p := recover(); p != nil {
			col, err = nil, &decodePanic{value: p, stack: debug.Stack()}
		}
	}()
	b := cu.newColBuf(m)
	if err := cu.fill(b, 0, m); err != nil {
		return nil, err
	}
	return b.column(cu.st)
}

// decodePanic is a panic recovered in the decoders: a corrupt page they did
// not catch. Its message is the panic's; the stack is kept for debugging
// (tests print it) but left out of the message a user sees.
type decodePanic struct {
	value any
	stack []byte
}

func (e *decodePanic) Error() string {
	return fmt.Sprintf("corrupt data: %v: %v", e.value, readers.ErrFormat)
}
func (e *decodePanic) Unwrap() error { return readers.ErrFormat }

// filter applies Keep and Where to a chunk and drops Where's own columns.
func (r *reader) filter(f *frame.Frame) (*frame.Frame, error) {
	var err error
	if r.opt.Keep != nil {
		if f, err = r.opt.Keep.Filter(f); err != nil {
			return nil, r.errorf("%w", err)
		}
	}
	if !r.where.IsZero() {
		if f, err = f.Filter(r.where); err != nil {
			return nil, r.errorf("Where %s: %w", r.where, err)
		}
	}
	if r.nout < len(r.read) {
		if f, err = f.Select(r.names...); err != nil {
			return nil, r.errorf("%w", err)
		}
	}
	return f, nil
}

// empty returns a frame of no rows with the output's columns.
func (r *reader) empty() *frame.Frame {
	cols := make([]*frame.Column, r.nout)
	for k, st := range r.read[:r.nout] {
		cols[k] = frame.NewBuilder(st.c.typ, 0).Build(st.c.name)
	}
	return frame.Must(frame.New(cols...))
}
