package parallel

// Benchmarks of the targets. They generate their data in-process
// with fixed seeds. Run, for example:
//
//	go test -run '^$' -bench 'JoinInt10Mx1M|JoinSOC10Mx1M|GroupBy10Mx100K|JoinGota50Kx91K' -benchtime 3x ./parallel
//
// Besides time and allocations each reports in-MB and out-MB (Frame.Size of
// the inputs and of the output), peak-MB (the highest heap-objects figure of
// runtime/metrics sampled every millisecond during the loop, garbage not
// yet collected included, inputs included) and peak/(in+out).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
)

// cached returns gen(), memoised for the benchmark being run only: the
// data of earlier benchmarks is dropped so it does not count in their
// successors' peak heap.
var (
	benchMu   sync.Mutex
	benchKey  string
	benchData any
)

func cached[T any](key string, gen func() T) T {
	benchMu.Lock()
	defer benchMu.Unlock()
	if key == benchKey {
		return benchData.(T)
	}
	benchKey, benchData = "", nil
	runtime.GC()
	v := gen()
	benchKey, benchData = key, v
	return v
}

// intJoinFrames: probe 10M rows with keys drawn from the 1M unique build
// keys; one float payload column per side.
func intJoinFrames() [2]*frame.Frame {
	return cached("int", func() [2]*frame.Frame {
		rng := rand.New(rand.NewPCG(1, 1))
		const nl, nr = 10_000_000, 1_000_000
		rk := make([]int64, nr)
		ry := make([]float64, nr)
		for i, p := range rng.Perm(nr) {
			rk[i] = int64(p) * 7
			ry[i] = float64(i)
		}
		lk := make([]int64, nl)
		lx := make([]float64, nl)
		for i := range lk {
			lk[i] = int64(rng.IntN(nr)) * 7
			lx[i] = rng.Float64()
		}
		l := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("id", lk, nil)), frame.NewFloat64("x", lx)))
		r := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("id", rk, nil)), frame.NewFloat64("y", ry)))
		return [2]*frame.Frame{l, r}
	})
}

func soc(k int) string { return fmt.Sprintf("%02d-%04d", k/10000, k%10000) }

// socJoinFrames: as intJoinFrames with SOC-like string keys "11-1011"
// (every one of the 1M codes 00-0000 … 99-9999 once on the build side).
func socJoinFrames() [2]*frame.Frame {
	return cached("soc", func() [2]*frame.Frame {
		rng := rand.New(rand.NewPCG(2, 2))
		const nl, nr = 10_000_000, 1_000_000
		var rb, lb frame.StringBuilder
		rb.Grow(nr, nr*7)
		ry := make([]float64, nr)
		for i, p := range rng.Perm(nr) {
			rb.Append(soc(p))
			ry[i] = float64(i)
		}
		lb.Grow(nl, nl*7)
		lx := make([]float64, nl)
		for i := range lx {
			lb.Append(soc(rng.IntN(nr)))
			lx[i] = rng.Float64()
		}
		l := frame.Must(frame.New(lb.Build("code"), frame.NewFloat64("x", lx)))
		r := frame.Must(frame.New(rb.Build("occ_code"), frame.NewFloat64("y", ry)))
		return [2]*frame.Frame{l, r}
	})
}

// groupFrame: 10M rows, int64 key with 100K distinct values, float values.
func groupFrame() *frame.Frame {
	return cached("group", func() *frame.Frame {
		rng := rand.New(rand.NewPCG(3, 3))
		const n, g = 10_000_000, 100_000
		k := make([]int64, n)
		v := make([]float64, n)
		for i := range k {
			k[i] = int64(rng.IntN(g))
			v[i] = rng.NormFloat64()*1000 + 50000
		}
		return frame.Must(frame.New(frame.MustColumn(frame.NewInt64("k", k, nil)), frame.NewFloat64("v", v)))
	})
}

