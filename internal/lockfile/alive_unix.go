//go:build unix

package lockfile

import (
	"errors"
	"syscall"
)

// Alive reports whether a process with this pid exists (it may be another
// program that reused the number: use it only to be more careful, never to
// decide that a file is still in use).
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
