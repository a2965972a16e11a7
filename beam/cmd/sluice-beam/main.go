// Command sluice-beam runs a sluice pipeline spec — the YAML files
// `sluice run` takes — on Apache Beam.
//
//	sluice-beam run SPEC.yaml [--data-dir D] [--out PATH] [--out-format F] [--shards N] [--broadcast-bytes B] [--split-bytes B] [--verbose]
//	    [--runner prism|direct|flink|spark|dataflow|universal]
//	    [--endpoint HOST:PORT | --job_server HOST:PORT] [--environment_type LOOPBACK|DOCKER|PROCESS]
//	    [--environment_config …] [--temp_location …] [--staging_location …] [--project …] [--region …]
//
// The runner flags are Beam's own (package beam/options/jobopts and the
// runners'); --job_server is an alias of --endpoint. The default runner is
// prism, which runs the job in this process, offline. Flags may come before
// or after the spec file.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/direct"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
	"github.com/sluicedata/sluice/pipeline"

	sluicebeam "github.com/sluicedata/sluice/beam"
)

var (
	dataDir   = flag.String("data-dir", "", "directory relative input and output paths resolve against (default: the spec file's)")
	out       = flag.String("out", "", "replace the path of the plan's only output")
	outFormat = flag.String("out-format", "", "format of the output (default: by its extension)")
	shards    = flag.Int("shards", sluicebeam.DefaultShards, "hash partitions of joins, group-bys and distincts")
	jobServer = flag.String("job_server", "", "alias of --endpoint: the job service of a Flink or Spark job server")
	bcast     = flag.Int64("broadcast-bytes", 0, "broadcast a join side whose input files total at most this many bytes (0: 64 MiB; -1: never)")
	split     = flag.Int64("split-bytes", 0, "read plain CSV/TSV files bigger than this in byte ranges of about this size (0: 64 MiB; -1: never)")
	verbose   = flag.Bool("verbose", false, "show the runner's log (Prism's and the SDK's)")
)

const usage = `usage: sluice-beam run SPEC.yaml [flags]

Runs a sluice pipeline spec on Apache Beam (default runner: prism, in process).
Flags:
`

func main() {
	flag.Usage = func() {
		fmt.Fprint(os.Stderr, usage)
		flag.PrintDefaults()
	}
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		// a Beam worker is started with flags only; beam.Init runs it and
		// exits
		flag.Parse()
		beam.Init()
		flag.Usage()
		os.Exit(2)
	}
	if os.Args[1] != "run" {
		fmt.Fprintf(os.Stderr, "sluice-beam: unknown command %q\n", os.Args[1])
		flag.Usage()
		os.Exit(2)
	}
	// flags before and after the spec file
	var pos []string
	args := os.Args[2:]
	for {
		if err := flag.CommandLine.Parse(args); err != nil {
			os.Exit(2)
		}
		if flag.NArg() == 0 {
			break
		}
		pos = append(pos, flag.Arg(0))
		args = flag.Args()[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintln(os.Stderr, "sluice-beam run: want one spec file")
		flag.Usage()
		os.Exit(2)
	}
	beam.Init()
	if !*verbose {
		// the runner logs every job step and dumps its stages on failure;
		// the concise cause is printed below
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 4})))
	}
	if *jobServer != "" && *jobopts.Endpoint == "" {
		*jobopts.Endpoint = *jobServer
	}
	runner := *beamrunners.Runner
	if runner == "" {
		runner = "prism"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, pos[0], runner); err != nil {
		fmt.Fprintln(os.Stderr, "sluice-beam:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, spec, runner string) error {
	start := time.Now()
	plan, err := pipeline.Load(spec)
	if err != nil {
		return err
	}
	t, err := sluicebeam.Run(ctx, plan, runner, sluicebeam.Options{
		DataDir: *dataDir, Out: *out, OutFormat: *outFormat, Shards: *shards, BroadcastBytes: *bcast, SplitBytes: *split,
	})
	if err != nil {
		return err
	}
	for _, n := range t.Notes {
		fmt.Fprintln(os.Stderr, n)
	}
	for _, o := range t.Outputs {
		fmt.Fprintf(os.Stderr, "wrote %s\n", o)
	}
	fmt.Fprintf(os.Stderr, "%s on %s in %v\n", plan.Name, runner, time.Since(start).Round(time.Millisecond))
	return nil
}
