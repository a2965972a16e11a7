package frame

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// eval evaluates n column-at-a-time. Every error it returns is a *nodeErr
// and depends only on types and literals, never on the data, so Expr.Type
// (which evaluates on zero rows) finds every error Eval can meet.
func (n *node) eval(env *env) (value, error) {
	switch n.kind {
	case kCol:
		i, ok := env.f.index[n.str]
		if !ok {
			return value{}, env.noColumn(n)
		}
		c := env.f.cols[i]
		return value{col: c, typ: c.typ}, nil
	case kLit:
		return n.v, nil
	case kBad:
		kind := ErrType
		if n.fn == fnMatches {
			kind = ErrSyntax
		}
		return value{}, &nodeErr{n: n, msg: n.str, kind: kind}
	case kBin:
		return n.evalBin(env)
	case kLogic:
		return n.evalLogic(env)
	case kUn:
		return n.evalUn(env)
	case kStr:
		return n.evalStr(env)
	case kCall:
		return n.evalCall(env)
	case kIn:
		return n.evalIn(env)
	}
	return value{}, &nodeErr{n: n, msg: "invalid expression", kind: ErrType}
}

func (env *env) noColumn(n *node) error {
	names := env.f.Names()
	msg := "unknown column " + strconv.Quote(shorten(n.str, 40))
	hint := ""
	if s := suggest(n.str, names); s != "" {
		msg += " (did you mean " + colDisplay(s) + "?)"
	} else if len(names) > 0 {
		shown := make([]string, 0, 12)
		for _, s := range names[:min(len(names), 12)] {
			shown = append(shown, colDisplay(s))
		}
		hint = "the columns are " + strings.Join(shown, ", ")
		if len(names) > 12 {
			hint += fmt.Sprintf(", … (%d in all)", len(names))
		}
	} else {
		hint = "there are no columns"
	}
	return &nodeErr{n: n, msg: msg, hint: hint, column: n.str, kind: ErrNoColumn}
}

func (n *node) evalBin(env *env) (value, error) {
	l, err := n.args[0].eval(env)
	if err != nil {
		var ne *nodeErr
		if n.spell == "=" && n.args[0].kind == kCol && errors.As(err, &ne) && ne.n == n.args[0] && ne.kind == ErrNoColumn {
			h := "'=' means equality here, not assignment: this compares " + colDisplay(n.args[0].str) +
				" with " + env.text(n.args[1]) + " (to add a column, derive it)"
			if ne.hint != "" {
				h += "; " + ne.hint
			}
			ne.hint = h
		}
		return value{}, err
	}
	r, err := n.args[1].eval(env)
	if err != nil {
		return value{}, err
	}
	switch n.op {
	case opEq, opNe, opLt, opLe, opGt, opGe:
		out, fail := compare(n.op, l, r, env.n)
		if fail != cmpOK {
			return value{}, env.cmpError(n, n.args[0], n.args[1], l, r, fail)
		}
		return out, nil
	}
	if err := env.checkArith(n, l, r); err != nil {
		return value{}, err
	}
	return arith(n.op, l, r, env.n), nil
}

// isBoolish reports whether v can be an operand of and/or/not.
func isBoolish(v value) bool { return v.typ == Bool || v.isNull }

func (n *node) evalLogic(env *env) (value, error) {
	var acc value
	for k, a := range n.args {
		v, err := a.eval(env)
		if err != nil {
			return value{}, err
		}
		if !isBoolish(v) {
			return value{}, env.notBool(n, a, v, "'"+n.spelled()+"' needs conditions (true/false)")
		}
		if k == 0 {
			acc = v
			continue
		}
		acc = logic(n.op, acc, v, env.n)
	}
	return acc, nil
}

// notBool is the error of a non-Bool operand where a condition is needed.
func (env *env) notBool(n, a *node, v value, what string) error {
	e := &nodeErr{n: a, kind: ErrType, msg: what + ", not " + env.describe(a, v)}
	if a.kind == kCol {
		e.column = a.str
	}
	if v.typ.isNumeric() || v.typ == String {
		e.hint = "compare it, like " + env.text(a) + " > 0 or " + env.text(a) + " = 'x'"
	}
	return e
}

