// Counts the results of ./test's suites. Used by ./test only.
//   node scripts/test-report.mjs suite <resultsDir> <dotnet|script> <name> <exitCode> <seconds> [filtered]
//     reads <name>.trx (dotnet) or the last "N passed, N failed[, N skipped]" line of <name>.log (script),
//     writes <name>.result.json and prints one line (plus the failures, or the log's tail if it crashed);
//   node scripts/test-report.mjs total <resultsDir>
//     sums the suites and prints the final line "tests: N passed, N failed, N skipped"; exits 1 when a test
//     failed, a suite crashed or nothing ran.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [mode, dir, ...rest] = process.argv.slice(2);

const decode = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d))).replace(/&amp;/g, "&");

const attributes = (tag) => Object.fromEntries([...tag.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decode(m[2])]));

function readTrx(file) {
  const xml = readFileSync(file, "utf8");
  const counters = attributes(xml.match(/<Counters\b[^>]*>/)?.[0] ?? "");
  const n = (k) => Number(counters[k] ?? 0);
  const failures = [];
  // Passed tests are usually self-closing elements; only the others have a body with the error.
  for (const m of xml.matchAll(/<UnitTestResult\b([^>]*?)(?:\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
    const a = attributes(m[1]);
    if (a.outcome !== "Failed" && a.outcome !== "Error" && a.outcome !== "Timeout" && a.outcome !== "Aborted") continue;
    const body = m[2] ?? "";
    const message = decode(body.match(/<Message>([\s\S]*?)<\/Message>/)?.[1] ?? "");
    const stack = decode(body.match(/<StackTrace>([\s\S]*?)<\/StackTrace>/)?.[1] ?? "");
    const where = stack.split("\n").find((l) => /\.cs:line \d+/.test(l))?.trim() ?? "";
    failures.push({ test: a.testName, message: message.trim(), where });
  }
  return {
    passed: n("passed"),
    failed: n("failed") + n("error") + n("timeout") + n("aborted"),
    skipped: n("notExecuted") + n("inconclusive") + n("notRunnable"),
    total: n("total"),
    failures,
  };
}

function readScriptLog(file) {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split(/\r?\n/) : [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = lines[i].trim().match(/^(?:[\w-]+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/);
    if (m) {
      const [passed, failed, skipped] = [m[1], m[2], m[3] ?? "0"].map(Number);
      return { passed, failed, skipped, total: passed + failed + skipped, failures: [] };
    }
  }
  return null;
}

const tail = (file, n) => (existsSync(file) ? readFileSync(file, "utf8").trimEnd().split(/\r?\n/).slice(-n) : []);

function suite([kind, name, exitCode, seconds, filtered]) {
  const code = Number(exitCode);
  const log = join(dir, `${name}.log`);
  const trx = join(dir, `${name}.trx`);
  let counts = kind === "dotnet" ? (existsSync(trx) ? readTrx(trx) : null) : readScriptLog(log);
  let crash = null;
  if (code === 124 || code === 137) crash = `timed out (SHUQIAO_SUITE_TIMEOUT)`;
  else if (!counts && code === 0 && filtered) counts = { passed: 0, failed: 0, skipped: 0, total: 0, failures: [] };
  else if (!counts) crash = kind === "dotnet" ? `no TRX file (exit code ${code})` : `no "N passed, N failed" line (exit code ${code})`;
  else if (code !== 0 && counts.failed === 0) crash = `exit code ${code} without a failed test`;
  else if (counts.total === 0 && !filtered) crash = "ran no test";
  counts ??= { passed: 0, failed: 0, skipped: 0, total: 0, failures: [] };

  const result = { name, kind, code, seconds: Number(seconds), crash, ...counts };
  writeFileSync(join(dir, `${name}.result.json`), JSON.stringify(result, null, 2));

  const ok = !crash && counts.failed === 0;
  let out = `  ${ok ? "ok  " : "FAIL"} ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds} s)${crash ? ` — crashed: ${crash}` : ""}\n`;
  for (const f of counts.failures.slice(0, 20)) {
    out += `       ✗ ${f.test}\n`;
    for (const line of f.message.split("\n").slice(0, 6)) out += `           ${line}\n`;
    if (f.where) out += `           ${f.where}\n`;
  }
  if (counts.failures.length > 20) out += `       … and ${counts.failures.length - 20} more (see .test-results/${name}.trx)\n`;
  if (crash || (counts.failed > 0 && counts.failures.length === 0)) {
    out += `       last lines of .test-results/${name}.log:\n`;
    for (const line of tail(log, 30)) out += `       | ${line}\n`;
  }
  process.stdout.write(out);
}

function total() {
  const results = readdirSync(dir).filter((f) => f.endsWith(".result.json")).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
  const sum = (k) => results.reduce((n, r) => n + r[k], 0);
  const crashed = results.filter((r) => r.crash);
  const passed = sum("passed");
  const skipped = sum("skipped");
  // A crashed suite counts as one failure, so the line agrees with the exit code.
  const failed = sum("failed") + crashed.length;
  if (crashed.length) console.log(`${crashed.length} suite(s) crashed: ${crashed.map((r) => r.name).join(", ")} (counted as failures)`);
  if (passed + failed === 0) console.log("nothing ran");
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

if (mode === "suite") suite(rest);
else if (mode === "total") total();
else {
  console.error("usage: test-report.mjs suite|total <dir> …");
  process.exit(2);
}
