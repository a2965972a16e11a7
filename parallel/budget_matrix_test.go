package parallel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/writers"
)

// The budget matrix runs every operator on inputs of several shapes at
// budgets from 256 KiB to 256 MiB with a deadline: each run must either
// give exactly the in-memory reference result or fail with an error
// wrapping ErrBudget. A run that outlives its deadline is a hang: the
// watchdog dumps every goroutine and the test fails.

// matrixShape is one input shape: a left (probe, grouped, sorted) frame
// and a right (build) frame, both with key columns k (Int64) and s
// (String) and payload x (Float64 with nulls and NaNs), n (Int64), p
// (String).
type matrixShape struct {
	name        string
	left, right *frame.Frame
	chunk       int // rows per input chunk
}

// matrixFrame builds n rows whose key is drawn from card values; hot is
// the fraction of rows holding key 0 (the skew); width is the length of
// the p strings.
func matrixFrame(rng *rand.Rand, n, card int, hot float64, width int) *frame.Frame {
	k := make([]int64, n)
	kv := make([]bool, n)
	s := make([]string, n)
	x := make([]float64, n)
	xv := make([]bool, n)
	nn := make([]int64, n)
	p := make([]string, n)
	for i := range n {
		key := rng.IntN(card)
		if rng.Float64() < hot {
			key = 0
		}
		k[i] = int64(key) * 7919
		kv[i] = rng.IntN(50) != 0
		s[i] = fmt.Sprintf("s%04d", key%997)
		x[i] = math.Round(rng.NormFloat64()*1000) / 8
		if rng.IntN(40) == 0 {
			x[i] = math.NaN()
		}
		xv[i] = rng.IntN(25) != 0
		nn[i] = int64(rng.IntN(1000))
		if width > 0 {
			b := make([]byte, width/2+rng.IntN(width))
			for j := range b {
				b[j] = 'a' + byte(rng.IntN(26))
			}
			p[i] = string(b)
		} else {
			p[i] = fmt.Sprint("v", rng.IntN(30))
		}
	}
	words := make([]uint64, (n+63)/64)
	nulls := 0
	for i, v := range xv {
		if v {
			words[i>>6] |= 1 << (uint(i) & 63)
		} else {
			nulls++
		}
	}
	xc := frame.MustColumn(frame.AdoptFloat64s("x", x, words, nulls))
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("k", k, kv)),
		frame.MustColumn(frame.NewString("s", s, nil)),
		xc,
		frame.MustColumn(frame.NewInt64("n", nn, nil)),
		frame.MustColumn(frame.NewString("p", p, nil)),
	))
}

// matrixShapes are the inputs of the matrix (a quarter of the rows with
// -short).
func matrixShapes() []matrixShape {
	rng := rand.New(rand.NewPCG(190, 191))
	d := 1
	if testing.Short() {
		d = 4
	}
	return []matrixShape{
		// many keys, each matching a few rows
		{"uniform", matrixFrame(rng, 20000/d, 4000/d, 0, 0), matrixFrame(rng, 6000/d, 4000/d, 0, 0), 1000 / d},
		// one key holds about half the rows on both sides
		{"skewed", matrixFrame(rng, 20000/d, 4000/d, 0.5, 0), matrixFrame(rng, 6000/d, 4000/d, 0.01, 0), 1000 / d},
		// a join where every key matches about a hundred rows
		{"fanout", matrixFrame(rng, 1500/d, 12, 0, 0), matrixFrame(rng, 1200, 12, 0, 0), 200 / d},
		// long strings: few rows, megabytes
		{"wide", matrixFrame(rng, 1500/d, 300, 0, 2000), matrixFrame(rng, 400, 300, 0, 1000), 100},
	}
}

// matrixOp is one operator run: want computes the in-memory reference,
// got runs the operator (under opt) and returns its result.
type matrixOp struct {
	name string
	want func(sh matrixShape) (*frame.Frame, error)
	got  func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error)
}

var matrixAggs = []frame.Agg{frame.Count(), frame.Sum("x"), frame.Mean("x"), frame.Median("x"),
	frame.Quantile("x", 0.9), frame.Sum("n")}

