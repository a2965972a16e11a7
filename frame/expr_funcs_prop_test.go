package frame

// Random expressions with the functions and SQL forms of the expression
// language, each with a row-by-row reference (see exprGen in
// expr_prop_test.go), and a printer of expressions in analyst syntax
// (AND/OR/NOT, =, <>, 'single quotes', x IN (…), x BETWEEN lo AND hi,
// x IS NULL) whose parse must evaluate and print as the canonical form does.

import (
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// asF is a numeric reference value of type t as a float64.
func asF(v rv, t Type) float64 {
	if t == Int64 {
		return float64(v.i)
	}
	return v.f
}

// numType is the type two numeric operands combine to.
func numType(ts ...Type) Type {
	for _, t := range ts {
		if t == Float64 {
			return Float64
		}
	}
	return Int64
}

// convRef converts a non-null numeric reference value of type from to type to.
func convRef(v rv, from, to Type) rv {
	if v.null || from == to {
		return v
	}
	if to == Float64 && from == Int64 {
		return rv{f: float64(v.i)}
	}
	if to == Datetime && from == Date {
		return rv{i: v.i * 86400e9}
	}
	return v
}

func nullG(t Type) gexpr { return constant(Lit(nil), t, rv{null: true}) }

// ifG is if(c, a, b) with the result type t.
func ifG(c, a, b gexpr, t Type) gexpr {
	return gexpr{e: If(c.e, a.e, b.e), t: t, cols: mergeCols(c.cols, mergeCols(a.cols, b.cols)), ref: func(i int) rv {
		cv := c.ref(i)
		if !cv.null && cv.b {
			return convRef(a.ref(i), a.t, t)
		}
		return convRef(b.ref(i), b.t, t)
	}}
}

// coalesceG is coalesce(xs…) with the result type t.
func coalesceG(t Type, xs ...gexpr) gexpr {
	args := make([]any, len(xs))
	var cols []string
	for k, x := range xs {
		args[k] = x.e
		cols = mergeCols(cols, x.cols)
	}
	return gexpr{e: Coalesce(args...), t: t, cols: cols, ref: func(i int) rv {
		for _, x := range xs {
			if v := x.ref(i); !v.null {
				return convRef(v, x.t, t)
			}
		}
		return rv{null: true}
	}}
}

func (g *exprGen) numFunc(depth int) gexpr {
	r := g.r
	switch r.IntN(9) {
	case 0:
		x := g.num(depth - 1)
		return gexpr{e: x.e.Abs(), t: x.t, cols: x.cols, ref: func(i int) rv {
			v := x.ref(i)
			switch {
			case v.null:
				return v
			case x.t == Int64 && v.i < 0:
				return rv{i: -v.i}
			case x.t == Int64:
				return v
			}
			return rv{f: math.Abs(v.f)}
		}}
	case 1:
		x := g.num(depth - 1)
		d := r.IntN(7) - 3
		if r.IntN(8) == 0 {
			d = r.IntN(2*maxRoundDigits+1) - maxRoundDigits
		}
		return gexpr{e: x.e.Round(d), t: x.t, cols: x.cols, ref: func(i int) rv {
			v := x.ref(i)
			if v.null {
				return v
			}
			if x.t == Int64 {
				return rv{i: refRoundInt(v.i, d)}
			}
			return rv{f: refRoundFloat(v.f, d)}
		}}
	case 2:
		x := g.num(depth - 1)
		floor := r.IntN(2) == 0
		e := x.e.Ceil()
		if floor {
			e = x.e.Floor()
		}
		return gexpr{e: e, t: x.t, cols: x.cols, ref: func(i int) rv {
			v := x.ref(i)
			if v.null || x.t == Int64 {
				return v
			}
			if floor {
				return rv{f: math.Floor(v.f)}
			}
			return rv{f: math.Ceil(v.f)}
		}}
	case 3:
		x := g.str(depth - 1)
		return gexpr{e: x.e.Len(), t: Int64, cols: x.cols, ref: func(i int) rv {
			v := x.ref(i)
			if v.null {
				return v
			}
			return rv{i: int64(utf8.RuneCountInString(v.s))}
		}}
	case 4:
		x := g.tm(depth - 1)
		part := r.IntN(3)
		e := []func() Expr{x.e.Year, x.e.Month, x.e.Day}[part]()
		return gexpr{e: e, t: Int64, cols: x.cols, ref: func(i int) rv {
			v := x.ref(i)
			if v.null {
				return v
			}
			tm := time.Unix(0, v.i).UTC()
			if x.t == Date {
				tm = time.Unix(v.i*86400, 0).UTC()
			}
			y, m, d := tm.Date()
			return rv{i: []int64{int64(y), int64(m), int64(d)}[part]}
		}}
	case 5:
		c, a, b := g.boolean(depth-1), g.num(depth-1), g.num(depth-1)
		return ifG(c, a, b, numType(a.t, b.t))
	case 6:
		a, b := g.num(depth-1), g.num(depth-1)
		if r.IntN(2) == 0 {
			c := g.num(depth - 1)
			return coalesceG(numType(a.t, b.t, c.t), a, b, c)
		}
		return coalesceG(numType(a.t, b.t), a, b)
	case 7:
		a := g.num(depth - 1)
		if r.IntN(2) == 0 {
			return coalesceG(a.t, nullG(Invalid), a)
		}
		return ifG(g.boolean(depth-1), nullG(Invalid), a, a.t)
	}
	// a function of a null literal: null of the function's type
	switch r.IntN(3) {
	case 0:
		return gexpr{e: Lit(nil).Abs(), t: Float64, ref: func(int) rv { return rv{null: true} }}
	case 1:
		return gexpr{e: Lit(nil).Len(), t: Int64, ref: func(int) rv { return rv{null: true} }}
	}
	return gexpr{e: Lit(nil).Year(), t: Int64, ref: func(int) rv { return rv{null: true} }}
}

// refRoundInt rounds x to a multiple of 10^-d (d < 0), halves away from
// zero, in exact arithmetic (then wrapped to int64 as Go's arithmetic does).
func refRoundInt(x int64, d int) int64 {
	if d >= 0 {
		return x
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d)), nil)
	a := new(big.Int).Abs(big.NewInt(x))
	half := new(big.Int).Rsh(p, 1) // p is even: p/2 exactly
	a.Add(a, half)
	a.Quo(a, p)
	a.Mul(a, p)
	if x < 0 {
		a.Neg(a)
	}
	// wrap to 64 bits
	m := new(big.Int).Lsh(big.NewInt(1), 64)
	a.Mod(a, m)
	if a.Cmp(new(big.Int).Lsh(big.NewInt(1), 63)) >= 0 {
		a.Sub(a, m)
	}
	return a.Int64()
}

