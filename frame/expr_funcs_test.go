package frame

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestExprTypeErrors checks the message, hint, position and sentinel of
// type and column errors, through Type (no data) and Eval.
func TestExprTypeErrors(t *testing.T) {
	schema := map[string]Type{"a_mean": String, "n": Int64, "x": Float64, "s": String, "b": Bool, "d": Date, "ts": Datetime,
		"area title": String}
	tests := []struct {
		in        string
		pos       int
		msg, hint string
		sentinel  error
		column    string
	}{
		{`a_mean > 100000`, 0, "cannot compare string column a_mean with number 100000",
			"a_mean is text; if it holds numbers with markers like '*', read it with --na '*' (or --na auto)", ErrType, "a_mean"},
		{`100000 < a_mean`, 9, "cannot compare number 100000 with string column a_mean", "--na auto", ErrType, "a_mean"},
		{`a_man > 1`, 0, `unknown column "a_man" (did you mean a_mean?)`, "", ErrNoColumn, "a_man"},
		{`A_MEAN > 1`, 0, `unknown column "A_MEAN" (did you mean a_mean?)`, "", ErrNoColumn, "A_MEAN"},
		{`zzz > 1`, 0, `unknown column "zzz"`, `the columns are a_mean, "area title", b, d, n, s, ts, x`, ErrNoColumn, "zzz"},
		{`total = n + 1`, 0, `unknown column "total"`, "'=' means equality here, not assignment", ErrNoColumn, "total"},
		{`n = '2020'`, 0, "cannot compare int64 column n with text '2020'", "write the number without quotes: 2020", ErrType, "n"},
		{`"a_mean" > 5`, 0, `cannot compare text "a_mean" with number 5`, `for the column write a_mean`, ErrType, ""},
		{`1 < n < 3`, 0, "cannot compare bool value 1 < n with number 3", "comparisons do not chain", ErrType, ""},
		{`d > 5`, 0, "cannot compare date column d with number 5", "like '2024-01-31'", ErrType, "d"},
		{`d > 'yesterday'`, 4, "cannot read 'yesterday' as a date (to compare with date column d)", "write dates as '2024-01-31'", ErrType, "d"},
		{`n + a_mean`, 4, "'+' needs numbers, not string column a_mean", "--na", ErrType, "a_mean"},
		{`x % 2`, 0, "'%' needs whole numbers (int64), not float64 column x", "", ErrType, "x"},
		{`d + 1`, 0, "'+' needs numbers, not date column d", "there is no date arithmetic", ErrType, "d"},
		{`-s`, 1, "'-' needs a number, not string column s", "", ErrType, "s"},
		{`n and b`, 0, "'and' needs conditions (true/false), not int64 column n", "compare it, like n > 0", ErrType, "n"},
		{`b && x`, 5, "'&&' needs conditions (true/false), not float64 column x", "", ErrType, "x"},
		{`not s`, 4, "'not' needs a condition (true/false), not string column s", "", ErrType, "s"},
		{`contains(n, 'x')`, 9, "contains needs text, not int64 column n", "", ErrType, "n"},
		{`lower(n) = 'x'`, 6, "lower needs text, not int64 column n", "", ErrType, "n"},
		{`UPPER(x)`, 6, "upper needs text, not float64 column x", "", ErrType, "x"},
		{`len(b)`, 4, "len needs text, not bool column b", "", ErrType, "b"},
		{`abs(a_mean)`, 4, "abs needs a number, not string column a_mean", "--na", ErrType, "a_mean"},
		{`round(s, 1)`, 6, "round needs a number, not string column s", "", ErrType, "s"},
		{`floor(d)`, 6, "floor needs a number, not date column d", "", ErrType, "d"},
		{`ceil('3')`, 5, "ceil needs a number, not text '3'", "", ErrType, ""},
		{`year(s)`, 5, "year needs a date or datetime, not string column s", "s is text; read it as a date", ErrType, "s"},
		{`month(n) = 1`, 6, "month needs a date or datetime, not int64 column n", "", ErrType, "n"},
		{`matches(n, 'x')`, 8, "matches needs text, not int64 column n", "", ErrType, "n"},
		{`if(n, 1, 2)`, 3, "if needs a condition (true/false) first, not int64 column n", "", ErrType, "n"},
		{`if(b, n, s)`, 9, "if's two results have different types: int64 column n and string column s", "s is text", ErrType, "s"},
		{`if(b, a_mean, 0)`, 14, "if's two results have different types: string column a_mean and number 0", "--na", ErrType, "a_mean"},
		{`if(b, d, 'someday')`, 9, "cannot read 'someday' as a date", "", ErrType, ""},
		{`coalesce(n, 'x')`, 12, "coalesce's values have different types: int64 column n and text 'x'", "", ErrType, ""},
		{`coalesce(b, d)`, 12, "coalesce's values have different types: bool column b and date column d", "", ErrType, ""},
		{`between(s, 1, 2)`, 8, "cannot compare string column s with number 1", "--na", ErrType, "s"},
		{`n between 'a' and 'b'`, 0, "cannot compare int64 column n with text 'a'", "", ErrType, "n"},
		{`in(n, 1, 'y')`, 3, "cannot compare int64 column n with text 'y'", "", ErrType, "n"},
		{`s in (1, 2)`, 0, "cannot compare string column s with number 1", "--na", ErrType, "s"},
		{`d in ('2024-01-01', 'soon')`, 20, "cannot read 'soon' as a date", "", ErrType, "d"},
		{`in(s, 'a', n)`, 0, "cannot compare string column s with int64 column n", "", ErrType, "s"},
		{`col("area titel") = 'x'`, 0, `unknown column "area titel" (did you mean "area title"?)`, "", ErrNoColumn, "area titel"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			e, err := ParseExpr(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Type(schema)
			var xe *ExprError
			if !errors.As(err, &xe) {
				t.Fatalf("Type: %v", err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error does not wrap %v", tc.sentinel)
			}
			if xe.Pos != tc.pos || xe.Expr != tc.in {
				t.Errorf("Pos %d in %q, want %d\n%v", xe.Pos, xe.Expr, tc.pos, err)
			}
			if !strings.Contains(xe.Msg, tc.msg) {
				t.Errorf("message %q lacks %q", xe.Msg, tc.msg)
			}
			if !strings.Contains(xe.Hint, tc.hint) {
				t.Errorf("hint %q lacks %q", xe.Hint, tc.hint)
			}
			if xe.Column != tc.column {
				t.Errorf("Column %q, want %q", xe.Column, tc.column)
			}
			for _, bad := range []string{"frame", "Int64", "Options", "%!"} {
				if strings.Contains(err.Error(), bad) {
					t.Errorf("error mentions %q: %v", bad, err)
				}
			}
			// Eval on data reports the same error
			cols := []*Column{}
			for _, name := range []string{"a_mean", "n", "x", "s", "b", "d", "ts", "area title"} {
				cols = append(cols, NewBuilder(schema[name], 0).Build(name))
			}
			f := Must(New(cols...))
			if _, err2 := e.Eval(f); err2 == nil || err2.Error() != err.Error() && !errors.Is(err2, ErrNoColumn) {
				t.Errorf("Eval: %v\nType: %v", err2, err)
			}
		})
	}
}

// TestBuiltExprErrors checks that errors in expressions built in Go point
// into their String form.
func TestBuiltExprErrors(t *testing.T) {
	f := Must(New(MustColumn(NewInt64("n", []int64{1, 2}, nil)), MustColumn(NewString("s", []string{"a", "b"}, nil))))
	tests := []struct {
		e        Expr
		text, at string
		msg      string
		sentinel error
	}{
		{Col("n").Gt(1).And(Col("s").Gt(2)), "((n > 1) && (s > 2))", "s > 2)", "cannot compare string column s with number 2", ErrType},
		{Col("n").Add(Col("q")), "(n + q)", "q)", `unknown column "q"`, ErrNoColumn},
		{If(Col("n").Gt(0), Col("s"), Col("n")), `if((n > 0), s, n)`, "n)", "if's two results have different types", ErrType},
		{Col("s").Matches("("), "<invalid>", "<invalid>", "bad regular expression", ErrSyntax},
		{Col("n").Eq(uint64(1)), "(n == <invalid>)", "<invalid>)", "unsupported literal of Go type uint64", ErrType},
		{Coalesce(), "<invalid>", "<invalid>", "coalesce needs at least one value", ErrType},
		{Col("s").Round(19), "<invalid>", "<invalid>", "round's digits", ErrType},
		{Expr{}.Lower(), "lower(<invalid>)", "<invalid>)", "empty expression", ErrType},
	}
	for _, tc := range tests {
		_, err := tc.e.Eval(f)
		var xe *ExprError
		if !errors.As(err, &xe) {
			t.Errorf("%s: %v", tc.e, err)
			continue
		}
		if xe.Expr != tc.text || !strings.HasPrefix(xe.Expr[xe.Pos:], tc.at) || !strings.Contains(xe.Msg, tc.msg) || !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: error at %q of %q: %v", tc.e, xe.Expr[xe.Pos:], xe.Expr, err)
		}
	}
}

