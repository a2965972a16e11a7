package json

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

func init() {
	for _, ext := range []string{".ndjson", ".jsonl", ".json"} {
		readers.RegisterFormat(ext, ReadFile)
	}
}

// ErrSyntax is wrapped by the errors of malformed JSON.
var ErrSyntax = errors.New("invalid JSON")

// ParseError locates a problem in a JSON input: the file, the 1-based line
// of an NDJSON record or the 0-based index of a JSON array's element, the
// key, and the offending value's text (shortened).
type ParseError struct {
	File    string
	Line    int // NDJSON: 1-based line of the record; 0 in a JSON array
	Element int // JSON array: 0-based index of the element; -1 in NDJSON or outside any element
	Key     string
	Text    string
	Err     error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(cmp(e.File, "<input>"))
	switch {
	case e.Line > 0:
		fmt.Fprintf(&b, ":%d", e.Line)
	case e.Element >= 0:
		fmt.Fprintf(&b, ": element [%d]", e.Element)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": key %q", e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Text != "" {
		t := e.Text
		if len(t) > 60 {
			t = t[:57] + "..."
		}
		fmt.Fprintf(&b, " (text %q)", t)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ReadFile reads the NDJSON or JSON file at path as [Read] does; gzip and
// zstd files (by their magic bytes) are decompressed. Errors name the file.
// With a negative Options.SampleRows the file is read twice: once to infer
// the types, once to convert.
func ReadFile(ctx context.Context, path string, opt readers.Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		open := func() (io.Reader, func(), error) { return openFile(path) }
		run(ctx, path, open, opt, yield)
	}
}

// Read reads NDJSON or a JSON array of objects from r, as a stream of frames
// of Options.ChunkRowsOrDefault() rows; see the package doc for the rules.
// The format is told by the first non-space byte: '[' is an array, '{'
// NDJSON. With a negative Options.SampleRows, r is read twice when it is an
// io.Seeker (from its current offset); otherwise every record is held in
// memory until the types are known.
func Read(ctx context.Context, r io.Reader, opt readers.Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		run(ctx, "", reopener(r), opt, yield)
	}
}

// reopener returns the open function of run for r: the first call gives r,
// a second one seeks back to where r was, if r is an io.Seeker that can;
// otherwise the close function is nil, which tells run that r can be read
// only once.
func reopener(r io.Reader) func() (io.Reader, func(), error) {
	seeker, ok := r.(io.Seeker)
	var start int64
	if ok {
		off, err := seeker.Seek(0, io.SeekCurrent)
		ok, start = err == nil, off
	}
	if !ok {
		return func() (io.Reader, func(), error) { return r, nil, nil }
	}
	opened := false
	return func() (io.Reader, func(), error) {
		if opened {
			if _, err := seeker.Seek(start, io.SeekStart); err != nil {
				return nil, nil, fmt.Errorf("readers/json: second pass: %w", err)
			}
		}
		opened = true
		return r, func() {}, nil
	}
}

// openFile opens path, decompressing gzip and zstd by their magic bytes.
func openFile(path string) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("readers/json: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("readers/json: %s: is a directory, not a file", path)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("readers/json: %s: bad gzip header: %v: %w", path, err, readers.ErrFormat)
		}
		return zr, func() { zr.Close(); f.Close() }, nil
	case len(magic) == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd:
		zr, err := zstd.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("readers/json: %s: bad zstd header: %v: %w", path, err, readers.ErrFormat)
		}
		return zr, func() { zr.Close(); f.Close() }, nil
	}
	return br, func() { f.Close() }, nil
}

// source yields the records of one input: NDJSON lines or array elements.
type source interface {
	// next parses the next record into p.fields; io.EOF at the end.
	next(p *parser) error
	// where fills the position of the last record into e.
	where(e *ParseError)
}

