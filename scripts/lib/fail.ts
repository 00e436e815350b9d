// How every command of the contract stops on a bad start: one line naming what is wrong.
import { ConfigError } from "@/lib/config";

export function failAndExit(error: unknown, prefix = "error"): never {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  // One line, whatever the error (driver errors span several).
  console.error(`${prefix}: ${message.replace(/\s*\n\s*/g, " ").trim()}`);
  process.exit(1);
}
