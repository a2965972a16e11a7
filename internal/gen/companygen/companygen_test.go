package companygen

import (
	"bytes"
	"strings"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a, b := Haystack(1000, 7), Haystack(1000, 7)
	var x, y bytes.Buffer
	WriteHaystackCSV(&x, a)
	WriteHaystackCSV(&y, b)
	if !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Fatal("same seed gave different haystacks")
	}
	n1, n2 := Needles(a, 500, 0.8, 3), Needles(b, 500, 0.8, 3)
	for i := range n1 {
		if n1[i] != n2[i] {
			t.Fatalf("needle %d differs: %v vs %v", i, n1[i], n2[i])
		}
	}
	distinct := map[string]bool{}
	for _, c := range a {
		distinct[c.Name] = true
	}
	if len(distinct) < 950 {
		t.Errorf("only %d distinct names in 1000", len(distinct))
	}
	for i := 0; i < 10; i++ {
		t.Logf("%s  |  %s (from %d)", a[i].Name, n1[i].Name, n1[i].SourceID)
	}
}

func TestSmallVocab(t *testing.T) {
	a := HaystackVocab(20000, 7, Small)
	var x, y bytes.Buffer
	WriteHaystackCSV(&x, a)
	WriteHaystackCSV(&y, HaystackVocab(20000, 7, Small))
	if !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Fatal("same seed gave different haystacks")
	}
	words := map[string]int{}
	names := map[string]bool{}
	for _, c := range a {
		names[c.Name] = true
		for _, w := range strings.FieldsFunc(c.Name, func(r rune) bool { return r == ' ' || r == ',' || r == '-' }) {
			words[w]++
		}
	}
	if len(words) > 1020 || len(words) < 900 {
		t.Errorf("%d distinct words, want about a thousand", len(words))
	}
	if len(names) == len(a) {
		t.Error("no repeated names in 20,000 small-vocabulary names")
	}
	if words["and"] < len(a)/3 {
		t.Errorf("\"and\" in %d of %d names", words["and"], len(a))
	}
	ns := NeedlesVocab(a, 1000, 0.8, 3, Small)
	fresh := 0
	for _, n := range ns {
		if n.SourceID == 0 {
			fresh++
		}
	}
	if fresh < 100 || fresh > 300 {
		t.Errorf("%d fresh needles of 1000 at matched 0.8", fresh)
	}
	for i := range 5 {
		t.Logf("%s  |  %s (from %d)", a[i].Name, ns[i].Name, ns[i].SourceID)
	}
}
