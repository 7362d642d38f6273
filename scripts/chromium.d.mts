export function systemChromium(): string | undefined;
export const QUIET_ARGS: string[];
