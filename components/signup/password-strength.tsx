"use client";

import { useTranslations } from "next-intl";
import { scorePassword } from "@/lib/web/signup/password-score";

const COLORS = ["bg-red-500", "bg-orange-500", "bg-amber-500", "bg-lime-500", "bg-green-600"];

/** The strength meter under the password field: four segments and the verdict in words. */
export function PasswordStrength({ password, userName, id }: { password: string; userName: string; id: string }) {
  const t = useTranslations("Signup");
  if (!password) return null;
  const score = scorePassword(password, userName);
  return (
    <div id={id} className="space-y-1" aria-live="polite">
      <div className="flex gap-1" aria-hidden="true">
        {[1, 2, 3, 4].map((segment) => (
          <span key={segment} className={`h-1.5 flex-1 rounded-full ${segment <= Math.max(score, 1) ? COLORS[score] : "bg-slate-200 dark:bg-slate-700"}`} />
        ))}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="password-strength" data-score={score}>
        {t("strength", { score })}
      </p>
    </div>
  );
}