// newSource sniffs the input's format.
func newSource(r io.Reader) (source, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil, readers.ErrEmpty
		}
		if err != nil {
			return nil, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF: // a UTF-8 byte order mark
			if b, _ := br.Peek(2); len(b) == 2 && b[0] == 0xBB && b[1] == 0xBF {
				br.Discard(2)
				continue
			}
		case '[':
			br.UnreadByte()
			dec := stdjson.NewDecoder(br)
			if _, err := dec.Token(); err != nil { // the '[', so that Decode and More see the commas
				return nil, err
			}
			return &arraySource{dec: dec, elem: -1}, nil
		case '{':
			br.UnreadByte()
			return &ndjsonSource{br: br}, nil
		}
		return nil, fmt.Errorf("first character %q: want '[' (a JSON array) or '{' (NDJSON): %w", c, ErrSyntax)
	}
}

// ndjsonSource reads one record per line; blank lines are skipped.
type ndjsonSource struct {
	br   *bufio.Reader
	line int
	buf  []byte
}

func (s *ndjsonSource) next(p *parser) error {
	for {
		b, err := s.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			s.buf = append(s.buf[:0], b...)
			for err == bufio.ErrBufferFull {
				b, err = s.br.ReadSlice('\n')
				s.buf = append(s.buf, b...)
			}
			b = s.buf
		}
		if err != nil && err != io.EOF {
			return err
		}
		if len(b) == 0 && err == io.EOF {
			return io.EOF
		}
		s.line++
		if len(bytes.TrimSpace(b)) == 0 {
			if err == io.EOF {
				return io.EOF
			}
			continue
		}
		return p.parse(b)
	}
}

func (s *ndjsonSource) where(e *ParseError) { e.Line, e.Element = s.line, -1 }

// arraySource reads the elements of a JSON array one at a time with
// encoding/json's Decoder (Token and More), so only one element is in
// memory.
type arraySource struct {
	dec  *stdjson.Decoder
	elem int
	raw  stdjson.RawMessage
	done bool
}

func (s *arraySource) next(p *parser) error {
	if s.done {
		return io.EOF
	}
	if !s.dec.More() {
		s.done = true
		if _, err := s.dec.Token(); err != nil { // ']'
			return err
		}
		if tok, err := s.dec.Token(); err != io.EOF {
			if err == nil {
				err = fmt.Errorf("%v after the array: %w", tok, ErrSyntax)
			}
			s.elem = -1
			return err
		}
		return io.EOF
	}
	s.elem++
	s.raw = s.raw[:0]
	if err := s.dec.Decode(&s.raw); err != nil {
		return err
	}
	return p.parse(s.raw)
}

func (s *arraySource) where(e *ParseError) { e.Line, e.Element = 0, s.elem }

// column is what the reader knows of one key.
type column struct {
	name  string
	kinds frame.JSONKinds
	out   int // index among the yielded columns, or -1 (projected away)
}

// reader holds the state of one read.
type reader struct {
	ctx   context.Context
	name  string
	opt   readers.Options
	p     parser
	src   source
	cols  []*column
	index map[string]int // key → index in cols
	// types of the yielded columns, and their builders
	outNames  []string
	outTypes  []frame.Type
	builders  []frame.Builder
	slot      []int // per yielded column: index in p.fields of this record's value, or -1
	rows      int
	chunksOut int
	records   int64
	// whether keys outside the projection are skipped (Columns set)
	projected bool
}

func (rd *reader) errAt(key, text string, err error) error {
	e := &ParseError{File: rd.name, Key: key, Text: text, Err: err, Element: -1}
	if rd.src != nil {
		rd.src.where(e)
	}
	return e
}

// wrapNext turns a source error into a located error.
func (rd *reader) wrapNext(err error) error {
	var se *syntaxError
	var je *stdjson.SyntaxError
	switch {
	case errors.As(err, &se):
		return rd.errAt("", "", fmt.Errorf("%s: %w", se.Error(), ErrSyntax))
	case errors.As(err, &je):
		return rd.errAt("", "", fmt.Errorf("%v: %w", je, ErrSyntax))
	case errors.Is(err, errNotObject):
		return rd.errAt("", "", fmt.Errorf("%w: %w", errNotObject, ErrSyntax))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return rd.errAt("", "", fmt.Errorf("unexpected end of input: %w", ErrSyntax))
	case errors.Is(err, ErrSyntax):
		return rd.errAt("", "", err)
	}
	return rd.errAt("", "", err)
}

