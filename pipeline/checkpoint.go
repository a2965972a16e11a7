package pipeline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/lockfile"
	"github.com/sluicedata/sluice/internal/spill"
	"github.com/sluicedata/sluice/parallel"
)

// Checkpoints (see the package comment, "Resuming").
//
// With Options.Checkpoints set, every step's result is written, as it
// streams to its consumer, to a checkpoint file in that run directory, and
// a step whose checkpoint is there is read from it instead of being
// computed (nor is anything upstream of it). A checkpoint is named by its
// step and a key: the SHA-256 of the canonical text of the step and of
// everything upstream of it (steps, inputs and their reader options, the
// planner's projections and pushdowns, the schemas) plus each input file's
// path (globs expanded), size and modification time. A changed input or
// step so changes the keys of exactly the steps downstream of it; their old
// checkpoints are ignored, the others reused.
//
// A checkpoint holds the step's chunks as they were produced (same rows,
// same chunk boundaries, every type exact; the format of package
// internal/spill behind a header with the key, the byte order, the length,
// the rows and the chunks), so a resumed run writes the same bytes as an
// uninterrupted one. It is written to a temporary file
// (.<name>.tmp-<pid>-<random>) and renamed when the step's stream has
// ended, so a checkpoint either is complete or does not exist; a step that
// is cut short (an error, a kill, a consumer that stops early after a limit)
// leaves none. A file whose length disagrees with its header is taken as
// absent.
//
// The run directory holds a lock file its run keeps an advisory lock on:
// a second run on the same directory fails at once, and temporary files of
// dead runs are removed when the next run starts. On success the
// checkpoints and the directory are removed unless KeepCheckpoints is set.

// ckptExt ends the name of every checkpoint file.
const ckptExt = ".ckpt"

// ckptMagic starts every checkpoint file.
const ckptMagic = "SLCKPT01"

// ckptHeader is the header's size: magic, byte order, key, length, rows,
// chunks.
const ckptHeader = len(ckptMagic) + 1 + sha256.Size + 3*8

// runLock is the lock file of a run directory.
const runLock = "lock"

// ErrRunDirBusy is returned when another live run holds the checkpoint
// directory.
var ErrRunDirBusy = errors.New("run directory in use by another run")

// nativeOrder is 1 on little-endian machines, 2 on big-endian ones:
// checkpoints hold values in the machine's byte order.
var nativeOrder = func() byte {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return 1
	}
	return 2
}()

// RunDir returns the default checkpoint directory of a plan run with opt:
// ".sluice-run-<name>" (the plan's name, else the spec file's base name
// without extension) in the directory of the plan's first output written
// to a file, resolved as Run resolves it; with only standard output, in
// the spec file's directory (or DataDir); "" when there is no place.
func RunDir(p *Plan, opt Options) string {
	name := p.Name
	if name == "" && p.File != "" {
		name = strings.TrimSuffix(filepath.Base(p.File), filepath.Ext(p.File))
	}
	if name == "" {
		name = "plan"
	}
	name = ".sluice-run-" + safeName(name)
	base := opt.DataDir
	if base == "" && p.File != "" {
		base = filepath.Dir(p.File)
	}
	resolve := func(path string) string {
		if filepath.IsAbs(path) || base == "" {
			return path
		}
		return filepath.Join(base, path)
	}
	var out string
	switch {
	case opt.Out != "" && opt.Out != "-":
		out = opt.Out
	case opt.Out == "":
		for _, o := range p.Outputs {
			if o.Path != "-" {
				out = resolve(o.Path)
				break
			}
		}
	}
	if out != "" {
		return filepath.Join(filepath.Dir(out), name)
	}
	if base == "" {
		return ""
	}
	return filepath.Join(base, name)
}

// safeName keeps letters, digits, '-', '_' and '.' of s (others become
// '_'), so a step name can be part of a file name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

