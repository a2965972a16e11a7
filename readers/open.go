package readers

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// Decompression limits; see Options.MaxDecompressed and Options.MaxRatio.
const (
	DefaultMaxDecompressed = 64 << 30
	DefaultMaxRatio        = 500
	// ratioMinOut is the output a stream may produce before its ratio is
	// checked: small, highly repetitive files are fine.
	ratioMinOut = 16 << 20
)

// countingReader counts the bytes read through it (atomically: the zstd
// decoder reads on its own goroutine).
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// inflater is a decompressing reader with its guards: it names the codec
// in errors (the reader adds the input's name), and stops at the byte limit or when the output
// outgrows the compressed input by more than the ratio limit.
type inflater struct {
	r        io.Reader
	in       *countingReader // compressed bytes consumed (read ahead included)
	out      int64
	kind     string
	maxOut   int64 // < 0: none
	maxRatio int64 // < 0: none
	err      error // the first error, returned from then on
}

func (z *inflater) Read(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	n, err := z.read(p)
	if err != nil && err != io.EOF {
		// sticky, and never beside data (io.ReadAtLeast would drop it)
		z.err = err
		return 0, err
	}
	return n, err
}

func (z *inflater) read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.out += int64(n)
	if err != nil && err != io.EOF {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("truncated %s stream: %w", z.kind, ErrFormat)
		} else {
			err = fmt.Errorf("corrupt %s stream: %v: %w", z.kind, err, ErrFormat)
		}
		return n, err
	}
	if z.maxOut >= 0 && z.out > z.maxOut {
		return n, fmt.Errorf("%s stream decompresses to more than %d bytes (Options.MaxDecompressed): %w", z.kind, z.maxOut, ErrTooLarge)
	}
	if z.maxRatio >= 0 && z.out > ratioMinOut && z.out > z.maxRatio*max(z.in.n.Load(), 1) {
		return n, fmt.Errorf("%s stream expands more than %d times (%d bytes from %d; a decompression bomb? Options.MaxRatio raises the limit): %w",
			z.kind, z.maxRatio, z.out, z.in.n.Load(), ErrTooLarge)
	}
	return n, err
}

func (o Options) maxDecompressed() int64 {
	switch {
	case o.MaxDecompressed == 0:
		return DefaultMaxDecompressed
	case o.MaxDecompressed < 0:
		return -1
	}
	return o.MaxDecompressed
}

func (o Options) maxRatio() int64 {
	switch {
	case o.MaxRatio == 0:
		return DefaultMaxRatio
	case o.MaxRatio < 0:
		return -1
	}
	return int64(o.MaxRatio)
}

// compression is what decompress found.
type compression int

const (
	plain compression = iota
	gzipped
	zstded
)

// decompress returns r decompressed when it starts with the gzip (1f 8b) or
// zstd (28 b5 2f fd) magic bytes, with the close function of the
// decompressor (nil for plain input). name names the input in errors.
func decompress(r io.Reader, name string, opt Options) (io.Reader, func(), compression, error) {
	if name == "" {
		name = "<input>"
	}
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 1<<16)
	magic, _ := br.Peek(4)
	z := &inflater{in: cr, maxOut: opt.maxDecompressed(), maxRatio: opt.maxRatio()}
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%s: bad gzip header: %v: %w", name, err, ErrFormat)
		}
		z.r, z.kind = zr, "gzip"
		return z, func() { zr.Close() }, gzipped, nil
	case len(magic) >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderMaxWindow(1<<27))
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%s: bad zstd header: %v: %w", name, err, ErrFormat)
		}
		z.r, z.kind = zr, "zstd"
		return z, zr.Close, zstded, nil
	}
	if rs, ok := r.(io.Seeker); ok {
		// plain: give back what the peek read ahead, so a seekable input
		// stays seekable (a first pass then rereads it instead of holding
		// it in memory)
		if _, err := rs.Seek(-cr.n.Load(), io.SeekCurrent); err == nil {
			return r, nil, plain, nil
		}
	}
	return br, nil, plain, nil
}

// csvInput is an opened CSV-family file: the (decompressed) stream, or the
// plain file itself with its size.
type csvInput struct {
	f     *os.File
	size  int64 // plain files
	r     io.Reader
	plain bool
	unzip func()
}

func (in *csvInput) Close() {
	if in.unzip != nil {
		in.unzip()
	}
	in.f.Close()
}

