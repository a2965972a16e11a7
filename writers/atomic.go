package writers

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// atomicFile is a temporary file renamed over its destination on commit.
//
// The destination is path with symbolic links followed, so a link stays a
// link and its target gets the data. An existing destination's permission
// bits are given to the temporary file; a new one gets 0666 less the umask,
// as os.Create would give it. A destination that exists and is not a
// regular file (a device such as /dev/null, a FIFO) cannot be replaced by a
// rename: it is written directly, and commit and abort just close it.
type atomicFile struct {
	path   string // as given, for messages
	target string // path with symbolic links followed
	f      *os.File
	direct bool // writing to a special file in place
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
			return &atomicFile{path: path, target: path, f: f, direct: true}, nil
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
	var f *os.File
	for try := 0; ; try++ {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
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
	return &atomicFile{path: path, target: target, f: f}, nil
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
		return fmt.Errorf("writers: %s: %w", a.path, err)
	}
	if err := a.f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writers: %s: %w", a.path, err)
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