// refRoundFloat is round(x·10^d)/10^d, halves away from zero, leaving x as
// is where it has no digits below 10^-d.
func refRoundFloat(x float64, d int) float64 {
	if d == 0 {
		return math.Round(x)
	}
	if d < 0 {
		p := math.Pow(10, float64(-d))
		return math.Round(x/p) * p
	}
	p := math.Pow(10, float64(d))
	y := x * p
	if math.IsInf(y, 0) || math.Abs(y) >= 1<<52 {
		return x
	}
	return math.Round(y) / p
}

// tm is a Date or Datetime expression.
func (g *exprGen) tm(depth int) gexpr {
	r := g.r
	if depth <= 0 || r.IntN(2) == 0 {
		if r.IntN(2) == 0 {
			return g.col("d")
		}
		return g.col("t")
	}
	switch r.IntN(3) {
	case 0:
		a, b := g.tm(depth-1), g.tm(depth-1)
		t := Date
		if a.t == Datetime || b.t == Datetime {
			t = Datetime
		}
		return ifG(g.boolean(depth-1), a, b, t)
	case 1:
		// a date literal among dates: read as the other branch's type
		a := g.tm(depth - 1)
		days := int64(19750 + r.IntN(7) - 3)
		lit := constant(Lit(dateLit(days)), a.t, rv{i: days})
		if a.t == Datetime {
			lit.ref = func(int) rv { return rv{i: days * 86400e9} }
		}
		return coalesceG(a.t, a, lit)
	}
	a, b := g.tm(depth-1), g.tm(depth-1)
	t := Date
	if a.t == Datetime || b.t == Datetime {
		t = Datetime
	}
	return coalesceG(t, a, b)
}

var rePool = []string{"^a", "b$", "(?i)tex", "^$", "[0-9]+-", "é", ".", `^\p{L}+$`, "a|z"}

func (g *exprGen) strFunc(depth int) gexpr {
	r := g.r
	switch r.IntN(6) {
	case 0, 1, 2:
		x := g.str(depth - 1)
		k := r.IntN(3)
		e := []func() Expr{x.e.Lower, x.e.Upper, x.e.Trim}[k]()
		f := []func(string) string{strings.ToLower, strings.ToUpper, strings.TrimSpace}[k]
		return gexpr{e: e, t: String, cols: x.cols, ref: func(i int) rv {
			v := x.ref(i)
			if v.null {
				return v
			}
			return rv{s: f(v.s)}
		}}
	case 3:
		return ifG(g.boolean(depth-1), g.str(depth-1), g.str(depth-1), String)
	case 4:
		return coalesceG(String, g.str(depth-1), g.str(depth-1))
	}
	return coalesceG(String, nullG(Invalid), g.str(depth-1))
}

