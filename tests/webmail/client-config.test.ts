// Client auto-configuration: Thunderbird's autoconfig file, Outlook's Autodiscover and the Apple profile,
// through the webmail's route handlers. No XSD for Thunderbird's format exists (its definition is the
// commented example on the Mozilla wiki, "Thunderbird:Autoconfiguration:ConfigFileFormat"), so the file
// is checked against every element and value set that page documents.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parse as parsePlist } from "plist";
import { loadConfig } from "@/lib/config";
import { clientSettings } from "@/lib/web/client-config/settings";
import { OUTLOOK_SCHEMA } from "@/lib/web/client-config/autodiscover";
import { appleMobileconfig } from "@/lib/web/client-config/mobileconfig";
import { GET as autoconfig } from "@/app/mail/config-v1.1.xml/route";
import { GET as autodiscoverGet, POST as autodiscoverPost } from "@/app/autodiscover/autodiscover.xml/route";

vi.mock("server-only", () => ({}));

const ENV = { MAIL_HOSTNAME: "mail.example.org", MAIL_DOMAINS: "example.org,example.net", DATA_DIR: "/tmp/client-config-test" };
const PORTS = { IMAPS_PORT: "993", IMAP_PORT: "143", POP3S_PORT: "995", POP3_PORT: "110", SUBMISSIONS_PORT: "465", SUBMISSION_PORT: "587" };

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, isArray: (name) => ["domain", "incomingServer", "outgoingServer", "Protocol"].includes(name) });
type Node = Record<string, unknown> & { [key: string]: unknown };

function parseXml(text: string): Node {
  expect(XMLValidator.validate(text)).toBe(true);
  return parser.parse(text) as Node;
}

/** The documented value sets of config-v1.1 (Mozilla wiki, ConfigFileFormat). */
const SOCKET_TYPES = ["plain", "SSL", "STARTTLS"];
const AUTHENTICATION = ["password-cleartext", "plain", "password-encrypted", "secure", "NTLM", "GSSAPI", "client-IP-address", "TLS-client-cert", "OAuth2", "none"];
const SERVER_CHILDREN = ["@type", "hostname", "port", "socketType", "username", "authentication"];

function checkThunderbirdServer(server: Node, types: string[]) {
  expect(types).toContain(server["@type"]);
  for (const child of Object.keys(server)) expect(SERVER_CHILDREN.concat(["password", "addThisServer", "useGlobalPreferredServer", "pop3", "authentication"])).toContain(child);
  expect(server.hostname).toMatch(/^[a-z0-9.-]+$/);
  expect(Number(server.port)).toBeGreaterThan(0);
  expect(Number(server.port)).toBeLessThan(65536);
  expect(SOCKET_TYPES).toContain(server.socketType);
  expect(AUTHENTICATION).toContain(server.authentication);
  expect(typeof server.username).toBe("string");
}

/** Every documented required part of a config-v1.1 file; returns the servers as "type host:port socket". */
function checkThunderbirdFormat(xml: string): { provider: Node; servers: string[] } {
  const root = parseXml(xml);
  expect(Object.keys(root).filter((k) => k !== "?xml")).toEqual(["clientConfig"]);
  const config = root.clientConfig as Node;
  expect(config["@version"]).toBe("1.1");
  const provider = config.emailProvider as Node;
  expect(typeof provider["@id"]).toBe("string");
  expect((provider.domain as string[]).length).toBeGreaterThan(0);
  expect(typeof provider.displayName).toBe("string");
  expect(typeof provider.displayShortName).toBe("string");
  const incoming = provider.incomingServer as Node[];
  const outgoing = provider.outgoingServer as Node[];
  expect(incoming.length).toBeGreaterThan(0);
  expect(outgoing.length).toBeGreaterThan(0);
  incoming.forEach((s) => checkThunderbirdServer(s, ["imap", "pop3"]));
  outgoing.forEach((s) => checkThunderbirdServer(s, ["smtp"]));
  const servers = [...incoming, ...outgoing].map((s) => `${s["@type"]} ${s.hostname}:${s.port} ${s.socketType}`);
  return { provider, servers };
}

function withEnv(env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  return () => {
    process.env = saved;
  };
}

