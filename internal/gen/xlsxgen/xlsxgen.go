// Package xlsxgen writes OES-shaped .xlsx workbooks for benchmarks: 29
// columns like the BLS Occupational Employment and Wage Statistics tables,
// numbers stored as numbers, suppressed values as the strings "*", "#" and
// "**", state names, SOC codes such as "11-1011". Output is deterministic for
// a given seed.
package xlsxgen

import (
	"fmt"
	"math/rand/v2"

	"github.com/xuri/excelize/v2"
)

// Columns are the header names, in order.
var Columns = []string{
	"area", "area_title", "area_type", "naics", "naics_title", "own_code", "occ_code", "occ_title",
	"o_group", "tot_emp", "emp_prse", "jobs_1000", "loc_quotient", "pct_total", "h_mean", "a_mean",
	"mean_prse", "h_pct10", "h_pct25", "h_median", "h_pct75", "h_pct90", "a_pct10", "a_pct25",
	"a_median", "a_pct75", "a_pct90", "annual", "hourly",
}

var states = []string{"Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
	"Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
	"Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
	"Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
	"New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
	"Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
	"Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming"}

var titles = []string{"Chief Executives", "General and Operations Managers", "Legislators",
	"Advertising and Promotions Managers", "Marketing Managers", "Sales Managers",
	"Software Developers", "Registered Nurses", "Cashiers", "Janitors and Cleaners",
	"Mechanical Drafters", "Civil Engineering Technicians", "Retail Salespersons"}

var groups = []string{"detailed", "broad", "minor", "major", "total"}

// Write writes a workbook of rows data rows (plus a header row) to path.
func Write(path string, rows int, seed uint64) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	hdr := make([]any, len(Columns))
	for i, c := range Columns {
		hdr[i] = c
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 42))
	row := make([]any, len(Columns))
	for r := 0; r < rows; r++ {
		st := rng.IntN(len(states))
		row[0] = st + 1
		row[1] = states[st]
		row[2] = 2
		row[3] = "000000"
		row[4] = "Cross-industry"
		row[5] = 1235
		major := 11 + 2*rng.IntN(22)
		row[6] = fmt.Sprintf("%02d-%04d", major, rng.IntN(10000))
		row[7] = titles[rng.IntN(len(titles))]
		row[8] = groups[rng.IntN(len(groups))]
		row[9] = 30 + rng.IntN(3000000)
		row[10] = float64(1+rng.IntN(500)) / 10
		row[11] = float64(rng.IntN(100000)) / 1000
		row[12] = float64(rng.IntN(5000)) / 100
		row[13] = float64(rng.IntN(10000)) / 100
		hourly := 8 + rng.Float64()*90
		row[14] = round2(hourly)
		row[15] = int(hourly * 2080)
		row[16] = float64(1+rng.IntN(100)) / 10
		for k := 0; k < 5; k++ {
			h := round2(hourly * (0.5 + 0.25*float64(k)))
			if rng.IntN(50) == 0 {
				row[17+k] = "#"
			} else {
				row[17+k] = h
			}
			if rng.IntN(50) == 0 {
				row[22+k] = "*"
			} else {
				row[22+k] = int(h * 2080)
			}
		}
		if rng.IntN(20) == 0 {
			row[27], row[28] = true, nil
		} else {
			row[27], row[28] = nil, nil
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }
