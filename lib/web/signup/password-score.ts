// A quick estimate for the strength meter while the password is typed: 0 (unacceptable) to 4 (strong).
// The mail server's check (at least 10 characters, no common password, not the user name) decides; this
// only shows the way there, counting length and kinds of characters as a rough measure of guessing work.
export const MIN_PASSWORD_LENGTH = 10;

export type PasswordScore = 0 | 1 | 2 | 3 | 4;

export function scorePassword(password: string, userName: string): PasswordScore {
  const characters = [...password];
  if (characters.length < MIN_PASSWORD_LENGTH) return 0;
  const lower = password.toLowerCase();
  if (/^(.)\1+$/.test(password) || (userName.length >= 4 && lower.includes(userName.toLowerCase()))) return 0;
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/\d/.test(password)) pool += 10;
  if (/[^a-zA-Z\d]/.test(password)) pool += 33;
  // Repeated characters add little: count distinct ones past the first few.
  const distinct = new Set(characters).size;
  const bits = Math.min(characters.length, distinct + 4) * Math.log2(Math.max(pool, 10));
  if (bits < 50) return 1;
  if (bits < 65) return 2;
  if (bits < 85) return 3;
  return 4;
}
