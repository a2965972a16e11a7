// Package spill holds what sluice's out-of-core engine (package parallel)
// needs below its operators: a memory budget, a run-specific spill
// directory that is always removed, and a compact binary columnar file
// format for frames. It knows frames, not operators.
//
// # Spill format
//
// A spill file is a sequence of chunks, each one frame, written with a
// bufio.Writer and read back with a bufio.Reader. A chunk is:
//
//	"SLC1"                        4-byte magic
//	rows, cols                    uvarints
//	per column:
//	  name                        uvarint length + bytes
//	  type                        1 byte (frame.Type)
//	  nulls                       uvarint; if > 0, (rows+63)/64 validity words
//	  values                      Int64/Date/Datetime, Float64: rows × 8 bytes
//	                              Bool: rows bytes
//	                              String: uvarint data length, rows × uint32
//	                              value lengths, then the bytes
//
// Words are in the machine's byte order: spill files are private to the
// process that wrote them and never outlive it. Dictionary-encoded strings
// are written plain. Reading a chunk allocates exactly its buffers and
// adopts them as columns (see frame.AdoptInt64s): no per-value work but the
// prefix sum of string lengths.
package spill

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/lockfile"
)

// ErrBudget reports a reservation larger than the whole memory budget.
var ErrBudget = errors.New("memory budget exceeded")

// Budget is a cancellable byte budget shared by the goroutines of one
// operator call (a weighted semaphore): Acquire before materialising,
// Release after. A limit of 0 means unlimited (Acquire never waits, but
// Used and Peak still count).
type Budget struct {
	limit int64
	mu    sync.Mutex
	cond  chan struct{} // closed and replaced on every Release
	used  int64
	peak  int64
}

// NewBudget returns a budget of limit bytes (0: unlimited).
func NewBudget(limit int64) *Budget {
	return &Budget{limit: max(limit, 0), cond: make(chan struct{})}
}

// Limit returns the budget's limit in bytes (0: unlimited).
func (b *Budget) Limit() int64 { return b.limit }

