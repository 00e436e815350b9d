// `mailctl invite create|list|revoke`, run as a real process on a fresh DATA_DIR: the printed link's token
// is one the store accepts, list shows each invite's state, revoke withdraws it, mistakes fail in one line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { MailStore } from "@/lib/mail-server/store";
import { Invites } from "@/lib/mail-server/store/invites";
import { ALL_PORTS_OFF, killAll, removeTempDirs, runScript, stderrLines, tempDir, type RunResult } from "./processes";

let env: Record<string, string>;

const mailctl = (args: string[]): Promise<RunResult> => runScript("mailctl.ts", args, { timeoutMs: 20_000, env });

async function inviteState(token: string) {
  const store = await MailStore.open(loadConfig(env));
  try {
    return await new Invites(store.db, store.sql).check(token);
  } finally {
    await store.close();
  }
}

function expectOneLineFailure(result: RunResult, pattern: RegExp) {
  expect(result.timedOut).toBe(false);
  expect(result.code).not.toBe(0);
  expect(stderrLines(result)).toHaveLength(1);
  expect(stderrLines(result)[0]).toMatch(pattern);
}

describe("mailctl invite", () => {
  beforeAll(() => {
    env = { ...ALL_PORTS_OFF, DATA_DIR: tempDir("mailctl-invite-"), MAIL_DOMAINS: "example.test" };
  });
  afterAll(async () => {
    await killAll();
    removeTempDirs();
  });

  it("creates an invite whose link works, lists it, and withdraws it", async () => {
    const created = await mailctl(["invite", "create", "--days", "2", "--note", "for Jo"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^invite 1 works once, until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(for Jo\)$/m);
    const token = /\/signup\?invite=([A-Za-z0-9_-]{32})$/m.exec(created.stdout)?.[1];
    expect(token).toBeDefined();
    expect(await inviteState(token!)).toBe("valid");

    const listed = await mailctl(["invite", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^1\tvalid until .* UTC\tmade by mailctl .*\tfor Jo$/m);
    expect(listed.stdout).not.toContain(token);

    expect((await mailctl(["invite", "revoke", "1"])).stdout).toBe("invite 1 withdrawn\n");
    expect(await inviteState(token!)).toBe("revoked");
  });

  it("fails in one line on mistakes", async () => {
    expectOneLineFailure(await mailctl(["invite", "revoke", "999"]), /no invite 999/);
    expectOneLineFailure(await mailctl(["invite", "revoke", "x; drop"]), /give the invite's number/);
    expectOneLineFailure(await mailctl(["invite", "create", "--days", "forever"]), /--days forever/);
  });
});
