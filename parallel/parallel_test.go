package parallel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/stats"
)

// identical reports whether a and b have the same names, types and cells,
// floats compared bit for bit.
func identical(a, b *frame.Frame) error {
	if a.NumRows() != b.NumRows() || a.NumCols() != b.NumCols() {
		return fmt.Errorf("shape %dx%d vs %dx%d", a.NumRows(), a.NumCols(), b.NumRows(), b.NumCols())
	}
	for k := 0; k < a.NumCols(); k++ {
		ca, cb := a.ColumnAt(k), b.ColumnAt(k)
		if ca.Name() != cb.Name() || ca.Type() != cb.Type() || ca.NullCount() != cb.NullCount() {
			return fmt.Errorf("column %d: %s %v (%d nulls) vs %s %v (%d nulls)", k, ca.Name(), ca.Type(), ca.NullCount(), cb.Name(), cb.Type(), cb.NullCount())
		}
		for i := 0; i < a.NumRows(); i++ {
			na := ca.IsNull(i)
			same := na == cb.IsNull(i)
			if same && !na {
				switch ca.Type() {
				case frame.Float64:
					same = math.Float64bits(ca.Float64(i)) == math.Float64bits(cb.Float64(i))
				case frame.Bool:
					same = ca.Bool(i) == cb.Bool(i)
				case frame.String:
					same = string(ca.StrBytes(i)) == string(cb.StrBytes(i))
				default:
					same = ca.Int64(i) == cb.Int64(i)
				}
			}
			if !same {
				return fmt.Errorf("column %s row %d: %v vs %v", ca.Name(), i, ca.Value(i), cb.Value(i))
			}
		}
	}
	return nil
}

type keyKind int

const (
	kInt keyKind = iota
	kShort
	kWide
	kDict
	kDate
)

func keyCol(rng *rand.Rand, name string, kind keyKind, n, card int, skew bool) *frame.Column {
	valid := make([]bool, n)
	vals := make([]int, n)
	for i := range vals {
		valid[i] = rng.IntN(10) != 0
		vals[i] = rng.IntN(card)
		if skew && rng.IntN(4) == 0 {
			vals[i] = 0
		}
	}
	switch kind {
	case kInt, kDate:
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(vals[i]) * 1000003
		}
		if kind == kDate {
			return frame.MustColumn(frame.NewDate(name, v, valid))
		}
		return frame.MustColumn(frame.NewInt64(name, v, valid))
	}
	s := make([]string, n)
	for i := range s {
		if kind == kWide {
			s[i] = fmt.Sprintf("a-rather-long-occupation-title-%d", vals[i])
		} else {
			s[i] = fmt.Sprintf("%02d-%04d", vals[i]%100, vals[i]/100)
		}
	}
	c := frame.MustColumn(frame.NewString(name, s, valid))
	if kind == kDict {
		c = c.DictEncode()
	}
	return c
}

func payload(rng *rand.Rand, prefix string, n int) []*frame.Column {
	f := make([]float64, n)
	iv := make([]int64, n)
	s := make([]string, n)
	for i := range f {
		f[i] = rng.NormFloat64() * 100
		if rng.IntN(7) == 0 {
			f[i] = math.NaN()
		}
		iv[i] = int64(rng.IntN(1000))
		s[i] = fmt.Sprint("v", rng.IntN(30))
	}
	return []*frame.Column{
		frame.NewFloat64(prefix+"x", f),
		frame.MustColumn(frame.NewInt64(prefix+"n", iv, nil)),
		frame.MustColumn(frame.NewString(prefix+"s", s, nil)),
	}
}

type joinCase struct {
	name        string
	left, right *frame.Frame
	on          frame.JoinOn
}

func joinCases(rng *rand.Rand) []joinCase {
	var cases []joinCase
	kinds := [][]keyKind{{kInt}, {kShort}, {kWide}, {kDict}, {kDate}, {kWide, kShort}, {kInt, kDict, kShort}}
	for _, ks := range kinds {
		for _, sz := range [][2]int{{0, 50}, {70, 0}, {200, 150}, {500, 200}, {120, 700}} {
			for _, skew := range []bool{false, true} {
				nl, nr := sz[0], sz[1]
				card := max(1, (nl+nr)/5)
				lc := payload(rng, "", nl)
				rc := payload(rng, "", nr)
				var on frame.JoinOn
				for k, kind := range ks {
					ln, rn := fmt.Sprint("k", k), fmt.Sprint("rk", k)
					lc = append(lc, keyCol(rng, ln, kind, nl, card, skew))
					rc = append(rc, keyCol(rng, rn, kind, nr, card, skew))
					if k == 0 {
						on = frame.On(ln, rn)
					} else {
						on = on.And(ln, rn)
					}
				}
				cases = append(cases, joinCase{fmt.Sprintf("%v/%dx%d/skew=%v", ks, nl, nr, skew),
					frame.Must(frame.New(lc...)), frame.Must(frame.New(rc...)), on})
			}
		}
	}
	return cases
}

