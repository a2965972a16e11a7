package csv

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// structMasksAVX2 is the AVX2 body of structMasks (masks_amd64.s): n (a
// multiple of 64) bytes at b, 4*n/64 words at out. Callers must check
// cpu.X86.HasAVX2 and the bounds.
//
//go:noescape
func structMasksAVX2(b *byte, n int, delim byte, out *uint64)

// hasStructMasksAsm reports whether structMasks is the assembly version.
var hasStructMasksAsm bool

func init() {
	if !cpu.X86.HasAVX2 {
		return
	}
	hasStructMasksAsm = true
	structMasks = func(b []byte, delim byte, out []uint64) {
		n := len(b) &^ 63 // whole blocks only, as structMasksGeneric
		if n == 0 {
			return
		}
		_ = out[4*(n/64)-1] // panics like an index error if out is too short
		structMasksAVX2(unsafe.SliceData(b), n, delim, unsafe.SliceData(out))
	}
}
