package main

import (
	"flag"
	"fmt"

	"github.com/sluicedata/sluice/readers"
	_ "github.com/sluicedata/sluice/readers/xlsx" // .xlsx support for every verb
)

// readerFlags are the flags every reading verb shares: one per reader
// option, defined by readers.OptionSpecs.
type readerFlags struct {
	opt readers.Options
}

// readerFlagsHelp is the help of the reader flags, from readers.FlagsHelp.
var readerFlagsHelp = "Reader flags (every verb that reads):\n" + readers.FlagsHelp()

func (r *readerFlags) register(fs *flag.FlagSet) { readers.RegisterFlags(fs, &r.opt) }

// options returns the reader options the flags set (each flag is checked
// as it is parsed).
func (r *readerFlags) options() (readers.Options, error) { return r.opt, nil }

func oneArg(c *command, pos []string, what string) (string, error) {
	if len(pos) != 1 {
		return "", usagef("%s: want exactly one %s, got %d arguments", c.name, what, len(pos))
	}
	return pos[0], nil
}

func plural(n int64, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
