//go:build !unix

package spill

import "errors"

var errQuota = errors.New("spill: no disk quota errors on this platform")
