package parallel

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

// TestMain checks, for every out-of-core call of the package's tests, that
// the budget accounting is back to zero and never went over the limit.
func TestMain(m *testing.M) {
	var mu sync.Mutex
	var bad []string
	closeHook = func(name string, used, peak, limit int64) {
		if used != 0 || (limit > 0 && peak > limit) {
			mu.Lock()
			bad = append(bad, fmt.Sprintf("%s: %d bytes still reserved, peak %d of %d", name, used, peak, limit))
			mu.Unlock()
		}
	}
	code := m.Run()
	if len(bad) > 0 {
		fmt.Fprintln(os.Stderr, "budget accounting:\n"+strings.Join(bad, "\n"))
		code = 1
	}
	os.Exit(code)
}

func TestJoinStreamIdentical(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(31, 32))
	dir, empty := spillDir(t)
	for _, jc := range joinCases(rng) {
		if (testing.Short() || !strings.Contains(jc.name, "skew=true")) && rng.IntN(3) != 0 {
			continue // a sample keeps the test quick; skewed cases always run
		}
		for _, how := range allJoins {
			want, err := frame.Join(jc.left, jc.right, how, jc.on)
			if err != nil {
				t.Fatal(err)
			}
			for _, opt := range oocOptions(dir) {
				got, err := Collect(Join(ctx, Frames(jc.left, 64), Frames(jc.right, 100), how, jc.on, opt))
				if err != nil {
					t.Fatalf("%s %v %+v: %v", jc.name, how, opt, err)
				}
				if err := identical(got, want); err != nil {
					t.Fatalf("%s %v %+v: %v", jc.name, how, opt, err)
				}
				empty(jc.name)
			}
		}
	}
	// bigger inputs under 1 MiB: many partitions and merge passes
	l, lk := oocFrame(rng, 20000, []keyKind{kShort}, 4000, false)
	r, rk := oocFrame(rng, 15000, []keyKind{kShort}, 4000, false)
	on := frame.On(lk[0], rk[0])
	for _, how := range allJoins {
		want, _ := frame.Join(l, r, how, on)
		got, err := Collect(Join(ctx, Frames(l, 500), Frames(r, 500), how, on, Options{Workers: 2, MemoryBudget: 1 << 20, SpillDir: dir}))
		if err != nil {
			t.Fatal(err)
		}
		if err := identical(got, want); err != nil {
			t.Fatalf("%v: %v", how, err)
		}
		empty("big join")
	}
}

// grouped is GroupApply's reference: per group, its row count and the sum
// of n, one output row.
func applyFn(key, g *frame.Frame) (*frame.Frame, error) {
	s := int64(0)
	for _, v := range g.MustColumn("n").Int64s() {
		s += v
	}
	cnt := frame.MustColumn(frame.NewInt64("rows", []int64{int64(g.NumRows())}, nil))
	sum := frame.MustColumn(frame.NewInt64("sum_n", []int64{s}, nil))
	return frame.New(append(key.Columns(), cnt, sum)...)
}

func TestGroupApply(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(33, 34))
	dir, empty := spillDir(t)
	f, keys := oocFrame(rng, 12000, []keyKind{kShort, kInt}, 300, true)
	want, err := f.GroupBy(keys...).Agg(frame.Count().As("rows"), frame.Sum("n").As("sum_n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range oocOptions(dir) {
		emit, result := collectFrames()
		if err := GroupApply(ctx, Frames(f, 700), keys, applyFn, emit, opt); err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		got, err := result()
		if err != nil {
			t.Fatal(err)
		}
		// Sum gives Float64 for ints? compare through the values
		if got.NumRows() != want.NumRows() {
			t.Fatalf("%+v: %d groups, want %d", opt, got.NumRows(), want.NumRows())
		}
		for i := 0; i < got.NumRows(); i++ {
			for _, c := range []string{keys[0], keys[1], "rows", "sum_n"} {
				a, b := fmt.Sprint(got.MustColumn(c).Value(i)), fmt.Sprint(want.MustColumn(c).Value(i))
				if a != b {
					t.Fatalf("%+v: row %d %s: %s, want %s", opt, i, c, a, b)
				}
			}
		}
		empty("group apply")
		// unordered: same rows, any order
		opt.Unordered = true
		var mu sync.Mutex
		n := 0
		err = GroupApply(ctx, Frames(f, 700), keys, applyFn, func(r *frame.Frame) error {
			mu.Lock()
			n += r.NumRows()
			mu.Unlock()
			return nil
		}, opt)
		if err != nil || n != want.NumRows() {
			t.Fatalf("unordered %+v: %d rows, %v", opt, n, err)
		}
		empty("group apply unordered")
	}
}

