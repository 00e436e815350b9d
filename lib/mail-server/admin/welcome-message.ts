// The message a new account finds in its INBOX after signing up: what the address is, how to reach it
// from other mail apps, how much it may hold. Written by the mail server itself (it knows the ports and
// the quota), in the language the sign-up page was shown in.
import { randomBytes } from "node:crypto";
import libmime from "libmime";
import type { Config } from "@/lib/config";
import { analyzeMessage } from "@/lib/mime/analyze";
import { rfc5322Date } from "../smtp/rfc5322-date";
import type { MailStore } from "../store";
import { humanBytes } from "@/lib/format-bytes";

export const WELCOME_LANGUAGES = ["en", "zh-CN"] as const;
export type WelcomeLanguage = (typeof WELCOME_LANGUAGES)[number];

interface Facts {
  name: string;
  address: string;
  host: string;
  imapPort: number;
  submissionPort: number;
  quota: string;
}

const WORDS: Record<WelcomeLanguage, { subject: string; body: (facts: Facts) => string }> = {
  en: {
    subject: "Welcome to your new mailbox",
    body: (f) =>
      [
        `Hello ${f.name},`,
        "",
        `your address ${f.address} is ready. Besides this webmail, any mail app (Thunderbird, Apple Mail, Outlook, your phone's) can read and send your mail:`,
        "",
        ...(f.imapPort ? [`  Incoming mail (IMAP): ${f.host}, port ${f.imapPort}, STARTTLS`] : []),
        ...(f.submissionPort ? [`  Outgoing mail (SMTP): ${f.host}, port ${f.submissionPort}, STARTTLS`] : []),
        `  User name: ${f.address}, with the password you chose`,
        "",
        `Your mailbox holds up to ${f.quota}.`,
        "",
        "Welcome!",
      ].join("\n"),
  },
  "zh-CN": {
    subject: "欢迎使用您的新邮箱",
    body: (f) =>
      [
        `${f.name}，您好：`,
        "",
        `您的邮箱地址 ${f.address} 已经可以使用了。除了网页邮箱，您也可以用任何邮件应用（Thunderbird、Apple 邮件、Outlook 或手机自带的邮件应用）收发邮件：`,
        "",
        ...(f.imapPort ? [`  收信服务器（IMAP）：${f.host}，端口 ${f.imapPort}，STARTTLS`] : []),
        ...(f.submissionPort ? [`  发信服务器（SMTP）：${f.host}，端口 ${f.submissionPort}，STARTTLS`] : []),
        `  用户名：${f.address}，密码为您注册时设置的密码`,
        "",
        `您的邮箱容量为 ${f.quota}。`,
        "",
        "欢迎！",
      ].join("\n"),
  },
};

export function buildWelcomeMessage(config: Config, account: { address: string; displayName: string; quotaBytes: bigint }, language: WelcomeLanguage, now = new Date()): Buffer {
  const domain = account.address.slice(account.address.lastIndexOf("@") + 1);
  const words = WORDS[language];
  const body = words.body({
    name: account.displayName || account.address.slice(0, account.address.lastIndexOf("@")),
    address: account.address,
    host: config.hostname,
    imapPort: config.ports.imap,
    submissionPort: config.ports.submission,
    quota: humanBytes(account.quotaBytes),
  });
  const header = [
    `From: ${libmime.encodeWord(language === "zh-CN" ? "邮件管理员" : "Postmaster", "B")} <postmaster@${domain}>`,
    `To: <${account.address}>`,
    `Subject: ${libmime.encodeWord(words.subject, "B")}`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <welcome.${randomBytes(10).toString("hex")}@${config.hostname}>`,
    "Auto-Submitted: auto-generated",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
  ];
  const encoded = Buffer.from(body.replace(/\n/g, "\r\n"), "utf8").toString("base64").replace(/.{76}/g, "$&\r\n");
  return Buffer.from(`${header.join("\r\n")}\r\n\r\n${encoded}\r\n`, "utf8");
}

/** Stores the welcome message in the account's INBOX. */
export async function deliverWelcomeMessage(store: MailStore, account: { id: number; address: string; displayName: string; quotaBytes: bigint }, language: WelcomeLanguage): Promise<void> {
  const raw = buildWelcomeMessage(store.config, account, language);
  await store.append([{ accountId: account.id, raw, analysis: await analyzeMessage(raw) }]);
}
