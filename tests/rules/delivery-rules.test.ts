// Delivery rules end to end on two of our servers joined by OUTBOUND_ROUTES (a.test, b.test): rules are
// set through the management API over HTTP with the user's own credentials, mail arrives by SMTP from a
// raw client, and what got stored, forwarded and answered is read from the accounts' mailboxes. On SQLite
// and PostgreSQL (the once-per-sender record is one upsert in each dialect).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SmtpClient, headerOf, headersOf, waitFor } from "../helpers/smtp";
import { PASSWORD, startDomainServer, type DomainServer } from "../helpers/outbound";
import { PROVIDERS } from "../helpers/store";
import { freePort } from "../support/postfix";

const message = (from: string, to: string, subject: string, extra = "") =>
  `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W+/g, "-")}.${Math.random().toString(36).slice(2)}@sender.test>\r\n${extra}\r\nHello.\r\n`;

describe.each(PROVIDERS)("delivery rules on %s", (provider) => {
  let a: DomainServer;
  let b: DomainServer;
  let adminBase: string;

  beforeAll(async () => {
    const [aPort, bPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    b = await startDomainServer("b.test", { provider, env: { SMTP_PORT: String(bPort), OUTBOUND_ROUTES: `a.test=127.0.0.1:${aPort}` } });
    a = await startDomainServer("a.test", { provider, env: { SMTP_PORT: String(aPort), OUTBOUND_ROUTES: `b.test=127.0.0.1:${bPort}`, ADMIN_PORT: String(adminPort) } });
    adminBase = `http://127.0.0.1:${a.server.port("admin")}`;
    for (const user of ["alice", "carol", "erin", "frank", "mailer-daemon"]) await a.user(user);
    await a.store.accounts.addAlias("ally@a.test", "alice@a.test");
    for (const user of ["bob", "dave"]) await b.user(user);
    await a.store.folders.create((await a.store.accounts.resolve("alice", "a.test"))[0].accountId, "Work");
  });
  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
  });

  const rulesApi = (user: string, method = "GET", body?: unknown) =>
    fetch(`${adminBase}/api/v1/account/rules`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString("base64")}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const setRules = async (user: string, rules: unknown) => {
    const response = await rulesApi(user, "PUT", rules);
    expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
  };

  /** Delivers over a's MX port as an outside server would; returns the final reply code. */
  const deliver = async (from: string, to: string[], raw: string, port = a.smtpPort) => {
    const client = await SmtpClient.open(port);
    try {
      await client.ehlo();
      return (await client.send(from, to, raw)).code;
    } finally {
      await client.quit();
    }
  };

  /** The INBOX of a remote account once something is in it (mail that came through a queue). */
  const arrived = (server: DomainServer, address: string, what: string) =>
    waitFor(async () => {
      const list = await server.messages(address);
      return list.length ? list : undefined;
    }, 10_000, what);

  const subjects = async (server: DomainServer, address: string, mailbox = "INBOX") =>
    (await server.messages(address, mailbox)).map((m) => headerOf(m.raw, "subject"));

  it("keeps the API to the caller's own rules and answers bad rules in words", async () => {
    expect((await fetch(`${adminBase}/api/v1/account/rules`)).status).toBe(401);
    const initial = await rulesApi("alice@a.test");
    expect(await initial.json()).toMatchObject({ forwarding: { to: "", keepCopy: true }, vacation: { enabled: false, days: 7 }, filters: [] });
    const refusals: [unknown, RegExp][] = [
      [{ forwarding: { to: "alice@a.test" } }, /back to you/],
      [{ forwarding: { to: "ally@a.test" } }, /back to you/],
      [{ forwarding: { to: "alice+x@a.test" } }, /back to you/],
      [{ forwarding: { to: "not an address" } }, /not an e-mail address/],
      [{ vacation: { enabled: true, body: "x".repeat(10_001) } }, /too long/],
      [{ vacation: { enabled: true, body: "" } }, /write the vacation message/],
      [{ vacation: { enabled: true, body: "away", start: "2026-12-10", end: "2026-12-01" } }, /ends before it starts/],
      [{ filters: [{ conditions: [{ field: "subject", contains: "x" }], actions: [{ type: "move", folder: "Nope" }] }] }, /no folder "Nope"/],
      [{ filters: [{ conditions: [], actions: [{ type: "delete" }] }] }, /at least one condition/],
      [{ filters: [{ conditions: [{ field: "body", contains: "x" }], actions: [{ type: "flag" }] }] }, /from, to, subject or size/],
      [{ filters: [{ conditions: [{ field: "size", greaterThan: 1 }], actions: [{ type: "delete" }, { type: "flag" }] }] }, /can't also be moved/],
      [{ filters: Array.from({ length: 51 }, () => ({ conditions: [{ field: "subject", contains: "x" }], actions: [{ type: "flag" }] })) }, /too many filters/],
      ["nonsense", /must be an object/],
      [{ filters: [null] }, /filter 1 must be an object/],
      [{ filters: "all of them" }, /must be a list/],
      [{ vacation: { enabled: true, body: "away", days: "7" } }, /whole number from 1 to 365/],
      [{ vacation: { enabled: true, body: "away", subject: "Away\r\nBcc: victim@b.test" } }, /one line/],
      [{ filters: [{ conditions: [{ field: "size", greaterThan: -1 }], actions: [{ type: "flag" }] }] }, /whole number of bytes/],
    ];
    for (const [body, words] of refusals) {
      const response = await rulesApi("alice@a.test", "PUT", body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(new RegExp(words.source, "i"));
    }
    // Nothing was saved by any of them.
    expect(await (await rulesApi("alice@a.test")).json()).toMatchObject({ forwarding: { to: "" }, filters: [] });
  });

  it("applies the first matching filter at delivery: move, mark read and flag, delete (still 250)", async () => {
    await setRules("alice@a.test", {
      filters: [
        { name: "work", match: "any", conditions: [{ field: "subject", contains: "REPORT" }, { field: "from", contains: "boss@" }], actions: [{ type: "move", folder: "Work" }, { type: "markRead" }] },
        { name: "big", conditions: [{ field: "size", greaterThan: 2000 }], actions: [{ type: "flag" }] },
        { name: "spam", match: "all", conditions: [{ field: "subject", contains: "casino" }, { field: "to", contains: "alice" }], actions: [{ type: "delete" }] },
      ],
    });
    expect(await deliver("x@outside.test", ["alice@a.test"], message("x@outside.test", "alice@a.test", "Monthly report"))).toBe(250);
    expect(await deliver("boss@outside.test", ["alice@a.test"], message("Boss <boss@outside.test>", "alice@a.test", "lunch?"))).toBe(250);
    expect(await deliver("x@outside.test", ["alice@a.test"], message("x@outside.test", "alice@a.test", "big one", `X-Padding: ${"p".repeat(2100)}\r\n`))).toBe(250);
    expect(await deliver("x@outside.test", ["alice@a.test"], message("x@outside.test", "alice@a.test", "Casino night"))).toBe(250);
    expect(await deliver("x@outside.test", ["alice@a.test"], message("x@outside.test", "alice@a.test", "plain"))).toBe(250);

    expect(await subjects(a, "alice@a.test", "Work")).toEqual(["Monthly report", "lunch?"]);
    expect(await subjects(a, "alice@a.test")).toEqual(["big one", "plain"]);
    const prisma = await a.store.db.prisma();
    const flags = await prisma.mailboxMessage.findMany({ where: { mailbox: { account: { addressKey: "alice@a.test" } } }, include: { content: true }, orderBy: { id: "asc" } });
    expect(flags.map((m) => [m.content.subject, m.seen, m.flagged])).toEqual([
      ["Monthly report", true, false],
      ["lunch?", true, false],
      ["big one", false, true],
      ["plain", false, false],
    ]);
    // The same message to carol too: her copy is unfiltered, alice's is moved.
    expect(await deliver("x@outside.test", ["alice@a.test", "carol@a.test"], message("x@outside.test", "alice@a.test, carol@a.test", "Shared report"))).toBe(250);
    expect(await subjects(a, "carol@a.test")).toContain("Shared report");
    expect(await subjects(a, "alice@a.test", "Work")).toContain("Shared report");

    // A filter's "forward to" sends a copy on and keeps the message, here marked read.
    await setRules("alice@a.test", { filters: [{ conditions: [{ field: "subject", contains: "for carol" }], actions: [{ type: "forward", to: "carol@a.test" }, { type: "markRead" }] }] });
    expect(await deliver("x@outside.test", ["alice@a.test"], message("x@outside.test", "alice@a.test", "Notes for Carol"))).toBe(250);
    const [forwarded] = (await a.messages("carol@a.test")).filter((m) => headerOf(m.raw, "subject") === "Notes for Carol");
    expect(headerOf(forwarded.raw, "return-path")).toBe("<alice@a.test>");
    const kept = await prisma.mailboxMessage.findFirst({ where: { content: { subject: "Notes for Carol" }, mailbox: { account: { addressKey: "alice@a.test" }, name: "INBOX" } } });
    expect(kept?.seen).toBe(true);
    await setRules("alice@a.test", {});
  });

  it("forwards with and without a copy, from the forwarding account's address, and cuts forwarding loops", async () => {
    await setRules("erin@a.test", { forwarding: { to: "bob@b.test", keepCopy: true } });
    await setRules("frank@a.test", { forwarding: { to: "carol@a.test", keepCopy: false } });
    expect(await deliver("x@outside.test", ["erin@a.test", "frank@a.test"], message("x@outside.test", "erin@a.test, frank@a.test", "pass it on"))).toBe(250);
    expect(await subjects(a, "erin@a.test")).toEqual(["pass it on"]);
    expect(await subjects(a, "frank@a.test")).toEqual([]);
    const [local] = (await a.messages("carol@a.test")).filter((m) => headerOf(m.raw, "subject") === "pass it on");
    expect(headerOf(local.raw, "return-path")).toBe("<frank@a.test>");
    expect(headersOf(local.raw, "x-loop")).toEqual(["frank@a.test"]);
    const [remote] = await arrived(b, "bob@b.test", "the forward to b.test");
    expect(headerOf(remote.raw, "subject")).toBe("pass it on");
    expect(headerOf(remote.raw, "return-path")).toBe("<erin@a.test>");
    expect(headersOf(remote.raw, "x-loop")).toEqual(["erin@a.test"]);

    // A stranger's message whose From names our own domain stays here: forwarded, it would leave with
    // our envelope sender (and DKIM key) and pass DMARC for a forged From.
    expect(await deliver("x@outside.test", ["erin@a.test"], message("Boss <boss@a.test>", "erin@a.test", "wire the money"))).toBe(250);
    expect(await subjects(a, "erin@a.test")).toContain("wire the money");
    expect(a.logs.join("\n")).toMatch(/erin@a\.test: not forwarded \(its From names one of our domains/);

    // dave@b.test forwards (without a copy) back to erin, who forwards to bob: a circle is cut at erin.
    await b.store.sql.query(`INSERT INTO "DeliveryRules" ("accountId", "forwardTo", "forwardKeepCopy") VALUES (?, ?, ?)`, [
      (await b.store.accounts.resolve("dave", "b.test"))[0].accountId, "erin@a.test", 0,
    ]);
    await setRules("erin@a.test", { forwarding: { to: "dave@b.test", keepCopy: false } });
    expect(await deliver("x@outside.test", ["erin@a.test"], message("x@outside.test", "erin@a.test", "round and round"))).toBe(250);
    await waitFor(async () => (await subjects(a, "erin@a.test")).includes("round and round"), 10_000, "the loop to come back to erin");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const erin = (await a.messages("erin@a.test")).filter((m) => headerOf(m.raw, "subject") === "round and round");
    expect(erin).toHaveLength(1);
    expect(headersOf(erin[0].raw, "x-loop")).toEqual(["dave@b.test", "erin@a.test"]);
    expect(await subjects(b, "dave@b.test")).toEqual([]);
    expect(a.logs.join("\n")).toMatch(/erin@a\.test: not forwarded \(already forwarded by erin@a\.test\); kept/);
    await setRules("erin@a.test", {});
    await setRules("frank@a.test", {});
    await b.store.sql.query(`DELETE FROM "DeliveryRules"`);
  });

  it("answers once per sender with a vacation reply, and never lists, bounces, robots or Bcc", async () => {
    await setRules("alice@a.test", { vacation: { enabled: true, subject: "Away", body: "Back on Monday.\nÀ bientôt.", days: 7 } });
    const first = message("Carol <carol@a.test>", "Alice <alice@a.test>", "question one");
    expect(await deliver("carol@a.test", ["alice@a.test"], first)).toBe(250);
    expect(await deliver("carol@a.test", ["alice@a.test"], message("carol@a.test", "alice@a.test", "question two"))).toBe(250);
    const replies = (await a.messages("carol@a.test")).filter((m) => headerOf(m.raw, "auto-submitted"));
    expect(replies).toHaveLength(1);
    const [reply] = replies;
    expect(headerOf(reply.raw, "auto-submitted")).toBe("auto-replied");
    expect(headerOf(reply.raw, "return-path")).toBe("<>");
    expect(headerOf(reply.raw, "subject")).toBe("Away");
    expect(headerOf(reply.raw, "to")).toBe("carol@a.test");
    expect(headerOf(reply.raw, "in-reply-to")).toBe(headerOf(Buffer.from(first), "message-id"));
    expect(headerOf(reply.raw, "references")).toBe(headerOf(Buffer.from(first), "message-id"));

    // Through an alias counts as addressed to her; to a remote sender the reply goes through the queue from <>.
    expect(await deliver("dave@b.test", ["ally@a.test"], message("dave@b.test", "ally@a.test", "via alias"))).toBe(250);
    const [remote] = await arrived(b, "dave@b.test", "the vacation reply at b.test");
    expect(headerOf(remote.raw, "return-path")).toBe("<>");
    expect(headerOf(remote.raw, "auto-submitted")).toBe("auto-replied");
    expect(headerOf(remote.raw, "dkim-signature")).toMatch(/\bd=a\.test;/);

    const before = (await a.messages("carol@a.test")).length + (await a.messages("mailer-daemon@a.test")).length;
    const quiet: [string, string][] = [
      ["mailer-daemon@a.test", message("mailer-daemon@a.test", "alice@a.test", "bounce")],
      ["carol+x@a.test", message("carol@a.test", "alice@a.test", "robot", "Auto-Submitted: auto-generated\r\n")],
      ["carol+y@a.test", message("carol@a.test", "alice@a.test", "bulk", "Precedence: bulk\r\n")],
      ["carol+z@a.test", message("carol@a.test", "alice@a.test", "list", "List-Id: <club.lists.test>\r\n")],
      ["carol+w@a.test", message("carol@a.test", "alice@a.test", "unsubscribe", "List-Unsubscribe: <mailto:leave@lists.test>\r\n")],
      ["carol+v@a.test", message("carol@a.test", "undisclosed-recipients:;", "bcc")],
    ];
    for (const [sender, raw] of quiet) expect(await deliver(sender, ["alice@a.test"], raw)).toBe(250);
    expect(await deliver("", ["alice@a.test"], message("MAILER-DAEMON@b.test", "alice@a.test", "null sender"))).toBe(250);
    expect((await a.messages("carol@a.test")).length + (await a.messages("mailer-daemon@a.test")).length).toBe(before);
    // "no" is a person writing: answered.
    expect(await deliver("carol+u@a.test", ["alice@a.test"], message("carol@a.test", "alice@a.test", "human", "Auto-Submitted: no\r\n"))).toBe(250);
    expect((await a.messages("carol@a.test")).filter((m) => headerOf(m.raw, "auto-submitted"))).toHaveLength(2);
    expect(a.logs.join("\n")).toMatch(/no vacation reply to <carol@a\.test>: answered within 7 days/);

    // A vacation that has ended answers nobody; saving a new one starts the count afresh.
    await setRules("alice@a.test", { vacation: { enabled: true, body: "Gone.", end: "2020-01-01T00:00:00Z" } });
    expect(await deliver("carol@a.test", ["alice@a.test"], message("carol@a.test", "alice@a.test", "late"))).toBe(250);
    await setRules("alice@a.test", { vacation: { enabled: true, body: "Gone again." } });
    expect(await deliver("carol@a.test", ["alice@a.test"], message("carol@a.test", "alice@a.test", "again"))).toBe(250);
    const last = (await a.messages("carol@a.test")).filter((m) => headerOf(m.raw, "auto-submitted"));
    expect(last).toHaveLength(3);
    expect(headerOf(last[2].raw, "subject")).toBe("Auto: again");
    await setRules("alice@a.test", {});
  });

  it("delivers to INBOX when the rules can't be applied", async () => {
    // A filter whose folder was deleted after it was saved, and a forward to a domain that can't be routed.
    await setRules("alice@a.test", { filters: [{ conditions: [{ field: "subject", contains: "gone" }], actions: [{ type: "move", folder: "Work" }] }] });
    const aliceId = (await a.store.accounts.resolve("alice", "a.test"))[0].accountId;
    await a.store.folders.delete(aliceId, "Work");
    expect(await deliver("x@outside.test", ["alice@a.test"], message("x@outside.test", "alice@a.test", "folder gone"))).toBe(250);
    expect(await subjects(a, "alice@a.test")).toContain("folder gone");
    await a.store.sql.query(`UPDATE "DeliveryRules" SET "filters" = ? WHERE "accountId" = ?`, ["{not json", aliceId]);
    expect(await deliver("x@outside.test", ["alice@a.test"], message("x@outside.test", "alice@a.test", "broken rules"))).toBe(250);
    expect(await subjects(a, "alice@a.test")).toContain("broken rules");
  });
});