func TestGroupApplyErrorsAndPanics(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(35, 36))
	dir, empty := spillDir(t)
	f, keys := oocFrame(rng, 5000, []keyKind{kInt}, 100, false)
	bad := f.MustColumn(keys[0]).Value(1234)
	var calls atomic.Int64
	boom := errors.New("boom")
	for _, opt := range []Options{{Workers: 2}, {Workers: 2, ForceSpill: true, SpillDir: dir, MemoryBudget: 1 << 20}} {
		for _, mode := range []string{"error", "panic"} {
			calls.Store(0)
			err := GroupApply(ctx, Frames(f, 500), keys, func(key, g *frame.Frame) (*frame.Frame, error) {
				calls.Add(1)
				if key.ColumnAt(0).Value(0) == bad {
					if mode == "panic" {
						var m map[string]int
						//lint:ignore SA5000 the test needs a runtime panic inside the user function
						m["x"]++ // a nil map write
					}
					return nil, boom
				}
				time.Sleep(100 * time.Microsecond)
				return applyFn(key, g)
			}, func(*frame.Frame) error { return nil }, opt)
			wantKey := fmt.Sprintf("k0=%v", bad)
			if err == nil || !strings.Contains(err.Error(), wantKey) {
				t.Fatalf("%s %+v: %v, want an error naming %s", mode, opt, err, wantKey)
			}
			if mode == "error" && !errors.Is(err, boom) {
				t.Fatalf("%v does not wrap boom", err)
			}
			var pe *PanicError
			if mode == "panic" && (!errors.As(err, &pe) || !strings.Contains(string(pe.Stack), "ooc2_test.go")) {
				t.Fatalf("panic: %v, want a PanicError with the user's stack", err)
			}
			if c := calls.Load(); c >= 101 {
				t.Fatalf("%s: %d calls: the error did not cancel the rest", mode, c)
			}
			empty(mode)
		}
	}
}

func TestMapStreamOrderedUnordered(t *testing.T) {
	ctx := context.Background()
	items := make([]int, 3000)
	for i := range items {
		items[i] = i
	}
	square := func(ctx context.Context, i int, x int) (int, error) {
		if x%97 == 0 {
			time.Sleep(200 * time.Microsecond) // uneven work
		}
		return x * x, nil
	}
	var ref []int
	for _, w := range []int{1, 4} {
		var got []int
		for v, err := range MapStream(ctx, Items(items), square, Options{Workers: w}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if ref == nil {
			ref = got
		}
		if !slices.Equal(got, ref) || len(got) != len(items) || got[5] != 25 {
			t.Fatalf("workers %d: ordered output differs", w)
		}
		var un []int
		for v, err := range MapStream(ctx, Items(items), square, Options{Workers: w, Unordered: true}) {
			if err != nil {
				t.Fatal(err)
			}
			un = append(un, v)
		}
		slices.Sort(un)
		if !slices.Equal(un, ref) {
			t.Fatalf("workers %d: unordered output is not a permutation", w)
		}
	}
	// breaking early stops the work
	n := 0
	for range MapStream(ctx, Items(items), square, Options{Workers: 4}) {
		if n++; n == 10 {
			break
		}
	}
}

func TestMapFilesErrorNamesFileAndCancels(t *testing.T) {
	paths := make([]string, 200)
	for i := range paths {
		paths[i] = fmt.Sprintf("/data/part-%03d.csv", i)
	}
	var after atomic.Int64
	var failed atomic.Bool
	boom := errors.New("line 7: bad number")
	var err error
	for _, e := range MapFiles(context.Background(), paths, func(ctx context.Context, i int, p string) (int, error) {
		if failed.Load() {
			after.Add(1)
		}
		if i == 50 {
			failed.Store(true)
			return 0, boom
		}
		time.Sleep(time.Millisecond)
		return i, ctx.Err()
	}, Options{Workers: 4}) {
		if e != nil {
			err = e
		}
	}
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "file /data/part-050.csv") {
		t.Fatalf("got %v", err)
	}
	if after.Load() > 20 {
		t.Fatalf("%d files started after the failure", after.Load())
	}
}

func TestMapStreamPanic(t *testing.T) {
	var err error
	for _, e := range MapStream(context.Background(), Items([]int{1, 2, 3, 4}), func(ctx context.Context, i, x int) (int, error) {
		if x == 3 {
			panic("user bug")
		}
		return x, nil
	}, Options{Workers: 1}) {
		if e != nil {
			err = e
		}
	}
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Task != "map: item 2" || !strings.Contains(string(pe.Stack), "ooc2_test.go") {
		t.Fatalf("got %v", err)
	}
}