// inG is x in (cands…) with the reference equality eq.
func inG(x gexpr, cands []gexpr, eq func(a rv, c gexpr, i int) bool) gexpr {
	args := make([]any, len(cands))
	cols := x.cols
	for k, c := range cands {
		args[k] = c.e
		cols = mergeCols(cols, c.cols)
	}
	return gexpr{e: x.e.In(args...), t: Bool, cols: cols, ref: func(i int) rv {
		v := x.ref(i)
		if v.null {
			return v
		}
		sawNull := false
		for _, c := range cands {
			if c.ref(i).null {
				sawNull = true
			} else if eq(v, c, i) {
				return rv{b: true}
			}
		}
		if sawNull {
			return rv{null: true}
		}
		return rv{b: false}
	}}
}

func (g *exprGen) boolFunc(depth int) gexpr {
	r := g.r
	switch r.IntN(9) {
	case 0:
		x, lo, hi := g.num(depth-1), g.num(depth-1), g.num(depth-1)
		return gexpr{e: x.e.Between(lo.e, hi.e), t: Bool, cols: mergeCols(x.cols, mergeCols(lo.cols, hi.cols)), ref: func(i int) rv {
			a, l, h := x.ref(i), lo.ref(i), hi.ref(i)
			ge, le := rv{null: true}, rv{null: true}
			cmp := func(p, q rv, pt, qt Type) int {
				if pt == Int64 && qt == Int64 {
					return cmpI(p.i, q.i)
				}
				return cmpF(asF(p, pt), asF(q, qt))
			}
			if !a.null && !l.null {
				ge = rv{b: cmp(a, l, x.t, lo.t) >= 0}
			}
			if !a.null && !h.null {
				le = rv{b: cmp(a, h, x.t, hi.t) <= 0}
			}
			return kleene(true, ge, le)
		}}
	case 1:
		x := g.str(depth - 1)
		pat := rePool[r.IntN(len(rePool))]
		re := regexp.MustCompile(pat)
		return gexpr{e: x.e.Matches(pat), t: Bool, cols: x.cols, ref: func(i int) rv {
			v := x.ref(i)
			if v.null {
				return v
			}
			return rv{b: re.MatchString(v.s)}
		}}
	case 2, 3:
		// many numeric literals (a hash set), now and then a null or an
		// expression among them
		x := g.num(depth - 1)
		var cands []gexpr
		for range 1 + r.IntN(12) {
			switch r.IntN(8) {
			case 0:
				cands = append(cands, nullG(Invalid))
			case 1:
				cands = append(cands, g.num(depth-1))
			case 2, 3:
				v := randFloat(r)
				cands = append(cands, constant(Lit(v), Float64, rv{f: v}))
			default:
				v := randInt(r)
				if r.IntN(2) == 0 {
					v = int64(r.IntN(7) - 3)
				}
				cands = append(cands, constant(Lit(v), Int64, rv{i: v}))
			}
		}
		return inG(x, cands, func(a rv, c gexpr, i int) bool {
			b := c.ref(i)
			if x.t == Int64 && c.t == Int64 {
				return a.i == b.i
			}
			return asF(a, x.t) == asF(b, c.t)
		})
	case 4:
		// a Date or Datetime column against date and time strings
		x := g.col("d")
		if r.IntN(2) == 0 {
			x = g.col("t")
		}
		var cands []gexpr
		for range 1 + r.IntN(6) {
			days := int64(19750 + r.IntN(7) - 3)
			switch r.IntN(3) {
			case 0:
				cands = append(cands, constant(Lit(dateLit(days)), String, rv{i: days, b: true}))
			case 1:
				nanos := days*86400e9 + int64(r.IntN(3)-1)*3600e9
				cands = append(cands, constant(Lit(time.Unix(0, nanos).UTC().Format(time.RFC3339)), String, rv{i: nanos}))
			default:
				nanos := dtPool[r.IntN(len(dtPool))]
				cands = append(cands, constant(Lit(time.Unix(0, nanos).UTC().Format(time.RFC3339Nano)), String, rv{i: nanos}))
			}
		}
		return inG(x, cands, func(a rv, c gexpr, i int) bool {
			b := c.ref(i) // b.b: a date-only literal, b.i its days; else b.i nanoseconds
			switch {
			case x.t == Date && b.b:
				return a.i == b.i
			case x.t == Date:
				return a.i*86400e9 == b.i
			case b.b:
				return a.i == b.i*86400e9
			}
			return a.i == b.i
		})
	case 5:
		// strings: literals and expressions
		x := g.str(depth - 1)
		var cands []gexpr
		for range 1 + r.IntN(6) {
			if r.IntN(4) == 0 {
				cands = append(cands, g.str(depth-1))
			} else {
				v := strPool[r.IntN(len(strPool))]
				cands = append(cands, constant(Lit(v), String, rv{s: v}))
			}
		}
		return inG(x, cands, func(a rv, c gexpr, i int) bool { return a.s == c.ref(i).s })
	case 6:
		x := g.col("b")
		var cands []gexpr
		for range 1 + r.IntN(3) {
			v := r.IntN(2) == 0
			cands = append(cands, constant(Lit(v), Bool, rv{b: v}))
		}
		return inG(x, cands, func(a rv, c gexpr, i int) bool { return a.b == c.ref(i).b })
	case 7:
		return ifG(g.boolean(depth-1), g.boolean(depth-1), g.boolean(depth-1), Bool)
	}
	return coalesceG(Bool, g.boolean(depth-1), g.boolean(depth-1))
}