func matrixOps(dir string) []matrixOp {
	var ops []matrixOp
	on := frame.OnSame("k")
	for _, how := range allJoins {
		for _, byRight := range []bool{false, true} {
			var jo []frame.JoinOption
			name := fmt.Sprintf("join-%v", how)
			if byRight {
				jo = append(jo, frame.OrderByRight())
				name += "-byright"
			}
			ops = append(ops, matrixOp{
				name: name,
				want: func(sh matrixShape) (*frame.Frame, error) { return frame.Join(sh.left, sh.right, how, on, jo...) },
				got: func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
					return Collect(Join(ctx, Frames(sh.left, sh.chunk), Frames(sh.right, sh.chunk), how, on, opt, jo...))
				},
			})
		}
	}
	sortKeys := []frame.SortKey{frame.Asc("s"), frame.Desc("x"), frame.Asc("n")}
	pred := frame.Col("x").Gt(0)
	applyAggs := []frame.Agg{frame.Count().As("rows"), frame.Sum("n").As("sum_n"), frame.Median("x").As("med")}
	ops = append(ops,
		matrixOp{"groupby",
			func(sh matrixShape) (*frame.Frame, error) { return sh.left.GroupBy("k").Agg(matrixAggs...) },
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				return Collect(GroupBy(ctx, Frames(sh.left, sh.chunk), []string{"k"}, matrixAggs, opt))
			}},
		matrixOp{"sort",
			func(sh matrixShape) (*frame.Frame, error) { return sh.left.Sort(sortKeys...) },
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				return Collect(Sort(ctx, Frames(sh.left, sh.chunk), sortKeys, opt))
			}},
		matrixOp{"distinct",
			func(sh matrixShape) (*frame.Frame, error) { return sh.left.Distinct("k", "s") },
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				return Collect(Distinct(ctx, Frames(sh.left, sh.chunk), []string{"k", "s"}, opt))
			}},
		matrixOp{"filter",
			func(sh matrixShape) (*frame.Frame, error) { return sh.left.Filter(pred) },
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				return Collect(Filter(ctx, Frames(sh.left, sh.chunk), pred, opt))
			}},
		matrixOp{"mapchunks",
			func(sh matrixShape) (*frame.Frame, error) { return sh.left.Select("p", "k") },
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				return Collect(MapChunks(ctx, Frames(sh.left, sh.chunk), func(_ context.Context, c *frame.Frame) (*frame.Frame, error) {
					return c.Select("p", "k")
				}, opt))
			}},
		matrixOp{"spool",
			// read twice, concatenated
			func(sh matrixShape) (*frame.Frame, error) { return frame.Concat(sh.left, sh.left) },
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				sp := NewSpool(ctx, Frames(sh.left, sh.chunk), opt)
				a, err := Collect(sp.Source())
				var b *frame.Frame
				if err == nil {
					b, err = Collect(sp.Source())
				}
				if cerr := sp.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return nil, err
				}
				return frame.Concat(a, b)
			}},
		matrixOp{"groupapply",
			func(sh matrixShape) (*frame.Frame, error) { return sh.left.GroupBy("k").Agg(applyAggs...) },
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				emit, result := collectFrames()
				err := GroupApply(ctx, Frames(sh.left, sh.chunk), []string{"k"}, func(key, g *frame.Frame) (*frame.Frame, error) {
					return g.GroupBy("k").Agg(applyAggs...)
				}, emit, opt)
				if err != nil {
					return nil, err
				}
				return result()
			}},
		// Write: a group-by streamed into an atomic CSV writer, compared
		// byte for byte with the reference written by the same writer
		matrixOp{"write",
			func(sh matrixShape) (*frame.Frame, error) {
				g, err := sh.left.GroupBy("s").Agg(matrixAggs...)
				if err != nil {
					return nil, err
				}
				return csvBytesFrame(filepath.Join(dir, "want.csv"), Frames(g, 0))
			},
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				out := filepath.Join(dir, "got.csv")
				w, err := writers.NewCSV(out, writers.Options{})
				if err != nil {
					return nil, err
				}
				if _, err := Write(ctx, GroupBy(ctx, Frames(sh.left, sh.chunk), []string{"s"}, matrixAggs, opt), w); err != nil {
					if _, serr := os.Stat(out); serr == nil {
						return nil, fmt.Errorf("failed write left %s behind: %w", out, err)
					}
					return nil, err
				}
				b, err := os.ReadFile(out)
				os.Remove(out)
				if err != nil {
					return nil, err
				}
				return bytesFrame(b), nil
			}},
		// a pipeline of operators nested in each other, sharing one
		// budget: none may wait for memory only another one holds
		matrixOp{"chain",
			func(sh matrixShape) (*frame.Frame, error) {
				f, err := sh.left.Filter(pred)
				if err != nil {
					return nil, err
				}
				j, err := frame.Join(f, sh.right, frame.Left, on)
				if err != nil {
					return nil, err
				}
				g, err := j.GroupBy("s").Agg(frame.Count(), frame.Median("x"), frame.Sum("n_right"))
				if err != nil {
					return nil, err
				}
				return g.Sort(frame.Desc("count"), frame.Asc("s"))
			},
			func(ctx context.Context, sh matrixShape, opt Options) (*frame.Frame, error) {
				opt.Budget = NewBudget(opt.MemoryBudget)
				f := Filter(ctx, Frames(sh.left, sh.chunk), pred, opt)
				j := Join(ctx, f, Frames(sh.right, sh.chunk), frame.Left, on, opt)
				g := GroupBy(ctx, j, []string{"s"}, []frame.Agg{frame.Count(), frame.Median("x"), frame.Sum("n_right")}, opt)
				out, err := Collect(Sort(ctx, g, []frame.SortKey{frame.Desc("count"), frame.Asc("s")}, opt))
				if used := opt.Budget.Used(); used != 0 {
					return nil, fmt.Errorf("%d bytes of the shared budget still reserved (%v)", used, err)
				}
				return out, err
			}},
	)
	return ops
}