// sample holds the records read for type inference, flattened.
type sample struct {
	arena  []byte
	fields []sfield
	ends   []int        // end of each record in fields
	where  []ParseError // position of each record (Line, Element)
}

type sfield struct {
	col        int
	kind       uint8
	start, end int
}

// run reads the input opened by open (which returns the reader and a close
// function; a nil close function marks an input that cannot be opened
// twice).
func run(ctx context.Context, name string, open func() (io.Reader, func(), error), opt readers.Options, yield func(*frame.Frame, error) bool) {
	rd := &reader{ctx: ctx, name: name, opt: opt, index: map[string]int{}, projected: len(opt.Columns) > 0}
	fail := func(err error) { yield(nil, err) }
	r, closeFn, err := open()
	if err != nil {
		fail(err) // names the file already
		return
	}
	once := closeFn == nil
	if closeFn != nil {
		defer func() { closeFn() }()
	}
	if rd.src, err = newSource(r); err != nil {
		fail(rd.errAt("", "", err))
		return
	}
	limit := opt.SampleRowsOrDefault()
	twoPass := limit < 0 && !once
	var smp sample
	for limit < 0 || rd.records < int64(limit) {
		more, err := rd.nextRecord(ctx)
		if err != nil {
			fail(err)
			return
		}
		if !more {
			break
		}
		if twoPass {
			rd.learn(nil)
		} else {
			rd.learn(&smp)
		}
	}
	if len(rd.cols) == 0 {
		fail(rd.errAt("", "", fmt.Errorf("no keys in the records: %w", readers.ErrEmpty)))
		return
	}
	if err := rd.decide(); err != nil {
		fail(err)
		return
	}
	if twoPass {
		closeFn()
		if r, closeFn, err = open(); err != nil {
			fail(err)
			return
		}
		if rd.src, err = newSource(r); err != nil {
			fail(rd.errAt("", "", err))
			return
		}
		rd.records = 0
	} else {
		// convert the sample
		for k, end := 0, 0; k < len(smp.ends); k++ {
			start := end
			end = smp.ends[k]
			for i := range rd.slot {
				rd.slot[i] = -1
			}
			rd.p.fields = rd.p.fields[:0]
			for _, sf := range smp.fields[start:end] {
				c := rd.cols[sf.col]
				if c.out < 0 {
					continue
				}
				rd.slot[c.out] = len(rd.p.fields)
				rd.p.fields = append(rd.p.fields, field{kind: sf.kind, text: smp.arena[sf.start:sf.end]})
			}
			if err := rd.appendRecord(&smp.where[k]); err != nil {
				fail(err)
				return
			}
			if rd.rows == opt.ChunkRowsOrDefault() {
				if !rd.flush(yield) {
					return
				}
			}
		}
		smp = sample{}
	}
	// stream the rest
	for {
		more, err := rd.nextRecord(ctx)
		if err != nil {
			fail(err)
			return
		}
		if !more {
			break
		}
		if err := rd.place(); err != nil {
			fail(err)
			return
		}
		if err := rd.appendRecord(nil); err != nil {
			fail(err)
			return
		}
		if rd.rows == opt.ChunkRowsOrDefault() {
			if !rd.flush(yield) {
				return
			}
		}
	}
	if rd.rows > 0 || rd.chunksOut == 0 {
		rd.flush(yield)
	}
}

