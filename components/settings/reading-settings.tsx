"use client";

// Remote images in messages: blocked until asked (with the senders always allowed), or always shown.
import { useTranslations } from "next-intl";
import { setSenderTrusted } from "@/components/mail/api";
import { buttonStyles } from "@/components/mail/modal";
import { REMOTE_IMAGE_POLICIES } from "@/lib/user-agent/settings/types";
import { Choice, HINT, SaveStatus } from "./controls";
import { useSaveStatus, useSettings } from "./settings-context";

export function ReadingSettings() {
  const t = useTranslations("SettingsPage");
  const common = useTranslations("Common");
  const { view, saveSettings, setTrustedSenders } = useSettings();
  const { status, run } = useSaveStatus();

  function forget(sender: string) {
    void run(async () => {
      try {
        await setSenderTrusted(sender, false);
      } catch {
        return common("noAnswer");
      }
      setTrustedSenders(view.trustedSenders.filter((entry) => entry !== sender));
      return null;
    });
  }

  return (
    <>
      <Choice
        legend={t("remoteImages")}
        hint={t("remoteImagesHint")}
        name="remote-images"
        values={REMOTE_IMAGE_POLICIES}
        label={(policy) => t(`remoteImagePolicies.${policy}`)}
        value={view.settings.remoteImages}
        onChange={(remoteImages) => void run(() => saveSettings({ remoteImages }))}
      />
      <section aria-labelledby="trusted-senders-title" className="flex flex-col gap-1">
        <h3 id="trusted-senders-title" className="text-sm font-medium">
          {t("trustedSenders")}
        </h3>
        {view.trustedSenders.length === 0 ? (
          <p className={HINT}>{t("noTrustedSenders")}</p>
        ) : (
          <ul className="flex flex-col">
            {view.trustedSenders.map((sender) => (
              <li key={sender} className="flex min-h-11 items-center justify-between gap-2 border-b border-slate-100 text-sm last:border-0 dark:border-slate-800">
                <span className="min-w-0 truncate">{sender}</span>
                <button type="button" className={buttonStyles.quiet} aria-label={t("removeSender", { sender })} onClick={() => forget(sender)}>
                  {t("remove")}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <SaveStatus status={status} />
    </>
  );
}
