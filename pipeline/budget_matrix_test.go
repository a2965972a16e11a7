package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sluicedata/sluice/parallel"
)

// budgetSpec has a step of every kind (derive, filter, join, group_by +
// agg with median and quantile, select, rename, distinct, sort, limit) and
// a step read by two others (spooled).
const budgetSpec = `
name: budget-matrix
inputs:
  a: { path: a.csv }
  b: { path: b.csv }
steps:
  - name: f
    from: a
    derive: { y: x * 2 }
    filter: x > -50
  - name: j
    join: { left: f, right: b, on: [k], how: left }
  - name: g
    from: j
    group_by: [s]
    agg: { cnt: count(), med: median(y), p9: "quantile(x, 0.9)", tot: sum(n) }
    sort: [-cnt, s]
  - name: d
    from: j
    select: [k, s]
    rename: { s: ss }
    distinct: true
    sort: [k, ss]
    limit: 500
outputs:
  - { from: g, path: out/g.csv }
  - { from: d, path: out/d.csv }
`

// writeBudgetInputs writes a.csv (one key holding a third of the rows)
// and b.csv (a few rows per key) into dir.
func writeBudgetInputs(t *testing.T, dir string, n int) {
	rng := rand.New(rand.NewPCG(19, 1))
	var a, b bytes.Buffer
	a.WriteString("k,s,x,n\n")
	for range n {
		k := rng.IntN(n / 10)
		if rng.IntN(3) == 0 {
			k = 0
		}
		fmt.Fprintf(&a, "%d,s%03d,%g,%d\n", k, rng.IntN(300), float64(rng.IntN(2000)-1000)/8, rng.IntN(100))
	}
	b.WriteString("k,label,w\n")
	for i := range n / 4 {
		fmt.Fprintf(&b, "%d,lab%d,%d\n", rng.IntN(n/10), i%17, rng.IntN(9))
	}
	for name, buf := range map[string]*bytes.Buffer{"a.csv": &a, "b.csv": &b} {
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestSpecBudgetMatrix runs a spec with every step kind at budgets from
// 256 KiB to 256 MiB: each run writes exactly the outputs of a run without
// a budget, or fails with ErrBudget; none may hang (a watchdog dumps the
// goroutines and stops the test binary).
func TestSpecBudgetMatrix(t *testing.T) {
	dir := t.TempDir()
	n := 40000
	if testing.Short() {
		n = 10000
	}
	writeBudgetInputs(t, dir, n)
	p, err := Parse([]byte(budgetSpec), filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	read := func() map[string][]byte {
		out := map[string][]byte{}
		for _, name := range []string{"g.csv", "d.csv"} {
			b, err := os.ReadFile(filepath.Join(dir, "out", name))
			if err == nil {
				out[name] = b
			}
			os.Remove(filepath.Join(dir, "out", name))
		}
		return out
	}
	if _, err := Run(context.Background(), p, Options{DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	want := read()
	if len(want) != 2 || bytes.Count(want["g.csv"], []byte("\n")) != 301 {
		t.Fatalf("reference run: %d outputs, g.csv has %d lines", len(want), bytes.Count(want["g.csv"], []byte("\n")))
	}
	spill := t.TempDir()
	budgets := []int64{256 << 10, 1 << 20, 256 << 20}
	if !testing.Short() {
		budgets = nil
		for b := int64(256 << 10); b <= 256<<20; b *= 2 {
			budgets = append(budgets, b)
		}
	}
	smallest := int64(-1)
	for i, budget := range budgets {
		opt := Options{DataDir: dir}
		opt.MemoryBudget, opt.SpillDir, opt.Workers = budget, spill, 1+i%3
		what := fmt.Sprintf("budget %d KiB, %d workers", budget>>10, opt.Workers)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		dog := time.AfterFunc(2*time.Minute+30*time.Second, func() {
			buf := make([]byte, 8<<20)
			fmt.Fprintf(os.Stderr, "spec budget matrix: %s hangs; goroutines:\n%s", what, buf[:runtime.Stack(buf, true)])
			os.Exit(3)
		})
		_, err := Run(ctx, p, opt)
		dog.Stop()
		cancel()
		got := read()
		switch {
		case err == nil:
			for name, w := range want {
				if !bytes.Equal(got[name], w) {
					t.Errorf("%s: %s differs from the run without a budget", what, name)
				}
			}
			if smallest < 0 {
				smallest = budget
			}
		case errors.Is(err, context.DeadlineExceeded):
			t.Errorf("%s: timed out: %v", what, err)
		case !errors.Is(err, parallel.ErrBudget):
			t.Errorf("%s: failed without ErrBudget: %v", what, err)
		case budget == 256<<20:
			t.Errorf("%s: %v", what, err)
		default:
			// an output finished before the failure may stay: it is
			// complete (checked below); nothing partial may
			t.Logf("%s: %v", what, err)
			for name, b := range got {
				if !bytes.Equal(b, want[name]) {
					t.Errorf("%s: failed run left a partial %s", what, name)
				}
			}
		}
		if ents, _ := os.ReadDir(spill); len(ents) != 0 {
			t.Errorf("%s: spill dir not empty: %v", what, ents[0].Name())
		}
		if ents, _ := os.ReadDir(filepath.Join(dir, "out")); len(ents) != 0 {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("%s: left in out/: %s", what, strings.Join(names, " "))
		}
	}
	t.Logf("smallest budget that ran the spec: %d KiB", smallest>>10)
}
