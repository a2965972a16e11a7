package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
)

// A run with Options.Checkpoints checkpoints each step's result; running
// it again with the same directory (after a crash, say) reads the
// finished steps back instead of computing them.
func ExampleRun_resume() {
	dir, _ := os.MkdirTemp("", "sluice-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "sales.csv"), []byte("shop,qty\na,1\nb,5\na,3\n"), 0o644)
	plan := &pipeline.Plan{
		Name:   "totals",
		Inputs: []pipeline.Input{{Name: "sales", Path: filepath.Join(dir, "sales.csv")}},
		Steps: []pipeline.Step{
			{Name: "totals", From: "sales", GroupBy: []string{"shop"},
				Agg: []pipeline.AggSpec{{Name: "qty", Func: "sum", Column: "qty"}}},
			{Name: "sorted", From: "totals", Sort: []frame.SortKey{frame.Desc("qty")}},
		},
		Outputs: []pipeline.Output{{From: "sorted", Path: filepath.Join(dir, "totals.csv")}},
	}
	opt := pipeline.Options{Checkpoints: pipeline.RunDir(plan, pipeline.Options{}), KeepCheckpoints: true}
	for run := 1; run <= 2; run++ {
		res, err := pipeline.Run(context.Background(), plan, opt)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, s := range res.Steps {
			if s.Name != "sales" {
				fmt.Printf("run %d: %s reused=%v rows=%d\n", run, s.Name, s.Reused, s.Rows)
			}
		}
	}
	out, _ := os.ReadFile(filepath.Join(dir, "totals.csv"))
	fmt.Print(string(out))
	// Output:
	// run 1: totals reused=false rows=2
	// run 1: sorted reused=false rows=2
	// run 2: totals reused=false rows=0
	// run 2: sorted reused=true rows=2
	// shop,qty
	// b,5
	// a,4
}