func (n *node) evalUn(env *env) (value, error) {
	x, err := n.args[0].eval(env)
	if err != nil {
		return value{}, err
	}
	switch n.op {
	case opIsNull, opNotNull:
		want := n.op == opIsNull
		if x.col == nil {
			return value{typ: Bool, b: x.null == want}, nil
		}
		out := make([]bool, env.n)
		if x.col.valid == nil {
			if !want {
				for i := range out {
					out[i] = true
				}
			}
		} else {
			for i := range out {
				out[i] = !x.col.valid.get(i) == want
			}
		}
		return value{col: &Column{typ: Bool, n: env.n, bools: out}, typ: Bool}, nil
	case opNot:
		if !isBoolish(x) {
			return value{}, env.notBool(n, n.args[0], x, "'"+n.spelled()+"' needs a condition (true/false)")
		}
		if x.col == nil {
			return value{typ: Bool, b: !x.b && !x.null, null: x.null}, nil
		}
		out := make([]bool, env.n)
		for i, b := range x.col.bools[:env.n] {
			out[i] = !b
		}
		zeroNulls(out, x.col.valid)
		return value{col: &Column{typ: Bool, n: env.n, bools: out, valid: x.col.valid, nulls: x.col.nulls}, typ: Bool}, nil
	case opNeg:
		if !x.typ.isNumeric() && !x.isNull {
			return value{}, env.needType(n, n.args[0], x, "'-' needs a number")
		}
		// -1 * x, not 0 - x: the negation of 0.0 is -0.0, as for the literal -0.0
		return arith(opMul, value{typ: x.typ, i: -1, f: -1}, x, env.n), nil
	}
	return value{}, &nodeErr{n: n, msg: "unknown operator", kind: ErrType}
}

// needType is the error of an operand of the wrong type for an operator or
// function: "what, not <operand>", with the text-column hint where it helps.
func (env *env) needType(n, a *node, v value, what string) error {
	e := &nodeErr{n: a, kind: ErrType, msg: what + ", not " + env.describe(a, v)}
	if a.kind == kCol {
		e.column = a.str
		if v.typ == String && strings.Contains(what, "number") {
			e.hint = naHint(a.str)
		}
	}
	return e
}

// naHint is the advice for a text column used as a number.
func naHint(col string) string {
	return colDisplay(col) + " is text; if it holds numbers with markers like '*', read it with --na '*' (or --na auto)"
}

func (n *node) evalStr(env *env) (value, error) {
	x, err := n.args[0].eval(env)
	if err != nil {
		return value{}, err
	}
	if x.isNull {
		return value{typ: Bool, null: true}, nil
	}
	if x.typ != String {
		return value{}, env.needType(n, n.args[0], x, n.spelled()+" needs text")
	}
	arg := []byte(n.str)
	var test func(b []byte) bool
	switch n.op {
	case opContains:
		test = func(b []byte) bool { return bytes.Contains(b, arg) }
	case opHasPrefix:
		test = func(b []byte) bool { return bytes.HasPrefix(b, arg) }
	default:
		test = func(b []byte) bool { return bytes.HasSuffix(b, arg) }
	}
	return mapBool(x, env.n, test), nil
}

// mapBool applies a test to every value of a String value (once per
// dictionary entry for an encoded column), nulls staying null.
func mapBool(x value, n int, test func([]byte) bool) value {
	if x.col == nil {
		return value{typ: Bool, b: !x.null && test([]byte(x.s)), null: x.null}
	}
	c := x.col
	out := make([]bool, n)
	if c.dict != nil {
		dv := make([]bool, max(c.dict.n, 1)) // nulls may hold code 0 of an empty dictionary
		for k := range c.dict.n {
			dv[k] = test(c.dict.strBytes(k))
		}
		for i, code := range c.codes[:n] {
			out[i] = dv[code]
		}
	} else {
		for i := range out {
			out[i] = test(c.data[c.offs[i]:c.offs[i+1]])
		}
	}
	zeroNulls(out, c.valid)
	return value{col: &Column{typ: Bool, n: n, bools: out, valid: c.valid, nulls: c.nulls}, typ: Bool}
}

// --- comparison ---

