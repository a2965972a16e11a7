package w1gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// TestWriteOESDefaultGolden pins the bytes of the default (selective)
// layout: golden files of the CLI and the pipeline are computed on it, so
// adding layouts must not change it.
func TestWriteOESDefaultGolden(t *testing.T) {
	for _, tc := range []struct{ scale, sum string }{
		{"demo", "d98545b6f1bb204802bde2ff8faaf1bcd6896de71aa908d5c722303a592f8351"},
		// first 100,000 rows: national, state and metropolitan-area rows
		{"S", "69721944ab34c4af5ea3bc5d56d1aaa19f57158b992e9a143e02c9f2a87b56f0"},
	} {
		c, err := Scale(tc.scale)
		if err != nil {
			t.Fatal(err)
		}
		c.OESRows = min(c.OESRows, 100000)
		h := sha256.New()
		if err := WriteOES(h, c); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", h.Sum(nil)); got != tc.sum {
			t.Errorf("scale %s: sha256 of oes.csv = %s, want %s (the default layout changed)", tc.scale, got, tc.sum)
		}
	}
}

// oesRows generates the OES table of c and parses it with encoding/csv.
func oesRows(t *testing.T, c Config) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteOES(&b, c); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], OESHeader) {
		t.Fatalf("header %v, want %v", recs[0], OESHeader)
	}
	return recs[1:]
}

// pairCounts counts the rows of each (occ_code, area_title) pair whose
// area is one of c's states.
func pairCounts(c Config, rows [][]string) map[[2]string]int {
	states := map[string]bool{}
	for _, s := range States[:c.States] {
		states[s] = true
	}
	n := map[[2]string]int{}
	for _, r := range rows {
		if states[r[1]] {
			n[[2]string{r[6], r[1]}]++
		}
	}
	return n
}

func TestPairRowsDefault(t *testing.T) {
	c, err := Scale("demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int{c.OESRows, 50, 8 * c.Codes, 8*c.Codes + 7} {
		c.OESRows = rows
		got := 0
		for _, n := range pairCounts(c, oesRows(t, c)) {
			got += n
		}
		if want := PairRows(c); got != want {
			t.Errorf("OESRows %d: %d rows on a (code, state) pair, PairRows says %d", rows, got, want)
		}
	}
}

func TestNonSelectiveShape(t *testing.T) {
	c := Config{Titles: 40, Codes: 20, States: 5, WorkPairs: 100, Related: 3, Seed: 7, CodesPerTit: 2, RowsPerPair: 30}
	pairRows := PairRows(c)
	const metro = 500
	c.OESRows = 8*c.Codes + pairRows + metro
	rows := oesRows(t, c)
	if len(rows) != c.OESRows {
		t.Fatalf("%d rows, want %d", len(rows), c.OESRows)
	}
	k, p := stateIndustries(c)
	if k != 50 || p != 0.6 {
		t.Fatalf("stateIndustries = %d, %v; want 50, 0.6", k, p)
	}

	// Every (code, state) pair matches about RowsPerPair rows.
	counts := pairCounts(c, rows)
	if len(counts) != c.Codes*c.States {
		t.Fatalf("%d (code, state) pairs with rows, want %d", len(counts), c.Codes*c.States)
	}
	total := 0
	for pair, n := range counts {
		total += n
		if n < c.RowsPerPair/2 || n > 3*c.RowsPerPair/2 {
			t.Errorf("pair %v has %d rows, want about %d", pair, n, c.RowsPerPair)
		}
	}
	if total != pairRows {
		t.Errorf("%d state rows, PairRows says %d", total, pairRows)
	}
	if mean := float64(total) / float64(len(counts)); mean < 0.95*float64(c.RowsPerPair) || mean > 1.05*float64(c.RowsPerPair) {
		t.Errorf("mean rows per pair %.2f, want about %d", mean, c.RowsPerPair)
	}
	// ... because each state has K industries, each (state, industry,
	// occupation) present with probability p, never twice.
	seen := map[[3]string]bool{}
	naics := map[string]map[string]bool{}
	kinds := map[string]int{}
	for i, r := range rows {
		if len(r) != len(OESHeader) {
			t.Fatalf("row %d has %d fields", i+2, len(r))
		}
		switch {
		case r[1] == "U.S.":
			kinds["national"]++
		case strings.HasPrefix(r[1], "Metro area "):
			kinds["metro"]++
		default:
			kinds["state"]++
			key := [3]string{r[1], r[3], r[6]}
			if seen[key] {
				t.Fatalf("row %d: (area, industry, occupation) %v twice", i+2, key)
			}
			seen[key] = true
			if naics[r[1]] == nil {
				naics[r[1]] = map[string]bool{}
			}
			naics[r[1]][r[3]+" "+r[4]] = true
		}
	}
	if kinds["national"] != 8*c.Codes || kinds["metro"] != metro || kinds["state"] != pairRows {
		t.Errorf("rows by kind %v, want national %d, state %d, metro %d", kinds, 8*c.Codes, pairRows, metro)
	}
	for st, ind := range naics {
		if len(ind) != k {
			t.Errorf("%s has %d industries, want %d", st, len(ind), k)
		}
	}
	if frac := float64(pairRows) / float64(c.States*k*c.Codes); frac < 0.55 || frac > 0.65 {
		t.Errorf("%.3f of the (state, industry, occupation) rows present, want about %.2f", frac, p)
	}

	// Deterministic for a seed, different for another.
	var a, b, d bytes.Buffer
	if err := WriteOES(&a, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteOES(&b, c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of the same configuration differ")
	}
	c2 := c
	c2.Seed++
	c2.OESRows = 8*c.Codes + PairRows(c2) + metro
	if err := WriteOES(&d, c2); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), d.Bytes()) {
		t.Error("another seed gives the same table")
	}
}

