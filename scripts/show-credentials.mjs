// Prints .data/demo-credentials.json (design §5) as readable tables. Used by ./run.
// Usage: node scripts/show-credentials.mjs <file> [baseUrl]
import { readFileSync } from "node:fs";

const [file, fallbackUrl] = process.argv.slice(2);
const demo = JSON.parse(readFileSync(file, "utf8"));

// East Asian wide characters take two terminal columns, so Chinese organization names still line up.
const width = (text) => [...text].reduce((n, ch) => n + (/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(ch) ? 2 : 1), 0);
const pad = (text, n) => text + " ".repeat(Math.max(0, n - width(text)));

function table(title, columns, rows) {
  if (!rows.length) return;
  const cells = rows.map((row) => columns.map(([key]) => String(row[key] ?? "")));
  const widths = columns.map(([, label], i) => Math.max(width(label), ...cells.map((c) => width(c[i]))));
  console.log(title);
  console.log("  " + columns.map(([, label], i) => pad(label, widths[i])).join("  ").trimEnd());
  console.log("  " + widths.map((w) => "-".repeat(w)).join("  "));
  for (const c of cells) console.log("  " + c.map((v, i) => pad(v, widths[i])).join("  ").trimEnd());
  console.log();
}

console.log(`Demo data (from ${file}; demo mode only, never in production):`);
console.log(`  server       ${demo.baseUrl ?? fallbackUrl ?? ""}`);
if (demo.adminToken) console.log(`  admin token  ${demo.adminToken}   (for the CLI: SHUQIAO_TOKEN=…)`);
console.log();
table("Console logins:", [["login", "login"], ["password", "password"], ["role", "role"], ["org", "organization"]], demo.users ?? []);
table("API clients (Authorization: ApiKey <key>):", [["org", "organization"], ["name", "client"], ["key", "key"]], demo.clients ?? []);
