package parallel

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/stats"
)

// oocFrame is a random frame with payload columns and keys k0.. of the
// given kinds (nulls, duplicates, optional skew).
func oocFrame(rng *rand.Rand, n int, kinds []keyKind, card int, skew bool) (*frame.Frame, []string) {
	cols := payload(rng, "", n)
	var keys []string
	for k, kind := range kinds {
		name := fmt.Sprint("k", k)
		cols = append(cols, keyCol(rng, name, kind, n, max(1, card), skew))
		keys = append(keys, name)
	}
	return frame.Must(frame.New(cols...)), keys
}

// spillDir returns an empty directory and a check that it is empty again.
func spillDir(t *testing.T) (string, func(string)) {
	t.Helper()
	d := t.TempDir()
	return d, func(when string) {
		t.Helper()
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != 0 {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Fatalf("%s: spill dir not empty: %s", when, strings.Join(names, ", "))
		}
	}
}

// oocOptions are the configurations every out-of-core test runs: in
// memory, forced spilling with a roomy budget, and a 1 MiB budget, each
// with 1 and 4 workers.
func oocOptions(dir string) []Options {
	var out []Options
	for _, w := range []int{1, 4} {
		out = append(out,
			Options{Workers: w},
			Options{Workers: w, ForceSpill: true, SpillDir: dir, Partitions: 5},
			Options{Workers: w, MemoryBudget: 1 << 20, SpillDir: dir},
			Options{Workers: w, MemoryBudget: 1 << 20, ForceSpill: true, SpillDir: dir},
		)
	}
	return out
}

var testAggs = []frame.Agg{frame.Count(), frame.CountNonNull("x"), frame.Sum("x"), frame.Sum("n"), frame.Mean("x"),
	frame.Median("x"), frame.Quantile("x", 0.1), frame.Quantile("x", 0.9), frame.Quantile("n", 0.3).Method(stats.Nearest),
	frame.Min("x"), frame.Max("s"), frame.Std("x"), frame.NUnique("s"), frame.First("x"), frame.Last("s")}

func TestGroupByStreamIdentical(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(21, 22))
	dir, empty := spillDir(t)
	// 20000 rows: the skewed key's group (a quarter of the rows) still fits
	// 1 MiB with its working space; TestGroupByStreamSingleHugeKey covers
	// the group that does not
	sizes := []int{0, 1, 3000, 20000}
	if testing.Short() {
		sizes = []int{0, 1, 3000, 8000}
	}
	for _, ks := range [][]keyKind{{kInt}, {kDict, kShort}, {kWide, kDate}} {
		for _, n := range sizes {
			for _, skew := range []bool{false, true} {
				f, keys := oocFrame(rng, n, ks, n/8, skew)
				want, err := f.GroupBy(keys...).Agg(testAggs...)
				if err != nil {
					t.Fatal(err)
				}
				for _, opt := range oocOptions(dir) {
					name := fmt.Sprintf("%v/%d/skew=%v/%+v", ks, n, skew, opt)
					got, err := Collect(GroupBy(ctx, Frames(f, 1000), keys, testAggs, opt))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if n == 0 {
						if got.NumRows() != 0 {
							t.Fatalf("%s: %d rows from no input", name, got.NumRows())
						}
						continue
					}
					if err := identical(got, want); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					empty(name)
				}
			}
		}
	}
}

func TestSortStreamIdentical(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(23, 24))
	dir, empty := spillDir(t)
	for _, ks := range [][]keyKind{{kInt}, {kShort, kDict}, {kWide, kDate}} {
		for _, n := range shortSizes([]int{0, 1, 2500, 30000}) {
			f, keys := oocFrame(rng, n, ks, n/8, true)
			var sk []frame.SortKey
			for i, k := range keys {
				if i%2 == 1 {
					sk = append(sk, frame.Desc(k))
				} else {
					sk = append(sk, frame.Asc(k))
				}
			}
			sk = append(sk, frame.Desc("x"))
			want, err := f.Sort(sk...)
			if err != nil {
				t.Fatal(err)
			}
			for _, opt := range oocOptions(dir) {
				name := fmt.Sprintf("%v/%d/%+v", ks, n, opt)
				got, err := Collect(Sort(ctx, Frames(f, 250), sk, opt))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if n == 0 {
					if got.NumRows() != 0 {
						t.Fatalf("%s: rows from nothing", name)
					}
					continue
				}
				if err := identical(got, want); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				empty(name)
			}
		}
	}
}

