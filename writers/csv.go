package writers

import (
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/sluicedata/sluice/frame"
)

func init() {
	Register(Format{Name: "csv", Exts: []string{".csv", ".txt"}, New: func(w io.Writer, opt Options) (Encoder, error) {
		return newCSVEncoder(w, opt, ',')
	}})
	Register(Format{Name: "tsv", Exts: []string{".tsv", ".tab"}, New: func(w io.Writer, opt Options) (Encoder, error) {
		return newCSVEncoder(w, opt, '\t')
	}})
}

// csvEncoder writes RFC 4180 CSV (or TSV); see the package doc for the
// value rules.
type csvEncoder struct {
	w             io.Writer
	delim         byte
	header        bool
	started       bool
	trueS, falseS string
	buf           []byte
}

// boolSpellings maps Options.BoolFormat to the spellings of true and false.
var boolSpellings = map[string][2]string{
	"":     {"true", "false"},
	"true": {"true", "false"},
	"TRUE": {"TRUE", "FALSE"},
	"True": {"True", "False"},
	"1":    {"1", "0"},
}

func newCSVEncoder(w io.Writer, opt Options, delim rune) (*csvEncoder, error) {
	if opt.Delimiter != 0 {
		delim = opt.Delimiter
	}
	if delim >= utf8.RuneSelf || delim == '"' || delim == '\n' || delim == '\r' {
		return nil, fmt.Errorf("delimiter %q: %w (want an ASCII character other than '\"', CR and LF)", delim, ErrOption)
	}
	b, ok := boolSpellings[opt.BoolFormat]
	if !ok {
		return nil, fmt.Errorf("BoolFormat %q: %w (want true, TRUE, True or 1)", opt.BoolFormat, ErrOption)
	}
	return &csvEncoder{w: w, delim: byte(delim), header: !opt.NoHeader, trueS: b[0], falseS: b[1]}, nil
}

// Write implements [Encoder].
func (e *csvEncoder) Write(chunk *frame.Frame) error {
	b := e.buf[:0]
	if !e.started {
		e.started = true
		if e.header {
			for i, n := range chunk.Names() {
				if i > 0 {
					b = append(b, e.delim)
				}
				b = e.appendField(b, []byte(n))
			}
			b = append(b, '\n')
		}
	}
	cols := chunk.Columns()
	for r := range chunk.NumRows() {
		for k, c := range cols {
			if k > 0 {
				b = append(b, e.delim)
			}
			b = e.appendValue(b, c, r)
		}
		b = append(b, '\n')
		if len(b) >= 64<<10 {
			if _, err := e.w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	e.buf = b[:0]
	_, err := e.w.Write(b)
	return err
}

func (e *csvEncoder) appendValue(b []byte, c *frame.Column, i int) []byte {
	if c.IsNull(i) {
		return b
	}
	switch c.Type() {
	case frame.Int64:
		return strconv.AppendInt(b, c.Int64(i), 10)
	case frame.Float64:
		return frame.AppendFloat(b, c.Float64(i))
	case frame.Bool:
		if c.Bool(i) {
			return append(b, e.trueS...)
		}
		return append(b, e.falseS...)
	case frame.String:
		return e.appendField(b, c.StrBytes(i))
	case frame.Date:
		return time.Unix(c.Int64(i)*86400, 0).UTC().AppendFormat(b, "2006-01-02")
	case frame.Datetime:
		return time.Unix(0, c.Int64(i)).UTC().AppendFormat(b, time.RFC3339Nano)
	}
	return b
}

// appendField appends s, quoted if it holds the delimiter, a quote, CR or LF.
func (e *csvEncoder) appendField(b, s []byte) []byte {
	needs := false
	for _, ch := range s {
		if ch == e.delim || ch == '"' || ch == '\n' || ch == '\r' {
			needs = true
			break
		}
	}
	if !needs {
		return append(b, s...)
	}
	b = append(b, '"')
	for _, ch := range s {
		if ch == '"' {
			b = append(b, '"')
		}
		b = append(b, ch)
	}
	return append(b, '"')
}

// Close implements [Encoder]; CSV has no trailer.
func (e *csvEncoder) Close() error { return nil }
