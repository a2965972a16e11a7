// Package writers holds chunked sinks for frames: CSV, TSV, Excel .xlsx and
// Parquet.
//
// A Writer takes frames with Write, as many times as there are chunks, and
// publishes the output with Close. The output appears atomically: data goes
// to a temporary file in the destination's directory, which Close fsyncs and
// renames over the destination. Until then nothing exists at the output path,
// and Abort (or a failed Close) removes the temporary file, so a crash or an
// error never leaves a half-written file that looks complete.
//
// Every chunk must have the schema of the first (names and types); the header
// (the Parquet schema) is written from the first chunk. Nulls are written as
// empty fields (CSV), empty cells (xlsx) or Parquet nulls.
package writers

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluicedata/sluice/frame"
)

// Writer is a chunked, atomic frame sink.
type Writer interface {
	// Write appends the rows of chunk. Every chunk must have the first
	// chunk's schema.
	Write(chunk *frame.Frame) error
	// Close finishes the output and publishes it at its path. After a failed
	// Close nothing is left at the path.
	Close() error
	// Abort discards the output; nothing is left at the path. Abort after
	// Close does nothing.
	Abort() error
}

// Options configure the writers. The zero value writes a header, ',' for
// .csv and tab for .tsv, and empty text for nulls.
type Options struct {
	// Delimiter overrides the CSV field separator.
	Delimiter rune
	// NoHeader omits the header row.
	NoHeader bool
	// Sheet is the xlsx worksheet name; "" means "Sheet1". Past Excel's
	// 1,048,576-row limit the writer continues in "<Sheet> (2)", "(3)", ….
	Sheet string
	// OnNewSheet, if set, is called when the xlsx writer starts an overflow
	// sheet, so callers can say so.
	OnNewSheet func(name string, firstRow int64)
	// ParquetTimestampUnit is the unit of Parquet TIMESTAMP columns (Datetime
	// columns); the zero value is ParquetMicros. See [ParquetWriter].
	ParquetTimestampUnit TimestampUnit
}

// Sentinel errors.
var (
	// ErrSchema: a chunk's columns differ from the first chunk's.
	ErrSchema = errors.New("chunk schema differs from the first chunk")
	// ErrFormat: the output extension names no known format.
	ErrFormat = errors.New("unknown output format")
	// ErrClosed: Write after Close or Abort.
	ErrClosed = errors.New("writer is closed")
)

// Create returns the writer for path's extension: .csv, .tsv (tab-separated),
// .txt (CSV), .xlsx or .parquet.
func Create(path string, opt Options) (Writer, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		return NewCSV(path, opt)
	case ".tsv", ".tab":
		if opt.Delimiter == 0 {
			opt.Delimiter = '\t'
		}
		return NewCSV(path, opt)
	case ".xlsx":
		return NewXLSX(path, opt)
	case ".parquet":
		return NewParquet(path, opt)
	}
	return nil, fmt.Errorf("writers: %s: %w (want .csv, .tsv, .xlsx or .parquet)", path, ErrFormat)
}

// atomicFile is a temporary file renamed over its destination on commit.
type atomicFile struct {
	path string
	f    *os.File
}

func newAtomicFile(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("writers: %s is a directory", path)
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writers: %w", err)
	}
	return &atomicFile{path: path, f: f}, nil
}

// commit fsyncs, closes and renames the temporary file to the destination.
func (a *atomicFile) commit() error {
	tmp := a.f.Name()
	if err := a.f.Sync(); err != nil {
		a.f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writers: %s: %w", a.path, err)
	}
	if err := a.f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writers: %s: %w", a.path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writers: %s: %w", a.path, err)
	}
	if err := os.Rename(tmp, a.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writers: %s: %w", a.path, err)
	}
	return nil
}

// abort closes and removes the temporary file.
func (a *atomicFile) abort() error {
	a.f.Close()
	if err := os.Remove(a.f.Name()); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("writers: %w", err)
	}
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
