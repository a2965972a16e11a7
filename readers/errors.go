package readers

import (
	"errors"
	"fmt"

	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// Sentinel errors, wrapped by *ParseError and by the readers' other errors.
var (
	ErrEmpty      = icsv.ErrEmpty                              // no header and no data
	ErrFieldCount = icsv.ErrFieldCount                         // a record's field count is not the header's, under a policy that refuses it
	ErrQuote      = icsv.ErrQuote                              // strict quoting violated
	ErrType       = icsv.ErrType                               // a later value breaks an inferred/given type
	ErrFormat     = icsv.ErrFormat                             // bad gzip/zstd/zip/xlsx structure
	ErrTooLarge   = icsv.ErrTooLarge                           // a record, a decompressed stream or an xlsx part over its limit
	ErrEncoding   = icsv.ErrEncoding                           // Options.Encoding names no known encoding
	ErrNoColumn   = icsv.ErrNoColumn                           // Options.Columns, Options.Types or a KeyFilter names a missing column
	ErrSchema     = icsv.ErrSchema                             // Files/Glob: a file's columns differ from the first file's
	ErrNoSheet    = errors.New("no such sheet")                // Options.Sheet names no worksheet
	ErrNoFormat   = errors.New("no reader for this file type") // Open: extension not registered
)

// ParseError locates a problem in an input: a file, line and field for CSV,
// or a sheet and cell reference for Excel. Text is the offending field or
// cell text (shortened in the message).
//
// Line is the 1-based physical line where the record starts (lines inside
// quoted fields, blank, comment and skipped lines all count, so it matches
// an editor's line number). Field is the 1-based field number within the
// record — not a byte or character offset; 0 means the record as a whole
// (for example a wrong field count).
type ParseError struct {
	File  string
	Line  int // 1-based physical line where the record starts (CSV)
	Field int // 1-based field number within the record (CSV); 0: the whole record
	Sheet string
	Cell  string // e.g. "C17"
	Text  string
	Err   error
}

func (e *ParseError) Error() string {
	loc := e.File
	if loc == "" {
		loc = "<input>"
	}
	switch {
	case e.Cell != "":
		loc += fmt.Sprintf(": sheet %q cell %s", e.Sheet, e.Cell)
	case e.Sheet != "":
		loc += fmt.Sprintf(": sheet %q", e.Sheet)
	case e.Line > 0 && e.Field > 0:
		loc += fmt.Sprintf(":%d: field %d", e.Line, e.Field)
	case e.Line > 0:
		loc += fmt.Sprintf(":%d", e.Line)
	}
	msg := loc + ": " + e.Err.Error()
	if e.Text != "" {
		t := e.Text
		if len(t) > 60 {
			t = t[:57] + "..."
		}
		msg += fmt.Sprintf(" (text %q)", t)
	}
	return msg
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// publicErr turns the engine's positional errors into *ParseError; other
// errors pass through.
func publicErr(err error) error {
	var ce *icsv.Error
	if err == nil || !errors.As(err, &ce) {
		return err
	}
	return &ParseError{File: ce.File, Line: ce.Line, Field: ce.Field, Text: ce.Text, Err: ce.Err}
}
