/** Issue 17 point 8: the import fault hook is a test hook on the desk's context, not part of the public openDesk() options. */
import { describe, expect, test } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openDesk } from '../../src/lib/desk/desk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKI } from '../smime/helpers';
import { freshDesk } from './import-helpers';

describe('openDesk options', () => {
	test('onImportWrite is refused like any unknown option', async () => {
		await expect(openDesk({ indexedDB: new IDBFactory(), onImportWrite: () => undefined } as never)).rejects.toThrow('Unknown openDesk option "onImportWrite".');
	});

	test('fault tests still reach every import write through desk.context', async () => {
		const steps: number[] = [];
		const { desk } = await freshDesk(true, (i) => steps.push(i));
		await desk.importFile({ name: 'bob.pem', data: readFileSync(join(PKI, 'bob.pem'), 'utf8') + readFileSync(join(PKI, 'bob.key'), 'utf8') });
		expect(steps.length).toBeGreaterThan(0);
		expect(steps).toEqual(steps.map((_, i) => i));
	});
});
