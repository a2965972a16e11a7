package frame

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ErrAgg is wrapped by the errors of [ParseAgg].
var ErrAgg = errors.New("bad aggregation")

// aggFuncs is the table of aggregation names ParseAgg knows: how many
// column arguments each takes and how to build it.
var aggFuncs = []struct {
	name  string
	alias []string
	build func(col string) Agg
	help  string
}{
	{"count", nil, nil, "count() counts rows, count(x) non-null values of x"},
	{"sum", nil, Sum, "sum of x"},
	{"mean", []string{"avg", "average"}, Mean, "mean of x"},
	{"median", nil, Median, "exact median of x (numpy's)"},
	{"quantile", nil, nil, "quantile(x, p): exact p-quantile of x, numpy's linear method"},
	{"min", nil, Min, "smallest value of x"},
	{"max", nil, Max, "largest value of x"},
	{"std", nil, Std, "standard deviation of x (ddof 1, as pandas)"},
	{"var", nil, Var, "variance of x (ddof 1)"},
	{"nunique", nil, NUnique, "number of distinct non-null values of x"},
	{"first", nil, First, "first non-null value of x"},
	{"last", nil, Last, "last non-null value of x"},
}

// AggFuncNames returns the aggregation function names [ParseAgg] accepts,
// each with a one-line description, in a stable order (for help texts).
func AggFuncNames() [][2]string {
	out := make([][2]string, len(aggFuncs))
	for i, f := range aggFuncs {
		out[i] = [2]string{f.name, f.help}
	}
	return out
}

// ParseAgg reads an aggregation as command lines and spec files write it —
// "median(a_mean)", "quantile(a_mean, 0.9)", "count()", "count(*)",
// "count(x)", "sum(\"odd name\")" — and names its output column name (the
// default name, see [Agg.Name], when name is ""). Function names are
// case-insensitive. Errors wrap [ErrAgg] and say what was expected.
func ParseAgg(name, src string) (Agg, error) {
	fn, args, err := splitCall(src)
	if err != nil {
		return Agg{}, err
	}
	lower := strings.ToLower(fn)
	var a Agg
	switch lower {
	case "count":
		switch {
		case len(args) == 0 || len(args) == 1 && (args[0] == "*" || args[0] == "_"):
			a = Count()
		case len(args) == 1:
			a = CountNonNull(args[0])
		default:
			return Agg{}, fmt.Errorf("%q: count takes no column (rows) or one (non-null values): %w", src, ErrAgg)
		}
	case "quantile":
		if len(args) != 2 {
			return Agg{}, fmt.Errorf("%q: quantile takes a column and a probability, e.g. quantile(x, 0.9): %w", src, ErrAgg)
		}
		p, perr := strconv.ParseFloat(args[1], 64)
		if perr != nil || p < 0 || p > 1 {
			return Agg{}, fmt.Errorf("%q: the probability must be a number in [0, 1]: %w", src, ErrAgg)
		}
		a = Quantile(args[0], p)
	default:
		found := false
		for _, f := range aggFuncs {
			if f.build == nil {
				continue
			}
			if f.name == lower || containsStr(f.alias, lower) {
				if len(args) != 1 || args[0] == "" {
					return Agg{}, fmt.Errorf("%q: %s takes one column: %w", src, f.name, ErrAgg)
				}
				a, found = f.build(args[0]), true
				break
			}
		}
		if !found {
			var names []string
			for _, f := range aggFuncs {
				names = append(names, f.name)
			}
			hint := ""
			if s := suggest(lower, names); s != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", s)
			}
			return Agg{}, fmt.Errorf("unknown aggregation %q%s; have %s: %w", fn, hint, strings.Join(names, ", "), ErrAgg)
		}
	}
	if name != "" {
		a = a.As(name)
	}
	return a, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// splitCall splits "fn(a, b)" into fn and its arguments: bare words,
