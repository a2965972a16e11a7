package frame

import (
	"bytes"
	"math"

	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

// fnID names a function of the expression language evaluated by evalCall.
type fnID uint8

const (
	fnLower fnID = iota + 1
	fnUpper
	fnTrim
	fnLen
	fnAbs
	fnRound
	fnFloor
	fnCeil
	fnYear
	fnMonth
	fnDay
	fnIf
	fnCoalesce
	fnBetween
	fnMatches
)

var fnNames = [...]string{fnLower: "lower", fnUpper: "upper", fnTrim: "trim", fnLen: "len", fnAbs: "abs",
	fnRound: "round", fnFloor: "floor", fnCeil: "ceil", fnYear: "year", fnMonth: "month", fnDay: "day",
	fnIf: "if", fnCoalesce: "coalesce", fnBetween: "between", fnMatches: "matches"}

// maxRoundDigits bounds round's digits: 10^18 is the largest power of ten
// an Int64 holds.
const maxRoundDigits = 18

func (n *node) evalCall(env *env) (value, error) {
	args := make([]value, len(n.args))
	for i, a := range n.args {
		v, err := a.eval(env)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	name := fnNames[n.fn]
	x := args[0]
	switch n.fn {
	case fnLower, fnUpper, fnTrim:
		if x.isNull {
			return value{typ: String, null: true}, nil
		}
		if x.typ != String {
			return value{}, env.needType(n, n.args[0], x, name+" needs text")
		}
		f := appendLower
		switch n.fn {
		case fnUpper:
			f = appendUpper
		case fnTrim:
			f = func(dst, s []byte) []byte { return append(dst, bytes.TrimSpace(s)...) }
		}
		return perColumn(x, func(c *Column) *Column { return mapStrings(c, f) }), nil
	case fnLen:
		if x.isNull {
			return value{typ: Int64, null: true}, nil
		}
		if x.typ != String {
			return value{}, env.needType(n, n.args[0], x, "len needs text")
		}
		return perColumn(x, strLen), nil
	case fnAbs, fnRound, fnFloor, fnCeil:
		if x.isNull {
			return value{typ: Float64, null: true}, nil
		}
		if !x.typ.isNumeric() {
			return value{}, env.needType(n, n.args[0], x, name+" needs a number")
		}
		if x.typ == Int64 && (n.fn == fnFloor || n.fn == fnCeil || n.fn == fnRound && n.digits >= 0) {
			return x, nil // whole numbers already
		}
		return perColumn(x, func(c *Column) *Column { return numMap(c, n.fn, n.digits) }), nil
	case fnYear, fnMonth, fnDay:
		if x.isNull {
			return value{typ: Int64, null: true}, nil
		}
		if x.typ != Date && x.typ != Datetime {
			e := env.needType(n, n.args[0], x, name+" needs a date or datetime")
			if x.typ == String && n.args[0].kind == kCol {
				e.(*nodeErr).hint = colDisplay(n.args[0].str) + " is text; read it as a date to take its " + name
			}
			return value{}, e
		}
		return perColumn(x, func(c *Column) *Column { return datePart(c, n.fn) }), nil
	case fnMatches:
		if x.isNull {
			return value{typ: Bool, null: true}, nil
		}
		if x.typ != String {
			return value{}, env.needType(n, n.args[0], x, "matches needs text")
		}
		return mapBool(x, env.n, n.re.Match), nil
	case fnBetween:
		ge, fail := compare(opGe, x, args[1], env.n)
		if fail != cmpOK {
			return value{}, env.cmpError(n, n.args[0], n.args[1], x, args[1], fail)
		}
		le, fail := compare(opLe, x, args[2], env.n)
		if fail != cmpOK {
			return value{}, env.cmpError(n, n.args[0], n.args[2], x, args[2], fail)
		}
		return logic(opAnd, ge, le, env.n), nil
	case fnIf:
		if !isBoolish(x) {
			return value{}, env.notBool(n, n.args[0], x, "if needs a condition (true/false) first")
		}
		vals, t, err := env.unify(n, 1, args[1:])
		if err != nil {
			return value{}, err
		}
		if x.col == nil {
			if x.b && !x.null {
				return vals[0], nil
			}
			return vals[1], nil
		}
		if t == Invalid {
			return untypedNull, nil
		}
		src := make([]int32, env.n)
		for i, b := range x.col.bools[:env.n] {
			if !b { // false, or null (whose slot holds false)
				src[i] = 1
			}
		}
		return choose(t, vals, src, env.n), nil
	case fnCoalesce:
		vals, t, err := env.unify(n, 0, args)
		if err != nil {
			return value{}, err
		}
		if t == Invalid {
			return untypedNull, nil
		}
		allScalar := true
		for _, v := range vals {
			allScalar = allScalar && v.col == nil
		}
		if allScalar {
			for _, v := range vals {
				if !v.null {
					return v, nil
				}
			}
			return vals[0], nil
		}
		src := make([]int32, env.n)
		for i := range src {
			src[i] = -1
		}
		left := env.n
		for k, v := range vals {
			if left == 0 {
				break
			}
			switch {
			case v.col == nil && v.null:
			case v.col == nil || v.col.valid == nil:
				for i, s := range src {
					if s < 0 {
						src[i] = int32(k)
					}
				}
				left = 0
			default:
				for i, s := range src {
					if s < 0 && v.col.valid.get(i) {
						src[i] = int32(k)
						left--
					}
				}
			}
		}
		return choose(t, vals, src, env.n), nil
	}
	return value{}, &nodeErr{n: n, atOp: true, msg: "unknown function", kind: ErrSyntax}
}

// unify finds the one type of the values args (n.args[first:]) of if or
// coalesce and converts them to it: numbers to Float64 if any is Float64, a
// Date with a Datetime to Datetime, string literals among dates to dates,
// untyped nulls to typed nulls. Invalid means all are untyped nulls.
func (env *env) unify(n *node, first int, args []value) ([]value, Type, error) {
	timeT := Invalid
	for _, v := range args {
		if !v.isNull && (v.typ == Date || v.typ == Datetime) && timeT != Datetime {
			timeT = v.typ
		}
	}
	vals := make([]value, len(args))
	copy(vals, args)
	t, firstK := Invalid, -1
	for k, v := range vals {
		if v.isNull {
			continue
		}
		if timeT != Invalid && v.typ == String && v.col == nil {
			cv, ok := coerceTimeLiteral(v, timeT)
			if !ok {
				a := n.args[first+k]
				return nil, Invalid, &nodeErr{n: a, kind: ErrType,
					msg:  "cannot read " + env.text(a) + " as a " + typeWord(timeT),
					hint: "write dates as '2024-01-31' and times as '2024-01-31T08:00:00Z'"}
			}
			v, vals[k] = cv, cv
		}
		switch {
		case t == Invalid:
			t, firstK = v.typ, k
		case t == v.typ:
		case t.isNumeric() && v.typ.isNumeric():
			t = Float64
		case (t == Date || t == Datetime) && (v.typ == Date || v.typ == Datetime):
			t = Datetime
		default:
			what := "coalesce's values have"
			if n.fn == fnIf {
				what = "if's two results have"
			}
			a, fa := n.args[first+k], n.args[first+firstK]
			e := &nodeErr{n: a, kind: ErrType,
				msg: what + " different types: " + env.describe(fa, vals[firstK]) + " and " + env.describe(a, v)}
			for _, side := range [2]struct {
				n *node
				v value
				o Type
			}{{fa, vals[firstK], v.typ}, {a, v, t}} {
				if side.n.kind == kCol && side.v.typ == String && side.o.isNumeric() {
					e.column, e.hint = side.n.str, naHint(side.n.str)
				}
			}
			return nil, Invalid, e
		}
	}
	if t == Invalid {
		return vals, Invalid, nil
	}
	for k, v := range vals {
		vals[k] = convertTo(v, t)
	}
	return vals, t, nil
}

// convertTo converts v to type t, which unify chose for it.
func convertTo(v value, t Type) value {
	switch {
	case v.isNull:
		return value{typ: t, null: true, f: nan}
	case v.typ == t:
		return v
	case t == Float64 && v.typ == Int64:
		fs, s := asFloats(v)
		if v.col == nil {
			return value{typ: Float64, f: s, null: v.null}
		}
		return value{col: NewFloat64("", fs), typ: Float64}
	case t == Datetime && v.typ == Date:
		return daysToNanos(v)
	}
	return v
}

// choose builds a column of type t whose row i is row i of vals[src[i]] (a
// column or a scalar), null where src[i] < 0.
func choose(t Type, vals []value, src []int32, n int) value {
	var valid bitmap
	nulls := 0
	null := func(i int) {
		if valid == nil {
			valid = newBitmap(n, true)
		}
		valid.clear(i)
		nulls++
	}
	c := &Column{typ: t, n: n}
	switch t {
	case Int64, Date, Datetime:
		out := make([]int64, n)
		for i, k := range src {
			if k < 0 {
				null(i)
				continue
			}
			v := &vals[k]
			switch {
			case v.col == nil && v.null:
				null(i)
			case v.col == nil:
				out[i] = v.i
			case v.col.valid != nil && !v.col.valid.get(i):
				null(i)
			default:
				out[i] = v.col.ints[i]
			}
		}
		c.ints = out
	case Float64:
		// a Float64 column's nulls are NaN already
		out := make([]float64, n)
		for i, k := range src {
			switch {
			case k < 0:
				out[i] = nan
			case vals[k].col == nil && vals[k].null:
				out[i] = nan
			case vals[k].col == nil:
				out[i] = vals[k].f
			default:
				out[i] = vals[k].col.floats[i]
			}
		}
		return value{col: NewFloat64("", out), typ: Float64}
	case Bool:
		out := make([]bool, n)
		for i, k := range src {
			if k < 0 {
				null(i)
				continue
			}
			v := &vals[k]
			switch {
			case v.col == nil && v.null:
				null(i)
			case v.col == nil:
				out[i] = v.b
			case v.col.valid != nil && !v.col.valid.get(i):
				null(i)
			default:
				out[i] = v.col.bools[i]
			}
		}
		c.bools = out
	case String:
		var b StringBuilder
		b.Grow(n, 0)
		for i, k := range src {
			if k < 0 {
				b.AppendNull()
				continue
			}
			v := &vals[k]
			switch {
			case v.col == nil && v.null:
				b.AppendNull()
			case v.col == nil:
				b.Append(v.s)
			case v.col.valid != nil && !v.col.valid.get(i):
				b.AppendNull()
			default:
				b.AppendBytes(v.col.strBytes(i))
			}
		}
		return value{col: b.Build(""), typ: String}
	}
	c.valid, c.nulls = valid, nulls
	return value{col: c, typ: t}
}

// mapStrings applies f (which appends the image of its second argument to
// its first) to every value of a String column: once per dictionary entry
// for an encoded column, whose result is encoded too.
func mapStrings(c *Column, f func(dst, s []byte) []byte) *Column {
	if c.dict != nil {
		d := c.dict
		ids := make(map[string]uint32, d.n)
		remap := make([]uint32, max(d.n, 1))
		var db StringBuilder
		var buf []byte
		for k := range d.n {
			buf = f(buf[:0], d.strBytes(k))
			id, ok := ids[string(buf)]
			if !ok {
				id = uint32(db.Len())
				ids[string(buf)] = id
				db.AppendBytes(buf)
			}
			remap[k] = id
		}
		codes := make([]uint32, c.n)
		for i, code := range c.codes[:c.n] {
			if int(code) < len(remap) {
				codes[i] = remap[code]
			}
		}
		zeroNulls(codes, c.valid)
		return &Column{typ: String, n: c.n, valid: c.valid, nulls: c.nulls, codes: codes, dict: db.Build("")}
	}
	offs := make([]int64, c.n+1)
	data := make([]byte, 0, c.byteLen())
	for i := range c.n {
		data = f(data, c.data[c.offs[i]:c.offs[i+1]]) // a null's slot is empty
		offs[i+1] = int64(len(data))
	}
	return &Column{typ: String, n: c.n, valid: c.valid, nulls: c.nulls, offs: offs, data: data}
}

// appendLower appends s in lower case: bytewise for ASCII, else as
// strings.ToLower (which writes invalid UTF-8 bytes as U+FFFD).
func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return append(dst, bytes.ToLower(s)...)
		}
	}
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendUpper is appendLower for upper case.
func appendUpper(dst, s []byte) []byte {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return append(dst, bytes.ToUpper(s)...)
		}
	}
	for _, c := range s {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// strLen is the length in characters of every value of a String column.
func strLen(c *Column) *Column {
	out := make([]int64, c.n)
	if c.dict != nil {
		dv := make([]int64, max(c.dict.n, 1))
		for k := range c.dict.n {
			dv[k] = int64(utf8.RuneCount(c.dict.strBytes(k)))
		}
		for i, code := range c.codes[:c.n] {
			if int(code) < len(dv) {
				out[i] = dv[code]
			}
		}
	} else {
		for i := range out {
			out[i] = int64(utf8.RuneCount(c.data[c.offs[i]:c.offs[i+1]]))
		}
	}
	zeroNulls(out, c.valid)
	return &Column{typ: Int64, n: c.n, ints: out, valid: c.valid, nulls: c.nulls}
}

// numMap applies abs, floor, ceil or round to a numeric column (floor, ceil
// and round with digits ≥ 0 never reach here for Int64).
func numMap(c *Column, fn fnID, digits int) *Column {
	if c.typ == Int64 {
		out := make([]int64, c.n)
		switch fn {
		case fnAbs:
			for i, x := range c.ints[:c.n] {
				if x < 0 {
					x = -x
				}
				out[i] = x
			}
		case fnRound:
			p := pow10i[-digits]
			for i, x := range c.ints[:c.n] {
				out[i] = roundInt(x, p)
			}
		}
		zeroNulls(out, c.valid)
		return &Column{typ: Int64, n: c.n, ints: out, valid: c.valid, nulls: c.nulls}
	}
	out := make([]float64, c.n)
	in := c.floats[:c.n]
	switch fn {
	case fnAbs:
		for i, x := range in {
			out[i] = math.Abs(x)
		}
	case fnFloor:
		for i, x := range in {
			out[i] = math.Floor(x)
		}
	case fnCeil:
		for i, x := range in {
			out[i] = math.Ceil(x)
		}
	case fnRound:
		for i, x := range in {
			out[i] = roundFloat(x, digits)
		}
	}
	// NaN (null) stays NaN in every one of these
	return &Column{typ: Float64, n: c.n, floats: out, valid: c.valid, nulls: c.nulls}
}

var pow10i = func() [maxRoundDigits + 1]int64 {
	var p [maxRoundDigits + 1]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// roundInt rounds x to a multiple of p, halves away from zero (wrapping
// like Go's integer arithmetic when the result overflows).
func roundInt(x, p int64) int64 {
	q, r := x/p, x%p
	if r >= 0 && r >= p-r {
		q++
	} else if r < 0 && -r >= p+r {
		q--
	}
	return q * p
}

// roundFloat rounds x to digits decimal places, halves away from zero.
func roundFloat(x float64, digits int) float64 {
	switch {
	case digits == 0:
		return math.Round(x)
	case digits > 0:
		p := math.Pow10(digits)
		y := x * p
		if math.IsInf(y, 0) || math.Abs(y) >= 1<<52 {
			return x // no digits below 10^-digits to round away
		}
		return math.Round(y) / p
	}
	p := math.Pow10(-digits)
	return math.Round(x/p) * p
}

// datePart takes the year, month or day of a Date or Datetime column (UTC).
func datePart(c *Column, fn fnID) *Column {
	out := make([]int64, c.n)
	for i, x := range c.ints[:c.n] {
		days := x
		if c.typ == Datetime {
			days = floorDiv(x, 86400e9)
		}
		y, m, d := civil(days)
		switch fn {
		case fnYear:
			out[i] = y
		case fnMonth:
			out[i] = m
		default:
			out[i] = d
		}
	}
	zeroNulls(out, c.valid)
	return &Column{typ: Int64, n: c.n, ints: out, valid: c.valid, nulls: c.nulls}
}

// civil returns the proleptic Gregorian date of days since 1970-01-01 (H.
// Hinnant's civil_from_days).
func civil(days int64) (y, m, d int64) {
	z := days + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// reErrText is a regexp compile error without the package's prefix.
func reErrText(err error) string {
	var se *syntax.Error
	if e, ok := err.(*syntax.Error); ok {
		se = e
		return se.Code.String() + ": " + shorten(se.Expr, 30)
	}
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// --- in ---

// inSet holds the literal candidates of an in(): hash sets per type, built
// once when the node is made, so a list of thousands costs one lookup per
// row. Sets that only some operand types need are built on first use.
type inSet struct {
	lits  int   // how many literal candidates
	chain []int // indices (into the node's args) of the other candidates
	null  bool  // a null candidate
	first [Datetime + 1]int
	ints  map[int64]struct{}
	flts  map[float64]struct{}
	strs  map[string]struct{}
	hasT  bool
	hasF  bool
	times map[int64]struct{} // time.Time literals, as nanoseconds

	numOnce sync.Once
	allF    map[float64]struct{} // every numeric literal as a float64

	timeOnce sync.Once
	tm       inTimes
}

// inTimes are the string candidates read as dates and times, for a Date or
// Datetime operand.
type inTimes struct {
	days  map[int64]struct{} // date-only strings, as days
	inst  map[int64]struct{} // strings with a time of day, as nanoseconds
	nanos map[int64]struct{} // every string, as nanoseconds (a date at midnight UTC)
	bad   int                // index (into args) of the first string that is neither, or 0
}

// newIn makes the node in(args[0], args[1:]…).
func newIn(args []*node) *node {
	n := newNode(kIn, 0, args...)
	s := &inSet{}
	for k, a := range args[1:] {
		k++
		if a.kind != kLit {
			s.chain = append(s.chain, k)
			continue
		}
		s.lits++
		v := a.v
		if v.null {
			s.null = true
			continue
		}
		if s.first[v.typ] == 0 {
			s.first[v.typ] = k
		}
		switch v.typ {
		case Int64:
			if s.ints == nil {
				s.ints = map[int64]struct{}{}
			}
			s.ints[v.i] = struct{}{}
		case Float64:
			if s.flts == nil {
				s.flts = map[float64]struct{}{}
			}
			s.flts[v.f] = struct{}{}
		case String:
			if s.strs == nil {
				s.strs = map[string]struct{}{}
			}
			s.strs[v.s] = struct{}{}
		case Bool:
			s.hasT = s.hasT || v.b
			s.hasF = s.hasF || !v.b
		case Datetime:
			if s.times == nil {
				s.times = map[int64]struct{}{}
			}
			s.times[v.i] = struct{}{}
		}
	}
	n.set = s
	return n
}

func (s *inSet) numbers() map[float64]struct{} {
	s.numOnce.Do(func() {
		s.allF = make(map[float64]struct{}, len(s.ints)+len(s.flts))
		for x := range s.ints {
			s.allF[float64(x)] = struct{}{}
		}
		for x := range s.flts {
			s.allF[x] = struct{}{}
		}
	})
	return s.allF
}

func (s *inSet) timesOf(args []*node) *inTimes {
	s.timeOnce.Do(func() {
		t := &s.tm
		t.days, t.inst, t.nanos = map[int64]struct{}{}, map[int64]struct{}{}, map[int64]struct{}{}
		for k, a := range args[1:] {
			if a.kind != kLit || a.v.null || a.v.typ != String {
				continue
			}
			days, nanos, dateOnly, ok := parseTimeLiteral(a.v.s)
			switch {
			case !ok:
				if t.bad == 0 {
					t.bad = k + 1
				}
			case dateOnly:
				t.days[days] = struct{}{}
			default:
				t.inst[nanos] = struct{}{}
			}
			if ok {
				t.nanos[nanos] = struct{}{}
			}
		}
	})
	return &s.tm
}

func (n *node) evalIn(env *env) (value, error) {
	x, err := n.args[0].eval(env)
	if err != nil {
		return value{}, err
	}
	s := n.set
	var res value
	have := false
	if s.lits > 0 {
		if res, err = env.inLits(n, x); err != nil {
			return value{}, err
		}
		have = true
	}
	for _, k := range s.chain {
		c, err := n.args[k].eval(env)
		if err != nil {
			return value{}, err
		}
		eq, fail := compare(opEq, x, c, env.n)
		if fail != cmpOK {
			return value{}, env.cmpError(n, n.args[0], n.args[k], x, c, fail)
		}
		if have {
			res = logic(opOr, res, eq, env.n)
		} else {
			res, have = eq, true
		}
	}
	return res, nil
}

// inLits is x in (the literal candidates of n).
func (env *env) inLits(n *node, x value) (value, error) {
	s := n.set
	if x.isNull || (x.col == nil && x.null) {
		return value{typ: Bool, null: true}, nil
	}
	// every literal must compare with x
	var ok [Datetime + 1]bool
	switch x.typ {
	case Int64, Float64:
		ok[Int64], ok[Float64] = true, true
	case Date, Datetime:
		ok[String], ok[Datetime] = true, true
	default:
		ok[x.typ] = true
	}
	for t, k := range s.first {
		if k != 0 && !ok[t] {
			return value{}, env.cmpError(n, n.args[0], n.args[k], x, n.args[k].v, cmpTypes)
		}
	}
	var tm *inTimes
	if x.typ == Date || x.typ == Datetime {
		tm = s.timesOf(n.args)
		if tm.bad != 0 {
			return value{}, env.cmpError(n, n.args[0], n.args[tm.bad], x, n.args[tm.bad].v, cmpBadTimeR)
		}
	}
	return perColumn(x, func(c *Column) *Column {
		out := make([]bool, c.n)
		switch c.typ {
		case Int64:
			for i, v := range c.ints[:c.n] {
				_, hit := s.ints[v]
				if !hit && s.flts != nil {
					_, hit = s.flts[float64(v)]
				}
				out[i] = hit
			}
		case Float64:
			all := s.numbers()
			for i, v := range c.floats[:c.n] {
				_, out[i] = all[v]
			}
		case String:
			if c.dict != nil {
				dv := make([]bool, max(c.dict.n, 1))
				for k := range c.dict.n {
					_, dv[k] = s.strs[c.dict.strUnsafe(k)]
				}
				for i, code := range c.codes[:c.n] {
					if int(code) < len(dv) {
						out[i] = dv[code]
					}
				}
			} else {
				for i := range out {
					_, out[i] = s.strs[c.strUnsafe(i)]
				}
			}
		case Bool:
			for i, b := range c.bools[:c.n] {
				out[i] = b && s.hasT || !b && s.hasF
			}
		case Date:
			for i, d := range c.ints[:c.n] {
				_, hit := tm.days[d]
				if !hit {
					_, hit = tm.inst[d*86400e9]
				}
				if !hit && s.times != nil {
					_, hit = s.times[d*86400e9]
				}
				out[i] = hit
			}
		case Datetime:
			for i, t := range c.ints[:c.n] {
				_, hit := tm.nanos[t]
				if !hit && s.times != nil {
					_, hit = s.times[t]
				}
				out[i] = hit
			}
		}
		valid, nulls := c.valid, c.nulls
		if s.null {
			// SQL: x in (…, null) is null where x matches nothing
			valid = newBitmap(c.n, true)
			if c.valid != nil {
				copy(valid, c.valid)
			}
			nulls = 0
			for i, hit := range out {
				if !hit && valid.get(i) {
					valid.clear(i)
				}
			}
			nulls = valid.countNulls(c.n)
			if nulls == 0 {
				valid = nil
			}
		}
		zeroNulls(out, valid)
		return &Column{typ: Bool, n: c.n, bools: out, valid: valid, nulls: nulls}
	}), nil
}
