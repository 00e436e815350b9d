import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { startPostfix, type PostfixInstance } from "./postfix";

const instances: PostfixInstance[] = [];
afterEach(async () => {
  await Promise.all(instances.splice(0).map((p) => p.stop()));
});

async function waitFor<T>(check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The least SMTP server that records what a client sends; advertises CHUNKING to see if BDAT is used. */
function recordingServer(): Promise<{ server: Server; port: number; commands: string[] }> {
  const commands: string[] = [];
  const server = createServer((socket: Socket) => {
    let inData = false;
    let buffer = "";
    socket.write("220 recorder ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            socket.write("250 2.0.0 stored\r\n");
          }
          continue;
        }
        const verb = line.split(" ")[0].toUpperCase();
        commands.push(verb);
        if (verb === "EHLO") socket.write("250-recorder\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 CHUNKING\r\n");
        else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0, commands });
    }),
  );
}

describe("private Postfix", () => {
  it("maildir mode delivers a message sent with nodemailer into its Maildir", async () => {
    const postfix = await startPostfix({ mode: "maildir", domain: "peer.test" });
    instances.push(postfix);

    const transport = nodemailer.createTransport({ host: postfix.host, port: postfix.port, secure: false, ignoreTLS: true });
    const info = await transport.sendMail({
      from: "alice@sender.test",
      to: "bob@peer.test",
      subject: "hello from the test",
      text: "body line",
    });
    expect(info.accepted).toEqual(["bob@peer.test"]);

    const [file] = await waitFor(() => (postfix.delivered().length ? postfix.delivered() : undefined));
    const message = readFileSync(join(postfix.maildir, "new", file), "utf8");
    expect(message).toContain("Subject: hello from the test");
    expect(message).toContain("body line");
    await postfix.waitForQueueEmpty(5_000);
  });

  it("maildir mode rejects other domains rather than relaying", async () => {
    const postfix = await startPostfix({ mode: "maildir", domain: "peer.test" });
    instances.push(postfix);
    const transport = nodemailer.createTransport({ host: postfix.host, port: postfix.port, ignoreTLS: true });
    await expect(transport.sendMail({ from: "a@sender.test", to: "x@elsewhere.test", text: "x" })).rejects.toThrow(/554|Relay/i);
  });

  it("relay mode forwards to the next hop with DATA even when CHUNKING is offered; instances run side by side", async () => {
    const recorder = await recordingServer();
    try {
      const [relay, other] = await Promise.all([
        startPostfix({ mode: "relay", relayPort: recorder.port }),
        startPostfix({ mode: "maildir", domain: "peer.test" }),
      ]);
      instances.push(relay, other);
      expect(relay.port).not.toBe(other.port);

      const transport = nodemailer.createTransport({ host: relay.host, port: relay.port, ignoreTLS: true });
      await transport.sendMail({ from: "a@sender.test", to: "anyone@remote.test", text: "relayed" });
      await relay.waitForQueueEmpty(15_000);

      expect(recorder.commands).toContain("DATA");
      expect(recorder.commands).not.toContain("BDAT");
    } finally {
      recorder.server.close();
    }
  });
});
