// The webmail's reading of delivery reports: the message/delivery-status parser against real
// shapes (ours, Postfix's, Exchange-like) and hostile ones (huge, endless, binary, forged), the
// MIME side through mailparser (returned message or header, truncated reports), and the matching
// of reports to a sent message with each recipient's latest word.
import { describe, expect, it } from "vitest";
import { buildReport } from "@/lib/mail-server/queue/reports";
import { parseDeliveryStatus } from "@/lib/user-agent/delivery/status-fields";
import { deliveryByRecipient, parseDeliveryReport, reportMatches, type DeliveryReport } from "@/lib/user-agent/delivery/report";

const POSTFIX_STATUS = [
  "Reporting-MTA: dns; mail.example.org",
  "X-Postfix-Queue-ID: 4B1C02A0E1",
  "X-Postfix-Sender: rfc822; alice@example.org",
  "Arrival-Date: Thu, 26 Nov 2026 20:00:00 +0000 (UTC)",
  "",
  "Final-Recipient: rfc822; nobody@b.test",
  "Original-Recipient: rfc822;nobody@b.test",
  "Action: failed",
  "Status: 5.1.1",
  "Remote-MTA: dns; mx.b.test",
  "Diagnostic-Code: smtp; 550 5.1.1 <nobody@b.test>: Recipient address rejected:",
  "    User unknown in virtual mailbox table",
  "",
].join("\r\n");

function report(status: string, returned = "Message-ID: <orig@a.test>\r\nSubject: Lunch\r\n", returnedType = "text/rfc822-headers", extra = "") {
  return Buffer.from(
    "From: MAILER-DAEMON@mx.a.test\r\nTo: alice@a.test\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n" +
      `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="b"\r\n\r\n` +
      `--b\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n${status}\r\n--b\r\nContent-Type: ${returnedType}\r\n\r\n${returned}\r\n--b--\r\n${extra}`,
  );
}

describe("message/delivery-status fields", () => {
  it("reads a Postfix bounce: folded diagnostic, typed values, the per-message group", () => {
    const fields = parseDeliveryStatus(POSTFIX_STATUS);
    expect(fields.reportingMta).toBe("mail.example.org");
    expect(fields.envelopeId).toBeNull();
    expect(fields.recipients).toEqual([
      {
        finalRecipient: "nobody@b.test",
        originalRecipient: "nobody@b.test",
        action: "failed",
        status: "5.1.1",
        remoteMta: "mx.b.test",
        diagnostic: "550 5.1.1 <nobody@b.test>: Recipient address rejected: User unknown in virtual mailbox table",
        lastAttempt: null,
        willRetryUntil: null,
      },
    ]);
  });

  it("takes any line ending, extra blank lines, comments, field names in any case, and angle-bracketed addresses", () => {
    const text = "original-envelope-id: ENV-1\r\rFINAL-RECIPIENT: RFC822; <Bob@B.test>\rACTION: Delayed (still trying)\rSTATUS: 4.4.1 (connection refused)\r\r\r\nFinal-Recipient: rfc822; c@b.test\nAction: delivered\nStatus: 2.0.0\n";
    const fields = parseDeliveryStatus(text);
    expect(fields.envelopeId).toBe("ENV-1");
    expect(fields.recipients.map((r) => [r.finalRecipient, r.action, r.status])).toEqual([
      ["Bob@B.test", "delayed", "4.4.1"],
      ["c@b.test", "delivered", "2.0.0"],
    ]);
  });

  it("reads a report that left out the per-message group", () => {
    expect(parseDeliveryStatus("Final-Recipient: rfc822; x@y.test\nAction: failed\nStatus: 5.0.0\n").recipients).toHaveLength(1);
  });

  it("skips recipients without a readable address or action, and keeps a bad status as empty", () => {
    const text = "Reporting-MTA: dns; m\n\nAction: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822; a@b.test\nAction: exploded\n\nFinal-Recipient: rfc822; c@d.test\nAction: failed\nStatus: 9.9.9\n";
    const fields = parseDeliveryStatus(text);
    expect(fields.recipients.map((r) => [r.finalRecipient, r.status])).toEqual([["c@d.test", ""]]);
  });

  it("is bounded and never throws on hostile input", () => {
    const hostile = [
      "",
      "\0\0\0\xff\xfe",
      ":::::\n:\n: x",
      "Final-Recipient: rfc822; a@b\nAction: failed\n" + " continuation\n".repeat(100_000),
      "Final-Recipient: " + "x".repeat(2_000_000),
      ("Reporting-MTA: dns; m\n\n" + "Final-Recipient: rfc822; a@b.test\nAction: failed\nStatus: 5.1.1\n\n".repeat(50_000)),
      "Action: failed\n".repeat(100_000),
      "Final-Recipient: rfc822; <script>alert(1)</script>@x\nAction: failed\nDiagnostic-Code: smtp; 550 \u0007bell\u001b[31m red\n",
      "(".repeat(100_000) + "\nAction: failed",
    ];
    for (const text of hostile) {
      const started = performance.now();
      const fields = parseDeliveryStatus(text);
      expect(performance.now() - started).toBeLessThan(500);
      expect(fields.recipients.length).toBeLessThanOrEqual(100);
      for (const recipient of fields.recipients) {
        expect(recipient.finalRecipient.length).toBeLessThanOrEqual(2000);
        expect(recipient.diagnostic ?? "").not.toMatch(/[\u0000-\u001f]/);
      }
    }
    // Values stay text: a forged report's HTML is not interpreted here, and controls are gone.
    const forged = parseDeliveryStatus(hostile[7]).recipients[0];
    expect(forged.finalRecipient).toBe("<script>alert(1)</script>@x");
    expect(forged.diagnostic).toBe("550 bell [31m red");
  });
});

