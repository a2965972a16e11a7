package frame

import (
	"errors"
	"fmt"
	"go/token"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Expr is a column expression, evaluated a column at a time against a frame:
// a column reference, a literal, or an operation on expressions. Build one
// fluently (Col("score").Gt(80).And(Col("state").Eq("TX"))) or parse text
// with [ParseExpr] (the language is described in the package documentation).
// Expr values are immutable and may be reused and shared between goroutines.
//
// Methods that take an `other any` accept an Expr or a Go value (int, int64,
// float64, string, bool, time.Time, nil), which becomes a literal.
//
// Errors of Eval, Type and the frame methods that take an Expr are
// [*ExprError] values that point into the expression's text: the parsed text
// for an Expr from ParseExpr, its String form for one built in Go.
type Expr struct {
	n   *node
	src string // the text n was parsed from ("" for a built expression)
}

// maxDepth bounds how deeply an expression may nest (parentheses, operators,
// calls), so hostile input gets an error rather than deep recursion.
const maxDepth = 1000

type nodeKind uint8

const (
	kCol   nodeKind = iota + 1 // a column: str
	kLit                       // a literal: v
	kBin                       // args[0] op args[1]: a comparison or arithmetic
	kLogic                     // args[0] op args[1] op …: && or ||, n-ary
	kUn                        // op args[0]: ! - is_null not_null
	kStr                       // contains/has_prefix/has_suffix(args[0], str)
	kCall                      // fn(args…)
	kIn                        // in(args[0], args[1:]…)
	kBad                       // an expression that could not be built: str is why
)

// node is one operation of an expression tree. Nodes are immutable once built
// and may be shared by several trees.
type node struct {
	kind   nodeKind
	op     op
	fn     fnID
	str    string // column name, literal text argument, or kBad's message
	v      value  // kLit
	args   []*node
	digits int            // round's digits
	re     *regexp.Regexp // matches' pattern
	set    *inSet         // kIn: its literal candidates
	spell  string         // the operator as written ("and", "=", "<>"), "" if canonical
	depth  int            // 1 + the deepest argument's depth
	// positions in the parsed text (unused for built expressions): the
	// node's span and its operator's (or function name's) span
	pos, end, opPos, opEnd int
}

func newNode(kind nodeKind, o op, args ...*node) *node {
	n := &node{kind: kind, op: o, args: args}
	n.setDepth()
	return n
}

func (n *node) setDepth() {
	d := 0
	for _, a := range n.args {
		d = max(d, a.depth)
	}
	n.depth = d + 1
}

// value is an evaluation result: a column, or a scalar broadcast to every row.
type value struct {
	col    *Column // nil for a scalar
	typ    Type
	null   bool // scalar is null
	i      int64
	f      float64
	s      string
	b      bool
	isNull bool // scalar is an untyped null literal
}

// untypedNull is the value of the literal null.
var untypedNull = value{isNull: true, null: true}

// Col refers to the column called name.
func Col(name string) Expr { return Expr{n: &node{kind: kCol, str: name, depth: 1}} }

// Lit is a literal: int, int64, float64, string, bool, time.Time or nil. A
// float NaN is a Float64 null.
func Lit(v any) Expr {
	lit := func(v value) Expr { return Expr{n: &node{kind: kLit, v: v, depth: 1}} }
	switch x := v.(type) {
	case Expr:
		return x
	case nil:
		return lit(untypedNull)
	case int:
		return lit(value{typ: Int64, i: int64(x)})
	case int32:
		return lit(value{typ: Int64, i: int64(x)})
	case int64:
		return lit(value{typ: Int64, i: x})
	case float64:
		if x != x {
			return lit(value{typ: Float64, f: x, null: true})
		}
		return lit(value{typ: Float64, f: x})
	case float32:
		return Lit(float64(x))
	case string:
		return lit(value{typ: String, s: x})
	case bool:
		return lit(value{typ: Bool, b: x})
	case time.Time:
		return lit(value{typ: Datetime, i: x.UnixNano()})
	}
	return bad(fmt.Sprintf("unsupported literal of Go type %T (use int64, float64, string, bool, time.Time or nil)", v))
}

func bad(msg string) Expr { return Expr{n: &node{kind: kBad, str: msg, depth: 1}} }

func lit(v any) Expr { return Lit(v) }

// Eval evaluates e against f and returns a column of f's length named by the
// expression's text.
func (e Expr) Eval(f *Frame) (*Column, error) {
	if e.n == nil {
		return nil, fmt.Errorf("frame: empty expression")
	}
	v, err := e.n.eval(&env{f: f, n: f.nrows, src: e.src})
	if err != nil {
		return nil, e.wrap(err)
	}
	return v.materialize(e.String(), f.nrows), nil
}

// String returns the expression in the syntax ParseExpr reads, fully
// parenthesised, such that ParseExpr(e.String()) evaluates as e does and
// prints the same String again. Operators print in their Go spelling (&&,
// ||, !, ==, !=), strings in double quotes, functions in lower case. Column
// names that are not plain identifiers (or are reserved words) print as
// col("…"); there is no infinity or NaN literal, so ±Inf prints as (1.0 / 0.0)
// or (-1.0 / 0.0) and a Float64 null as (0.0 / 0.0); a time.Time literal
// prints as its RFC 3339 string, which compares the same with Date/Datetime
// columns.
func (e Expr) String() string {
	if e.n == nil {
		return "<nil>"
	}
	var p printer
	p.node(e.n)
	return p.sb.String()
}

// Columns returns the distinct column names e refers to, in order of first use.
func (e Expr) Columns() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == kCol && !seen[n.str] {
			seen[n.str] = true
			out = append(out, n.str)
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	if e.n != nil {
		walk(e.n)
	}
	return out
}

// Type reports the type e evaluates to on frames with the given schema
// (column name → type), checking column names, operand types and literals
// without touching data: on success, Eval on such a frame does not fail. Use
// it to validate a plan before reading.
func (e Expr) Type(schema map[string]Type) (Type, error) {
	if e.n == nil {
		return Invalid, fmt.Errorf("frame: empty expression")
	}
	cols := make([]*Column, 0, len(schema))
	// sorted, so errors that list the columns read the same every time
	for _, name := range slices.Sorted(maps.Keys(schema)) {
		t := schema[name]
		b := NewBuilder(t, 0)
		if b == nil {
			return Invalid, fmt.Errorf("frame: column %q has invalid type", name)
		}
		cols = append(cols, b.Build(name))
	}
	f, err := New(cols...)
	if err != nil {
		return Invalid, err
	}
	v, err := e.n.eval(&env{f: f, src: e.src})
	if err != nil {
		return Invalid, e.wrap(err)
	}
	if v.isNull {
		return Bool, nil // an untyped null materialises as a Bool column
	}
	return v.typ, nil
}

// Comparisons. Numbers compare with numbers (Int64 with Float64 as floats),
// strings with strings (bytewise), bools with bools (false < true), and
// Date/Datetime columns with each other and with string literals read as
// dates ("2024-01-31") or RFC 3339 times. A null operand gives null.

// Eq is e == other.
func (e Expr) Eq(other any) Expr { return bin(opEq, e, other) }

// Ne is e != other.
func (e Expr) Ne(other any) Expr { return bin(opNe, e, other) }

// Lt is e < other.
func (e Expr) Lt(other any) Expr { return bin(opLt, e, other) }

// Le is e <= other.
func (e Expr) Le(other any) Expr { return bin(opLe, e, other) }

// Gt is e > other.
func (e Expr) Gt(other any) Expr { return bin(opGt, e, other) }

// Ge is e >= other.
func (e Expr) Ge(other any) Expr { return bin(opGe, e, other) }

// Arithmetic. Int64 op Int64 stays Int64 (wrapping on overflow, as Go does)
// except for Div, which gives Float64 (true division, as in pandas: x / 0 is
// ±Inf, 0 / 0 is NaN, that is null); any Float64 operand gives Float64.
// Integer modulo by zero gives null. Nulls propagate: an operation with a
// null operand gives null.

// Add is e + other.
func (e Expr) Add(other any) Expr { return bin(opAdd, e, other) }

// Sub is e - other.
func (e Expr) Sub(other any) Expr { return bin(opSub, e, other) }

// Mul is e * other.
func (e Expr) Mul(other any) Expr { return bin(opMul, e, other) }

// Div is e / other (always Float64).
func (e Expr) Div(other any) Expr { return bin(opDiv, e, other) }

// Mod is e % other (Int64 operands only).
func (e Expr) Mod(other any) Expr { return bin(opMod, e, other) }

func bin(o op, l Expr, r any) Expr {
	return Expr{n: newNode(kBin, o, nodeOf(l), nodeOf(lit(r)))}
}

// nodeOf returns e's root, or a kBad node for the zero Expr.
func nodeOf(e Expr) *node {
	if e.n == nil {
		return bad("empty expression (the zero Expr)").n
	}
	return e.n
}

// Logic, with SQL's three-valued semantics for nulls: null && false is
// false, null || true is true, otherwise a null operand gives null.

// And is e && other.
func (e Expr) And(other any) Expr {
	return Expr{n: newNode(kLogic, opAnd, nodeOf(e), nodeOf(lit(other)))}
}

// Or is e || other.
func (e Expr) Or(other any) Expr {
	return Expr{n: newNode(kLogic, opOr, nodeOf(e), nodeOf(lit(other)))}
}

// Not is !e.
func (e Expr) Not() Expr { return Expr{n: newNode(kUn, opNot, nodeOf(e))} }

// Neg is -e (-1 * e, so the negation of 0.0 is -0.0).
func (e Expr) Neg() Expr { return Expr{n: newNode(kUn, opNeg, nodeOf(e))} }

// IsNull is true where e is null (never null itself).
func (e Expr) IsNull() Expr { return Expr{n: newNode(kUn, opIsNull, nodeOf(e))} }

// NotNull is true where e is not null.
func (e Expr) NotNull() Expr { return Expr{n: newNode(kUn, opNotNull, nodeOf(e))} }

// Contains is true where the string e contains sub (null where e is null).
func (e Expr) Contains(sub string) Expr { return strTest(opContains, e, sub) }

// HasPrefix is true where the string e starts with prefix.
func (e Expr) HasPrefix(prefix string) Expr { return strTest(opHasPrefix, e, prefix) }

// HasSuffix is true where the string e ends with suffix.
func (e Expr) HasSuffix(suffix string) Expr { return strTest(opHasSuffix, e, suffix) }

func strTest(o op, e Expr, arg string) Expr {
	n := newNode(kStr, o, nodeOf(e))
	n.str = arg
	return Expr{n: n}
}

// In is true where e equals one of the values, false where it equals none,
// and null where e is null or (SQL's rule) where it equals none and a value is
// null. Values compare with e as [Expr.Eq] does. Literal values are looked up
// in a hash set, so a list of many thousands costs one lookup per row; In
// with no values is false.
func (e Expr) In(values ...any) Expr {
	if len(values) == 0 {
		return Lit(false)
	}
	args := make([]*node, 0, len(values)+1)
	args = append(args, nodeOf(e))
	for _, v := range values {
		args = append(args, nodeOf(lit(v)))
	}
	return Expr{n: newIn(args)}
}

// Between is lo <= e && e <= hi (inclusive at both ends, with the null rules
// of && and of the comparisons).
func (e Expr) Between(lo, hi any) Expr { return call(fnBetween, e, lo, hi) }

// Lower is the string e in lower case (Unicode); null stays null.
func (e Expr) Lower() Expr { return call(fnLower, e) }

// Upper is the string e in upper case (Unicode); null stays null.
func (e Expr) Upper() Expr { return call(fnUpper, e) }

// Trim is the string e without leading and trailing white space (Unicode);
// null stays null.
func (e Expr) Trim() Expr { return call(fnTrim, e) }

// Len is the length of the string e in characters (Unicode code points;
// each invalid UTF-8 byte counts as one), an Int64; null stays null.
func (e Expr) Len() Expr { return call(fnLen, e) }

// Abs is the absolute value of the number e, of e's type (abs of the
// smallest Int64 wraps to itself, as in Go); null stays null.
func (e Expr) Abs() Expr { return call(fnAbs, e) }

// Round rounds the number e to digits decimal places (negative digits round
// to tens, hundreds, …), halves away from zero as in SQL and Excel (not to
// even, as numpy does). A Float64 stays Float64 and is computed as
// round(e·10^digits)/10^digits; an Int64 stays Int64 (unchanged unless digits
// is negative; wrapping like Go's integer arithmetic if the result
// overflows). digits must be from -18 to 18. Null stays null.
func (e Expr) Round(digits int) Expr {
	if digits < -maxRoundDigits || digits > maxRoundDigits {
		return bad(fmt.Sprintf("round's digits must be a whole number from %d to %d, not %d", -maxRoundDigits, maxRoundDigits, digits))
	}
	n := call(fnRound, e)
	n.n.digits = digits
	return n
}

// Floor is the largest whole number ≤ e, of e's type; null stays null.
func (e Expr) Floor() Expr { return call(fnFloor, e) }

// Ceil is the smallest whole number ≥ e, of e's type; null stays null.
func (e Expr) Ceil() Expr { return call(fnCeil, e) }

// Year is the year of the Date or Datetime e (in UTC), an Int64; null stays
// null.
func (e Expr) Year() Expr { return call(fnYear, e) }

// Month is the month (1–12) of the Date or Datetime e (in UTC).
func (e Expr) Month() Expr { return call(fnMonth, e) }

// Day is the day of the month (1–31) of the Date or Datetime e (in UTC).
func (e Expr) Day() Expr { return call(fnDay, e) }

// Matches is true where the string e matches the regular expression pattern
// (Go's RE2 syntax, unanchored: use ^…$ to match the whole value), compiled
// once. Null stays null. A bad pattern is reported when the expression is
// evaluated.
func (e Expr) Matches(pattern string) Expr {
	x := call(fnMatches, e)
	x.n.str = pattern
	re, err := regexp.Compile(pattern)
	if err != nil {
		b := bad("bad regular expression " + strconv.Quote(shorten(pattern, 40)) + ": " + reErrText(err))
		b.n.fn = fnMatches
		return b
	}
	x.n.re = re
	return x
}

// If is then where cond is true and otherwise where cond is false or null
// (as SQL's CASE WHEN). then and otherwise must have one type: two numbers
// give Float64 if either is Float64, a Date and a Datetime give Datetime, and
// a null literal takes the other's type.
func If(cond Expr, then, otherwise any) Expr { return call(fnIf, cond, then, otherwise) }

// Coalesce is, row by row, the first of values that is not null (null when
// all are). The values' types combine as for [If].
func Coalesce(values ...any) Expr {
	if len(values) == 0 {
		return bad("coalesce needs at least one value")
	}
	return call(fnCoalesce, values[0], values[1:]...)
}

func call(fn fnID, x any, rest ...any) Expr {
	args := make([]*node, 0, len(rest)+1)
	args = append(args, nodeOf(lit(x)))
	for _, a := range rest {
		args = append(args, nodeOf(lit(a)))
	}
	n := newNode(kCall, 0, args...)
	n.fn = fn
	return Expr{n: n}
}

// Not is !e.
func Not(e Expr) Expr { return e.Not() }

// And is the conjunction of es (true when es is empty).
func And(es ...Expr) Expr {
	switch len(es) {
	case 0:
		return Lit(true)
	case 1:
		return es[0]
	}
	args := make([]*node, len(es))
	for i, e := range es {
		args[i] = nodeOf(e)
	}
	return Expr{n: newNode(kLogic, opAnd, args...)}
}

// Or is the disjunction of es (false when es is empty).
func Or(es ...Expr) Expr {
	switch len(es) {
	case 0:
		return Lit(false)
	case 1:
		return es[0]
	}
	args := make([]*node, len(es))
	for i, e := range es {
		args[i] = nodeOf(e)
	}
	return Expr{n: newNode(kLogic, opOr, args...)}
}

// Filter returns the rows where the Bool expression e is true (null is false).
func (f *Frame) Filter(e Expr) (*Frame, error) {
	mask, err := f.mask(e, true)
	if err != nil {
		return nil, err
	}
	return f.FilterMask(mask)
}

// Where parses expr with [ParseExpr] and filters by it:
// f.Where(`score > 80 and area_title = 'Texas'`).
func (f *Frame) Where(expr string) (*Frame, error) {
	e, err := ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	return f.Filter(e)
}

// Mask evaluates the Bool expression e and returns true where it is true and
// not null.
func (f *Frame) Mask(e Expr) ([]bool, error) { return f.mask(e, false) }

// mask is Mask; with borrow it may return the bools of a column the
// evaluation just made (rather than a copy), for a caller that only reads it.
func (f *Frame) mask(e Expr, borrow bool) ([]bool, error) {
	if e.n == nil {
		return nil, fmt.Errorf("frame: filter: empty expression")
	}
	v, err := e.n.eval(&env{f: f, n: f.nrows, src: e.src})
	if err != nil {
		return nil, e.wrap(err)
	}
	if v.typ != Bool && !v.isNull {
		return nil, e.wrap(&nodeErr{n: e.n, kind: ErrType,
			msg:  fmt.Sprintf("the filter gives %s values, not true/false", typeWord(v.typ)),
			hint: "a filter is a condition, like x > 0 or state = 'TX'"})
	}
	if v.col != nil && borrow && !slices.Contains(f.cols, v.col) {
		// a column made by the evaluation, not one of f's: nobody else
		// holds it, so it can be the mask itself
		zeroNulls(v.col.bools, v.col.valid)
		return v.col.bools, nil
	}
	mask := make([]bool, f.nrows)
	if v.col == nil {
		if !v.null && v.b {
			for i := range mask {
				mask[i] = true
			}
		}
		return mask, nil
	}
	copy(mask, v.col.bools)
	zeroNulls(mask, v.col.valid) // null is false (word by word, no branch per row)
	return mask, nil
}

// Derive returns f with a column called name computed by e (replacing a
// column of that name, if any).
func (f *Frame) Derive(name string, e Expr) (*Frame, error) {
	c, err := e.Eval(f)
	if err != nil {
		return nil, fmt.Errorf("derive %q: %w", name, err)
	}
	return f.WithColumn(c.Rename(name))
}

// --- errors ---

// nodeErr is an evaluation error at a node, turned into an *ExprError by
// Expr.wrap, which knows the text the node's positions refer to.
type nodeErr struct {
	n                 *node
	atOp              bool // point at the operator or function name, not the whole node
	msg, hint, column string
	kind              error
}

func (e *nodeErr) Error() string { return e.msg }
func (e *nodeErr) Unwrap() error { return e.kind }

// wrap turns a nodeErr into an *ExprError located in e's text.
func (e Expr) wrap(err error) error {
	var ne *nodeErr
	if !errors.As(err, &ne) {
		return err
	}
	xe := &ExprError{Msg: ne.msg, Hint: ne.hint, Column: ne.column, Err: ne.kind}
	var sp srcSpan
	if e.src != "" {
		xe.Expr = e.src
		sp = ne.n.span()
	} else {
		p := printer{target: ne.n}
		p.node(e.n)
		xe.Expr, sp = p.sb.String(), p.found
	}
	xe.Pos, xe.End = sp.pos, sp.end
	if ne.atOp && sp.opEnd > sp.opPos {
		xe.Pos, xe.End = sp.opPos, sp.opEnd
	}
	return xe
}

type srcSpan struct{ pos, end, opPos, opEnd int }

func (n *node) span() srcSpan { return srcSpan{n.pos, n.end, n.opPos, n.opEnd} }

// env is what evaluation needs besides the tree: the frame, its row count,
// and the parsed text (for messages that quote it).
type env struct {
	f   *Frame
	n   int
	src string
}

// text returns n's text for a message: as written, when parsed, else its
// String; shortened.
func (env *env) text(n *node) string {
	if env.src != "" && n.end > n.pos && n.end <= len(env.src) {
		return shorten(env.src[n.pos:n.end], 40)
	}
	var p printer
	p.limit = 60
	p.node(n)
	return shorten(p.sb.String(), 40)
}

// describe names an operand for a message: "string column a_mean",
// "number 100000", "text 'x'", "bool value (a > 1)", "null".
func (env *env) describe(n *node, v value) string {
	switch {
	case v.isNull:
		return "null"
	case n.kind == kCol:
		return typeWord(v.typ) + " column " + colDisplay(n.str)
	case n.kind == kLit:
		switch v.typ {
		case Int64, Float64:
			return "number " + env.text(n)
		case String:
			return "text " + env.text(n)
		case Bool:
			return env.text(n)
		}
	}
	return typeWord(v.typ) + " value " + env.text(n)
}

// typeWord is a type's name in messages.
func typeWord(t Type) string {
	if t == Invalid {
		return "null"
	}
	return t.String()
}

// colDisplay is a column name in messages: bare when it is an identifier,
// quoted otherwise.
func colDisplay(name string) string {
	if isIdent(name) {
		return shorten(name, 40)
	}
	return strconv.Quote(shorten(name, 40))
}

// --- printing ---

// printer writes a tree in the syntax ParseExpr reads, optionally finding the
// span of one node (for errors in built expressions) or stopping at a limit.
type printer struct {
	sb     strings.Builder
	target *node
	found  srcSpan
	done   bool
	limit  int // stop after this many bytes, if > 0
}

func (p *printer) w(s string) { p.sb.WriteString(s) }

func (p *printer) node(n *node) {
	if p.limit > 0 && p.sb.Len() > p.limit {
		return
	}
	start := p.sb.Len()
	var opPos, opEnd int
	mark := func() { opPos = p.sb.Len() }
	markEnd := func() { opEnd = p.sb.Len() }
	switch n.kind {
	case kCol:
		if isIdent(n.str) {
			p.w(n.str)
		} else {
			p.w("col(" + strconv.Quote(n.str) + ")")
		}
	case kLit:
		p.w(n.v.literal())
	case kBad:
		p.w("<invalid>")
	case kBin:
		p.w("(")
		p.node(n.args[0])
		p.w(" ")
		mark()
		p.w(opText[n.op])
		markEnd()
		p.w(" ")
		p.node(n.args[1])
		p.w(")")
	case kLogic:
		p.w("(")
		for i, a := range n.args {
			if i > 0 {
				p.w(" ")
				if i == 1 {
					mark()
				}
				p.w(opText[n.op])
				if i == 1 {
					markEnd()
				}
				p.w(" ")
			}
			p.node(a)
			if p.limit > 0 && p.sb.Len() > p.limit {
				break
			}
		}
		p.w(")")
	case kUn:
		mark()
		switch n.op {
		case opIsNull, opNotNull:
			p.w(opText[n.op])
			markEnd()
			p.w("(")
			p.node(n.args[0])
			p.w(")")
		default:
			p.w(opText[n.op])
			markEnd()
			x := n.args[0]
			// "--5" would read as the -- operator, "!-a" fine but keep it
			// symmetric: parenthesise operands that start with a sign
			if (x.kind == kLit && strings.HasPrefix(x.v.literal(), "-")) || (x.kind == kUn && x.op == opNeg) {
				p.w("(")
				p.node(x)
				p.w(")")
			} else {
				p.node(x)
			}
		}
	case kStr:
		mark()
		p.w(opText[n.op])
		markEnd()
		p.w("(")
		p.node(n.args[0])
		p.w(", " + strconv.Quote(n.str) + ")")
	case kCall:
		mark()
		p.w(fnNames[n.fn])
		markEnd()
		p.w("(")
		for i, a := range n.args {
			if i > 0 {
				p.w(", ")
			}
			p.node(a)
		}
		switch {
		case n.fn == fnMatches:
			p.w(", " + strconv.Quote(n.str))
		case n.fn == fnRound && n.digits != 0:
			p.w(", " + strconv.Itoa(n.digits))
		}
		p.w(")")
	case kIn:
		mark()
		p.w("in")
		markEnd()
		p.w("(")
		for i, a := range n.args {
			if i > 0 {
				p.w(", ")
			}
			p.node(a)
			if p.limit > 0 && p.sb.Len() > p.limit {
				break
			}
		}
		p.w(")")
	}
	if n == p.target && !p.done {
		p.done = true
		p.found = srcSpan{start, p.sb.Len(), opPos, opEnd}
	}
}

// literal returns a literal value in the syntax ParseExpr reads.
func (v value) literal() string {
	if v.isNull {
		return "null"
	}
	if v.null && v.typ == Float64 {
		return "(0.0 / 0.0)" // NaN: a Float64 null, where null would be untyped
	}
	if v.null {
		return "null"
	}
	switch v.typ {
	case Int64:
		return strconv.FormatInt(v.i, 10)
	case Float64:
		// there is no infinity literal; 1.0 / 0.0 evaluates to one
		if math.IsInf(v.f, 1) {
			return "(1.0 / 0.0)"
		} else if math.IsInf(v.f, -1) {
			return "(-1.0 / 0.0)"
		}
		s := strconv.FormatFloat(v.f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case String:
		return strconv.Quote(v.s)
	case Bool:
		return strconv.FormatBool(v.b)
	case Datetime:
		return strconv.Quote(time.Unix(0, v.i).UTC().Format(time.RFC3339Nano))
	}
	return "?"
}

// reserved are the words that are not column names when written bare
// (compared ignoring case).
var reserved = map[string]bool{"and": true, "or": true, "not": true, "true": true, "false": true,
	"null": true, "nil": true, "in": true, "is": true, "between": true, "like": true}

// isIdent reports whether a column name can be written bare: an ASCII
// identifier that is neither a reserved word nor a Go keyword.
func isIdent(s string) bool {
	if s == "" || token.IsKeyword(s) || reserved[strings.ToLower(s)] {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

type op uint8

const (
	opEq op = iota + 1
	opNe
	opLt
	opLe
	opGt
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opAnd
	opOr
	opNot
	opNeg
	opIsNull
	opNotNull
	opContains
	opHasPrefix
	opHasSuffix
)

var opText = [...]string{opEq: "==", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">=",
	opAdd: "+", opSub: "-", opMul: "*", opDiv: "/", opMod: "%", opAnd: "&&", opOr: "||",
	opNot: "!", opNeg: "-", opIsNull: "is_null", opNotNull: "not_null",
	opContains: "contains", opHasPrefix: "has_prefix", opHasSuffix: "has_suffix"}

// spelled returns n's operator as the user wrote it.
func (n *node) spelled() string {
	if n.spell != "" {
		return n.spell
	}
	if n.kind == kCall {
		return fnNames[n.fn]
	}
	return opText[n.op]
}
