package writers

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sluicedata/sluice/internal/lockfile"
)

// atomicFile is a temporary file renamed over its destination on commit.
//
// The destination is path with symbolic links followed, so a link stays a
// link and its target gets the data. An existing destination's permission
// bits are given to the temporary file; a new one gets 0666 less the umask,
// as os.Create would give it. A destination that exists and is not a
// regular file (a device such as /dev/null, a FIFO) cannot be replaced by a
// rename: it is written directly, and commit and abort just close it.
//
// The temporary file is named .<base>.tmp-<pid>-<random> beside the
// destination, and its writer holds an advisory lock on it (package
// internal/lockfile) while it is open. A process killed before commit or
// abort leaves it behind; the next writer to the same destination removes
// every such file no live writer holds the lock on.
//
// A write that fails because the disk (or quota) is full fails with one
// line, "writers: no space left on DIR writing PATH (output needed ~X so
// far)", and Abort removes the temporary file.
type atomicFile struct {
	path   string // as given, for messages
	target string // path with symbolic links followed
	f      *os.File
	w      io.Writer // f, counting bytes and naming a full disk
	direct bool      // writing to a special file in place
}

// tempHook, if set (by tests), wraps the temporary file's writer.
var tempHook func(w io.Writer) io.Writer

// spaceWriter counts the bytes written to an output file and turns a full
// disk into an error that says so.
type spaceWriter struct {
	a *atomicFile
	w io.Writer
	n int64
}

func (s *spaceWriter) Write(b []byte) (int, error) {
	n, err := s.w.Write(b)
	s.n += int64(n)
	if err != nil {
		err = s.a.noSpace(err, s.n+int64(len(b)-n))
	}
	return n, err
}

// noSpaceError is a full disk under an output file.
type noSpaceError struct {
	dir, path string
	need      int64
	err       error
}

func (e *noSpaceError) Error() string {
	return fmt.Sprintf("writers: no space left on %s writing %s (output needed ~%s so far)", e.dir, e.path, humanBytes(e.need))
}

func (e *noSpaceError) Unwrap() error { return e.err }

// noSpace returns err as a noSpaceError when it is a full disk or quota.
func (a *atomicFile) noSpace(err error, need int64) error {
	var ns *noSpaceError
	if errors.As(err, &ns) || !(errors.Is(err, syscall.ENOSPC) || errors.Is(err, errQuota)) {
		return err
	}
	return &noSpaceError{dir: filepath.Dir(a.target), path: a.path, need: need, err: err}
}

func (a *atomicFile) written() int64 {
	if s, ok := a.w.(*spaceWriter); ok {
		return s.n
	}
	return 0
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// tempPrefix is the start of the names of base's temporary files.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// sweepTemps removes the temporary files beside dir/base left by writers
// that are gone: those no live process holds the lock on. A file whose
// writer may be between creating and locking it (a live pid in its name,
// less than a minute old) is left alone. Errors are ignored: the files are
// litter, not data.
func sweepTemps(dir, base string) {
	if !lockfile.Supported {
		return
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(base)
	for _, ent := range ents {
		name := ent.Name()
		if !strings.HasPrefix(name, prefix) || !ent.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, name)
		pid, _, hasPid := strings.Cut(name[len(prefix):], "-")
		if n, err := strconv.Atoi(pid); hasPid && err == nil {
			if n == os.Getpid() {
				continue // ours: another writer of this process
			}
			if info, err := ent.Info(); err == nil && lockfile.Alive(n) && time.Since(info.ModTime()) < time.Minute {
				continue
			}
		}
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		if ok, _ := lockfile.Lock(f); ok {
			os.Remove(p)
		}
		f.Close()
	}
}

// maxLinks bounds the symbolic links followed (Linux's limit is 40).
const maxLinks = 40

func newAtomicFile(path string) (*atomicFile, error) {
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("writers: %s is a directory", path)
		}
		if !st.Mode().IsRegular() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("writers: %w", err)
			}
			return &atomicFile{path: path, target: path, f: f, w: f, direct: true}, nil
		}
	}
	target, err := followLinks(path)
	if err != nil {
		return nil, err
	}
	perm := fs.FileMode(0o666) // less the umask, by the kernel
	keep := false
	if st, err := os.Lstat(target); err == nil {
		perm, keep = st.Mode().Perm(), true
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	sweepTemps(dir, base)
	var f *os.File
	for try := 0; ; try++ {
		name := filepath.Join(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			if _, err := lockfile.Lock(f); err != nil {
				f.Close()
				os.Remove(name)
				return nil, fmt.Errorf("writers: create %s: %w", path, err)
			}
			break
		}
		if !errors.Is(err, fs.ErrExist) || try == 1000 {
			// name the output, not the temporary file beside it
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("writers: create %s: %w", path, err)
		}
	}
	if keep {
		// the umask may have cut bits the existing file had
		if err := f.Chmod(perm); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, fmt.Errorf("writers: %s: %w", path, err)
		}
	}
	a := &atomicFile{path: path, target: target, f: f}
	a.w = io.Writer(f)
	if tempHook != nil {
		a.w = tempHook(a.w)
	}
	a.w = &spaceWriter{a: a, w: a.w}
	return a, nil
}

// followLinks follows symbolic links at the end of path (the directories on
// the way are the kernel's business) and returns the file they lead to,
// which need not exist (a dangling link is written through, creating its
// target).
func followLinks(path string) (string, error) {
	p := path
	for range maxLinks {
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("writers: %s: %w", path, err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return "", fmt.Errorf("writers: %s: more than %d symbolic links", path, maxLinks)
}

// commit fsyncs, closes and renames the temporary file to the destination,
// then fsyncs the directory so the rename itself survives a crash.
func (a *atomicFile) commit() error {
	if a.direct {
		if err := a.f.Close(); err != nil {
			return fmt.Errorf("writers: %s: %w", a.path, err)
		}
		return nil
	}
	tmp := a.f.Name()
	if err := a.f.Sync(); err != nil {
		a.f.Close()
		os.Remove(tmp)
		return a.wrapNoSpace(err)
	}
	if err := a.f.Close(); err != nil {
		os.Remove(tmp)
		return a.wrapNoSpace(err)
	}
	if err := os.Rename(tmp, a.target); err != nil {
		os.Remove(tmp)
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("writers: rename to %s: %w", a.path, err)
	}
	if d, err := os.Open(filepath.Dir(a.target)); err == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// wrapNoSpace names the output in an error of the final sync or close.
func (a *atomicFile) wrapNoSpace(err error) error {
	if ns := a.noSpace(err, a.written()); ns != err {
		return ns
	}
	return fmt.Errorf("writers: %s: %w", a.path, err)
}

// abort closes and removes the temporary file.
func (a *atomicFile) abort() error {
	a.f.Close()
	if a.direct {
		return nil
	}
	if err := os.Remove(a.f.Name()); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("writers: %w", err)
	}
	return nil
}
