// External sort of a CSV by (occ_code, area_title) with DuckDB, for the
// comparison in bench/ooc/README.md (issue 15):
//   NODE_PATH=/tmp/sluice-bench/w1ref/node_modules node bench/ooc/sort-duckdb.js IN.csv OUT.csv TEMP_DIR [MEMORY_LIMIT]
// Every column read as text (as `sluice sort --raw` would), memory_limit
// '1GB' by default, threads = cores, spilling to TEMP_DIR.
const { DuckDBInstance } = require("@duckdb/node-api");

const q = (s) => "'" + s.replaceAll("'", "''") + "'";

async function main() {
  const [input, out, tmp, limit] = process.argv.slice(2);
  if (!input || !out || !tmp) {
    throw new Error("usage: node sort-duckdb.js IN.csv OUT.csv TEMP_DIR [MEMORY_LIMIT]");
  }
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  await con.run(`SET temp_directory = ${q(tmp)}`);
  await con.run(`SET memory_limit = ${q(limit || "1GB")}`);
  const t0 = Date.now();
  await con.run(`COPY (SELECT * FROM read_csv(${q(input)}, header = true, all_varchar = true)
    ORDER BY occ_code, area_title) TO ${q(out)} (HEADER, DELIMITER ',')`);
  console.error(`duckdb: sorted ${input} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
