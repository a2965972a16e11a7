// Package companygen generates deterministic, realistic company-name data
// for the W2 fuzzy-matching workload (see WORKLOADS.md): a haystack of
// distinct-looking names and needles that are perturbed copies of haystack
// names (typos, word swaps, abbreviations, changed legal suffixes, "&" for
// "and", punctuation and case changes) with the id of the name they came
// from, so tests and benchmarks can measure recall.
//
// Two vocabularies: [Large] (the default) invents brand words from
// syllables, so most words are rare and names are nearly all distinct;
// [Small] builds names the way fake-data libraries do ("Smith, Jones and
// Brown", "Miller-Davis", "Walker Group"), from about a thousand surnames
// and a few connectors and suffixes, so every word is held by thousands of
// names, index postings are long, and names repeat and tie.
//
// The same arguments always give the same names.
package companygen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Company is one haystack row.
type Company struct {
	ID   int64
	Name string
}

// Needle is a name to match and the haystack id it was derived from (0 when
// it was made up and has no source).
type Needle struct {
	ID       int64
	Name     string
	SourceID int64
}

var (
	syllables  = strings.Fields(`ac al am an ar as at ba be bi bo bra bri ca ce ci co cor cra cu da de di do dra du el em en er ex fa fe fi fo fra ga ge gi go gra ha he hi ho ka ki ko la le li lo lu ma me mi mo mu na ne ni no nu ol om on or pa pe pi po pra qu ra re ri ro ru sa se si so sta su ta te ti to tra tu ul un ur va ve vi vo xa xi ya yo za ze zo`)
	surnames   = strings.Fields(`Smith Johnson Williams Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson Taylor Thomas Hernandez Moore Martin Jackson Thompson White Lopez Lee Gonzalez Harris Clark Lewis Robinson Walker Perez Hall Young Allen Sanchez Wright King Scott Green Baker Adams Nelson Hill Ramirez Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Flores Morris Nguyen Murphy Rivera Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks Bennett Gray James Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell Sullivan Russell Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman Simmons Patterson Jordan Reynolds Hamilton Graham Kim Gonzales Alexander Ramos Wallace Griffin West Cole Hayes Chavez Gibson Bryant Ellis Stevens Murray Ford Marshall Owens McDonald Harrison Ruiz Kennedy Wells Alvarez Woods Mendoza Castillo Olson Webb Washington Tucker Freeman Burns Henry Vasquez Snyder Simpson Crawford Jimenez Porter Mason Shaw Gordon Wagner Hunter Romero Hicks Dixon Hunt Palmer Robertson Black Holmes Stone Meyer Boyd Mills Warren Fox Rose Rice Moreno Schmidt Patel Ferguson Nichols Herrera Medina Ryan Fernandez Weaver Daniels Stephens Gardner Payne Kelley Dunn Pierce Arnold Tran Spencer Peters Hawkins Grant Hansen Castro Hoffman Hart Elliott Cunningham Knight Bradley Müller Schäfer Søren`)
	adjectives = strings.Fields(`Global United National American Pacific Atlantic Northern Southern Eastern Western Central Advanced Premier First Golden Silver Blue Green Red Royal Summit Pinnacle Apex Prime Allied Integrated Dynamic Strategic Modern Classic Superior Reliable Precision Universal General Coastal Mountain Valley River Lake Metro Urban Rural Heritage Liberty Pioneer Frontier Evergreen Sunrise Sunset Bright Clear Smart Rapid Swift Solid Trusted Quality Standard Direct`)
	industries = strings.Fields(`Technologies Systems Solutions Services Consulting Logistics Manufacturing Industries Holdings Group Partners Associates Enterprises Capital Investments Financial Insurance Realty Properties Construction Engineering Energy Foods Farms Pharmaceuticals Medical Healthcare Labs Software Networks Communications Media Marketing Design Apparel Motors Transport Shipping Trading Supply Distribution Electric Plumbing Roofing Builders Hospitality Restaurants Bakery Brewing Chemicals Plastics Metals Steel Textiles Printing Publishing Education Security Staffing Analytics Robotics Aerospace Marine Mining Oil Gas Water Power Environmental Waste Recycling Packaging Furniture Electronics Instruments Devices Biotech Genomics Dental Vision Auto Tools Equipment`)
	suffixes   = []string{"Inc", "Inc.", "LLC", "Ltd", "Ltd.", "Corp", "Corporation", "Co", "Company", "GmbH", "LLP", "PLC", "Incorporated", "Limited", "AG", "SA", "LP", "Group", ""}
	// equivalents are swaps that real data shows between records of one company.
	equivalents = [][2]string{
		{"Inc", "Incorporated"}, {"Inc.", "Inc"}, {"Corp", "Corporation"}, {"Ltd", "Limited"}, {"Ltd.", "Ltd"},
		{"Co", "Company"}, {"LLC", "L.L.C."}, {"&", "and"}, {"International", "Intl"}, {"Manufacturing", "Mfg"},
		{"Technologies", "Tech"}, {"Services", "Svcs"}, {"Associates", "Assoc"}, {"Brothers", "Bros"},
		{"Engineering", "Eng"}, {"Systems", "Sys"}, {"Company", "Co."}, {"Corporation", "Corp."},
	}
)

