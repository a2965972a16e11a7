package sluicebeam

import (
	"context"
	"strings"

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
		return t, &JobError{Runner: runner, Msg: cause(err), Err: err}
	}
	return t, nil
}

// JobError is a failed Beam job. Its message is the cause the failing
// DoFn reported (which names the step, input or output); Err is the
// runner's whole error, with the bundle and stage dumps runners add.
type JobError struct {
	Runner string
	Msg    string
	Err    error
}

// Error returns the runner's name and the failing DoFn's cause.
func (e *JobError) Error() string { return "beam runner " + e.Runner + ": " + e.Msg }

// Unwrap returns the runner's error.
func (e *JobError) Unwrap() error { return e.Err }

// cause extracts the failing DoFn's message from a runner's error: the text
// after the last "] failed:" line, up to the runner's next dump.
func cause(err error) string {
	msg := err.Error()
	const marker = "] failed:\n"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return msg
	}
	msg = msg[i+len(marker):]
	if j := strings.Index(msg, "\n\tcaused by:"); j >= 0 {
		msg = msg[:j]
	}
	return strings.TrimSpace(msg)
}
