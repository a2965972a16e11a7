// Package csv is the CSV engine behind package readers: the splitter that
// cuts the input into chunks of whole records, the three parse paths that
// turn a chunk into a typed frame, type inference, dictionary encoding, the
// key filter applied while parsing, and collect mode. Package readers holds
// the API (options, errors, files, formats); this package takes a Config
// translated from readers.Options and returns frames and *Error values that
// readers turns into *readers.ParseError.
//
// # Splitting
//
// The input is cut into chunks of whole records by a serial splitter that
// finds record ends from the parity of quotes before each newline (exact for
// RFC 4180 quoting; when a literal quote inside an unquoted field is seen the
// reader falls back to exact, tokenizer-driven splitting from that record).
// ReadFile maps a big uncompressed UTF-8 file into memory and cuts chunks in
// place (no read copies; parsed pages are dropped from the resident set).
// Chunks are parsed in parallel on runtime.GOMAXPROCS goroutines and yielded
// in input order. Config.Columns skips the conversion of other columns.
//
// # The three parse paths
//
// Each chunk is parsed by the first of three paths that takes it whole; all
// three give the same values and errors (tests compare them on random and
// fuzzed input):
//
//   - the block path (block.go): for clean input (strict quoting, no
//     Comment, no ragged record, no line break inside a quoted field);
//   - the fused path (fused.go): one pass per chunk for clean input the
//     block path gave up on;
//   - the general path (general.go): the tokenizer and column builders,
//     for everything (ragged records, comments, lazy quotes, errors).
//
// A chunk of clean input is first given to the block path: masks
// of quotes, delimiters and line ends per 64-byte block (AVX2 assembly on
// amd64 CPUs that have it), quoted bytes found by a prefix XOR of the quote
// mask and the quoting rules checked on whole masks, field boundaries taken
// from the masks, and then each projected column of 8 KiB of input converted
// in its own tight loop. Failing that, it is parsed by the fused path, one
// pass that tokenizes each record and converts every projected field straight into exact-size typed slices, which the chunk's
// columns adopt without copying; short plain numbers are read 8 bytes at a
// time. Any other field takes the same rules and parse functions as the
// general path, and any chunk the fused path cannot take whole (a ragged
// record, a quoting or type error) is parsed again by the general path, so
// values and errors are the same either way.
//
// # Collect mode
//
// [Collect] (readers.ReadFile) has the workers write the Int64, Float64,
// Date and Datetime values of every chunk straight into whole-file arrays
// (sized from the file size), which become the result's columns without a
// final copy, and likewise the codes of dictionary-encoded String columns;
// plain String columns are copied into whole-file buffers (sized from
// the inference sample) as the chunks arrive, and each chunk's string
// buffers go back to the workers for the next chunks, so pages are reused
// rather than freshly faulted in; other columns are concatenated column by
// column, each column's chunks released as it is built. The engine never
// changes process-wide settings (GC percentage, memory limit); readers.TuneGC
// is the opt-in a command may call.
//
// # Test hooks
//
// Config.tune (unexported, set only by this package's tests) switches paths
// off or forces them and shrinks internal sizes per read, so tests run in
// parallel; Stats.Chunks and Stats.Collected count what each read did.
package csv
