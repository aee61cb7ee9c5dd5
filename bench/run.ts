// `npm run bench -- NAME [args]`: runs bench/NAME.ts, which prints one JSON object per line.
import { readdirSync } from "node:fs";

const name = process.argv[2];
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "report.ts"].includes(f))
  .map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME   (NAME is one of: ${available.join(", ")})\n`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { main(args: string[]): Promise<void> };
await mod.main(process.argv.slice(3));
