// Package companygen makes sluice's company-name generator
// (internal/gen/companygen, which `sluice gen companies` uses) available to
// notebooks: Go's internal-package rule keeps a notebook cell, which is its
// own main package, from importing it directly.
package companygen

import gen "github.com/sluicedata/sluice/internal/gen/companygen"

// Company is one haystack row: an id and a name.
type Company = gen.Company

// Needle is a name to match and the haystack id it was derived from (0 when
// it was made up and has no source).
type Needle = gen.Needle

// Haystack returns n companies with ids 1..n, deterministic for seed.
func Haystack(n int, seed uint64) []Company { return gen.Haystack(n, seed) }

// Needles returns n needles with ids 1..n: a fraction matched of them are
// perturbed copies of random haystack names carrying that name's id as
// SourceID; the others are fresh names with SourceID 0.
func Needles(hay []Company, n int, matched float64, seed uint64) []Needle {
	return gen.Needles(hay, n, matched, seed)
}
