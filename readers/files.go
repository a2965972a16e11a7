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

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"

	"github.com/sluicedata/sluice/frame"
)

// decoder returns a function wrapping a reader to decode the named encoding
// to UTF-8, or nil for UTF-8.
func decoder(name string) (func(io.Reader) io.Reader, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.ReplaceAll(n, "_", "-")
	var enc encoding.Encoding
	switch n {
	case "", "utf-8", "utf8":
		return nil, nil
	case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1":
		enc = charmap.ISO8859_1
	case "cp1252", "windows-1252", "win1252":
		enc = charmap.Windows1252
	default:
		if strings.HasPrefix(n, "iso8859-") {
			n = "iso-" + n[3:]
		}
		e, err := ianaindex.IANA.Encoding(n)
		if err != nil || e == nil {
			return nil, fmt.Errorf("readers: %q: %w", name, ErrEncoding)
		}
		enc = e
	}
	return func(r io.Reader) io.Reader { return transform.NewReader(r, enc.NewDecoder()) }, nil
}

// readCloser pairs a decompressing reader with the file to close.
type multiCloser struct {
	io.Reader
	closers []io.Closer
}

func (m *multiCloser) Close() error {
	var err error
	for _, c := range m.closers {
		if e := c.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// compressErr names the file and the codec of a decompression failure.
type compressReader struct {
	r    io.Reader
	path string
	kind string
}

func (c *compressReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%s: truncated %s stream: %w", c.path, c.kind, ErrFormat)
		} else {
			err = fmt.Errorf("%s: corrupt %s stream: %v: %w", c.path, c.kind, err, ErrFormat)
		}
	}
	return n, err
}

// openCSVFile opens path, decompressing gzip (.gz or magic 1f 8b) and zstd
// (.zst/.zstd or magic 28 b5 2f fd). Errors name the file.
func openCSVFile(path string) (io.Closer, io.Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("readers: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("readers: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("readers: %s: is a directory, not a file", path)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	magic, _ := br.Peek(4)
	mc := &multiCloser{closers: []io.Closer{f}}
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: bad gzip header: %v: %w", path, err, ErrFormat)
		}
		mc.Reader = &compressReader{zr, path, "gzip"}
		mc.closers = append([]io.Closer{zr}, mc.closers...)
	case len(magic) >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd:
		zr, err := zstd.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: bad zstd header: %v: %w", path, err, ErrFormat)
		}
		mc.Reader = &compressReader{zr, path, "zstd"}
		mc.closers = append([]io.Closer{closerFunc(func() error { zr.Close(); return nil })}, mc.closers...)
	default:
		ext := strings.ToLower(filepath.Ext(path))
		if ext == ".gz" || ext == ".zst" || ext == ".zstd" {
			f.Close()
			return nil, nil, fmt.Errorf("%s: extension %s but no %s magic bytes: %w", path, ext, ext[1:], ErrFormat)
		}
		mc.Reader = br
	}
	return mc, mc, nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

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

// mapMin is the smallest file CSVFile maps into memory (tests lower it).
var mapMin int64 = 8 << 20

func defaultsTab(path string) bool { return baseExt(path) == ".tsv" }

// CSVFile reads the CSV file at path like [CSV]. gzip and zstd files are
// decompressed (by extension .gz, .zst, .zstd or by magic bytes); a .tsv
// name defaults the delimiter to tab. Errors name the file.
func CSVFile(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		c, r, err := openCSVFile(path)
		if err != nil {
			yield(nil, err)
			return
		}
		defer func() { // c is reopened after a whole-file inference pass
			if c != nil {
				c.Close()
			}
		}()
		if defaultsTab(path) && opt.Delimiter == 0 {
			opt.Delimiter = '\t'
		}
		if opt.SampleRows < 0 && !opt.Raw {
			infos, err := inferReader(ctx, r, opt, path)
			c.Close()
			if err != nil {
				yield(nil, err)
				return
			}
			c, r, err = openCSVFile(path)
			if err != nil {
				yield(nil, err)
				return
			}
			opt = withTypes(opt, infos)
		}
		if mc, ok := c.(*multiCloser); ok && len(mc.closers) == 1 {
			// uncompressed: the size is known, and a big UTF-8 file is
			// mapped and cut into chunks in place rather than copied by reads
			if f, ok := mc.closers[0].(*os.File); ok {
				if st, err := f.Stat(); err == nil {
					opt.sizeHint = st.Size()
					if dec, _ := decoder(opt.Encoding); dec == nil {
						if data, unmap := mapFile(f, st.Size()); data != nil {
							// csvSeq returns only after its goroutines stop
							defer unmap()
							r = newWholeInput(data)
						}
					}
				}
			}
		}
		csvSeq(ctx, r, opt, path)(yield)
	}
}

