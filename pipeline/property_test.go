package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicedata/sluice/parallel"
)

// TestRandomPlansUnderBudget is the executor's property test: random small
// plans (chains of steps with random derive, filter, join, group_by + agg,
// select, rename, distinct, sort and limit clauses, some steps read by two
// others) run once in memory on one worker, then at 2 and 3 workers under
// 1 and 2 MiB budgets with every operator forced to spill. Every budgeted
// run must write byte for byte the outputs of the in-memory run (a few may
// fail with ErrBudget instead), and leave its spill directory empty.
func TestRandomPlansUnderBudget(t *testing.T) {
	plans := 60
	if testing.Short() {
		plans = 15
	}
	dir := t.TempDir()
	writePropertyInputs(t, dir, 3000)
	spill := t.TempDir()
	kinds := map[string]int{}
	budgetErrs := 0
	for seed := range plans {
		rng := rand.New(rand.NewPCG(uint64(seed), 77))
		spec, outs, used := randomPlan(rng)
		for _, u := range used {
			kinds[u]++
		}
		p, err := Parse([]byte(spec), filepath.Join(dir, "spec.yaml"))
		if err != nil {
			t.Fatalf("seed %d: the generator wrote an invalid spec: %v\n%s", seed, err, spec)
		}
		read := func() map[string][]byte {
			got := map[string][]byte{}
			for _, o := range outs {
				path := filepath.Join(dir, o)
				if b, err := os.ReadFile(path); err == nil {
					got[o] = b
				}
				os.Remove(path)
			}
			return got
		}
		ref := Options{DataDir: dir}
		ref.Workers = 1
		if _, err := Run(context.Background(), p, ref); err != nil {
			t.Fatalf("seed %d: in-memory run: %v\n%s", seed, err, spec)
		}
		want := read()
		for _, c := range []struct {
			workers int
			budget  int64
		}{{2, 1 << 20}, {3, 2 << 20}} {
			opt := Options{DataDir: dir}
			opt.Workers, opt.MemoryBudget, opt.SpillDir, opt.ForceSpill = c.workers, c.budget, spill, true
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_, err := Run(ctx, p, opt)
			cancel()
			got := read()
			what := fmt.Sprintf("seed %d, %d workers, budget %d KiB", seed, c.workers, c.budget>>10)
			switch {
			case errors.Is(err, parallel.ErrBudget):
				t.Logf("%s: %v", what, err)
				budgetErrs++
			case err != nil:
				t.Fatalf("%s: %v\n%s", what, err, spec)
			default:
				for _, o := range outs {
					if !bytes.Equal(got[o], want[o]) {
						t.Fatalf("%s: %s differs from the in-memory run\nspec:\n%s\nwant:\n%s\ngot:\n%s", what, o, spec, head(want[o]), head(got[o]))
					}
				}
			}
			if ents, _ := os.ReadDir(spill); len(ents) != 0 {
				t.Fatalf("%s: spill directory not empty: %s", what, ents[0].Name())
			}
		}
	}
	// the property says little if the budgeted runs mostly refuse
	if budgetErrs > plans/10 {
		t.Errorf("%d of %d budgeted runs failed with ErrBudget", budgetErrs, 2*plans)
	}
	// the generator must keep reaching every clause kind
	for _, k := range []string{"derive", "filter", "join", "group_by", "agg", "select", "rename", "distinct", "sort", "limit", "two readers"} {
		if kinds[k] == 0 {
			t.Errorf("no plan used %s", k)
		}
	}
	t.Logf("clause kinds over %d plans: %v", plans, kinds)
}

func head(b []byte) string {
	lines := strings.SplitN(string(b), "\n", 12)
	if len(lines) == 12 {
		lines[11] = "…"
	}
	return strings.Join(lines, "\n")
}

