package sluicebeam

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// Byte-range splitting of big CSV and TSV files.
//
// A plain (uncompressed, UTF-8) CSV or TSV file larger than the split size
// is cut into ranges that end on record boundaries: one sequential scan
// tracks double quotes (RFC 4180: a quoted field may hold newlines, "" is a
// quote inside one), so a newline inside a quoted field never ends a range.
// Each range is parsed by its own worker with package readers, the file's
// header in front of it, with the input's types and the delimiter the whole
// file is read with. The scan reads the file once, without parsing, which
// is far cheaper than the parse it spreads out.
//
// Files are not split (one worker reads each whole) when they are small, a
// union member, compressed or not UTF-8 (by their first bytes), or read
// with options that need the file's start: skip_rows, header_row,
// no_header, comment, encoding or lazy_quotes.

// DefaultSplitBytes is the size of a CSV byte range when
// Options.SplitBytes is 0.
const DefaultSplitBytes = 64 << 20

// rangeTask is one unit of reading: a whole file (End < 0) or the byte
// range [Start, End) of a CSV file whose header ends at Header, the range
// starting on line Line.
type rangeTask struct {
	File, Range              int
	Start, End, Header, Line int64
	Delim                    rune
	Path                     string
}

func (t rangeTask) String() string {
	return fmt.Sprintf("%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s", t.File, t.Range, t.Start, t.End, t.Header, t.Line, t.Delim, t.Path)
}

func parseRangeTask(s string) (rangeTask, error) {
	f := strings.SplitN(s, "\t", 8)
	if len(f) != 8 {
		return rangeTask{}, fmt.Errorf("sluicebeam: bad range task %q", s)
	}
	var n [7]int64
	for i := range n {
		v, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return rangeTask{}, fmt.Errorf("sluicebeam: bad range task %q: %w", s, err)
		}
		n[i] = v
	}
	return rangeTask{File: int(n[0]), Range: int(n[1]), Start: n[2], End: n[3], Header: n[4], Line: n[5], Delim: rune(n[6]), Path: f[7]}, nil
}

// splittable reports whether the input's options allow reading a file in
// ranges.
func (c *inputCfg) splittable(path string) bool {
	o := c.Options
	ext := strings.ToLower(filepath.Ext(path))
	return c.SplitBytes > 0 && !c.Union && (ext == ".csv" || ext == ".tsv") &&
		o.SkipRows == 0 && o.HeaderRow == 0 && !o.NoHeader && o.Comment == "" &&
		o.Encoding == "" && !o.LazyQuotes && !o.Raw
}

// split cuts a file into range tasks (one whole-file task when it is not
// to be split).
func (c *inputCfg) split(ctx context.Context, index int, path string) ([]rangeTask, error) {
	whole := []rangeTask{{File: index, End: -1, Path: path}}
	if !c.splittable(path) {
		return whole, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() <= c.SplitBytes {
		return whole, nil
	}
	r := bufio.NewReaderSize(f, 1<<20)
	head, _ := r.Peek(4)
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) || bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}) ||
		bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return whole, nil // compressed or UTF-16
	}
	var out []rangeTask
	var pos, start, header int64 = 0, -1, -1
	line := int64(1) // line number at pos
	startLine := int64(0)
	inQuote := false
	for {
		b, err := r.ReadSlice('\n')
		for _, ch := range b {
			if ch == '"' {
				inQuote = !inQuote
			}
		}
		pos += int64(len(b))
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
			if !inQuote {
				// a record boundary at pos
				switch {
				case header < 0:
					header, start, startLine = pos, pos, line
				case pos-start >= c.SplitBytes:
					out = append(out, rangeTask{File: index, Range: len(out), Start: start, End: pos, Header: header, Line: startLine, Path: path})
					start, startLine = pos, line
				}
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if header < 0 || len(out) == 0 {
		return whole, nil
	}
	if pos > start {
		out = append(out, rangeTask{File: index, Range: len(out), Start: start, End: pos, Header: header, Line: startLine, Path: path})
	}
	delim, err := c.delimiter(ctx, path)
	if err != nil {
		return nil, c.errorf(path, err)
	}
	for i := range out {
		out[i].Delim = delim
	}
	return out, nil
}

// delimiter is the field separator the reader uses for the whole file
// (given, by extension, or detected from its start).
func (c *inputCfg) delimiter(ctx context.Context, path string) (rune, error) {
	if c.Options.Delimiter != 0 {
		return c.Options.Delimiter, nil
	}
	o := c.Options
	o.Types = c.typeMap()
	seq, st := readers.OpenStats(ctx, path, o)
	for _, err := range seq {
		if err != nil {
			return 0, err
		}
		break
	}
	return st.Delimiter, nil
}

// typeMap is the input's schema as reader types.
func (c *inputCfg) typeMap() map[string]frame.Type {
	m := make(map[string]frame.Type, len(c.Names))
	for i, n := range c.Names {
		m[n] = c.Types[i]
	}
	return m
}

// readRange parses a byte range of a CSV file: the header, then the range.
func (c *inputCfg) readRange(ctx context.Context, t rangeTask, emit func(*frame.Frame) error) error {
	f, err := os.Open(t.Path)
	if err != nil {
		return c.errorf(t.Path, err)
	}
	defer f.Close()
	o := c.Options
	o.Types = c.typeMap()
	o.Delimiter = t.Delim
	r := io.MultiReader(io.NewSectionReader(f, 0, t.Header), io.NewSectionReader(f, t.Start, t.End-t.Start))
	var row int64
	for ch, err := range readers.CSV(ctx, r, o) {
		if err != nil {
			return c.errorf(t.Path, fmt.Errorf("byte range %d-%d starting on line %d (a line number below counts from that range's first line as line 2): %w", t.Start, t.End, t.Line, err))
		}
		if err := sameSchema(c.Names, c.Types, ch); err != nil {
			return c.errorf(t.Path, err)
		}
		if ch, err = withOrder(ch, t, &row); err != nil {
			return c.errorf(t.Path, err)
		}
		if err := emit(ch); err != nil {
			return err
		}
	}
	return nil
}

// withOrder adds the order column to an input chunk: file index, range
// index and row in the range, as 20 hex digits (fixed width, so positions
// sort bytewise and none is a prefix of another).
func withOrder(f *frame.Frame, t rangeTask, row *int64) (*frame.Frame, error) {
	ords := make([]string, f.NumRows())
	for i := range ords {
		ords[i] = fmt.Sprintf("%06x%04x%010x", t.File, t.Range, *row+int64(i))
	}
	*row += int64(f.NumRows())
	return f.WithColumn(frame.MustColumn(frame.NewString(ordCol, ords, nil)))
}
