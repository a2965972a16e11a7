// Package oesgen writes synthetic CSV files shaped like the U.S. BLS
// Occupational Employment and Wage Statistics (OES) tables: 29 columns,
// Excel-style quoted thousands-separated numbers ("132,588,810") and the
// suppression markers `*`, `#` and `**`. Output is deterministic for a seed.
package oesgen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
)

// Header is the OES column list written as the first record.
var Header = []string{"area", "area_title", "area_type", "naics", "naics_title", "own_code",
	"occ_code", "occ_title", "o_group", "tot_emp", "emp_prse", "jobs_1000", "loc_quotient",
	"pct_total", "h_mean", "a_mean", "mean_prse", "h_pct10", "h_pct25", "h_median", "h_pct75",
	"h_pct90", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90", "annual", "hourly"}

var states = []string{"Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado",
	"Connecticut", "Delaware", "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho",
	"Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland",
	"Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska",
	"Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
	"North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
	"South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
	"Washington", "West Virginia", "Wisconsin", "Wyoming"}

var titles = []string{"Chief Executives", "General and Operations Managers", "Legislators",
	"Advertising and Promotions Managers", "Marketing Managers", "Sales Managers",
	"Accountants and Auditors", "Software Developers", "Registered Nurses",
	"Retail Salespersons", "Cashiers", "Janitors and Cleaners, Except Maids and Housekeeping Cleaners",
	"Heavy and Tractor-Trailer Truck Drivers", "Waiters and Waitresses", "Electricians"}

var groups = []string{"total", "major", "minor", "broad", "detailed"}

// appendGrouped appends v with ',' thousands separators, quoted when grouped
// (as Excel writes CSV).
func appendGrouped(b []byte, v int64) []byte {
	s := strconv.AppendInt(nil, v, 10)
	if len(s) <= 3 {
		return append(b, s...)
	}
	b = append(b, '"')
	lead := len(s) % 3
	if lead == 0 {
		lead = 3
	}
	b = append(b, s[:lead]...)
	for i := lead; i < len(s); i += 3 {
		b = append(b, ',')
		b = append(b, s[i:i+3]...)
	}
	return append(b, '"')
}

func appendFixed(b []byte, v float64, prec int) []byte {
	return strconv.AppendFloat(b, v, 'f', prec, 64)
}

// Write writes the header and rows data rows to w, drawn from a PCG seeded
// with seed.
func Write(w io.Writer, rows int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i, h := range Header {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(h)
	}
	bw.WriteByte('\n')
	b := make([]byte, 0, 1024)
	for r := 0; r < rows; r++ {
		b = b[:0]
		st := rng.IntN(len(states))
		b = strconv.AppendInt(b, int64(st+1)*1000, 10)
		b = append(b, ',')
		b = append(b, states[st]...)
		b = append(b, ",2,000000,Cross-industry,1235,"...)
		major := 11 + 2*rng.IntN(20)
		b = strconv.AppendInt(b, int64(major), 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(1000+rng.IntN(9000)), 10)
		b = append(b, ',')
		t := titles[rng.IntN(len(titles))]
		if t[len(t)-1] == 's' && rng.IntN(4) == 0 || containsComma(t) {
			b = append(b, '"')
			b = append(b, t...)
			b = append(b, '"')
		} else {
			b = append(b, t...)
		}
		b = append(b, ',')
		b = append(b, groups[rng.IntN(len(groups))]...)
		b = append(b, ',')
		// tot_emp
		b = appendGrouped(b, int64(rng.ExpFloat64()*50000)+30)
		b = append(b, ',')
		// emp_prse, jobs_1000, loc_quotient, pct_total
		b = appendFixed(b, rng.Float64()*20, 1)
		b = append(b, ',')
		b = appendMaybe(b, rng, rng.Float64()*100, 3)
		b = append(b, ',')
		b = appendMaybe(b, rng, rng.Float64()*5, 2)
		b = append(b, ',')
		b = appendMaybe(b, rng, rng.Float64()*10, 2)
		b = append(b, ',')
		hourly := 10 + rng.ExpFloat64()*20
		suppressH := rng.IntN(50) == 0
		// h_mean, a_mean, mean_prse
		if suppressH {
			b = append(b, '*')
		} else {
			b = appendFixed(b, hourly, 2)
		}
		b = append(b, ',')
		b = appendGrouped(b, int64(hourly*2080))
		b = append(b, ',')
		b = appendFixed(b, rng.Float64()*10, 1)
		// hourly percentiles
		mult := []float64{0.5, 0.7, 1, 1.4, 1.9}
		for _, m := range mult {
			b = append(b, ',')
			switch {
			case suppressH:
				b = append(b, '*')
			case hourly*m > 100:
				b = append(b, '#')
			default:
				b = appendFixed(b, hourly*m, 2)
			}
		}
		for _, m := range mult {
			b = append(b, ',')
			switch {
			case hourly*m > 100:
				b = append(b, '#')
			case rng.IntN(200) == 0:
				b = append(b, "**"...)
			default:
				b = appendGrouped(b, int64(hourly*m*2080))
			}
		}
		b = append(b, ',')
		if suppressH {
			b = append(b, "TRUE"...)
		}
		b = append(b, ',')
		if rng.IntN(100) == 0 {
			b = append(b, "TRUE"...)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func appendMaybe(b []byte, rng *rand.Rand, v float64, prec int) []byte {
	if rng.IntN(40) == 0 {
		return append(b, "**"...)
	}
	return appendFixed(b, v, prec)
}

func containsComma(s string) bool {
	for i := range len(s) {
		if s[i] == ',' {
			return true
		}
	}
	return false
}

// countingWriter counts bytes written.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteSize writes rows until at least size bytes have been written (whole
// rows; the header counts). It returns the number of data rows.
func WriteSize(w io.Writer, size int64, seed uint64) (int, error) {
	// rows average ~190 bytes; write in batches of fresh seeds' rows
	cw := &countingWriter{w: w}
	const batch = 100000
	total := 0
	first := true
	for cw.n < size {
		pr, pw := io.Pipe()
		go func(s uint64) {
			pw.CloseWithError(Write(pw, batch, s))
		}(seed + uint64(total))
		data, err := io.ReadAll(pr)
		if err != nil {
			return total, err
		}
		if !first {
			// drop the header line of later batches
			for i, c := range data {
				if c == '\n' {
					data = data[i+1:]
					break
				}
			}
		}
		first = false
		// trim to the size limit at a row end
		if rem := size - cw.n; int64(len(data)) > rem {
			cut := int(rem)
			for cut < len(data) && data[cut-1] != '\n' {
				cut++
			}
			data = data[:cut]
		}
		n := 0
		for _, c := range data {
			if c == '\n' {
				n++
			}
		}
		if _, err := cw.Write(data); err != nil {
			return total, err
		}
		if total == 0 {
			n--
		}
		total += n
	}
	return total, nil
}
