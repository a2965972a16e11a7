package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sluice runs the CLI in process with stdin and returns stdout; the test
// fails on an error.
func sluice(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := runIO(context.Background(), args, strings.NewReader(stdin), &out, &errb); err != nil {
		t.Fatalf("sluice %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// salesFiles writes n CSV files of up to rowsMax random sales rows (some keys skewed,
// some amounts missing) under dir and returns their paths and the whole
// table as one CSV text.
func salesFiles(t *testing.T, dir string, n, rowsMax int, seed uint64) ([]string, string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	var all strings.Builder
	all.WriteString("store,sku,amount\n")
	var paths []string
	for i := range n {
		var b strings.Builder
		b.WriteString("store,sku,amount\n")
		rows := r.IntN(rowsMax)
		for range rows {
			store := fmt.Sprintf("s%d", r.IntN(7))
			if r.IntN(3) == 0 {
				store = "s0" // skewed key
			}
			amount := fmt.Sprint(r.IntN(1000) - 100)
			if r.IntN(20) == 0 {
				amount = ""
			}
			line := fmt.Sprintf("%s,k%d,%s\n", store, r.IntN(50), amount)
			b.WriteString(line)
			all.WriteString(line)
		}
		p := filepath.Join(dir, fmt.Sprintf("part-%03d.csv", i))
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths, all.String()
}

// TestVerbsManyFilesEqualOneFile checks that a verb over a glob of many
// files, over the files listed one by one, and over their concatenation on
// standard input give the same bytes, at one and at several workers and
// under a tiny budget.
func TestVerbsManyFilesEqualOneFile(t *testing.T) {
	dir := t.TempDir()
	paths, whole := salesFiles(t, dir, 300, 60, 1)
	one := filepath.Join(t.TempDir(), "all.csv")
	if err := os.WriteFile(one, []byte(whole), 0o644); err != nil {
		t.Fatal(err)
	}
	glob := filepath.Join(dir, "part-*.csv")
	verbs := [][]string{
		{"agg", "--by", "store", "--agg", "n=count()", "--agg", "med=median(amount)", "--agg", "s=sum(amount)", "--agg", "q=quantile(amount, 0.9)", "--sorted"},
		{"agg", "--agg", "n=count()", "--agg", "med=median(amount)"},
		{"filter", "--where", "amount > 500 && store != 's0'"},
		{"sort", "--by", "-amount,store,sku"},
		{"distinct", "--on", "store,sku"},
		{"frequency", "--by", "store"},
	}
	for _, v := range verbs {
		name := strings.Join(v[:1], "")
		t.Run(name+"/"+strings.Join(v[1:2], ""), func(t *testing.T) {
			with := func(files []string, extra ...string) []string {
				a := append([]string{v[0]}, files...)
				a = append(a, v[1:]...)
				return append(a, append([]string{"-o", "-"}, extra...)...)
			}
			want := sluice(t, "", with([]string{one})...)
			if strings.Count(want, "\n") < 2 {
				t.Fatalf("reference output is too small to compare:\n%s", want)
			}
			cases := map[string]string{
				"glob":        sluice(t, "", with([]string{glob})...),
				"listed":      sluice(t, "", with(paths)...),
				"stdin":       sluice(t, whole, with([]string{"-"})...),
				"workers 1":   sluice(t, "", with([]string{glob}, "--workers", "1")...),
				"workers 4":   sluice(t, "", with([]string{glob}, "--workers", "4")...),
				"mem 2MiB":    sluice(t, "", with([]string{glob}, "--mem", "2MiB")...),
				"one, 1MiB":   sluice(t, "", with([]string{one}, "--mem", "1MiB", "--workers", "3")...),
				"stdin, 1MiB": sluice(t, whole, with([]string{"-"}, "--mem", "1MiB")...),
			}
			for k, got := range cases {
				if got != want {
					t.Errorf("%s differs from one file:\n--- got\n%.600s\n--- want\n%.600s", k, got, want)
				}
			}
		})
	}
}

// TestUnionMissingColumns reads files whose columns differ (a text and a
// float column missing from one file, an int column widened to float) as
// one table.
func TestUnionMissingColumns(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.csv", "id,x,y,label\n1,2,0.5,p\n2,3,1.5,q\n")
	write("b.csv", "id,x\n3,4.5\n")
	write("c.csv", "label,id\nr,4\n")
	got := sluice(t, "", "cat", filepath.Join(dir, "*.csv"), "--union", "-o", "-")
	want := "id,x,y,label\n1,2,0.5,p\n2,3,1.5,q\n3,4.5,,\n4,,,r\n"
	if got != want {
		t.Fatalf("union:\n--- got\n%s\n--- want\n%s", got, want)
	}
	// without --union, differing files are an error naming the file
	var out, errb bytes.Buffer
	err := runIO(context.Background(), []string{"cat", filepath.Join(dir, "*.csv"), "-o", "-"}, strings.NewReader(""), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "b.csv") {
		t.Fatalf("cat without --union: got %v, want an error naming b.csv", err)
	}
}

// TestStdoutFormats writes one verb's output in every text format to
// standard output.
func TestStdoutFormats(t *testing.T) {
	in := "k,v\na,1\nb,2\na,3\n"
	for format, want := range map[string]string{
		"csv":    "k,n\na,2\nb,1\n",
		"tsv":    "k\tn\na\t2\nb\t1\n",
		"ndjson": "{\"k\":\"a\",\"n\":2}\n{\"k\":\"b\",\"n\":1}\n",
	} {
		got := sluice(t, in, "agg", "-", "--by", "k", "--agg", "n=count()", "--sorted", "-o", "-", "--format", format)
		if got != want {
			t.Errorf("--format %s:\n--- got\n%q\n--- want\n%q", format, got, want)
		}
	}
}