// openCSVFile opens path, decompressing gzip and zstd (by magic bytes; a
// .gz, .zst or .zstd name without them is an error). Errors name the file.
func openCSVFile(path string, opt Options) (*csvInput, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("readers: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("readers: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("readers: %s: is a directory, not a file", path)
	}
	r, unzip, kind, err := decompress(f, path, opt)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("readers: %w", err)
	}
	in := &csvInput{f: f, r: r, unzip: unzip}
	if kind == plain {
		ext := strings.ToLower(filepath.Ext(path))
		if ext == ".gz" || ext == ".zst" || ext == ".zstd" {
			f.Close()
			return nil, fmt.Errorf("readers: %s: extension %s but no %s magic bytes: %w", path, ext, ext[1:], ErrFormat)
		}
		// the engine reads the file itself (and maps it when big)
		in.plain, in.size, in.r = true, st.Size(), nil
	}
	return in, nil
}

// baseExt is the extension under a compression suffix: "a.tsv.gz" → ".tsv".
func baseExt(path string) string {
	p := strings.ToLower(path)
	for _, z := range []string{".gz", ".zst", ".zstd"} {
		if strings.HasSuffix(p, z) {
			p = strings.TrimSuffix(p, z)
			break
		}
	}
	return filepath.Ext(p)
}

// fileOptions applies what a file name implies: a .tsv name defaults the
// delimiter to tab.
func fileOptions(path string, opt Options) Options {
	if baseExt(path) == ".tsv" && opt.Delimiter == 0 {
		opt.Delimiter = '\t'
	}
	return opt
}

// OpenFunc opens a file as a stream of frames; see [RegisterFormat].
type OpenFunc func(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error]

var (
	formatsMu sync.RWMutex
	formats   = map[string]OpenFunc{}
)

// RegisterFormat makes [Open] (and [Files], [Glob], [ReadFile], [Infer])
// read files whose name ends in ext (".xlsx", case-insensitive) with open. A
// format package calls it from its init function, so importing it (for
// example github.com/sluicedata/sluice/readers/xlsx) is enough. Registering
// an extension again replaces the previous function.
func RegisterFormat(ext string, open OpenFunc) {
	ext = strings.ToLower(ext)
	if !strings.HasPrefix(ext, ".") {
		ext = "." + ext
	}
	formatsMu.Lock()
	formats[ext] = open
	formatsMu.Unlock()
}

// registered returns the function registered for path's extension, or nil
// for the CSV family.
func registered(path string) OpenFunc {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	if fn := formats[strings.ToLower(filepath.Ext(path))]; fn != nil {
		return fn
	}
	return formats[baseExt(path)]
}

// isCSVExt reports whether Open reads path's extension as CSV.
func isCSVExt(path string) bool {
	switch baseExt(path) {
	case ".csv", ".tsv", ".txt", ".dat", "":
		return true
	}
	return false
}

// Open reads the file at path by its extension: .csv, .tsv (tab delimiter by
// default), .txt, .dat, and those compressed (.gz, .zst, .zstd) read as CSV,
// like files with no extension; other extensions use the function
// registered for them with [RegisterFormat] (.xlsx needs an import of
// github.com/sluicedata/sluice/readers/xlsx); unknown ones give ErrNoFormat.
func Open(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error] {
	return openSeq(ctx, path, opt, nil)
}

// OpenStats is [Open] that also reports what the read sees: the returned
// Stats fills in as the stream is read (see [Stats]).
func OpenStats(ctx context.Context, path string, opt Options) (iter.Seq2[*frame.Frame, error], *Stats) {
	st := &Stats{}
	return openSeq(ctx, path, opt, st), st
}

func openSeq(ctx context.Context, path string, opt Options, st *Stats) iter.Seq2[*frame.Frame, error] {
	if fn := registered(path); fn != nil {
		seq := fn(ctx, path, opt)
		if opt.Keep != nil {
			// formats other than CSV filter each chunk once parsed
			seq = filterSeq(seq, opt.Keep)
		}
		return counted(seq, st)
	}
	if isCSVExt(path) {
		return csvFileSeq(ctx, path, opt, st)
	}
	ext := baseExt(path)
	return func(yield func(*frame.Frame, error) bool) {
		msg := fmt.Sprintf("readers: %s: extension %s: %%w", path, ext)
		if ext == ".xlsx" || ext == ".xlsm" {
			msg += " (import github.com/sluicedata/sluice/readers/xlsx to read Excel files)"
		} else if ext == ".parquet" {
			msg += " (import github.com/sluicedata/sluice/readers/parquet to read Parquet files)"
		}
		yield(nil, fmt.Errorf(msg, ErrNoFormat))
	}
}

