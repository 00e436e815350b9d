// `mailctl invite create|list|revoke`: sign-up invitations from the command line, the same ones the
// administrators' Invites page makes. The token is printed once; the server keeps only its hash.
import type { MailStore } from "@/lib/mail-server/store";
import { StoreError } from "@/lib/mail-server/store";
import { DEFAULT_INVITE_DAYS, Invites } from "@/lib/mail-server/store/invites";

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export async function runInviteCommand(store: MailStore, action: string, args: string[], options: { days?: string; note?: string }): Promise<void> {
  const invites = new Invites(store.db, store.sql);
  switch (action) {
    case "create": {
      const days = options.days === undefined ? DEFAULT_INVITE_DAYS : Number(options.days);
      if (options.days !== undefined && !/^\d+(\.\d+)?$/.test(options.days)) throw new StoreError("invalid", `--days ${options.days}: give a number of days`);
      const { token, invite } = await invites.create({ createdBy: "mailctl", note: options.note, days });
      console.log(`invite ${invite.id} works once, until ${utc(invite.expiresAt)}${invite.note ? ` (${invite.note})` : ""}`);
      console.log(`link: <webmail address>/signup?invite=${token}`);
      return;
    }
    case "list":
      for (const invite of await invites.list()) {
        const detail = invite.state === "used" ? ` by ${invite.usedBy}` : invite.state === "valid" ? ` until ${utc(invite.expiresAt)}` : "";
        console.log(`${invite.id}\t${invite.state}${detail}\tmade by ${invite.createdBy} ${utc(invite.createdAt)}${invite.note ? `\t${invite.note}` : ""}`);
      }
      return;
    case "revoke": {
      const id = Number(args[0]);
      if (!args[0] || !Number.isSafeInteger(id) || id <= 0) throw new StoreError("invalid", "invite revoke: give the invite's number (see invite list)");
      await invites.revoke(id);
      console.log(`invite ${id} withdrawn`);
      return;
    }
    default:
      throw new StoreError("invalid", `unknown command: invite ${action} (invite create|list|revoke)`);
  }
}
