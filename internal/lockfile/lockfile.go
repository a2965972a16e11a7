// Package lockfile marks files as owned by a live process: a process holds
// an advisory lock (flock(2) on Unix) on an open file for as long as it
// uses it, and the kernel drops the lock when the process dies, however it
// dies (kill -9 included). Another process that can take the lock knows
// the owner is gone and may remove what it left behind. Pid numbers are
// not used: they are reused.
package lockfile

import "os"

// Lock takes an exclusive lock on f without waiting and reports whether it
// got it. The lock lasts until f is closed (or Unlock). On platforms
// without flock, Lock reports false with no error: nothing is ever taken
// for stale.
func Lock(f *os.File) (bool, error) { return lock(f) }

// Supported reports whether locks work on this platform.
const Supported = supported