type cmpFail uint8

const (
	cmpOK       cmpFail = iota
	cmpTypes            // the operand types do not compare
	cmpBadTimeL         // the left operand, a string literal, is not a date or time
	cmpBadTimeR         // the right one is not
)

// cmpError explains a failed comparison of ln (value l) with rn (value r) at
// node n.
func (env *env) cmpError(n, ln, rn *node, l, r value, fail cmpFail) error {
	if fail == cmpBadTimeL || fail == cmpBadTimeR {
		litN, other, ov := ln, rn, r
		if fail == cmpBadTimeR {
			litN, other, ov = rn, ln, l
		}
		e := &nodeErr{n: litN, kind: ErrType,
			msg:  "cannot read " + env.text(litN) + " as a " + typeWord(ov.typ) + " (to compare with " + env.describe(other, ov) + ")",
			hint: "write dates as '2024-01-31' and times as '2024-01-31T08:00:00Z' (RFC 3339) or '2024-01-31 08:00:00'"}
		if other.kind == kCol {
			e.column = other.str
		}
		return e
	}
	e := &nodeErr{n: n, atOp: true, kind: ErrType,
		msg: "cannot compare " + env.describe(ln, l) + " with " + env.describe(rn, r)}
	// point at the surprising side: the one that is not a literal
	switch {
	case ln.kind == kLit && rn.kind != kLit:
		e.n, e.atOp = rn, false
	case rn.kind == kLit && ln.kind != kLit:
		e.n, e.atOp = ln, false
	}
	for _, side := range [2]struct {
		a, b   *node
		av, bv value
	}{{ln, rn, l, r}, {rn, ln, r, l}} {
		a, b, av, bv := side.a, side.b, side.av, side.bv
		switch {
		case b.kind == kLit && bv.typ == String && env.f.Has(bv.s):
			e.n, e.atOp = b, false
			e.hint = env.text(b) + " is text in quotes; for the column write " + colDisplay(bv.s)
			if !isIdent(bv.s) {
				e.hint += " or col(" + strconv.Quote(bv.s) + ")"
			}
		case a.kind == kCol && av.typ == String && bv.typ.isNumeric():
			e.column = a.str
			e.hint = naHint(a.str)
		case av.typ.isNumeric() && b.kind == kLit && bv.typ == String:
			if _, err := strconv.ParseFloat(strings.TrimSpace(bv.s), 64); err == nil {
				e.hint = "write the number without quotes: " + strings.TrimSpace(bv.s)
			}
			if a.kind == kCol {
				e.column = a.str
			}
		case av.typ == Bool && a.kind == kBin && a.op >= opEq && a.op <= opGe && bv.typ != Bool:
			e.hint = "comparisons do not chain: write a < b and b < c, or between(b, a, c)"
		case (av.typ == Date || av.typ == Datetime) && bv.typ.isNumeric():
			e.hint = "compare " + typeWord(av.typ) + "s with " + typeWord(av.typ) + "s in quotes, like '2024-01-31', or take year(…), month(…) or day(…)"
			if a.kind == kCol {
				e.column = a.str
			}
		default:
			continue
		}
		break
	}
	if e.column == "" {
		switch {
		case ln.kind == kCol:
			e.column = ln.str
		case rn.kind == kCol:
			e.column = rn.str
		}
	}
	return e
}

// coerceTimeLiteral turns a string scalar compared with a Date/Datetime value
// into that type; ok is false when the string is not a date or time.
func coerceTimeLiteral(v value, t Type) (value, bool) {
	if v.col != nil || v.typ != String {
		return v, true
	}
	if v.null {
		return value{typ: t, null: true}, true
	}
	days, nanos, dateOnly, ok := parseTimeLiteral(v.s)
	if !ok {
		return v, false
	}
	if t == Date && dateOnly {
		return value{typ: Date, i: days}, true
	}
	// an instant, even against a Date column (compared as midnight UTC), so
	// d >= "2024-01-01T12:00:00Z" means what it says
	return value{typ: Datetime, i: nanos}, true
}