// Acquire reserves n bytes, waiting until they are free or ctx is done. A
// request larger than the whole limit fails at once with an error wrapping
// ErrBudget: it could never be granted.
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	if n <= 0 {
		return nil
	}
	if b.limit > 0 && n > b.limit {
		return fmt.Errorf("spill: reserving %d bytes of a %d-byte budget: %w", n, b.limit, ErrBudget)
	}
	for {
		b.mu.Lock()
		if b.limit == 0 || b.used+n <= b.limit {
			b.used += n
			b.peak = max(b.peak, b.used)
			b.mu.Unlock()
			return nil
		}
		c := b.cond
		b.mu.Unlock()
		select {
		case <-c:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// TryAcquire reserves n bytes if they are free now and reports whether it did.
func (b *Budget) TryAcquire(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit > 0 && b.used+n > b.limit {
		return false
	}
	b.used += n
	b.peak = max(b.peak, b.used)
	return true
}

// Release returns n bytes to the budget.
func (b *Budget) Release(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	if b.used < 0 {
		b.mu.Unlock()
		panic("spill: budget released more than acquired")
	}
	close(b.cond)
	b.cond = make(chan struct{})
	b.mu.Unlock()
}

// WaitRelease waits until some bytes are released, ctx is done or d has
// passed, whichever comes first. Callers retry their reservation after it:
// a release between their failed TryAcquire and this call is caught by the
// timeout, so a loop of TryAcquire and WaitRelease never hangs.
func (b *Budget) WaitRelease(ctx context.Context, d time.Duration) error {
	b.mu.Lock()
	c := b.cond
	b.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c:
	case <-t.C:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	return nil
}

// Used returns the bytes reserved now.
func (b *Budget) Used() int64 { b.mu.Lock(); defer b.mu.Unlock(); return b.used }

// Peak returns the most bytes ever reserved at once.
func (b *Budget) Peak() int64 { b.mu.Lock(); defer b.mu.Unlock(); return b.peak }

// Dir is a run-specific spill directory. It is removed, with everything in
// it, by Remove and also as soon as the context given to NewDir is done, so
// a cancelled run leaves nothing behind even before its goroutines notice.
//
// A process killed outright (kill -9, the OOM killer) removes nothing: its
// directory is found and removed by the next NewDir under the same parent,
// or by Sweep. The directory is named sluice-spill-<pid>-<random> and holds
// a file named "lock" on which its process holds an advisory lock
// (package internal/lockfile) until Remove; the kernel drops the lock when
// the process dies, which is how a sweep tells a live run's directory from
// a dead one's.
type Dir struct {
	path  string
	lock  *os.File
	seq   atomic.Int64
	bytes atomic.Int64 // bytes in live files
	once  sync.Once
	stop  func() bool
	err   error
}

// DirPrefix starts the name of every spill directory.
const DirPrefix = "sluice-spill-"

// lockName is the lock file inside a spill directory.
const lockName = "lock"

// swept records the parents NewDir has swept in this process: once each.
var swept sync.Map

// NewDir creates a directory named sluice-spill-<pid>-* under parent (""
// means os.TempDir()). The first NewDir of a process under a parent first
// sweeps it (see Sweep); what the sweep cannot remove is ignored.
func NewDir(ctx context.Context, parent string) (*Dir, error) {
	if parent == "" {
		parent = os.TempDir()
	}
	if _, done := swept.LoadOrStore(parent, true); !done {
		Sweep(parent)
	}
	p, err := os.MkdirTemp(parent, fmt.Sprintf("%s%d-*", DirPrefix, os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	// lock a file under a temporary name and only then give it the name
	// sweeps look for, so a sweep never sees our lock file unlocked
	tmp := filepath.Join(p, ".lock-new")
	lf, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err == nil {
		if _, err = lockfile.Lock(lf); err == nil {
			err = os.Rename(tmp, filepath.Join(p, lockName))
		}
		if err != nil {
			lf.Close()
		}
	}
	if err != nil {
		os.RemoveAll(p)
		return nil, fmt.Errorf("spill: %w", err)
	}
	d := &Dir{path: p, lock: lf}
	d.stop = context.AfterFunc(ctx, func() { d.remove() })
	return d, nil
}

// staleUnlocked is how old a spill directory without a lock file (one from
// before lock files, or one whose creator died between mkdir and lock but
// whose pid is in use again) must be before Sweep takes it for abandoned.
const staleUnlocked = 10 * time.Minute

// Sweep removes the spill directories under parent ("" means
// os.TempDir()) left by processes that are gone: those whose lock file no
// live process holds, and those without a lock file whose creator's pid
// (in the name) is gone or that are older than ten minutes. It returns the paths removed; an error names the first
// directory it could not remove (the sweep goes on past it). Directories
// of live runs, this process's included, are left alone. On platforms
// without file locks only lock-less directories are swept.
func Sweep(parent string) (removed []string, err error) {
	if parent == "" {
		parent = os.TempDir()
	}
	ents, err := os.ReadDir(parent)
	if err != nil {
		return nil, fmt.Errorf("spill: sweep: %w", err)
	}
	for _, ent := range ents {
		if !ent.IsDir() || !strings.HasPrefix(ent.Name(), DirPrefix) {
			continue
		}
		p := filepath.Join(parent, ent.Name())
		stale, lf := staleDir(p)
		if !stale {
			continue
		}
		rerr := os.RemoveAll(p)
		if lf != nil {
			lf.Close()
		}
		if rerr != nil {
			if err == nil {
				err = fmt.Errorf("spill: sweep: %w", rerr)
			}
			continue
		}
		removed = append(removed, p)
	}
	return removed, err
}

// staleDir reports whether spill directory p is abandoned; if it is locked
// by the caller to be sure, the lock file is returned to close after the
// removal.
func staleDir(p string) (bool, *os.File) {
	lf, err := os.Open(filepath.Join(p, lockName))
	if errors.Is(err, os.ErrNotExist) {
		// a creator killed between mkdir and lock: its pid, in the name,
		// is gone
		pid, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(p), DirPrefix), "-")
		if n, err := strconv.Atoi(pid); ok && err == nil && n != os.Getpid() && !lockfile.Alive(n) {
			return true, nil
		}
		st, err := os.Stat(p)
		return err == nil && time.Since(st.ModTime()) > staleUnlocked, nil
	}
	if err != nil {
		return false, nil
	}
	if ok, err := lockfile.Lock(lf); !ok || err != nil {
		lf.Close()
		return false, nil
	}
	return true, lf
}

// Path returns the directory's path.
func (d *Dir) Path() string { return d.path }

// Bytes returns the bytes of the files written and not yet removed.
func (d *Dir) Bytes() int64 { return d.bytes.Load() }

// Remove deletes the directory and its files. It is safe to call more than
// once and concurrently with the context's cancellation.
func (d *Dir) Remove() error {
	d.stop()
	d.remove()
	return d.err
}

func (d *Dir) remove() {
	d.once.Do(func() {
		d.err = os.RemoveAll(d.path)
		d.lock.Close() // after the removal: a sweep must not race it
	})
}

// openFile creates a spill file (a variable so tests can make the disk
// full).
var openFile = func(path string) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
}

// NoSpaceError reports a spill that ran out of disk space (ENOSPC or
// EDQUOT): the directory and about how many bytes the spill had written
// when it failed, at least what it needs. Its message is one line meant
// for the user; errors.Is(err, syscall.ENOSPC) still holds.
type NoSpaceError struct {
	Dir  string // the spill directory's parent
	Need int64  // bytes spilled when the disk filled, plus the chunk being written
	Err  error  // the underlying error
}

// Error returns "no space left on DIR (spill needed ~N MiB)".
func (e *NoSpaceError) Error() string {
	return fmt.Sprintf("no space left on %s (spill needed ~%s); free space there or choose another spill directory", e.Dir, HumanBytes(e.Need))
}

// Unwrap returns the underlying error.
func (e *NoSpaceError) Unwrap() error { return e.Err }

// HumanBytes renders n as "12 KiB", "3.4 MiB", "1.2 GiB".
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// isNoSpace reports whether err is the disk (or quota) being full.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, errQuota)
}