describe("client settings", () => {
  it("name the public host and the configured ports, implicit TLS first, and only listeners that are on", () => {
    const settings = clientSettings(loadConfig({ ...ENV, IMAPS_PORT: "0", POP3_PORT: "0" }), "ann@example.org");
    expect(settings).toMatchObject({ username: "ann@example.org", domain: "example.org" });
    expect(settings.imap).toEqual([{ host: "mail.example.org", port: 1143, socketType: "STARTTLS" }]);
    expect(settings.pop3).toEqual([{ host: "mail.example.org", port: 1995, socketType: "SSL" }]);
    expect(settings.smtp).toEqual([
      { host: "mail.example.org", port: 2465, socketType: "SSL" },
      { host: "mail.example.org", port: 2587, socketType: "STARTTLS" },
    ]);
  });

  it("follow IMAP_URL and SMTP_URL to another server; a loopback one is this machine's public name", () => {
    const settings = clientSettings(loadConfig({ ...ENV, IMAP_URL: "imaps://imap.provider.test", SMTP_URL: "smtp://127.0.0.1:2587" }), "ann@example.org");
    expect(settings.imap).toEqual([{ host: "imap.provider.test", port: 993, socketType: "SSL" }]);
    expect(settings.pop3).toEqual([]);
    expect(settings.smtp).toEqual([{ host: "mail.example.org", port: 2587, socketType: "STARTTLS" }]);
  });
});

