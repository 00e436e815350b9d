/**
 * A deterministic mailbox for the IMAP benchmark: the same seed gives the same bytes, so both
 * servers get one mailbox and a rerun measures the same thing.
 *
 * What makes it realistic enough to be fair to both sides: sizes like a personal mailbox (mostly
 * a few KB of text, some HTML alternatives, a tenth with attachments in a long tail), the headers
 * real mail carries (Received chains, DKIM, List-Id, encoded words), threads (Re:/Fwd:, In-Reply-To
 * and References), years of dates whose Date header is not in arrival order, and some non-ASCII
 * text in 8bit and quoted-printable. Two marker words are planted in the body text only (never in
 * headers, never in attachments), so SEARCH TEXT must agree on both servers and the expected
 * count is known.
 */

/** Planted in about 8 % of the messages' body text. */
export const COMMON_WORD = "quarterly";
/** Planted in about 0.05 % of the messages' body text. */
export const RARE_WORD = "xylophonic";
const COMMON_RATE = 0.08;
const RARE_RATE = 0.0005;

export interface CorpusMessage {
  /** CRLF line endings, as both servers store mail. */
  raw: Buffer;
  /** Arrival time: Maildir mtime and filename for Dovecot, the mbox "From " line for ours. */
  received: Date;
  hasCommon: boolean;
  hasRare: boolean;
}

/** sfc32: small, fast, good enough statistically, and the same on every platform. */
class Random {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Log-normal around a median: the shape of mail sizes (many small, a long tail). */
  logNormal(median: number, sigma: number): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }

  fill(bytes: Buffer): void {
    for (let i = 0; i + 4 <= bytes.length; i += 4) bytes.writeUInt32LE((this.next() * 4294967296) >>> 0, i);
  }
}

// Ordinary words, roughly by frequency (earlier ones are picked more often). None contains a marker.
const WORDS = (
  "the of and to in is that for it as was with be by on not he this are or his from at which but have an they you " +
  "were her she there one all we their been has when who will more no if out so said what up its about into than them " +
  "can only other new some could time these two may then do first any my now such like our over man me even most made " +
  "after also did many before must through back years where much your way well down should because each just those " +
  "people how too little state good very make world still own see men work long get here between both life being under " +
  "never day same another know while last might great old year off come since against go came right used take three " +
  "meeting project report budget review draft schedule team customer release server update deadline invoice contract " +
  "proposal agenda minutes forecast figures numbers attached please thanks regards question issue ticket deploy build " +
  "morning afternoon tomorrow yesterday week month office travel flight hotel lunch dinner conference presentation slides " +
  "feedback approval signature payment account order shipment delivery warehouse supplier vendor pricing discount renewal " +
  "database migration backup outage incident monitoring latency throughput capacity storage network firewall certificate"
).split(" ");
const FOREIGN = [
  "Grüße", "schön", "Müller", "Straße", "über", "Änderung", "réunion", "déjà", "été", "français", "année", "señor", "mañana",
  "año", "información", "São", "Paulo", "Kraków", "Łódź", "Ελλάδα", "Москва", "привет", "会議", "資料", "ありがとう", "東京", "北京", "😀",
];
const FIRST = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yves"];
const LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke"];
const FOREIGN_NAMES = ["Jürgen Müller", "François Dupont", "José García", "Zoë Ødegård", "Łukasz Wójcik", "山田 太郎", "Δημήτρης Παπαδόπουλος", "Иван Петров"];
const DOMAINS = ["example.com", "example.org", "example.net", "mail.example.de", "corp.example.co.uk", "lists.example.org", "shop.example.fr", "news.example.jp"];
const LISTS = ["dev", "announce", "users", "ops", "security"];
const MAILERS = ["Mozilla Thunderbird 115.3.1", "Microsoft Outlook 16.0", "Apple Mail (2.3696)", "Roundcube Webmail/1.6.2", "mutt 2.2.9", "Evolution 3.46.4"];
const ATTACHMENTS = [
  { type: "application/pdf", ext: "pdf", names: ["report", "invoice", "contract", "slides", "minutes"] },
  { type: "image/jpeg", ext: "jpg", names: ["photo", "IMG_2041", "scan", "screenshot"] },
  { type: "image/png", ext: "png", names: ["diagram", "chart", "logo"] },
  { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: "xlsx", names: ["figures", "budget", "forecast"] },
  { type: "application/zip", ext: "zip", names: ["archive", "logs", "export"] },
];

const START = Date.UTC(2019, 0, 1);
const END = Date.UTC(2025, 11, 31);
const ME = { name: "Bench User", address: "user@bench.test" };

interface Sent {
  messageId: string;
  subject: string;
  references: string[];
  from: { name: string; address: string };
}

