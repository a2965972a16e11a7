package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAliasBomb: a spec whose YAML aliases expand to billions of nodes
// (nine levels of nine aliases, 1 KB of text) fails in one line naming the
// file and line, having copied no more than maxAliasNodes; an alias to its
// own anchor fails the same way; ordinary aliases (shared input options,
// a repeated column list) still work.
func TestAliasBomb(t *testing.T) {
	levels := `  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`
	for name, c := range map[string]struct{ spec, want string }{
		"bomb in inputs": {"inputs:\n" + levels + "steps: []\noutput: {from: a, path: o.csv}\n",
			"bomb.yaml:7: YAML aliases expand the spec to more than 100000 nodes (an alias bomb?): write the values out or use fewer aliases: invalid spec"},
		"bomb as a reader option": {"x: &x [1]\ninputs:\n  a: {path: a.csv, na: [&a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e], &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]]}\nsteps: []\noutput: {from: a, path: o.csv}\n",
			"bomb.yaml:3: YAML aliases expand the spec to more than 100000 nodes"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.spec), "bomb.yaml")
			if !errors.Is(err, ErrSpec) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") || len(err.Error()) > 200 {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
		})
	}
	// an alias to its own anchor
	if _, err := Parse([]byte("inputs: &r\n  a: a.csv\n  b: *r\nsteps: []\noutput: {from: a, path: o.csv}\n"), "self.yaml"); err == nil || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "self.yaml:") {
		t.Fatalf("self alias: %v", err)
	}
	// ordinary aliases
	dir := writeFiles(t, map[string]string{"a.csv": "k,v\n1,NA\n2,x\n", "b.csv": "k,v\n3,-\n"})
	spec := `inputs:
  a: &opts {path: a.csv, na: [NA, "-"], types: {k: int}}
  b: {path: b.csv, na: [NA, "-"], types: {k: int}}
steps:
  - name: u
    from: a
    select: &cols [k, v]
  - name: w
    from: u
    sort: *cols
output: {from: w, path: o.csv}
`
	p, err := Parse([]byte(spec), filepath.Join(dir, "ok.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 2 || strings.Join(p.Steps[0].Select, ",") != "k,v" || len(p.Steps[1].Sort) != 2 {
		t.Fatalf("steps %+v", p.Steps)
	}
	res, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(res.Outputs[0].Path); string(b) != "k,v\n1,\n2,x\n" {
		t.Fatalf("output %q", b)
	}
}
