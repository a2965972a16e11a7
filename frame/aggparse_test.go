package frame

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAgg(t *testing.T) {
	for _, tc := range []struct {
		src, name, want, out string
	}{
		{"median(a_mean)", "", "median(a_mean)", "a_mean_median"},
		{"MEDIAN( a_mean )", "m", "median(a_mean)", "m"},
		{"quantile(x, 0.9)", "", "quantile(x, 0.9, linear)", "x_p90"},
		{"count()", "n", "count()", "n"},
		{"count(*)", "", "count()", "count"},
		{"count(x)", "", "count_non_null(x)", "x_count"},
		{"avg(y)", "", "mean(y)", "y_mean"},
		{`sum("odd name")`, "", "sum(odd name)", "odd name_sum"},
		{`max('it''s')`, "", "max(it's)", "it's_max"},
	} {
		a, err := ParseAgg(tc.name, tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if a.String() != tc.want || a.Name() != tc.out {
			t.Errorf("%s: got %s named %s, want %s named %s", tc.src, a, a.Name(), tc.want, tc.out)
		}
	}
	for _, tc := range []struct{ src, msg string }{
		{"mediun(x)", "did you mean median?"},
		{"quantile(x)", "takes a column and a probability"},
		{"quantile(x, 1.5)", "in [0, 1]"},
		{"median(x", "no closing parenthesis"},
		{"median", "not a function call"},
		{"median(x, y)", "takes one column"},
		{"count(a, b)", "count takes"},
		{"median(f(x))", "column name or a number"},
		{"sum(x,)", "missing after"},
	} {
		_, err := ParseAgg("", tc.src)
		if err == nil || !errors.Is(err, ErrAgg) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want an ErrAgg saying %q", tc.src, err, tc.msg)
		}
	}
}

func TestAggResultType(t *testing.T) {
	if ty, err := Median("x").ResultType(Int64); err != nil || ty != Float64 {
		t.Fatal(ty, err)
	}
	if _, err := Median("x").ResultType(String); !errors.Is(err, ErrType) {
		t.Fatal(err)
	}
	if ty, _ := Sum("x").ResultType(Bool); ty != Int64 {
		t.Fatal(ty)
	}
	if ty, _ := Min("x").ResultType(Date); ty != Date {
		t.Fatal(ty)
	}
}