func TestNonSelectiveTooFewRows(t *testing.T) {
	c := Config{Titles: 10, Codes: 10, States: 3, WorkPairs: 10, Related: 1, Seed: 1, CodesPerTit: 1, RowsPerPair: 50}
	c.OESRows = 8*c.Codes + PairRows(c) - 1
	var b bytes.Buffer
	err := WriteOES(&b, c)
	if err == nil || !strings.Contains(err.Error(), "rows per (code, state) pair need at least") {
		t.Fatalf("WriteOES with too few rows: err = %v", err)
	}
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, "w1"), c); err == nil {
		t.Fatal("Write with too few rows: no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "w1")); !os.IsNotExist(err) {
		t.Errorf("Write failed but created its directory (stat: %v)", err)
	}
	c.OESRows++
	if err := WriteOES(&b, c); err != nil {
		t.Errorf("WriteOES with exactly enough rows: %v", err)
	}
}

// TestNonSelectiveScales checks the shape the W1 benchmark uses: at each
// scale's row count, the rows per pair of bench/w1.sh put about 40% of the
// OES rows on (code, state) pairs, which a W1 semi-join keeps (the work
// tables of every scale reach every pair).
func TestNonSelectiveScales(t *testing.T) {
	for _, tc := range []struct {
		scale string
		rpp   int
	}{{"S", 4}, {"M", 40}, {"L", 200}} {
		c, err := Scale(tc.scale)
		if err != nil {
			t.Fatal(err)
		}
		c.RowsPerPair = tc.rpp
		if err := checkNonSelective(c); err != nil {
			t.Fatalf("scale %s: %v", tc.scale, err)
		}
		if frac := float64(PairRows(c)) / float64(c.OESRows); frac < 0.35 || frac > 0.45 {
			t.Errorf("scale %s, %d rows per pair: %.3f of the rows on a pair, want about 0.4", tc.scale, tc.rpp, frac)
		}
	}
}

// TestNonSelectiveW1 runs the reference W1 on a small non-selective data set
// read back with the library's reader: the OES numbers parse, every (code,
// state) pair reaches the join, and the join multiplies the rows as the
// shape intends.
func TestNonSelectiveW1(t *testing.T) {
	c, err := Scale("demo")
	if err != nil {
		t.Fatal(err)
	}
	c.RowsPerPair = 20
	c.OESRows = 8*c.Codes + PairRows(c) + 100
	dir := t.TempDir()
	if err := Write(dir, c); err != nil {
		t.Fatal(err)
	}
	in, err := ReadTables(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if in.OES.NumRows() != c.OESRows {
		t.Fatalf("read %d OES rows, want %d", in.OES.NumRows(), c.OESRows)
	}
	for _, name := range FeatureColumns {
		col, err := in.OES.Column(name)
		if err != nil {
			t.Fatal(err)
		}
		if k := col.Type(); k != frame.Int64 && k != frame.Float64 {
			t.Errorf("OES column %s read as %v, want a number", name, k)
		}
	}
	semi, err := frame.Join(in.OES, distinctPairs(t, in), frame.Semi, frame.On("occ_code", "code").And("area_title", "state"))
	if err != nil {
		t.Fatal(err)
	}
	if semi.NumRows() == 0 || semi.NumRows() > PairRows(c) {
		t.Errorf("semi-join keeps %d rows, want 1..%d", semi.NumRows(), PairRows(c))
	}
	features, err := Features(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if features.NumRows() != in.Work.NumRows() {
		t.Errorf("%d feature rows, want one per work row (%d)", features.NumRows(), in.Work.NumRows())
	}
}

// distinctPairs returns the (code, state) pairs W1 looks up, computed
// directly from the work, related and codes tables.
func distinctPairs(t *testing.T, in Tables) *frame.Frame {
	t.Helper()
	close, err := in.Related.Where(`score > 80`)
	if err != nil {
		t.Fatal(err)
	}
	wc, err := frame.Join(in.Work, close, frame.Inner, frame.OnSame("title"))
	if err != nil {
		t.Fatal(err)
	}
	pc, err := frame.Join(wc, in.Codes, frame.Inner, frame.On("related_title", "title"))
	if err != nil {
		t.Fatal(err)
	}
	if pc, err = pc.Select("code", "state"); err != nil {
		t.Fatal(err)
	}
	if pc, err = pc.Distinct(); err != nil {
		t.Fatal(err)
	}
	return pc
}

// ExamplePairRows shows the non-selective layout of a small configuration:
// five states, twenty occupations, about 30 rows per (occupation, state).
func ExamplePairRows() {
	c := Config{Codes: 20, States: 5, Seed: 1, RowsPerPair: 30}
	fmt.Println("selective:", PairRows(Config{Codes: 20, States: 5, OESRows: 1000}))
	fmt.Println("non-selective:", PairRows(c))
	// Output:
	// selective: 200
	// non-selective: 3011
}
