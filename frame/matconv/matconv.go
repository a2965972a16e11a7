// Package matconv converts between sluice frames and gonum matrices
// (gonum.org/v1/gonum/mat), the door from feature tables to modelling:
// regressions (mat.Dense.Solve, mat.QR), PCA (stat.PC), distances.
//
// # To a matrix
//
// [ToDense] copies chosen columns of a frame into a row-major *mat.Dense,
// one matrix column per frame column, in the order asked for; [ToVec]
// copies one column into a *mat.VecDense (a regression's response). Frames
// are columnar and mat.Dense is row-major, so the data is always copied
// (8 bytes a cell); the frame is not modified.
//
//	frame Float64 → the value
//	frame Int64   → float64(v), exact for |v| ≤ 2^53, rounded beyond
//	frame Bool    → 1 for true, 0 for false
//	other types   → an error wrapping frame.ErrType
//
// Nulls are an error by default ([ErrNull], naming the column and row),
// because a NaN slipped into a design matrix silently turns every
// coefficient into NaN; with [Options.NullAsNaN] they become NaN for the
// caller to handle. gonum matrices cannot have zero rows or columns: an
// empty selection or a frame without rows is an error wrapping [ErrEmpty].
//
// # Back to a frame
//
// [FromDense] copies any mat.Matrix (a Dense, a VecDense, a model's
// fitted values) into a frame of Float64 columns with the given names. As
// everywhere in package frame, a NaN cell becomes a null, so frame →
// matrix (NullAsNaN) → frame is the identity on Float64 columns.
//
// The package is separate so that code not modelling with gonum's mat never
// compiles it.
package matconv

import (
	"errors"
	"fmt"
	"math"

	"github.com/sluicedata/sluice/frame"
	"gonum.org/v1/gonum/mat"
)

// Sentinel errors, wrapped with the column (and row) they concern.
var (
	// ErrNull: a selected column holds a null and Options.NullAsNaN is off.
	ErrNull = errors.New("null value")
	// ErrEmpty: the matrix would have no rows or no columns, which gonum's
	// matrices do not allow.
	ErrEmpty = errors.New("empty matrix")
)

// Options tunes [ToDense] and [ToVec]. The zero value makes a null an
// error.
type Options struct {
	// NullAsNaN turns nulls into NaN instead of an error wrapping ErrNull.
	NullAsNaN bool
}

// ToDense returns the named columns of f (all columns when cols is empty)
// as a len(rows) × len(cols) matrix: cell (i, j) is row i of column
// cols[j], converted as the package comment says. The matrix is a copy,
// owned by the caller.
//
// Errors: an unknown column (frame.ErrNoColumn), a column that is not
// Int64, Float64 or Bool (frame.ErrType), a null without
// Options.NullAsNaN (ErrNull, naming the column and row), no rows or no
// columns (ErrEmpty).
func ToDense(f *frame.Frame, cols []string, opt Options) (*mat.Dense, error) {
	if len(cols) == 0 {
		cols = f.Names()
	}
	sel := make([]*frame.Column, len(cols))
	for j, name := range cols {
		c, err := column(f, name, opt)
		if err != nil {
			return nil, err
		}
		sel[j] = c
	}
	r, c := f.NumRows(), len(sel)
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("matconv: %d rows × %d columns: %w", r, c, ErrEmpty)
	}
	data := make([]float64, r*c)
	for j, col := range sel {
		fill(data[j:], c, col)
	}
	return mat.NewDense(r, c, data), nil
}

// ToVec returns column col of f as a vector (a regression's response),
// converted as [ToDense] converts a column, with the same errors.
func ToVec(f *frame.Frame, col string, opt Options) (*mat.VecDense, error) {
	c, err := column(f, col, opt)
	if err != nil {
		return nil, err
	}
	if f.NumRows() == 0 {
		return nil, fmt.Errorf("matconv: column %q: no rows: %w", col, ErrEmpty)
	}
	data := make([]float64, f.NumRows())
	fill(data, 1, c)
	return mat.NewVecDense(len(data), data), nil
}

// column looks up and checks a column to convert.
func column(f *frame.Frame, name string, opt Options) (*frame.Column, error) {
	c, err := f.Column(name)
	if err != nil {
		return nil, fmt.Errorf("matconv: %w", err)
	}
	switch c.Type() {
	case frame.Int64, frame.Float64, frame.Bool:
	default:
		return nil, fmt.Errorf("matconv: column %q is %v, want int64, float64 or bool: %w", name, c.Type(), frame.ErrType)
	}
	if c.NullCount() > 0 && !opt.NullAsNaN {
		i := 0
		for !c.IsNull(i) {
			i++
		}
		return nil, fmt.Errorf("matconv: column %q, row %d: %w (%d nulls; set Options.NullAsNaN for NaN)", name, i, ErrNull, c.NullCount())
	}
	return c, nil
}

// fill writes the values of c to dst[0], dst[stride], dst[2*stride], …
// (NaN at nulls).
func fill(dst []float64, stride int, c *frame.Column) {
	switch c.Type() {
	case frame.Float64:
		for i, v := range c.Float64s() { // NaN at nulls already
			dst[i*stride] = v
		}
	case frame.Int64:
		for i, v := range c.Int64s() {
			dst[i*stride] = float64(v)
		}
	case frame.Bool:
		for i, v := range c.Bools() {
			if v {
				dst[i*stride] = 1
			} else {
				dst[i*stride] = 0
			}
		}
	}
	if c.Type() != frame.Float64 && c.NullCount() > 0 {
		for i := range c.Len() {
			if c.IsNull(i) {
				dst[i*stride] = nan
			}
		}
	}
}

// FromDense returns the matrix m as a frame of Float64 columns, column j
// named names[j]; a NaN cell becomes a null. Any mat.Matrix will do (a
// *mat.Dense, a *mat.VecDense, a transpose); its values are copied.
//
// Errors: len(names) differing from m's column count (frame.ErrLength),
// duplicate names (frame.ErrDuplicate).
func FromDense(m mat.Matrix, names []string) (*frame.Frame, error) {
	r, c := m.Dims()
	if len(names) != c {
		return nil, fmt.Errorf("matconv: %d names for %d columns: %w", len(names), c, frame.ErrLength)
	}
	cols := make([]*frame.Column, c)
	raw, rowMajor := m.(mat.RawMatrixer)
	var rm []float64
	var stride int
	if rowMajor {
		b := raw.RawMatrix()
		rm, stride = b.Data, b.Stride
	}
	for j := range c {
		vals := make([]float64, r)
		if rowMajor {
			for i := range vals {
				vals[i] = rm[i*stride+j]
			}
		} else {
			for i := range vals {
				vals[i] = m.At(i, j)
			}
		}
		cols[j] = frame.NewFloat64(names[j], vals)
	}
	f, err := frame.New(cols...)
	if err != nil {
		return nil, fmt.Errorf("matconv: %w", err)
	}
	return f, nil
}

var nan = math.NaN()