// learn records the keys and value kinds of the parsed record, storing the
// record in smp when smp is not nil.
func (rd *reader) learn(smp *sample) {
	for _, f := range rd.p.fields {
		k, ok := rd.index[string(f.key)]
		if !ok {
			k = len(rd.cols)
			rd.index[string(f.key)] = k
			rd.cols = append(rd.cols, &column{name: string(f.key)})
		}
		kinds := &rd.cols[k].kinds
		switch f.kind {
		case kTrue, kFalse:
			kinds.Bools++
		case kNumber:
			kinds.AddNumber(f.text)
		case kString:
			kinds.AddString(string(f.text))
		case kNested:
			kinds.Nested++
		}
		if smp != nil {
			start := len(smp.arena)
			smp.arena = append(smp.arena, f.text...)
			smp.fields = append(smp.fields, sfield{col: k, kind: f.kind, start: start, end: len(smp.arena)})
		}
	}
	if smp != nil {
		smp.ends = append(smp.ends, len(smp.fields))
		var e ParseError
		rd.src.where(&e)
		smp.where = append(smp.where, ParseError{Line: e.Line, Element: e.Element})
	}
}

// decide fixes the yielded columns and their types.
func (rd *reader) decide() error {
	opt := rd.opt
	for name := range opt.Types {
		if _, ok := rd.index[name]; !ok {
			return rd.noColumn(name, "Types")
		}
	}
	for _, c := range rd.cols {
		c.out = -1
	}
	var order []*column
	if rd.projected {
		for _, name := range opt.Columns {
			k, ok := rd.index[name]
			if !ok {
				return rd.noColumn(name, "Columns")
			}
			if rd.cols[k].out >= 0 {
				continue // named twice
			}
			rd.cols[k].out = len(order)
			order = append(order, rd.cols[k])
		}
	} else {
		for _, c := range rd.cols {
			c.out = len(order)
			order = append(order, c)
		}
	}
	for _, c := range order {
		t := c.kinds.Type()
		if given, ok := opt.Types[c.name]; ok {
			t = given
		}
		if opt.Raw {
			t = frame.String
		}
		if frame.NewBuilder(t, 0) == nil {
			return rd.errAt(c.name, "", fmt.Errorf("invalid type %v in Options.Types: %w", t, readers.ErrType))
		}
		rd.outNames = append(rd.outNames, c.name)
		rd.outTypes = append(rd.outTypes, t)
	}
	rd.slot = make([]int, len(order))
	rd.newBuilders()
	return nil
}

// nextRecord reads the next record into rd.p, checking ctx every 4096
// records; false at the end of the input.
func (rd *reader) nextRecord(ctx context.Context) (bool, error) {
	if rd.records%4096 == 0 && ctx.Err() != nil {
		return false, ctx.Err()
	}
	err := rd.src.next(&rd.p)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, rd.wrapNext(err)
	}
	rd.records++
	return true, nil
}

func (rd *reader) noColumn(name, field string) error {
	return &ParseError{File: rd.name, Element: -1, Key: name, Err: fmt.Errorf(
		"the key is named in Options.%s but none of the first %d records has it (SampleRows -1 looks at all): %w",
		field, rd.records, readers.ErrNoColumn)}
}

func (rd *reader) newBuilders() {
	n := rd.opt.ChunkRowsOrDefault()
	rd.builders = make([]frame.Builder, len(rd.outTypes))
	for k, t := range rd.outTypes {
		rd.builders[k] = frame.NewBuilder(t, min(n, 1024))
	}
}

// place maps the parsed record's fields to the yielded columns (rd.slot).
func (rd *reader) place() error {
	for i := range rd.slot {
		rd.slot[i] = -1
	}
	for i, f := range rd.p.fields {
		k, ok := rd.index[string(f.key)]
		if !ok {
			if rd.projected {
				continue
			}
			return rd.errAt(string(f.key), "", fmt.Errorf(
				"a key none of the first %d records has; the columns were fixed from them (SampleRows -1 looks at all records): %w",
				rd.opt.SampleRowsOrDefault(), readers.ErrSchema))
		}
		if out := rd.cols[k].out; out >= 0 {
			rd.slot[out] = i // a repeated key: the last value wins
		}
	}
	return nil
}

