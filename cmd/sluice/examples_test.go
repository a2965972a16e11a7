package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestHelpExamples runs, verbatim, every command line of the Examples
// section of every command's --help (and of the sub-helps in helpPages), so
// that a new example is tested as soon as it is written. Each command's
// examples run in order, in a fresh directory holding what an analyst would
// have after `sluice gen w1 --scale demo --xlsx --out .`:
//
//	oes.csv oes.xlsx codes.csv related_titles.csv titles_states.csv
//	parts/part-1.csv … parts/part-3.csv   (oes.csv split in three)
//	w1-features.yaml                      (../shared/examples/w1-features.yaml)
//	data/                                 (sluice gen w1 --scale demo --out data)
//
// Lines are split into words as a shell would (single and double quotes,
// backslashes); `cat FILE… | sluice …` feeds the files to standard input.
// Any other pipe or redirection fails the test: examples must be runnable.
// With -short, `sluice gen` lines of a scale above demo are skipped (logged).
func TestHelpExamples(t *testing.T) {
	spec, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "examples", "w1-features.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	specText, err := os.ReadFile(spec)
	if err != nil {
		t.Fatalf("the shared example spec is missing: %v", err)
	}
	fixture := t.TempDir()
	t.Run("fixture", func(t *testing.T) {
		t.Chdir(fixture)
		sluice(t, "", "gen", "w1", "--scale", "demo", "--xlsx", "--out", ".")
		sluice(t, "", "gen", "w1", "--scale", "demo", "--out", "data")
		splitCSV(t, "oes.csv", "parts", 3)
		if err := os.WriteFile("w1-features.yaml", specText, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	total := 0
	for _, page := range helpPages() {
		lines := examples(helpText(t, page))
		if len(lines) == 0 {
			continue
		}
		t.Run(strings.Join(page, "_"), func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, fixture, dir)
			t.Chdir(dir)
			for _, line := range lines {
				total++
				if testing.Short() && strings.HasPrefix(line, "sluice gen ") && bigScale.MatchString(line) {
					t.Logf("-short: skipped %q", line)
					continue
				}
				if err := runExample(line); err != nil {
					t.Errorf("example %q:\n%v", line, err)
				}
			}
		})
	}
	if total < 20 {
		t.Errorf("only %d examples found in the help texts: is the Examples section still parsed?", total)
	}
}

// bigScale matches the gen scales that take seconds to write.
var bigScale = regexp.MustCompile(`--scale [SML]\b`)

// helpPages lists the help invocations to read examples from: every
// command, and the sub-commands that have a help of their own.
func helpPages() [][]string {
	var pages [][]string
	for _, c := range commands {
		if strings.Contains(c.name, "-test") {
			continue
		}
		pages = append(pages, []string{c.name})
	}
	slices.SortFunc(pages, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return append(pages, []string{"gen", "companies"})
}

func helpText(t *testing.T, page []string) string {
	t.Helper()
	var out, errb bytes.Buffer
	err := runIO(context.Background(), append(slices.Clone(page), "--help"), strings.NewReader(""), &out, &errb)
	if err != nil && !errors.Is(err, errHelp) {
		t.Fatalf("sluice %s --help: %v\n%s", strings.Join(page, " "), err, errb.String())
	}
	if out.Len() == 0 {
		t.Fatalf("sluice %s --help printed nothing on stdout", strings.Join(page, " "))
	}
	return out.String()
}

// examples returns the command lines of a help text's Example(s) section:
// its indented lines that run sluice.
func examples(help string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(help, "\n") {
		s := strings.TrimSpace(line)
		switch {
		case s == "Examples:" || s == "Example:":
			in = true
		case in && s == "":
			in = false
		case in && (strings.HasPrefix(s, "sluice ") || strings.Contains(s, "| sluice ")):
			out = append(out, s)
		}
	}
	return out
}

func TestExamplesParse(t *testing.T) {
	help := "Usage: x\n\nExamples:\n  sluice a 'b c'\n  cat x.csv | sluice y -\n  not this\n\nFlags:\n  sluice no\n"
	got := examples(help)
	want := []string{"sluice a 'b c'", "cat x.csv | sluice y -"}
	if !slices.Equal(got, want) {
		t.Fatalf("examples = %q, want %q", got, want)
	}
}

// runExample runs one example line in the current directory.
func runExample(line string) error {
	words, ops, err := shellWords(line)
	if err != nil {
		return err
	}
	var stdin []byte
	switch {
	case len(ops) == 0:
	case len(ops) == 1 && ops[0].op == "|" && ops[0].at > 1 && words[0] == "cat":
		for _, p := range words[1:ops[0].at] {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			stdin = append(stdin, b...)
		}
		words = words[ops[0].at:]
	default:
		return fmt.Errorf("unsupported shell operator %q: only `cat FILE… | sluice …` is run", ops[0].op)
	}
	if len(words) == 0 || words[0] != "sluice" {
		return fmt.Errorf("not a sluice command: %q", words)
	}
	var out, errb bytes.Buffer
	err = runIO(context.Background(), words[1:], bytes.NewReader(stdin), &out, &errb)
	if err != nil {
		return fmt.Errorf("%v\nstderr:\n%s", err, errb.String())
	}
	return nil
}

// shellOp is an unquoted shell operator found between words: op comes
// before words[at].
type shellOp struct {
	op string
	at int
}

// shellWords splits a command line as a POSIX shell would, for the subset
// examples use: blanks separate words; 'single quotes' keep everything;
// "double quotes" keep everything but \" \\ \$ \`; a backslash outside
// quotes escapes the next character. Unquoted | < > ; & are returned as
// operators.
func shellWords(s string) ([]string, []shellOp, error) {
	var words []string
	var ops []shellOp
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, nil, fmt.Errorf("unterminated single quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				} else if s[i] == '$' || s[i] == '`' {
					return nil, nil, fmt.Errorf("shell expansion in double quotes is not supported: %q", s)
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, nil, fmt.Errorf("unterminated double quote in %q", s)
			}
		case c == '\\':
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
				inWord = true
			}
		case strings.IndexByte("|<>;&", c) >= 0:
			flush()
			ops = append(ops, shellOp{op: string(c), at: len(words)})
		case c == '$' || c == '`' || c == '*' || c == '?' || c == '[' || c == '~':
			return nil, nil, fmt.Errorf("unquoted shell expansion %q is not supported in %q", c, s)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words, ops, nil
}

func TestShellWords(t *testing.T) {
	cases := []struct {
		in    string
		words []string
		ops   int
	}{
		{`sluice agg oes.csv --agg 'p90=quantile(a_mean, 0.9)' --na '*'`, []string{"sluice", "agg", "oes.csv", "--agg", "p90=quantile(a_mean, 0.9)", "--na", "*"}, 0},
		{`sluice filter x --where "area_title = 'Texas'"`, []string{"sluice", "filter", "x", "--where", "area_title = 'Texas'"}, 0},
		{`sluice a "x\"y" b\ c ''`, []string{"sluice", "a", `x"y`, "b c", ""}, 0},
		{`cat oes.csv | sluice head -`, []string{"cat", "oes.csv", "sluice", "head", "-"}, 1},
	}
	for _, c := range cases {
		w, ops, err := shellWords(c.in)
		if err != nil || !slices.Equal(w, c.words) || len(ops) != c.ops {
			t.Errorf("shellWords(%q) = %q, %v, %v; want %q, %d ops", c.in, w, ops, err, c.words, c.ops)
		}
	}
	for _, bad := range []string{`sluice 'x`, `sluice "x`, `sluice parts/*.csv`, `sluice "$HOME"`} {
		if _, _, err := shellWords(bad); err == nil {
			t.Errorf("shellWords(%q): no error", bad)
		}
	}
}

// splitCSV writes the rows of a CSV file into n files dir/part-1.csv…,
// each with the header. Rows are split at line ends outside quotes.
func splitCSV(t *testing.T, path, dir string, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var records []string
	start, quoted := 0, false
	for i, c := range b {
		switch c {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				records = append(records, string(b[start:i+1]))
				start = i + 1
			}
		}
	}
	if start < len(b) {
		records = append(records, string(b[start:])+"\n")
	}
	if len(records) < n+1 {
		t.Fatalf("%s: %d records, too few to split in %d", path, len(records), n)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	header, rows := records[0], records[1:]
	per := (len(rows) + n - 1) / n
	for i := range n {
		part := rows[min(i*per, len(rows)):min((i+1)*per, len(rows))]
		text := header + strings.Join(part, "")
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d.csv", i+1)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyDir copies the regular files of src (and its sub-directories) to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