func TestDistinctStreamIdentical(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(25, 26))
	dir, empty := spillDir(t)
	for _, ks := range [][]keyKind{{kInt}, {kShort, kDict}} {
		for _, n := range shortSizes([]int{1, 4000, 30000}) {
			f, keys := oocFrame(rng, n, ks, n/8, true)
			want, err := f.Distinct(keys...)
			if err != nil {
				t.Fatal(err)
			}
			for _, opt := range oocOptions(dir) {
				name := fmt.Sprintf("%v/%d/%+v", ks, n, opt)
				got, err := Collect(Distinct(ctx, Frames(f, 900), keys, opt))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := identical(got, want); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				empty(name)
			}
		}
	}
}

// failing is a source that yields f in chunks and then an error.
func failing(f *frame.Frame, after int, err error) Source {
	return func(yield func(*frame.Frame, error) bool) {
		for i := 0; i < after; i += 500 {
			if !yield(f.Slice(i, min(i+500, after)), nil) {
				return
			}
		}
		yield(nil, err)
	}
}

func TestOOCCleanupOnErrorAndCancel(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	f, keys := oocFrame(rng, 20000, []keyKind{kShort}, 500, false)
	dir, empty := spillDir(t)
	boom := errors.New("boom")
	opt := Options{Workers: 2, MemoryBudget: 1 << 20, ForceSpill: true, SpillDir: dir}
	ops := map[string]func(ctx context.Context, src Source) error{
		"group by": func(ctx context.Context, src Source) error {
			_, err := Collect(GroupBy(ctx, src, keys, testAggs, opt))
			return err
		},
		"sort": func(ctx context.Context, src Source) error {
			_, err := Collect(Sort(ctx, src, []frame.SortKey{frame.Asc(keys[0])}, opt))
			return err
		},
		"distinct": func(ctx context.Context, src Source) error {
			_, err := Collect(Distinct(ctx, src, keys, opt))
			return err
		},
		"join": func(ctx context.Context, src Source) error {
			_, err := Collect(Join(ctx, src, Frames(f, 1000), frame.Inner, frame.OnSame(keys...), opt))
			return err
		},
	}
	for name, op := range ops {
		// a source error mid-stream
		err := op(context.Background(), failing(f, 15000, boom))
		if !errors.Is(err, boom) {
			t.Fatalf("%s: got %v, want boom", name, err)
		}
		empty(name + " after error")
		// cancellation while the source is being read
		ctx, cancel := context.WithCancel(context.Background())
		src := func(yield func(*frame.Frame, error) bool) {
			for i := 0; i < f.NumRows(); i += 500 {
				if i == 10000 {
					cancel()
				}
				if !yield(f.Slice(i, i+500), nil) {
					return
				}
			}
		}
		err = op(ctx, src)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: got %v, want context.Canceled", name, err)
		}
		empty(name + " after cancel")
	}
}

func TestGroupByStreamSingleHugeKey(t *testing.T) {
	n := 60000
	k := make([]int64, n)
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	f := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("k", k, nil)), frame.NewFloat64("x", x)))
	dir, empty := spillDir(t)
	_, err := Collect(GroupBy(context.Background(), Frames(f, 1000), []string{"k"}, []frame.Agg{frame.Median("x")},
		Options{MemoryBudget: 1 << 20, SpillDir: dir, ForceSpill: true}))
	if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "k=0") {
		t.Fatalf("got %v, want ErrBudget naming key k=0", err)
	}
	empty("after a too big key")
}

// shortSizes caps test sizes at 10000 rows with -short (the race run).
func shortSizes(sizes []int) []int {
	if !testing.Short() {
		return sizes
	}
	out := make([]int, len(sizes))
	for i, n := range sizes {
		out[i] = min(n, 10000)
	}
	return out
}
