package csv

import (
	"os"
	"syscall"
	"unsafe"
)

// mapFile maps an uncompressed file read-only for whole-input splitting; it
// returns nil (read normally) when mapping fails.
func mapFile(f *os.File, size int64) (data []byte, unmap func()) {
	if size <= 0 || size != int64(int(size)) {
		return nil, nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	_ = syscall.Madvise(b, syscall.MADV_SEQUENTIAL)
	return b, func() { _ = syscall.Munmap(b) }
}

// dropPages unmaps the whole pages of a parsed chunk of a mapped file from
// the process (the page cache keeps them), so resident memory holds only the
// chunks in flight, not the file.
func dropPages(b []byte) {
	if len(b) >= 2*pageSize {
		adviseWholePages(b, syscall.MADV_DONTNEED)
	}
}

// populate faults in the whole pages of b, fresh memory a worker is about
// to fill, with one call (MADV_POPULATE_WRITE, Linux 5.14+; an error, as
// on older kernels, leaves the pages to be faulted in one by one). Measured
// on a 1 GB read: system time 0.77-0.80 s median vs 0.88-0.92 s, and a
// narrower spread (max 0.87 vs 1.33 s), over 16 interleaved runs.
func populate(b []byte) {
	if len(b) >= 4*pageSize {
		adviseWholePages(b, madvPopulateWrite)
	}
}

const pageSize = 4096

// adviseWholePages applies madvise advice to the whole pages inside b.
func adviseWholePages(b []byte, advice int) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	off := int((pageSize - p%pageSize) % pageSize)
	if end := off + (len(b)-off)/pageSize*pageSize; end > off {
		_ = syscall.Madvise(b[off:end], advice)
	}
}

const madvPopulateWrite = 23 // not in package syscall