// counted fills st's Names, Types and Rows from a stream of another format.
func counted(seq iter.Seq2[*frame.Frame, error], st *Stats) iter.Seq2[*frame.Frame, error] {
	if st == nil {
		return seq
	}
	return func(yield func(*frame.Frame, error) bool) {
		for f, err := range seq {
			if err == nil {
				if st.Names == nil {
					st.Names, st.Types = f.Names(), f.Types()
				}
				st.Rows += int64(f.NumRows())
			}
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}

// Files reads the files in paths, in order, as one source. Every file must
// have the columns of the first (same names in the same order); later files
// are read with the first file's types, so a value that does not fit fails
// with a *ParseError naming its file. opt.SourceColumn, if set, appends a
// String column holding each row's file path. Each file's last chunk may be
// shorter than ChunkRows.
func Files(ctx context.Context, paths []string, opt Options) iter.Seq2[*frame.Frame, error] {
	return filesSeq(ctx, paths, opt, nil)
}

// FilesStats is [Files] that also reports what the read sees, added up over
// the files (Header, Names, Types and Delimiter are the current file's).
func FilesStats(ctx context.Context, paths []string, opt Options) (iter.Seq2[*frame.Frame, error], *Stats) {
	st := &Stats{}
	return filesSeq(ctx, paths, opt, st), st
}

func filesSeq(ctx context.Context, paths []string, opt Options, st *Stats) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		if len(paths) == 0 {
			yield(nil, fmt.Errorf("readers: no files: %w", ErrEmpty))
			return
		}
		var names []string
		var types []frame.Type
		// one dictionary per encoded String column across all the files,
		// and one for the source column (a path per file)
		var dicts *icsv.Dicts
		if !opt.NoDict {
			dicts = icsv.NewDicts()
		}
		for i, p := range paths {
			o := opt
			var x fileExtras
			x.dicts = dicts
			if i > 0 {
				x.typesSubset = true
				o.Types = make(map[string]frame.Type, len(names))
				for k, n := range names {
					o.Types[n] = types[k]
				}
			}
			var seq iter.Seq2[*frame.Frame, error]
			if fn := registered(p); fn != nil || !isCSVExt(p) {
				seq = openSeq(ctx, p, o, st)
			} else {
				seq = csvFile(ctx, p, o, st, x)
			}
			for f, err := range seq {
				if err != nil {
					yield(nil, err)
					return
				}
				if names == nil {
					names, types = f.Names(), f.Types()
				} else if err := sameSchema(names, types, f); err != nil {
					yield(nil, fmt.Errorf("readers: %s: %w (first file %s)", p, err, paths[0]))
					return
				}
				if opt.SourceColumn != "" {
					nf, err := f.WithColumn(dicts.Constant(opt.SourceColumn, p, f.NumRows()))
					if err != nil {
						yield(nil, fmt.Errorf("readers: %s: source column: %w", p, err))
						return
					}
					f = nf
				}
				if !yield(f, nil) {
					return
				}
			}
		}
	}
}

// fileExtras is what Files passes to each CSV file's read beyond Options.
type fileExtras struct {
	typesSubset bool        // Types may name columns the file lacks (schemas are compared after)
	dicts       *icsv.Dicts // dictionaries shared across the files
}

func sameSchema(names []string, types []frame.Type, f *frame.Frame) error {
	fn, ft := f.Names(), f.Types()
	if len(fn) != len(names) {
		return fmt.Errorf("%d columns (%s), want %d (%s): %w", len(fn), strings.Join(fn, ", "), len(names), strings.Join(names, ", "), ErrSchema)
	}
	for i := range fn {
		if fn[i] != names[i] || ft[i] != types[i] {
			return fmt.Errorf("column %d is %s %s, want %s %s: %w", i+1, fn[i], ft[i], names[i], types[i], ErrSchema)
		}
	}
	return nil
}

// Glob reads the files matching pattern (filepath.Match syntax), in sorted
// order, as one source; see [Files]. No match gives an error wrapping
// fs.ErrNotExist.
func Glob(ctx context.Context, pattern string, opt Options) iter.Seq2[*frame.Frame, error] {
	paths, err := filepath.Glob(pattern)
	if err == nil && len(paths) == 0 {
		err = fmt.Errorf("readers: no file matches %q: %w", pattern, fs.ErrNotExist)
	}
	if err != nil {
		return func(yield func(*frame.Frame, error) bool) { yield(nil, err) }
	}
	sort.Strings(paths)
	return Files(ctx, paths, opt)
}
