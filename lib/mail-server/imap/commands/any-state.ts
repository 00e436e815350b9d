// CAPABILITY, NOOP, LOGOUT (RFC 3501 §6.1), ID (RFC 2971), ENABLE (RFC 5161).
import { asAtom, asList, asNString, list, nstring, untagged, untaggedStatus, ImapSyntaxError, type ImapCommand } from "../protocol";
import type { ImapSession } from "../session";

export async function capability(session: ImapSession, command: ImapCommand) {
  session.write(untagged("CAPABILITY", session.capabilities().join(" ")));
  await session.finish(command.tag, "OK", "CAPABILITY completed");
}

/** Also how clients poll: the pending updates go out before the OK. */
export async function noop(session: ImapSession, command: ImapCommand) {
  await session.finish(command.tag, "OK", "NOOP completed");
}

export async function logout(session: ImapSession, command: ImapCommand) {
  session.write(untaggedStatus("BYE", "Logging out"));
  session.logout();
  await session.finish(command.tag, "OK", "LOGOUT completed");
  session.connection.close();
}

/** The client says who it is (logged); we say who we are. */
export async function id(session: ImapSession, command: ImapCommand) {
  const [arg] = command.args;
  if (arg?.type === "list") {
    const items = asList(arg);
    if (items.length > 60) throw new ImapSyntaxError("Too many ID fields");
    const fields: string[] = [];
    for (let i = 0; i + 1 < items.length; i += 2) fields.push(`${asNString(items[i])?.toString("utf8")}=${asNString(items[i + 1])?.toString("utf8") ?? "NIL"}`);
    session.context.log(`imap: client ${session.connection.remoteAddress} ID ${fields.join(" ").slice(0, 300)}`);
  } else if (arg?.type !== "nil") {
    throw new ImapSyntaxError("ID takes a list or NIL");
  }
  session.write(untagged("ID", list([nstring("name"), nstring("webmail-mail-server"), nstring("vendor"), nstring("webmail")])));
  await session.finish(command.tag, "OK", "ID completed");
}

const ENABLEABLE = new Set(["UTF8=ACCEPT", "CONDSTORE", "QRESYNC"]);

export async function enable(session: ImapSession, command: ImapCommand) {
  if (!command.args.length) throw new ImapSyntaxError("ENABLE needs at least one capability");
  const enabled: string[] = [];
  const before = new Set(session.enabled);
  for (const token of command.args) {
    const name = asAtom(token).toUpperCase();
    if (ENABLEABLE.has(name) && !before.has(name) && !enabled.includes(name)) {
      session.enabled.add(name);
      enabled.push(name);
      // RFC 7162 §3.2.3: QRESYNC builds on CONDSTORE and turns it on too.
      if (name === "QRESYNC") session.enableCondstore();
    }
  }
  session.write(untagged("ENABLED", ...enabled));
  await session.finish(command.tag, "OK", "ENABLE completed");
}
