// W1 (../../../shared/examples/w1-features.yaml) with DuckDB
// (@duckdb/node-api), for bench/w1.sh: node w1-duckdb.js DATA_DIR OUT.csv [TEMP_DIR]
//
// One SQL statement, COPY … TO the output. The OES numbers are read as text
// and converted the way the spec's reader options say: surrounding spaces
// and thousands separators removed, anything else that is not a number
// ("*", "#", "**") null. DuckDB's own defaults otherwise (threads = cores,
// memory_limit = 80% of RAM), spilling to TEMP_DIR.
const { DuckDBInstance } = require("@duckdb/node-api");

function sqlString(s) {
  return "'" + s.replaceAll("'", "''") + "'";
}

async function main() {
  const [dir, out, tmp] = process.argv.slice(2);
  if (!dir || !out) {
    throw new Error("usage: node w1-duckdb.js DATA_DIR OUT.csv [TEMP_DIR]");
  }
  const num = ["tot_emp", "a_mean", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"];
  const f = (name) => sqlString(`${dir}/${name}`);
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  if (tmp) {
    await con.run(`SET temp_directory = ${sqlString(tmp)}`);
  }
  const sql = `
COPY (
  WITH work AS (SELECT title, state FROM read_csv(${f("titles_states.csv")}, header = true, all_varchar = true)),
  close AS (
    SELECT title, related_title FROM read_csv(${f("related_titles.csv")}, header = true)
    WHERE score > 80),
  codes AS (SELECT code, title FROM read_csv(${f("codes.csv")}, header = true, all_varchar = true)),
  oes AS (
    SELECT area_title, occ_code,
      ${num.map((c) => `TRY_CAST(replace(trim(${c}), ',', '') AS DOUBLE) AS ${c}`).join(",\n      ")}
    FROM read_csv(${f("oes.csv")}, header = true, all_varchar = true)),
  pair_codes AS (
    SELECT DISTINCT wc.title, wc.state, c.code
    FROM (SELECT w.title, w.state, cl.related_title FROM work w JOIN close cl ON w.title = cl.title) wc
    JOIN codes c ON wc.related_title = c.title),
  medians AS (
    SELECT p.title, p.state, ${num.map((c) => `median(o.${c}) AS ${c}`).join(", ")}
    FROM pair_codes p JOIN oes o ON p.code = o.occ_code AND p.state = o.area_title
    GROUP BY p.title, p.state)
  SELECT w.title, w.state, ${num.map((c) => `m.${c}`).join(", ")}
  FROM work w LEFT JOIN medians m ON w.title = m.title AND w.state = m.state
) TO ${sqlString(out)} (HEADER, DELIMITER ',')`;
  await con.run(sql);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