// csvBytesFrame writes src to path as CSV and returns the file's bytes as
// a one-cell frame.
func csvBytesFrame(path string, src Source) (*frame.Frame, error) {
	w, err := writers.NewCSV(path, writers.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := Write(context.Background(), src, w); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	os.Remove(path)
	if err != nil {
		return nil, err
	}
	return bytesFrame(b), nil
}

func bytesFrame(b []byte) *frame.Frame {
	return frame.Must(frame.New(frame.MustColumn(frame.NewString("bytes", []string{string(b)}, nil))))
}

// matrixBudgets are the budgets of the matrix: powers of two from 256 KiB
// to 256 MiB (a few with -short).
func matrixBudgets() []int64 {
	if testing.Short() {
		return []int64{256 << 10, 1 << 20, 256 << 20}
	}
	var out []int64
	for b := int64(256 << 10); b <= 256<<20; b *= 2 {
		out = append(out, b)
	}
	return out
}

// dumpGoroutines returns every goroutine's stack.
func dumpGoroutines() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// withDeadline runs fn with a context that times out after d; if fn has
// not returned 30 s after that (it ignores its context: a hang), the
// goroutines are dumped and the test binary stops.
func withDeadline(d time.Duration, what string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	dog := time.AfterFunc(d+30*time.Second, func() {
		fmt.Fprintf(os.Stderr, "budget matrix: %s hangs past its deadline; goroutines:\n%s", what, dumpGoroutines())
		os.Exit(3)
	})
	defer dog.Stop()
	return fn(ctx)
}

func fmtBytes(b int64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%dMiB", b>>20)
	default:
		return fmt.Sprintf("%dKiB", b>>10)
	}
}

func TestBudgetMatrix(t *testing.T) {
	dir, empty := spillDir(t)
	refDir := t.TempDir()
	shapes := matrixShapes()
	ops := matrixOps(refDir)
	budgets := matrixBudgets()
	deadline := 2 * time.Minute
	// smallest[op][shape] is the smallest budget that succeeded
	var mu sync.Mutex
	smallest := map[string]map[string]int64{}
	for _, op := range ops {
		smallest[op.name] = map[string]int64{}
		for _, sh := range shapes {
			want, err := op.want(sh)
			if err != nil {
				t.Fatalf("%s %s: reference: %v", op.name, sh.name, err)
			}
			for bi, budget := range budgets {
				workers := []int{1, 2, 4}[bi%3]
				opt := Options{Workers: workers, MemoryBudget: budget, SpillDir: dir}
				what := fmt.Sprintf("%s on %s at %s, %d workers", op.name, sh.name, fmtBytes(budget), workers)
				var got *frame.Frame
				err := withDeadline(deadline, what, func(ctx context.Context) error {
					var err error
					got, err = op.got(ctx, sh, opt)
					if err == nil && ctx.Err() != nil {
						err = fmt.Errorf("finished after its deadline: %w", ctx.Err())
					}
					return err
				})
				switch {
				case err == nil:
					if err := identical(got, want); err != nil {
						t.Errorf("%s: wrong result: %v", what, err)
					}
					mu.Lock()
					if s, ok := smallest[op.name][sh.name]; !ok || budget < s {
						smallest[op.name][sh.name] = budget
					}
					mu.Unlock()
				case errors.Is(err, context.DeadlineExceeded):
					t.Errorf("%s: timed out: %v", what, err)
				case !errors.Is(err, ErrBudget):
					t.Errorf("%s: failed without ErrBudget: %v", what, err)
				case budget == 256<<20:
					// the inputs are a few MiB (the skewed chain's join
					// makes a 33 MB group): the largest budget must do
					t.Errorf("%s: %v", what, err)
				}
				empty(what)
			}
		}
	}
	var sb strings.Builder
	names := make([]string, 0, len(smallest))
	for n := range smallest {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(&sb, "smallest budget that succeeded (of %s):\n%-22s", strings.Join(slices.Collect(func(yield func(string) bool) {
		for _, b := range budgets {
			if !yield(fmtBytes(b)) {
				return
			}
		}
	}), " "), "operator")
	for _, sh := range shapes {
		fmt.Fprintf(&sb, " %9s", sh.name)
	}
	sb.WriteByte('\n')
	for _, n := range names {
		fmt.Fprintf(&sb, "%-22s", n)
		for _, sh := range shapes {
			s, ok := smallest[n][sh.name]
			if ok {
				fmt.Fprintf(&sb, " %9s", fmtBytes(s))
			} else {
				fmt.Fprintf(&sb, " %9s", "-")
			}
		}
		sb.WriteByte('\n')
	}
	t.Log(sb.String())
}
