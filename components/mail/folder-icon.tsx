import { Archive, FileText, Folder, Inbox, Layers, Send, ShieldAlert, Star, Trash2, type LucideIcon } from "lucide-react";
import type { SpecialUse } from "@/lib/user-agent/mail/types";

const ICONS: Record<Exclude<SpecialUse, null>, LucideIcon> = {
  inbox: Inbox,
  drafts: FileText,
  sent: Send,
  archive: Archive,
  junk: ShieldAlert,
  trash: Trash2,
  all: Layers,
  flagged: Star,
};

export function FolderIcon({ specialUse, className }: { specialUse: SpecialUse; className?: string }) {
  const Icon = specialUse ? ICONS[specialUse] : Folder;
  return <Icon aria-hidden="true" className={className} />;
}
