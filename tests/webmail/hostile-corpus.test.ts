// The hostile corpus through the sanitiser alone (the e2e test takes it through the whole webmail in
// Chromium): nothing executable survives, and nothing points at the remote host until it is allowed.
import { describe, expect, it, vi } from "vitest";
import { buildHostileCorpus } from "@/tests/fixtures/hostile/corpus";

vi.mock("server-only", () => ({}));
const { sanitizeMailHtml } = await import("@/lib/user-agent/html/sanitize");

const REMOTE = "http://127.0.0.1:9";
const corpus = buildHostileCorpus(REMOTE, "victim@example.test");

function htmlBody(raw: string): string | null {
  const [head, ...rest] = raw.split("\r\n\r\n");
  return /content-type: text\/html/i.test(head) ? rest.join("\r\n\r\n") : null;
}

describe("hostile corpus", () => {
  it("has at least 40 messages with unique ids", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((m) => m.id)).size).toBe(corpus.length);
  });

  for (const message of corpus) {
    const body = htmlBody(message.raw);
    if (body === null) continue;
    it(`${message.id} ${message.title}: nothing runs, nothing remote`, () => {
      const { html } = sanitizeMailHtml(body, { allowRemoteContent: false });
      expect(html).not.toMatch(/<(script|iframe|object|embed|base|meta|link|form|input|svg|math|frame|portal|template|noscript)\b/i);
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/javascript:|vbscript:|data:text|expression\(/i);
      // Links may point anywhere (they load only when clicked, in a new tab); nothing else may.
      const loading = html.replace(/\shref="[^"]*"/g, "").replace(/>[^<]*(?=<|$)/g, ">");
      expect(loading).not.toContain("127.0.0.1:9");
      expect(loading).not.toContain("/api/mail");
      // DOM clobbering: no id or name that becomes a window property the test (or a page script) trusts.
      expect(html).not.toMatch(/\s(?:id|name)="(?:__pwned|location)"/);
    });
  }
});
