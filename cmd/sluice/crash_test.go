//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicedata/sluice/internal/crashtest"
)

// TestCrashChild is the body of the kill harness's child: one in-process
// CLI run with the arguments the parent gave. It does nothing otherwise.
func TestCrashChild(t *testing.T) {
	args, ok := crashtest.ChildArgs()
	if !ok {
		t.Skip("only run as the crash harness's child")
	}
	var stdout bytes.Buffer
	code := exitCode(run(context.Background(), args, &stdout, os.Stderr), os.Stderr)
	os.Exit(code)
}

// crashData writes the harness's inputs and spec: a few MB of sales and a
// small table of shops.
func crashData(t *testing.T, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	var sales, shops strings.Builder
	sales.WriteString("shop,day,qty,price\n")
	for range 40_000 {
		fmt.Fprintf(&sales, "s%04d,2024-%02d-%02d,%d,%.2f\n", rng.IntN(1000), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(20), rng.Float64()*100)
	}
	shops.WriteString("shop,region\n")
	for i := range 1000 {
		fmt.Fprintf(&shops, "s%04d,r%d\n", i, i%7)
	}
	spec := `name: crash
inputs:
  sales: sales.csv
  shops: shops.csv
steps:
  - name: by_shop
    from: sales
    group_by: [shop, day]
    agg: { n: count(), total: sum(qty), mid: median(price) }
  - name: joined
    join: { left: by_shop, right: shops, on: [shop] }
  - name: final
    from: joined
    sort: [region, -total, shop, day]
output: { from: final, path: out/run.csv }
`
	for name, text := range map[string]string{"sales.csv": sales.String(), "shops.csv": shops.String(), "spec.yaml": spec} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func crashSeeds() int {
	if s, err := strconv.Atoi(os.Getenv("CRASHTEST_SEEDS")); err == nil && s > 0 {
		return s
	}
	if testing.Short() {
		return 2
	}
	return 20
}

// TestKillVerbs kills run (with --resume), agg, sort, join and convert
// with SIGKILL at random points of their run, spilling under a small
// budget, and checks after each kill that the output path holds nothing
// or the complete output, and that the next run writes the complete output
// and removes every temporary file, spill directory and checkpoint the
// killed one left.
func TestKillVerbs(t *testing.T) {
	if _, ok := crashtest.ChildArgs(); ok {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	crashData(t, dir)
	outDir, spill := filepath.Join(dir, "out"), filepath.Join(dir, "spill")
	for _, d := range []string{outDir, spill} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sales, shops := filepath.Join(dir, "sales.csv"), filepath.Join(dir, "shops.csv")
	// budgets small enough to spill (run: the smallest its three
	// operators sharing one budget pass with, see issue 19 item 1)
	engine := []string{"--spill-dir", spill, "--workers", "2", "--progress", "never"}
	verbs := []struct {
		name string
		args []string
		out  string
	}{
		{"run", []string{"run", filepath.Join(dir, "spec.yaml"), "--resume", "--quiet", "--mem", "32MiB"}, "run.csv"},
		{"agg", []string{"agg", sales, "--by", "shop,day", "--agg", "mid=median(price)", "--agg", "n=count()", "--quiet", "--mem", "4MiB"}, "agg.csv"},
		{"sort", []string{"sort", sales, "--by", "shop,-price,day", "--quiet", "--mem", "4MiB"}, "sort.csv"},
		{"join", []string{"join", sales, shops, "--on", "shop", "--quiet", "--mem", "4MiB"}, "join.parquet"},
		{"convert", []string{"convert", sales, "--mem", "4MiB"}, "convert.ndjson"},
	}
	for _, v := range verbs {
		t.Run(v.name, func(t *testing.T) {
			out := filepath.Join(outDir, v.out)
			args := append([]string{}, v.args...)
			if v.name == "convert" {
				args = append(args, out)
			} else if v.name != "run" {
				args = append(args, "-o", out)
			}
			args = append(args, engine...)
			// the reference: an in-process run
			var stderr bytes.Buffer
			if err := run(context.Background(), args, &bytes.Buffer{}, &stderr); err != nil {
				t.Fatalf("reference run: %v\n%s", err, stderr.String())
			}
			complete, err := os.ReadFile(out)
			if err != nil || len(complete) == 0 {
				t.Fatalf("reference run wrote nothing: %v", err)
			}
			os.Remove(out)
			check := func(when string) {
				t.Helper()
				b, err := os.ReadFile(out)
				if os.IsNotExist(err) {
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", when, err)
				}
				if !bytes.Equal(b, complete) {
					t.Fatalf("%s: %s holds %d bytes, not the complete %d-byte output", when, out, len(b), len(complete))
				}
			}
			clean := func(when string) {
				t.Helper()
				if l := append(crashtest.Litter(t, outDir), crashtest.Litter(t, spill)...); len(l) > 0 {
					t.Fatalf("%s: left %v", when, l)
				}
			}
			start := time.Now()
			if err := crashtest.Start(t, "TestCrashChild", args).Wait(); err != nil {
				t.Fatalf("uninterrupted run: %v", err)
			}
			full := time.Since(start)
			check("uninterrupted run")
			clean("uninterrupted run")
			os.Remove(out)
			littered := 0
			for seed := range crashSeeds() {
				rng := rand.New(rand.NewPCG(uint64(seed), 3))
				delay := time.Duration(rng.Int64N(int64(full)))
				cmd := crashtest.Start(t, "TestCrashChild", args)
				time.Sleep(delay)
				cmd.Process.Signal(syscall.SIGKILL)
				err := cmd.Wait()
				what := fmt.Sprintf("%s seed %d, killed after %v of ~%v", v.name, seed, delay.Round(time.Millisecond), full.Round(time.Millisecond))
				if !crashtest.Killed(err) && err != nil {
					t.Fatalf("%s: child failed: %v", what, err)
				}
				check(what)
				if l := append(crashtest.Litter(t, outDir), crashtest.Litter(t, spill)...); len(l) > 0 {
					littered++
				}
				// and one as a killed run leaves it before its first spill
				// file, whether or not this kill left one: the next run
				// removes it even if it does not spill
				dead := filepath.Join(spill, fmt.Sprintf("sluice-spill-2147483-%d", seed))
				if err := os.Mkdir(dead, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dead, "lock"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
				if err := crashtest.Start(t, "TestCrashChild", args).Wait(); err != nil {
					t.Fatalf("%s: next run: %v", what, err)
				}
				if _, err := os.Stat(out); err != nil {
					t.Fatalf("%s: next run wrote nothing: %v", what, err)
				}
				check(what + ", next run")
				clean(what + ", next run")
				if seed%2 == 0 {
					// odd seeds kill a run replacing an existing output,
					// which must survive intact
					os.Remove(out)
				}
			}
			t.Logf("%s: %d of %d kills left litter that the next run removed (a run takes ~%v)", v.name, littered, crashSeeds(), full.Round(time.Millisecond))
		})
	}
}