// TestExprErrorFormat pins the layout of an error.
func TestExprErrorFormat(t *testing.T) {
	f := Must(New(MustColumn(NewString("a_mean", []string{"1"}, nil))))
	_, err := f.Where("area = 'x' and a_mean > 100000")
	want := "unknown column \"area\"\n  area = 'x' and a_mean > 100000\n  ^^^^\nhint: '=' means equality here, not assignment: this compares area with 'x' (to add a column, derive it); the columns are a_mean"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	_, err = f.Where("a_mean > 100000")
	want = "cannot compare string column a_mean with number 100000\n  a_mean > 100000\n  ^^^^^^\nhint: a_mean is text; if it holds numbers with markers like '*', read it with --na '*' (or --na auto)"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	_, err = f.Where("a_mean")
	want = "the filter gives string values, not true/false\n  a_mean\n  ^^^^^^\nhint: a filter is a condition, like x > 0 or state = 'TX'"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	// excerpts of long text: a window with … on the cut sides, the caret
	// under the offending character (counted in characters, not bytes)
	xe := &ExprError{Expr: strings.Repeat("é", 100) + "X" + strings.Repeat("ü", 100), Pos: 200, End: 201}
	line, caret := xe.Excerpt()
	if !strings.HasPrefix(line, "…éé") || !strings.HasSuffix(line, "üü…") || []rune(line)[strings.Index(caret, "^")] != 'X' ||
		len([]rune(line)) != excerptWidth+2 || strings.Count(caret, "^") != 1 {
		t.Errorf("excerpt %q\n        %q", line, caret)
	}
	xe = &ExprError{Expr: "a\tb\nc", Pos: 4, End: 5}
	if line, caret := xe.Excerpt(); line != "a b c" || caret != "    ^" {
		t.Errorf("excerpt %q %q", line, caret)
	}
	xe = &ExprError{Expr: "ab", Pos: 2, End: 2}
	if line, caret := xe.Excerpt(); line != "ab" || caret != "  ^" {
		t.Errorf("excerpt %q %q", line, caret)
	}
}

