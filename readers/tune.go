package readers

import "runtime/debug"

// TuneGC lowers the garbage collector's target percentage
// (debug.SetGCPercent) to 25, unless it is lower already or off, and
// returns a function that restores the previous setting. It changes a
// process-wide setting, so the readers never call it themselves: a program
// whose main job is to read big files into memory (the sluice command line)
// may call it once at start.
//
// With the default of 100 the heap may grow to twice the live data before
// a collection; reading a file into one frame allocates its chunks as
// garbage at the rate it parses, so at 25 peak memory stays closer to the
// result's size, for more collector CPU time. Measured on a 1 GB OES-shaped
// CSV read fully typed with ReadFile (2 cores): see the readers package
// benchmarks in bench/readfile.
func TuneGC() (restore func()) {
	prev := debug.SetGCPercent(25)
	if prev >= 0 && prev < 25 {
		debug.SetGCPercent(prev)
	}
	return func() { debug.SetGCPercent(prev) }
}