// stepKeys returns the checkpoint key (hex SHA-256) of every node.
func (a *analysis) stepKeys() map[string]string {
	keys := map[string]string{}
	var key func(n *node) string
	key = func(n *node) string {
		if k, ok := keys[n.name]; ok {
			return k
		}
		keys[n.name] = "" // a cycle (validated away) cannot recurse forever
		h := sha256.New()
		var b strings.Builder
		if n.input != nil {
			in := n.input
			fmt.Fprintf(&b, "input %q format %q union %v\noptions %#v\n", in.Name, in.Format, in.Union, in.Options)
			fmt.Fprintf(&b, "read %q\n", n.readCols)
			if n.pushFilter {
				fmt.Fprintf(&b, "filter by %q: %s\n", n.pushedBy, a.nodes[n.pushedBy].filter)
			}
			if n.semiBy != "" {
				// the reduced stream is read only by step semiBy, whose key
				// includes semiOther's
				fmt.Fprintf(&b, "semi %q %q %+v\n", n.semiBy, n.semiOther, n.semiOn)
			}
			for _, p := range n.paths {
				abs, err := filepath.Abs(p)
				if err != nil {
					abs = p
				}
				fmt.Fprintf(&b, "file %q", abs)
				if st, err := os.Stat(p); err == nil {
					fmt.Fprintf(&b, " %d %d", st.Size(), st.ModTime().UnixNano())
				} else {
					fmt.Fprintf(&b, " missing")
				}
				b.WriteByte('\n')
			}
		} else {
			b.WriteString(stepText(n.step))
			fmt.Fprintf(&b, "stream right %v\n", n.streamRight)
			for _, d := range deps(n.step) {
				if dn := a.nodes[d]; dn != nil {
					fmt.Fprintf(&b, "dep %q %s\n", d, key(dn))
				}
			}
		}
		for _, c := range n.out {
			fmt.Fprintf(&b, "col %q %v\n", c.name, c.typ)
		}
		h.Write([]byte(b.String()))
		k := hex.EncodeToString(h.Sum(nil))
		keys[n.name] = k
		return k
	}
	for _, n := range a.order {
		key(n)
	}
	return keys
}

// stepText is the canonical text of a step's definition: every field that
// decides its result, none of its spec lines.
func stepText(s *Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %q\nfrom %q\n", s.Name, s.From)
	if s.Join != nil {
		fmt.Fprintf(&b, "join %q %q %q %q %d\n", s.Join.Left, s.Join.Right, s.Join.LeftOn, s.Join.RightOn, s.Join.How)
	}
	if s.Match != nil {
		fmt.Fprintf(&b, "match %+v\n", *s.Match)
	}
	for _, d := range s.Derive {
		fmt.Fprintf(&b, "derive %q %q\n", d.Name, d.Expr)
	}
	fmt.Fprintf(&b, "filter %q\ngroup_by %q\n", s.Filter, s.GroupBy)
	for _, g := range s.Agg {
		fmt.Fprintf(&b, "agg %q %q %q %v %q\n", g.Name, g.Func, g.Column, g.P, g.Src)
	}
	fmt.Fprintf(&b, "select %q\n", s.Select)
	for _, r := range s.Rename {
		fmt.Fprintf(&b, "rename %q %q\n", r.From, r.To)
	}
	fmt.Fprintf(&b, "distinct %q all %v\n", s.Distinct, s.DistinctAll)
	for _, k := range s.Sort {
		fmt.Fprintf(&b, "sort %q %v\n", k.Name, k.Desc)
	}
	fmt.Fprintf(&b, "limit %v %d\n", s.HasLimit, s.Limit)
	return b.String()
}

// checkpoints is a run's checkpoint directory.
type checkpoints struct {
	dir  string
	lock *os.File
	keys map[string]string // node → key
	// valid: steps whose checkpoint is there and whole, with its rows
	valid map[string]int64
}

