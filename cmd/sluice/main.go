// Command sluice runs dataframe-style analytics — read, filter, join, group,
// medians and quantiles — over folders of CSV and Excel files bigger than
// memory. Run `sluice help` for the commands.
//
// Exit status: 0 on success, 1 on a runtime error (one line on stderr), 2 on
// a usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signalContext()
	// SLUICE_CPUPROFILE=FILE writes a CPU profile of the run (for go tool pprof)
	if path := os.Getenv("SLUICE_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer f.Close()
				defer pprof.StopCPUProfile()
			}
		}
	}
	err := runIO(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if path := os.Getenv("SLUICE_CPUPROFILE"); path != "" {
		pprof.StopCPUProfile()
	}
	os.Exit(exitCode(err, os.Stderr))
}

// usageError marks errors in how sluice was invoked (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errHelp is returned after help was printed on request (exit status 0).
var errHelp = errors.New("help requested")

// exitCode prints err (if any) as one line and maps it to an exit status.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "sluice: %v\nRun 'sluice help' for usage.\n", err)
		return 2
	case errors.As(err, new(signalError)):
		var se signalError
		errors.As(err, &se)
		fmt.Fprintf(stderr, "sluice: %v: stopped, nothing written\n", se.sig)
		return 128 + int(se.sig)
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "sluice: interrupted")
		return 130
	default:
		fmt.Fprintf(stderr, "sluice: %v\n", err)
		return 1
	}
}

// signalError is the cause of a run stopped by a signal; the exit status
// is 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM), as
// shells expect.
type signalError struct{ sig syscall.Signal }

func (e signalError) Error() string { return "stopped by " + e.sig.String() }

// signalContext is cancelled, with a signalError as its cause, by SIGINT
// or SIGTERM. A second signal exits at once.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig, ok := <-ch
		if !ok {
			return
		}
		s := sig.(syscall.Signal)
		cancel(signalError{s})
		if _, ok := <-ch; ok {
			os.Exit(128 + int(s))
		}
	}()
	return ctx, func() { signal.Stop(ch); close(ch); cancel(nil) }
}

// env is what a command gets besides its arguments.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stdinFile, if set, holds what came on standard input (for commands
	// that read it twice); every run reads it afresh
	stdinFile string
}

type command struct {
	name    string
	summary string
	usage   string // full help text: usage line, description, flags, examples
	run     func(ctx context.Context, e *env, args []string) error
}

// commands is filled by the init functions of the cmd_*.go files.
var commands []*command

func register(c *command) { commands = append(commands, c) }

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run executes one sluice invocation with an empty standard input.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runIO(ctx, args, strings.NewReader(""), stdout, stderr)
}

// runIO executes one sluice invocation; it never calls os.Exit. An error
// from a cancelled context is its cause (the signal that stopped it).
func runIO(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it)\n%s", r, debug.Stack())
		}
		if err != nil && errors.Is(err, context.Canceled) {
			if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
				err = fmt.Errorf("%w (%w)", cause, err)
			}
		}
	}()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(stderr)
		return usagef("no command given")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			c := findCommand(args[1])
			if c == nil {
				return usagef("unknown command %q", args[1])
			}
			fmt.Fprint(stdout, c.usage)
			return nil
		}
		printHelp(stdout)
		return nil
	case "-version", "--version":
		args = []string{"version"}
	}
	c := findCommand(args[0])
	if c == nil {
		return usagef("unknown command %q", args[0])
	}
	return c.run(ctx, e, args[1:])
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `sluice — dataframe analytics over folders of CSV and Excel files bigger than memory.

Usage:
  sluice <command> [flags] [arguments]

Commands:
`)
	sorted := append([]*command(nil), commands...)
	slices.SortFunc(sorted, func(a, b *command) int { return strings.Compare(a.name, b.name) })
	for _, c := range sorted {
		if c.summary != "" {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprint(w, `
Run 'sluice help <command>' or 'sluice <command> --help' for a command's flags and examples.
`)
}
