//go:build !amd64

package csv

// hasStructMasksAsm reports whether structMasks is an assembly version;
// there is none on this architecture.
var hasStructMasksAsm = false
