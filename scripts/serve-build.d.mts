import type { Server } from 'node:http';
export function serveBuild(
	root: string,
	options?: { port?: number; transform?: (path: string, body: Buffer) => Buffer | string }
): Promise<{ server: Server; origin: string }>;
export const TYPES: Record<string, string>;