// timeLayouts are the forms a string literal compared with a Date/Datetime
// may take: a date, or an instant.
var timeLayouts = []string{"2006-01-02", time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

// parseTimeLiteral reads s as a date (dateOnly, days since the epoch) or an
// instant (nanos; midnight UTC for a date).
func parseTimeLiteral(s string) (days, nanos int64, dateOnly, ok bool) {
	for k, layout := range timeLayouts {
		if tm, err := time.Parse(layout, s); err == nil {
			return DaysFromTime(tm), tm.UnixNano(), k == 0, true
		}
	}
	return 0, 0, false, false
}

func compare(o op, l, r value, n int) (value, cmpFail) {
	if l.isNull || r.isNull || (l.col == nil && l.null) || (r.col == nil && r.null) {
		return value{typ: Bool, null: true}, cmpOK
	}
	if l.typ == Date || l.typ == Datetime {
		var ok bool
		if r, ok = coerceTimeLiteral(r, l.typ); !ok {
			return value{}, cmpBadTimeR
		}
	}
	if r.typ == Date || r.typ == Datetime {
		var ok bool
		if l, ok = coerceTimeLiteral(l, r.typ); !ok {
			return value{}, cmpBadTimeL
		}
	}
	if l.typ == Date && r.typ == Datetime {
		l = daysToNanos(l)
	} else if l.typ == Datetime && r.typ == Date {
		r = daysToNanos(r)
	}
	lt, rt := l.typ, r.typ
	if (lt == Date || lt == Datetime) && rt == lt {
		lt, rt = Int64, Int64
	}
	if !(lt.isNumeric() && rt.isNumeric() || lt == String && rt == String || lt == Bool && rt == Bool) {
		return value{}, cmpTypes
	}
	valid, nulls := combineValid(l, r, n)
	scalar := l.col == nil && r.col == nil
	size := n
	if scalar {
		size = 1
	}
	res := make([]bool, size)
	if size == 0 {
		// no rows: the kernels below tell scalars by nil slices, and a
		// 0-row column's slice may be nil too
		return value{col: &Column{typ: Bool, bools: res}, typ: Bool}, cmpOK
	}
	switch {
	case lt == Int64 && rt == Int64:
		cmpOrdered(o, l.ints(), l.i, r.ints(), r.i, res)
	case lt.isNumeric() && rt.isNumeric():
		lf, ls := asFloats(l)
		rf, rs := asFloats(r)
		cmpOrdered(o, lf, ls, rf, rs, res)
	case lt == String:
		cmpStrings(o, l, r, res)
	default: // Bool
		li, ri := boolInts(l), boolInts(r)
		cmpOrdered(o, li, int64(b2i(l.b)), ri, int64(b2i(r.b)), res)
	}
	if scalar {
		return value{typ: Bool, b: res[0]}, cmpOK
	}
	zeroNulls(res, valid)
	return value{col: &Column{typ: Bool, n: n, bools: res, valid: valid, nulls: nulls}, typ: Bool}, cmpOK
}

func daysToNanos(v value) value {
	if v.col == nil {
		return value{typ: Datetime, i: v.i * 86400e9, null: v.null}
	}
	out := make([]int64, v.col.n)
	for i, d := range v.col.ints {
		out[i] = d * 86400e9
	}
	c := *v.col
	c.typ, c.ints = Datetime, out
	return value{col: &c, typ: Datetime}
}

func (v value) ints() []int64 {
	if v.col == nil {
		return nil
	}
	return v.col.ints
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func boolInts(v value) []int64 {
	if v.col == nil {
		return nil
	}
	out := make([]int64, v.col.n)
	for i, b := range v.col.bools {
		out[i] = int64(b2i(b))
	}
	return out
}

// flipOp is the comparison with its operands swapped: a < b == b > a.
var flipOp = [...]op{opEq: opEq, opNe: opNe, opLt: opGt, opLe: opGe, opGt: opLt, opGe: opLe}

// cmpOrdered compares a (or scalar as when a is nil) with b (or bs) into res.
func cmpOrdered[T int64 | float64](o op, a []T, as T, b []T, bs T, res []bool) {
	switch {
	case a != nil && b == nil:
		switch o {
		case opEq:
			for i, x := range a {
				res[i] = x == bs
			}
		case opNe:
			for i, x := range a {
				res[i] = x != bs
			}
		case opLt:
			for i, x := range a {
				res[i] = x < bs
			}
		case opLe:
			for i, x := range a {
				res[i] = x <= bs
			}
		case opGt:
			for i, x := range a {
				res[i] = x > bs
			}
		case opGe:
			for i, x := range a {
				res[i] = x >= bs
			}
		}
	case a == nil && b != nil:
		// as OP b[i]  ==  b[i] FLIP(OP) as
		cmpOrdered(flipOp[o], b, bs, nil, as, res)
	case a == nil && b == nil:
		res[0] = cmpScalar(o, as, bs)
	default:
		b = b[:len(a)]
		switch o {
		case opEq:
			for i, x := range a {
				res[i] = x == b[i]
			}
		case opNe:
			for i, x := range a {
				res[i] = x != b[i]
			}
		case opLt:
			for i, x := range a {
				res[i] = x < b[i]
			}
		case opLe:
			for i, x := range a {
				res[i] = x <= b[i]
			}
		case opGt:
			for i, x := range a {
				res[i] = x > b[i]
			}
		case opGe:
			for i, x := range a {
				res[i] = x >= b[i]
			}
		}
	}
}

func cmpScalar[T int64 | float64 | string](o op, x, y T) bool {
	switch o {
	case opEq:
		return x == y
	case opNe:
		return x != y
	case opLt:
		return x < y
	case opLe:
		return x <= y
	case opGt:
		return x > y
	}
	return x >= y
}

func cmpStrings(o op, l, r value, res []bool) {
	if l.col == nil && r.col != nil {
		l, r, o = r, l, flipOp[o]
	}
	if r.col == nil {
		s := r.s
		c := l.col
		if l.col == nil {
			res[0] = cmpScalar(o, l.s, s)
			return
		}
		if c.dict != nil {
			// column vs literal on a dictionary: compare each entry once
			d := c.dict
			dv := make([]bool, max(d.n, 1)) // nulls may hold code 0 of an empty dictionary
			for k := range d.n {
				dv[k] = cmpScalar(o, d.strUnsafe(k), s)
			}
			for i, code := range c.codes[:len(res)] {
				res[i] = dv[code]
			}
			return
		}
		if o == opEq || o == opNe {
			want := o == opEq
			sb := []byte(s)
			for i := range res {
				res[i] = bytes.Equal(c.data[c.offs[i]:c.offs[i+1]], sb) == want
			}
			return
		}
		for i := range res {
			res[i] = cmpScalar(o, c.strUnsafe(i), s)
		}
		return
	}
	lc, rc := l.col, r.col
	for i := range res {
		res[i] = cmpScalar(o, lc.strUnsafe(i), rc.strUnsafe(i))
	}
}

// --- arithmetic ---

var opVerb = [...]string{opAdd: "'+'", opSub: "'-'", opMul: "'*'", opDiv: "'/'", opMod: "'%'"}

// checkArith reports the first operand of n that does not suit its
// arithmetic operator; nil when l op r can be computed. The rules match
// arith's.
func (env *env) checkArith(n *node, l, r value) error {
	what := opVerb[n.op] + " needs numbers"
	if n.op == opMod {
		what = "'%' needs whole numbers (int64)"
	}
	for k, v := range [2]value{l, r} {
		if v.isNull {
			continue
		}
		if !v.typ.isNumeric() || (n.op == opMod && v.typ != Int64) {
			e := env.needType(n, n.args[k], v, what)
			if (v.typ == Date || v.typ == Datetime) && n.op != opMod {
				e.(*nodeErr).hint = "there is no date arithmetic; year(…), month(…) and day(…) give a date's parts"
			}
			return e
		}
	}
	if l.isNull && r.isNull && n.op == opMod {
		return &nodeErr{n: n, atOp: true, kind: ErrType, msg: "'%' needs whole numbers (int64), not null and null"}
	}
	return nil
}

// arith computes l op r for operands checkArith accepted.
func arith(o op, l, r value, n int) value {
	if l.isNull || r.isNull {
		t := l.typ
		if l.isNull {
			t = r.typ
		}
		if t == Invalid || o == opDiv {
			t = Float64 // division is always Float64
		}
		return value{typ: t, null: true}
	}
	intRes := l.typ == Int64 && r.typ == Int64 && o != opDiv
	if (l.col == nil && l.null) || (r.col == nil && r.null) {
		// a null scalar: the type follows the rules above
		if intRes {
			return value{typ: Int64, null: true}
		}
		return value{typ: Float64, null: true}
	}
	scalar := l.col == nil && r.col == nil
	if !scalar && n == 0 {
		// no rows: the kernels tell scalars by nil slices, and a 0-row
		// column's slice may be nil too
		if intRes {
			return value{col: &Column{typ: Int64}, typ: Int64}
		}
		return value{col: &Column{typ: Float64}, typ: Float64}
	}
	if intRes {
		if scalar {
			if o == opMod && r.i == 0 {
				return value{typ: Int64, null: true}
			}
			res := make([]int64, 1)
			arithInts(o, nil, l.i, nil, r.i, res)
			return value{typ: Int64, i: res[0]}
		}
		res := make([]int64, n)
		valid, nulls := combineValid(l, r, n)
		arithInts(o, l.ints(), l.i, r.ints(), r.i, res)
		if o == opMod {
			// x % 0 is null
			var zero []int
			if r.col == nil {
				if r.i == 0 {
					zero = make([]int, n)
					for i := range zero {
						zero[i] = i
					}
				}
			} else {
				for i, d := range r.col.ints[:n] {
					if d == 0 {
						zero = append(zero, i)
					}
				}
			}
			if len(zero) > 0 {
				if valid == nil {
					valid = newBitmap(n, true)
				} else {
					valid = append(bitmap(nil), valid...)
				}
				for _, i := range zero {
					if valid.get(i) {
						valid.clear(i)
						nulls++
					}
				}
			}
		}
		zeroNulls(res, valid)
		return value{col: &Column{typ: Int64, n: n, ints: res, valid: valid, nulls: nulls}, typ: Int64}
	}
	lf, ls := asFloats(l)
	rf, rs := asFloats(r)
	size := n
	if scalar {
		size = 1
		lf, rf = nil, nil
	}
	res := make([]float64, size)
	arithFloats(o, lf, ls, rf, rs, res)
	if scalar {
		return value{typ: Float64, f: res[0], null: math.IsNaN(res[0])}
	}
	// NaN results (null operands, 0/0) are nulls in a Float64 column
	return value{col: NewFloat64("", res), typ: Float64}
}

// arithInts computes a op b (+, -, * or %) into res, where a nil slice
// stands for its scalar. Division by zero in % leaves 0 (the caller makes it
// null).
func arithInts(o op, a []int64, as int64, b []int64, bs int64, res []int64) {
	if o != opMod {
		arithVec(o, a, as, b, bs, res)
		return
	}
	for i := range res {
		x, y := as, bs
		if a != nil {
			x = a[i]
		}
		if b != nil {
			y = b[i]
		}
		if y != 0 {
			res[i] = x % y
		}
	}
}

// arithFloats is arithInts for floats (+, -, * or /; no %).
func arithFloats(o op, a []float64, as float64, b []float64, bs float64, res []float64) {
	arithVec(o, a, as, b, bs, res)
}

// arithVec computes a op b for +, -, * and / into res, where a nil slice stands
// for its scalar (as, bs); with two scalars res has one element. The loops
// are per operator and per operand shape so that each one vectorises.
func arithVec[T int64 | float64](o op, a []T, as T, b []T, bs T, res []T) {
	switch {
	case a != nil && b != nil:
		b = b[:len(a)]
		switch o {
		case opAdd:
			for i, x := range a {
				res[i] = x + b[i]
			}
		case opSub:
			for i, x := range a {
				res[i] = x - b[i]
			}
		case opMul:
			for i, x := range a {
				res[i] = x * b[i]
			}
		case opDiv:
			for i, x := range a {
				res[i] = x / b[i]
			}
		}
	case a != nil:
		switch o {
		case opAdd:
			for i, x := range a {
				res[i] = x + bs
			}
		case opSub:
			for i, x := range a {
				res[i] = x - bs
			}
		case opMul:
			for i, x := range a {
				res[i] = x * bs
			}
		case opDiv:
			for i, x := range a {
				res[i] = x / bs
			}
		}
	case b != nil:
		switch o {
		case opAdd:
			for i, y := range b {
				res[i] = as + y
			}
		case opSub:
			for i, y := range b {
				res[i] = as - y
			}
		case opMul:
			for i, y := range b {
				res[i] = as * y
			}
		case opDiv:
			for i, y := range b {
				res[i] = as / y
			}
		}
	default:
		switch o {
		case opAdd:
			res[0] = as + bs
		case opSub:
			res[0] = as - bs
		case opMul:
			res[0] = as * bs
		case opDiv:
			res[0] = as / bs
		}
	}
}

// combineValid returns the validity of a binary result: valid where both are.
func combineValid(l, r value, n int) (bitmap, int) {
	lv, rv := bitmap(nil), bitmap(nil)
	if l.col != nil {
		lv = l.col.valid
	}
	if r.col != nil {
		rv = r.col.valid
	}
	switch {
	case lv == nil && rv == nil:
		return nil, 0
	case lv == nil:
		return rv, rv.countNulls(n)
	case rv == nil:
		return lv, lv.countNulls(n)
	}
	out := make(bitmap, len(lv))
	for i := range out {
		out[i] = lv[i] & rv[i]
	}
	return out, out.countNulls(n)
}

// asFloats returns a numeric value's floats: a column's slice (converted from
// int when needed, NaN at nulls) or a scalar.
func asFloats(v value) ([]float64, float64) {
	if v.col == nil {
		if v.typ == Int64 {
			return nil, float64(v.i)
		}
		return nil, v.f
	}
	if v.typ == Float64 {
		return v.col.floats, 0
	}
	out := make([]float64, v.col.n)
	for i, x := range v.col.ints {
		out[i] = float64(x)
	}
	if v.col.valid != nil {
		for i := range out {
			if !v.col.valid.get(i) {
				out[i] = nan
			}
		}
	}
	return out, 0
}

// --- logic ---

// logic is SQL's three-valued and/or of two Bool (or untyped null) values.
func logic(o op, l, r value, n int) value {
	and := o == opAnd
	if l.col == nil && r.col == nil {
		v, known := kleene3(and, l.b, !l.null, r.b, !r.null)
		return value{typ: Bool, b: v, null: !known}
	}
	if l.col == nil {
		l, r = r, l // the column first; both operators commute
	}
	lc := l.col
	res := make([]bool, n)
	if r.col == nil {
		// column with a scalar: the scalar decides, or the column passes
		// through, or (null scalar) the column's "dominant" value survives
		switch {
		case !r.null && r.b == and: // x && true, x || false
			copy(res, lc.bools)
			return value{col: &Column{typ: Bool, n: n, bools: res, valid: lc.valid, nulls: lc.nulls}, typ: Bool}
		case !r.null: // x && false, x || true
			if !and {
				for i := range res {
					res[i] = true
				}
			}
			return value{col: &Column{typ: Bool, n: n, bools: res}, typ: Bool}
		}
		// x && null: false where x is false, else null; x || null: true
		// where x is true, else null
		valid := newBitmap(n, false)
		for i, b := range lc.bools[:n] {
			if lc.validAt(i) && b != and {
				valid.set(i)
				res[i] = b
			}
		}
		return value{col: &Column{typ: Bool, n: n, bools: res, valid: valid, nulls: valid.countNulls(n)}, typ: Bool}
	}
	rc := r.col
	lb, rb := lc.bools[:n], rc.bools[:n]
	if and {
		for i := range res {
			res[i] = lb[i] && rb[i]
		}
	} else {
		for i := range res {
			res[i] = lb[i] || rb[i]
		}
	}
	if lc.valid == nil && rc.valid == nil {
		return value{col: &Column{typ: Bool, n: n, bools: res}, typ: Bool}
	}
	// a row is known when both sides are, or when one known side decides
	// (false for and, true for or); the values at null slots are false, so
	// res is already right wherever the row is known
	valid := make(bitmap, (n+63)/64)
	for w := range valid {
		lv, rv := ^uint64(0), ^uint64(0)
		if lc.valid != nil {
			lv = lc.valid[w]
		}
		if rc.valid != nil {
			rv = rc.valid[w]
		}
		var ld, rd uint64 // rows where the side is known and decides
		base := w * 64
		for b := 0; b < 64 && base+b < n; b++ {
			if lb[base+b] != and {
				ld |= 1 << uint(b)
			}
			if rb[base+b] != and {
				rd |= 1 << uint(b)
			}
		}
		valid[w] = (lv & rv) | (lv & ld) | (rv & rd)
	}
	if r := n % 64; r != 0 {
		valid[len(valid)-1] &= 1<<uint(r) - 1
	}
	nulls := valid.countNulls(n)
	if nulls == 0 {
		valid = nil
	}
	zeroNulls(res, valid)
	return value{col: &Column{typ: Bool, n: n, bools: res, valid: valid, nulls: nulls}, typ: Bool}
}

// kleene3 is SQL's three-valued and (and=true) or or of (a, known a) and
// (b, known b).
func kleene3(and bool, a, ak, b, bk bool) (v, known bool) {
	if and {
		switch {
		case ak && !a, bk && !b:
			return false, true
		case ak && bk:
			return true, true
		}
		return false, false
	}
	switch {
	case ak && a, bk && b:
		return true, true
	case ak && bk:
		return false, true
	}
	return false, false
}

// zeroNulls sets the slots of v that valid marks null to the zero value, so
// derived columns keep the "0 / false at nulls" promise of the accessors.
func zeroNulls[T any](v []T, valid bitmap) {
	if valid == nil {
		return
	}
	var zero T
	for w, x := range valid {
		if x == ^uint64(0) {
			continue
		}
		base := w * 64
		for b := 0; b < 64 && base+b < len(v); b++ {
			if x&(1<<uint(b)) == 0 {
				v[base+b] = zero
			}
		}
	}
}

// --- scalars and columns ---

// materialize turns a value into a column of n rows.
func (v value) materialize(name string, n int) *Column {
	if v.col != nil {
		return v.col.Rename(name)
	}
	return broadcast(v, n).Rename(name)
}

// broadcast returns a column of n copies of the scalar v (an untyped null
// gives a Bool column of nulls).
func broadcast(v value, n int) *Column {
	t := v.typ
	if v.isNull || t == Invalid {
		t = Bool
	}
	c := &Column{typ: t, n: n}
	if v.null {
		c.valid, c.nulls = newBitmap(n, false), n
	}
	switch t {
	case Int64, Date, Datetime:
		c.ints = make([]int64, n)
		if !v.null && v.i != 0 {
			for i := range c.ints {
				c.ints[i] = v.i
			}
		}
	case Float64:
		c.floats = make([]float64, n)
		x := v.f
		if v.null {
			x = nan
		}
		for i := range c.floats {
			c.floats[i] = x
		}
	case Bool:
		c.bools = make([]bool, n)
		if !v.null && v.b {
			for i := range c.bools {
				c.bools[i] = true
			}
		}
	case String:
		c.offs = make([]int64, n+1)
		if !v.null && v.s != "" {
			c.data = []byte(strings.Repeat(v.s, n))
			for i := range c.offs {
				c.offs[i] = int64(i * len(v.s))
			}
		}
	}
	return c
}

// scalarOf returns row 0 of a one-row column as a scalar value.
func scalarOf(c *Column) value {
	v := value{typ: c.typ, null: !c.validAt(0)}
	if v.null {
		if c.typ == Float64 {
			v.f = nan
		}
		return v
	}
	switch c.typ {
	case Int64, Date, Datetime:
		v.i = c.ints[0]
	case Float64:
		v.f = c.floats[0]
	case Bool:
		v.b = c.bools[0]
	case String:
		v.s = string(c.strBytes(0))
	}
	return v
}

// perColumn runs a column kernel on v: on its column, or on a one-row column
// for a scalar (turned back into a scalar).
func perColumn(v value, k func(*Column) *Column) value {
	if v.col != nil {
		c := k(v.col)
		return value{col: c, typ: c.typ}
	}
	return scalarOf(k(broadcast(v, 1)))
}
