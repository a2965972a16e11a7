package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/parallel"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const header = `name: t
inputs:
  a: { path: a.csv }
  b: { path: b.csv }
`

func TestValidationErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.csv": "k,x,s\n1,2.5,foo\n2,3.5,bar\n",
		"b.csv": "k,y\n1,10\n3,30\n",
	})
	cases := []struct {
		name, spec string
		line       int
		want       string
	}{
		{"unknown source", header + "steps:\n  - name: s\n    from: nope\noutput: {from: s, path: o.csv}\n", 7, `unknown input or step "nope"`},
		{"unknown filter column", header + "steps:\n  - name: s\n    from: a\n    filter: z > 1\noutput: {from: s, path: o.csv}\n", 8, `unknown column "z"`},
		{"filter type error", header + "steps:\n  - name: s\n    from: a\n    filter: s > 1\noutput: {from: s, path: o.csv}\n", 8, `cannot compare string column s with number 1`},
		{"filter not bool", header + "steps:\n  - name: s\n    from: a\n    filter: x + 1\noutput: {from: s, path: o.csv}\n", 8, `not true or false`},
		{"unknown function", header + "steps:\n  - name: s\n    from: a\n    group_by: [k]\n    agg: { m: mode(x) }\noutput: {from: s, path: o.csv}\n", 9, `unknown aggregation "mode"`},
		{"median of text", header + "steps:\n  - name: s\n    from: a\n    group_by: [k]\n    agg: { m: median(s) }\noutput: {from: s, path: o.csv}\n", 9, `median(s): s is string, not a number`},
		{"bad join key", header + "steps:\n  - name: s\n    join: { left: a, right: b, on: [q] }\noutput: {from: s, path: o.csv}\n", 7, `join key "q" is not a column of a`},
		{"join key types", header + "steps:\n  - name: s\n    join: { left: a, right: b, on: { s: k } }\noutput: {from: s, path: o.csv}\n", 7, `is string but b.k is int64`},
		{"cycle", header + "steps:\n  - name: s\n    from: u\n  - name: u\n    from: s\noutput: {from: s, path: o.csv}\n", 8, `cycle: s → u → s`},
		{"select missing", header + "steps:\n  - name: s\n    from: a\n    select: [k, nope]\noutput: {from: s, path: o.csv}\n", 8, `select column "nope"`},
		{"unknown output", header + "steps: []\noutput: {from: zz, path: o.csv}\n", 6, `unknown input or step "zz"`},
		{"unknown step key", header + "steps:\n  - name: s\n    from: a\n    fliter: x > 1\noutput: {from: s, path: o.csv}\n", 8, `unknown key "fliter"`},
		{"quantile range", header + "steps:\n  - name: s\n    from: a\n    group_by: [k]\n    agg:\n      q: quantile(x, 1.5)\noutput: {from: s, path: o.csv}\n", 10, `probability must be a number in [0, 1]`},
		{"missing file", "inputs:\n  a: { path: missing.csv }\nsteps: []\noutput: {from: a, path: o.csv}\n", 2, `input "a"`},
		{"no output", header + "steps: []\n", 1, `no output`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := filepath.Join(dir, "spec.yaml")
			p, err := Parse([]byte(tc.spec), spec)
			if err == nil {
				err = Validate(context.Background(), p, Options{})
			}
			if err == nil {
				t.Fatal("no error")
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *pipeline.Error", err)
			}
			if pe.Line != tc.line {
				t.Errorf("line %d, want %d (%v)", pe.Line, tc.line, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), spec+":") {
				t.Errorf("error %q does not start with the spec file", err)
			}
		})
	}
}

func TestRunSmallPlan(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.csv": "k,x,s\n1,2.5,foo\n2,3.5,bar\n1,4.5,baz\n3,,qux\n",
		"b.csv": "k,y\n1,10\n3,30\n",
	})
	spec := header + `steps:
  - name: j
    join: { left: a, right: b, on: [k], how: left }
  - name: g
    from: j
    filter: not_null(x)
    group_by: [k]
    agg:
      n: count()
      mx: max(x)
      med: median(x)
      q: quantile(x, 0.5)
      y: first(y)
    sort: [-k]
output: {from: g, path: out.csv}
`
	p, err := Parse([]byte(spec), filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(res.Outputs[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	want := "k,n,mx,med,q,y\n2,1,3.5,3.5,3.5,\n1,2,4.5,3.5,3.5,10\n"
	if string(b) != want {
		t.Fatalf("got\n%s\nwant\n%s", b, want)
	}
}

func TestRunCancelledLeavesNoOutput(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.csv": "k\n1\n2\n"})
	p, err := Parse([]byte("inputs:\n  a: a.csv\nsteps: []\noutput: {from: a, path: o.csv}\n"), filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, p, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "a.csv" && e.Name() != "s.yaml" {
			t.Fatalf("left behind: %s", e.Name())
		}
	}
}

// TestBudgetedRunMatchesInMemory runs plans whose group-by and join read big
// inputs directly, once in memory and once under a small budget that makes
// the out-of-core operators spill (ForceSpill, 4 MiB budget), and checks the
// outputs are identical and the spill directory is left empty.
func TestBudgetedRunMatchesInMemory(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("k,x,s\n")
	b.WriteString("k,y\n")
	for i := range 60000 {
		fmt.Fprintf(&a, "%d,%d.5,s%d\n", i%997, i%1013, i%7)
		if i%3 == 0 {
			fmt.Fprintf(&b, "%d,%d\n", i%1500, i)
		}
	}
	dir := writeFiles(t, map[string]string{"a.csv": a.String(), "b.csv": b.String()})
	spec := header + `steps:
  - name: g
    from: a
    filter: x > 10
    group_by: [k]
    agg:
      n: count()
      med: median(x)
      p90: quantile(x, 0.9)
  - name: j
    join: { left: a, right: b, on: [k], how: left }
    filter: y > 5000
    select: [k, x, y]
outputs:
  - { from: g, path: g.csv }
  - { from: j, path: j.csv }
`
	// a is consumed twice here, so it is read whole; a plan of its own
	// streams it — run both shapes
	spec2 := header + `steps:
  - name: g
    from: a
    filter: x > 10
    group_by: [k]
    agg:
      n: count()
      med: median(x)
output: { from: g, path: g2.csv }
`
	for _, sp := range []string{spec, spec2} {
		p, err := Parse([]byte(sp), filepath.Join(dir, "spec.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		mem, err := Run(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]byte{}
		for _, o := range mem.Outputs {
			want[o.Path], _ = os.ReadFile(o.Path)
		}
		spill := t.TempDir()
		res, err := Run(context.Background(), p, Options{Options: parallel.Options{MemoryBudget: 4 << 20, SpillDir: spill, ForceSpill: true}})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Outputs {
			got, _ := os.ReadFile(o.Path)
			if string(got) != string(want[o.Path]) {
				t.Fatalf("%s differs under a 4 MiB budget", o.Path)
			}
		}
		left, _ := os.ReadDir(spill)
		if len(left) != 0 {
			t.Fatalf("spill directory not empty: %v", left)
		}
	}
}
