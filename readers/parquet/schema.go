package parquet

import (
	"fmt"
	"strconv"

	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// kind is how a leaf column's values are decoded.
type kind uint8

const (
	kInt32        kind = iota // INT32 (INT(8|16|32, signed)) → Int64
	kUint32                   // INT32 as UINT(8|16|32) → Int64
	kInt64                    // INT64 → Int64
	kUint64                   // INT64 as UINT(64) → Int64 (error past MaxInt64) or Float64
	kFloat                    // FLOAT → Float64
	kDouble                   // DOUBLE → Float64
	kBool                     // BOOLEAN → Bool
	kDate                     // INT32 DATE → Date
	kTimestamp                // INT64 TIMESTAMP(unit) → Datetime (× mult)
	kInt96                    // INT96 (legacy Impala/Spark timestamps) → Datetime
	kTime32                   // INT32 TIME(MILLIS) → Int64 nanoseconds since midnight
	kTime64                   // INT64 TIME(MICROS|NANOS) → Int64 nanoseconds since midnight
	kDecimal32                // INT32 DECIMAL → Float64 (or exact String)
	kDecimal64                // INT64 DECIMAL → Float64 (or exact String)
	kDecimalBytes             // FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY DECIMAL → Float64 (or exact String)
	kBytes                    // BYTE_ARRAY (STRING, ENUM, JSON, BSON, none) → String
	kFixed                    // FIXED_LEN_BYTE_ARRAY (none) → String of the raw bytes
	kUUID                     // FIXED_LEN_BYTE_ARRAY(16) UUID → String 8-4-4-4-12 hex
	kFloat16                  // FIXED_LEN_BYTE_ARRAY(2) FLOAT16 → Float64
)

// column is one top-level column of the file: how to decode it and the
// frame column it becomes.
type column struct {
	name    string // frame column name (the Parquet name, made unique)
	pqName  string // the name in the file
	leaf    int    // leaf (column chunk) index in every row group
	phys    format.Type
	desc    string // the Parquet type as a reader shows it, for errors
	kind    kind
	natural frame.Type // the frame type of the decoded values
	typ     frame.Type // the frame type asked for (Options.Types, Raw); natural unless overridden
	maxDef  int        // 0: REQUIRED, 1: OPTIONAL
	mult    int64      // timestamps and times: nanoseconds per unit
	scale   int32      // decimals
	size    int        // FIXED_LEN_BYTE_ARRAY length
	nested  string     // non-empty: why the column cannot be read (nested or repeated)
	signed  bool       // statistics in Min/Max (deprecated) use the signed order
}

// schemaColumns maps the file's schema (its flattened element list, root
// first) to top-level columns. Nested and repeated columns are returned
// with nested set; reading one is an error, skipping it is not.
func schemaColumns(els []format.SchemaElement) ([]*column, error) {
	if len(els) == 0 {
		return nil, fmt.Errorf("no schema")
	}
	nroot := int(els[0].NumChildren.V)
	if nroot < 0 || nroot > len(els)-1 {
		return nil, fmt.Errorf("schema root has %d children in %d elements", nroot, len(els))
	}
	var cols []*column
	i, leaf := 1, 0
	for range nroot {
		if i >= len(els) {
			return nil, fmt.Errorf("schema ends after %d elements", len(els))
		}
		el := &els[i]
		end, leaves, err := subtree(els, i)
		if err != nil {
			return nil, err
		}
		c := &column{pqName: el.Name, leaf: leaf}
		switch {
		case el.NumChildren.V > 0 || !el.Type.Valid:
			c.nested = describeGroup(el)
		case el.RepetitionType.Valid && el.RepetitionType.V == format.Repeated:
			c.nested = "a repeated field"
		default:
			if el.RepetitionType.V == format.Optional {
				c.maxDef = 1
			}
			if err := c.mapType(el); err != nil {
				return nil, fmt.Errorf("column %q: %w", el.Name, err)
			}
		}
		cols = append(cols, c)
		i, leaf = end, leaf+leaves
	}
	uniqueNames(cols)
	return cols, nil
}

// subtree returns the index past the subtree at els[i] and its leaf count.
func subtree(els []format.SchemaElement, i int) (end, leaves int, err error) {
	pending := 1
	for pending > 0 {
		if i >= len(els) {
			return 0, 0, fmt.Errorf("schema ends inside a group")
		}
		n := int(els[i].NumChildren.V)
		if n < 0 || n > len(els) {
			return 0, 0, fmt.Errorf("schema element %q has %d children", els[i].Name, n)
		}
		if n == 0 {
			leaves++
		}
		pending += n - 1
		i++
	}
	return i, leaves, nil
}

func describeGroup(el *format.SchemaElement) string {
	switch el.LogicalType.Value.(type) {
	case *format.ListType:
		return "a LIST"
	case *format.MapType:
		return "a MAP"
	case *format.VariantType:
		return "a VARIANT"
	}
	switch el.ConvertedType.V {
	case deprecated.List:
		if el.ConvertedType.Valid {
			return "a LIST"
		}
	case deprecated.Map, deprecated.MapKeyValue:
		return "a MAP"
	}
	return "a group (struct)"
}

// uniqueNames sets the frame names: the Parquet names, an empty one as
// column_N (N its 1-based position) and a repeated one with _2, _3, … (the
// CSV reader's rule for headers).
func uniqueNames(cols []*column) {
	seen := map[string]bool{}
	next := map[string]int{} // first suffix not yet tried: linear in repeats
	for k, c := range cols {
		name := c.pqName
		if name == "" {
			name = "column_" + strconv.Itoa(k+1)
		}
		if seen[name] {
			for n := max(next[name], 2); ; n++ {
				if cand := name + "_" + strconv.Itoa(n); !seen[cand] {
					next[name] = n + 1
					name = cand
					break
				}
			}
		}
		seen[name] = true
		c.name = name
	}
}

// mapType sets the decoding of a leaf from its physical, logical and
// converted types.
func (c *column) mapType(el *format.SchemaElement) error {
	c.phys = el.Type.V
	lt := el.LogicalType.Value
	ct, hasCT := el.ConvertedType.V, el.ConvertedType.Valid
	c.desc = c.phys.String()
	if lt != nil {
		c.desc += " " + lt.String()
	} else if hasCT {
		c.desc += " " + convertedName(ct)
	}
	c.signed = true
	decimal := func() {
		c.scale = el.Scale.V
		if d, ok := lt.(*format.DecimalType); ok {
			c.scale = d.Scale
		}
		c.natural = frame.Float64
	}
	isDecimal := false
	if _, ok := lt.(*format.DecimalType); ok || hasCT && ct == deprecated.Decimal {
		isDecimal = true
	}
	switch c.phys {
	case format.Boolean:
		c.kind, c.natural = kBool, frame.Bool
	case format.Int32:
		c.kind, c.natural = kInt32, frame.Int64
		switch t := lt.(type) {
		case *format.IntType:
			if !t.IsSigned {
				c.kind, c.signed = kUint32, false
			}
		case *format.DateType:
			c.kind, c.natural = kDate, frame.Date
		case *format.TimeType:
			c.kind, c.mult = kTime32, unitNanos(&t.Unit)
			if c.mult != 1e6 {
				return fmt.Errorf("%s: TIME on INT32 must be in milliseconds: %w", c.desc, readers.ErrFormat)
			}
		}
		if lt == nil && hasCT {
			switch ct {
			case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32:
				c.kind, c.signed = kUint32, false
			case deprecated.Date:
				c.kind, c.natural = kDate, frame.Date
			case deprecated.TimeMillis:
				c.kind, c.mult = kTime32, 1e6
			}
		}
		if isDecimal {
			c.kind = kDecimal32
			decimal()
		}
	case format.Int64:
		c.kind, c.natural = kInt64, frame.Int64
		switch t := lt.(type) {
		case *format.IntType:
			if !t.IsSigned {
				c.kind, c.signed = kUint64, false
			}
		case *format.TimestampType:
			c.kind, c.natural, c.mult = kTimestamp, frame.Datetime, unitNanos(&t.Unit)
		case *format.TimeType:
			c.kind, c.mult = kTime64, unitNanos(&t.Unit)
			if c.mult == 1e6 {
				return fmt.Errorf("%s: TIME on INT64 must be in micro- or nanoseconds: %w", c.desc, readers.ErrFormat)
			}
		}
		if lt == nil && hasCT {
			switch ct {
			case deprecated.Uint64:
				c.kind, c.signed = kUint64, false
			case deprecated.TimestampMillis:
				c.kind, c.natural, c.mult = kTimestamp, frame.Datetime, 1e6
			case deprecated.TimestampMicros:
				c.kind, c.natural, c.mult = kTimestamp, frame.Datetime, 1e3
			case deprecated.TimeMicros:
				c.kind, c.mult = kTime64, 1e3
			}
		}
		if isDecimal {
			c.kind = kDecimal64
			decimal()
		}
	case format.Int96:
		c.kind, c.natural, c.signed = kInt96, frame.Datetime, false
	case format.Float:
		c.kind, c.natural = kFloat, frame.Float64
	case format.Double:
		c.kind, c.natural = kDouble, frame.Float64
	case format.ByteArray:
		c.kind, c.natural, c.signed = kBytes, frame.String, false
		if isDecimal {
			c.kind, c.signed = kDecimalBytes, true
			decimal()
		}
	case format.FixedLenByteArray:
		c.size = int(el.TypeLength.V)
		if c.size <= 0 {
			return fmt.Errorf("%s: length %d: %w", c.desc, c.size, readers.ErrFormat)
		}
		c.kind, c.natural, c.signed = kFixed, frame.String, false
		switch lt.(type) {
		case *format.UUIDType:
			if c.size != 16 {
				return fmt.Errorf("%s: UUID of %d bytes: %w", c.desc, c.size, readers.ErrFormat)
			}
			c.kind = kUUID
		case *format.Float16Type:
			if c.size != 2 {
				return fmt.Errorf("%s: FLOAT16 of %d bytes: %w", c.desc, c.size, readers.ErrFormat)
			}
			c.kind, c.natural = kFloat16, frame.Float64
		}
		if hasCT && ct == deprecated.Interval {
			return fmt.Errorf("%s: INTERVAL has no frame type: %w", c.desc, readers.ErrType)
		}
		if isDecimal {
			c.kind, c.signed = kDecimalBytes, true
			decimal()
		}
	default:
		return fmt.Errorf("unknown physical type %v: %w", c.phys, readers.ErrFormat)
	}
	if c.kind == kTime32 || c.kind == kTime64 {
		c.natural = frame.Int64
	}
	if isDecimal && (c.scale < 0 || c.scale > 76) {
		return fmt.Errorf("%s: scale %d: %w", c.desc, c.scale, readers.ErrFormat)
	}
	if c.kind == kTimestamp || c.kind == kTime64 {
		if c.mult == 0 {
			return fmt.Errorf("%s: unknown time unit: %w", c.desc, readers.ErrFormat)
		}
	}
	c.typ = c.natural
	return nil
}

// unitNanos returns the nanoseconds in one unit, 0 when unknown.
func unitNanos(u *format.TimeUnit) int64 {
	switch u.Value.(type) {
	case *format.MilliSeconds:
		return 1e6
	case *format.MicroSeconds:
		return 1e3
	case *format.NanoSeconds:
		return 1
	}
	return 0
}

// setType applies an Options.Types (or Raw) override: t must be a
// conversion this reader makes (see the package documentation).
func (c *column) setType(t frame.Type) error {
	if t == c.natural {
		c.typ = t
		return nil
	}
	ok := false
	switch t {
	case frame.String:
		ok = true // every type has a text form
	case frame.Float64:
		ok = c.natural == frame.Int64 || c.natural == frame.Bool
	case frame.Int64:
		ok = c.natural == frame.Bool || c.natural == frame.Date || c.natural == frame.Datetime
	case frame.Date:
		ok = c.natural == frame.Datetime
	case frame.Datetime:
		ok = c.natural == frame.Date
	}
	if !ok {
		return fmt.Errorf("column %q is %s (%v) and cannot be read as %v: %w", c.name, c.desc, c.natural, t, readers.ErrType)
	}
	c.typ = t
	return nil
}

// convertedName names a legacy converted type.
func convertedName(ct deprecated.ConvertedType) string {
	names := [...]string{"UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE",
		"TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16",
		"UINT_32", "UINT_64", "INT_8", "INT_16", "INT_32", "INT_64", "JSON", "BSON", "INTERVAL"}
	if ct >= 0 && int(ct) < len(names) {
		return names[ct]
	}
	return fmt.Sprintf("converted type %d", int(ct))
}
