package frame

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseExpr parses an expression of the language described in the package
// documentation (section "Expressions"): Go syntax, plus what analysts write
// in SQL and spreadsheets:
//
//	score > 80 && area_title == "Texas"
//	score > 80 and area_title = 'Texas'
//	OCC_GROUP = 'major' AND NOT is_null(a_mean)
//	state in ('TX', 'OK') or lower(trim(city)) = 'austin'
//	round(a_mean / 1000, 1) between 40 and 60
//
// Errors are [*ExprError] values wrapping [ErrSyntax]; they point at the
// offending place with a caret and, where one helps, a hint. Unknown columns
// and type errors are found later, by [Expr.Type] or evaluation.
func ParseExpr(s string) (Expr, error) {
	p := &parser{src: s, toks: lex(s)}
	if t := p.peek(); t.kind == tEOF {
		return Expr{}, p.errAt(t.pos, t.end, "empty expression", "write a condition, like a_mean > 100000")
	}
	n, err := p.expr(1)
	if err != nil {
		return Expr{}, err
	}
	if t := p.peek(); t.kind != tEOF {
		return Expr{}, p.afterOperand(t)
	}
	return Expr{n: n, src: s}, nil
}

// MustParseExpr is ParseExpr that panics on error, for literals in code.
func MustParseExpr(s string) Expr {
	e, err := ParseExpr(s)
	if err != nil {
		panic(err)
	}
	return e
}

// --- lexer ---

type tokKind uint8

const (
	tEOF    tokKind = iota
	tErr            // a lexical error: err
	tIdent          // a name or keyword
	tInt            // an integer literal (text)
	tFloat          // a floating-point literal (text)
	tString         // a string literal (str, decoded)
	tOp             // an operator or punctuation (text)
)

type tok struct {
	kind     tokKind
	pos, end int
	text     string
	str      string
	err      *ExprError
}

// lex splits s into tokens, ending with tEOF or, at the first lexical error,
// tErr (which the parser reports when it gets there, so the leftmost error
// wins whichever kind it is).
func lex(s string) []tok {
	var toks []tok
	i := 0
	for {
		for i < len(s) {
			r, w := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += w
		}
		if i >= len(s) {
			return append(toks, tok{kind: tEOF, pos: len(s), end: len(s)})
		}
		t := lexOne(s, i)
		toks = append(toks, t)
		if t.kind == tErr {
			return toks
		}
		i = t.end
	}
}