// Records reads r as raw records: every record of the input, the header
// included, as the exact field text, ragged records unpadded. Dialect options
// (Delimiter or auto-detection, Encoding, LazyQuotes, Comment) apply; types,
// NA, header and ragged options do not. Each yielded slice is freshly
// allocated. An error is yielded once, as a *ParseError where it locates a
// record.
func Records(ctx context.Context, r io.Reader, opt Options) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		s, delim, err := prepare(r, opt)
		if err != nil {
			yield(nil, err)
			return
		}
		tok := newTokenizer(delim, opt.LazyQuotes, opt.commentByte())
		s.exact = newTokenizer(delim, opt.LazyQuotes, opt.commentByte()) // serial anyway: exact splitting
		line := 1
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			chunk, err := s.next(1 << 12)
			if err != nil {
				yield(nil, err)
				return
			}
			if chunk == nil {
				return
			}
			pos := 0
			for pos < len(chunk) {
				next, err := tok.parse(chunk, pos)
				if err == errSkip {
					pos = next
					continue
				}
				if err != nil {
					te := err.(*tokErr)
					yield(nil, &ParseError{Line: line + countLines(chunk[:pos]), Column: te.field, Err: te.err})
					return
				}
				rec := make([]string, len(tok.fields))
				for i := range rec {
					rec[i] = string(tok.field(chunk, i))
				}
				if !yield(rec, nil) {
					return
				}
				pos = next
			}
			line += countLines(chunk)
		}
	}
}

// OpenFunc opens a file as a stream of frames; see [RegisterFormat].
type OpenFunc func(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error]

var (
	formatsMu sync.RWMutex
	formats   = map[string]OpenFunc{}
)

// RegisterFormat makes [Open] (and [Files], [Glob]) read files whose name
// ends in ext (".xlsx", case-insensitive) with open. A format package calls it
// from its init function, so importing it (for example
// github.com/sluicedata/sluice/readers/xlsx) is enough. Registering an
// extension again replaces the previous function.
func RegisterFormat(ext string, open OpenFunc) {
	ext = strings.ToLower(ext)
	if !strings.HasPrefix(ext, ".") {
		ext = "." + ext
	}
	formatsMu.Lock()
	formats[ext] = open
	formatsMu.Unlock()
}

// Open reads the file at path by its extension: .csv, .tsv (tab delimiter by
// default), .txt, and those compressed (.gz, .zst, .zstd) read as CSV, like
// files with no extension; other extensions use the function registered
// for them with [RegisterFormat] (.xlsx needs an import of
// github.com/sluicedata/sluice/readers/xlsx); unknown ones give ErrNoFormat.
func Open(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error] {
	ext := baseExt(path)
	lext := strings.ToLower(filepath.Ext(path))
	formatsMu.RLock()
	fn := formats[lext]
	if fn == nil {
		fn = formats[ext]
	}
	formatsMu.RUnlock()
	if fn != nil {
		if opt.Keep != nil {
			// formats other than CSV filter each chunk once parsed
			return filterSeq(fn(ctx, path, opt), opt.Keep)
		}
		return fn(ctx, path, opt)
	}
	switch ext {
	case ".csv", ".tsv", ".txt", ".dat", "":
		return CSVFile(ctx, path, opt)
	}
	return func(yield func(*frame.Frame, error) bool) {
		msg := fmt.Sprintf("readers: %s: extension %s: %%w", path, ext)
		if ext == ".xlsx" || ext == ".xlsm" {
			msg += " (import github.com/sluicedata/sluice/readers/xlsx to read Excel files)"
		}
		yield(nil, fmt.Errorf(msg, ErrNoFormat))
	}
}

// Files reads the files in paths, in order, as one source. Every file must
// have the columns of the first (same names in the same order); later files
// are read with the first file's types, so a value that does not fit fails
// with a *ParseError naming its file. opt.SourceColumn, if set, appends a
// String column holding each row's file path. Each file's last chunk may be
// shorter than ChunkRows.
func Files(ctx context.Context, paths []string, opt Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		if len(paths) == 0 {
			yield(nil, fmt.Errorf("readers: no files: %w", ErrEmpty))
			return
		}
		var names []string
		var types []frame.Type
		// one dictionary per encoded String column across all the files,
		// and one for the source column (a path per file)
		dicts := map[string]*strDict{}
		var srcDict *strDict
		if !opt.NoDict {
			srcDict = newStrDict()
		}
		for i, p := range paths {
			o := opt
			o.noCollect = true
			o.dicts = dicts
			if i > 0 {
				o.typesSubset = true
				o.Types = make(map[string]frame.Type, len(names))
				for k, n := range names {
					o.Types[n] = types[k]
				}
			}
			for f, err := range Open(ctx, p, o) {
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
					nf, err := f.WithColumn(sourceColumn(opt.SourceColumn, p, f.NumRows(), srcDict))
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

// sourceColumn returns a String column of n copies of path, encoded with d
// (nil: plain).
func sourceColumn(name, path string, n int, d *strDict) *frame.Column {
	if d != nil {
		if id, _, ok := d.add([]byte(path)); ok {
			codes := make([]uint32, n)
			for i := range codes {
				codes[i] = id
			}
			return frame.AdoptDict(name, codes, d.snapshot(), nil, 0)
		}
	}
	sb := frame.NewBuilder(frame.String, n).(*frame.StringBuilder)
	for range n {
		sb.Append(path)
	}
	return sb.Build(name)
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