// numbers, * or quoted names ('…' or "…").
func splitCall(src string) (string, []string, error) {
	s := strings.TrimSpace(src)
	open := strings.IndexByte(s, '(')
	if open <= 0 || !strings.HasSuffix(s, ")") {
		if open > 0 && !strings.Contains(s, ")") {
			return "", nil, fmt.Errorf("%q has no closing parenthesis (in a YAML flow mapping {…} quote an aggregation that holds a comma): %w", src, ErrAgg)
		}
		return "", nil, fmt.Errorf("%q is not a function call like median(col): %w", src, ErrAgg)
	}
	fn := strings.TrimSpace(s[:open])
	for _, r := range fn {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return "", nil, fmt.Errorf("%q is not a function call like median(col): %w", src, ErrAgg)
		}
	}
	body := s[open+1 : len(s)-1]
	var args []string
	for i := 0; i < len(body); {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		if i >= len(body) {
			break
		}
		var arg string
		if q := body[i]; q == '"' || q == '\'' {
			j := i + 1
			var sb strings.Builder
			for ; j < len(body); j++ {
				if body[j] == q {
					if j+1 < len(body) && body[j+1] == q {
						sb.WriteByte(q)
						j++
						continue
					}
					break
				}
				sb.WriteByte(body[j])
			}
			if j >= len(body) {
				return "", nil, fmt.Errorf("%q: unterminated quoted column name: %w", src, ErrAgg)
			}
			arg = sb.String()
			i = j + 1
		} else {
			j := i
			for j < len(body) && body[j] != ',' {
				if body[j] == '(' || body[j] == ')' {
					return "", nil, fmt.Errorf("%q: an argument must be a column name or a number: %w", src, ErrAgg)
				}
				j++
			}
			arg = strings.TrimSpace(body[i:j])
			i = j
		}
		args = append(args, arg)
		for i < len(body) && body[i] == ' ' {
			i++
		}
		if i < len(body) {
			if body[i] != ',' {
				return "", nil, fmt.Errorf("%q: expected ',' between arguments: %w", src, ErrAgg)
			}
			i++
			if strings.TrimSpace(body[i:]) == "" {
				return "", nil, fmt.Errorf("%q: an argument is missing after ',': %w", src, ErrAgg)
			}
		}
	}
	return fn, args, nil
}

// ResultType returns the type of the aggregation's output column over an
// input column of type t (ignored for Count), or an error wrapping ErrType
// naming the column when the aggregation cannot take that type.
func (a Agg) ResultType(t Type) (Type, error) {
	numeric := t == Int64 || t == Float64 || t == Bool
	switch a.kind {
	case aggCount, aggCountNonNull, aggNUnique:
		return Int64, nil
	case aggSum:
		if !numeric {
			return 0, fmt.Errorf("sum(%s): %s is %v, not a number: %w", a.col, a.col, t, ErrType)
		}
		if t == Float64 {
			return Float64, nil
		}
		return Int64, nil
	case aggMean, aggMedian, aggQuantile, aggStd, aggVar, aggFunc, aggFunc2:
		if !numeric {
			return 0, fmt.Errorf("%s: %s is %v, not a number: %w", a.String(), a.col, t, ErrType)
		}
		return Float64, nil
	}
	return t, nil // min, max, first, last
}

// Func returns the aggregation's function name as ParseAgg reads it
// ("median", "quantile", "count", …; a user function's name).
func (a Agg) Func() string {
	switch a.kind {
	case aggCount, aggCountNonNull:
		return "count"
	case aggQuantile:
		return "quantile"
	case aggFunc, aggFunc2:
		return a.fname
	}
	return aggSuffix[a.kind]
}

// P returns a Quantile's probability (0 for the others).
func (a Agg) P() float64 { return a.p }

// Suggest returns the candidate closest to name when one is close enough to
// be a likely typo (equal but for case, or a few edits away for longer
// names), and "" otherwise: the "did you mean" of error messages.
func Suggest(name string, candidates []string) string { return suggest(name, candidates) }
