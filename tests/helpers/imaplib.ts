// Runs a Python imaplib script against a test server: M is an IMAP4 connection logged in as the
// account, `out` a dict the script fills and that comes back as the parsed JSON it prints.
import { runPython } from "./smtp";

const PRELUDE = String.raw`
import imaplib, json, os
P = json.loads(os.environ["PARAMS"])
out = {}
def dec(x):
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if isinstance(x, (list, tuple)):
        return [dec(i) for i in x]
    return x
M = imaplib.IMAP4("127.0.0.1", P["port"], timeout=10)
M.login(P["user"], P["password"])
`;

export async function runImaplib(port: number, account: { address: string; password: string }, body: string): Promise<Record<string, unknown>> {
  const params = { port, user: account.address, password: account.password };
  const result = await runPython(`${PRELUDE}\n${body}\nM.logout()\nprint(json.dumps(out))`, { env: { PARAMS: JSON.stringify(params) }, timeoutMs: 20_000 });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`python failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
  }
}
