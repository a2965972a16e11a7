package readers

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// An OptionSpec is the text form of one reader option: its command-line
// flag, its key in a pipeline spec file, its help line, and the setter that
// parses text into [Options]. [OptionSpecs] lists every option once;
// [RegisterFlags], [FlagsHelp] and [ApplyOption] are built from it, so the
// command line and spec files spell each option the same way.
type OptionSpec struct {
	// Flag is the command-line flag without dashes ("skip-rows"); "" when
	// the option has no flag (the verbs set it themselves).
	Flag string
	// Key is the spec-file key ("skip_rows"); "" when it has none.
	Key string
	// Arg names the flag's value in help ("N"); "" for a boolean flag.
	Arg string
	// Help is a one-line description.
	Help string
	// Repeat: each value appends (a repeatable flag; a list in a spec file).
	Repeat bool
	// Map: in a spec file the value is a mapping, each entry set as the
	// text "KEY=VALUE" (types: {a_mean: float}).
	Map bool
	// Set parses text into o: a flag's value, one list entry, or one
	// "KEY=VALUE" mapping entry.
	Set func(o *Options, text string) error
}

var optionSpecs = []OptionSpec{
	{Flag: "raw", Key: "raw", Help: "every column as text, exactly as in the file",
		Set: boolSetter(func(o *Options, b bool) { o.Raw = b })},
	{Flag: "sheet", Key: "sheet", Arg: "NAME|INDEX", Help: ".xlsx worksheet by name or 0-based index (default: the first visible one)",
		Set: func(o *Options, s string) error { o.Sheet = s; return nil }},
	{Flag: "delimiter", Key: "delimiter", Arg: "C", Help: "field separator: , ; tab | or any character (default: detect)",
		Set: func(o *Options, s string) error {
			r, err := oneChar(s, true)
			o.Delimiter = r
			return err
		}},
	{Flag: "encoding", Key: "encoding", Arg: "E", Help: "utf-8 (default), latin1, windows-1252, iso-8859-N",
		Set: func(o *Options, s string) error { o.Encoding = s; return nil }},
	{Flag: "no-header", Key: "no_header", Help: "the first row is data; columns are column_1, column_2, …",
		Set: boolSetter(func(o *Options, b bool) { o.NoHeader = b })},
	{Flag: "comment", Key: "comment", Arg: "PREFIX", Help: "skip lines starting with PREFIX (e.g. '#')",
		Set: func(o *Options, s string) error { o.Comment = s; return nil }},
	{Flag: "skip-rows", Key: "skip_rows", Arg: "N", Help: "skip N lines (title rows) before the header",
		Set: intSetter(func(o *Options, n int) { o.SkipRows = n })},
	{Flag: "header-row", Key: "header_row", Arg: "N", Help: "the header is line N (1-based); the lines above it are skipped",
		Set: intSetter(func(o *Options, n int) { o.HeaderRow = n })},
	{Flag: "na", Key: "na", Arg: "TOKEN", Repeat: true,
		Help: "extra null token, repeatable (e.g. --na '*' --na '#'); 'auto': short punctuation in numeric columns",
		Set: func(o *Options, s string) error {
			if s == "auto" {
				o.NAAuto = true
				return nil
			}
			o.NA = append(o.NA, s)
			return nil
		}},
	{Flag: "no-default-na", Key: "no_default_na", Help: `only --na tokens are null (not "", NA, N/A, NaN, null, NULL)`,
		Set: boolSetter(func(o *Options, b bool) { o.NoDefaultNA = b })},
	{Flag: "thousands", Key: "thousands", Arg: "SEP", Help: "digit-grouping separator in numbers (default: strict groups of ','); 'none' for none",
		Set: func(o *Options, s string) error {
			if s == "none" {
				o.Thousands = -1
				return nil
			}
			r, err := oneChar(s, false)
			o.Thousands = r
			return err
		}},
	{Flag: "decimal-comma", Key: "decimal_comma", Help: "read 3,5 as 3.5",
		Set: boolSetter(func(o *Options, b bool) { o.DecimalComma = b })},
	{Flag: "type", Key: "types", Arg: "COL=TYPE", Repeat: true, Map: true,
		Help: "force a column type (int, float, string, bool, date, datetime), repeatable",
		Set: func(o *Options, s string) error {
			name, tname, ok := strings.Cut(s, "=")
			if !ok || name == "" {
				return fmt.Errorf("%q: want COLUMN=TYPE", s)
			}
			t, err := frame.ParseType(tname)
			if err != nil {
				return fmt.Errorf("column %q: %w", name, err)
			}
			if o.Types == nil {
				o.Types = map[string]frame.Type{}
			}
			o.Types[name] = t
			return nil
		}},
	{Key: "columns", Arg: "COL", Repeat: true, Help: "read only these columns, in this order",
		Set: func(o *Options, s string) error { o.Columns = append(o.Columns, s); return nil }},
	{Flag: "sample-rows", Key: "sample_rows", Arg: "N", Help: "rows type inference looks at (default 10000; -1: the whole file)",
		Set: intSetter(func(o *Options, n int) { o.SampleRows = n })},
	{Flag: "trim-space", Key: "trim_space", Help: "trim spaces around text values too (numbers are always trimmed)",
		Set: boolSetter(func(o *Options, b bool) { o.TrimSpace = b })},
	{Flag: "lazy-quotes", Key: "lazy_quotes", Help: "accept stray quotes in fields",
		Set: boolSetter(func(o *Options, b bool) { o.LazyQuotes = b })},
	{Flag: "ragged", Key: "ragged", Arg: "P",
		Help: "rows with another field count: error (default), pad (short rows), extend (new columns), truncate, skip",
		Set:  func(o *Options, s string) error { return o.Ragged.UnmarshalText([]byte(s)) }},
	{Flag: "no-dict", Key: "no_dict", Help: "read repeated text plain, not dictionary-encoded",
		Set: boolSetter(func(o *Options, b bool) { o.NoDict = b })},
	{Flag: "max-record-bytes", Key: "max_record_bytes", Arg: "SIZE", Help: "longest record accepted (default 256MiB; -1: no limit)",
		Set: sizeSetter(func(o *Options, n int64) { o.MaxRecordBytes = int(n) })},
	{Flag: "max-decompressed", Key: "max_decompressed", Arg: "SIZE", Help: "most bytes a .gz/.zst input may expand to (default 64GiB; -1: no limit)",
		Set: sizeSetter(func(o *Options, n int64) { o.MaxDecompressed = n })},
	{Flag: "max-ratio", Key: "max_ratio", Arg: "N", Help: "most a .gz/.zst input may expand, times its size (default 500; -1: no limit)",
		Set: intSetter(func(o *Options, n int) { o.MaxRatio = n })},
}