// brand returns an invented word of 2 or 3 syllables, capitalised.
func brand(r *rand.Rand) string {
	n := 2 + r.IntN(2)
	var sb strings.Builder
	for range n {
		sb.WriteString(syllables[r.IntN(len(syllables))])
	}
	w := sb.String()
	return strings.ToUpper(w[:1]) + w[1:]
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// Name returns one random company name.
func Name(r *rand.Rand) string {
	var parts []string
	switch r.IntN(8) {
	case 0: // "Smith & Jones Plumbing LLC"
		parts = []string{pick(r, surnames), "&", pick(r, surnames), pick(r, industries)}
	case 1: // "Smith Brothers Roofing"
		parts = []string{pick(r, surnames), "Brothers", pick(r, industries)}
	case 2: // "Global Kalora Systems"
		parts = []string{pick(r, adjectives), brand(r), pick(r, industries)}
	case 3: // "Kalora"
		parts = []string{brand(r)}
	case 4: // "Kalora Vintu International"
		parts = []string{brand(r), brand(r), "International"}
	case 5: // "Pacific Miller Manufacturing"
		parts = []string{pick(r, adjectives), pick(r, surnames), pick(r, industries)}
	default: // "Kalora Analytics"
		parts = []string{brand(r), pick(r, industries)}
	}
	if s := pick(r, suffixes); s != "" && r.IntN(4) != 0 {
		if r.IntN(6) == 0 {
			parts[len(parts)-1] += ","
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// Vocab selects a vocabulary (see the package documentation).
type Vocab uint8

const (
	// Large invents brand words from syllables: few names share a word.
	Large Vocab = iota
	// Small draws every word from about a thousand surnames, a few
	// connectors and legal suffixes: long posting lists, many ties.
	Small
)

// ParseVocab returns the vocabulary named s: "large" or "small".
func ParseVocab(s string) (Vocab, bool) {
	switch s {
	case "large", "":
		return Large, true
	case "small":
		return Small, true
	}
	return 0, false
}

// smallSurnames is the Small vocabulary's surname list: the surnames above
// and invented ones, about a thousand, fixed whatever the seed.
var smallSurnames = func() []string {
	out := append([]string(nil), surnames...)
	r := rand.New(rand.NewPCG(42, 42))
	seen := map[string]bool{}
	for _, s := range out {
		seen[s] = true
	}
	for len(out) < 1000 {
		w := brand(r)
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}()

var smallSuffixes = []string{"Inc", "LLC", "Ltd", "Group", "PLC", "and Sons", "Co", "Corp"}

// SmallName returns one random company name of the Small vocabulary.
func SmallName(r *rand.Rand) string {
	last := func() string { return pick(r, smallSurnames) }
	switch r.IntN(4) {
	case 0: // "Smith, Jones and Brown"
		return last() + ", " + last() + " and " + last()
	case 1: // "Miller-Davis"
		return last() + "-" + last()
	case 2: // "Walker Group"
		return last() + " " + pick(r, smallSuffixes)
	default: // "Taylor, Moore and Jackson Inc"
		return last() + ", " + last() + " and " + last() + " " + pick(r, smallSuffixes)
	}
}

// Haystack returns n companies with ids 1..n, from the Large vocabulary.
func Haystack(n int, seed uint64) []Company { return HaystackVocab(n, seed, Large) }

// HaystackVocab returns n companies with ids 1..n from vocabulary v.
func HaystackVocab(n int, seed uint64, v Vocab) []Company {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	name := Name
	if v == Small {
		name = SmallName
	}
	out := make([]Company, n)
	for i := range out {
		out[i] = Company{ID: int64(i + 1), Name: name(r)}
	}
	return out
}

// Perturb returns a plausible other spelling of name: one to three edits
// among a typo (drop, double, swap or replace a letter), a word swap, an
// abbreviation or expansion, a changed or dropped legal suffix, "&"/"and",
// and case or punctuation changes.
func Perturb(r *rand.Rand, name string) string {
	words := strings.Fields(name)
	edits := 1 + r.IntN(3)
	for range edits {
		if len(words) == 0 {
			break
		}
		switch r.IntN(7) {
		case 0, 1: // typo in one word
			k := r.IntN(len(words))
			words[k] = typo(r, words[k])
		case 2: // swap two adjacent words
			if len(words) > 1 {
				k := r.IntN(len(words) - 1)
				words[k], words[k+1] = words[k+1], words[k]
			}
		case 3: // abbreviation, expansion, & ↔ and
			for _, k := range r.Perm(len(words)) {
				if w, ok := swapEquivalent(r, words[k]); ok {
					words[k] = w
					break
				}
			}
		case 4: // change or drop the legal suffix
			last := strings.TrimSuffix(words[len(words)-1], ",")
			if isSuffix(last) && len(words) > 1 {
				if r.IntN(2) == 0 {
					words = words[:len(words)-1]
				} else {
					words[len(words)-1] = pick(r, suffixes[:len(suffixes)-1])
				}
			} else {
				words = append(words, pick(r, suffixes[:len(suffixes)-1]))
			}
		case 5: // case
			if r.IntN(2) == 0 {
				return strings.ToUpper(strings.Join(words, " "))
			}
			k := r.IntN(len(words))
			words[k] = strings.ToLower(words[k])
		case 6: // punctuation
			k := r.IntN(len(words))
			if strings.HasSuffix(words[k], ".") || strings.HasSuffix(words[k], ",") {
				words[k] = words[k][:len(words[k])-1]
			} else {
				words[k] += pick(r, []string{".", ",", "-"})
			}
		}
	}
	return strings.Join(words, " ")
}

func isSuffix(w string) bool {
	for _, s := range suffixes {
		if s != "" && strings.EqualFold(w, s) {
			return true
		}
	}
	return false
}

func swapEquivalent(r *rand.Rand, w string) (string, bool) {
	for _, i := range r.Perm(len(equivalents)) {
		e := equivalents[i]
		if w == e[0] {
			return e[1], true
		}
		if w == e[1] {
			return e[0], true
		}
	}
	return w, false
}

func typo(r *rand.Rand, w string) string {
	rs := []rune(w)
	if len(rs) < 3 {
		return w
	}
	i := 1 + r.IntN(len(rs)-2)
	switch r.IntN(4) {
	case 0:
		rs = append(rs[:i], rs[i+1:]...)
	case 1:
		rs = append(rs[:i+1], rs[i:]...)
	case 2:
		rs[i], rs[i+1] = rs[i+1], rs[i]
	default:
		rs[i] = rune("abcdefghijklmnopqrstuvwxyz"[r.IntN(26)])
	}
	return string(rs)
}

// Needles returns n needles with ids 1..n: a fraction matched of them
// (between 0 and 1) are perturbed copies of random haystack names and carry
// that name's id as SourceID; the others are fresh names (Large
// vocabulary) with SourceID 0.
func Needles(hay []Company, n int, matched float64, seed uint64) []Needle {
	return NeedlesVocab(hay, n, matched, seed, Large)
}

// NeedlesVocab is Needles with fresh names from vocabulary v.
func NeedlesVocab(hay []Company, n int, matched float64, seed uint64, v Vocab) []Needle {
	r := rand.New(rand.NewPCG(seed, 0x4eed1e))
	name := Name
	if v == Small {
		name = SmallName
	}
	out := make([]Needle, n)
	for i := range out {
		if len(hay) > 0 && r.Float64() < matched {
			src := hay[r.IntN(len(hay))]
			out[i] = Needle{ID: int64(i + 1), Name: Perturb(r, src.Name), SourceID: src.ID}
		} else {
			out[i] = Needle{ID: int64(i + 1), Name: name(r)}
		}
	}
	return out
}

// WriteHaystackCSV writes the companies as CSV with the header id,name.
func WriteHaystackCSV(w io.Writer, cs []Company) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("id,name\n")
	var line []byte
	for _, c := range cs {
		line = strconv.AppendInt(line[:0], c.ID, 10)
		line = append(line, ',')
		line = appendCSV(line, c.Name)
		line = append(line, '\n')
		bw.Write(line)
	}
	return bw.Flush()
}

// WriteNeedlesCSV writes needles as CSV with the header id,name,source_id
// (source_id empty when the needle has no source).
func WriteNeedlesCSV(w io.Writer, ns []Needle) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("id,name,source_id\n")
	var line []byte
	for _, n := range ns {
		line = strconv.AppendInt(line[:0], n.ID, 10)
		line = append(line, ',')
		line = appendCSV(line, n.Name)
		line = append(line, ',')
		if n.SourceID != 0 {
			line = strconv.AppendInt(line, n.SourceID, 10)
		}
		line = append(line, '\n')
		bw.Write(line)
	}
	return bw.Flush()
}

func appendCSV(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\n\r") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