// TestExprErrorsThroughFrame checks the sentinels and the single prefix
// through Filter, Where, Mask, Derive and Type.
func TestExprErrorsThroughFrame(t *testing.T) {
	f := Must(New(MustColumn(NewInt64("n", []int64{1, 2}, nil))))
	e := Col("m").Gt(1)
	_, err1 := f.Filter(e)
	_, err2 := f.Where("m > 1")
	_, err3 := f.Mask(e)
	_, err4 := f.Derive("z", e)
	_, err5 := e.Type(map[string]Type{"n": Int64})
	for i, err := range []error{err1, err2, err3, err4, err5} {
		if !errors.Is(err, ErrNoColumn) {
			t.Errorf("%d: %v", i, err)
		}
		if strings.Count(err.Error(), "frame") > 0 || strings.Count(err.Error(), "unknown column") != 1 {
			t.Errorf("%d: %v", i, err)
		}
	}
	if !strings.HasPrefix(err4.Error(), `derive "z": unknown column "m"`) {
		t.Errorf("derive: %v", err4)
	}
}

// TestFunctionValues checks the functions on chosen values: rounding
// halves, negative digits, extremes, Unicode, dates before 1970 and leap
// days, and SQL's null rules.
func TestFunctionValues(t *testing.T) {
	day := func(s string) int64 { tm, _ := time.Parse("2006-01-02", s); return DaysFromTime(tm) }
	f := Must(New(
		NewFloat64("x", []float64{2.5, -2.5, 0.125, math.Copysign(0, -1), 1e300, math.Inf(-1), math.NaN(), 1234.5678}),
		MustColumn(NewInt64("n", []int64{15, -15, 25, math.MinInt64, math.MaxInt64, 0, 7, -7}, []bool{true, true, true, true, true, true, false, true})),
		MustColumn(NewString("s", []string{" Straße ", "ÉCLAIR", "", "日本語", "\xffA", "  ", "x", "İ"}, []bool{true, true, true, true, true, true, true, false})),
		MustColumn(NewDate("d", []int64{day("1969-12-31"), day("2024-02-29"), day("1900-03-01"), day("0001-01-01"), 0, day("2000-12-31"), -1, 1}, nil)),
		MustColumn(NewTimes("t", []time.Time{time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2024, 2, 29, 23, 0, 0, 0, time.UTC),
			{}, time.Unix(0, 0), time.Unix(0, 0), time.Unix(0, 0), time.Unix(0, 0), time.Unix(0, 0)}, []bool{true, true, false, true, true, true, true, true})),
	))
	tests := []struct{ in, want string }{
		{`round(x)`, "3 -3 0 -0 1e+300 -Inf _ 1235"},
		{`round(x, 2)`, "2.5 -2.5 0.13 -0 1e+300 -Inf _ 1234.57"},
		{`round(x, -2)`, "0 -0 0 -0 1e+300 -Inf _ 1200"},
		{`round(n, -1)`, "20 -20 30 9223372036854775806 -9223372036854775806 0 _ -10"},
		{`round(n, 1)`, "15 -15 25 -9223372036854775808 9223372036854775807 0 _ -7"},
		{`abs(n)`, "15 15 25 -9223372036854775808 9223372036854775807 0 _ 7"},
		{`abs(x)`, "2.5 2.5 0.125 0 1e+300 +Inf _ 1234.5678"},
		{`floor(x)`, "2 -3 0 -0 1e+300 -Inf _ 1234"},
		{`ceil(x)`, "3 -2 1 -0 1e+300 -Inf _ 1235"},
		{`floor(n) = n`, "T T T T T T _ T"},
		{`lower(s)`, " straße  éclair  日本語 \uFFFDa    x _"},
		{`upper(s)`, " STRAßE  ÉCLAIR  日本語 \uFFFDA    X _"},
		{`trim(s) = ''`, "F F T F F T F _"},
		{`len(s)`, "8 6 0 3 2 2 1 _"},
		{`year(d)`, "1969 2024 1900 1 1970 2000 1969 1970"},
		{`month(d) * 100 + day(d)`, "1231 229 301 101 101 1231 1231 102"},
		{`year(t) * 10000 + month(t) * 100 + day(t)`, "19691231 20240229 _ 19700101 19700101 19700101 19700101 19700101"},
		{`if(n > 0, x, n)`, "2.5 -15 0.125 -9.223372036854776e+18 1e+300 0 _ -7"},
		{`if(null, 1, 2)`, "2 2 2 2 2 2 2 2"},
		{`if(n > 0, null, 'pos') = 'pos'`, "_ T _ T _ T T T"},
		{`coalesce(null, n, 0)`, "15 -15 25 -9223372036854775808 9223372036854775807 0 0 -7"},
		{`coalesce(s, 'none')`, " Straße  ÉCLAIR  日本語 \xffA    x none"},
		{`coalesce(null, null) is null`, "T T T T T T T T"},
		{`between(n, 0, 20)`, "T F F F F T _ F"},
		{`between(n, null, 0)`, "F _ F _ F _ _ _"},
		{`matches(s, '^\p{Lu}')`, "F T F F F F F _"},
		{`n in (15, 25.0, 7)`, "T F T F F F _ F"},
		{`x in (2.5, 0, null)`, "T _ _ T _ _ _ _"},
		{`d in ('2024-02-29', '1970-01-02T00:00:00Z')`, "F T F F F F F T"},
		{`is_null(lower(s))`, "F F F F F F F T"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			c, err := MustParseExpr(tc.in).Eval(f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range c.Len() {
				switch {
				case c.IsNull(i):
					got = append(got, "_")
				case c.Type() == Bool && c.Bool(i):
					got = append(got, "T")
				case c.Type() == Bool:
					got = append(got, "F")
				case c.Type() == Float64:
					got = append(got, strconvG(c.Float64(i)))
				default:
					got = append(got, FormatValue(c, i))
				}
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("%s =\n %q, want\n %q", tc.in, g, tc.want)
			}
		})
	}
}

func strconvG(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