// wrap turns a write error into the spill's error: a NoSpaceError when the
// disk is full, else the error with the file's path.
func (d *Dir) wrap(path string, err error, pending int64) error {
	if isNoSpace(err) {
		return &NoSpaceError{Dir: filepath.Dir(d.path), Need: d.bytes.Load() + pending, Err: err}
	}
	return fmt.Errorf("spill: %s: %w", path, err)
}

// Create starts a new spill file in the directory; name is a hint for
// humans reading the directory (e.g. "part-3").
func (d *Dir) Create(name string) (*Writer, error) {
	p := filepath.Join(d.path, fmt.Sprintf("%s-%d.spill", name, d.seq.Add(1)))
	f, err := openFile(p)
	if err != nil {
		return nil, d.wrap(p, err, 0)
	}
	return &Writer{f: f, bw: bufio.NewWriterSize(f, WriteBuffer), file: &File{path: p, dir: d}}, nil
}

// WriteBuffer is the bufio buffer of each open spill Writer, and
// ReadBuffer that of each reader: part of the constant overhead per open
// spill file.
const (
	WriteBuffer = 32 << 10
	ReadBuffer  = 64 << 10
)

// File is a finished spill file: a sequence of chunks.
type File struct {
	path   string
	dir    *Dir
	rows   int64
	bytes  int64 // on disk
	size   int64 // sum of the chunks' Frame.Size
	chunks int
}