var allJoins = []frame.JoinType{frame.Inner, frame.Left, frame.Right, frame.Outer, frame.Semi, frame.Anti}

func TestJoinIdenticalToSerial(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 12))
	for _, jc := range joinCases(rng) {
		for _, how := range allJoins {
			want, err := frame.Join(jc.left, jc.right, how, jc.on)
			if err != nil {
				t.Fatal(err)
			}
			for _, opt := range []Options{{Workers: 1}, {Workers: 4}, {Workers: 4, Partitions: 7}, {Workers: 1, Partitions: 3}} {
				got, err := Collect(Join(ctx, Frames(jc.left, 0), Frames(jc.right, 0), how, jc.on, opt))
				if err != nil {
					t.Fatalf("%s %v %+v: %v", jc.name, how, opt, err)
				}
				if err := identical(got, want); err != nil {
					t.Fatalf("%s %v %+v: %v", jc.name, how, opt, err)
				}
			}
		}
	}
}

func TestGroupByIdenticalToSerial(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 14))
	aggs := []frame.Agg{frame.Count(), frame.CountNonNull("x"), frame.Sum("x"), frame.Sum("n"), frame.Mean("x"),
		frame.Median("x"), frame.Quantile("x", 0.1), frame.Quantile("x", 0.9), frame.Quantile("n", 0.3).Method(stats.Nearest),
		frame.Min("x"), frame.Max("s"), frame.Std("x"), frame.Var("n").Ddof(0), frame.NUnique("s"),
		frame.First("x"), frame.Last("s")}
	kinds := [][]keyKind{{kInt}, {kShort}, {kWide}, {kDict}, {kWide, kInt}, {kDict, kDate, kShort}}
	for _, ks := range kinds {
		for _, n := range []int{0, 1, 100, 5000} {
			for _, skew := range []bool{false, true} {
				cols := payload(rng, "", n)
				var keys []string
				for k, kind := range ks {
					name := fmt.Sprint("k", k)
					cols = append(cols, keyCol(rng, name, kind, n, max(1, n/10), skew))
					keys = append(keys, name)
				}
				f := frame.Must(frame.New(cols...))
				for _, sorted := range []bool{false, true} {
					g := f.GroupBy(keys...)
					if sorted {
						g = g.Sorted()
					}
					want, err := g.Agg(aggs...)
					if err != nil {
						t.Fatal(err)
					}
					for _, opt := range []Options{{Workers: 1}, {Workers: 4}, {Workers: 4, Partitions: 5}, {Workers: 1, Partitions: 2}} {
						got, err := Agg(ctx, g, aggs, opt)
						if err != nil {
							t.Fatal(err)
						}
						if err := identical(got, want); err != nil {
							t.Fatalf("%v n=%d skew=%v sorted=%v %+v: %v", ks, n, skew, sorted, opt, err)
						}
					}
				}
				if !t.Failed() {
					got, err := Collect(GroupBy(ctx, Frames(f, 0), keys, aggs, Options{Workers: 3}))
					want, _ := f.GroupBy(keys...).Agg(aggs...)
					if err != nil || identical(got, want) != nil {
						t.Fatalf("GroupBy: %v", err)
					}
				}
			}
		}
	}
}

func TestPartition(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(15, 16))
	n := 200_000
	f := frame.Must(frame.New(append(payload(rng, "", n), keyCol(rng, "k", kShort, n, 5000, false))...))
	parts, err := Partition(ctx, f, []string{"k"}, 5, Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	where := map[string]int{}
	for p, pf := range parts {
		total += pf.NumRows()
		k := pf.MustColumn("k")
		for i := 0; i < pf.NumRows(); i++ {
			key := fmt.Sprint(k.Value(i))
			if q, ok := where[key]; ok && q != p {
				t.Fatalf("key %s in partitions %d and %d", key, q, p)
			}
			where[key] = p
		}
	}
	if total != n {
		t.Fatalf("%d rows in partitions, want %d", total, n)
	}
	if _, err := Partition(ctx, f, []string{"nope"}, 3, Options{}); !errors.Is(err, frame.ErrNoColumn) {
		t.Errorf("missing key: %v", err)
	}
}

