"use client";

// The address book: groups, the contact list with search, and the contact being edited. On wide screens
// side by side; on phones the list, or the contact in its place.
import { ArrowLeft, Plus, Search, UserRound } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ConfirmDialog } from "@/components/mail/modal";
import type { ContactInput, ContactView, GroupView } from "@/lib/user-agent/contacts/types";
import { addGroup, deleteContact, forgetCollected, deleteGroup, fetchAddressBook, renameGroup, saveContact, saveSettings, type AddressBook } from "./api";
import { ContactForm } from "./contact-form";
import { GroupList } from "./group-list";
import { ImportExport } from "./import-export";

type Editing = { contact: ContactView | null } | null;
type Confirm = { kind: "contact"; contact: ContactView } | { kind: "group"; group: GroupView } | null;

function matches(contact: ContactView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [contact.name, contact.notes, ...contact.emails.map((email) => email.value), ...contact.phones.map((phone) => phone.value)].some((text) => text.toLowerCase().includes(q));
}

export function ContactsPage() {
  const t = useTranslations("Contacts");
  const [book, setBook] = useState<AddressBook | null>(null);
  const [query, setQuery] = useState("");
  const [group, setGroup] = useState<number | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const fail = (failure: unknown) => setMessage({ text: failure instanceof Error ? failure.message : String(failure), error: true });
  const reload = useCallback(() => {
    fetchAddressBook().then(setBook, fail);
  }, []);
  useEffect(reload, [reload]);

  const members = useMemo(() => new Set(book?.groups.find((entry) => entry.id === group)?.members ?? []), [book, group]);
  const shown = useMemo(() => (book?.contacts ?? []).filter((contact) => (group === null || members.has(contact.id)) && matches(contact, query)), [book, group, members, query]);

  const save = async (input: ContactInput) => {
    await saveContact(input, editing?.contact?.id ?? null);
    setEditing(null);
    setMessage({ text: t("saved"), error: false });
    reload();
  };
  const withGroups = (change: Promise<GroupView[]>) =>
    change.then((groups) => setBook((state) => (state ? { ...state, groups } : state))).catch((failure: unknown) => {
      fail(failure);
      throw failure;
    });
  const confirmed = () => {
    if (!confirm) return;
    const done = confirm.kind === "contact" ? deleteContact(confirm.contact.id).then(() => setMessage({ text: t("deleted"), error: false })) : deleteGroup(confirm.group.id).then(() => setGroup(null));
    setConfirm(null);
    setEditing(null);
    done.then(reload, fail);
  };

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex h-14 shrink-0 items-center gap-2 border-b border-slate-200 bg-white px-2 sm:px-4 dark:border-slate-800 dark:bg-slate-900">
        <Link href="/" aria-label={t("backToMail")} title={t("backToMail")} className="inline-flex size-11 shrink-0 items-center justify-center rounded-lg hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800">
          <ArrowLeft aria-hidden="true" className="size-5" />
        </Link>
        <h1 className="hidden text-lg font-semibold sm:block">{t("title")}</h1>
        <div className="relative ml-auto max-w-sm min-w-0 flex-1">
          <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
          <input type="search" aria-label={t("search")} placeholder={t("search")} value={query} onChange={(event) => setQuery(event.target.value)} className="min-h-11 w-full rounded-lg border border-slate-300 bg-white pr-3 pl-9 text-sm dark:border-slate-700 dark:bg-slate-950" />
        </div>
        <button type="button" onClick={() => setEditing({ contact: null })} aria-label={t("newContact")} className="inline-flex size-11 shrink-0 items-center justify-center gap-2 rounded-lg bg-indigo-600 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 lg:w-auto lg:px-4">
          <Plus aria-hidden="true" className="size-5" />
          <span className="hidden lg:inline">{t("newContact")}</span>
        </button>
      </header>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
        {book && book.groups.length > 0 && (
          // On phones the group list has no room: a menu filters instead.
          <select aria-label={t("groups")} value={group ?? ""} onChange={(event) => setGroup(event.target.value ? Number(event.target.value) : null)} className="min-h-11 rounded-lg border border-slate-300 bg-white px-2 text-sm md:hidden dark:border-slate-700 dark:bg-slate-950">
            <option value="">{t("all")}</option>
            {book.groups.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.name}
              </option>
            ))}
          </select>
        )}
        <ImportExport onImported={reload} onMessage={setMessage} />
        {book && (
          <label className="inline-flex min-h-11 items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4"
              checked={book.settings.collectRecipients}
              onChange={(event) => saveSettings({ collectRecipients: event.target.checked }).then((settings) => setBook({ ...book, settings }), fail)}
            />
            {t("collect")}
          </label>
        )}
        <button type="button" onClick={() => forgetCollected().then(() => setMessage({ text: t("forgotten"), error: false }), fail)} className="inline-flex min-h-11 items-center rounded-lg px-3 text-sm text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800">
          {t("forget")}
        </button>
        {message && (
          <p role={message.error ? "alert" : "status"} className={`basis-full text-sm ${message.error ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-300"}`}>
            {message.text}
          </p>
        )}
      </div>
      <div className="grid min-h-0 flex-1 grid-cols-1 md:grid-cols-[14rem_minmax(0,1fr)] lg:grid-cols-[14rem_minmax(0,22rem)_minmax(0,1fr)]">
        <div className="hidden overflow-y-auto border-r border-slate-200 bg-slate-50 md:block dark:border-slate-800 dark:bg-slate-950">
          {book && <GroupList groups={book.groups} total={book.contacts.length} current={group} onSelect={setGroup} onAdd={(name) => withGroups(addGroup(name))} onRename={(id, name) => withGroups(renameGroup(id, name))} onDelete={(entry) => setConfirm({ kind: "group", group: entry })} />}
        </div>
        <section aria-label={t("list")} className={`${editing ? "hidden lg:block" : ""} min-h-0 overflow-y-auto border-r border-slate-200 dark:border-slate-800`}>
          {book && shown.length === 0 && <p className="p-6 text-sm text-slate-500">{query ? t("noMatch", { query }) : t("empty")}</p>}
          <ul>
            {shown.map((contact) => (
              <li key={contact.id}>
                <button
                  type="button"
                  aria-current={editing?.contact?.id === contact.id ? "true" : undefined}
                  onClick={() => setEditing({ contact })}
                  className={`flex min-h-14 w-full items-center gap-3 border-b border-slate-100 px-4 py-2 text-left hover:bg-slate-50 dark:border-slate-900 dark:hover:bg-slate-900 ${editing?.contact?.id === contact.id ? "bg-indigo-50 dark:bg-indigo-950" : ""}`}
                >
                  <UserRound aria-hidden="true" className="size-5 shrink-0 text-slate-400" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium">{contact.name || t("noName")}</span>
                    <span className="block truncate text-xs text-slate-500">{contact.emails[0]?.value ?? contact.phones[0]?.value ?? ""}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section aria-label={t("editor")} className={`${editing ? "" : "hidden lg:block"} min-h-0 overflow-y-auto md:col-span-1`}>
          {editing && (
            <>
              <div className="border-b border-slate-200 px-2 py-1 lg:hidden dark:border-slate-800">
                <button type="button" onClick={() => setEditing(null)} aria-label={t("back")} title={t("back")} className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-100 dark:hover:bg-slate-800">
                  <ArrowLeft aria-hidden="true" className="size-5" />
                </button>
              </div>
              <ContactForm
                key={editing.contact?.id ?? "new"}
                contact={editing.contact}
                groups={book?.groups ?? []}
                onSave={save}
                onCancel={() => setEditing(null)}
                onDelete={editing.contact ? () => setConfirm({ kind: "contact", contact: editing.contact as ContactView }) : null}
              />
            </>
          )}
        </section>
      </div>
      {confirm && (
        <ConfirmDialog
          title={confirm.kind === "contact" ? t("delete") : t("deleteGroup", { name: confirm.group.name })}
          message={confirm.kind === "contact" ? t("deleteConfirm", { name: confirm.contact.name || confirm.contact.emails[0]?.value || t("noName") }) : t("deleteGroupConfirm", { name: confirm.group.name })}
          confirmLabel={t("delete")}
          onConfirm={confirmed}
          onCancel={() => setConfirm(null)}
        />
      )}
    </div>
  );
}
