package readers

import (
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// TestOptionSpecsUnique: every option has a help line, a setter and a flag
// or a key, and no flag or key is spelled twice.
func TestOptionSpecsUnique(t *testing.T) {
	flags, keys := map[string]bool{}, map[string]bool{}
	for _, s := range OptionSpecs() {
		if s.Help == "" || s.Set == nil || (s.Flag == "" && s.Key == "") {
			t.Fatalf("incomplete spec %+v", s)
		}
		if s.Flag != "" {
			if flags[s.Flag] {
				t.Fatalf("flag %s twice", s.Flag)
			}
			flags[s.Flag] = true
			if !strings.Contains(FlagsHelp(), "--"+s.Flag+" ") {
				t.Fatalf("help lacks --%s", s.Flag)
			}
		}
		if s.Key != "" {
			if keys[s.Key] {
				t.Fatalf("key %s twice", s.Key)
			}
			keys[s.Key] = true
		}
	}
	for _, f := range []string{"comment", "skip-rows", "header-row", "ragged", "na"} {
		if !flags[f] {
			t.Errorf("no --%s", f)
		}
	}
}

// TestRegisterFlags: the command line sets Options, and the same values
// through ApplyOptions (a decoded spec file) give the same Options.
func TestRegisterFlags(t *testing.T) {
	args := []string{"--raw", "--sheet", "2", "--delimiter", "tab", "--encoding", "latin1", "--no-header",
		"--comment", "#", "--skip-rows", "2", "--header-row", "3", "--na", "*", "--na", "auto", "--na", "#",
		"--no-default-na", "--thousands", ".", "--decimal-comma", "--type", "a=int", "--type", "b=string",
		"--sample-rows", "-1", "--trim-space", "--lazy-quotes", "--ragged", "extend", "--no-dict",
		"--max-record-bytes", "1MiB", "--max-decompressed", "2GB", "--max-ratio", "50"}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var got Options
	RegisterFlags(fs, &got)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := Options{Raw: true, Sheet: "2", Delimiter: '\t', Encoding: "latin1", NoHeader: true, Comment: "#",
		SkipRows: 2, HeaderRow: 3, NA: []string{"*", "#"}, NAAuto: true, NoDefaultNA: true, Thousands: '.',
		DecimalComma: true, Types: map[string]frame.Type{"a": frame.Int64, "b": frame.String}, SampleRows: -1,
		TrimSpace: true, LazyQuotes: true, Ragged: RaggedExtend, NoDict: true, MaxRecordBytes: 1 << 20,
		MaxDecompressed: 2e9, MaxRatio: 50}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("flags gave\n%+v\nwant\n%+v", got, want)
	}
	var fromSpec Options
	err := ApplyOptions(&fromSpec, map[string]any{"raw": true, "sheet": 2, "delimiter": "\t", "encoding": "latin1",
		"no_header": true, "comment": "#", "skip_rows": 2, "header_row": 3, "na": []any{"*", "auto", "#"},
		"no_default_na": true, "thousands": ".", "decimal_comma": true, "types": map[string]any{"a": "int", "b": "string"},
		"sample_rows": -1, "trim_space": true, "lazy_quotes": true, "ragged": "extend", "no_dict": true,
		"max_record_bytes": "1MiB", "max_decompressed": "2GB", "max_ratio": 50})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromSpec, want) {
		t.Fatalf("spec gave\n%+v\nwant\n%+v", fromSpec, want)
	}
}

// TestApplyOptionErrors: bad values and shapes name the option; an unknown
// key suggests the closest.
func TestApplyOptionErrors(t *testing.T) {
	for _, c := range []struct {
		key  string
		v    any
		want string
	}{
		{"ragged", "drop", `reader option ragged: ragged policy "drop": want one of error, pad, skip, extend, truncate`},
		{"delimiter", ",,", `reader option delimiter: ",,": want one character or 'tab'`},
		{"skip_rows", "x", `reader option skip_rows: "x": want a whole number`},
		{"types", "a=int", "reader option types: must be a mapping of column to value"},
		{"raw", []any{true}, "reader option raw: must be true or false"},
		{"types", map[string]any{"a": "money"}, `reader option types: column "a": `},
		{"na", nil, "reader option na: needs a value"},
		{"skiprows", 1, `unknown reader option "skiprows" (did you mean "skip_rows"?)`},
		{"max_record_bytes", "lots", `reader option max_record_bytes: "lots": want a size`},
	} {
		var o Options
		err := ApplyOption(&o, c.key, c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%v: %v, want %q", c.key, c.v, err, c.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for s, want := range map[string]int64{"4096": 4096, "64MiB": 64 << 20, "1.5GB": 1.5e9, "2k": 2048, "-1": -1, " 10 kb ": 10000} {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "x", "1XB", "-5", "1e3"} {
		if got, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", s, got)
		}
	}
}

func ExampleFlagsHelp() {
	for _, line := range strings.Split(FlagsHelp(), "\n") {
		if strings.Contains(line, "--ragged") || strings.Contains(line, "--header-row") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// --header-row N      the header is line N (1-based); the lines above it are skipped
	// --ragged P          rows with another field count: error (default), pad (short rows), extend (new columns), truncate, skip
}

// FuzzOptionText: every option's setter takes any text without panicking,
// and ParseSize's results are non-negative (or -1) and match its digits.
func FuzzOptionText(f *testing.F) {
	for _, s := range []string{"", "tab", "auto", "a=int", "=", "64MiB", "-1", "1.5GB", "extend", "é", "9999999999999999999GB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, spec := range OptionSpecs() {
			var o Options
			_ = spec.Set(&o, s)
		}
		if n, err := ParseSize(s); err == nil && n < -1 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
	})
}
