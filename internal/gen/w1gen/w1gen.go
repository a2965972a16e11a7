// Package w1gen generates deterministic W1 data sets (see WORKLOADS.md): the
// tables titles_states, related_titles, codes and oes that the W1
// feature pipeline joins. The OES table is shaped like the Bureau of Labor
// Statistics wage files, numbers written as Excel exports them (quoted,
// thousands-separated, sometimes space-padded) with `*`, `#` and `**` marking
// suppressed values.
package w1gen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config sizes a data set.
type Config struct {
	Titles      int    // distinct job titles
	Codes       int    // distinct SOC occupation codes
	States      int    // US states used (≤ 51)
	WorkPairs   int    // rows of titles_states
	Related     int    // related titles per title
	OESRows     int    // rows of oes (repeats the (state, code) grid with varying industry)
	Seed        uint64 // random seed
	SkipOES     bool   // do not write oes.csv
	CodesPerTit int    // codes rows per title (duplicates included)

	// RowsPerPair, when > 0, makes the OES table non-selective: each state
	// is broken down by K = round(RowsPerPair/0.6) NAICS industries, and
	// every (state, industry, occupation) row is present with probability
	// RowsPerPair/K (about 0.6), so one (occ_code, state) pair matches
	// about RowsPerPair rows and a W1 semi-join keeps most of them. The
	// rest of the OESRows rows are national and metropolitan-area rows as
	// in the default layout. 0 keeps the default, selective layout (two
	// state rows per pair).
	RowsPerPair int
}

// Scale returns the configuration for a named scale: "demo" (tiny, embedded
// in the CLI), "S" (~100 MB of OES), "M" (~1 GB), "L" (~5 GB).
func Scale(name string) (Config, error) {
	base := Config{Titles: 2000, Codes: 800, States: 51, WorkPairs: 50000, Related: 8, Seed: 1, CodesPerTit: 3}
	switch strings.ToUpper(name) {
	case "DEMO":
		return Config{Titles: 12, Codes: 10, States: 4, WorkPairs: 24, Related: 3, OESRows: 200, Seed: 1, CodesPerTit: 2}, nil
	case "S":
		base.OESRows = 420_000
	case "M":
		base.OESRows = 4_200_000
	case "L":
		base.OESRows = 21_000_000
	default:
		return Config{}, fmt.Errorf("w1gen: unknown scale %q (want demo, S, M or L)", name)
	}
	return base, nil
}

// States are the US state names (and DC) used as area_title.
var States = []string{"Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
	"Delaware", "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
	"Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
	"Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
	"New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
	"South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
	"West Virginia", "Wisconsin", "Wyoming"}

var (
	levels = []string{"Junior", "Senior", "Lead", "Chief", "Assistant", "Associate", "Principal", "Staff"}
	fields = []string{"Software", "Data", "Marketing", "Sales", "Financial", "Nursing", "Mechanical",
		"Civil", "Electrical", "Operations", "Human Resources", "Supply Chain", "Clinical", "Legal", "Research"}
	roles = []string{"Engineer", "Analyst", "Manager", "Specialist", "Technician", "Director", "Consultant",
		"Coordinator", "Scientist", "Administrator"}
	industries = []string{"Cross-industry", "Manufacturing", "Retail Trade", "Health Care", "Finance and Insurance",
		"Information", "Construction", "Educational Services"}
)

// OESHeader is the OES table's header, as in the BLS files.
var OESHeader = []string{"area", "area_title", "area_type", "naics", "naics_title", "own_code", "occ_code",
	"occ_title", "o_group", "tot_emp", "emp_prse", "jobs_1000", "loc_quotient", "pct_total", "h_mean", "a_mean",
	"mean_prse", "h_pct10", "h_pct25", "h_median", "h_pct75", "h_pct90", "a_pct10", "a_pct25", "a_median",
	"a_pct75", "a_pct90", "annual", "hourly"}

// Titles returns the job titles of a configuration.
func Titles(c Config) []string {
	out := make([]string, c.Titles)
	for i := range out {
		l := levels[i%len(levels)]
		f := fields[(i/len(levels))%len(fields)]
		r := roles[(i/(len(levels)*len(fields)))%len(roles)]
		out[i] = l + " " + f + " " + r
		if k := i / (len(levels) * len(fields) * len(roles)); k > 0 {
			out[i] += " " + strconv.Itoa(k+1)
		}
	}
	return out
}

// SOC returns the i-th occupation code, like "11-1011".
func SOC(i int) string {
	major := 11 + 2*(i%12)
	return fmt.Sprintf("%02d-%04d", major, 1011+(i/12)*10%8989)
}

// Write writes titles_states.csv, related_titles.csv, codes.csv and (unless
// SkipOES) oes.csv into dir, creating it.
func Write(dir string, c Config) error {
	if c.RowsPerPair > 0 && !c.SkipOES {
		if err := checkNonSelective(c); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, fn func(w *bufio.Writer) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		if err := fn(w); err != nil {
			f.Close()
			return fmt.Errorf("w1gen: %s: %w", name, err)
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	titles := Titles(c)
	r := rand.New(rand.NewPCG(c.Seed, 0x511ce))
	if err := write("titles_states.csv", func(w *bufio.Writer) error {
		w.WriteString("title,state\n")
		for range c.WorkPairs {
			fmt.Fprintf(w, "%s,%s\n", csvField(titles[r.IntN(len(titles))]), csvField(States[r.IntN(c.States)]))
		}
		return nil
	}); err != nil {
		return err
	}
	if err := write("related_titles.csv", func(w *bufio.Writer) error {
		w.WriteString("title,related_title,score\n")
		for i, t := range titles {
			fmt.Fprintf(w, "%s,%s,100\n", csvField(t), csvField(t))
			for k := range c.Related {
				j := (i + 1 + k*7 + r.IntN(len(titles))) % len(titles)
				fmt.Fprintf(w, "%s,%s,%d\n", csvField(t), csvField(titles[j]), 40+r.IntN(61))
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := write("codes.csv", func(w *bufio.Writer) error {
		w.WriteString("code,title\n")
		for i, t := range titles {
			for k := range c.CodesPerTit {
				code := SOC((i*3 + k*5) % c.Codes)
				fmt.Fprintf(w, "%s,%s\n", code, csvField(t))
				if r.IntN(4) == 0 { // duplicate rows, as in the real table
					fmt.Fprintf(w, "%s,%s\n", code, csvField(t))
				}
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if c.SkipOES {
		return nil
	}
	return write("oes.csv", func(w *bufio.Writer) error { return WriteOES(w, c) })
}

// WriteOES writes the OES table of c to w.
//
// Like the BLS all-data files, the table holds national rows broken down by
// industry (area "U.S."), state rows and metropolitan-area rows. In the
// default layout each state has two rows per occupation (two ownership
// codes) and the scales grow the number of metropolitan areas, so the rows
// W1 joins on (occ_code, state) stay a small, constant fraction (about 2 per
// code and state) and the rest is what a semi-join must skip. With
// c.RowsPerPair > 0 the states are broken down by many industries instead
// (see Config.RowsPerPair and PairRows).
func WriteOES(w io.Writer, c Config) error {
	if c.RowsPerPair > 0 {
		if err := checkNonSelective(c); err != nil {
			return err
		}
	}
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 1<<20)
		defer bw.Flush()
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x0e5))
	bw.WriteString(strings.Join(OESHeader, ",") + "\n")
	var line []byte
	row := func(area, areaTitle, areaType, naics, naicsTitle, own string, code, st int) error {
		line = appendOESRow(line[:0], r, area, areaTitle, areaType, naics, naicsTitle, own, code, st)
		_, err := bw.Write(line)
		return err
	}
	if c.RowsPerPair > 0 {
		return writeNonSelective(c, row)
	}
	stateSlots := 2 * c.States
	for i := range c.OESRows {
		code := i % c.Codes
		slot := (i / c.Codes)
		var area, areaTitle, areaType, naics, naicsTitle string
		own := "1235"
		st := 0
		switch {
		case slot < len(industries):
			area, areaTitle, areaType = "99", "U.S.", "1"
			naics, naicsTitle = fmt.Sprintf("%06d", 111000+slot*1000), industries[slot]
			st = slot
		case slot < len(industries)+stateSlots:
			k := slot - len(industries)
			st = k / 2
			area, areaTitle, areaType = strconv.Itoa(st*10000+100), States[st], "2"
			naics, naicsTitle = "000000", industries[0]
			if k%2 == 1 {
				own = "5"
			}
		default:
			m := slot - len(industries) - stateSlots
			st, area, areaTitle = metroArea(m)
			areaType, naics, naicsTitle = "4", "000000", industries[0]
		}
		if err := row(area, areaTitle, areaType, naics, naicsTitle, own, code, st); err != nil {
			return err
		}
	}
	return nil
}

// PairRows returns how many rows of c's OES table have an (occ_code,
// area_title) that is an (occupation, state) pair of c: the rows a W1
// semi-join on (code, state) can keep. With c.RowsPerPair > 0 it is about
// c.States * c.Codes * c.RowsPerPair (exactly what WriteOES writes).
func PairRows(c Config) int {
	if c.RowsPerPair > 0 {
		k, _ := stateIndustries(c)
		n := 0
		for st := range c.States {
			for j := range k {
				for code := range c.Codes {
					if present(c, st, j, code) {
						n++
					}
				}
			}
		}
		return n
	}
	national := len(industries) * c.Codes
	return max(0, min(c.OESRows, national+2*c.States*c.Codes)-national)
}

// stateIndustries returns the number K of industries per state of the
// non-selective layout and the probability that a (state, industry,
// occupation) row is present, so that K * p = c.RowsPerPair.
func stateIndustries(c Config) (k int, p float64) {
	k = max(1, int(math.Round(float64(c.RowsPerPair)/0.6)))
	return k, float64(c.RowsPerPair) / float64(k)
}

// present reports whether the non-selective layout has the row of (state
// st, industry j, occupation code). It is a hash of the seed and the three
// indices, so PairRows can count the rows without generating them.
func present(c Config, st, j, code int) bool {
	_, p := stateIndustries(c)
	x := c.Seed*0x9e3779b97f4a7c15 ^ uint64(st)<<42 ^ uint64(j)<<21 ^ uint64(code)
	// splitmix64 finaliser
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11)/(1<<53) < p
}

// checkNonSelective returns an error if the non-selective layout of c does
// not fit in c.OESRows rows: the national rows and the state rows.
func checkNonSelective(c Config) error {
	if c.Codes < 1 || c.States < 1 || c.States > len(States) {
		return fmt.Errorf("w1gen: want 1..%d states and at least one code, got %d states and %d codes", len(States), c.States, c.Codes)
	}
	if need := len(industries)*c.Codes + PairRows(c); c.OESRows < need {
		return fmt.Errorf("w1gen: %d rows per (code, state) pair need at least %d OES rows, got %d (raise the OES rows or lower the rows per pair)",
			c.RowsPerPair, need, c.OESRows)
	}
	return nil
}

// stateNAICS returns the NAICS code and title of the j-th industry of the
// non-selective layout's state breakdown.
func stateNAICS(j int) (naics, title string) {
	sector := industries[1+j%(len(industries)-1)]
	return fmt.Sprintf("%06d", 311000+j*10), sector + " " + strconv.Itoa(j/(len(industries)-1)+1)
}

// writeNonSelective writes the rows of the non-selective layout (after the
// header): national rows by industry, state rows by many industries, then
// metropolitan-area rows up to c.OESRows rows in all.
func writeNonSelective(c Config, row func(area, areaTitle, areaType, naics, naicsTitle, own string, code, st int) error) error {
	n := 0
	for slot := range industries {
		for code := range c.Codes {
			if err := row("99", "U.S.", "1", fmt.Sprintf("%06d", 111000+slot*1000), industries[slot], "1235", code, slot); err != nil {
				return err
			}
			n++
		}
	}
	k, _ := stateIndustries(c)
	for st := range c.States {
		area := strconv.Itoa(st*10000 + 100)
		for j := range k {
			naics, title := stateNAICS(j)
			for code := range c.Codes {
				if !present(c, st, j, code) {
					continue
				}
				if err := row(area, States[st], "2", naics, title, "1235", code, st); err != nil {
					return err
				}
				n++
			}
		}
	}
	for i := 0; n < c.OESRows; i, n = i+1, n+1 {
		st, area, areaTitle := metroArea(i / c.Codes)
		if err := row(area, areaTitle, "4", "000000", industries[0], "1235", i%c.Codes, st); err != nil {
			return err
		}
	}
	return nil
}

// metroArea returns the state index, area code and title of the m-th
// metropolitan area.
func metroArea(m int) (st int, area, title string) {
	st = m % len(States)
	return st, strconv.Itoa(10000 + m), fmt.Sprintf("Metro area %d, %s", m+1, stateAbbrev(States[st]))
}

// appendOESRow appends one OES row (with its newline) to line: the given
// identifying fields, then wage figures drawn from r around a base that
// depends on the occupation and the state.
func appendOESRow(line []byte, r *rand.Rand, area, areaTitle, areaType, naics, naicsTitle, own string, code, st int) []byte {
	line = fmt.Appendf(line, "%s,%s,%s,%s,%s,%s,%s,%s,detailed,",
		area, csvField(areaTitle), areaType, naics, csvField(naicsTitle), own,
		SOC(code), csvField(roles[code%len(roles)]+" occupation "+strconv.Itoa(code)))
	base := 25000 + float64(code%97)*900 + float64(st)*350 + r.Float64()*8000
	emp := 30 + r.IntN(400000)
	line = appendNum(line, r, float64(emp), 0, true)
	line = appendNum(line, r, 1+r.Float64()*20, 1, false)
	line = appendNum(line, r, r.Float64()*30, 3, false)
	line = appendNum(line, r, 0.2+r.Float64()*3, 2, false)
	line = appendNum(line, r, r.Float64()*5, 2, false)
	line = appendNum(line, r, base/2080, 2, false)
	line = appendNum(line, r, base, 0, true)
	line = appendNum(line, r, 0.5+r.Float64()*5, 1, false)
	for _, f := range []float64{0.55, 0.7, 0.95, 1.25, 1.6} {
		line = appendNum(line, r, base*f/2080, 2, false)
	}
	for _, f := range []float64{0.55, 0.7, 0.95, 1.25, 1.6} {
		line = appendNum(line, r, base*f, 0, true)
	}
	// annual, hourly: flags, mostly empty
	if r.IntN(20) == 0 {
		line = append(line, "TRUE,"...)
	} else {
		line = append(line, ","...)
	}
	return append(line, '\n')
}

// stateAbbrev is a two-letter tag for a state name (not the postal code).
func stateAbbrev(s string) string {
	f := strings.Fields(s)
	if len(f) > 1 {
		return strings.ToUpper(f[0][:1] + f[1][:1])
	}
	return strings.ToUpper(s[:2])
}

// appendNum appends a number as Excel exports it (quoted with thousands
// separators when grouped, sometimes padded), or a suppression marker, then a
// comma.
func appendNum(b []byte, r *rand.Rand, v float64, decimals int, group bool) []byte {
	switch k := r.IntN(100); {
	case k == 0:
		return append(b, "*,"...)
	case k == 1:
		return append(b, "#,"...)
	case k == 2:
		return append(b, "**,"...)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if group {
		s = groupThousands(s)
		if r.IntN(10) == 0 {
			s = " " + s + " "
		}
		if strings.ContainsRune(s, ',') || s[0] == ' ' {
			b = append(b, '"')
			b = append(b, s...)
			return append(b, '"', ',')
		}
	}
	b = append(b, s...)
	return append(b, ',')
}

func groupThousands(s string) string {
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) <= 3 {
		return s
	}
	var sb strings.Builder
	pre := len(intPart) % 3
	if pre > 0 {
		sb.WriteString(intPart[:pre])
	}
	for i := pre; i < len(intPart); i += 3 {
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(intPart[i : i+3])
	}
	return sb.String() + frac
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
