package parallel_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/readers"
)

func frames() (work, codes *frame.Frame) {
	work = frame.Must(frame.New(
		frame.MustColumn(frame.NewString("code", []string{"11-1011", "15-1252", "11-1011", "29-1141", "15-1252"}, nil)),
		frame.MustColumn(frame.NewString("state", []string{"CA", "CA", "TX", "TX", "TX"}, nil)),
		frame.NewFloat64("a_mean", []float64{250000, 140000, 210000, 90000, 120000}),
	))
	codes = frame.Must(frame.New(
		frame.MustColumn(frame.NewString("occ_code", []string{"15-1252", "11-1011"}, nil)),
		frame.MustColumn(frame.NewString("title", []string{"Software Developers", "Chief Executives"}, nil)),
	))
	return work, codes
}

func ExampleJoin_frames() {
	work, codes := frames()
	// Frames turns frames into streams and Collect the result back into a
	// frame: the result is the serial frame.Join's, row for row.
	j, err := parallel.Collect(parallel.Join(context.Background(), parallel.Frames(work, 2), parallel.Frames(codes, 0),
		frame.Left, frame.On("code", "occ_code"), parallel.Options{Workers: 2}))
	if err != nil {
		panic(err)
	}
	t := j.MustColumn("title")
	for i := 0; i < j.NumRows(); i++ {
		fmt.Println(j.MustColumn("code").Str(i), t.Value(i))
	}
	// Output:
	// 11-1011 Chief Executives
	// 15-1252 Software Developers
	// 11-1011 Chief Executives
	// 29-1141 <nil>
	// 15-1252 Software Developers
}

func ExampleGroupBy_frames() {
	work, _ := frames()
	out, err := parallel.Collect(parallel.GroupBy(context.Background(), parallel.Frames(work, 0), []string{"state"},
		[]frame.Agg{frame.Median("a_mean"), frame.Quantile("a_mean", 0.9)}, parallel.Options{Partitions: 2}))
	if err != nil {
		panic(err)
	}
	for i := 0; i < out.NumRows(); i++ {
		fmt.Println(out.MustColumn("state").Str(i), out.MustColumn("a_mean_median").Float64(i), out.MustColumn("a_mean_p90").Float64(i))
	}
	// Output:
	// CA 195000 239000
	// TX 120000 192000
}

func ExampleMap() {
	files := []string{"a.csv", "b.csv", "c.csv"}
	out, err := parallel.Map(context.Background(), files, func(ctx context.Context, i int, name string) (string, error) {
		return strings.ToUpper(name), nil
	}, parallel.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(out)
	// Output:
	// [A.CSV B.CSV C.CSV]
}

// oesCSV is a tiny OES-shaped table.
const oesCSV = `area_title,occ_code,a_mean
Texas,11-1011,"250,000"
Ohio,11-1011,"180,000"
Texas,15-1252,"140,000"
Texas,11-1011,"210,000"
Ohio,15-1252,*
Texas,11-1011,"230,000"
`

func oesSource() parallel.Source {
	return readers.CSV(context.Background(), strings.NewReader(oesCSV),
		readers.Options{NA: []string{"*"}, Thousands: ',', ChunkRows: 2})
}

func ExampleGroupBy() {
	// ForceSpill and a 1 MiB budget take the out-of-core path (hash
	// partitions in spill files) on this tiny input; the result is
	// GroupBy's, in order of first appearance.
	g, err := parallel.Collect(parallel.GroupBy(context.Background(), oesSource(), []string{"area_title", "occ_code"},
		[]frame.Agg{frame.Median("a_mean").As("med"), frame.Count()},
		parallel.Options{MemoryBudget: 1 << 20, ForceSpill: true}))
	if err != nil {
		panic(err)
	}
	for i := 0; i < g.NumRows(); i++ {
		fmt.Println(g.MustColumn("area_title").Str(i), g.MustColumn("occ_code").Str(i), g.MustColumn("med").Value(i), g.MustColumn("count").Value(i))
	}
	// Output:
	// Texas 11-1011 230000 3
	// Ohio 11-1011 180000 1
	// Texas 15-1252 140000 1
	// Ohio 15-1252 <nil> 1
}

func ExampleSort() {
	// An external sort streamed chunk by chunk (to a writer, or here to
	// a loop printing each chunk): sorted runs are spilled and k-way merged.
	sorted := parallel.Sort(context.Background(), oesSource(), []frame.SortKey{frame.Asc("occ_code"), frame.Desc("a_mean")},
		parallel.Options{MemoryBudget: 1 << 20, ForceSpill: true})
	for chunk, err := range sorted {
		if err != nil {
			panic(err)
		}
		for i := 0; i < chunk.NumRows(); i++ {
			fmt.Println(chunk.MustColumn("occ_code").Str(i), chunk.MustColumn("area_title").Str(i), chunk.MustColumn("a_mean").Value(i))
		}
	}
	// Output:
	// 11-1011 Texas 250000
	// 11-1011 Texas 230000
	// 11-1011 Texas 210000
	// 11-1011 Ohio 180000
	// 15-1252 Texas 140000
	// 15-1252 Ohio <nil>
}

func ExampleJoin() {
	codes := readers.CSV(context.Background(), strings.NewReader("code,title\n11-1011,Chief Executives\n15-1252,Software Developers\n"), readers.Options{})
	j, err := parallel.Collect(parallel.Join(context.Background(), oesSource(), codes, frame.Inner, frame.On("occ_code", "code"),
		parallel.Options{MemoryBudget: 1 << 20, ForceSpill: true}))
	if err != nil {
		panic(err)
	}
	for i := 0; i < j.NumRows(); i++ {
		fmt.Println(j.MustColumn("area_title").Str(i), j.MustColumn("title").Str(i))
	}
	// Output:
	// Texas Chief Executives
	// Ohio Chief Executives
	// Texas Software Developers
	// Texas Chief Executives
	// Ohio Software Developers
	// Texas Chief Executives
}

func ExampleGroupApply() {
	// A user's function per (area_title) group, results in order of first
	// appearance; with Unordered they would come as finished.
	err := parallel.GroupApply(context.Background(), oesSource(), []string{"area_title"},
		func(key, group *frame.Frame) (*frame.Frame, error) {
			n := frame.MustColumn(frame.NewInt64("rows", []int64{int64(group.NumRows())}, nil))
			return frame.New(append(key.Columns(), n)...)
		},
		func(f *frame.Frame) error {
			for i := 0; i < f.NumRows(); i++ {
				fmt.Println(f.MustColumn("area_title").Str(i), f.MustColumn("rows").Value(i))
			}
			return nil
		}, parallel.Options{Workers: 2})
	if err != nil {
		panic(err)
	}
	// Output:
	// Texas 4
	// Ohio 2
}

func ExampleMapFiles() {
	// Workers take the next file as soon as they finish one; results come
	// in input order (Unordered: as finished).
	paths := []string{"a.csv", "b.csv", "c.csv"}
	for n, err := range parallel.MapFiles(context.Background(), paths, func(ctx context.Context, i int, path string) (int, error) {
		return len(path) * 10, nil // e.g. read and summarise the file
	}, parallel.Options{Workers: 2}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(n)
	}
	// Output:
	// 50
	// 50
	// 50
}
