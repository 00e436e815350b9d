import { cookies } from "next/headers";
import { readPreferences, type Preferences } from "./preferences";

/** The signed-in reader's display preferences, from this request's cookies (server components only). */
export async function requestPreferences(): Promise<Preferences> {
  const store = await cookies();
  return readPreferences((name) => store.get(name)?.value);
}
