package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedata/sluice/parallel"
	_ "github.com/sluicedata/sluice/writers/parquet"
)

// resumeSpec has two inputs and a chain of steps with a join, a group-by,
// a distinct and a sort: every kind of blocking operator between them.
const resumeSpec = `name: resume
inputs:
  sales: { path: sales.csv }
  shops: { path: shops.csv }
steps:
  - name: big
    from: sales
    filter: qty > 2
    derive: { amount: qty * price }
  - name: by_shop
    from: big
    group_by: [shop, day]
    agg: { n: count(), total: sum(amount), mid: median(price) }
  - name: shops_ok
    from: shops
    distinct: true
  - name: joined
    join: { left: by_shop, right: shops_ok, on: [shop], how: left }
  - name: final
    from: joined
    sort: [region, -total, shop, day]
outputs:
  - { from: final, path: out.csv }
  - { from: final, path: out.parquet }
  - { from: by_shop, path: by_shop.ndjson }
`

// writeResumeData writes the spec and its inputs to a new directory.
func writeResumeData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	var sales, shops strings.Builder
	sales.WriteString("shop,day,qty,price,note\n")
	for i := range 20000 {
		note := ""
		if i%7 == 0 {
			note = fmt.Sprintf("n%d", rng.IntN(50))
		}
		day := fmt.Sprintf("2024-01-%02d", 1+rng.IntN(28))
		fmt.Fprintf(&sales, "s%03d,%s,%d,%.2f,%s\n", rng.IntN(300), day, rng.IntN(10), rng.Float64()*100, note)
	}
	shops.WriteString("shop,region,open\n")
	for i := range 250 {
		for range 1 + i%2 { // duplicates for distinct
			fmt.Fprintf(&shops, "s%03d,r%d,%v\n", i, i%5, i%3 == 0)
		}
	}
	for name, text := range map[string]string{"spec.yaml": resumeSpec, "sales.csv": sales.String(), "shops.csv": shops.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// outputsOf reads a run's three outputs.
func outputsOf(t *testing.T, dir string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, name := range []string{"out.csv", "out.parquet", "by_shop.ndjson"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
		os.Remove(filepath.Join(dir, name))
	}
	return out
}

func sameOutputs(t *testing.T, what string, want, got [][]byte) {
	t.Helper()
	for i := range want {
		if !bytes.Equal(want[i], got[i]) {
			t.Fatalf("%s: output %d differs (%d bytes, want %d)", what, i, len(got[i]), len(want[i]))
		}
	}
}

func loadIn(t *testing.T, dir string) *Plan {
	t.Helper()
	p, err := Load(filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func stepMap(res *Result) map[string]StepResult {
	m := map[string]StepResult{}
	for _, s := range res.Steps {
		m[s.Name] = s
	}
	return m
}

var resumeSteps = []string{"big", "by_shop", "shops_ok", "joined", "final"}

// TestResumeAfterCancel interrupts a checkpointed run right after one of
// its steps finished, resumes it, and checks that the output is the same
// bytes as an uninterrupted run's and that no finished step ran again.
func TestResumeAfterCancel(t *testing.T) {
	dir := writeResumeData(t)
	opt := Options{}
	opt.Workers = 2
	if _, err := Run(context.Background(), loadIn(t, dir), opt); err != nil {
		t.Fatal(err)
	}
	want := outputsOf(t, dir)
	for _, stopAfter := range resumeSteps {
		t.Run(stopAfter, func(t *testing.T) {
			ck := filepath.Join(dir, ".ck-"+stopAfter)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var mu sync.Mutex
			finished := map[string]bool{}
			o := opt
			o.Checkpoints = ck
			o.Progress = func(p parallel.Progress) {
				if !p.Done {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, s := range resumeSteps {
					if p.Phase == s && !finished["cancelled"] {
						finished[s] = true
					}
				}
				if p.Phase == stopAfter {
					finished["cancelled"] = true
					cancel() // a crash right after stopAfter's checkpoint
				}
			}
			_, err := Run(ctx, loadIn(t, dir), o)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v, want context.Canceled", err)
			}
			for _, name := range []string{"out.csv", "out.parquet", "by_shop.ndjson"} {
				if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
					t.Fatalf("interrupted run left %s", name)
				}
			}
			if !finished[stopAfter] {
				t.Fatalf("step %s never finished", stopAfter)
			}
			o.Progress = nil
			res, err := Run(context.Background(), loadIn(t, dir), o)
			if err != nil {
				t.Fatalf("resumed run: %v", err)
			}
			sameOutputs(t, "resumed run", want, outputsOf(t, dir))
			got := stepMap(res)
			reused := 0
			for _, s := range resumeSteps {
				r := got[s]
				switch {
				case finished[s] && r.Reused:
					reused++
					if r.Rows == 0 {
						t.Errorf("step %s reused with 0 rows", s)
					}
				case finished[s] && r.Rows > 0:
					t.Errorf("step %s finished before the interruption but was computed again (%d rows)", s, r.Rows)
				case !finished[s] && r.Reused:
					t.Errorf("step %s did not finish but was reused", s)
				case !finished[s] && r.Rows == 0:
					t.Errorf("step %s did not finish and was not computed", s)
				}
			}
			if reused == 0 {
				t.Errorf("no step reused; finished %v", finished)
			}
			// success removes the checkpoints and the run directory
			if _, err := os.Stat(ck); !os.IsNotExist(err) {
				t.Errorf("run directory left after success: %v %v", err, checkpointNames(ck))
			}
		})
	}
}

// TestResumeInvalidation changes an input, then a step, and checks that
// exactly the steps downstream of the change are computed again, that
// Explain says so, and that stale checkpoints do not pile up.
func TestResumeInvalidation(t *testing.T) {
	dir := writeResumeData(t)
	ck := filepath.Join(dir, "run")
	opt := Options{Checkpoints: ck, KeepCheckpoints: true}
	opt.Workers = 2
	run := func(p *Plan) map[string]StepResult {
		t.Helper()
		res, err := Run(context.Background(), p, opt)
		if err != nil {
			t.Fatal(err)
		}
		return stepMap(res)
	}
	first := run(loadIn(t, dir))
	want := outputsOf(t, dir)
	for _, s := range resumeSteps {
		if first[s].Reused {
			t.Fatalf("step %s reused in the first run", s)
		}
	}
	if n := len(checkpointNames(ck)); n != len(resumeSteps) {
		t.Fatalf("%d checkpoints kept, want %d: %v", n, len(resumeSteps), checkpointNames(ck))
	}
	// all reused: the frontier steps (final, by_shop for its own output)
	again := run(loadIn(t, dir))
	sameOutputs(t, "rerun", want, outputsOf(t, dir))
	for s, reused := range map[string]bool{"final": true, "by_shop": true, "big": false, "joined": false, "shops_ok": false} {
		if again[s].Reused != reused {
			t.Errorf("rerun: step %s reused %v, want %v", s, again[s].Reused, reused)
		}
		if !reused && again[s].Rows != 0 {
			t.Errorf("rerun: step %s computed (%d rows) though downstream was reused", s, again[s].Rows)
		}
	}

	// a touched shops.csv: shops_ok, joined and final again; big and by_shop not
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "shops.csv"), later, later); err != nil {
		t.Fatal(err)
	}
	var ex bytes.Buffer
	if err := Explain(context.Background(), loadIn(t, dir), opt, &ex); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"resume from " + ck + ": 2 of 5 steps have a valid checkpoint, 1 read from it, 3 computed",
		"step by_shop: read from its checkpoint",
		"step big: not run",
		"read sales: not run",
	} {
		if !strings.Contains(ex.String(), line) {
			t.Errorf("explain lacks %q:\n%s", line, ex.String())
		}
	}
	touched := run(loadIn(t, dir))
	sameOutputs(t, "after touching shops.csv", want, outputsOf(t, dir))
	for s, reused := range map[string]bool{"by_shop": true, "shops_ok": false, "joined": false, "final": false} {
		if touched[s].Reused != reused {
			t.Errorf("after touching shops.csv: step %s reused %v, want %v", s, touched[s].Reused, reused)
		}
		if !reused && touched[s].Rows == 0 {
			t.Errorf("after touching shops.csv: step %s not computed", s)
		}
	}
	if touched["big"].Rows != 0 || touched["sales"].Rows != 0 {
		t.Errorf("after touching shops.csv: big (%d rows) or sales (%d rows) computed again", touched["big"].Rows, touched["sales"].Rows)
	}
	if n := len(checkpointNames(ck)); n != len(resumeSteps) {
		t.Errorf("stale checkpoints kept: %v", checkpointNames(ck))
	}

	// a changed sort in the last step: only final again
	p := loadIn(t, dir)
	p.Steps[4].Sort = p.Steps[4].Sort[:3]
	changed := run(p)
	for s, reused := range map[string]bool{"by_shop": true, "joined": true, "final": false} {
		if changed[s].Reused != reused {
			t.Errorf("after changing final: step %s reused %v, want %v", s, changed[s].Reused, reused)
		}
	}
	outputsOf(t, dir)

	// a damaged checkpoint is recomputed, not read
	names := checkpointNames(ck)
	for _, n := range names {
		if strings.HasPrefix(n, "joined-") {
			if err := os.Truncate(filepath.Join(ck, n), 100); err != nil {
				t.Fatal(err)
			}
		}
	}
	damaged := run(loadIn(t, dir))
	if damaged["joined"].Reused || damaged["joined"].Rows == 0 || !damaged["by_shop"].Reused {
		t.Errorf("after damaging joined's checkpoint: %+v", damaged)
	}
	sameOutputs(t, "after damaging a checkpoint", want, outputsOf(t, dir))

	// the directory is the run's while it runs
	a, err := analyze(context.Background(), loadIn(t, dir), opt)
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.openCheckpoints(ck)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), loadIn(t, dir), opt); !errors.Is(err, ErrRunDirBusy) {
		t.Errorf("second run on a held directory: %v, want ErrRunDirBusy", err)
	}
	if _, err := RemoveCheckpoints(ck); !errors.Is(err, ErrRunDirBusy) {
		t.Errorf("RemoveCheckpoints on a held directory: %v, want ErrRunDirBusy", err)
	}
	c.close(false)
	removed, err := RemoveCheckpoints(ck)
	if err != nil || len(removed) != len(resumeSteps)+1 {
		t.Errorf("RemoveCheckpoints: %v %v", removed, err)
	}
	if _, err := os.Stat(ck); !os.IsNotExist(err) {
		t.Errorf("run directory still there: %v", err)
	}
}

func TestRunDir(t *testing.T) {
	p := &Plan{Name: "w1 features", File: "/specs/w1.yaml", Outputs: []Output{{From: "x", Path: "out/f.csv"}}}
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{}, "/specs/out/.sluice-run-w1_features"},
		{Options{DataDir: "/data"}, "/data/out/.sluice-run-w1_features"},
		{Options{Out: "/tmp/x.parquet"}, "/tmp/.sluice-run-w1_features"},
		{Options{Out: "-", DataDir: "/data"}, "/data/.sluice-run-w1_features"},
	} {
		if got := RunDir(p, c.opt); got != c.want {
			t.Errorf("RunDir(%+v) = %q, want %q", c.opt, got, c.want)
		}
	}
	q := &Plan{File: "/specs/daily.yaml", Outputs: []Output{{From: "x", Path: "-"}}}
	if got := RunDir(q, Options{}); got != "/specs/.sluice-run-daily" {
		t.Errorf("RunDir of an unnamed plan to stdout = %q", got)
	}
}
