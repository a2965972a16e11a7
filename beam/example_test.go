package sluicebeam_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	sluicebeam "github.com/sluicedata/sluice/beam"
	"github.com/sluicedata/sluice/pipeline"
)

// ExampleRun runs a spec on Prism, in this process: a filter, a join with
// a broadcast side and a group-by with a median.
func ExampleRun() {
	dir, _ := os.MkdirTemp("", "sluicebeam-example")
	defer os.RemoveAll(dir)
	files := map[string]string{
		"sales.csv":  "store,amount\ns1,10\ns2,7\ns1,30\ns2,1\ns3,4\ns1,20\n",
		"stores.csv": "store,city\ns1,Oslo\ns2,Lima\n",
		"spec.yaml": `name: by-city
inputs:
  sales:  { path: sales.csv }
  stores: { path: stores.csv }
steps:
  - name: big
    from: sales
    filter: amount > 2
  - name: located
    join: { left: big, right: stores, on: [store] }
  - name: per_city
    from: located
    group_by: [city]
    agg: { n: count(), mid: median(amount) }
output: { from: per_city, path: per_city.csv }
`,
	}
	for name, body := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	plan, err := pipeline.Load(filepath.Join(dir, "spec.yaml"))
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := sluicebeam.Run(context.Background(), plan, "prism", sluicebeam.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range t.Notes {
		fmt.Println(n)
	}
	out, _ := os.ReadFile(t.Outputs[0])
	fmt.Print(string(out))
	// Output:
	// step located: inner join, stores broadcast (27 bytes of input files)
	// city,n,mid
	// Oslo,3,20
	// Lima,1,7
}
