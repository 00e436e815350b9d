// A raw POP3 client for the protocol tests: sends lines exactly as given and reads status
// lines and multi-line responses (up to ".CRLF", dots unstuffed) as the server wrote them.
import { RawSocketClient, type OpenSocketOptions } from "./raw-socket-client";

export interface Pop3Reply {
  /** The status line without CRLF ("+OK …", "-ERR …", "+ …"). */
  status: string;
  /** The lines of a multi-line response, unstuffed; empty for a single-line one. */
  lines: string[];
}

export class Pop3Client extends RawSocketClient {
  greeting = "";

  static async connect(port: number, options: OpenSocketOptions = {}): Promise<Pop3Client> {
    const client = new Pop3Client(await RawSocketClient.openSocket(port, options));
    client.greeting = await client.line();
    return client;
  }

  send(text: string) {
    this.socket.write(text);
  }

  /** The next CRLF-terminated line, without it. */
  async line(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf("\r\n");
      if (end !== -1) {
        const line = this.buffer.subarray(0, end).toString("latin1");
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.toString("latin1"))}`);
      if (!(await this.waitForInput(deadline))) throw new Error(`no line within ${timeoutMs} ms; got ${JSON.stringify(this.buffer.toString("latin1"))}`);
    }
  }

  /** Sends a command; reads the status line and, when multi and the status is +OK, the lines up to ".". */
  async command(line: string, multi = false, timeoutMs = 5000): Promise<Pop3Reply> {
    this.send(`${line}\r\n`);
    return this.reply(multi, timeoutMs);
  }

  async reply(multi = false, timeoutMs = 5000): Promise<Pop3Reply> {
    const status = await this.line(timeoutMs);
    const lines: string[] = [];
    if (multi && status.startsWith("+OK")) {
      for (;;) {
        const next = await this.line(timeoutMs);
        if (next === ".") break;
        lines.push(next.startsWith(".") ? next.slice(1) : next);
      }
    }
    return { status, lines };
  }

  async stls(): Promise<Pop3Reply> {
    const reply = await this.command("STLS");
    if (reply.status.startsWith("+OK")) await this.upgradeTls("localhost");
    return reply;
  }
}
