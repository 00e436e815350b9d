import type { SmtpSession } from "../session";
import { ehlo, helo } from "./hello";
import { mail } from "./mail";
import { rcpt } from "./rcpt";
import { data } from "./data";
import { bdat } from "./bdat";
import { starttls } from "./starttls";
import { auth } from "./auth";
import { rset, noop, quit, vrfy, expn, help } from "./simple";

export type CommandHandler = (session: SmtpSession, args: string) => Promise<void> | void;

export const COMMANDS: Record<string, CommandHandler> = {
  EHLO: ehlo,
  HELO: helo,
  MAIL: mail,
  RCPT: rcpt,
  DATA: data,
  BDAT: bdat,
  STARTTLS: starttls,
  AUTH: auth,
  RSET: rset,
  NOOP: noop,
  QUIT: quit,
  VRFY: vrfy,
  EXPN: expn,
  HELP: help,
};
