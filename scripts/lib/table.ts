// A plain-text table for the benchmarks' output.
export function table(title: string, head: string[], rows: Array<Array<string | number>>): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  console.log(`\n${title}`);
  for (const [n, r] of cells.entries()) {
    console.log(
      "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "),
    );
    if (n === 0) console.log("  " + widths.map((w) => "-".repeat(w)).join("  "));
  }
}
