// How every command of the contract stops on a bad start: one line naming what is wrong.
import { ConfigError } from "@/lib/config";

export function failAndExit(error: unknown, prefix = "error"): never {
  if (error instanceof ConfigError) console.error(`${prefix}: ${error.message}`);
  else if (error instanceof Error) console.error(`${prefix}: ${error.message}`);
  else console.error(`${prefix}: ${String(error)}`);
  process.exit(1);
}
