package sluicebeam

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/sluicedata/sluice/pipeline"
)

// Run builds plan (see [Build]) and runs it on the named Beam runner
// ("prism", "flink", "spark", "dataflow", "direct", "universal"), which the
// program must have linked in (import its package under
// github.com/apache/beam/sdks/v2/go/pkg/beam/runners). Runner settings
// (endpoint, environment, project, …) are Beam's own flags. It returns
// when the job has finished; on failure the error is the job's, naming the
// step, input or output whose code failed.
func Run(ctx context.Context, plan *pipeline.Plan, runner string, opt Options) (*Translation, error) {
	t, err := Build(ctx, plan, opt)
	if err != nil {
		return nil, err
	}
	if _, err := beam.Run(ctx, runner, t.Pipeline); err != nil {
		return t, fmt.Errorf("beam runner %s: %w", runner, err)
	}
	return t, nil
}
