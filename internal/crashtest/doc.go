// Package crashtest holds the kill -9 harness of sluice's engine and
// writers, and the helpers (Start, ChildArgs, Killed, Litter) the
// command-line tests (cmd/sluice) use to kill every verb the same way: a
// child process, the test binary re-executed,
// runs a spilling pipeline into an atomic output file and is killed with
// SIGKILL at a random point; the parent then checks that nothing partial
// sits at the output path and that the next run removes the temporary file
// and the spill directory the killed one left behind.
//
//	go test ./internal/crashtest              # 20 seeds
//	go test -short ./internal/crashtest       # 3 seeds
//	CRASHTEST_SEEDS=200 go test ./internal/crashtest
//	go test -run TestKillVerbs ./cmd/sluice    # run, agg, sort, join, convert
package crashtest
