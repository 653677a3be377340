// A meeting code from what a person pastes: the code itself or a link to it (`…#/m/CODE`).

const CODE = /^[A-Za-z0-9_-]{3,64}$/;

/** The code in `input` (a bare code or a meeting link), or undefined when there is none. */
export function meetingCodeFrom(input: string): string | undefined {
  const text = input.trim();
  if (CODE.test(text)) return text;
  const m = /#\/m\/([^?/#\s]+)/.exec(text);
  if (!m?.[1]) return undefined;
  let code: string;
  try {
    code = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  return CODE.test(code) ? code : undefined;
}