func TestMap(t *testing.T) {
	ctx := context.Background()
	items := make([]int, 10_000)
	for i := range items {
		items[i] = i
	}
	for _, w := range []int{1, 4, 0} {
		out, err := Map(ctx, items, func(ctx context.Context, i int, x int) (string, error) {
			return fmt.Sprint(x * x), nil
		}, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range out {
			if s != fmt.Sprint(i*i) {
				t.Fatalf("workers %d: out[%d] = %s", w, i, s)
			}
		}
	}
	out, err := Map(ctx, []int{}, func(context.Context, int, int) (int, error) { return 0, nil }, Options{})
	if err != nil || len(out) != 0 {
		t.Fatalf("empty: %v %v", out, err)
	}
}

func TestMapErrorCancels(t *testing.T) {
	boom := errors.New("boom")
	var calls atomic.Int64
	items := make([]int, 1000)
	_, err := Map(context.Background(), items, func(ctx context.Context, i int, _ int) (int, error) {
		calls.Add(1)
		if i == 10 {
			return 0, boom
		}
		time.Sleep(100 * time.Microsecond)
		return i, ctx.Err()
	}, Options{Workers: 4})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "item 10") {
		t.Fatalf("err = %v, want boom at item 10", err)
	}
	if c := calls.Load(); c > 500 {
		t.Errorf("%d calls after the error: not cancelled", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Map(ctx, items, func(context.Context, int, int) (int, error) { return 0, nil }, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: %v", err)
	}
}

func TestPanicBecomesError(t *testing.T) {
	_, err := Map(context.Background(), make([]int, 100), func(ctx context.Context, i int, _ int) (int, error) {
		if i == 42 {
			panic("kaboom")
		}
		return i, nil
	}, Options{Workers: 3})
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *PanicError", err)
	}
	if pe.Value != "kaboom" || pe.Task != "map: item 42" || !strings.Contains(string(pe.Stack), "parallel_test.go") {
		t.Fatalf("panic error: task %q value %v stack:\n%s", pe.Task, pe.Value, pe.Stack)
	}
	// a panic inside a partition task names the partition
	err = run(context.Background(), 8, Options{Workers: 2}, "join", label("partition"), func(ctx context.Context, p int) error {
		if p == 5 {
			var m map[string]int
			//lint:ignore SA5000 the test needs a runtime panic inside the partition task
			m["x"] = 1 // nil map write panics
		}
		return nil
	})
	if !errors.As(err, &pe) || pe.Task != "join: partition 5" {
		t.Fatalf("err = %v", err)
	}
}

// TestNestedNoDeadlock nests Map three deep with more items than tokens;
// every level must finish (inline when no helper is free).
func TestNestedNoDeadlock(t *testing.T) {
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		_, err := Map(ctx, make([]int, 16), func(ctx context.Context, i int, _ int) (int, error) {
			r, err := Map(ctx, make([]int, 16), func(ctx context.Context, j int, _ int) (int, error) {
				r, err := Map(ctx, make([]int, 16), func(ctx context.Context, k int, _ int) (int, error) {
					return 1, nil
				}, Options{Workers: 8})
				return len(r), err
			}, Options{Workers: 8})
			return len(r), err
		}, Options{Workers: 8})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("nested Map deadlocked")
	}
	// all tokens are back
	got := tryAcquire(1 << 20)
	for range got {
		release()
	}
	if got != cap(tokens) {
		t.Errorf("%d of %d tokens free after the calls", got, cap(tokens))
	}
}

func TestJoinGroupByErrors(t *testing.T) {
	ctx := context.Background()
	f := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("k", []int64{1, 2}, nil))))
	g := frame.Must(frame.New(frame.MustColumn(frame.NewString("k", []string{"1", "2"}, nil))))
	if _, err := Collect(Join(ctx, Frames(f, 0), Frames(g, 0), frame.Inner, frame.OnSame("k"), Options{})); !errors.Is(err, frame.ErrType) {
		t.Errorf("join type mismatch: %v", err)
	}
	if _, err := Collect(GroupBy(ctx, Frames(f, 0), []string{"zz"}, []frame.Agg{frame.Count()}, Options{})); !errors.Is(err, frame.ErrNoColumn) {
		t.Errorf("group by missing key: %v", err)
	}
}
