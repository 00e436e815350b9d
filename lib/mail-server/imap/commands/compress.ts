// COMPRESS DEFLATE (RFC 4978): the tagged OK is the last thing sent in the clear; from the next
// byte on, both directions are raw DEFLATE streams (inside TLS when TLS is on). Only after
// authentication, as RFC 4978's grammar has it (command-auth) and Dovecot does: compressing a
// login exchange gains nothing and only gives an unauthenticated client zlib state to hold.
import { asAtom, ImapSyntaxError, type ImapCommand } from "../protocol";
import { ImapError, type ImapSession } from "../session";

export async function compress(session: ImapSession, command: ImapCommand) {
  if (command.args.length !== 1) throw new ImapSyntaxError("COMPRESS takes one mechanism");
  const mechanism = asAtom(command.args[0]).toUpperCase();
  if (session.connection.compressed) throw new ImapError("NO", "Compression is already active", "COMPRESSIONACTIVE");
  if (mechanism !== "DEFLATE") throw new ImapError("BAD", "Unsupported compression mechanism (DEFLATE is)");
  await session.finish(command.tag, "OK", "DEFLATE active");
  session.connection.startCompression();
}
