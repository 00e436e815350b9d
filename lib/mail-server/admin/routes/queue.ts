// The outbound queue, as `mailctl queue` shows it: list, retry now, delete (the sender gets a bounce).
import { StoreError } from "../../store";
import type { Reply, RouteContext } from "../request";

function queueId(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new StoreError("invalid", `${text.slice(0, 40)} is not a queue id`);
  return Number(text);
}

export async function listQueue({ server }: RouteContext): Promise<Reply> {
  const queued = await server.queue.store.list();
  return {
    status: 200,
    body: {
      messages: queued.map(({ message, recipients }) => ({
        id: message.id,
        sender: message.sender,
        size: message.size,
        messageId: message.messageId,
        createdAt: message.createdAt.toISOString(),
        recipients: recipients.map((r) => ({
          address: r.address,
          state: r.state,
          attempts: r.attempts,
          nextAttemptAt: r.state === "queued" ? r.nextAttemptAt.toISOString() : null,
          lastResponse: r.lastResponse,
          remoteHost: r.remoteHost,
        })),
      })),
    },
  };
}

/** POST /api/v1/queue/:id/retry, or /api/v1/queue/all/retry. */
export async function retryQueue({ server, params }: RouteContext): Promise<Reply> {
  const recipients = await server.queue.store.retryNow(params.id === "all" ? null : queueId(params.id));
  server.queue.wake();
  return { status: 200, body: { recipients } };
}

export async function deleteQueued({ server, params }: RouteContext): Promise<Reply> {
  if (!(await server.queue.deleteMessage(queueId(params.id)))) throw new StoreError("not-found", `no queued message ${params.id}`);
  return { status: 200, body: { deleted: Number(params.id) } };
}
