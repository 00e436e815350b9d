// SASL decoding (RFC 4616 PLAIN, the LOGIN mechanism, RFC 4648 base64) and the
// PLAINTEXT_AUTH policy of lib/mail-server/net/sasl.ts.
import { describe, expect, it } from "vitest";
import {
  decodeBase64,
  decodeLoginField,
  decodePlain,
  isLoopback,
  LOGIN_PASSWORD_PROMPT,
  LOGIN_USERNAME_PROMPT,
  passwordsAllowed,
  type PlaintextPolicy,
} from "@/lib/mail-server/net/sasl";
import { seeded } from "./helpers/random";

const b64 = (text: string | Buffer) => (Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8")).toString("base64");

describe("decodeBase64", () => {
  it("decodes canonical base64 with and without padding characters", () => {
    expect(decodeBase64("dGVzdA==")?.toString()).toBe("test");
    expect(decodeBase64("dGVzdDE=")?.toString()).toBe("test1");
    expect(decodeBase64("dGVzdDEy")?.toString()).toBe("test12");
    expect(decodeBase64("")?.length).toBe(0);
    expect(decodeBase64("+/+/")).toEqual(Buffer.from([0xfb, 0xff, 0xbf]));
  });

  it("tolerates white space around the response (the line reader leaves it)", () => {
    expect(decodeBase64("  dGVzdA==\t")?.toString()).toBe("test");
  });

  it("refuses bad padding", () => {
    for (const bad of ["dGVzdA=", "dGVzdA", "dGVzd===", "dG=zdA==", "====", "A===", "=", "==", "dGVzdA==dGVzdA==", "dGVz=A=="]) {
      expect(decodeBase64(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("refuses white space inside and characters outside the alphabet", () => {
    for (const bad of ["dGVz dA==", "dGVz\tdA==", "dGVz\r\ndA==", "dGVzdA-_", "dGVz*A==", "dGVzdA==\u0000", "dGVzdé==", "dGVz.A=="]) {
      expect(decodeBase64(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("round-trips 2,000 random byte strings and refuses them with one character removed", () => {
    const random = seeded(0x5eed21);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: random.int(40) }, () => random.int(256)));
      const encoded = bytes.toString("base64");
      expect(decodeBase64(encoded)).toEqual(bytes);
      if (encoded.length) {
        const cut = random.int(encoded.length);
        expect(decodeBase64(encoded.slice(0, cut) + encoded.slice(cut + 1)), `case ${i}`).toBeNull();
      }
    }
  });
});

describe("decodePlain (RFC 4616)", () => {
  it("authcid and password without an authzid", () => {
    expect(decodePlain(b64("\u0000alice@example.test\u0000s3cret pass"))).toEqual({ username: "alice@example.test", password: "s3cret pass" });
  });

  it("an authzid equal to the authcid (in any case) is accepted", () => {
    expect(decodePlain(b64("alice@example.test\u0000alice@example.test\u0000pw"))).toEqual({ username: "alice@example.test", password: "pw" });
    expect(decodePlain(b64("Alice@Example.TEST\u0000alice@example.test\u0000pw"))?.username).toBe("alice@example.test");
  });

  it("an authzid naming someone else is refused (no proxy authorisation)", () => {
    expect(decodePlain(b64("root@example.test\u0000alice@example.test\u0000pw"))).toBeNull();
  });

  it("UTF-8 identities and passwords", () => {
    expect(decodePlain(b64("\u0000jörg@bücher.example\u0000pässwörd✓"))).toEqual({ username: "jörg@bücher.example", password: "pässwörd✓" });
  });

  it("the wrong number of fields is refused", () => {
    for (const message of ["alice\u0000pw", "alicepw", "", "\u0000\u0000", "a\u0000b\u0000c\u0000d", "\u0000alice\u0000pw\u0000"]) {
      expect(decodePlain(b64(message)), JSON.stringify(message)).toBeNull();
    }
  });

  it("an empty authcid or password is refused (RFC 4616: 1*SAFE)", () => {
    expect(decodePlain(b64("\u0000\u0000pw"))).toBeNull();
    expect(decodePlain(b64("\u0000alice\u0000"))).toBeNull();
  });

  it("invalid base64 is refused", () => {
    const good = b64("\u0000alice\u0000pw1");
    expect(good.endsWith("==")).toBe(true);
    expect(decodePlain(good)).toEqual({ username: "alice", password: "pw1" });
    expect(decodePlain(good.slice(0, -1))).toBeNull();
    expect(decodePlain(good.slice(0, 4) + " " + good.slice(4))).toBeNull();
    expect(decodePlain(good.replace(/=+$/, ""))).toBeNull();
    expect(decodePlain("*")).toBeNull();
  });

  it("a message that isn't UTF-8 is refused (RFC 4616 §2: SAFE is any UTF-8 encoded character), not turned into U+FFFD", () => {
    // 0xFF and 0xFE both become U+FFFD when decoded loosely, so two different passwords would compare equal.
    const message = Buffer.concat([Buffer.from("\u0000alice\u0000pw"), Buffer.from([0xff, 0xfe])]);
    expect(decodePlain(b64(message))).toBeNull();
  });

  it("2,000 random responses never throw", () => {
    const random = seeded(0x5eed22);
    const alphabet = "AQgw+/=\u0000 aZ09*\u00e9";
    for (let i = 0; i < 2000; i++) {
      const text = random.bool()
        ? Array.from({ length: random.int(24) }, () => alphabet[random.int(alphabet.length)]).join("")
        : b64(Buffer.from(Array.from({ length: random.int(24) }, () => random.pick([0, 0, 0x61, 0x41, 0xc3, 0xa9, 0xff]))));
      expect(() => decodePlain(text)).not.toThrow();
      expect(() => decodeLoginField(text)).not.toThrow();
    }
  });
});

describe("LOGIN", () => {
  it("prompts are base64 of Username: and Password:", () => {
    expect(LOGIN_USERNAME_PROMPT).toBe("VXNlcm5hbWU6");
    expect(LOGIN_PASSWORD_PROMPT).toBe("UGFzc3dvcmQ6");
  });

  it("fields decode as UTF-8; invalid base64 gives null", () => {
    expect(decodeLoginField(b64("alice@example.test"))).toBe("alice@example.test");
    expect(decodeLoginField(b64("pässwörd"))).toBe("pässwörd");
    expect(decodeLoginField("")).toBe("");
    expect(decodeLoginField("YWxpY2U")).toBeNull();
    expect(decodeLoginField("YWx pY2U=")).toBeNull();
    expect(decodeLoginField("*")).toBeNull();
  });
});

describe("passwordsAllowed (PLAINTEXT_AUTH)", () => {
  const addresses = ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.1"];
  const loopback: Record<string, boolean> = { "127.0.0.1": true, "::1": true, "::ffff:127.0.0.1": true, "10.0.0.1": false };
  const policies: PlaintextPolicy[] = ["loopback", "never", "always"];

  for (const policy of policies) {
    for (const secure of [true, false]) {
      for (const address of addresses) {
        const expected = secure || policy === "always" || (policy === "loopback" && loopback[address]);
        it(`${policy}, ${secure ? "TLS" : "plain"}, ${address}: ${expected ? "allowed" : "refused"}`, () => {
          expect(passwordsAllowed(policy, secure, address)).toBe(expected);
        });
      }
    }
  }

  it("an unknown peer address is not loopback", () => {
    expect(passwordsAllowed("loopback", false, undefined)).toBe(false);
    expect(passwordsAllowed("loopback", true, undefined)).toBe(true);
  });
});

describe("isLoopback", () => {
  it("127.0.0.0/8 and ::1, also IPv4-mapped", () => {
    for (const address of ["127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "::ffff:127.0.0.1", "::ffff:127.9.9.9"]) {
      expect(isLoopback(address), address).toBe(true);
    }
  });

  it("anything else, including look-alikes, is not", () => {
    for (const address of ["", "10.0.0.1", "128.0.0.1", "1.127.0.0", "::2", "::ffff:10.0.0.1", "fe80::1", "::", "0.0.0.0", "::ffff:1.127.0.0"]) {
      expect(isLoopback(address), address).toBe(false);
    }
    expect(isLoopback(undefined)).toBe(false);
  });
});
