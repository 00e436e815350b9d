import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const BOUNDARY =
  "The webmail speaks only protocols (IMAP, SMTP, the admin HTTP API): app/, components/, lib/user-agent/ " +
  "and lib/web/ must not import lib/mail-server/. See ARCHITECTURE.md, rule 1.";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["app/**", "components/**", "lib/user-agent/**", "lib/web/**"],
    rules: {
      // Catches the alias even when the target does not exist (yet), where a resolver would give up.
      "no-restricted-imports": ["error", { patterns: [{ regex: "^@/lib/mail-server(/|$)", message: BOUNDARY }] }],
      // Resolves every import, so relative paths are judged by where they land, not by how they are spelled.
      "import/no-restricted-paths": [
        "error",
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: ["./app", "./components", "./lib/user-agent", "./lib/web"],
              from: "./lib/mail-server",
              message: BOUNDARY,
            },
          ],
        },
      ],
    },
  },
  globalIgnores([".next/**", ".build/**", "out/**", "build/**", "next-env.d.ts", "lib/generated/**", "node_modules/**", "data/**", "playwright-report/**", "test-results/**"]),
]);
