//go:build !unix

package writers

import "errors"

var errQuota = errors.New("writers: no disk quota errors on this platform")
