//go:build unix

package spill

import "syscall"

// errQuota is the error of a write past a disk quota.
var errQuota error = syscall.EDQUOT
