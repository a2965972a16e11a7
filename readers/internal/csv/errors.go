package csv

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; readers exports the same values under the same names.
var (
	ErrEmpty      = errors.New("empty input")                        // no header and no data
	ErrFieldCount = errors.New("wrong number of fields")             // ragged record under RaggedError (or a long one under RaggedPad)
	ErrQuote      = errors.New("bare or unterminated quote")         // strict quoting violated
	ErrType       = errors.New("value does not fit the column type") // a later value breaks an inferred/given type
	ErrFormat     = errors.New("corrupt or unsupported file")        // bad gzip/zstd/zip/xlsx structure
	ErrTooLarge   = errors.New("input exceeds a size limit")         // a record, or decompressed data, over its limit
	ErrEncoding   = errors.New("unknown encoding")                   // Config.Encoding
	ErrNoColumn   = errors.New("no such column")                     // Columns, Types or a key filter names a missing column
	ErrSchema     = errors.New("schema differs")                     // chunks or files with different columns
)

// Error locates a problem in the input: the 1-based line where the record
// starts and the 1-based field number (0: the record as a whole), the
// offending text, and a wrapped sentinel. readers turns it into a
// *readers.ParseError.
type Error struct {
	File  string
	Line  int
	Field int
	Text  string
	Err   error
}

func (e *Error) Error() string {
	loc := e.File
	if loc == "" {
		loc = "<input>"
	}
	switch {
	case e.Line > 0 && e.Field > 0:
		loc += fmt.Sprintf(":%d: field %d", e.Line, e.Field)
	case e.Line > 0:
		loc += fmt.Sprintf(":%d", e.Line)
	}
	return loc + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// fileErr names the input in err: "readers: NAME: message" (the message's
// own "readers: " prefix is not repeated), unless err already locates
// itself (an *Error) or there is no name.
func fileErr(name string, err error) error {
	if name == "" || err == nil {
		return err
	}
	var pe *Error
	if errors.As(err, &pe) {
		return err
	}
	var ne *namedErr
	if errors.As(err, &ne) && ne.name == name {
		return err
	}
	return &namedErr{name: name, err: err}
}

// namedErr is an error prefixed with the input's name.
type namedErr struct {
	name string
	err  error
}

func (e *namedErr) Error() string {
	return "readers: " + e.name + ": " + strings.TrimPrefix(e.err.Error(), "readers: ")
}

func (e *namedErr) Unwrap() error { return e.err }