describe("delivery reports as MIME", () => {
  it("reads our queue's own reports, with ENVID and the original's Message-ID", async () => {
    const original = Buffer.from("Message-ID: <abc.1@a.test>\r\nSubject: =?utf-8?q?D=C3=A9jeuner?=\r\nFrom: alice@a.test\r\n\r\nHello\r\n");
    const { raw } = buildReport({
      hostname: "mx.a.test",
      message: { sender: "alice@a.test", envid: "wm-123", ret: "", createdAt: new Date() },
      original,
      recipients: [{ address: "nobody@b.test", orcpt: "rfc822;nobody@b.test", action: "failed", status: "5.1.1", remoteHost: "127.0.0.1:2525", diagnostic: "550 5.1.1 no such user", lastAttemptAt: new Date() }],
      retryUntil: null,
    });
    const parsed = await parseDeliveryReport(raw);
    expect(parsed?.envelopeId).toBe("wm-123");
    expect(parsed?.original).toEqual({ messageId: "<abc.1@a.test>", subject: "Déjeuner" });
    expect(parsed?.recipients[0]).toMatchObject({ finalRecipient: "nobody@b.test", action: "failed", status: "5.1.1", remoteMta: "127.0.0.1:2525", diagnostic: "550 5.1.1 no such user" });
  });

  it("reads the returned message (message/rfc822) and the header alone (text/rfc822-headers)", async () => {
    const full = await parseDeliveryReport(report(POSTFIX_STATUS, "Message-ID: <orig@a.test>\r\nSubject: Lunch\r\n\r\nThe body.\r\n", "message/rfc822"));
    expect(full?.original).toEqual({ messageId: "<orig@a.test>", subject: "Lunch" });
    const header = await parseDeliveryReport(report(POSTFIX_STATUS));
    expect(header?.original.messageId).toBe("<orig@a.test>");
  });

  it("reads a report cut short after its machine part (only the first bytes are fetched)", async () => {
    const whole = report(POSTFIX_STATUS, `Message-ID: <big@a.test>\r\nSubject: Big\r\n\r\n${"A".repeat(600_000)}`, "message/rfc822");
    const parsed = await parseDeliveryReport(whole.subarray(0, 300_000));
    expect(parsed?.recipients[0].action).toBe("failed");
    expect(parsed?.original.messageId).toBe("<big@a.test>");
  });

  it("is null for what is not a delivery report", async () => {
    expect(await parseDeliveryReport(Buffer.from("Subject: hi\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: failed\r\n"))).toBeNull();
    expect(await parseDeliveryReport(Buffer.from(report(POSTFIX_STATUS).toString().replace("delivery-status;", "disposition-notification;").replace("message/delivery-status", "message/disposition-notification")))).toBeNull();
    expect(await parseDeliveryReport(report("Reporting-MTA: dns; x\r\n"))).toBeNull();
    expect(await parseDeliveryReport(Buffer.alloc(1000, 0xff))).toBeNull();
  });
});