// GotaFrames generates gota issue #190's shape: a left join of 50K × 91K
// rows on two string keys (title, state); the right side has each of its
// 1820 × 50 key pairs once, the left side draws titles from 2000 (so some
// do not match).
func GotaFrames(nl, nr int) [2]*frame.Frame {
	return cached(fmt.Sprint("gota", nl, nr), func() [2]*frame.Frame {
		rng := rand.New(rand.NewPCG(4, 4))
		states := make([]string, 50)
		for i := range states {
			states[i] = fmt.Sprintf("State %c%c", 'A'+i/26, 'A'+i%26)
		}
		title := func(t int) string { return fmt.Sprintf("Occupation title number %d", t) }
		var rt, rs, lt, ls frame.StringBuilder
		ry := make([]float64, nr)
		for i, p := range rng.Perm(nr) {
			rt.Append(title(p / 50))
			rs.Append(states[p%50])
			ry[i] = float64(i)
		}
		lx := make([]float64, nl)
		for i := range lx {
			lt.Append(title(rng.IntN(nr/50 + nr/500)))
			ls.Append(states[rng.IntN(50)])
			lx[i] = float64(i)
		}
		l := frame.Must(frame.New(lt.Build("title"), ls.Build("state"), frame.NewFloat64("x", lx)))
		r := frame.Must(frame.New(rt.Build("title"), rs.Build("state"), frame.NewFloat64("y", ry)))
		return [2]*frame.Frame{l, r}
	})
}

// measure runs fn in b.Loop and reports sizes and the peak heap.
func measure(b *testing.B, in int64, fn func() (*frame.Frame, error)) {
	b.ReportAllocs()
	runtime.GC()
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			peak = max(peak, samples[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	var out *frame.Frame
	for b.Loop() {
		out = nil
		var err error
		if out, err = fn(); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
	<-done
	const mb = 1 << 20
	b.ReportMetric(float64(in)/mb, "in-MB")
	b.ReportMetric(float64(out.Size())/mb, "out-MB")
	b.ReportMetric(float64(peak)/mb, "peak-MB")
	b.ReportMetric(float64(peak)/float64(in+out.Size()), "peak/(in+out)")
	b.ReportMetric(float64(out.NumRows()), "rows")
}

func benchJoin(b *testing.B, fr [2]*frame.Frame, how frame.JoinType, on frame.JoinOn) {
	l, r := fr[0], fr[1]
	in := l.Size() + r.Size()
	b.Run("parallel", func(b *testing.B) {
		measure(b, in, func() (*frame.Frame, error) {
			return Collect(Join(context.Background(), Frames(l, 0), Frames(r, 0), how, on, Options{}))
		})
	})
	b.Run("serial", func(b *testing.B) {
		measure(b, in, func() (*frame.Frame, error) { return frame.Join(l, r, how, on) })
	})
}

func BenchmarkJoinInt10Mx1M(b *testing.B) {
	benchJoin(b, intJoinFrames(), frame.Inner, frame.OnSame("id"))
}

func BenchmarkJoinSOC10Mx1M(b *testing.B) {
	benchJoin(b, socJoinFrames(), frame.Inner, frame.On("code", "occ_code"))
}

func BenchmarkJoinGota50Kx91K(b *testing.B) {
	benchJoin(b, GotaFrames(50_000, 91_000), frame.Left, frame.OnSame("title", "state"))
}

func BenchmarkGroupBy10Mx100K(b *testing.B) {
	f := groupFrame()
	aggs := []frame.Agg{frame.Median("v"), frame.Quantile("v", 0.1), frame.Quantile("v", 0.9)}
	b.Run("parallel", func(b *testing.B) {
		measure(b, f.Size(), func() (*frame.Frame, error) {
			return Collect(GroupBy(context.Background(), Frames(f, 0), []string{"k"}, aggs, Options{}))
		})
	})
	b.Run("serial", func(b *testing.B) {
		measure(b, f.Size(), func() (*frame.Frame, error) { return f.GroupBy("k").Agg(aggs...) })
	})
}
