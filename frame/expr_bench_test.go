package frame

import (
	"fmt"
	"strings"
	"testing"
)

// benchExprs are expressions that the parser of every version reads (Go
// syntax, the functions of the first release), so their timings compare
// across versions.
var benchExprs = []struct{ name, expr string }{
	{"cmp-and", `i < 500 && f >= 50.0`},
	{"arith", `i * 2 + f > 100.0`},
	{"str-eq", `s == "abcdefgh"`},
	{"str-prefix", `has_prefix(s, "ab")`},
	{"in-3-strings", `in(s, "abcdefgh", "zzzzzzzz", "qwertyui")`},
	{"in-200-ints", `in(i` + strings.Repeat(", 7", 199) + `, 3)`},
	{"nulls", `is_null(f) || i % 7 == 0`},
}

// benchFuncs use the functions added later.
var benchFuncs = []struct{ name, expr string }{
	{"lower-eq", `lower(s) = 'abcdefgh'`},
	{"len", `len(s) > 10`},
	{"round", `round(f, 1) > 50`},
	{"if", `if(i > 500, f, i) > 100`},
	{"coalesce", `coalesce(f, i) > 50`},
	{"between", `i between 100 and 200`},
	{"matches", `matches(s, '^ab.*z$')`},
	{"in-2000-ints", `i in (` + strings.Repeat("7, ", 1999) + `3)`},
}

// BenchmarkExpr1M times Mask on a 1M-row frame (10% nulls) per expression.
func BenchmarkExpr1M(b *testing.B) {
	f := bigFrame(1_000_000, 0.1)
	for _, set := range [][]struct{ name, expr string }{benchExprs, benchFuncs} {
		for _, tc := range set {
			b.Run(tc.name, func(b *testing.B) {
				e, err := ParseExpr(tc.expr)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := f.Mask(e); err != nil {
						b.Fatal(fmt.Sprint(err))
					}
				}
			})
		}
	}
}
