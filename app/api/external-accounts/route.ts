import { addAccount, deleteAccount, editAccount, parseSettings, passwordField, TooManyAccountsError } from "@/lib/user-agent/pop3/accounts";
import { jsonError } from "@/lib/web/mail-route";
import { accountId, listed, readChange, withSignedInUser } from "./user";

/** The user's external POP3 accounts (never a password), each with its last result and running progress. */
export async function GET() {
  return withSignedInUser(listed);
}

/** Adds one: { host, port, tls, user, password, folder, retention, retentionDays }. */
export async function POST(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const settings = parseSettings(fields);
  if (typeof settings === "string") return jsonError(400, settings);
  const password = passwordField(fields.password);
  if (password === null) return jsonError(400, "Give the password.");
  return withSignedInUser(async (signed) => {
    try {
      await addAccount(await signed.service.database(), signed.sealer, settings, password);
    } catch (error) {
      if (error instanceof TooManyAccountsError) return jsonError(409, "You have as many accounts as can be added.");
      throw error;
    }
    return listed(signed);
  });
}

/** Changes one: { id, …settings, password? } (no password: the saved one stays). */
export async function PATCH(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const id = accountId(fields.id);
  const settings = parseSettings(fields);
  if (id === null) return jsonError(400, "Expected { id, … }.");
  if (typeof settings === "string") return jsonError(400, settings);
  const password = fields.password === undefined || fields.password === "" ? null : passwordField(fields.password);
  if (password === null && fields.password !== undefined && fields.password !== "") return jsonError(400, "That password cannot be used.");
  return withSignedInUser(async (signed) => {
    const edited = await editAccount(await signed.service.database(), signed.sealer, id, settings, password);
    return edited ? listed(signed) : jsonError(404, "No such account.");
  });
}

/** Removes one: { id }; what it fetched stays in the mailbox. */
export async function DELETE(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const id = accountId(fields.id);
  if (id === null) return jsonError(400, "Expected { id }.");
  return withSignedInUser(async (signed) => {
    const deleted = await deleteAccount(await signed.service.database(), signed.user.address, id);
    return deleted ? listed(signed) : jsonError(404, "No such account.");
  });
}
