package frame

import "time"

// Comparison is one `column op literal` term of an expression, as
// [Expr.Comparisons] reports it, for readers that skip data by statistics
// (a Parquet row group whose min and max exclude the literal).
type Comparison struct {
	// Column is the column compared.
	Column string
	// Op is "==", "!=", "<", "<=", ">" or ">=", with the column on the left
	// (lit < col is reported as col > lit).
	Op string
	// Value is the literal: int64, float64, string, bool or time.Time (a
	// Datetime or Date literal, in UTC); nil for a null literal (NaN
	// included), which no row matches.
	Value any
}

// Comparisons returns the `column op literal` terms of e's top-level
// conjunction (e itself when e is not an And), in order; ok reports whether
// e is exactly the conjunction of those terms. A row matches e only if it
// matches every term returned, whatever ok says, so a reader may skip data
// that no term can match. The zero Expr has no terms and ok is false.
func (e Expr) Comparisons() (cmps []Comparison, ok bool) {
	if e.n == nil {
		return nil, false
	}
	ok = true
	var walk func(x *node)
	walk = func(x *node) {
		if x.kind == kLogic && x.op == opAnd {
			for _, a := range x.args {
				walk(a)
			}
			return
		}
		if c, isCmp := comparison(x); isCmp {
			cmps = append(cmps, c)
			return
		}
		ok = false
	}
	walk(e.n)
	return cmps, ok
}

// IsZero reports whether e is the zero Expr (no expression at all).
func (e Expr) IsZero() bool { return e.n == nil }

// comparison recognises col op lit and lit op col.
func comparison(x *node) (Comparison, bool) {
	if x.kind != kBin || len(x.args) != 2 {
		return Comparison{}, false
	}
	flip := map[op]op{opEq: opEq, opNe: opNe, opLt: opGt, opLe: opGe, opGt: opLt, opGe: opLe}
	o, isCmp := flip[x.op]
	if !isCmp {
		return Comparison{}, false
	}
	l, r := x.args[0], x.args[1]
	if l.kind == kCol {
		if v, isLit := literal(r); isLit {
			return Comparison{Column: l.str, Op: opText[x.op], Value: v}, true
		}
	}
	if r.kind == kCol {
		if v, isLit := literal(l); isLit {
			return Comparison{Column: r.str, Op: opText[o], Value: v}, true
		}
	}
	return Comparison{}, false
}

// literal returns the Go value of a literal (a negated numeric literal
// included).
func literal(x *node) (any, bool) {
	if x.kind == kUn && x.op == opNeg && len(x.args) == 1 {
		v, ok := literal(x.args[0])
		switch n := v.(type) {
		case int64:
			return -n, ok
		case float64:
			return -n, ok
		}
		return nil, false
	}
	if x.kind != kLit {
		return nil, false
	}
	v := x.v
	if v.null || v.isNull {
		return nil, true
	}
	switch v.typ {
	case Int64:
		return v.i, true
	case Float64:
		return v.f, true
	case String:
		return v.s, true
	case Bool:
		return v.b, true
	case Datetime:
		return time.Unix(0, v.i).UTC(), true
	case Date:
		return time.Unix(v.i*86400, 0).UTC(), true
	}
	return nil, false
}
