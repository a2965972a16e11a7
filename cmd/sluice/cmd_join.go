package main

import (
	"context"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "join",
		summary: "join two tables on key columns",
		usage: `Usage: sluice join LEFT RIGHT --on K[=K2][,K3…] [--how H] [-o OUT] [flags]

Joins LEFT and RIGHT on equal keys, on every core. --on code=occ_code joins
LEFT's code with RIGHT's occ_code; --on title,state joins on columns named
alike. Null keys never match. Key columns appear once, under LEFT's names;
clashing columns of RIGHT get the suffix _right. The smaller side is indexed
in memory when it fits; otherwise (with --mem) both sides are
hash-partitioned into spill files and joined partition by partition, with
the same rows in the same order. LEFT and RIGHT may each be a quoted glob.

Flags:
  --on KEYS           key columns (required)
  --how H             inner (default), left, right, outer, semi, anti
  --where EXPR        keep only the joined rows where EXPR is true
  --select COLS       keep only these columns of the result

` + ioFlagsHelp + `
` + readerFlagsHelp + `(reader flags apply to both inputs)

` + engineFlagsHelp + `
Examples:
  sluice join related_titles.csv codes.csv --on related_title=title -o pair_codes.csv
  sluice join oes.csv codes.csv --on occ_code=code --how semi --mem 256MiB -o known.csv
`,
		run: runJoin,
	})
}

func runJoin(ctx context.Context, e *env, args []string) error {
	c := findCommand("join")
	fs := newFlags(c, e)
	var v verbFlags
	v.register(fs)
	on := fs.String("on", "", "")
	how := fs.String("how", "inner", "")
	where := fs.String("where", "", "")
	sel := fs.String("select", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("join: want LEFT and RIGHT, got %d arguments (quote a glob so that it stays one argument)", len(pos))
	}
	if *on == "" {
		return usagef("join: --on KEYS is required")
	}
	kind, err := frame.ParseJoinType(*how)
	if err != nil {
		return usagef("join: --how %q: want inner, left, right, outer, semi or anti", *how)
	}
	if err := checkExpr("join: --where", *where); err != nil {
		return err
	}
	l, r := parseJoinKeys(*on)
	step := pipeline.Step{Join: &pipeline.JoinSpec{Left: "left", Right: "right", LeftOn: l, RightOn: r, How: kind},
		Filter: *where, Select: splitList(*sel)}
	return v.run(ctx, e, v.plan("join", step, v.input("left", pos[0]), v.input("right", pos[1])))
}
