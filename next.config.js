// CommonJS because package.json has no "type": "module" and Next loads this file with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports -- this file is CommonJS, as said above
const createNextIntlPlugin = require("next-intl/plugin");

// The language of each request and its messages (no locale in the URL: the cookie or Accept-Language).
// The messages' ICU syntax is compiled at build time, so the browser gets no message parser.
const withNextIntl = createNextIntlPlugin({
  requestConfig: "./lib/web/i18n/request.ts",
  experimental: { messages: { path: "./messages", format: "json", locales: "infer", precompile: true } },
});

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
  // Client auto-configuration at the names clients ask for. app/ cannot hold them: Next does not route
  // folders whose names start with a dot, and paths are case-sensitive (Outlook capitalises).
  async rewrites() {
    return [
      { source: "/.well-known/autoconfig/mail/config-v1.1.xml", destination: "/mail/config-v1.1.xml" },
      { source: "/.well-known/mta-sts.txt", destination: "/mta-sts.txt" },
      { source: "/Autodiscover/Autodiscover.xml", destination: "/autodiscover/autodiscover.xml" },
    ];
  },
};

module.exports = withNextIntl(nextConfig);
