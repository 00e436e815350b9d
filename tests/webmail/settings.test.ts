// The webmail's own settings: what a change may set, which identity answers a message, and identities
// kept per user with one default (on the webmail's Prisma models, SQLite).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Prisma } from "@/lib/db";
import { listIdentities, readSettings, saveIdentity, updateSettings } from "@/lib/user-agent/settings/store";
import { DEFAULT_SETTINGS, defaultIdentity, identityForReply, parseIdentity, parseSettingsChange, type Identity } from "@/lib/user-agent/settings/types";
import { openTestStore, type TestStore } from "../helpers/store";

vi.mock("server-only", () => ({}));

const identity = (address: string, isDefault = false): Identity => ({ address, displayName: "", signature: "", signatureHtml: false, isDefault });

describe("settings changes", () => {
  it("takes valid fields and says which one is wrong", () => {
    expect(parseSettingsChange({ displayName: " Ana\r\nBcc: x@evil.test ", timeZone: "Asia/Shanghai", density: "compact", pageSize: 100, remoteImages: "always", undoSendSeconds: 30 })).toEqual({
      displayName: "Ana Bcc: x@evil.test",
      timeZone: "Asia/Shanghai",
      density: "compact",
      pageSize: 100,
      remoteImages: "always",
      undoSendSeconds: 30,
    });
    expect(parseSettingsChange({ timeZone: "" })).toEqual({ timeZone: "" });
    expect(parseSettingsChange({ timeZone: "Mars/Olympus" })).toMatch(/time zone/);
    expect(parseSettingsChange({ undoSendSeconds: 31 })).toMatch(/0 to 30/);
    expect(parseSettingsChange({ undoSendSeconds: 2.5 })).toMatch(/whole number/);
    expect(parseSettingsChange({ pageSize: 7 })).toMatch(/page size/);
    expect(parseSettingsChange({ density: { $ne: 1 } })).toMatch(/density/);
    expect(parseSettingsChange([1])).toMatch(/JSON object/);
    expect(parseIdentity({ address: "a@b.test", displayName: "x".repeat(201), signature: "", signatureHtml: false, isDefault: false })).toMatch(/at most 200/);
  });
});

describe("the identity a reply is written as", () => {
  const identities = [identity("ana@example.test"), identity("sales@example.test", true), identity("help@example.test")];
  const none = { to: [], cc: [], deliveredTo: [] };

  it("is the address the original was sent to: To, then Cc, then Delivered-To; else the default", () => {
    expect(identityForReply(identities, "ana@example.test", { ...none, to: [{ name: "", address: "Help@Example.test" }] })?.address).toBe("help@example.test");
    expect(identityForReply(identities, "ana@example.test", { ...none, to: [{ name: "", address: "list@lists.test" }], cc: [{ name: "Ana", address: "ana@example.test" }] })?.address).toBe("ana@example.test");
    // A Bcc to an alias shows only in the server's Delivered-To.
    expect(identityForReply(identities, "ana@example.test", { ...none, to: [{ name: "", address: "list@lists.test" }], deliveredTo: ["help@example.test"] })?.address).toBe("help@example.test");
    expect(identityForReply(identities, "ana@example.test", { ...none, to: [{ name: "", address: "someone@else.test" }] })?.address).toBe("sales@example.test");
  });

  it("for a new message is the chosen default, else the account's own", () => {
    expect(defaultIdentity(identities, "ana@example.test")?.address).toBe("sales@example.test");
    expect(defaultIdentity([identity("x@example.test"), identity("ana@example.test")], "ANA@example.test")?.address).toBe("ana@example.test");
  });
});

describe("the addresses a message was delivered for", () => {
  it("reads Delivered-To and X-Original-To, not the same words in other fields", async () => {
    const { deliveredToIn } = await import("@/lib/user-agent/compose/delivered-to");
    expect(deliveredToIn("Delivered-To: Ana@Example.test\r\nX-Original-To: <sales@example.test>\r\nSubject: Delivered-To: x@y.test\r\nDelivered-To: ana@example.test\r\n")).toEqual(["ana@example.test", "sales@example.test"]);
    expect(deliveredToIn("Delivered-To: not an address\r\n")).toEqual([]);
  });
});

describe("settings and identities in the database", () => {
  let test: TestStore;
  let prisma: Prisma;
  beforeAll(async () => {
    test = await openTestStore("sqlite");
    prisma = await test.store.db.prisma();
  });
  afterAll(() => test?.cleanup());

  it("keeps settings per user, the defaults until changed", async () => {
    expect(await readSettings(prisma, "ana@example.test")).toEqual(DEFAULT_SETTINGS);
    await updateSettings(prisma, "Ana@Example.test", { undoSendSeconds: 0, timeZone: "Europe/Paris" });
    expect(await readSettings(prisma, "ana@example.test")).toMatchObject({ undoSendSeconds: 0, timeZone: "Europe/Paris", pageSize: 50 });
    expect(await readSettings(prisma, "bob@example.test")).toEqual(DEFAULT_SETTINGS);
  });

  it("lists an identity per sendable address, one default at a time", async () => {
    const addresses = ["ana@example.test", "sales@example.test"];
    const fresh = await listIdentities(prisma, "ana@example.test", addresses, "Ana");
    expect(fresh.map((entry) => [entry.address, entry.displayName, entry.isDefault])).toEqual([
      ["ana@example.test", "Ana", true],
      ["sales@example.test", "Ana", false],
    ]);
    await saveIdentity(prisma, "ana@example.test", { address: "sales@example.test", displayName: "Sales", signature: "-- \nSales team", signatureHtml: false, isDefault: true });
    await saveIdentity(prisma, "ana@example.test", { address: "ana@example.test", displayName: "Ana A.", signature: "<b>Ana</b>", signatureHtml: true, isDefault: false });
    const saved = await listIdentities(prisma, "ana@example.test", addresses, "Ana");
    expect(saved.filter((entry) => entry.isDefault).map((entry) => entry.address)).toEqual(["sales@example.test"]);
    expect(saved[1]).toMatchObject({ displayName: "Sales", signature: "-- \nSales team" });
    await saveIdentity(prisma, "ana@example.test", { ...saved[0], isDefault: true });
    const moved = await listIdentities(prisma, "ana@example.test", addresses, "Ana");
    expect(moved.filter((entry) => entry.isDefault).map((entry) => entry.address)).toEqual(["ana@example.test"]);
    // An alias taken away is not offered; its saved identity waits for it.
    expect((await listIdentities(prisma, "ana@example.test", ["ana@example.test"], "Ana")).map((entry) => entry.address)).toEqual(["ana@example.test"]);
    // Another user sees none of Ana's.
    expect((await listIdentities(prisma, "bob@example.test", ["bob@example.test"], "Bob"))[0]).toMatchObject({ displayName: "Bob", signature: "" });
  });
});
