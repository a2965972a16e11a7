package lockfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLockExcludesOtherHolders(t *testing.T) {
	if !Supported {
		t.Skip("no flock")
	}
	p := filepath.Join(t.TempDir(), "lock")
	a, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Lock(a); !ok || err != nil {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	// a second open file description is a second holder, as another
	// process would be
	b, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ok, err := Lock(b); ok || err != nil {
		t.Fatalf("lock held elsewhere was granted: %v %v", ok, err)
	}
	a.Close() // the owner goes away
	if ok, err := Lock(b); !ok || err != nil {
		t.Fatalf("lock of a closed owner: %v %v", ok, err)
	}
}
