package writers

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/sluicedata/sluice/frame"
)

// Writer is a chunked frame sink: a file made by [Create] or a stream made by
// [New].
type Writer interface {
	// Write appends the rows of chunk. Every chunk must have the first
	// chunk's schema (names and types, in order); a chunk that differs gives
	// an error wrapping ErrSchema, is not written, and the writer stays
	// usable. After any other error the output is unusable: Close then
	// fails (and a file writer leaves nothing at its path).
	Write(chunk *frame.Frame) error
	// Close finishes the output: a file is published at its path (after a
	// failed Close nothing is left there); a stream is flushed. Close after
	// Close or Abort does nothing.
	Close() error
	// Abort discards the output: a file writer leaves nothing at its path;
	// a stream writer stops, with what earlier Writes wrote already out.
	// Abort after Close does nothing.
	Abort() error
}

// Options configure the writers. The zero value picks the format by the
// file name, writes a header, ',' for CSV and tab for TSV, empty text for
// nulls and true/false for booleans.
type Options struct {
	// Format names the output format ("csv", "tsv", "json", "ndjson",
	// "xlsx", "parquet", or any registered name; see [Formats]), whatever
	// the file name's extension. "" means: by the extension ([Create]), or
	// CSV ([New]).
	Format string
	// Delimiter overrides the field separator of CSV and TSV (an ASCII
	// character other than '"', CR and LF).
	Delimiter rune
	// NoHeader omits the header row (CSV, TSV, xlsx).
	NoHeader bool
	// BoolFormat is how CSV and TSV spell booleans, named by its spelling of
	// true: "true" (true/false, the default when ""), "TRUE" (TRUE/FALSE),
	// "True" (True/False) or "1" (1/0). JSON, xlsx and Parquet store
	// booleans natively.
	BoolFormat string
	// Sheet is the xlsx worksheet name; "" means "Sheet1". Past Excel's
	// 1,048,576-row limit the writer continues in "<Sheet> (2)", "(3)", ….
	Sheet string
	// OnNewSheet, if set, is called when the xlsx writer starts an overflow
	// sheet, so callers can say so.
	OnNewSheet func(name string, firstRow int64)
	// ParquetTimestampUnit is the unit of Parquet TIMESTAMP columns (Datetime
	// columns); the zero value is ParquetMicros. See [ParquetWriter].
	ParquetTimestampUnit TimestampUnit
	// MaxBufferBytes, if > 0, bounds what an encoder holds in memory before
	// it writes: the Parquet encoder closes smaller row groups and keeps
	// smaller dictionaries and page buffers so that its buffers stay near
	// this many bytes (a pipeline run under a memory budget sets it from the
	// budget). 0 means each format's default (Parquet: row groups of up to
	// 64 MiB of encoded pages).
	MaxBufferBytes int64
}

// TimestampUnit is the unit of the Parquet TIMESTAMP columns the Parquet
// writer (package writers/parquet) writes; see Options.ParquetTimestampUnit.
type TimestampUnit uint8

// Timestamp units. The zero value, ParquetMicros, is the default.
const (
	ParquetMicros TimestampUnit = iota // TIMESTAMP(MICROS)
	ParquetMillis                      // TIMESTAMP(MILLIS)
	ParquetNanos                       // TIMESTAMP(NANOS): exact, but Spark 3 and duckdb-go need settings or casts
)

// String returns "micros", "millis" or "nanos".
func (u TimestampUnit) String() string {
	switch u {
	case ParquetMicros:
		return "micros"
	case ParquetMillis:
		return "millis"
	case ParquetNanos:
		return "nanos"
	}
	return fmt.Sprintf("TimestampUnit(%d)", uint8(u))
}

// Sentinel errors.
var (
	// ErrSchema: a chunk's columns differ from the first chunk's.
	ErrSchema = errors.New("chunk schema differs from the first chunk")
	// ErrFormat: the output extension or Options.Format names no registered
	// format.
	ErrFormat = errors.New("unknown output format")
	// ErrClosed: Write after Close or Abort.
	ErrClosed = errors.New("writer is closed")
	// ErrOption: an Options field holds a value the format cannot use.
	ErrOption = errors.New("invalid option")
)

// Encoder writes frames in one format to an io.Writer. A [Format]'s New
// makes one; [Create] and [New] wrap it into a [Writer], which checks the
// schema of every chunk before the encoder sees it, so an encoder may assume
// every chunk has the first chunk's names and types.
//
// An Encoder that holds resources beyond its io.Writer (temporary files)
// may also have a method Abort(), which the Writer calls instead of Close
// when the output is discarded (Abort, or Close after a failed Write).
type Encoder interface {
	// Write encodes the rows of chunk.
	Write(chunk *frame.Frame) error
	// Close writes what the format needs after the last row (a JSON array's
	// closing bracket, an xlsx workbook, a Parquet footer). It does not
	// close the io.Writer. Close is called at most once, and never after a
	// Write failed.
	Close() error
}