func TestNestedCallsStayWithinWorkerBudget(t *testing.T) {
	limit := runtime.GOMAXPROCS(0)
	tryAcquire(0) // the token pool is sized at first use
	var cur, peak atomic.Int64
	busy := func() {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(200 * time.Microsecond)
		cur.Add(-1)
	}
	outer := make([]int, 16)
	err := ForEach(context.Background(), Items(outer), func(ctx context.Context, i int, _ int) error {
		_, err := Map(ctx, make([]int, 64), func(ctx context.Context, j int, _ int) (int, error) {
			busy()
			return 0, nil
		}, Options{})
		return err
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// the caller of ForEach only dispatches, so its worker slot is its
	// first worker goroutine's: GOMAXPROCS goroutines at most run tasks
	if p := peak.Load(); p > int64(limit) {
		t.Fatalf("%d tasks ran at once, budget %d", p, limit)
	}
}

func TestSinkOrderedAndAbort(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	w, err := writers.Create(out, writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSink(w, Options{})
	var wg sync.WaitGroup
	for i := 19; i >= 0; i-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := frame.MustColumn(frame.NewInt64("i", []int64{int64(i)}, nil))
			if err := s.Put(i, frame.Must(frame.New(c))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	var want strings.Builder
	want.WriteString("i\n")
	for i := range 20 {
		fmt.Fprintf(&want, "%d\n", i)
	}
	if string(b) != want.String() {
		t.Fatalf("ordered sink wrote %q", b)
	}
	// abort leaves nothing
	out2 := filepath.Join(dir, "out2.csv")
	w2, _ := writers.Create(out2, writers.Options{})
	s2 := NewSink(w2, Options{Unordered: true})
	s2.Write(frame.Must(frame.New(frame.MustColumn(frame.NewInt64("i", []int64{1}, nil)))))
	s2.Abort()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("after abort the dir holds %d files", len(ents))
	}
}

func TestStreamErrorNamesChunkAndRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	f, keys := oocFrame(rng, 3000, []keyKind{kInt}, 100, false)
	other, _ := f.Rename(keys[0], "renamed")
	dir, empty := spillDir(t)
	// chunk 4 (rows 2000 to 2499) lacks the key column
	src := func(yield func(*frame.Frame, error) bool) {
		for i := 0; i < 3000; i += 500 {
			c := f.Slice(i, i+500)
			if i == 2000 {
				c = other.Slice(i, i+500)
			}
			if !yield(c, nil) {
				return
			}
		}
	}
	_, err := Collect(GroupBy(context.Background(), src, keys, testAggs, Options{Workers: 2, ForceSpill: true, SpillDir: dir, MemoryBudget: 1 << 20}))
	if !errors.Is(err, frame.ErrNoColumn) || !strings.Contains(err.Error(), "chunk 4 (rows 2000 to 2499)") {
		t.Fatalf("got %v", err)
	}
	empty("after a bad chunk")
}

// TestCancelLeavesNoOutput is the CLI's Ctrl-C path: a CSV file streamed
// through the external sort into a writers.Writer, the context cancelled
// once spill files exist; the sink is aborted. Nothing may be left: no
// output file, no spill directory.
func TestCancelLeavesNoOutput(t *testing.T) {
	dir := t.TempDir()
	spill := filepath.Join(dir, "spill")
	os.Mkdir(spill, 0o700)
	in := filepath.Join(dir, "in.csv")
	var sb strings.Builder
	sb.WriteString("k,v\n")
	rng := rand.New(rand.NewPCG(39, 40))
	for range 200000 {
		fmt.Fprintf(&sb, "key-%d,%d\n", rng.IntN(5000), rng.IntN(1000000))
	}
	if err := os.WriteFile(in, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if ents, _ := os.ReadDir(spill); len(ents) > 0 {
				if sub, _ := os.ReadDir(filepath.Join(spill, ents[0].Name())); len(sub) > 0 {
					cancel()
					return
				}
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	w, err := writers.Create(out, writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSink(w, Options{})
	_, err = Write(ctx, Sort(ctx, readers.Open(ctx, in, readers.Options{ChunkRows: 4096}), []frame.SortKey{frame.Asc("k")},
		Options{Workers: 2, MemoryBudget: 2 << 20, SpillDir: spill}), s)
	if err == nil {
		t.Skip("the sort finished before the cancellation landed")
	}
	s.Abort()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != "in.csv" && e.Name() != "spill" {
			t.Fatalf("left behind: %s", e.Name())
		}
	}
	if ents, _ := os.ReadDir(spill); len(ents) != 0 {
		t.Fatalf("spill dir holds %d entries", len(ents))
	}
}

// TestFinishReportsCancellation: once the call's context is cancelled, an
// operator's error (often a spill file removed under it by the
// cancellation) reports the cancellation; a live context leaves it alone.
func TestFinishReportsCancellation(t *testing.T) {
	vanished := errors.New("open run-2.spill: no such file or directory")
	ctx, cancel := context.WithCancel(context.Background())
	e := newExec(ctx, "sort", Options{})
	err := vanished
	e.finish(&err)
	if err != vanished {
		t.Fatalf("live context: got %v", err)
	}
	cancel()
	err = vanished
	e.finish(&err)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "run-2.spill") {
		t.Fatalf("cancelled: got %v, want context.Canceled naming the file error", err)
	}
	var none error
	e.finish(&none)
	if none != nil {
		t.Fatalf("no error: got %v", none)
	}
}

// collectFrames returns an emit function appending to a list and a function
// concatenating the list.
func collectFrames() (func(*frame.Frame) error, func() (*frame.Frame, error)) {
	var parts []*frame.Frame
	var mu sync.Mutex
	return func(f *frame.Frame) error {
			mu.Lock()
			defer mu.Unlock()
			parts = append(parts, f)
			return nil
		}, func() (*frame.Frame, error) {
			if len(parts) == 0 {
				return frame.Empty(), nil
			}
			return frame.Concat(parts...)
		}
}
