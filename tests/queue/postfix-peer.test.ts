// A real foreign MTA as the receiving end of our queue: a private Postfix (tests/support/postfix.ts,
// maildir mode, with STARTTLS on a throwaway certificate and a 100 kB size limit) takes mail
// for pf.test from a.test's queue, reached through OUTBOUND_ROUTES. What it stored is read back
// from its Maildir. The other direction (Postfix relaying to our MX) is tests/smtp/postfix.test.ts.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostfix, type PostfixInstance } from "../support/postfix";
import { plainMessage, startDomainServer, submit, waitForLog, waitForReport, type DomainServer } from "../helpers/outbound";
import { waitFor } from "../helpers/smtp";

const canRunPostfix = process.getuid?.() === 0;
if (!canRunPostfix) console.warn("[postfix-peer] skipped: a private Postfix instance must be started as root");

/** A self-signed certificate for Postfix's smtpd; our client takes any (opportunistic TLS). */
function certificate(dir: string): { cert: string; key: string } {
  const [cert, key] = [path.join(dir, "cert.pem"), path.join(dir, "key.pem")];
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=postfix-peer.test", "-days", "1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  chmodSync(key, 0o600);
  return { cert, key };
}

describe.skipIf(!canRunPostfix)("delivery from our queue to a real Postfix", () => {
  /** pf.test's Postfix offers CHUNKING (our client sends BDAT); pfdata.test's hides it (DATA, dot-stuffed). */
  let postfix: PostfixInstance;
  let dataPostfix: PostfixInstance;
  let a: DomainServer;
  let certDir: string;

  beforeAll(async () => {
    certDir = mkdtempSync(path.join(tmpdir(), "postfix-peer-cert-"));
    const { cert, key } = certificate(certDir);
    const tls = { smtpd_tls_security_level: "may", smtpd_tls_cert_file: cert, smtpd_tls_key_file: key, smtpd_tls_loglevel: "1", smtpd_tls_received_header: "yes" };
    [postfix, dataPostfix] = await Promise.all([
      startPostfix({ mode: "maildir", domain: "pf.test", hostname: "postfix-peer.test", extra: { ...tls, message_size_limit: "100000" } }),
      startPostfix({ mode: "maildir", domain: "pfdata.test", hostname: "postfix-data.test", extra: { ...tls, smtpd_discard_ehlo_keywords: "chunking" } }),
    ]);
    const routes = `pf.test=127.0.0.1:${postfix.port},elsewhere.test=127.0.0.1:${postfix.port},pfdata.test=127.0.0.1:${dataPostfix.port}`;
    a = await startDomainServer("a.test", { env: { OUTBOUND_ROUTES: routes } });
    await a.user("alice");
  });
  afterAll(async () => {
    await a?.cleanup();
    await Promise.all([postfix?.stop(), dataPostfix?.stop()]);
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it.each([
    ["pf.test", "bdat"],
    ["pfdata.test", "data"],
  ] as const)("delivers to %s over STARTTLS, two recipients in one transaction (%s), 8-bit body and leading dots intact", async (domain, command) => {
    const peer = domain === "pf.test" ? postfix : dataPostfix;
    const [one, two] = [`one@${domain}`, `two@${domain}`];
    const body = "Grüße an Postfix — ½ €\r\n.a line with a leading dot\r\n..two dots\r\n.\r\nlast line";
    const info = await submit(a.submissionPort, "alice@a.test", { from: "alice@a.test", to: [one, two] }, plainMessage(`to ${domain}`, "alice@a.test", `${one}, ${two}`, body));
    expect(info.response).toMatch(/^250 /);
    const escaped = domain.replace(/\./g, "\\.");
    await waitForLog(a, new RegExp(`<one@${escaped}> delivered via 127\\.0\\.0\\.1:${peer.port}: 250 2\\.0\\.0 Ok: .*queued as \\w+`), 15_000);
    await waitForLog(a, new RegExp(`<two@${escaped}> delivered`), 15_000);
    const files = await waitFor(() => (peer.delivered().length === 2 ? peer.delivered() : undefined), 15_000, "Postfix to store both copies");
    const copies = files.map((file) => readFileSync(path.join(peer.maildir, "new", file), "utf8"));
    expect(copies.map((c) => /^Delivered-To: (\S+)$/m.exec(c)?.[1]).sort()).toEqual([one, two]);
    for (const copy of copies) {
      expect(copy).toMatch(/^Return-Path: <alice@a\.test>$/m);
      // Postfix's Received header says TLS was used (ESMTPS) and that it came from our EHLO name.
      expect(copy).toMatch(/Received: from mx\.a\.test \(unknown \[127\.0\.0\.1\]\)[\s\S]*?with ESMTPS/);
      // The Maildir has LF line ends; the body is byte for byte what alice wrote.
      expect(copy.replace(/\n/g, "\r\n")).toContain(`\r\n\r\n${body}\r\n`);
    }
    // Both recipients in one transaction: one queue ID at Postfix.
    const queuedAs = a.logs.filter((l) => new RegExp(`<(one|two)@${escaped}> delivered`).test(l)).map((l) => /queued as (\w+)/.exec(l)?.[1]);
    expect(new Set(queuedAs).size).toBe(1);
    const maillog = readFileSync(peer.maillog, "utf8");
    expect(maillog).toMatch(/TLS connection established from unknown\[127\.0\.0\.1\]/);
    expect(maillog).toMatch(new RegExp(`disconnect from unknown\\[127\\.0\\.0\\.1\\] ehlo=2 starttls=1 mail=1 rcpt=2 ${command}=1 quit=1`));
  });

  it("bounces with Postfix's own answer when it refuses to relay", async () => {
    await submit(a.submissionPort, "alice@a.test", { from: "alice@a.test", to: ["someone@elsewhere.test"] }, plainMessage("relay denied", "alice@a.test", "someone@elsewhere.test"));
    const report = await waitForReport(a, "alice@a.test", "someone@elsewhere.test", 15_000);
    expect(report).toContain("Status: 5.7.1");
    expect(report).toMatch(/Diagnostic-Code: smtp; 554 5\.7\.1 <someone@elsewhere\.test>: Relay access denied/);
  });

  it("bounces a message above Postfix's advertised SIZE with 5.3.4, without sending it", async () => {
    const before = postfix.delivered().length;
    const big = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n".repeat(2000);
    await submit(a.submissionPort, "alice@a.test", { from: "alice@a.test", to: ["big@pf.test"] }, plainMessage("too big", "alice@a.test", "big@pf.test", big));
    const report = await waitForReport(a, "alice@a.test", "big@pf.test", 15_000);
    expect(report).toContain("Status: 5.3.4");
    expect(report).toMatch(/exceeds the remote server's limit of 100000 bytes/);
    expect(postfix.delivered().length).toBe(before);
    expect(await postfix.queued()).toEqual([]);
  });
});
