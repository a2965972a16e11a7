package frame

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrSyntax is wrapped by the errors of [ParseExpr] for text that is not an
// expression.
var ErrSyntax = errors.New("expression syntax")

// ExprError is the error of parsing, type-checking or evaluating an
// expression: what is wrong, where, and (often) how to fix it. Its Error
// method gives one line with the message, then the expression (a window of at
// most about 80 characters around the offending place, however long the
// expression is) with a caret under that place, then a hint line:
//
//	unknown column "a_man" (did you mean a_mean?)
//	  a_man > 100000
//	  ^^^^^
//
// Its Unwrap gives the sentinel of the error's kind ([ErrSyntax],
// [ErrNoColumn] or [ErrType]) for errors.Is. Callers that format errors
// themselves (the CLI, the pipeline) read the fields, or [ExprError.Excerpt].
type ExprError struct {
	// Expr is the expression's text: the string given to ParseExpr, or
	// [Expr.String] for an expression built in Go.
	Expr string
	// Pos and End are the byte offsets (0-based, End exclusive) of the
	// offending text in Expr; Pos == len(Expr) points past its end.
	Pos, End int
	// Msg says what is wrong in one line, e.g. `unknown function lowr (did
	// you mean lower?)`. It never echoes more than a few dozen characters of
	// the expression.
	Msg string
	// Hint says how to fix it, or is "".
	Hint string
	// Column is the data column the error is about (a missing column, or
	// one of the wrong type), or "".
	Column string
	// Err is the sentinel: ErrSyntax, ErrNoColumn or ErrType.
	Err error
}

// Error returns the message, the excerpt with its caret line, and the hint,
// on separate lines.
func (e *ExprError) Error() string {
	var sb strings.Builder
	sb.WriteString(e.Msg)
	if e.Expr != "" || e.Pos > 0 {
		line, caret := e.Excerpt()
		sb.WriteString("\n  ")
		sb.WriteString(line)
		sb.WriteString("\n  ")
		sb.WriteString(caret)
	}
	if e.Hint != "" {
		sb.WriteString("\nhint: ")
		sb.WriteString(e.Hint)
	}
	return sb.String()
}

// Unwrap returns the sentinel (ErrSyntax, ErrNoColumn or ErrType).
func (e *ExprError) Unwrap() error { return e.Err }

// excerptWidth is the most characters of the expression an excerpt shows.
const excerptWidth = 80

// Excerpt returns the part of the expression around the error (at most about
// 80 characters, with "…" where it is cut; control characters shown as
// spaces) and a line of the same width with carets under the offending text.
func (e *ExprError) Excerpt() (line, caret string) {
	s := e.Expr
	pos := min(max(e.Pos, 0), len(s))
	end := min(max(e.End, pos), len(s))
	// walk back at most half the width, then forward to fill it
	start := pos
	for back := 0; start > 0 && back < excerptWidth/2; back++ {
		_, w := utf8.DecodeLastRuneInString(s[:start])
		start -= w
	}
	stop := start
	for fwd := 0; stop < len(s) && fwd < excerptWidth; fwd++ {
		_, w := utf8.DecodeRuneInString(s[stop:])
		stop += w
	}
	if stop < pos { // cannot happen: the window always reaches pos
		stop = pos
	}
	var lb strings.Builder
	col := 0
	if start > 0 {
		lb.WriteString("…")
		col = 1
	}
	for i := start; i < stop; {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			r = '?'
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
			r = ' '
		}
		lb.WriteRune(r)
		i += w
	}
	if stop < len(s) {
		lb.WriteString("…")
	}
	col += utf8.RuneCountInString(s[start:pos])
	width := utf8.RuneCountInString(s[pos:min(end, stop)])
	return lb.String(), strings.Repeat(" ", col) + strings.Repeat("^", max(width, 1))
}

// shorten returns s cut to about n characters with "…", for messages that
// quote a piece of the expression (a name, a literal, a sub-expression).
// Control characters are escaped, so the result stays on one line.
func shorten(s string, n int) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' }) >= 0 {
		var sb strings.Builder
		for _, r := range s {
			switch {
			case r == '\n':
				sb.WriteString(`\n`)
			case r == '\t':
				sb.WriteString(`\t`)
			case r == '\r':
				sb.WriteString(`\r`)
			case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
				fmt.Fprintf(&sb, `\u%04x`, r)
			default:
				sb.WriteRune(r)
			}
		}
		s = sb.String()
	}
	if len(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}

// suggest returns the candidate closest to name, if one is close enough to be
// a likely typo: equal ignoring case, or within an edit distance that grows
// with the name's length. It returns "" otherwise.
func suggest(name string, cands []string) string {
	if name == "" || len(name) > 64 {
		return ""
	}
	for _, c := range cands {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	limit := 0 // short names: only a difference of case
	switch {
	case len(name) >= 10:
		limit = 3
	case len(name) >= 6:
		limit = 2
	case len(name) >= 3:
		limit = 1
	}
	if limit == 0 {
		return ""
	}
	best, bestD := "", limit+1
	ln := strings.ToLower(name)
	for _, c := range cands {
		if c == "" || len(c) > 64 || absInt(len(c)-len(name)) > limit {
			continue
		}
		if d := editDistance(ln, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Levenshtein distance between a and b, counting a swap of
// two neighbouring characters as one edit.
func editDistance(a, b string) int {
	ar, br := []rune(a), []rune(b)
	prev2 := make([]int, len(br)+1)
	prev := make([]int, len(br)+1)
	cur := make([]int, len(br)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ar); i++ {
		cur[0] = i
		for j := 1; j <= len(br); j++ {
			cost := 1
			if ar[i-1] == br[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ar[i-1] == br[j-2] && ar[i-2] == br[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(br)]
}
