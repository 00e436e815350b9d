/** A refusal the caller can show as it is: "unknown domain", "weak password", … */
export class StoreError extends Error {
  constructor(
    readonly code: "invalid" | "exists" | "not-found" | "weak-password" | "forbidden",
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}
