package frame

import (
	"fmt"
	"testing"
	"time"
)

func TestComparisons(t *testing.T) {
	day := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		e    Expr
		want string
		ok   bool
	}{
		{"zero", Expr{}, "[]", false},
		{"one", Col("a").Gt(3), "[{a > 3}]", true},
		{"flipped", Lit(3.5).Le(Col("a")), "[{a >= 3.5}]", true},
		{"and", Col("a").Eq("x").And(Col("b").Ne(true)).And(Col("c").Lt(day)),
			"[{a == x} {b != true} {c < 2024-01-02 00:00:00 +0000 UTC}]", true},
		{"null literal", Col("a").Eq(nil), "[{a == <nil>}]", true},
		{"or is not a term", Col("a").Gt(1).And(Col("b").Eq(1).Or(Col("b").Eq(2))), "[{a > 1}]", false},
		{"col op col", Col("a").Gt(Col("b")), "[]", false},
		{"arith", Col("a").Add(1).Gt(2), "[]", false},
		{"parsed", MustParseExpr(`x >= -2 && "k" == name`), "[{x >= -2} {name == k}]", true},
		{"parsed float", MustParseExpr(`x < -2.5`), "[{x < -2.5}]", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmps, ok := tt.e.Comparisons()
			got := "["
			for i, c := range cmps {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("{%s %s %v}", c.Column, c.Op, c.Value)
			}
			got += "]"
			if got != tt.want || ok != tt.ok {
				t.Fatalf("Comparisons() = %s, %v; want %s, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	if !(Expr{}).IsZero() || Col("a").IsZero() {
		t.Fatal("IsZero")
	}
}
