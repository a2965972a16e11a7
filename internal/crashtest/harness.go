//go:build unix

package crashtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// ArgsEnv carries a child's arguments (JSON) from Start to ChildArgs.
const ArgsEnv = "SLUICE_CRASHTEST_ARGS"

// ChildArgs returns the arguments Start gave this process and true when it
// is a harness child, nil and false in a normal test run. A test that is
// the child's body starts with it:
//
//	func TestCrashChild(t *testing.T) {
//		args, ok := crashtest.ChildArgs()
//		if !ok {
//			t.Skip("only run as the crash harness's child")
//		}
//		os.Exit(body(args))
//	}
func ChildArgs() ([]string, bool) {
	v := os.Getenv(ArgsEnv)
	if v == "" {
		return nil, false
	}
	var args []string
	if err := json.Unmarshal([]byte(v), &args); err != nil {
		return nil, false
	}
	return args, true
}

// Start re-executes the test binary as a child that runs only the test
// named child (which calls ChildArgs) with args, and returns it started.
// Its output is logged if the test fails.
func Start(t testing.TB, child string, args []string) *exec.Cmd {
	t.Helper()
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), ArgsEnv+"="+string(b))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() && out.Len() > 0 {
			t.Logf("child %q output:\n%s", args, out.String())
		}
	})
	return cmd
}

// Killed reports whether a child's Wait error says SIGKILL ended it.
func Killed(err error) bool {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	return false
}

// Litter lists what killed runs leave in dir: temporary files of atomic
// writers and of checkpoints (".NAME.tmp-…"), spill directories
// ("sluice-spill-…") and resume run directories (".sluice-run-…"), by name.
func Litter(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-"),
			strings.HasPrefix(n, "sluice-spill-"),
			strings.HasPrefix(n, ".sluice-run-"):
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}
