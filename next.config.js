// CommonJS because package.json has no "type": "module" and Next loads this file with require().

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native addons and the mail libraries must be required at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "imapflow", "mailparser", "nodemailer", "argon2", "@prisma/client", "pg", "jsdom", "dompurify"],
  // Without this Turbopack guesses the workspace root from the nearest lockfile it finds above.
  turbopack: { root: __dirname },
  // Type-check only the webmail: work in progress on the mail server must not stop the web build.
  typescript: { tsconfigPath: "tsconfig.web.json" },
};

module.exports = nextConfig;