describe("matching reports to the sent message", () => {
  const status = (recipient: string, action: string, code: string, extra = "") => `Reporting-MTA: dns; m\r\n${extra}\r\nFinal-Recipient: rfc822; ${recipient}\r\nAction: ${action}\r\nStatus: ${code}\r\n`;
  const parse = async (raw: Buffer) => (await parseDeliveryReport(raw)) as DeliveryReport;

  it("matches by ENVID or by the returned Message-ID, not by anything else", async () => {
    const byEnvid = await parse(report(status("b@x.test", "delivered", "2.0.0", "Original-Envelope-Id: wm-9\r\n"), "Subject: no id\r\n"));
    const byId = await parse(report(status("b@x.test", "failed", "5.1.1")));
    expect(reportMatches(byEnvid, { messageId: "<other@a.test>", envelopeId: "wm-9" })).toBe(true);
    expect(reportMatches(byEnvid, { messageId: "<other@a.test>", envelopeId: "wm-8" })).toBe(false);
    expect(reportMatches(byId, { messageId: "<orig@a.test>", envelopeId: null })).toBe(true);
    expect(reportMatches(byId, { messageId: "orig@a.test", envelopeId: null })).toBe(true);
    expect(reportMatches(byId, { messageId: "<Orig@a.test>", envelopeId: null })).toBe(false);
    expect(reportMatches(byId, { messageId: null, envelopeId: null })).toBe(false);
  });

  it("keeps each recipient's newest word, but a later 'delayed' does not undo a final one", async () => {
    const delayed = await parse(report(status("b@x.test", "delayed", "4.4.1")));
    const failed = await parse(report(status("b@x.test", "failed", "5.1.1") + "\r\nFinal-Recipient: rfc822; c@x.test\r\nAction: delivered\r\nStatus: 2.0.0\r\n"));
    const lateDelay = await parse(report(status("B@x.test", "delayed", "4.4.1")));
    const result = deliveryByRecipient([
      { report: delayed, folder: "INBOX", uid: 1 },
      { report: failed, folder: "INBOX", uid: 2 },
      { report: lateDelay, folder: "INBOX", uid: 3 },
    ]);
    expect(result.map((r) => [r.finalRecipient, r.action, r.report.uid])).toEqual([
      ["b@x.test", "failed", 2],
      ["c@x.test", "delivered", 2],
    ]);
  });

  it("lists a recipient under the address the sender wrote when the report names it", async () => {
    const expanded = await parse(report("Reporting-MTA: dns; m\r\n\r\nOriginal-Recipient: rfc822; list@x.test\r\nFinal-Recipient: rfc822; member@x.test\r\nAction: delivered\r\nStatus: 2.0.0\r\n"));
    const [entry] = deliveryByRecipient([{ report: expanded, folder: "INBOX", uid: 4 }]);
    expect(entry.originalRecipient).toBe("list@x.test");
  });
});
