// IDLE (RFC 2177): changes are pushed as they happen until the client says DONE. Commands
// pipelined right after DONE are read as usual (iOS Mail sends them in the same packet).
import { continuation, tagged, type ImapCommand } from "../protocol";
import type { ImapSession } from "../session";

export async function idle(session: ImapSession, command: ImapCommand) {
  const selected = session.selected;
  session.write(continuation("idling"));
  session.idling = true;
  let flushing = Promise.resolve();
  const push = () => {
    flushing = flushing.then(async () => {
      if (!session.selected) return;
      for (const update of await session.selected.sync({ allowExpunge: true, withUid: false, withModSeq: session.condstore, vanished: session.qresync })) session.write(update);
      session.connection.flush();
    });
  };
  if (selected) {
    selected.onWake = push;
    if (selected.hasPending()) push();
  }
  try {
    for (;;) {
      const result = await session.connection.readLine(1024);
      if (result === null) return;
      if ("line" in result && result.line.trim().toUpperCase() === "DONE") break;
      session.write(tagged(command.tag, "BAD", "Expected DONE"));
      return;
    }
  } finally {
    session.idling = false;
    if (selected) selected.onWake = null;
    await flushing;
  }
  await session.finish(command.tag, "OK", "IDLE terminated");
}
