// W1 (../../../shared/examples/w1-features.yaml) with Polars (nodejs-polars),
// for bench/w1.sh: node w1-polars.js DATA_DIR OUT.csv
//
// The lazy engine reads only the columns it needs; the OES numbers are read
// as text and converted the way the spec's reader options say: surrounding
// spaces and thousands separators removed, anything else that is not a
// number ("*", "#", "**") null.
const pl = require("nodejs-polars");

async function main() {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) {
    throw new Error("usage: node w1-polars.js DATA_DIR OUT.csv");
  }
  const num = ["tot_emp", "a_mean", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"];
  const text = { inferSchemaLength: 0 }; // every column as text
  const work = pl.scanCSV(`${dir}/titles_states.csv`, text);
  const related = pl.scanCSV(`${dir}/related_titles.csv`);
  const codes = pl.scanCSV(`${dir}/codes.csv`, text);
  const oes = pl
    .scanCSV(`${dir}/oes.csv`, text)
    .select("area_title", "occ_code", ...num)
    .withColumns(
      ...num.map((c) => pl.col(c).str.strip().str.replaceAll(",", "", true).cast(pl.Float64, false).alias(c)),
    );
  const close = related.filter(pl.col("score").gt(80)).select("title", "related_title");
  const workClose = work.join(close, { on: "title" });
  const pairCodes = workClose
    .join(codes, { leftOn: "related_title", rightOn: "title" })
    .select("title", "state", "code")
    .unique();
  const matched = pairCodes.join(oes, { leftOn: ["code", "state"], rightOn: ["occ_code", "area_title"] });
  const medians = matched.groupBy(["title", "state"]).agg(...num.map((c) => pl.col(c).median().alias(c)));
  const features = work.join(medians, { on: ["title", "state"], how: "left" });
  const df = await features.collect();
  df.writeCSV(out);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