// appendRecord appends the placed record to the builders. at is the
// position of a sampled record (for errors), nil for the source's current
// record.
func (rd *reader) appendRecord(at *ParseError) error {
	for k, b := range rd.builders {
		i := rd.slot[k]
		if i < 0 {
			b.AppendNull()
			continue
		}
		f := rd.p.fields[i]
		if err := appendValue(b, rd.outTypes[k], f); err != nil {
			e := &ParseError{File: rd.name, Key: rd.outNames[k], Text: string(f.text), Err: err, Element: -1}
			if at != nil {
				e.Line, e.Element = at.Line, at.Element
			} else {
				rd.src.where(e)
			}
			if f.kind == kTrue || f.kind == kFalse {
				e.Text = map[bool]string{true: "true", false: "false"}[f.kind == kTrue]
			}
			return e
		}
	}
	rd.rows++
	return nil
}

// flush yields the rows built so far as a frame.
func (rd *reader) flush(yield func(*frame.Frame, error) bool) bool {
	cols := make([]*frame.Column, len(rd.builders))
	for k, b := range rd.builders {
		cols[k] = b.Build(rd.outNames[k])
	}
	rd.rows = 0
	rd.chunksOut++
	f, err := frame.New(cols...)
	if err != nil {
		yield(nil, err)
		return false
	}
	return yield(f, nil)
}

// appendValue converts one value to type t.
func appendValue(b frame.Builder, t frame.Type, f field) error {
	if f.kind == kNull {
		b.AppendNull()
		return nil
	}
	bad := func() error { return fmt.Errorf("%s value, column type %v: %w", kindName(f.kind), t, readers.ErrType) }
	switch t {
	case frame.String:
		sb := b.(*frame.StringBuilder)
		switch f.kind {
		case kTrue:
			sb.Append("true")
		case kFalse:
			sb.Append("false")
		default:
			sb.AppendBytes(f.text)
		}
	case frame.Int64:
		var v int64
		var err error
		switch f.kind {
		case kNumber:
			if !frame.IsJSONInt(f.text) {
				return bad()
			}
			v, err = strconv.ParseInt(string(f.text), 10, 64)
		case kString:
			v, err = strconv.ParseInt(strings.TrimSpace(string(f.text)), 10, 64)
		default:
			return bad()
		}
		if err != nil {
			return bad()
		}
		b.(*frame.Int64Builder).Append(v)
	case frame.Float64:
		var v float64
		var err error
		switch f.kind {
		case kNumber:
			v, err = strconv.ParseFloat(string(f.text), 64)
			if errors.Is(err, strconv.ErrRange) {
				err = nil // ±Inf or 0 for numbers beyond float64
			}
		case kString:
			v, err = strconv.ParseFloat(strings.TrimSpace(string(f.text)), 64)
		default:
			return bad()
		}
		if err != nil || math.IsNaN(v) && f.kind == kString {
			return bad()
		}
		b.(*frame.Float64Builder).Append(v)
	case frame.Bool:
		switch {
		case f.kind == kTrue:
			b.(*frame.BoolBuilder).Append(true)
		case f.kind == kFalse:
			b.(*frame.BoolBuilder).Append(false)
		case f.kind == kString && strings.EqualFold(strings.TrimSpace(string(f.text)), "true"):
			b.(*frame.BoolBuilder).Append(true)
		case f.kind == kString && strings.EqualFold(strings.TrimSpace(string(f.text)), "false"):
			b.(*frame.BoolBuilder).Append(false)
		default:
			return bad()
		}
	case frame.Date, frame.Datetime:
		if f.kind != kString {
			return bad()
		}
		s := string(f.text)
		v, ok := frame.ParseDate(s)
		if t == frame.Datetime {
			if ok && v >= -maxDays && v <= maxDays {
				v *= 86400e9
			} else {
				v, ok = frame.ParseDatetime(s)
			}
		}
		if !ok {
			return bad()
		}
		b.(*frame.Int64Builder).Append(v)
	default:
		return bad()
	}
	return nil
}

// maxDays bounds the dates whose midnight fits a Datetime column.
const maxDays int64 = math.MaxInt64 / (86400 * 1_000_000_000)

func kindName(k uint8) string {
	switch k {
	case kTrue, kFalse:
		return "boolean"
	case kNumber:
		return "number"
	case kString:
		return "string"
	case kNested:
		return "object or array"
	}
	return "null"
}
