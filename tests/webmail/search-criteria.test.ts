import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { searchCriteria } = await import("@/lib/user-agent/mail/search");

describe("search criteria", () => {
  it("the search box looks in sender, recipients, subject and body", () => {
    expect(searchCriteria({ text: " report ", folder: null })).toEqual({ or: [{ from: "report" }, { to: "report" }, { cc: "report" }, { subject: "report" }, { body: "report" }] });
  });

  it("IMAP syntax stays a value; line breaks, which imapflow will not send, become spaces", () => {
    const criteria = searchCriteria({ from: 'x" OR ALL {5}\r\nA1 LOGOUT', folder: "INBOX" });
    expect(criteria).toEqual({ from: 'x" OR ALL {5} A1 LOGOUT' });
    expect(searchCriteria({ text: "\r\n", folder: null })).toBeNull();
  });

  it("the advanced form: dates inclusive, attachment by header, unread", () => {
    const criteria = searchCriteria({ since: "2026-01-02", until: "2026-01-31", hasAttachment: true, unread: true, folder: null });
    expect(criteria?.since).toEqual(new Date("2026-01-02T00:00:00Z"));
    expect(criteria?.before).toEqual(new Date("2026-02-01T00:00:00Z"));
    expect(criteria?.header).toEqual({ "content-type": "multipart/mixed" });
    expect(criteria?.seen).toBe(false);
    expect(searchCriteria({ since: "not a date", folder: null })).toBeNull();
  });
});