describe("Thunderbird autoconfig", () => {
  let restore: () => void;
  beforeEach(() => {
    restore = withEnv({ ...ENV, ...PORTS });
  });
  afterEach(() => restore());

  it("answers the documented format with the right servers and ports for the address asked", async () => {
    const response = await autoconfig(new Request("http://web.test/mail/config-v1.1.xml?emailaddress=Ann%40Example.NET"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/xml/);
    const { provider, servers } = checkThunderbirdFormat(await response.text());
    expect(provider["@id"]).toBe("example.net");
    expect(provider.domain).toEqual(["example.net", "example.org"]);
    expect(servers).toEqual([
      "imap mail.example.org:993 SSL",
      "imap mail.example.org:143 STARTTLS",
      "pop3 mail.example.org:995 SSL",
      "pop3 mail.example.org:110 STARTTLS",
      "smtp mail.example.org:465 SSL",
      "smtp mail.example.org:587 STARTTLS",
    ]);
    expect((provider.incomingServer as Node[]).every((s) => s.username === "Ann@example.net" && s.authentication === "password-cleartext")).toBe(true);
  });

  it("uses the configured ports when they are not the standard ones, and the placeholder without an address", async () => {
    restore();
    restore = withEnv({ ...ENV, IMAPS_PORT: "0", IMAP_PORT: "1143", POP3S_PORT: "0", POP3_PORT: "0", SUBMISSIONS_PORT: "0", SUBMISSION_PORT: "2587" });
    const response = await autoconfig(new Request("http://web.test/mail/config-v1.1.xml"));
    const { provider, servers } = checkThunderbirdFormat(await response.text());
    expect(servers).toEqual(["imap mail.example.org:1143 STARTTLS", "smtp mail.example.org:2587 STARTTLS"]);
    expect((provider.outgoingServer as Node[])[0].username).toBe("%EMAILADDRESS%");
    expect(provider["@id"]).toBe("example.org");
  });

  it("refuses an address that isn't one, in words, without echoing markup", async () => {
    for (const bad of ['"><x/>@a.test', "a@b@c", "x".repeat(300) + "@a.test", "ann@exa mple.org"]) {
      const response = await autoconfig(new Request(`http://web.test/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(bad)}`));
      expect(response.status).toBe(400);
      expect(await response.text()).toBe("emailaddress is not an e-mail address.\n");
    }
  });
});

const request = (address: string, schema = OUTLOOK_SCHEMA) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`;

async function post(body: string | Uint8Array<ArrayBuffer>): Promise<{ status: number; xml: Node }> {
  const response = await autodiscoverPost(new Request("http://web.test/autodiscover/autodiscover.xml", { method: "POST", body, headers: { "content-type": "text/xml" } }));
  return { status: response.status, xml: parseXml(await response.text()) };
}

function errorOf(xml: Node): { code: string; message: string } {
  const error = ((xml.Autodiscover as Node).Response as Node).Error as Node;
  return { code: String(error.ErrorCode), message: String(error.Message) };
}

describe("Outlook Autodiscover", () => {
  let restore: () => void;
  beforeEach(() => {
    restore = withEnv({ ...ENV, ...PORTS });
  });
  afterEach(() => restore());

  it("answers a request in the outlook response schema with IMAP, POP3 and SMTP", async () => {
    const { status, xml } = await post(request("ann@example.org"));
    expect(status).toBe(200);
    const root = xml.Autodiscover as Node;
    expect(root["@xmlns"]).toBe("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
    const response = root.Response as Node;
    expect(response["@xmlns"]).toBe(OUTLOOK_SCHEMA);
    const account = response.Account as Node;
    expect([account.AccountType, account.Action]).toEqual(["email", "settings"]);
    const protocols = (account.Protocol as Node[]).map((p) => `${p.Type} ${p.Server}:${p.Port} ${p.Encryption} ${p.LoginName} SSL=${p.SSL} SPA=${p.SPA} Auth=${p.AuthRequired}`);
    expect(protocols).toEqual([
      "IMAP mail.example.org:993 SSL ann@example.org SSL=on SPA=off Auth=on",
      "POP3 mail.example.org:995 SSL ann@example.org SSL=on SPA=off Auth=on",
      "SMTP mail.example.org:465 SSL ann@example.org SSL=on SPA=off Auth=on",
    ]);
  });

  it("answers GET ?emailaddress= the same way, and without one an error", async () => {
    const good = await autodiscoverGet(new Request("http://web.test/autodiscover/autodiscover.xml?emailaddress=ann@example.org"));
    expect(good.status).toBe(200);
    expect(await good.text()).toContain("<Server>mail.example.org</Server>");
    const bad = await autodiscoverGet(new Request("http://web.test/autodiscover/autodiscover.xml"));
    expect(bad.status).toBe(400);
    expect(errorOf(parseXml(await bad.text())).code).toBe("600");
  });

  it("answers the ActiveSync schema it doesn't provide with error 601", async () => {
    const { status, xml } = await post(request("ann@example.org", "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"));
    expect(status).toBe(200);
    expect(errorOf(xml).code).toBe("601");
  });

  it("answers hostile and broken requests with error 600, expanding no entity and reading no file", async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>${request("&lol4;@example.org").replace(/^<\?xml[^>]*\?>/, "")}`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY file SYSTEM "file:///etc/passwd">]>${request("&file;").replace(/^<\?xml[^>]*\?>/, "")}`;
    const cases: [string, string | Uint8Array<ArrayBuffer>][] = [
      ["billion laughs", laughs],
      ["external entity", xxe],
      ["deep nesting", "<a>".repeat(2_000) + "</a>".repeat(2_000)],
      ["not XML", "\u0000\u00ff binary \u0001"],
      ["bytes", new Uint8Array([0xff, 0xfe, 0x00, 0x3c, 0x80])],
      ["unclosed", "<Autodiscover><Request><EMailAddress>ann@example.org</Request>"],
      ["no address", request("")],
      ["two addresses", request("a@example.org</EMailAddress><EMailAddress>b@example.org")],
      ["markup in the address", request("a&lt;script&gt;@example.org")],
      ["wrong root", "<Other><Request><EMailAddress>ann@example.org</EMailAddress></Request></Other>"],
      ["empty", ""],
    ];
    for (const [name, body] of cases) {
      const { status, xml } = await post(body);
      expect([name, status, errorOf(xml).code]).toEqual([name, 400, "600"]);
      expect(JSON.stringify(xml)).not.toMatch(/lollol|root:/);
    }
    const huge = await autodiscoverPost(new Request("http://web.test/autodiscover/autodiscover.xml", { method: "POST", body: request("a".repeat(2_000_000) + "@example.org") }));
    expect(huge.status).toBe(413);
  });
});

describe("Apple configuration profile", () => {
  it("parses back as a plist with one com.apple.mail.managed payload naming the configured servers", () => {
    const config = loadConfig({ ...ENV, IMAPS_PORT: "0", SUBMISSIONS_PORT: "0" });
    const xml = appleMobileconfig({ settings: clientSettings(config, "ann@example.org"), hostname: config.hostname, displayName: "example.org", description: "Mail <&> settings" })!;
    const profile = parsePlist(xml) as Record<string, unknown>;
    expect(profile).toMatchObject({ PayloadType: "Configuration", PayloadVersion: 1, PayloadIdentifier: "org.example.mail.mail.ann@example.org", PayloadDescription: "Mail <&> settings" });
    const payloads = profile.PayloadContent as Record<string, unknown>[];
    expect(payloads).toHaveLength(1);
    expect(payloads[0]).toMatchObject({
      PayloadType: "com.apple.mail.managed",
      EmailAccountType: "EmailTypeIMAP",
      EmailAddress: "ann@example.org",
      IncomingMailServerHostName: "mail.example.org",
      IncomingMailServerPortNumber: 1143,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: "ann@example.org",
      IncomingMailServerAuthentication: "EmailAuthPassword",
      OutgoingMailServerHostName: "mail.example.org",
      OutgoingMailServerPortNumber: 2587,
      OutgoingMailServerUseSSL: true,
      OutgoingPasswordSameAsIncomingPassword: true,
    });
    expect(profile.PayloadUUID).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    // The same account gets the same identifiers: downloading again replaces the installed profile.
    expect(appleMobileconfig({ settings: clientSettings(config, "ann@example.org"), hostname: config.hostname, displayName: "x", description: "y" })).toContain(String(profile.PayloadUUID));
  });
});
