"use client";

// The identities the composer offers as From (Settings → Identities), asked once per page.
import { useEffect, useState } from "react";
import { getJson } from "@/components/mail/api";
import type { Identity } from "@/lib/user-agent/settings/types";

let identities: Promise<Identity[]> | null = null;

export function fetchIdentities(): Promise<Identity[]> {
  identities ??= getJson<{ identities: Identity[] }>("/api/settings/identities").then(
    (answer) => answer.identities,
    () => {
      identities = null;
      return [];
    },
  );
  return identities;
}

/** null while loading; [] when they could not be had (the account's own address is used then). */
export function useIdentities(): Identity[] | null {
  const [list, setList] = useState<Identity[] | null>(null);
  useEffect(() => {
    let current = true;
    void fetchIdentities().then((loaded) => {
      if (current) setList(loaded);
    });
    return () => {
      current = false;
    };
  }, []);
  return list;
}