// ckptPath is the checkpoint file of a step with a key.
func (c *checkpoints) ckptPath(name string) string {
	return filepath.Join(c.dir, safeName(name)+"-"+c.keys[name][:24]+ckptExt)
}

// scanCheckpoints finds the valid checkpoints of a's steps in dir (which
// may not exist), without creating or locking anything.
func (a *analysis) scanCheckpoints(dir string) *checkpoints {
	c := &checkpoints{dir: dir, keys: a.stepKeys(), valid: map[string]int64{}}
	for _, n := range a.order {
		if n.step == nil {
			continue
		}
		if rows, err := checkHeader(c.ckptPath(n.name), c.keys[n.name]); err == nil {
			c.valid[n.name] = rows
		}
	}
	return c
}

// openCheckpoints creates and locks the run directory, removes the
// temporary files of dead runs and finds the valid checkpoints.
func (a *analysis) openCheckpoints(dir string) (*checkpoints, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	lf, err := os.OpenFile(filepath.Join(dir, runLock), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	if lockfile.Supported {
		ok, err := lockfile.Lock(lf)
		if err != nil || !ok {
			lf.Close()
			if err == nil {
				err = ErrRunDirBusy
			}
			return nil, fmt.Errorf("checkpoints %s: %w", dir, err)
		}
		// we hold the directory: every temporary file in it is a dead run's
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ckptExt+".tmp-") {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	c := a.scanCheckpoints(dir)
	c.lock = lf
	return c, nil
}

// close releases the directory; with remove, it also deletes every
// checkpoint and the directory itself (when nothing else is left in it).
// Without remove, checkpoints no step of this plan has a key for any more
// are deleted.
func (c *checkpoints) close(remove bool) {
	if c == nil || c.lock == nil {
		return
	}
	keep := map[string]bool{}
	for name := range c.keys {
		if c.keys[name] != "" {
			keep[filepath.Base(c.ckptPath(name))] = true
		}
	}
	ents, _ := os.ReadDir(c.dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ckptExt) && (remove || !keep[e.Name()]) {
			os.Remove(filepath.Join(c.dir, e.Name()))
		}
	}
	if remove {
		os.Remove(filepath.Join(c.dir, runLock))
		os.Remove(c.dir) // only if empty: never a directory with other files
	}
	c.lock.Close()
	c.lock = nil
}

// RemoveCheckpoints deletes the checkpoint files, the temporary files of
// dead runs and the lock file in dir, then dir itself if it is left empty,
// and returns what it removed. It fails with ErrRunDirBusy while a live
// run holds the directory. A missing dir is not an error.
func RemoveCheckpoints(dir string) ([]string, error) {
	lf, err := os.Open(filepath.Join(dir, runLock))
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
			return nil, nil
		}
	} else if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	} else {
		defer lf.Close()
		if lockfile.Supported {
			if ok, err := lockfile.Lock(lf); err != nil || !ok {
				if err == nil {
					err = ErrRunDirBusy
				}
				return nil, fmt.Errorf("checkpoints %s: %w", dir, err)
			}
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	var removed []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ckptExt) && !strings.Contains(name, ckptExt+".tmp-") {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.Remove(p); err != nil {
			return removed, fmt.Errorf("checkpoints: %w", err)
		}
		removed = append(removed, p)
	}
	if lf != nil {
		os.Remove(filepath.Join(dir, runLock))
	}
	if os.Remove(dir) == nil {
		removed = append(removed, dir)
	}
	return removed, nil
}

// checkHeader reads a checkpoint's header and returns its rows if it is
// whole and has the key.
func checkHeader(path, key string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var h [ckptHeader]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return 0, fmt.Errorf("checkpoint %s: short header: %w", path, err)
	}
	length, rows, err := parseHeader(h[:], key)
	if err != nil {
		return 0, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if st.Size() != length {
		return 0, fmt.Errorf("checkpoint %s: %d bytes, header says %d", path, st.Size(), length)
	}
	return rows, nil
}