// aborter is implemented by encoders that hold resources of their own
// (excelize's temporary files): a Writer's Abort, and a Close after a failed
// Write, call Abort instead of Close. Encoders document it as
// "Abort() releases …".
type aborter interface{ Abort() }

// Format is an output format known to [Create] and [New]; see [Register].
type Format struct {
	// Name is what Options.Format and New's format argument call it:
	// lower case, no dot ("csv").
	Name string
	// Exts are the file name extensions Create picks the format by, with
	// the dot (".csv"); matched case-insensitively.
	Exts []string
	// New returns an encoder writing to w with opt. w is buffered by the
	// caller (Create and New hand it a bufio.Writer that they flush after
	// Close), so an encoder may write small pieces.
	New func(w io.Writer, opt Options) (Encoder, error)
}

var (
	formatsMu sync.RWMutex
	formats   = map[string]Format{} // by lower-case name
	extFormat = map[string]string{} // extension → name of the format registered last for it
)

// Register makes a format known to [Create] (by its extensions and name)
// and [New] (by name). A format package calls it from its init function, so
// importing the package (github.com/sluicedata/sluice/writers/xlsx,
// …/writers/parquet) is enough. Registering a name again replaces the
// earlier format (and its extensions); an extension registered by two
// formats goes to the later.
// Register panics if f has no Name or no New: that is a programming error,
// like database/sql.Register with a nil driver.
func Register(f Format) {
	if f.Name == "" || f.New == nil {
		panic("writers: Register of a format without Name or New")
	}
	f.Exts = slices.Clone(f.Exts)
	for i, e := range f.Exts {
		e = strings.ToLower(e)
		if !strings.HasPrefix(e, ".") {
			e = "." + e
		}
		f.Exts[i] = e
	}
	name := strings.ToLower(f.Name)
	formatsMu.Lock()
	defer formatsMu.Unlock()
	formats[name] = f
	for _, e := range f.Exts {
		extFormat[e] = name
	}
}

// Formats returns the registered formats, sorted by name: csv, json, ndjson
// and tsv always; xlsx and parquet when their packages are imported.
func Formats() []Format {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	out := make([]Format, 0, len(formats))
	for _, f := range formats {
		f.Exts = slices.Clone(f.Exts)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Format) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// subpackages are the format packages outside the core, for error hints.
var subpackages = map[string]string{
	"xlsx":    "github.com/sluicedata/sluice/writers/xlsx",
	"parquet": "github.com/sluicedata/sluice/writers/parquet",
}

// byName finds a registered format by name.
func byName(name string) (Format, error) {
	n := strings.ToLower(name)
	formatsMu.RLock()
	f, ok := formats[n]
	formatsMu.RUnlock()
	if ok {
		return f, nil
	}
	return Format{}, fmt.Errorf("writers: format %q: %w%s", name, ErrFormat, hint(n))
}

// byExt finds the registered format of a file name by its extension.
func byExt(path string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	formatsMu.RLock()
	f, found := formats[extFormat[ext]]
	if !found || !slices.Contains(f.Exts, ext) {
		// a later Register of that name dropped ext: any other format
		// listing it, the first by name
		found = false
		for _, g := range formats {
			if slices.Contains(g.Exts, ext) && (!found || g.Name < f.Name) {
				f, found = g, true
			}
		}
	}
	formatsMu.RUnlock()
	if found {
		return f, nil
	}
	return Format{}, fmt.Errorf("writers: %s: %w%s", path, ErrFormat, hint(strings.TrimPrefix(ext, ".")))
}

// hint tells what would make format name (or extension) known.
func hint(name string) string {
	if pkg, ok := subpackages[name]; ok {
		return fmt.Sprintf(" (import %s to write %s)", pkg, name)
	}
	var exts, names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
		exts = append(exts, f.Exts...)
	}
	return fmt.Sprintf(" (formats: %s; extensions: %s)", strings.Join(names, ", "), strings.Join(exts, " "))
}

// Create returns a writer of the file at path in the format opt.Format
// names or, when that is "", the format of path's extension (see
// [Formats]). The file appears atomically: data goes to a temporary file in
// the destination's directory, which Close fsyncs and renames over the
// destination; Abort or a failed Close removes it. A symbolic link at path is
// followed (the link stays, its target is replaced); an existing file's
// permission bits are kept, a new file gets 0666 less the umask. A path that
// exists and is not a regular file (/dev/null, a FIFO) is written directly.
func Create(path string, opt Options) (Writer, error) {
	var f Format
	var err error
	if opt.Format != "" {
		f, err = byName(opt.Format)
	} else {
		f, err = byExt(path)
	}
	if err != nil {
		return nil, err
	}
	return CreateEncoder(path, func(w io.Writer) (Encoder, error) { return f.New(w, opt) })
}