// ops are the operator tokens, longest first.
var ops = []string{"==", "!=", "<>", "<=", ">=", "&&", "||", "<<", ">>", "&^", ":=", "++", "--", "+=", "-=", "*=", "/=",
	"=", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", ",", "&", "|", "^", ".", "[", "]", "{", "}", ";", ":", "?"}

func lexErr(s string, pos, end int, msg, hint string) tok {
	return tok{kind: tErr, pos: pos, end: end, err: &ExprError{Expr: s, Pos: pos, End: end, Msg: msg, Hint: hint, Err: ErrSyntax}}
}

func isLetter(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func lexOne(s string, i int) tok {
	r, w := utf8.DecodeRuneInString(s[i:])
	switch {
	case isLetter(r):
		j := i + w
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if !isLetter(r) && !unicode.IsDigit(r) {
				break
			}
			j += w
		}
		return tok{kind: tIdent, pos: i, end: j, text: s[i:j]}
	case r >= '0' && r <= '9' || r == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
		return lexNumber(s, i)
	case r == '"' || r == '\'' || r == '`':
		return lexString(s, i)
	case r == utf8.RuneError && w == 1:
		return lexErr(s, i, i+1, fmt.Sprintf("invalid UTF-8 byte 0x%02x", s[i]), "")
	}
	for _, op := range ops {
		if strings.HasPrefix(s[i:], op) {
			return tok{kind: tOp, pos: i, end: i + len(op), text: op}
		}
	}
	msg := fmt.Sprintf("unexpected character %q", r)
	hint := ""
	switch r {
	case '#':
		hint = "comments are not supported"
	case '$', '@':
		hint = `a column name with unusual characters is written col("name")`
	case '‘', '’', '“', '”':
		hint = "use plain quotes: 'text' or \"text\""
	}
	return lexErr(s, i, i+w, msg, hint)
}

func lexNumber(s string, i int) tok {
	j := i
	isFloat, hex := false, false
	digit := func(c byte) bool { return c >= '0' && c <= '9' || c == '_' }
	if s[j] == '0' && j+1 < len(s) && strings.IndexByte("xXbBoO", s[j+1]) >= 0 {
		hex = s[j+1]|0x20 == 'x'
		j += 2
		for j < len(s) && (digit(s[j]) || hex && strings.IndexByte("abcdefABCDEF", s[j]) >= 0) {
			j++
		}
	} else {
		for j < len(s) && digit(s[j]) {
			j++
		}
	}
	if j < len(s) && s[j] == '.' && (hex || s[i] != '0' || i+1 >= len(s) || strings.IndexByte("bBoO", s[i+1]) < 0) {
		isFloat = true
		j++
		for j < len(s) && (digit(s[j]) || hex && strings.IndexByte("abcdefABCDEF", s[j]) >= 0) {
			j++
		}
	}
	if j < len(s) && (!hex && s[j]|0x20 == 'e' || hex && s[j]|0x20 == 'p') {
		isFloat = true
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		for j < len(s) && digit(s[j]) {
			j++
		}
	}
	// a number runs into letters: 1i, 12abc
	k := j
	for k < len(s) {
		r, w := utf8.DecodeRuneInString(s[k:])
		if !isLetter(r) && !unicode.IsDigit(r) {
			break
		}
		k += w
	}
	if k > j {
		if s[j:k] == "i" {
			return lexErr(s, i, k, "unsupported number "+shorten(s[i:k], 40)+" (imaginary)", "")
		}
		return lexErr(s, i, k, "bad number "+shorten(s[i:k], 40),
			"a name cannot start with a digit: write col(\""+shorten(s[i:k], 40)+"\") for such a column")
	}
	if isFloat {
		return tok{kind: tFloat, pos: i, end: j, text: s[i:j]}
	}
	return tok{kind: tInt, pos: i, end: j, text: s[i:j]}
}

func lexString(s string, i int) tok {
	q := s[i]
	var sb strings.Builder
	j := i + 1
	for {
		if j >= len(s) {
			hint := "a string ends with the quote it starts with"
			if q == '\'' {
				hint += "; write '' (or \\') for a ' inside it"
			}
			return lexErr(s, i, len(s), "unterminated string", hint)
		}
		c := s[j]
		switch {
		case c == q:
			if q == '\'' && j+1 < len(s) && s[j+1] == '\'' {
				sb.WriteByte('\'')
				j += 2
				continue
			}
			return tok{kind: tString, pos: i, end: j + 1, text: s[i : j+1], str: sb.String()}
		case c == '\r' && q == '`':
			j++ // dropped from raw strings, as in Go
		case c == '\\' && q == '\'':
			// SQL-like: a backslash is itself, except in \' and \\, so
			// '\d+' and 'C:\temp' need no doubling
			if j+1 < len(s) && (s[j+1] == '\'' || s[j+1] == '\\') {
				sb.WriteByte(s[j+1])
				j += 2
				continue
			}
			sb.WriteByte(c)
			j++
		case c == '\\' && q == '"':
			if j+1 < len(s) && (s[j+1] == '\'' || s[j+1] == '"') {
				sb.WriteByte(s[j+1])
				j += 2
				continue
			}
			v, mb, tail, err := strconv.UnquoteChar(s[j:], '"')
			if err != nil {
				end := min(j+2, len(s))
				return lexErr(s, j, end, "invalid escape "+escText(s[j:end])+" in a \"string\"",
					`in "double quotes" a backslash starts an escape (\n, \t, \\, \"); write \\ for a backslash, or use 'single quotes', where a backslash is itself`)
			}
			if v < utf8.RuneSelf || !mb {
				sb.WriteByte(byte(v))
			} else {
				sb.WriteRune(v)
			}
			j = len(s) - len(tail)
		default:
			sb.WriteByte(c)
			j++
		}
	}
}

// --- parser ---

// parser is a precedence-climbing (Pratt) parser over the tokens of src.
type parser struct {
	src   string
	toks  []tok
	i     int
	depth int // recursion depth, bounded by 2*maxDepth+10
}

func (p *parser) peek() tok { return p.toks[p.i] }

func (p *parser) peek2() tok {
	if p.i+1 < len(p.toks) {
		return p.toks[p.i+1]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() tok {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) errAt(pos, end int, msg, hint string) *ExprError {
	return &ExprError{Expr: p.src, Pos: pos, End: end, Msg: msg, Hint: hint, Err: ErrSyntax}
}

// desc names a token in a message.
func desc(t tok) string {
	switch t.kind {
	case tEOF:
		return "the end of the expression"
	case tOp:
		return "'" + t.text + "'"
	}
	return shorten(t.text, 40)
}

// word is an identifier token in lower case, "" for other tokens.
func word(t tok) string {
	if t.kind != tIdent {
		return ""
	}
	return strings.ToLower(t.text)
}

// Binding powers of the infix operators; the postfix forms (in, is,
// between) bind as comparisons.
const (
	bpOr = iota + 1
	bpAnd
	bpCmp
	bpAdd
	bpMul
)

// infix returns the operator a token stands for between two operands.
func infix(t tok) (bp int, o op, ok bool) {
	switch word(t) {
	case "or":
		return bpOr, opOr, true
	case "and":
		return bpAnd, opAnd, true
	}
	if t.kind != tOp {
		return 0, 0, false
	}
	switch t.text {
	case "||":
		return bpOr, opOr, true
	case "&&":
		return bpAnd, opAnd, true
	case "==", "=":
		return bpCmp, opEq, true
	case "!=", "<>":
		return bpCmp, opNe, true
	case "<":
		return bpCmp, opLt, true
	case "<=":
		return bpCmp, opLe, true
	case ">":
		return bpCmp, opGt, true
	case ">=":
		return bpCmp, opGe, true
	case "+":
		return bpAdd, opAdd, true
	case "-":
		return bpAdd, opSub, true
	case "*":
		return bpMul, opMul, true
	case "/":
		return bpMul, opDiv, true
	case "%":
		return bpMul, opMod, true
	}
	return 0, 0, false
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > 2*maxDepth+10 {
		t := p.peek()
		return p.errAt(t.pos, t.end, "the expression nests too deeply", fmt.Sprintf("at most %d levels of parentheses, operators and calls; split it into simpler steps", maxDepth))
	}
	return nil
}

func (p *parser) tooDeep(n *node) error {
	if n.depth <= maxDepth {
		return nil
	}
	return p.errAt(n.opPos, n.opEnd, "the expression nests too deeply", fmt.Sprintf("at most %d levels of operators and calls; for a long list of alternatives use in(x, a, b, …)", maxDepth))
}

// spellOf is how an operator token was written, when that differs from the
// canonical (Go) spelling.
func spellOf(t tok, o op) string {
	if t.text == opText[o] {
		return ""
	}
	return t.text
}

// expr parses operands joined by operators that bind at least as tightly as
// minBP.
func (p *parser) expr(minBP int) (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	var chain *node // the n-ary and/or this loop is extending
	for {
		t := p.peek()
		if minBP <= bpCmp {
			w := word(t)
			if w == "not" && (word(p.peek2()) == "in" || word(p.peek2()) == "between") {
				notTok := p.next()
				x, err := p.postfix(left, p.peek())
				if err != nil {
					return nil, err
				}
				left = newNode(kUn, opNot, x)
				left.spell, left.pos, left.end, left.opPos, left.opEnd = "not", x.pos, x.end, notTok.pos, notTok.end
				chain = nil
				continue
			}
			switch w {
			case "in", "is", "between":
				if left, err = p.postfix(left, t); err != nil {
					return nil, err
				}
				chain = nil
				continue
			case "not":
				return nil, p.errAt(t.pos, t.end, "expected in or between after not, found "+desc(p.peek2()),
					"not goes before a condition: not (a = 1), or a not in (1, 2)")
			}
		}
		bp, o, ok := infix(t)
		if !ok {
			if err := p.badOperator(t); err != nil {
				return nil, err
			}
			break
		}
		if bp < minBP {
			break
		}
		p.next()
		right, err := p.expr(bp + 1)
		if err != nil {
			return nil, err
		}
		if (o == opAnd || o == opOr) && chain != nil && chain == left && chain.op == o {
			chain.args = append(chain.args, right)
			chain.depth = max(chain.depth, right.depth+1)
			chain.end = right.end
		} else {
			kind := kBin
			if o == opAnd || o == opOr {
				kind = kLogic
			}
			left = newNode(kind, o, left, right)
			left.spell, left.pos, left.end, left.opPos, left.opEnd = spellOf(t, o), left.args[0].pos, right.end, t.pos, t.end
			chain = nil
			if o == opAnd || o == opOr {
				chain = left
			}
		}
		if err := p.tooDeep(left); err != nil {
			return nil, err
		}
	}
	return left, nil
}

// badOperator reports a token that cannot follow an operand and that a user
// likely meant as an operator; nil for tokens that simply end an operand.
func (p *parser) badOperator(t tok) error {
	if t.kind != tOp {
		return nil
	}
	hint := ""
	switch t.text {
	case "&":
		hint = "for and write && or and"
	case "|":
		hint = "for or write || or or"
	case "^":
		hint = "there is no power operator; multiply: x * x"
	case "<<", ">>", "&^":
	case ":=", "+=", "-=", "*=", "/=":
		return p.errAt(t.pos, t.end, "'"+t.text+"' is not an operator here",
			"an expression computes a value: '=' means equality here (a = 1); to add a column, derive it")
	case "++", "--":
		return p.errAt(t.pos, t.end, "'"+t.text+"' is not an operator",
			"put a space between the signs: a - -1; -- does not start a comment")
	default:
		return nil
	}
	return p.errAt(t.pos, t.end, "unsupported operator "+t.text, hint)
}

// afterOperand reports a token found where an operator (or the end) was
// expected.
func (p *parser) afterOperand(t tok) error {
	if t.kind == tErr {
		return t.err
	}
	if err := p.badOperator(t); err != nil {
		return err
	}
	prev := p.toks[max(p.i-1, 0)]
	switch {
	case t.kind == tOp && t.text == ")":
		return p.errAt(t.pos, t.end, "unmatched ')'", "")
	case t.kind == tOp && t.text == ",":
		return p.errAt(t.pos, t.end, "',' outside a function call", "")
	case t.kind == tOp && t.text == ".":
		hint := ""
		if nt := p.peek2(); prev.kind == tIdent && nt.kind == tIdent {
			hint = `a column name with a dot is written col("name.with.dot")`
			if name := prev.text + "." + nt.text; len(name) <= 80 {
				hint = `a column name with a dot is written col("` + name + `")`
			}
		}
		return p.errAt(t.pos, t.end, "unexpected '.'", hint)
	case t.kind == tOp && (t.text == "[" || t.text == "{"):
		return p.errAt(t.pos, t.end, "unexpected '"+t.text+"'", "indexing and composite literals are not supported")
	case word(t) == "like" || word(t) == "ilike":
		return p.errAt(t.pos, t.end, t.text+" is not supported",
			"use matches(x, '^Tex') for patterns, or contains(x, 'ex'), has_prefix(x, 'Tex'), has_suffix(x, 'as')")
	}
	hint := ""
	if prev.kind == tIdent && t.kind == tIdent && prev.end < t.pos {
		hint = `a column name with spaces is written col("` + shorten(p.src[prev.pos:t.end], 60) + `")`
	}
	return p.errAt(t.pos, t.end, "expected an operator (like =, <, +, and, or), found "+desc(t), hint)
}

// postfix parses the SQL forms that follow an operand: x in (a, b),
// x is [not] null, x between lo and hi. t is the keyword.
func (p *parser) postfix(x *node, t tok) (*node, error) {
	p.next()
	switch word(t) {
	case "in":
		open := p.next()
		if open.kind != tOp || open.text != "(" {
			return nil, p.errAt(open.pos, open.end, "expected '(' after in, found "+desc(open), "write x in ('a', 'b')")
		}
		args, closeTok, err := p.list("in")
		if err != nil {
			return nil, err
		}
		if len(args) == 0 {
			return nil, p.errAt(closeTok.pos, closeTok.end, "in needs at least one value", "write x in ('a', 'b')")
		}
		n := newIn(append([]*node{x}, args...))
		n.pos, n.end, n.opPos, n.opEnd = x.pos, closeTok.end, t.pos, t.end
		return n, p.tooDeep(n)
	case "is":
		neg := false
		nt := p.next()
		if word(nt) == "not" {
			neg = true
			nt = p.next()
		}
		if w := word(nt); w != "null" && w != "nil" {
			return nil, p.errAt(nt.pos, nt.end, "expected null after is, found "+desc(nt), "write x is null or x is not null")
		}
		o := opIsNull
		if neg {
			o = opNotNull
		}
		n := newNode(kUn, o, x)
		n.pos, n.end, n.opPos, n.opEnd = x.pos, nt.end, t.pos, nt.end
		return n, p.tooDeep(n)
	}
	// between
	lo, err := p.expr(bpAdd)
	if err != nil {
		return nil, err
	}
	if at := p.next(); word(at) != "and" && !(at.kind == tOp && at.text == "&&") {
		return nil, p.errAt(at.pos, at.end, "expected and after between's low bound, found "+desc(at), "write x between 1 and 10")
	}
	hi, err := p.expr(bpAdd)
	if err != nil {
		return nil, err
	}
	n := newNode(kCall, 0, x, lo, hi)
	n.fn, n.pos, n.end, n.opPos, n.opEnd = fnBetween, x.pos, hi.end, t.pos, t.end
	return n, p.tooDeep(n)
}

// list parses expressions separated by commas up to ')' (a trailing comma
// allowed, as in Go), after the '('.
func (p *parser) list(what string) ([]*node, tok, error) {
	var args []*node
	for {
		if t := p.peek(); t.kind == tOp && t.text == ")" {
			return args, p.next(), nil
		}
		a, err := p.expr(1)
		if err != nil {
			return nil, tok{}, err
		}
		args = append(args, a)
		switch t := p.peek(); {
		case t.kind == tOp && t.text == ",":
			p.next()
		case t.kind == tOp && t.text == ")":
		case t.kind == tErr:
			return nil, tok{}, t.err
		default:
			if err := p.badOperator(t); err != nil {
				return nil, tok{}, err
			}
			return nil, tok{}, p.errAt(t.pos, t.end, "expected ',' or ')' in "+what+"(…), found "+desc(t), "")
		}
	}
}

func (p *parser) unary() (*node, error) {
	t := p.peek()
	isOp := func(s string) bool { return t.kind == tOp && t.text == s }
	switch {
	case isOp("!") || isOp("-") || isOp("+"):
		p.next()
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		if nt := p.peek(); isOp("-") && nt.kind == tInt {
			// the sign with the digits, so -9223372036854775808 fits
			p.next()
			n, err := p.intLit(nt, "-")
			if n != nil {
				n.pos = t.pos
			}
			return n, err
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		switch {
		case isOp("+"):
			return x, nil
		case isOp("-") && x.kind == kLit && !x.v.null && x.v.typ == Int64:
			return &node{kind: kLit, v: value{typ: Int64, i: -x.v.i}, depth: 1, pos: t.pos, end: x.end}, nil
		case isOp("-") && x.kind == kLit && !x.v.null && x.v.typ == Float64:
			return &node{kind: kLit, v: value{typ: Float64, f: -x.v.f}, depth: 1, pos: t.pos, end: x.end}, nil
		}
		o := opNeg
		if isOp("!") {
			o = opNot
		}
		n := newNode(kUn, o, x)
		n.pos, n.end, n.opPos, n.opEnd = t.pos, x.end, t.pos, t.end
		return n, p.tooDeep(n)
	case word(t) == "not":
		p.next()
		x, err := p.expr(bpCmp)
		if err != nil {
			return nil, err
		}
		n := newNode(kUn, opNot, x)
		n.spell, n.pos, n.end, n.opPos, n.opEnd = t.text, t.pos, x.end, t.pos, t.end
		return n, p.tooDeep(n)
	}
	return p.primary()
}

func (p *parser) intLit(t tok, sign string) (*node, error) {
	text := sign + t.text
	if digits := strings.ReplaceAll(t.text, "_", ""); len(digits) > 1 && digits[0] == '0' && strings.Trim(digits, "0123456789") == "" {
		return nil, p.errAt(t.pos, t.end, "number "+shorten(text, 40)+" has a leading zero",
			"write "+shorten(cmp.Or(strings.TrimLeft(digits, "0"), "0"), 40)+", or '"+shorten(t.text, 40)+"' in quotes if the column holds codes as text (0o17 is octal)")
	}
	v, err := strconv.ParseInt(text, 0, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return nil, p.errAt(t.pos, t.end, "integer "+shorten(text, 40)+" does not fit in int64",
				"write "+shorten(text, 40)+".0 for an approximate float64")
		}
		return nil, p.errAt(t.pos, t.end, "bad number "+shorten(text, 40), "")
	}
	return &node{kind: kLit, v: value{typ: Int64, i: v}, depth: 1, pos: t.pos, end: t.end}, nil
}

func (p *parser) primary() (*node, error) {
	ti := p.i
	t := p.next()
	switch t.kind {
	case tErr:
		return nil, t.err
	case tInt:
		return p.intLit(t, "")
	case tFloat:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			msg := "bad number " + shorten(t.text, 40)
			if errors.Is(err, strconv.ErrRange) {
				msg = "number " + shorten(t.text, 40) + " is out of the range of float64"
			}
			return nil, p.errAt(t.pos, t.end, msg, "")
		}
		return &node{kind: kLit, v: value{typ: Float64, f: v}, depth: 1, pos: t.pos, end: t.end}, nil
	case tString:
		return &node{kind: kLit, v: value{typ: String, s: t.str}, depth: 1, pos: t.pos, end: t.end}, nil
	case tIdent:
		lit := func(v value) (*node, error) {
			return &node{kind: kLit, v: v, depth: 1, pos: t.pos, end: t.end}, nil
		}
		switch word(t) {
		case "true":
			return lit(value{typ: Bool, b: true})
		case "false":
			return lit(value{typ: Bool})
		case "null", "nil":
			return lit(untypedNull)
		case "and", "or":
			return nil, p.errAt(t.pos, t.end, "expected a value, found "+t.text,
				`a column with this name is written col("`+t.text+`")`)
		}
		if nt := p.peek(); nt.kind == tOp && nt.text == "(" {
			return p.call(t)
		}
		return &node{kind: kCol, str: t.text, depth: 1, pos: t.pos, end: t.end}, nil
	case tOp:
		if t.text == "(" {
			x, err := p.expr(1)
			if err != nil {
				return nil, err
			}
			if ct := p.peek(); ct.kind != tOp || ct.text != ")" {
				if ct.kind != tEOF {
					return nil, p.afterOperand(ct)
				}
				return nil, p.errAt(ct.pos, ct.end, "expected ')' to close the '(' at character "+strconv.Itoa(utf8.RuneCountInString(p.src[:t.pos])+1)+", found "+desc(ct), "")
			}
			p.next()
			return x, nil
		}
	}
	if t.kind == tOp && t.text != "=" && t.text != "==" {
		if err := p.badOperator(t); err != nil {
			return nil, err
		}
	}
	msg := "expected a value (a column, number, 'text' or '('), found " + desc(t)
	if ti > 0 && t.kind == tEOF {
		msg = "expected a value after " + desc(p.toks[ti-1]) + ", found the end of the expression"
	}
	hint := ""
	switch {
	case t.kind == tOp && (t.text == "=" || t.text == "=="):
		hint = "'=' means equality here; write it between two values, like state = 'TX'"
	}
	return nil, p.errAt(t.pos, t.end, msg, hint)
}

// fnAliases maps other spellings of functions to their names.
var fnAliases = map[string]string{"isnull": "is_null", "notnull": "not_null", "hasprefix": "has_prefix",
	"startswith": "has_prefix", "starts_with": "has_prefix", "hassuffix": "has_suffix", "endswith": "has_suffix",
	"ends_with": "has_suffix", "length": "len"}

// fnArity is the number of arguments of each function: min and max (-1:
// any number).
var fnArity = map[string][2]int{"col": {1, 1}, "is_null": {1, 1}, "not_null": {1, 1}, "contains": {2, 2},
	"has_prefix": {2, 2}, "has_suffix": {2, 2}, "in": {2, -1}, "lower": {1, 1}, "upper": {1, 1}, "trim": {1, 1},
	"len": {1, 1}, "abs": {1, 1}, "round": {1, 2}, "floor": {1, 1}, "ceil": {1, 1}, "year": {1, 1}, "month": {1, 1},
	"day": {1, 1}, "if": {3, 3}, "coalesce": {1, -1}, "between": {3, 3}, "matches": {2, 2}}

// FunctionNames returns the names of the expression language's functions,
// sorted (for help texts and completion).
func FunctionNames() []string {
	out := make([]string, 0, len(fnArity))
	for k := range fnArity {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (p *parser) call(name tok) (*node, error) {
	p.next() // (
	args, closeTok, err := p.list(name.text)
	if err != nil {
		return nil, err
	}
	fn := strings.ToLower(name.text)
	if a, ok := fnAliases[fn]; ok {
		fn = a
	}
	ar, ok := fnArity[fn]
	if !ok {
		msg := "unknown function " + shorten(name.text, 40)
		if s := suggest(fn, append(FunctionNames(), "isnull", "notnull", "startswith", "endswith")); s != "" {
			msg += " (did you mean " + s + "?)"
		}
		return nil, p.errAt(name.pos, name.end, msg, "the functions are "+strings.Join(FunctionNames(), ", "))
	}
	if len(args) < ar[0] || ar[1] >= 0 && len(args) > ar[1] {
		want := strconv.Itoa(ar[0])
		switch {
		case ar[1] < 0:
			want = "at least " + want
		case ar[1] != ar[0]:
			want += " or " + strconv.Itoa(ar[1])
		}
		plural := "s"
		if want == "1" {
			plural = ""
		}
		return nil, p.errAt(name.pos, closeTok.end, fmt.Sprintf("%s takes %s argument%s, got %d", fn, want, plural, len(args)), fnUsage[fn])
	}
	strArg := func(k int, what string) (string, error) {
		a := args[k]
		if a.kind != kLit || a.v.isNull || a.v.typ != String {
			return "", p.errAt(a.pos, a.end, fmt.Sprintf("%s needs %s in quotes as its argument %d", fn, what, k+1), fnUsage[fn])
		}
		return a.v.s, nil
	}
	spell := ""
	if name.text != fn {
		spell = name.text
	}
	var n *node
	switch fn {
	case "col":
		s, err := strArg(0, "the column name")
		if err != nil {
			return nil, err
		}
		return &node{kind: kCol, str: s, depth: 1, pos: name.pos, end: closeTok.end}, nil
	case "is_null", "not_null":
		o := opIsNull
		if fn == "not_null" {
			o = opNotNull
		}
		n = newNode(kUn, o, args[0])
	case "contains", "has_prefix", "has_suffix":
		s, err := strArg(1, "the text to look for")
		if err != nil {
			return nil, err
		}
		o := map[string]op{"contains": opContains, "has_prefix": opHasPrefix, "has_suffix": opHasSuffix}[fn]
		n = newNode(kStr, o, args[0])
		n.str = s
	case "in":
		n = newIn(args)
	default:
		id := fnID(slices.Index(fnNames[:], fn))
		n = newNode(kCall, 0, args...)
		n.fn = id
		switch id {
		case fnRound:
			if len(args) == 2 {
				d := args[1]
				if d.kind != kLit || d.v.null || d.v.typ != Int64 || d.v.i < -maxRoundDigits || d.v.i > maxRoundDigits {
					return nil, p.errAt(d.pos, d.end, fmt.Sprintf("round's digits must be a whole number from %d to %d", -maxRoundDigits, maxRoundDigits), "round(x, 2) keeps two decimals, round(x, -3) rounds to thousands")
				}
				n.digits = int(d.v.i)
				n.args = args[:1]
				n.setDepth()
			}
		case fnMatches:
			s, err := strArg(1, "the regular expression")
			if err != nil {
				return nil, err
			}
			re, err := regexp.Compile(s)
			if err != nil {
				return nil, p.errAt(args[1].pos, args[1].end, "bad regular expression: "+reErrText(err),
					"the syntax is Go's RE2 (https://golang.org/s/re2syntax); in quotes write \\\\ for a backslash, or use `raw text`")
			}
			n.str, n.re = s, re
			n.args = args[:1]
			n.setDepth()
		}
	}
	n.spell, n.pos, n.end, n.opPos, n.opEnd = spell, name.pos, closeTok.end, name.pos, name.end
	return n, p.tooDeep(n)
}

// fnUsage is an example call of each function, for hints.
var fnUsage = map[string]string{"col": `col("area title")`, "is_null": "is_null(x)", "not_null": "not_null(x)",
	"contains": "contains(x, 'text')", "has_prefix": "has_prefix(x, 'text')", "has_suffix": "has_suffix(x, 'text')",
	"in": "in(x, 'a', 'b'), or x in ('a', 'b')", "lower": "lower(x)", "upper": "upper(x)", "trim": "trim(x)",
	"len": "len(x)", "abs": "abs(x)", "round": "round(x) or round(x, 2)", "floor": "floor(x)", "ceil": "ceil(x)",
	"year": "year(d)", "month": "month(d)", "day": "day(d)", "if": "if(x > 0, 'pos', 'neg')",
	"coalesce": "coalesce(x, y, 0)", "between": "between(x, 1, 10), or x between 1 and 10",
	"matches": "matches(x, '^[0-9]+$')"}

// escText shows a bad escape as written, or quoted when it is not printable.
func escText(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