// parseHeader checks a header against key and returns the file's length
// and rows.
func parseHeader(h []byte, key string) (length, rows int64, err error) {
	if string(h[:len(ckptMagic)]) != ckptMagic {
		return 0, 0, errors.New("not a checkpoint")
	}
	p := h[len(ckptMagic):]
	if p[0] != nativeOrder {
		return 0, 0, errors.New("written on a machine of another byte order")
	}
	if hex.EncodeToString(p[1:1+sha256.Size]) != key {
		return 0, 0, errors.New("key differs")
	}
	p = p[1+sha256.Size:]
	length = int64(binary.LittleEndian.Uint64(p))
	rows = int64(binary.LittleEndian.Uint64(p[8:]))
	return length, rows, nil
}

// ckptWriter writes one step's checkpoint to a temporary file, on its own
// goroutine so the step's consumer does not wait for the disk.
type ckptWriter struct {
	c      *checkpoints
	name   string
	tmp    string
	f      *os.File
	w      *bufio.Writer
	n      int64 // bytes
	rows   int64
	chunks int64
	enc    spill.Encoder // keeps dictionary-encoded columns encoded
	ch     chan *frame.Frame
	closed bool // ch is closed (only the step's goroutine touches it)
	done   chan struct{}
	err    error // the first write error; read after done
	failed atomic.Bool
}

// ckptQueue is how many chunks may wait for the checkpoint writer: chunks
// are immutable, so queueing one only keeps it alive a little longer.
const ckptQueue = 4

func (c *checkpoints) create(name string) (*ckptWriter, error) {
	final := c.ckptPath(name)
	tmp := filepath.Join(c.dir, "."+filepath.Base(final)+".tmp-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(rand.Uint64()>>32, 36))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("checkpoint of step %q: %w", name, err)
	}
	w := &ckptWriter{c: c, name: name, tmp: tmp, f: f, w: bufio.NewWriterSize(f, spill.WriteBuffer),
		ch: make(chan *frame.Frame, ckptQueue), done: make(chan struct{})}
	var h [ckptHeader]byte // filled in by commit
	if _, err := w.w.Write(h[:]); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("checkpoint of step %q: %w", name, err)
	}
	w.n = int64(ckptHeader)
	go w.loop(w.ch)
	return w, nil
}

func (w *ckptWriter) loop(ch <-chan *frame.Frame) {
	defer close(w.done)
	for c := range ch {
		if w.err != nil {
			continue // drain
		}
		n, err := w.enc.Encode(w.w, c)
		w.n += n
		w.rows += int64(c.NumRows())
		w.chunks++
		if err != nil {
			w.err = fmt.Errorf("checkpoint of step %q: %w", w.name, err)
			w.failed.Store(true)
		}
	}
}

// write queues a chunk; an error is one an earlier chunk met.
func (w *ckptWriter) write(c *frame.Frame) error {
	if w.failed.Load() {
		<-w.finish()
		return w.err
	}
	w.ch <- c
	return nil
}

// finish stops the writer goroutine and returns its done channel.
func (w *ckptWriter) finish() chan struct{} {
	if !w.closed {
		close(w.ch)
		w.closed = true
	}
	return w.done
}

// commit completes the header and renames the file into place.
func (w *ckptWriter) commit() error {
	<-w.finish()
	err := w.err
	if err == nil {
		err = w.w.Flush()
	}
	if err == nil {
		var h [ckptHeader]byte
		copy(h[:], ckptMagic)
		p := h[len(ckptMagic):]
		p[0] = nativeOrder
		k, _ := hex.DecodeString(w.c.keys[w.name])
		copy(p[1:], k)
		p = p[1+sha256.Size:]
		binary.LittleEndian.PutUint64(p, uint64(w.n))
		binary.LittleEndian.PutUint64(p[8:], uint64(w.rows))
		binary.LittleEndian.PutUint64(p[16:], uint64(w.chunks))
		_, err = w.f.WriteAt(h[:], 0)
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.tmp, w.c.ckptPath(w.name))
	}
	if err != nil {
		os.Remove(w.tmp)
		return fmt.Errorf("checkpoint of step %q: %w", w.name, err)
	}
	return nil
}