// writePropertyInputs writes a.csv (k with nulls and a hot key, s, x with
// nulls, n) and b.csv (several rows per key: joins multiply rows).
func writePropertyInputs(t *testing.T, dir string, n int) {
	rng := rand.New(rand.NewPCG(5, 6))
	var a, b bytes.Buffer
	a.WriteString("k,s,x,n\n")
	for range n {
		k := fmt.Sprint(rng.IntN(n / 20))
		switch rng.IntN(10) {
		case 0:
			k = "0"
		case 1:
			if rng.IntN(4) == 0 {
				k = ""
			}
		}
		x := fmt.Sprint(float64(rng.IntN(4000)-2000) / 8)
		if rng.IntN(15) == 0 {
			x = ""
		}
		fmt.Fprintf(&a, "%s,s%02d,%s,%d\n", k, rng.IntN(40), x, rng.IntN(50))
	}
	b.WriteString("k,label,w\n")
	for i := range n / 3 {
		fmt.Fprintf(&b, "%d,lab%d,%d\n", rng.IntN(n/20), i%11, rng.IntN(9))
	}
	for name, buf := range map[string]*bytes.Buffer{"a.csv": &a, "b.csv": &b} {
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// col is a column of a frame the generator tracks.
type col struct {
	name string
	num  bool // int or float; otherwise a string key
}

// randomPlan returns a spec of two to four steps, the output paths it
// writes and the clause kinds it used.
func randomPlan(rng *rand.Rand) (spec string, outs, used []string) {
	frames := map[string][]col{
		"a": {{"k", true}, {"s", false}, {"x", true}, {"n", true}},
		"b": {{"k", true}, {"label", false}, {"w", true}},
	}
	names := []string{"a"}
	readers := map[string]int{}
	var sb strings.Builder
	sb.WriteString("name: prop\ninputs:\n  a: { path: a.csv }\n  b: { path: b.csv }\nsteps:\n")
	steps := 2 + rng.IntN(3)
	has := func(cols []col, n string) bool {
		return slices.ContainsFunc(cols, func(c col) bool { return c.name == n })
	}
	pick := func(cols []col, num bool) (col, bool) {
		var cand []col
		for _, c := range cols {
			if c.num == num {
				cand = append(cand, c)
			}
		}
		if len(cand) == 0 {
			return col{}, false
		}
		return cand[rng.IntN(len(cand))], true
	}
	for i := range steps {
		name := fmt.Sprintf("t%d", i)
		src := names[rng.IntN(len(names))]
		readers[src]++
		cols := slices.Clone(frames[src])
		fmt.Fprintf(&sb, "  - name: %s\n", name)
		if has(cols, "k") && !has(cols, "label") && !has(cols, "w") && rng.IntN(3) == 0 {
			how := []string{"inner", "left"}[rng.IntN(2)]
			fmt.Fprintf(&sb, "    join: { left: %s, right: b, on: [k], how: %s }\n", src, how)
			cols = append(cols, col{"label", false}, col{"w", true})
			used = append(used, "join")
		} else {
			fmt.Fprintf(&sb, "    from: %s\n", src)
		}
		if c, ok := pick(cols, true); ok && rng.IntN(3) == 0 {
			d := fmt.Sprintf("d%d", i)
			fmt.Fprintf(&sb, "    derive: { %s: %s * 2 + 1 }\n", d, c.name)
			cols = append(cols, col{d, true})
			used = append(used, "derive")
		}
		if rng.IntN(2) == 0 {
			if c, ok := pick(cols, true); ok && rng.IntN(3) > 0 {
				fmt.Fprintf(&sb, "    filter: %s > %d\n", c.name, rng.IntN(40)-10)
			} else if c, ok := pick(cols, false); ok {
				fmt.Fprintf(&sb, "    filter: %s != '%s'\n", c.name, map[string]string{"s": "s03", "label": "lab2"}[c.name])
			}
			used = append(used, "filter")
		}
		if rng.IntN(5) < 2 {
			var keys []col
			for _, c := range cols {
				if (c.name == "k" || !c.num) && rng.IntN(2) == 0 {
					keys = append(keys, c)
				}
			}
			var aggs []string
			out := slices.Clone(keys)
			aggs = append(aggs, "cnt: count()")
			out = append(out, col{"cnt", true})
			fns := []string{"sum(%s)", "mean(%s)", "median(%s)", "quantile(%s, 0.25)", "min(%s)", "max(%s)", "nunique(%s)", "first(%s)", "last(%s)", "count(%s)"}
			for j := range 1 + rng.IntN(3) {
				c, ok := pick(cols, true)
				if !ok {
					break
				}
				if slices.Contains(keys, c) {
					continue
				}
				a := fmt.Sprintf("a%d", j)
				aggs = append(aggs, a+": \""+fmt.Sprintf(fns[rng.IntN(len(fns))], c.name)+"\"")
				out = append(out, col{a, true})
			}
			if len(keys) > 0 {
				var kn []string
				for _, k := range keys {
					kn = append(kn, k.name)
				}
				fmt.Fprintf(&sb, "    group_by: [%s]\n", strings.Join(kn, ", "))
				used = append(used, "group_by")
			}
			fmt.Fprintf(&sb, "    agg: { %s }\n", strings.Join(aggs, ", "))
			used = append(used, "agg")
			cols = out
		}
		if len(cols) > 1 && rng.IntN(4) == 0 {
			var keep []col
			for _, c := range cols {
				if rng.IntN(3) > 0 {
					keep = append(keep, c)
				}
			}
			if len(keep) == 0 {
				keep = cols[:1]
			}
			var kn []string
			for _, c := range keep {
				kn = append(kn, c.name)
			}
			fmt.Fprintf(&sb, "    select: [%s]\n", strings.Join(kn, ", "))
			cols = keep
			used = append(used, "select")
		}
		if rng.IntN(5) == 0 {
			j := rng.IntN(len(cols))
			r := fmt.Sprintf("r%d", i)
			fmt.Fprintf(&sb, "    rename: { %s: %s }\n", cols[j].name, r)
			cols[j].name = r
			used = append(used, "rename")
		}
		if rng.IntN(4) == 0 {
			sb.WriteString("    distinct: true\n")
			used = append(used, "distinct")
		}
		if rng.IntN(2) == 0 {
			var by []string
			for _, j := range rng.Perm(len(cols))[:1+rng.IntN(min(2, len(cols)))] {
				by = append(by, []string{"", "-"}[rng.IntN(2)]+cols[j].name)
			}
			fmt.Fprintf(&sb, "    sort: [%s]\n", strings.Join(by, ", "))
			used = append(used, "sort")
		}
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&sb, "    limit: %d\n", 1+rng.IntN(300))
			used = append(used, "limit")
		}
		frames[name] = cols
		names = append(names, name)
	}
	for _, n := range readers {
		if n > 1 {
			used = append(used, "two readers")
			break
		}
	}
	last := names[len(names)-1]
	outs = []string{last + ".csv"}
	sb.WriteString("outputs:\n")
	fmt.Fprintf(&sb, "  - { from: %s, path: %s.csv }\n", last, last)
	if other := names[1+rng.IntN(len(names)-1)]; other != last {
		fmt.Fprintf(&sb, "  - { from: %s, path: %s.csv }\n", other, other)
		outs = append(outs, other+".csv")
	}
	return sb.String(), outs, used
}
