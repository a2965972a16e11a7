package frame

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestInManyLiterals parses, type-checks and evaluates in() with 60,000
// literals. Planning this took 72 s when in() was a chain of ==/||; with a
// hash set it is linear, so the test finishes in well under a second (no
// time is asserted: a quadratic path would blow the test's deadline).
func TestInManyLiterals(t *testing.T) {
	const k = 60000
	var sb strings.Builder
	sb.WriteString("in(x")
	for i := range k {
		sb.WriteString(", ")
		sb.WriteString(strconv.Itoa(i * 2))
	}
	sb.WriteString(")")
	e, err := ParseExpr(sb.String())
	if err != nil {
		t.Fatal(err)
	}
	if typ, err := e.Type(map[string]Type{"x": Int64}); err != nil || typ != Bool {
		t.Fatalf("Type = %v, %v", typ, err)
	}
	n := 200000
	vals := make([]int64, n)
	for i := range vals {
		vals[i] = int64(i)
	}
	f := Must(New(MustColumn(NewInt64("x", vals, nil))))
	got, err := f.Filter(e)
	if err != nil {
		t.Fatal(err)
	}
	if got.NumRows() != k { // the even numbers below 2k
		t.Fatalf("%d rows, want %d", got.NumRows(), k)
	}
	if s := e.String(); !strings.HasPrefix(s, "in(x, 0, 2, 4,") || len(s) < 6*k {
		t.Fatalf("String %.40s… (%d bytes)", s, len(s))
	}
	// the same through the fluent API, strings, and SQL's form
	cands := make([]any, k)
	for i := range cands {
		cands[i] = fmt.Sprint("v", i)
	}
	s := Must(New(MustColumn(NewString("s", []string{"v1", "w", "v59999"}, nil))))
	m, err := s.Mask(Col("s").In(cands...))
	if err != nil || fmt.Sprint(m) != "[true false true]" {
		t.Fatalf("In: %v %v", m, err)
	}
	sql := "s in ('" + strings.Join(strings.Split(fmt.Sprint(cands...), " "), "', '") + "')"
	if _, err := ParseExpr(sql); err != nil {
		t.Fatal(err)
	}
	// a long or-chain stays flat, so it neither nests too deeply nor recurses
	var or strings.Builder
	for i := range 20000 {
		if i > 0 {
			or.WriteString(" or ")
		}
		fmt.Fprintf(&or, "x = %d", i)
	}
	oe, err := ParseExpr(or.String())
	if err != nil {
		t.Fatal(err)
	}
	if c, err := f.Slice(0, 100).Mask(oe); err != nil || !c[99] {
		t.Fatalf("or chain: %v", err)
	}
}

// TestDeepNesting checks that absurdly deep expressions fail with a clear
// error instead of exhausting the stack.
func TestDeepNesting(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"parentheses", strings.Repeat("(", 100000) + "x" + strings.Repeat(")", 100000)},
		{"unclosed parentheses", strings.Repeat("(", 100000)},
		{"negations", strings.Repeat("!", 100000) + "x"},
		{"minus signs", strings.Repeat("- ", 100000) + "x"},
		{"not keywords", strings.Repeat("not ", 100000) + "x"},
		{"calls", strings.Repeat("abs(", 100000) + "x" + strings.Repeat(")", 100000)},
		{"left chain", "x" + strings.Repeat(" + x", 5000)},
		{"right chain in parentheses", strings.Repeat("x + (", 5000) + "x" + strings.Repeat(")", 5000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExpr(tc.in)
			var xe *ExprError
			if !errors.As(err, &xe) || !errors.Is(err, ErrSyntax) || !strings.Contains(xe.Msg, "nests too deeply") {
				t.Fatalf("err = %.300v", err)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
		})
	}
	// as deep as allowed still works, and prints to text that parses again
	ok := strings.Repeat("-(", maxDepth/2-1) + "x" + strings.Repeat(")", maxDepth/2-1)
	e, err := ParseExpr(ok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseExpr(e.String()); err != nil {
		t.Fatal(err)
	}
	if typ, err := e.Type(map[string]Type{"x": Int64}); err != nil || typ != Int64 {
		t.Fatal(typ, err)
	}
}

// TestHugeExpressionError checks that errors in a 200 KB expression show a
// window around the caret, never the whole input.
func TestHugeExpressionError(t *testing.T) {
	long := strings.Repeat("a_mean > 1 and ", 200000/15)
	for _, tc := range []struct {
		name, in string
		schema   map[string]Type
		msg      string
	}{
		{"syntax error at the end", long + "a_mean >", nil, "expected a value after '>'"},
		{"syntax error at the start", "a_mean >> 1 and " + long + "true", nil, "unsupported operator >>"},
		{"syntax error in the middle", long + "(a_mean # 1) and " + long + "true", nil, "unexpected character"},
		{"unknown column at the end", long + "b > 1", map[string]Type{"a_mean": Int64}, `unknown column "b"`},
		{"type error at the end", long + "a_mean = 'x'", map[string]Type{"a_mean": Int64}, "cannot compare int64 column a_mean"},
		{"long name", "x" + strings.Repeat("y", 200000) + " > 1", map[string]Type{"a": Int64}, `unknown column "xyyyy`},
		{"long string", "a = '" + strings.Repeat("é", 100000) + "'", map[string]Type{"a": Int64}, "cannot compare"},
		{"unterminated long string", "a = '" + strings.Repeat("y", 200000), nil, "unterminated string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseExpr(tc.in)
			if err == nil {
				_, err = e.Type(tc.schema)
			}
			var xe *ExprError
			if !errors.As(err, &xe) {
				t.Fatalf("err = %.200v", err)
			}
			if !strings.Contains(xe.Msg, tc.msg) {
				t.Errorf("message %.200q lacks %q", xe.Msg, tc.msg)
			}
			if len(xe.Msg) > 200 || len(xe.Hint) > 300 {
				t.Errorf("message or hint too long: %d, %d bytes", len(xe.Msg), len(xe.Hint))
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) < 3 {
				t.Fatalf("error %q: want message, excerpt, caret", err)
			}
			for _, l := range lines {
				if n := utf8.RuneCountInString(l); n > 300 {
					t.Errorf("line of %d characters: %.100s…", n, l)
				}
			}
			line, caret := lines[1], lines[2]
			if n := utf8.RuneCountInString(line); n > excerptWidth+6 {
				t.Errorf("excerpt of %d characters", n)
			}
			// the caret points at the offending text
			col := strings.Index(caret, "^")
			rs := []rune(line)
			if col < 0 || col >= len(rs)+1 {
				t.Fatalf("caret %q under %q", caret, line)
			}
			at := string(rs[min(col, len(rs)-1):])
			want := tc.in[xe.Pos:min(xe.Pos+3, len(tc.in))]
			if xe.Pos < len(tc.in) && !strings.HasPrefix(at, want) {
				t.Errorf("caret at %q, error at %q", at, want)
			}
		})
	}
}
