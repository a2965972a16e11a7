package readers

import (
	"iter"
	"sync"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// KeyFilter keeps only the records whose key columns hold one of a set of
// key tuples: a semi-join against Keys applied while the input is read, as
// the pipeline's semi-join reduction does for a big input joined with a
// small one. A record whose key has a null never matches (as in joins).
//
// With String key columns the CSV reader tests each record as soon as its
// key fields are parsed and skips the rest of a record that does not match
// without converting its other fields (its structure is still checked:
// quoting and field count follow the same rules as for kept records). Other
// key types, and other formats, filter each chunk after it is parsed. The
// result is the same either way: the rows [frame.Join] with [frame.Semi]
// would keep, in input order.
//
// A KeyFilter may be shared by several reads (for example the files of
// [Files]); its hash set is built once, on first use. Do not change Columns
// or Keys after the first use.
type KeyFilter struct {
	// Columns names the key columns of the input; each must be among the
	// columns read (see Options.Columns).
	Columns []string
	// Keys holds the tuples to keep: one column per entry of Columns, in
	// that order (its column names do not matter), of the same types as the
	// input's key columns.
	Keys *frame.Frame

	once sync.Once
	set  *icsv.KeySet
	err  error
}

// compiled returns the filter's hash set, built once.
func (kf *KeyFilter) compiled() (*icsv.KeySet, error) {
	kf.once.Do(func() { kf.set, kf.err = icsv.NewKeySet(kf.Columns, kf.Keys) })
	return kf.set, kf.err
}

// Filter returns the rows of f whose key matches, in order: the result of
// frame.Join(f, Keys, frame.Semi, …) on the key columns.
func (kf *KeyFilter) Filter(f *frame.Frame) (*frame.Frame, error) {
	ks, err := kf.compiled()
	if err != nil {
		return nil, err
	}
	return ks.Filter(f)
}

// filterSeq applies kf to every frame of seq (formats without an inline
// filter), dropping chunks left empty except when nothing at all is kept:
// then one empty frame of the schema is yielded, as an empty input would.
func filterSeq(seq iter.Seq2[*frame.Frame, error], kf *KeyFilter) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		var empty *frame.Frame
		sent := false
		for f, err := range seq {
			if err != nil {
				yield(nil, err)
				return
			}
			g, err := kf.Filter(f)
			if err != nil {
				yield(nil, err)
				return
			}
			if g.NumRows() == 0 {
				if empty == nil {
					empty = g
				}
				continue
			}
			sent = true
			if !yield(g, nil) {
				return
			}
		}
		if !sent && empty != nil {
			yield(empty, nil)
		}
	}
}