// Rows returns the rows in the file.
func (f *File) Rows() int64 { return f.rows }

// Bytes returns the file's size on disk.
func (f *File) Bytes() int64 { return f.bytes }

// Size returns the sum of the in-memory sizes (Frame.Size) of the chunks
// written: about what reading the whole file back costs.
func (f *File) Size() int64 { return f.size }

// NumChunks returns the number of chunks in the file.
func (f *File) NumChunks() int { return f.chunks }

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Remove deletes the file.
func (f *File) Remove() error {
	if f == nil || f.path == "" {
		return nil
	}
	err := os.Remove(f.path)
	f.dir.bytes.Add(-f.bytes)
	f.path = ""
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	return err
}

// Chunks reads the file's chunks back in order. Each frame is new and
// owned by the caller.
func (f *File) Chunks(ctx context.Context) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		r, err := f.Open()
		if err != nil {
			yield(nil, err)
			return
		}
		defer r.Close()
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			c, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
}

// ReadAll reads the whole file into one frame (an empty frame for an empty
// file).
func (f *File) ReadAll(ctx context.Context) (*frame.Frame, error) {
	var parts []*frame.Frame
	for c, err := range f.Chunks(ctx) {
		if err != nil {
			return nil, err
		}
		parts = append(parts, c)
	}
	return frame.Concat(parts...)
}

// Reader reads a spill file chunk by chunk.
type Reader struct {
	f   *os.File
	br  *bufio.Reader
	dec Decoder
}

// Open opens the file for reading.
func (f *File) Open() (*Reader, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	return &Reader{f: fh, br: bufio.NewReaderSize(fh, ReadBuffer)}, nil
}

// Close closes the reader.
func (r *Reader) Close() error { return r.f.Close() }

// Next returns the next chunk, or io.EOF after the last.
func (r *Reader) Next() (*frame.Frame, error) {
	f, err := r.dec.Decode(r.br)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("spill: %s: %w", r.f.Name(), err)
	}
	return f, err
}

// Writer appends chunks to a spill file. It is not safe for concurrent use.
type Writer struct {
	f    io.WriteCloser
	bw   *bufio.Writer
	file *File
	err  error
	enc  Encoder
}

// Write appends chunk (any number of rows, including 0).
func (w *Writer) Write(chunk *frame.Frame) error {
	if w.err != nil {
		return w.err
	}
	n, err := w.enc.Encode(w.bw, chunk)
	w.file.bytes += n
	w.file.dir.bytes.Add(n)
	if err != nil {
		w.err = w.file.dir.wrap(w.file.path, err, SizeOf(chunk))
		return w.err
	}
	w.file.rows += int64(chunk.NumRows())
	w.file.size += SizeOf(chunk)
	w.file.chunks++
	return nil
}

// Rows returns the rows written so far.
func (w *Writer) Rows() int64 { return w.file.rows }

// Size returns the in-memory size of the chunks written so far.
func (w *Writer) Size() int64 { return w.file.size }

// Close flushes and closes the file and returns it for reading.
func (w *Writer) Close() (*File, error) {
	err := w.err
	if err == nil {
		err = w.bw.Flush()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.file.Remove()
		if err == w.err {
			return nil, err
		}
		return nil, w.file.dir.wrap(w.file.path, err, 0)
	}
	return w.file, nil
}

// Abort closes and removes the file.
func (w *Writer) Abort() {
	w.f.Close()
	w.file.Remove()
}

const magic = "SLC1"

func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// Encode writes f as one chunk and returns the bytes written; String
// columns are written plain (an [Encoder] keeps dictionaries).
func Encode(w *bufio.Writer, f *frame.Frame) (int64, error) {
	return encode(w, f, nil)
}