// analyst prints the tree of e as an analyst would write it, choosing
// spellings at random: the parse of the result must equal the parse of
// e.String().
func analyst(r *rand.Rand, n *node) string {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	fname := func(s string) string {
		if r.IntN(3) == 0 {
			return strings.ToUpper(s)
		}
		return s
	}
	quote := func(s string) string {
		if r.IntN(3) == 0 {
			return strconv.Quote(s)
		}
		s = strings.ReplaceAll(s, `\`, `\\`)
		if r.IntN(2) == 0 {
			return "'" + strings.ReplaceAll(s, "'", `''`) + "'"
		}
		return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
	}
	args := func(ns []*node) string {
		out := make([]string, len(ns))
		for k, a := range ns {
			out[k] = analyst(r, a)
		}
		return strings.Join(out, ", ")
	}
	switch n.kind {
	case kCol:
		if isIdent(n.str) && r.IntN(4) != 0 {
			return n.str
		}
		return "col(" + quote(n.str) + ")"
	case kLit:
		switch {
		case n.v.isNull:
			return pick("null", "NULL", "nil", "Null")
		case n.v.typ == String && !n.v.null:
			return quote(n.v.s)
		case n.v.typ == Bool:
			return pick(strconv.FormatBool(n.v.b), strings.ToUpper(strconv.FormatBool(n.v.b)))
		}
		return n.v.literal()
	case kBin:
		o := opText[n.op]
		switch n.op {
		case opEq:
			o = pick("=", "==")
		case opNe:
			o = pick("<>", "!=")
		}
		return "(" + analyst(r, n.args[0]) + " " + o + " " + analyst(r, n.args[1]) + ")"
	case kLogic:
		sep := pick(" && ", " and ", " AND ")
		if n.op == opOr {
			sep = pick(" || ", " or ", " OR ")
		}
		out := make([]string, len(n.args))
		for k, a := range n.args {
			out[k] = analyst(r, a)
		}
		return "(" + strings.Join(out, sep) + ")"
	case kUn:
		x := analyst(r, n.args[0])
		switch n.op {
		case opNot:
			return pick("(NOT ("+x+"))", "(not ("+x+"))", "!("+x+")")
		case opNeg:
			return "-(" + x + ")"
		case opIsNull:
			return pick("("+x+" IS NULL)", "("+x+" is nil)", "is_null("+x+")", "ISNULL("+x+")")
		}
		return pick("("+x+" IS NOT NULL)", "not_null("+x+")")
	case kStr:
		name := opText[n.op]
		if n.op == opHasPrefix {
			name = pick(name, "startswith", "starts_with")
		}
		return fname(name) + "(" + analyst(r, n.args[0]) + ", " + quote(n.str) + ")"
	case kCall:
		switch n.fn {
		case fnBetween:
			if r.IntN(2) == 0 {
				return "(" + analyst(r, n.args[0]) + " " + pick("BETWEEN", "between") + " " + analyst(r, n.args[1]) +
					" " + pick("AND", "and") + " " + analyst(r, n.args[2]) + ")"
			}
		case fnMatches:
			return fname("matches") + "(" + analyst(r, n.args[0]) + ", " + quote(n.str) + ")"
		case fnRound:
			if n.digits != 0 || r.IntN(2) == 0 {
				return fname("round") + "(" + analyst(r, n.args[0]) + ", " + strconv.Itoa(n.digits) + ")"
			}
		}
		return fname(fnNames[n.fn]) + "(" + args(n.args) + ")"
	case kIn:
		if r.IntN(2) == 0 {
			return "(" + analyst(r, n.args[0]) + " " + pick("IN", "in") + " (" + args(n.args[1:]) + "))"
		}
		return fname("in") + "(" + args(n.args) + ")"
	}
	return n.String()
}

// String prints one node, for analyst's fallback.
func (n *node) String() string { return Expr{n: n}.String() }
