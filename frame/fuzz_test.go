package frame

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// exprSeeds are the seed corpus of FuzzParseExpr: valid expressions in Go
// and analyst syntax, every function, and near misses that must be errors.
var exprSeeds = []string{
	// Go syntax
	`score > 80 && area_title == "Texas"`,
	`!is_null(a) && (a / 1000) >= 45.5`,
	`has_prefix(s, "11-") || contains(s, "Manager")`,
	`in(a, 1, 2, nil)`, `-(-a) % 3`, `col("a b") != ` + "`x`",
	`a > -9223372036854775808`, `score < 1.0 / 0.0`, `d >= "2024-01-31"`,
	`(((a)))`, `not_null(b) == !b`, `0x1p-2 < score`, `1_000 > a`, `.5 + 5.`,
	// analyst syntax
	`OCC_GROUP = 'major' AND NOT is_null(a)`, `a > 1 and b or not b`, `a <> 2`,
	`s IN ('Texas', 'x''y', 'a\'b')`, `a not in (1, 2,)`, `a is null or s is not null`,
	`a between -1 and 2 + 3`, `a NOT BETWEEN 1 AND 2`, `TRUE = b`, `Null`, "a\u00a0>\u00a01",
	// functions
	`lower(s) = 'tex' or upper(trim(s)) = 'X'`, `len(s) > 2`, `abs(a) + round(score, 2) + floor(score) + ceil(score)`,
	`round(a, -2)`, `year(d) = 2024 and month(d) = 1 and day(d) >= 31`, `if(b, a, score)`, `IF(a > 0, 'pos', 'neg')`,
	`coalesce(a, score, 0)`, `coalesce(null, s)`, `between(score, 0, 100)`, `matches(s, '^[0-9]+-')`,
	`matches(area_title, "(?i)tex")`, `startswith(s, 'M')`, `length('é')`,
	// near misses
	`a +`, `f(`, `"\xff"`, `a = = 1`, `=`, `a & 1`, `a.b`, `x[1]`, `1i`, `07`, `'abc`, `"\q"`, `a like 'x'`,
	`x is 5`, `x between 1 or 2`, `x in ()`, `round(x, 1.5)`, `matches(x, '(')`, `lowr(s)`, `in(a)`, `--a`,
	`x := 1`, `a, b`, `)`, `(`, `and`, "a # b", "\xff", `‘a’`, `9999999999999999999999`, `1e999`,
	strings.Repeat("(", 3000) + "a", strings.Repeat("-", 3000) + "a", strings.Repeat("!", 3000) + "b",
	"000", strings.Repeat("0", 300) + "1", "0\u0027\n\u00270",
}

// FuzzParseExpr checks that ParseExpr never panics; that when it parses,
// String() parses again to an expression with the same String() that
// evaluates identically; and that its errors are *ExprErrors whose position
// lies inside the text and whose message is short.
func FuzzParseExpr(f *testing.F) {
	for _, s := range exprSeeds {
		f.Add(s)
	}
	fr := Must(New(
		MustColumn(NewInt64("a", []int64{1, -2, 0, math.MaxInt64, 5}, []bool{true, true, true, true, false})),
		NewFloat64("score", []float64{85.5, math.NaN(), math.Copysign(0, -1), math.Inf(1), 3}),
		MustColumn(NewString("s", []string{"11-1", "Manager", "", "x", "y"}, []bool{true, true, true, false, true})).DictEncode(),
		MustColumn(NewString("area_title", []string{"Texas", "", "b", "c", "d"}, nil)),
		MustColumn(NewBool("b", []bool{true, false, true, false, true}, []bool{true, true, false, true, true})),
		MustColumn(NewDate("d", []int64{19753, 0, -5, 19754, 1}, nil)),
	))
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExpr(s)
		if err != nil {
			checkExprError(t, s, err)
			return
		}
		p, err := ParseExpr(e.String())
		if err != nil {
			t.Fatalf("%q parses, but its String %s does not: %v", s, e, err)
		}
		if p.String() != e.String() {
			t.Fatalf("%q prints %s, which prints %s", s, e, p)
		}
		a, errA := e.Eval(fr)
		b, errB := p.Eval(fr)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%q: Eval error %v, reparsed %s: %v", s, errA, p, errB)
		}
		if errA != nil {
			checkExprError(t, s, errA)
			return
		}
		if a.Type() != b.Type() || a.NullCount() != b.NullCount() {
			t.Fatalf("%q: %v with %d nulls, reparsed %s: %v with %d", s, a.Type(), a.NullCount(), p, b.Type(), b.NullCount())
		}
		for i := range a.Len() {
			same := FormatValue(a, i) == FormatValue(b, i)
			if a.Type() == Float64 {
				same = math.Float64bits(a.Float64(i)) == math.Float64bits(b.Float64(i)) || a.IsNull(i) && b.IsNull(i)
			}
			if !same {
				t.Fatalf("%q row %d: %q, reparsed %s: %q", s, i, FormatValue(a, i), p, FormatValue(b, i))
			}
		}
	})
}

func checkExprError(t *testing.T, s string, err error) {
	t.Helper()
	var xe *ExprError
	if !errors.As(err, &xe) {
		t.Fatalf("%q: error %T %v is not an *ExprError", s, err, err)
	}
	if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrType) && !errors.Is(err, ErrNoColumn) {
		t.Fatalf("%q: error %v wraps no sentinel", s, err)
	}
	if xe.Pos < 0 || xe.Pos > len(xe.Expr) || xe.End < xe.Pos || xe.End > len(xe.Expr) {
		t.Fatalf("%q: Pos %d End %d outside %d bytes", s, xe.Pos, xe.End, len(xe.Expr))
	}
	if len(xe.Msg) > 400 || len(xe.Hint) > 400 || strings.Contains(xe.Msg, "\n") {
		t.Fatalf("%q: message %q hint %q", s, xe.Msg, xe.Hint)
	}
	line, caret := xe.Excerpt()
	if utf8.RuneCountInString(line) > excerptWidth+2 || strings.ContainsAny(line, "\n\r") ||
		utf8.RuneCountInString(caret) > excerptWidth+2 || strings.Trim(caret, " ^") != "" || !strings.Contains(caret, "^") {
		t.Fatalf("%q: excerpt %q / %q", s, line, caret)
	}
}
