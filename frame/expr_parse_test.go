package frame

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// parseFrame is the frame the parser table tests evaluate against.
func parseFrame(t *testing.T) *Frame {
	t.Helper()
	return Must(New(
		MustColumn(NewInt64("a", []int64{1, 2, 3, -4, 0}, []bool{true, true, true, true, false})),
		NewFloat64("score", []float64{85.5, 70, math.NaN(), 90, 80}),
		MustColumn(NewString("area_title", []string{"Texas", "Ohio", "Texas City", "", "texas"}, []bool{true, true, true, false, true})),
		MustColumn(NewString("area title", []string{"x", "y", "z", "w", "v"}, nil)),
		MustColumn(NewBool("ok", []bool{true, false, true, false, true}, nil)),
		MustColumn(NewDate("day", []int64{19753, 19754, 19755, 19756, 19757}, nil)), // 2024-01-31 …
		MustColumn(NewInt64("type", []int64{1, 1, 2, 2, 3}, nil)),
	))
}

func boolsOf(t *testing.T, c *Column) string {
	t.Helper()
	var sb strings.Builder
	for i := range c.Len() {
		switch {
		case c.IsNull(i):
			sb.WriteByte('_')
		case c.Type() == Bool && c.Bool(i):
			sb.WriteByte('T')
		case c.Type() == Bool:
			sb.WriteByte('F')
		default:
			sb.WriteString(FormatValue(c, i) + " ")
		}
	}
	return strings.TrimSpace(sb.String())
}