func encode(w *bufio.Writer, f *frame.Frame, e *Encoder) (int64, error) {
	cw := countWriter{w: w}
	cw.write([]byte(magic))
	n := f.NumRows()
	cw.uvarint(uint64(n))
	cw.uvarint(uint64(f.NumCols()))
	for k, c := range f.Columns() {
		cw.uvarint(uint64(len(c.Name())))
		cw.write([]byte(c.Name()))
		useDict := e != nil && canDict(c)
		if useDict {
			cw.write([]byte{byte(c.Type()) | dictTag})
		} else {
			cw.write([]byte{byte(c.Type())})
		}
		cw.uvarint(uint64(c.NullCount()))
		if c.NullCount() > 0 {
			v := c.Validity()
			if v == nil { // dictionary column sharing no bitmap: cannot happen, but be exact
				v = make([]uint64, (n+63)/64)
				for i := 0; i < n; i++ {
					if !c.IsNull(i) {
						v[i>>6] |= 1 << (uint(i) & 63)
					}
				}
			}
			cw.write(bytesOf(v[:(n+63)/64]))
		}
		switch c.Type() {
		case frame.Float64:
			cw.write(bytesOf(c.Float64s()))
		case frame.Bool:
			cw.write(bytesOf(c.Bools()))
		case frame.String:
			offs, data := c.StringBuffers()
			if useDict {
				e.encodeDict(&cw, k, c)
			} else if offs != nil {
				lo, hi := offs[0], offs[n]
				cw.uvarint(uint64(hi - lo))
				lens := make([]uint32, n)
				for i := range lens {
					lens[i] = uint32(offs[i+1] - offs[i])
				}
				cw.write(bytesOf(lens))
				cw.write(data[lo:hi])
			} else {
				total := 0
				lens := make([]uint32, n)
				for i := range lens {
					l := len(c.StrBytes(i))
					lens[i] = uint32(l)
					total += l
				}
				cw.uvarint(uint64(total))
				cw.write(bytesOf(lens))
				for i := 0; i < n; i++ {
					cw.write(c.StrBytes(i))
				}
			}
		default:
			cw.write(bytesOf(c.Int64s()))
		}
	}
	return cw.n, cw.err
}

type countWriter struct {
	w   *bufio.Writer
	n   int64
	err error
	tmp [10]byte
}

func (c *countWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	k, err := c.w.Write(b)
	c.n += int64(k)
	c.err = err
}

func (c *countWriter) uvarint(x uint64) {
	i := 0
	for x >= 0x80 {
		c.tmp[i] = byte(x) | 0x80
		x >>= 7
		i++
	}
	c.tmp[i] = byte(x)
	c.write(c.tmp[:i+1])
}

