// Package xlsx reads Excel .xlsx workbooks (Office Open XML spreadsheets,
// including the "strict" variant's part layout) as streams of typed frames.
//
// Importing the package registers ".xlsx" with readers.RegisterFormat, so
// readers.Open, readers.Files and readers.Glob read .xlsx files too.
//
// # Reading
//
// [Read] streams one worksheet in chunks of Options.ChunkRowsOrDefault()
// rows, or fewer when the sheet is wide: a chunk holds at most 4,194,304
// cells (65,536 rows of 64 columns), so its memory stays bounded (about
// 80 MiB) even for a grid 16,384 columns wide. The read checks its context
// while inflating, between chunks and every 65,536 cells, so cancelling it
// stops it promptly whatever the sheet holds. Nothing is preallocated from
// a sheet's declared <dimension>: only the cells actually read count.
//
// Workbook structure (sheet list and visibility, relationships, the
// 1900/1904 date system, styles.xml number formats, the shared-string table)
// is read once; the worksheet XML is then inflated (klauspost/compress flate)
// and scanned with a narrow byte scanner, never held whole in memory. The
// shared-string table's XML is streamed too; its text is kept for the whole
// read, in byte blocks of about 1 MiB plus 4 bytes of offset per string (no
// Go string per entry), about the size of the text. A shared-string cell
// whose index is not in the table is a *readers.ParseError naming the
// sheet, the cell and the index, wrapping readers.ErrFormat.
// excelize is the reference this reader is tested against (and what the
// benchmark generator and tests write workbooks with): its row iterator is an
// order of magnitude slower, and opening a workbook with it inflates every
// worksheet up front.
//
// Sheet selection: Options.Sheet is a sheet name or a 1-based sheet number
// in workbook order (as listed by [Sheets], chart sheets included, as
// SheetInfo.Number): "1" is the first sheet, "3" the third, as in Excel's
// tab order and pandas-style CLI tools. A name is matched exactly first, so a
// sheet named "2" is selected by "2" even when it is not the second sheet.
// "" selects the first visible worksheet. "0" (or a negative number) is an
// error ("sheets are numbered from 1"); a name that matches nothing, a
// number past the last sheet, or a chart sheet gives an error wrapping
// readers.ErrNoSheet that lists the worksheets.
//
// # Cells
//
//	<c t="s"><v>3</v></c>            shared string 3
//	<c t="inlineStr"><is><t>a</t></is>   "a" (rich-text runs concatenated, phonetic runs dropped)
//	<c t="str"><f>..</f><v>x</v></c> formula: its cached value "x" (never evaluated;
//	                                 no cached value → empty cell)
//	<c t="b"><v>1</v></c>            TRUE
//	<c t="e"><v>#N/A</v></c>         the error code #N/A
//	<c s="4"><v>45000.5</v></c>      a date when style 4's number format is a date/time format
//
// Date/time formats are the built-in ids 14–22 and 45–47 and custom format
// codes whose first section has one of d m h y s outside quoted text and
// bracketed sections ([Red], [$-409]); elapsed formats such as [h]:mm:ss
// count. Serials convert as openpyxl does: the workbook's 1900 or 1904 epoch,
// Excel's phantom 1900-02-29 (serials below 60 are shifted a day so that
// serial 1 is 1900-01-01), the fraction of a day rounded to milliseconds,
// serials in [0, 1) read as times of day.
//
// XML text is decoded (&amp; &lt; &gt; &quot; &apos;, &#NN; and &#xNN;,
// CDATA, CR LF → LF). _xHHHH_ escapes are kept as written, as openpyxl 3.0
// does, except that "x005F_" is removed from shared strings.
// Every part is read by the same tag scanner, which processes no DTD: a
// DOCTYPE is skipped and any other entity reference (&lol9;) stays literal
// text, so entity expansion bombs expand nothing. It keeps no element stack;
// elements nested more than 256 deep give readers.ErrFormat.
//
// The grid is anchored at A1 and runs to the last non-empty column and row:
// missing cells and rows are empty, trailing empty rows are dropped. Merged
// ranges keep their value in the top-left cell only (nothing is filled).
// Rows must appear in ascending order (as every writer produces them). A
// cell or row beyond Excel's grid (column XFD, row 1,048,576) gives
// readers.ErrFormat; a row repeating a cell reference keeps the last value.
//
// # Header and width
//
// Unless Options.NoHeader, the first non-empty row is the header (empty rows
// above it are skipped); empty header cells are named column_N (1-based
// column number) and repeated names get _2, _3, … suffixes. With NoHeader,
// row 1 is data and columns are column_1, column_2, …. The number of
// columns is the widest of the header and the first SampleRowsOrDefault()
// rows (SampleRows < 0: all rows, buffered in memory); a later non-empty
// cell beyond it gives a *readers.ParseError wrapping readers.ErrFieldCount.
// An empty sheet gives readers.ErrEmpty; a sheet with only a header yields
// one frame with no rows.
//
// # Raw mode
//
// With Options.Raw every column is a String holding the cell text of the
// corpus convention (shared/corpus/README.md): integers as digits, other
// numbers as Python's repr of the double (0.1, 1e-05, 1e+16,
// 1000000000000000.0), TRUE/FALSE, error codes, dates as
// YYYY-MM-DDTHH:MM:SS[.ffffff] (times of day HH:MM:SS), strings as stored;
// empty cells are "" (not null). No NA or number conversion.
//
// # Typed mode
//
// Column types are inferred from the sampled rows, ignoring empty cells and
// NA tokens (Options.NASet, matched after trimming spaces, on string and
// error cells): all numbers integral → Int64, numbers → Float64, all booleans
// → Bool, all date cells → Date (no time of day anywhere) or Datetime,
// otherwise String (cell text as in raw mode, NA tokens and empty cells
// null). Numbers stored as text count as numbers: "63,180" (digits grouped
// by threes with Options.Thousands, ',' by default; '.' grouping and ','
// decimals with Options.DecimalComma), but "007" and "000000" (a leading
// zero) stay text, and text "TRUE"/"FALSE" counts as a boolean. Options.Types
// overrides the inferred type of a column; Options.Columns projects and
// orders columns (an unknown name wraps [ErrNoColumn]). Time-of-day values
// in a Datetime column fall on the epoch's date (1899-12-30 or 1904-01-01).
//
// Policy for a later cell that does not fit the column type (beyond the
// sample, or against an override): the read stops with a
// *readers.ParseError naming the sheet, the cell ("C17") and its text,
// wrapping readers.ErrType. Nothing is widened or converted silently; read
// with SampleRows: -1 (or override the type as String) to avoid it.
//
// # Errors and limits
//
// A missing file, a directory, an empty file, a file that is not a zip
// archive (or is truncated) and a zip without a workbook part give clear
// errors (fs.ErrNotExist, readers.ErrFormat, readers.ErrEmpty). Malformed
// worksheet XML gives readers.ErrFormat.
//
// Zip bombs and huge members: before a member is inflated, the sizes its zip
// directory declares are checked, and while it is inflated the bytes it
// actually produces (and the compressed bytes it consumes) are counted, so a
// directory that understates either is caught too. The limits (constants):
//
//	MaxSheetBytes          8 GiB    one worksheet's XML (streamed)
//	MaxSharedStringsBytes  2 GiB    the shared-string table's XML (its text is kept)
//	MaxMetaBytes           256 MiB  any other member (workbook, relationships, styles)
//	MaxReadBytes           16 GiB   all members one read inflates
//	MaxRatio               1000:1   compression ratio, for members over RatioMinBytes (8 MiB)
//
// Going over one gives a one-line error wrapping readers.ErrTooLarge that
// names the file, the member and the limit, e.g.
//
//	xlsx: bomb.xlsx: member xl/worksheets/sheet1.xml: declares a compression ratio of 1027:1 (64.0 MiB from 63.8 KiB), over the 1000:1 limit for members over 8 MiB (a zip bomb?): file exceeds a size limit
//
// A member that inflates past the size its directory declares is corrupt
// (readers.ErrFormat). A single XML element or text run over 256 MiB gives
// readers.ErrTooLarge.
package xlsx

import "github.com/sluicedata/sluice/readers"

func init() { readers.RegisterFormat(".xlsx", Read) }
