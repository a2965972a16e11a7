//go:build unix

package crashtest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/writers"
)

const childEnv = "SLUICE_CRASHTEST_CHILD"

// input is the child's data: deterministic, a few MB.
func input() *frame.Frame {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 150_000
	k := make([]string, n)
	x := make([]float64, n)
	for i := range n {
		k[i] = fmt.Sprintf("key-%05d", rng.IntN(20000))
		x[i] = float64(rng.IntN(100000)) / 8
	}
	return frame.Must(frame.New(frame.MustColumn(frame.NewString("k", k, nil)), frame.NewFloat64("x", x)))
}

var (
	aggs = []frame.Agg{frame.Count(), frame.Median("x"), frame.Sum("x")}
	keys = []frame.SortKey{frame.Desc("count"), frame.Asc("k")}
)

// pipeline is what the child runs: a group-by and a sort, both spilling
// under a small budget, streamed into an atomic CSV file.
func pipeline(ctx context.Context, out, spillDir string) error {
	opt := parallel.Options{Workers: 2, MemoryBudget: 2 << 20, SpillDir: spillDir, ForceSpill: true}
	opt.Budget = parallel.NewBudget(opt.MemoryBudget)
	w, err := writers.NewCSV(out, writers.Options{})
	if err != nil {
		return err
	}
	g := parallel.GroupBy(ctx, parallel.Frames(input(), 4096), []string{"k"}, aggs, opt)
	_, err = parallel.Write(ctx, parallel.Sort(ctx, g, keys, opt), w)
	return err
}

// want is the complete output, computed in memory.
func want(t *testing.T) []byte {
	g, err := input().GroupBy("k").Agg(aggs...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := g.Sort(keys...)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := writers.New(&buf, "csv", writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestChild is the child process's body; it does nothing in a normal run.
func TestChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("only run as the crash harness's child")
	}
	out, spillDir, _ := strings.Cut(spec, "|")
	if err := pipeline(context.Background(), out, spillDir); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
}

// child starts the test binary as the child.
func child(t *testing.T, out, spillDir string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+out+"|"+spillDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("child output:\n%s", stderr.String())
		}
	})
	return cmd
}

// leftovers lists the output's temporary files and the spill directories.
func leftovers(t *testing.T, outDir, spillDir string) (temps, spills []string) {
	for _, d := range []string{outDir, spillDir} {
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			switch {
			case strings.HasPrefix(e.Name(), ".out.csv.tmp-"):
				temps = append(temps, e.Name())
			case strings.HasPrefix(e.Name(), "sluice-spill-"):
				spills = append(spills, e.Name())
			}
		}
	}
	return temps, spills
}

func seeds() int {
	if s, err := strconv.Atoi(os.Getenv("CRASHTEST_SEEDS")); err == nil && s > 0 {
		return s
	}
	if testing.Short() {
		return 3
	}
	return 20
}

func TestKill9(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
	complete := want(t)
	base := t.TempDir()
	outDir, spillDir := filepath.Join(base, "out"), filepath.Join(base, "spill")
	for _, d := range []string{outDir, spillDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(outDir, "out.csv")
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
	// an uninterrupted run: its output is complete and it leaves nothing;
	// its duration spreads the kill points over a run
	start := time.Now()
	if err := child(t, out, spillDir).Wait(); err != nil {
		t.Fatalf("uninterrupted run: %v", err)
	}
	full := time.Since(start)
	check("uninterrupted run")
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	if temps, spills := leftovers(t, outDir, spillDir); len(temps)+len(spills) > 0 {
		t.Fatalf("uninterrupted run left %v %v", temps, spills)
	}
	os.Remove(out)
	killedWith := 0
	for seed := range seeds() {
		rng := rand.New(rand.NewPCG(uint64(seed), 19))
		delay := time.Duration(rng.Int64N(int64(full)))
		cmd := child(t, out, spillDir)
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		what := fmt.Sprintf("seed %d, killed after %v of ~%v", seed, delay.Round(time.Millisecond), full.Round(time.Millisecond))
		killed := false
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				killed = true
			}
		}
		if !killed && err != nil {
			t.Fatalf("%s: child failed: %v", what, err)
		}
		check(what)
		temps, spills := leftovers(t, outDir, spillDir)
		if killed && len(temps)+len(spills) > 0 {
			killedWith++
		}
		t.Logf("%s: killed=%v, left %d temp files, %d spill dirs", what, killed, len(temps), len(spills))
		// the next run removes what the killed one left and completes
		if err := child(t, out, spillDir).Wait(); err != nil {
			t.Fatalf("%s: next run: %v", what, err)
		}
		check(what + ", next run")
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("%s: next run wrote nothing: %v", what, err)
		}
		if temps, spills := leftovers(t, outDir, spillDir); len(temps)+len(spills) > 0 {
			t.Fatalf("%s: after the next run still %v %v", what, temps, spills)
		}
		if seed%2 == 0 {
			// odd seeds kill a run replacing an existing output, which
			// must survive intact
			os.Remove(out)
		}
	}
	t.Logf("%d of %d kills left litter that the next run removed", killedWith, seeds())
}