// CreateEncoder is [Create] with an encoder the caller makes, for settings
// Options does not have; for example Parquet row groups of 100,000 rows:
//
//	w, err := writers.CreateEncoder(path, func(w io.Writer) (writers.Encoder, error) {
//		enc, err := parquet.NewEncoder(w, writers.Options{})
//		if err == nil {
//			enc.SetRowGroupLimits(100_000, 0)
//		}
//		return enc, err
//	})
//
// The file is written atomically as by Create.
func CreateEncoder(path string, newEncoder func(w io.Writer) (Encoder, error)) (Writer, error) {
	af, err := newAtomicFile(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(af.w, 1<<20)
	enc, err := newEncoder(bw)
	if err != nil {
		af.abort()
		return nil, fmt.Errorf("writers: %s: %w", path, err)
	}
	return &fileWriter{sink: sink{name: path, enc: enc, bw: bw}, af: af}, nil
}

// New returns a writer of format (a registered name, see [Formats]) to w,
// such as os.Stdout; format "" means opt.Format, and CSV if that is empty
// too. Output is buffered and flushed after every Write and by Close; Close
// does not close w. Nothing is atomic here: Abort stops, and what earlier
// Writes wrote stays written.
func New(w io.Writer, format string, opt Options) (Writer, error) {
	if format == "" {
		format = opt.Format
	}
	if format == "" {
		format = "csv"
	}
	f, err := byName(format)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc, err := f.New(bw, opt)
	if err != nil {
		return nil, fmt.Errorf("writers: %s: %w", f.Name, err)
	}
	return &streamWriter{sink{name: f.Name + " output", enc: enc, bw: bw}}, nil
}

// NewCSV returns a CSV writer of the file at path whatever its extension:
// Create with Options.Format "csv" (opt.Delimiter still applies).
func NewCSV(path string, opt Options) (Writer, error) {
	opt.Format = "csv"
	return Create(path, opt)
}

// sink is what file and stream writers share: the schema check, the
// encoder and its buffer, and the failure state.
type sink struct {
	name   string
	enc    Encoder
	bw     *bufio.Writer
	names  []string
	types  []frame.Type
	err    error // a failed Write: the output is unusable
	closed bool
}

func (s *sink) write(chunk *frame.Frame) error {
	if s.closed {
		return ErrClosed
	}
	if s.err != nil {
		return s.err
	}
	if s.names == nil {
		s.names, s.types = chunk.Names(), chunk.Types()
	} else if err := checkSchema(s.names, s.types, chunk); err != nil {
		return err
	}
	if err := s.enc.Write(chunk); err != nil {
		s.err = s.wrap(err)
		return s.err
	}
	return nil
}

// finish closes the encoder and flushes the buffer.
func (s *sink) finish() error {
	if s.err != nil {
		s.abort()
		return s.err
	}
	if err := s.enc.Close(); err != nil {
		return s.wrap(err)
	}
	if err := s.bw.Flush(); err != nil {
		return s.wrap(err)
	}
	return nil
}

// abort releases the encoder's own resources, if any.
func (s *sink) abort() {
	if a, ok := s.enc.(aborter); ok {
		a.Abort()
	}
}

// wrap names the output in an error, unless the encoder did.
func (s *sink) wrap(err error) error {
	if ns := (*noSpaceError)(nil); errors.As(err, &ns) {
		return ns // one line that says it all
	}
	if strings.HasPrefix(err.Error(), "writers: ") {
		return err
	}
	return fmt.Errorf("writers: %s: %w", s.name, err)
}

// fileWriter is an atomic file writer.
type fileWriter struct {
	sink
	af *atomicFile
}

func (w *fileWriter) Write(chunk *frame.Frame) error { return w.write(chunk) }

func (w *fileWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.finish(); err != nil {
		w.af.abort()
		return err
	}
	return w.af.commit()
}

func (w *fileWriter) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.abort()
	return w.af.abort()
}

// streamWriter writes to an io.Writer.
type streamWriter struct{ sink }

func (w *streamWriter) Write(chunk *frame.Frame) error {
	if err := w.write(chunk); err != nil {
		return err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	return nil
}

func (w *streamWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return w.finish()
}

func (w *streamWriter) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.abort()
	return nil
}

// checkSchema compares a chunk with the first chunk's names and types.
func checkSchema(names []string, types []frame.Type, chunk *frame.Frame) error {
	if chunk.NumCols() != len(names) {
		return fmt.Errorf("writers: chunk has %d columns, first chunk %d: %w", chunk.NumCols(), len(names), ErrSchema)
	}
	for i, c := range chunk.Columns() {
		if c.Name() != names[i] || c.Type() != types[i] {
			return fmt.Errorf("writers: chunk column %d is %s %v, first chunk has %s %v: %w",
				i, c.Name(), c.Type(), names[i], types[i], ErrSchema)
		}
	}
	return nil
}