func (w *ckptWriter) abort() {
	<-w.finish()
	w.f.Close()
	os.Remove(w.tmp)
}

// read streams a step's checkpoint, chunk by chunk, as it was written.
func (c *checkpoints) read(ctx context.Context, name string) parallel.Source {
	path := c.ckptPath(name)
	return func(yield func(*frame.Frame, error) bool) {
		fail := func(err error) {
			yield(nil, fmt.Errorf("checkpoint of step %q (%s; remove it with sluice clean --checkpoints): %w", name, path, err))
		}
		f, err := os.Open(path)
		if err != nil {
			fail(err)
			return
		}
		defer f.Close()
		r := bufio.NewReaderSize(f, spill.ReadBuffer)
		var dec spill.Decoder
		var h [ckptHeader]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			fail(err)
			return
		}
		_, want, err := parseHeader(h[:], c.keys[name])
		if err != nil {
			fail(err)
			return
		}
		var rows int64
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			chunk, err := dec.Decode(r)
			if err == io.EOF {
				break
			}
			if err != nil {
				fail(err)
				return
			}
			rows += int64(chunk.NumRows())
			if !yield(chunk, nil) {
				return
			}
		}
		if rows != want {
			fail(fmt.Errorf("%d rows, header says %d", rows, want))
		}
	}
}

// checkpointed wraps a step's stream: read from its checkpoint when there
// is one, else written to one as it streams (committed only when the
// stream ends whole). Inputs are files already and are not checkpointed.
func (x *executor) checkpointed(n *node, src func() parallel.Source) parallel.Source {
	c := x.ckpt
	if c == nil || n.step == nil {
		return src()
	}
	st := x.stats[n.name]
	if _, ok := c.valid[n.name]; ok {
		st.reused.Store(true)
		return c.read(x.ctx, n.name)
	}
	inner := src()
	return func(yield func(*frame.Frame, error) bool) {
		w, err := c.create(n.name)
		if err != nil {
			st.ckptErr.Store(err.Error())
		}
		done := false
		defer func() {
			if w != nil && !done {
				w.abort()
			}
		}()
		for chunk, err := range inner {
			if err != nil {
				yield(nil, err)
				return
			}
			if w != nil {
				if err := w.write(chunk); err != nil {
					// a checkpoint that cannot be written (a full disk)
					// costs the resume, not the run
					st.ckptErr.Store(err.Error())
					w.abort()
					w = nil
				}
			}
			if !yield(chunk, nil) {
				return
			}
		}
		if w != nil {
			done = true
			if err := w.commit(); err != nil {
				st.ckptErr.Store(err.Error())
			}
		}
	}
}

// checkpointNames lists the files of a run directory's checkpoints, sorted
// (for tests and messages).
func checkpointNames(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ckptExt) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// reusable reports whether step name has a valid checkpoint, and its rows.
func (c *checkpoints) reusable(name string) (int64, bool) {
	if c == nil {
		return 0, false
	}
	rows, ok := c.valid[name]
	return rows, ok
}

// runNodes returns the nodes a run computes when the steps in reused are
// read from checkpoints: those reachable from the outputs without passing
// through a reused step (the reused steps included).
func (a *analysis) runNodes(reused map[string]int64) map[string]bool {
	run := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		n := a.nodes[name]
		if n == nil || run[name] {
			return
		}
		run[name] = true
		if _, ok := reused[name]; ok {
			return
		}
		if n.step != nil {
			for _, d := range deps(n.step) {
				visit(d)
			}
		}
		if n.semiOther != "" {
			visit(n.semiOther)
		}
	}
	for _, o := range a.plan.Outputs {
		visit(o.From)
	}
	return run
}