func TestParseExprValid(t *testing.T) {
	f := parseFrame(t)
	tests := []struct {
		name, in string
		want     string // per row: T, F, _ (null), or formatted values
		str      string // String() of the parsed expression, "" to skip
	}{
		{"comparison", `score > 80`, "TF_TF", "(score > 80)"},
		{"and", `score > 80 && area_title == "Texas"`, "TFF_F", `((score > 80) && (area_title == "Texas"))`},
		{"precedence and over or", `a == 1 || a == 2 && ok`, "TFFF_", "((a == 1) || ((a == 2) && ok))"},
		{"parentheses", `(a == 1 || a == 2) && ok`, "TFFF_", ""},
		{"arith precedence", `a + 2 * 3`, "7 8 9 2 _", "(a + (2 * 3))"},
		{"parenthesised arith", `(a + 2) * 3`, "9 12 15 -6 _", ""},
		{"negative literal", `a > -4`, "TTTF_", "(a > -4)"},
		{"negative float literal", `score >= -0.5`, "TT_TT", "(score >= -0.5)"},
		{"min int64", `a > -9223372036854775808`, "TTTT_", "(a > -9223372036854775808)"},
		{"negated column", `-a`, "-1 -2 -3 4 _", "-a"},
		{"double negation", `-(-a)`, "1 2 3 -4 _", "-(-a)"},
		{"quoted column", `col("area title") == "y"`, "FTFFF", `(col("area title") == "y")`},
		{"keyword column", `col("type") == 2`, "FFTTF", `(col("type") == 2)`},
		{"raw string", "has_prefix(area_title, `Tex`)", "TFT_F", `has_prefix(area_title, "Tex")`},
		{"contains", `contains(area_title, "exa")`, "TFT_T", ""},
		{"has_suffix", `has_suffix(area_title, "City")`, "FFT_F", ""},
		{"in", `in(a, 1, 3)`, "TFTF_", "in(a, 1, 3)"},
		{"in strings", `in(area_title, "Ohio", "texas")`, "FTF_T", ""},
		{"is_null", `is_null(score)`, "FFTFF", "is_null(score)"},
		{"not_null", `not_null(a)`, "TTTTF", "not_null(a)"},
		{"not", `!ok`, "FTFTF", "!ok"},
		{"division is float", `a / 2`, "0.5 1 1.5 -2 _", ""},
		{"modulo", `a % 2`, "1 0 1 0 _", ""},
		{"modulo by zero is null", `a % 0`, "_ _ _ _ _", ""},
		{"int vs float", `a < 2.5`, "TTFT_", ""},
		{"date vs string", `day >= "2024-02-02"`, "FFTTT", ""},
		{"date vs instant", `day > "2024-02-01T12:00:00Z"`, "FFTTT", ""},
		{"nil compares to null", `a == nil`, "_____", ""},
		{"null alias", `is_null(null)`, "TTTTT", ""},
		{"bool literal", `ok == true`, "TFTFT", ""},
		{"char literal is a string", `area_title > 'P'`, "TFT_T", ""},
		{"hex and underscores", `a < 0x1_0`, "TTTT_", ""},
		{"case-insensitive function", `IS_NULL(a)`, "FFFFT", ""},
		{"infinity", `score < 1.0 / 0.0`, "TT_TT", ""},
		{"unicode identifier", `größe`, "", ""},

		// what analysts write: SQL and spreadsheet habits
		{"single quotes", `area_title = 'Texas'`, "TFF_F", `(area_title == "Texas")`},
		{"and keyword", `score > 80 and area_title = 'Texas'`, "TFF_F", `((score > 80) && (area_title == "Texas"))`},
		{"upper-case keywords", `a = 1 OR a = 2 AND ok`, "TFFF_", "((a == 1) || ((a == 2) && ok))"},
		{"mixed-case keywords", `a = 1 Or a = 2 anD ok`, "TFFF_", "((a == 1) || ((a == 2) && ok))"},
		{"and chains flat", `ok and a > 0 and score > 0`, "TF_F_", "(ok && (a > 0) && (score > 0))"},
		{"or chains flat", `a = 1 or a = 2 or a = 3`, "TTTF_", "((a == 1) || (a == 2) || (a == 3))"},
		{"parenthesised chain stays nested", `(a = 1 or a = 2) or a = 3`, "TTTF_", "(((a == 1) || (a == 2)) || (a == 3))"},
		{"not binds looser than comparison", `not a > 1`, "TFFT_", "!(a > 1)"},
		{"not binds tighter than and", `NOT a > 1 AND ok`, "TFFF_", "(!(a > 1) && ok)"},
		{"! binds to its operand", `!ok == false`, "TFTFT", "(!ok == false)"},
		{"equals sign", `a = 1`, "TFFF_", "(a == 1)"},
		{"<> is !=", `a <> 1`, "FTTT_", "(a != 1)"},
		{"doubled quote", `area_title = 'Texas''s' or area_title > 'T'`, "TFT_T", `((area_title == "Texas's") || (area_title > "T"))`},
		{"backslash quote", `'Texas\'s' = 'Texas''s'`, "TTTTT", `("Texas's" == "Texas's")`},
		{"backslashes in single quotes are themselves", `'a\tb\\\'' = "a\\tb\\'"`, "TTTTT", ""},
		{"escapes in double quotes", `"a\tb\x41\u00e9\"" = 'a	bAé"'`, "TTTTT", ""},
		{"keywords ignore case", `ok = TRUE or ok = False`, "TTTTT", "((ok == true) || (ok == false))"},
		{"NULL", `is_null(NULL)`, "TTTTT", "is_null(null)"},
		{"is null", `score is null`, "FFTFF", "is_null(score)"},
		{"is not null", `a IS NOT NULL`, "TTTTF", "not_null(a)"},
		{"in list", `a in (1, 3)`, "TFTF_", "in(a, 1, 3)"},
		{"IN list of strings", `area_title IN ('Ohio', 'texas')`, "FTF_T", `in(area_title, "Ohio", "texas")`},
		{"not in", `a not in (1, 3)`, "FTFT_", "!in(a, 1, 3)"},
		{"in with null", `a in (1, null)`, "T____", "in(a, 1, null)"},
		{"in of an expression", `a + 1 in (2, 4)`, "TFTF_", "in((a + 1), 2, 4)"},
		{"in with a column", `in(score, 70, a * 90)`, "FT_F_", "in(score, 70, (a * 90))"},
		{"between", `a between 1 and 2`, "TTFF_", "between(a, 1, 2)"},
		{"not between", `a not between 1 and 2 and ok`, "FFTF_", "(!between(a, 1, 2) && ok)"},
		{"between with arithmetic", `a between 0 + 1 and 2 * 1`, "TTFF_", "between(a, (0 + 1), (2 * 1))"},
		{"between function", `between(score, 80, 90)`, "TF_TT", "between(score, 80, 90)"},
		{"trailing comma", `in(a, 1, 3,)`, "TFTF_", "in(a, 1, 3)"},
		{"go keyword as a bare column", `type == 2`, "FFTTF", `(col("type") == 2)`},

		// functions
		{"lower", `lower(area_title) = 'texas'`, "TFF_T", `(lower(area_title) == "texas")`},
		{"upper", `upper(area_title)`, "TEXAS OHIO TEXAS CITY _ TEXAS", "upper(area_title)"},
		{"LOWER spelled in capitals", `LOWER('ÉCLAIR')`, "éclair éclair éclair éclair éclair", `lower("ÉCLAIR")`},
		{"trim", `trim(' x ') = 'x'`, "TTTTT", ""},
		{"len in characters", `len(area_title)`, "5 4 10 _ 5", "len(area_title)"},
		{"length alias", `length('héllo')`, "5 5 5 5 5", `len("héllo")`},
		{"abs", `abs(a)`, "1 2 3 4 _", "abs(a)"},
		{"round to digits", `round(score / 3, 1)`, "28.5 23.3 _ 30 26.7", "round((score / 3), 1)"},
		{"round halves away from zero", `round(-2.5) = -3 and round(2.5) = 3`, "TTTTT", ""},
		{"round int to tens", `round(a * 15, -1)`, "20 30 50 -60 _", "round((a * 15), -1)"},
		{"floor and ceil", `floor(score / 7) + ceil(score / 7)`, "25 20 _ 25 23", ""},
		{"date parts", `year(day) * 10000 + month(day) * 100 + day(day)`, "20240131 20240201 20240202 20240203 20240204", ""},
		{"if", `if(a > 1, 'big', 'small')`, "small big big small small", `if((a > 1), "big", "small")`},
		{"if mixes numbers", `if(ok, a, score)`, "1 70 3 90 _", ""},
		{"IF in capitals", `IF(ok, 1, 0)`, "1 0 1 0 1", "if(ok, 1, 0)"},
		{"coalesce", `coalesce(a, 0)`, "1 2 3 -4 0", "coalesce(a, 0)"},
		{"coalesce of three", `coalesce(score, a, -1)`, "85.5 70 3 90 80", ""},
		{"matches", `matches(area_title, '^T.*s$')`, "TFF_F", `matches(area_title, "^T.*s$")`},
		{"startswith alias", `startswith(area_title, 'Tex')`, "TFT_F", `has_prefix(area_title, "Tex")`},
		{"nested functions", `upper(trim(lower(' Ab ')))`, "AB AB AB AB AB", `upper(trim(lower(" Ab ")))`},
		{"unicode space between tokens", "a\u00a0>\u00a01", "FTT F_", "(a > 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseExpr(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if tc.str != "" && e.String() != tc.str {
				t.Errorf("String() = %s, want %s", e.String(), tc.str)
			}
			if tc.name == "unicode identifier" {
				if got := e.Columns(); len(got) != 1 || got[0] != "größe" || e.String() != `col("größe")` {
					t.Errorf("Columns %q String %s", got, e)
				}
				return
			}
			c, err := e.Eval(f)
			if err != nil {
				t.Fatal(err)
			}
			if got := boolsOf(t, c); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(tc.want, " ", "") && got != tc.want {
				t.Errorf("%s = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseExprInvalid(t *testing.T) {
	tests := []struct {
		name, in string
		pos      int    // byte offset of the caret
		msg      string // a part of the message
		hint     string // a part of the hint, "" to skip
	}{
		{"empty", ``, 0, "empty expression", ""},
		{"blank", ` 	`, 2, "empty expression", ""},
		{"dangling operator", `a >`, 3, "expected a value after '>', found the end of the expression", ""},
		{"dangling and", `a > 1 and`, 9, "expected a value after and", ""},
		{"unclosed paren", `(a > 1`, 6, "expected ')' to close the '(' at character 1", ""},
		{"unmatched paren", `a > 1)`, 5, "unmatched ')'", ""},
		{"bitwise and", `a & 1`, 2, "unsupported operator &", "&& or and"},
		{"bitwise or", `a | 1`, 2, "unsupported operator |", "|| or or"},
		{"shift", `a << 1`, 2, "unsupported operator <<", ""},
		{"xor unary", `^a`, 0, "unsupported operator ^", "no power operator"},
		{"unknown function", `lowr(a)`, 0, "unknown function lowr (did you mean lower?)", "the functions are abs, between"},
		{"unknown function, nothing close", `frobnicate(a)`, 0, "unknown function frobnicate", ""},
		{"arity", `contains(a)`, 0, "contains takes 2 arguments, got 1", "contains(x, 'text')"},
		{"arity of round", `round(a, 1, 2)`, 0, "round takes 1 or 2 arguments, got 3", ""},
		{"arity of one", `lower()`, 0, "lower takes 1 argument, got 0", ""},
		{"non-literal pattern", `contains(a, b)`, 12, "contains needs the text to look for in quotes", ""},
		{"col needs a string", `col(1)`, 4, "col needs the column name in quotes", `col("area title")`},
		{"in needs candidates", `in(a)`, 0, "in takes at least 2 arguments, got 1", ""},
		{"selector", `a.b`, 1, "unexpected '.'", `col("a.b")`},
		{"index", `x > a[1]`, 5, "unexpected '['", ""},
		{"imaginary", `a == 1i`, 5, "unsupported number 1i", ""},
		{"int overflow", `a > 99999999999999999999`, 4, "integer 99999999999999999999 does not fit in int64", ".0 for"},
		{"float overflow", `a > 1e400`, 4, "out of the range of float64", ""},
		{"method call", `a.f(1)`, 1, "unexpected '.'", ""},
		{"-- is not a comment", `--a`, 0, "'--' is not an operator", "put a space"},
		{"double equals sign", `a = = 1`, 4, "expected a value", "'=' means equality"},
		{"lone equals sign", `=`, 0, "found '='", "'=' means equality here"},
		{"assignment", `x := 1`, 2, "':=' is not an operator here", "'=' means equality here"},
		{"missing operator", `a > 1 b`, 6, "expected an operator", ""},
		{"name with a space", `area title = 'x'`, 5, "expected an operator", `col("area title")`},
		{"unterminated single quote", `a = 'abc`, 4, "unterminated string", "write '' (or \\') for a '"},
		{"unterminated double quote", `a = "abc`, 4, "unterminated string", ""},
		{"bad escape", `a = "x\qb"`, 6, `invalid escape \q`, `write \\ for a backslash`},
		{"regexp in single quotes", `matches(x, '\d(')`, 11, "bad regular expression: missing closing )", ""},
		{"like", `a like 'x%'`, 2, "like is not supported", "matches("},
		{"is without null", `x is 5`, 5, "expected null after is", "x is not null"},
		{"between without and", `x between 1 or 2`, 12, "expected and after between's low bound", ""},
		{"not without in", `x not 5`, 2, "expected in or between after not", ""},
		{"in without parens", `x in 1`, 5, "expected '(' after in", ""},
		{"empty in", `x in ()`, 6, "in needs at least one value", ""},
		{"fractional digits", `round(x, 1.5)`, 9, "round's digits must be a whole number from -18 to 18", ""},
		{"too many digits", `round(x, 19)`, 9, "round's digits", ""},
		{"column as digits", `round(x, d)`, 9, "round's digits", ""},
		{"bad regexp", `matches(x, '(')`, 11, "bad regular expression: missing closing )", "RE2"},
		{"regexp not literal", `matches(x, y)`, 11, "matches needs the regular expression in quotes", ""},
		{"unclosed call", `f(`, 2, "expected a value after '('", ""},
		{"missing comma", `lower(a b)`, 8, "expected ',' or ')' in lower(…), found b", ""},
		{"and alone", `and`, 0, "expected a value, found and", `col("and")`},
		{"comma at top", `a, b`, 1, "',' outside a function call", ""},
		{"leading zero", `fips = 06037`, 7, "number 06037 has a leading zero", "'06037' in quotes"},
		{"digits then letters", `1abc`, 0, "bad number 1abc", ""},
		{"comment", `a # comment`, 2, "unexpected character '#'", "comments are not supported"},
		{"invalid utf-8", "a > \xff", 4, "invalid UTF-8 byte 0xff", ""},
		{"smart quotes", `x = ‘a’`, 4, "unexpected character '‘'", "plain quotes"},
		{"leftmost error wins", `(a > 'x`, 5, "unterminated string", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExpr(tc.in)
			if err == nil {
				t.Fatalf("ParseExpr(%q): no error", tc.in)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error %v does not wrap ErrSyntax", err)
			}
			var xe *ExprError
			if !errors.As(err, &xe) {
				t.Fatalf("error %T is not an *ExprError", err)
			}
			if xe.Pos != tc.pos || xe.Expr != tc.in || xe.End < xe.Pos {
				t.Errorf("Pos %d End %d Expr %q, want Pos %d in %q", xe.Pos, xe.End, xe.Expr, tc.pos, tc.in)
			}
			if !strings.Contains(xe.Msg, tc.msg) {
				t.Errorf("message %q lacks %q", xe.Msg, tc.msg)
			}
			if !strings.Contains(xe.Hint, tc.hint) {
				t.Errorf("hint %q lacks %q", xe.Hint, tc.hint)
			}
			if strings.Contains(err.Error(), "frame") || strings.Contains(err.Error(), "ast.") || strings.Contains(err.Error(), "token.") {
				t.Errorf("error mentions Go: %v", err)
			}
		})
	}
}

// TestExprErrors checks that evaluation errors wrap the package sentinels.
func TestExprErrors(t *testing.T) {
	f := parseFrame(t)
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"missing column", func() error { _, err := f.Where(`nope > 1`); return err }, ErrNoColumn},
		{"missing column deep", func() error { _, err := Col("a").Add(Col("zz")).Eval(f); return err }, ErrNoColumn},
		{"string arithmetic", func() error { _, err := f.Where(`area_title + 1 > 2`); return err }, ErrType},
		{"null plus string", func() error { _, err := Lit(nil).Add("x").Eval(f); return err }, ErrType},
		{"float modulo", func() error { _, err := Col("score").Mod(2).Eval(f); return err }, ErrType},
		{"float modulo null", func() error { _, err := Col("score").Mod(nil).Eval(f); return err }, ErrType},
		{"compare string with int", func() error { _, err := f.Where(`area_title == 1`); return err }, ErrType},
		{"date vs bad literal", func() error { _, err := f.Where(`day > "yesterday"`); return err }, ErrType},
		{"filter by non-bool", func() error { _, err := f.Where(`a + 1`); return err }, ErrType},
		{"not of int", func() error { _, err := f.Where(`!a`); return err }, ErrType},
		{"and of int", func() error { _, err := f.Where(`a && ok`); return err }, ErrType},
		{"contains of int", func() error { _, err := f.Where(`contains(a, "1")`); return err }, ErrType},
		{"unsupported literal", func() error { _, err := Col("a").Eq(uint64(1)).Eval(f); return err }, ErrType},
		{"Type of missing", func() error { _, err := Col("x").Gt(1).Type(map[string]Type{"a": Int64}); return err }, ErrNoColumn},
		{"Type of mismatch", func() error {
			_, err := Col("a").Add(Col("s")).Type(map[string]Type{"a": Int64, "s": String})
			return err
		}, ErrType},
		{"Type of a bad comparison", func() error { // Type evaluates on 0 rows
			_, err := Col("s").Eq(1).Type(map[string]Type{"s": String})
			return err
		}, ErrType},
		{"derive", func() error { _, err := f.Derive("x", Col("q")); return err }, ErrNoColumn},
		{"take", func() error { _, err := f.Take([]int{5}); return err }, ErrIndex},
		{"mask length", func() error { _, err := f.FilterMask([]bool{true}); return err }, ErrLength},
		{"rename duplicate", func() error { _, err := f.Rename("a", "score"); return err }, ErrDuplicate},
		{"syntax via Where", func() error { _, err := f.Where(`a >`); return err }, ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// an empty Expr is an error, not a panic
	if _, err := (Expr{}).Eval(f); err == nil {
		t.Error("Eval of the zero Expr: no error")
	}
	if _, err := f.Filter(Expr{}); err == nil {
		t.Error("Filter by the zero Expr: no error")
	}
	if (Expr{}).String() != "<nil>" || len((Expr{}).Columns()) != 0 {
		t.Error("zero Expr String/Columns")
	}
}

func TestExprTypeAndColumns(t *testing.T) {
	schema := map[string]Type{"i": Int64, "f": Float64, "s": String, "b": Bool, "d": Date, "t": Datetime, "lower": Int64}
	tests := []struct {
		in   string
		want Type
		cols []string
	}{
		{"i + i", Int64, []string{"i"}},
		{"i / i", Float64, []string{"i"}},
		{"i * f", Float64, []string{"i", "f"}},
		{"nil / i", Float64, []string{"i"}},
		{"i % 2", Int64, []string{"i"}},
		{"-f", Float64, []string{"f"}},
		{`s == "x" && b`, Bool, []string{"s", "b"}},
		{`d < "2024-01-01" || t > "2024-01-01T00:00:00Z"`, Bool, []string{"d", "t"}},
		{"is_null(s)", Bool, []string{"s"}},
		{"1 + 2", Int64, nil},
		{"1.5", Float64, nil},
		{`"x"`, String, nil},
		{"d", Date, []string{"d"}},
		{"lower + 1", Int64, []string{"lower"}},
		{"if(b, i, f) + coalesce(i, 0)", Float64, []string{"b", "i", "f"}},
		{"if(b, d, t)", Datetime, []string{"b", "d", "t"}},
		{"if(b, d, '2024-01-01')", Date, []string{"b", "d"}},
		{"coalesce(null, s)", String, []string{"s"}},
		{"coalesce(null, null)", Bool, nil},
		{"len(s) + year(d) + month(t) + day(d)", Int64, []string{"s", "d", "t"}},
		{"abs(i) + floor(i) + ceil(i) + round(i)", Int64, []string{"i"}},
		{"abs(f) + round(i, 1)", Float64, []string{"f", "i"}},
		{"round(i, -1)", Int64, []string{"i"}},
		{"abs(null)", Float64, nil},
		{"s in ('a', 'b') and i between 1 and f and matches(s, 'x')", Bool, []string{"s", "i", "f"}},
		{"in(i, 1, 2) && contains(s, \"a\") || f > i", Bool, []string{"i", "s", "f"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			e := MustParseExpr(tc.in)
			got, err := e.Type(schema)
			if err != nil || got != tc.want {
				t.Fatalf("Type = %v, %v; want %v", got, err, tc.want)
			}
			if cols := e.Columns(); strings.Join(cols, ",") != strings.Join(tc.cols, ",") {
				t.Fatalf("Columns = %q, want %q", cols, tc.cols)
			}
		})
	}
}

// TestLiteralRoundTrip checks literal String forms that Go syntax makes
// awkward: infinities, -0, NaN (null), the smallest int64, negated negatives.
func TestLiteralRoundTrip(t *testing.T) {
	f := Must(New(MustColumn(NewInt64("x", []int64{1}, nil))))
	for _, e := range []Expr{
		Lit(math.Inf(1)), Lit(math.Inf(-1)), Lit(math.Copysign(0, -1)), Lit(math.NaN()),
		Lit(int64(math.MinInt64)), Lit(-5).Neg(), Col("x").Neg().Neg(), Lit(1e300), Lit(5e-324),
		Lit("quote\"and\\back\nslash"), Lit(2.0), Col("func").Eq(1), Col("null").Eq(1), Col("").Eq(1),
	} {
		p, err := ParseExpr(e.String())
		if err != nil {
			t.Errorf("%s: %v", e, err)
			continue
		}
		if e.String() == `(func == 1)` || strings.Contains(e.String(), "null ==") {
			t.Errorf("%s: a keyword printed as an identifier", e)
		}
		if strings.Contains(e.String(), "func") || strings.Contains(e.String(), `"null"`) || strings.Contains(e.String(), `col("")`) {
			continue // refers to a missing column
		}
		a, b := MustEvalT(t, e, f), MustEvalT(t, p, f)
		if a.Type() != b.Type() || FormatValue(a, 0) != FormatValue(b, 0) || a.NullCount() != b.NullCount() ||
			(a.Type() == Float64 && math.Float64bits(a.Float64(0)) != math.Float64bits(b.Float64(0))) {
			t.Errorf("%s: %v %q, reparsed %s: %v %q", e, a.Type(), FormatValue(a, 0), p, b.Type(), FormatValue(b, 0))
		}
	}
}