func readUvarint(r *bufio.Reader) (uint64, error) {
	var x uint64
	var s uint
	for i := 0; i < 10; i++ {
		b, err := r.ReadByte()
		if err != nil {
			return 0, unexpected(err)
		}
		if b < 0x80 {
			return x | uint64(b)<<s, nil
		}
		x |= uint64(b&0x7f) << s
		s += 7
	}
	return 0, errors.New("corrupt chunk: varint overflow")
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Decode reads one chunk written by Encode; io.EOF at a clean end.
func Decode(r *bufio.Reader) (*frame.Frame, error) {
	return decode(r, nil)
}

func decode(r *bufio.Reader, d *Decoder) (*frame.Frame, error) {
	var m [4]byte
	if _, err := io.ReadFull(r, m[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, err
	}
	if string(m[:]) != magic {
		return nil, fmt.Errorf("corrupt chunk: bad magic %q", m[:])
	}
	nr, err := readUvarint(r)
	if err != nil {
		return nil, err
	}
	nc, err := readUvarint(r)
	if err != nil {
		return nil, err
	}
	if nr > 1<<40 || nc > 1<<20 {
		return nil, fmt.Errorf("corrupt chunk: %d rows, %d columns", nr, nc)
	}
	n := int(nr)
	cols := make([]*frame.Column, nc)
	for k := range cols {
		ln, err := readUvarint(r)
		if err != nil {
			return nil, err
		}
		if ln > 1<<20 {
			return nil, fmt.Errorf("corrupt chunk: name of %d bytes", ln)
		}
		name := make([]byte, ln)
		if _, err := io.ReadFull(r, name); err != nil {
			return nil, unexpected(err)
		}
		tb, err := r.ReadByte()
		if err != nil {
			return nil, unexpected(err)
		}
		nulls64, err := readUvarint(r)
		if err != nil {
			return nil, err
		}
		nulls := int(nulls64)
		var valid []uint64
		if nulls > 0 {
			valid = make([]uint64, (n+63)/64)
			if _, err := io.ReadFull(r, bytesOf(valid)); err != nil {
				return nil, unexpected(err)
			}
		}
		t := frame.Type(tb)
		switch t {
		case frame.String | dictTag:
			cols[k], err = d.decodeDict(r, k, string(name), n, valid, nulls)
		case frame.Float64:
			v := make([]float64, n)
			if _, err := io.ReadFull(r, bytesOf(v)); err != nil {
				return nil, unexpected(err)
			}
			cols[k], err = frame.AdoptFloat64s(string(name), v, valid, nulls)
		case frame.Bool:
			v := make([]bool, n)
			if _, err := io.ReadFull(r, bytesOf(v)); err != nil {
				return nil, unexpected(err)
			}
			cols[k], err = frame.AdoptBools(string(name), v, valid, nulls)
		case frame.String:
			var total uint64
			if total, err = readUvarint(r); err != nil {
				return nil, err
			}
			if total > 1<<40 {
				return nil, fmt.Errorf("corrupt chunk: %d string bytes", total)
			}
			lens := make([]uint32, n)
			if _, err := io.ReadFull(r, bytesOf(lens)); err != nil {
				return nil, unexpected(err)
			}
			offs := make([]int64, n+1)
			o := int64(0)
			for i, l := range lens {
				o += int64(l)
				offs[i+1] = o
			}
			if o != int64(total) {
				return nil, fmt.Errorf("corrupt chunk: string lengths sum to %d, want %d", o, total)
			}
			data := make([]byte, total)
			if _, err := io.ReadFull(r, data); err != nil {
				return nil, unexpected(err)
			}
			cols[k], err = frame.AdoptStrings(string(name), offs, data, valid, nulls)
		case frame.Int64, frame.Date, frame.Datetime:
			v := make([]int64, n)
			if _, err := io.ReadFull(r, bytesOf(v)); err != nil {
				return nil, unexpected(err)
			}
			cols[k], err = frame.AdoptInt64s(string(name), t, v, valid, nulls)
		default:
			return nil, fmt.Errorf("corrupt chunk: column type %d", tb)
		}
		if err != nil {
			return nil, fmt.Errorf("corrupt chunk: %w", err)
		}
	}
	if len(cols) == 0 {
		return frame.Empty(), nil
	}
	return frame.New(cols...)
}

// SizeOf returns the bytes of f's values as the engine accounts them: 8 a
// number, 1 a bool, 8 per string offset plus the string bytes referenced, 4
// a dictionary code plus the dictionary, and the validity bitmaps. Unlike
// frame.Frame.Size it counts only the rows f holds, not the whole buffers
// a slice shares with its parent (which the engine does not own).
func SizeOf(f *frame.Frame) int64 {
	n := int64(f.NumRows())
	s := int64(0)
	for _, c := range f.Columns() {
		if c.NullCount() > 0 {
			s += (n + 63) / 64 * 8
		}
		switch c.Type() {
		case frame.Bool:
			s += n
		case frame.String:
			if offs, _ := c.StringBuffers(); offs != nil {
				s += 8*(n+1) + offs[n] - offs[0]
			} else {
				d, _ := c.Dictionary()
				s += 4*n + d.Size()
			}
		default:
			s += 8 * n
		}
	}
	return s
}