// OptionSpecs returns the text form of every reader option, in help order.
// The slice is a copy; the setters are shared.
func OptionSpecs() []OptionSpec { return slices.Clone(optionSpecs) }

func boolSetter(set func(*Options, bool)) func(*Options, string) error {
	return func(o *Options, s string) error {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q: want true or false", s)
		}
		set(o, b)
		return nil
	}
}

func intSetter(set func(*Options, int)) func(*Options, string) error {
	return func(o *Options, s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q: want a whole number", s)
		}
		set(o, n)
		return nil
	}
}

func sizeSetter(set func(*Options, int64)) func(*Options, string) error {
	return func(o *Options, s string) error {
		n, err := ParseSize(s)
		if err != nil {
			return err
		}
		set(o, n)
		return nil
	}
}

// ParseSize parses a byte count: digits with an optional unit B, KB, MB,
// GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), case
// insensitive ("64MiB", "1.5GB", "4096"); "-1" (no limit) passes through.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "-1" {
		return -1, nil
	}
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	mult := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 || v*mult > 1<<62 {
		return 0, fmt.Errorf("%q: want a size such as 4096, 64MiB or 1GB", s)
	}
	return int64(v * mult), nil
}

// oneChar parses a one-character value; with tab, "tab" and `\t` mean a
// tab.
func oneChar(s string, tab bool) (rune, error) {
	if tab && (s == "tab" || s == `\t`) {
		return '\t', nil
	}
	if utf8.RuneCountInString(s) != 1 {
		if tab {
			return 0, fmt.Errorf("%q: want one character or 'tab'", s)
		}
		return 0, fmt.Errorf("%q: want one character", s)
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r, nil
}

// optionValue adapts an OptionSpec to flag.Value.
type optionValue struct {
	o    *Options
	spec *OptionSpec
	text []string // values set, for String
}

func (v *optionValue) String() string {
	if v == nil {
		return ""
	}
	return strings.Join(v.text, ",")
}

func (v *optionValue) Set(s string) error {
	if err := v.spec.Set(v.o, s); err != nil {
		return err
	}
	v.text = append(v.text, s)
	return nil
}

// IsBoolFlag makes a boolean option a flag that needs no value (--raw).
func (v *optionValue) IsBoolFlag() bool { return v != nil && v.spec.Arg == "" }

// RegisterFlags defines a flag on fs for every reader option that has one
// (see [OptionSpecs]); parsing fs sets the options in *o. Boolean options
// are flags without a value (--raw); repeatable ones append (--na '*'
// --na '#'). The flags' usage strings are the help lines.
func RegisterFlags(fs *flag.FlagSet, o *Options) {
	for i := range optionSpecs {
		spec := &optionSpecs[i]
		if spec.Flag != "" {
			fs.Var(&optionValue{o: o, spec: spec}, spec.Flag, spec.Help)
		}
	}
}

// FlagsHelp returns the reader flags' help, one aligned line per flag (two
// for a flag too long for the column):
//
//	--skip-rows N       skip N lines (title rows) before the header
func FlagsHelp() string {
	var b strings.Builder
	for _, spec := range optionSpecs {
		if spec.Flag == "" {
			continue
		}
		left := "--" + spec.Flag
		if spec.Arg != "" {
			left += " " + spec.Arg
		}
		if len(left) > 19 {
			// a long flag: its help on the next line, aligned
			fmt.Fprintf(&b, "  %s\n  %-19s %s\n", left, "", spec.Help)
			continue
		}
		fmt.Fprintf(&b, "  %-19s %s\n", left, spec.Help)
	}
	return b.String()
}

// OptionByKey returns the spec of the option with spec-file key key.
func OptionByKey(key string) (OptionSpec, bool) {
	for _, spec := range optionSpecs {
		if spec.Key != "" && spec.Key == key {
			return spec, true
		}
	}
	return OptionSpec{}, false
}

// ApplyOption sets the option with spec-file key key from a decoded YAML
// (or JSON) value: a scalar (string, bool, number); a list for a
// repeatable option (each entry set in turn); a mapping for a Map option
// (each entry set as "KEY=VALUE", in key order). Errors name the key; an
// unknown key is an error that suggests the closest ones.
func ApplyOption(o *Options, key string, value any) error {
	spec, ok := OptionByKey(key)
	if !ok {
		var keys []string
		for _, s := range optionSpecs {
			if s.Key != "" {
				keys = append(keys, s.Key)
			}
		}
		msg := fmt.Sprintf("unknown reader option %q", key)
		if near := icsv.CloseNames(key, keys, 2); len(near) > 0 {
			msg += " (did you mean " + strings.Join(near, " or ") + "?)"
		}
		return fmt.Errorf("%s", msg)
	}
	fail := func(err error) error { return fmt.Errorf("reader option %s: %w", key, err) }
	switch v := value.(type) {
	case nil:
		return fail(fmt.Errorf("needs a value"))
	case map[string]any:
		if !spec.Map {
			return fail(fmt.Errorf("must be %s", spec.shape()))
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			t, err := scalarText(v[k])
			if err != nil {
				return fail(fmt.Errorf("%s: %w", k, err))
			}
			if err := spec.Set(o, k+"="+t); err != nil {
				return fail(err)
			}
		}
		return nil
	case []any:
		if !spec.Repeat || spec.Map {
			return fail(fmt.Errorf("must be %s", spec.shape()))
		}
		for _, e := range v {
			t, err := scalarText(e)
			if err != nil {
				return fail(err)
			}
			if err := spec.Set(o, t); err != nil {
				return fail(err)
			}
		}
		return nil
	}
	if spec.Map {
		return fail(fmt.Errorf("must be %s", spec.shape()))
	}
	t, err := scalarText(value)
	if err != nil {
		return fail(err)
	}
	if err := spec.Set(o, t); err != nil {
		return fail(err)
	}
	return nil
}

// ApplyOptions applies every entry of m with [ApplyOption], in key order.
func ApplyOptions(o *Options, m map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := ApplyOption(o, k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// shape describes the value a spec-file key takes.
func (s OptionSpec) shape() string {
	switch {
	case s.Map:
		return "a mapping of column to value"
	case s.Repeat:
		return "a value or a list"
	case s.Arg == "":
		return "true or false"
	}
	return "a single value"
}

// scalarText formats a decoded scalar as the setters' text.
func scalarText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("want a single value, not %T", v)
}