function encodedWord(text: string): string {
  // RFC 2047 B-encoding in pieces of whole characters (an encoded word is at most 75 bytes).
  const pieces: string[] = [];
  let piece = "";
  for (const ch of text) {
    if (Buffer.byteLength(piece + ch) > 45) {
      pieces.push(piece);
      piece = "";
    }
    piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces.map((p) => `=?UTF-8?B?${Buffer.from(p).toString("base64")}?=`).join("\r\n ");
}

const isAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);
const headerText = (text: string) => (isAscii(text) ? text : encodedWord(text));
const mailbox = (who: { name: string; address: string }) => `${isAscii(who.name) ? `"${who.name}"` : encodedWord(who.name)} <${who.address}>`;

function rfc2822Date(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${days[local.getUTCDay()]}, ${local.getUTCDate()} ${months[local.getUTCMonth()]} ${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/**
 * Base64 of `length` pseudo-random bytes in 76-column lines, built on one shared random pool: a
 * tenth of the mailbox is attachments, and filling each byte from the generator would dominate
 * the time it takes to make the corpus. Random-looking is all that matters (incompressible,
 * no marker words).
 */
const POOL = (() => {
  const pool = Buffer.alloc(8 * 1024 * 1024);
  new Random(0xa77ac4).fill(pool);
  return pool;
})();
function base64Lines(random: Random, length: number): string {
  const start = random.int(0, POOL.length - 1);
  const parts: Buffer[] = [];
  let left = length;
  let at = start;
  while (left > 0) {
    const n = Math.min(left, POOL.length - at);
    parts.push(POOL.subarray(at, at + n));
    left -= n;
    at = 0;
  }
  return Buffer.concat(parts).toString("base64").replace(/.{76}/g, "$&\r\n").replace(/\r\n$/, "");
}

export class Corpus {
  private readonly random: Random;
  private readonly recent: Sent[] = [];
  private index = 0;
  private readonly step: number;

  constructor(
    readonly count: number,
    seed = 20261126,
  ) {
    this.random = new Random(seed);
    // Arrivals spread evenly over the years, at least a second apart (Maildir names sort by it).
    this.step = Math.max(1000, Math.floor((END - START) / Math.max(count, 1)));
  }

  *messages(): Generator<CorpusMessage> {
    while (this.index < this.count) yield this.next();
  }

  private person(): { name: string; address: string } {
    const r = this.random;
    if (r.chance(0.06)) {
      const name = r.pick(FOREIGN_NAMES);
      return { name, address: `user${r.int(1, 400)}@${r.pick(DOMAINS)}` };
    }
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    return { name: `${first} ${last}`, address: `${first.toLowerCase()}.${last.toLowerCase()}@${r.pick(DOMAINS)}` };
  }

  private word(foreign: boolean): string {
    const r = this.random;
    if (foreign && r.chance(0.15)) return r.pick(FOREIGN);
    // Squaring skews toward the front of the list, like word frequencies.
    const x = r.next();
    return WORDS[Math.floor(x * x * WORDS.length)];
  }

  /** Paragraphs of wrapped lines (never starting with "From ", so mbox needs no quoting). */
  private paragraphs(bytes: number, foreign: boolean, markers: string[]): string[][] {
    const r = this.random;
    const paras: string[][] = [];
    let total = 0;
    const pending = [...markers];
    while (total < bytes) {
      const lines: string[] = [];
      const sentences = r.int(2, 6);
      let line = "";
      for (let s = 0; s < sentences; s++) {
        const n = r.int(6, 18);
        for (let w = 0; w < n; w++) {
          let word = this.word(foreign);
          if (w === 0) word = word[0].toUpperCase() + word.slice(1);
          if (pending.length && r.chance(0.05)) word = pending.pop()!;
          if (w === n - 1) word += r.pick([".", ".", ".", "?", "!"]);
          if (line && line.length + word.length + 1 > 72) {
            lines.push(line);
            total += line.length + 2;
            line = "";
          }
          line = line ? `${line} ${word}` : word;
        }
      }
      if (pending.length) line += ` ${pending.splice(0).join(" ")}.`;
      lines.push(line);
      total += line.length + 4;
      paras.push(lines);
    }
    if (pending.length) paras.push([pending.join(" ")]);
    return paras;
  }

  private next(): CorpusMessage {
    const r = this.random;
    const i = this.index++;
    const received = new Date(START + i * this.step + r.int(0, this.step - 1000));
    // Date header: usually minutes before arrival; sometimes hours or days off (clocks, queues, spam).
    const skew = r.chance(0.9) ? r.int(5, 600) : r.chance(0.5) ? r.int(3600, 5 * 86400) : -r.int(60, 2 * 86400);
    const sent = new Date(received.getTime() - skew * 1000);
    const offset = r.pick([0, 60, 120, -300, -420, 330, 540, -180]);

    // A reply to a recent message half of the time: threads with References chains.
    const parent = this.recent.length && r.chance(0.45) ? r.pick(this.recent) : null;
    const forward = parent !== null && r.chance(0.12);
    const from = r.chance(0.15) ? ME : parent && !forward && r.chance(0.6) ? parent.from : this.person();
    const foreign = r.chance(0.12);
    const baseSubject = parent
      ? parent.subject.replace(/^((Re|Fwd|AW|WG):\s*)+/i, "")
      : foreign && r.chance(0.5)
        ? `${this.word(true)} ${this.word(true)} ${this.word(false)}`
        : Array.from({ length: r.int(2, 8) }, () => this.word(false)).join(" ").replace(/^./, (c) => c.toUpperCase());
    const subject = parent ? `${forward ? "Fwd" : r.chance(0.1) ? "AW" : "Re"}: ${baseSubject}` : baseSubject;
    const messageId = `<${received.getTime().toString(36)}.${i}.${r.int(0, 1e9).toString(36)}@${from.address.split("@")[1]}>`;
    const references = parent ? [...parent.references.slice(-9), parent.messageId] : [];
    const sentRecord: Sent = { messageId, subject, references, from };
    this.recent.push(sentRecord);
    if (this.recent.length > 300) this.recent.splice(0, this.recent.length - 300);

    const hasCommon = r.chance(COMMON_RATE);
    const hasRare = r.chance(RARE_RATE);
    const markers = [...(hasCommon ? [COMMON_WORD] : []), ...(hasRare ? [RARE_WORD] : [])];

    const headers: string[] = [];
    const server = `mx${r.int(1, 4)}.bench.test`;
    headers.push(`Return-Path: <${from.address}>`);
    headers.push(`Delivered-To: ${ME.address}`);
    for (let hop = r.int(1, 3); hop > 0; hop--) {
      headers.push(
        `Received: from mail${r.int(1, 99)}.${from.address.split("@")[1]} (mail${r.int(1, 99)}.${from.address.split("@")[1]} [192.0.2.${r.int(1, 254)}])\r\n` +
          `\tby ${server} (Postfix) with ESMTPS id ${r.int(0, 2 ** 30).toString(16).toUpperCase()}\r\n` +
          `\tfor <${ME.address}>; ${rfc2822Date(received, 0)}`,
      );
    }
    if (r.chance(0.4)) {
      const signature = base64Lines(r, 256).replace(/\r\n/g, "");
      headers.push(
        `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${from.address.split("@")[1]}; s=s${r.int(1, 9)};\r\n` +
          `\th=from:to:subject:date:message-id; bh=${base64Lines(r, 32)};\r\n\tb=${signature.replace(/.{70}/g, "$&\r\n\t ")}`,
      );
    }
    headers.push(`Message-ID: ${messageId}`);
    headers.push(`Date: ${rfc2822Date(sent, offset)}`);
    headers.push(`From: ${mailbox(from)}`);
    const to = from === ME ? this.person() : ME;
    const extraTo = r.chance(0.25) ? Array.from({ length: r.int(1, 4) }, () => this.person()) : [];
    headers.push(`To: ${[to, ...extraTo].map(mailbox).join(",\r\n ")}`);
    if (r.chance(0.2)) headers.push(`Cc: ${Array.from({ length: r.int(1, 3) }, () => mailbox(this.person())).join(",\r\n ")}`);
    headers.push(`Subject: ${headerText(subject)}`);
    if (parent) {
      headers.push(`In-Reply-To: ${parent.messageId}`);
      headers.push(`References: ${references.join("\r\n ")}`);
    }
    if (r.chance(0.2)) {
      const list = r.pick(LISTS);
      headers.push(`List-Id: ${list} <${list}.lists.example.org>`);
      headers.push(`List-Unsubscribe: <mailto:${list}-unsubscribe@lists.example.org>`);
      headers.push(`Precedence: list`);
    }
    headers.push(`X-Mailer: ${r.pick(MAILERS)}`);
    headers.push("MIME-Version: 1.0");

    // Text: a few KB typically, sometimes much more; replies quote some of what they answer.
    const textBytes = Math.min(Math.round(r.logNormal(2600, 0.9)), 120_000);
    const paras = this.paragraphs(textBytes, foreign, markers);
    if (parent && !forward && r.chance(0.7)) {
      const quoted = this.paragraphs(Math.round(r.logNormal(1500, 0.8)), false, []);
      paras.push([`On ${rfc2822Date(new Date(sent.getTime() - 86400_000), 0)}, ${parent.from.name} wrote:`]);
      for (const q of quoted) paras.push(q.map((l) => `> ${l}`));
    }
    paras.push(["-- ", from.name]);
    const plain = paras.map((p) => p.join("\r\n")).join("\r\n\r\n") + "\r\n";

    const kind = r.next();
    let body: string;
    let contentHeaders: string[];
    const textPart = (): { headers: string[]; body: string } =>
      isAscii(plain.replace(/\r\n/g, ""))
        ? { headers: ["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"], body: plain }
        : r.chance(0.5)
          ? { headers: ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"], body: plain }
          : { headers: ["Content-Type: text/plain; charset=utf-8; format=flowed", "Content-Transfer-Encoding: quoted-printable"], body: quotedPrintable(plain) };
    const htmlPart = (): { headers: string[]; body: string } => {
      const html =
        `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p{margin:0 0 1em 0;font-family:Calibri,Arial,sans-serif;font-size:11pt}` +
        `</style></head>\r\n<body lang="en-US">\r\n<div class="WordSection1">\r\n` +
        paras.map((p) => `<p class="MsoNormal">${p.join("<br>\r\n")}</p>`).join("\r\n") +
        `\r\n</div>\r\n</body></html>\r\n`;
      return { headers: ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"], body: quotedPrintable(html) };
    };
    const boundary = (n: number) => `----=_Part_${i}_${n}.${received.getTime()}`;
    const part = (p: { headers: string[]; body: string }) => `${p.headers.join("\r\n")}\r\n\r\n${p.body}`;
    const multipart = (b: string, parts: string[]) => `This is a multi-part message in MIME format.\r\n\r\n${parts.map((p) => `--${b}\r\n${p}`).join("\r\n")}\r\n--${b}--\r\n`;

    if (kind < 0.64) {
      const p = textPart();
      contentHeaders = p.headers;
      body = p.body;
    } else if (kind < 0.9) {
      const b = boundary(1);
      contentHeaders = [`Content-Type: multipart/alternative;\r\n\tboundary="${b}"`];
      body = multipart(b, [part(textPart()), part(htmlPart())]);
    } else {
      const mixed = boundary(2);
      const inner = r.chance(0.5) ? boundary(3) : null;
      const first = inner ? `Content-Type: multipart/alternative;\r\n\tboundary="${inner}"\r\n\r\n${multipart(inner, [part(textPart()), part(htmlPart())])}` : part(textPart());
      const attachments: string[] = [];
      for (let n = r.chance(0.8) ? 1 : r.int(2, 3); n > 0; n--) {
        const kindOf = r.pick(ATTACHMENTS);
        const name = `${r.pick(kindOf.names)}${r.chance(0.1) ? "-Übersicht" : ""}-${r.int(1, 999)}.${kindOf.ext}`;
        const size = Math.min(Math.round(r.logNormal(14_000, 1.3)), 4_000_000);
        const encodedName = isAscii(name) ? `"${name}"` : `"${encodedWord(name)}"`;
        attachments.push(
          `Content-Type: ${kindOf.type};\r\n\tname=${encodedName}\r\nContent-Disposition: attachment;\r\n\tfilename=${encodedName}\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(r, size)}\r\n`,
        );
      }
      contentHeaders = [`Content-Type: multipart/mixed;\r\n\tboundary="${mixed}"`];
      body = multipart(mixed, [first, ...attachments]);
    }
    const raw = Buffer.from(`${[...headers, ...contentHeaders].join("\r\n")}\r\n\r\n${body}`, "utf8");
    return { raw, received, hasCommon, hasRare };
  }
}

/** Quoted-printable (RFC 2045 §6.7) that never splits a word: lines are already short, so soft breaks fall at spaces. */
function quotedPrintable(text: string): string {
  return text
    .split("\r\n")
    .map((line) => {
      const encoded = [...Buffer.from(line, "utf8")]
        .map((b) => (b === 0x3d || b > 0x7e || (b < 0x20 && b !== 0x09) ? `=${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b)))
        .join("")
        .replace(/[ \t]$/, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
      const out: string[] = [];
      let rest = encoded;
      while (rest.length > 76) {
        // After a space at most 75 columns in; failing that at 75, but never inside an =XX escape.
        let cut = rest.lastIndexOf(" ", 74) + 1;
        if (cut <= 0) {
          cut = 75;
          if (rest[cut - 1] === "=") cut -= 1;
          else if (rest[cut - 2] === "=") cut -= 2;
        }
        out.push(`${rest.slice(0, cut)}=`);
        rest = rest.slice(cut);
      }
      out.push(rest);
      return out.join("\r\n");
    })
    .join("\r\n");
}
