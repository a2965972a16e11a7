package arrowconv

import (
	"context"
	"fmt"
	"iter"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/sluicedata/sluice/frame"
)

// FromRecordReader returns the record batches of rr (an IPC stream or file
// reader, a Flight stream, …) as a stream of frames, one per batch,
// converted by [FromRecord]. It checks ctx between batches, yields an
// error once and stops (a conversion error, rr.Err(), or ctx's error).
//
// The caller keeps ownership of rr (and releases it); a frame stays valid
// after rr moves on, sharing a batch's memory only where FromRecord does —
// so use Options.Copy when rr's allocator is not Go-managed.
func FromRecordReader(ctx context.Context, rr array.RecordReader, opt Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !rr.Next() {
				break
			}
			f, err := FromRecord(rr.RecordBatch(), opt)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(f, nil) {
				return
			}
		}
		if err := rr.Err(); err != nil {
			yield(nil, fmt.Errorf("arrowconv: record reader: %w", err))
		}
	}
}

// ToRecordReader returns a stream of frames (a reader's chunks, say) as an
// Arrow record reader, for an IPC writer or a Flight server: one batch per
// frame, converted by [ToRecord].
//
// The schema is that of the first frame, which ToRecordReader reads at
// once (an empty stream gives a schema with no fields and no batches; an
// error as the first item is returned). Later frames must have the same
// column names and types; a String column that is dictionary-encoded in
// one frame and plain in another is encoded or decoded to match the first.
// A frame that does not match, an error from the stream, or ctx's
// cancellation stops the reader: Next returns false and Err says why.
//
// Release stops the stream (running its cleanup) once the reference count
// drops to zero; the batch from RecordBatch is valid until the next call of
// Next (Retain it to keep it).
func ToRecordReader(ctx context.Context, frames iter.Seq2[*frame.Frame, error], opt Options) (array.RecordReader, error) {
	next, stop := iter.Pull2(frames)
	r := &frameReader{ctx: ctx, next: next, stop: stop, opt: opt}
	r.refs.Store(1)
	f, err, ok := next()
	switch {
	case !ok:
		r.schema = arrow.NewSchema(nil, nil)
		r.done = true
	case err != nil:
		stop()
		return nil, err
	default:
		r.schema = Schema(f, opt)
		r.pending = f
	}
	return r, nil
}

type frameReader struct {
	refs    atomic.Int64
	ctx     context.Context
	next    func() (*frame.Frame, error, bool)
	stop    func()
	opt     Options
	schema  *arrow.Schema
	pending *frame.Frame // the first frame, read for the schema
	cur     arrow.RecordBatch
	err     error
	done    bool
	n       int // frames converted
}

// Retain implements array.RecordReader.
func (r *frameReader) Retain() { r.refs.Add(1) }

// Release implements array.RecordReader.
func (r *frameReader) Release() {
	if r.refs.Add(-1) == 0 {
		if r.cur != nil {
			r.cur.Release()
			r.cur = nil
		}
		r.stop()
		r.done = true
	}
}

// Schema implements array.RecordReader.
func (r *frameReader) Schema() *arrow.Schema { return r.schema }

// Next implements array.RecordReader.
func (r *frameReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done {
		return false
	}
	fail := func(err error) bool {
		r.err, r.done = err, true
		r.stop()
		return false
	}
	if err := r.ctx.Err(); err != nil {
		return fail(err)
	}
	f := r.pending
	r.pending = nil
	if f == nil {
		var err error
		var ok bool
		f, err, ok = r.next()
		if !ok {
			r.done = true
			return false
		}
		if err != nil {
			return fail(err)
		}
	}
	f, err := r.conform(f)
	if err != nil {
		return fail(err)
	}
	rec, err := ToRecord(f, r.opt)
	if err != nil {
		return fail(fmt.Errorf("arrowconv: frame %d: %w", r.n, err))
	}
	r.cur = rec
	r.n++
	return true
}

// conform encodes or decodes String columns to match the schema and checks
// that f has the schema's columns.
func (r *frameReader) conform(f *frame.Frame) (*frame.Frame, error) {
	fields := r.schema.Fields()
	mismatch := func() error {
		return fmt.Errorf("arrowconv: frame %d has columns %v %v, the first had %v: %w", r.n, f.Names(), f.Types(), r.schema, frame.ErrType)
	}
	if f.NumCols() != len(fields) {
		return nil, mismatch()
	}
	cols := f.Columns()
	changed := false
	for i, c := range cols {
		if c.Name() != fields[i].Name {
			return nil, mismatch()
		}
		_, wantDict := fields[i].Type.(*arrow.DictionaryType)
		if c.Type() == frame.String && c.IsDict() != wantDict {
			if wantDict {
				cols[i] = c.DictEncode()
			} else {
				cols[i] = c.Decode()
			}
			changed = true
		}
		if !arrow.TypeEqual(arrowType(cols[i], r.opt), fields[i].Type) {
			return nil, mismatch()
		}
	}
	if !changed {
		return f, nil
	}
	return frame.New(cols...)
}

// RecordBatch implements array.RecordReader.
func (r *frameReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record implements array.RecordReader (deprecated there: use RecordBatch).
func (r *frameReader) Record() arrow.RecordBatch { return r.cur }

// Err implements array.RecordReader.
func (r *frameReader) Err() error { return r.err }
