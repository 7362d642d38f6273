import { describe, expect, it } from 'vitest';
import { syncStateSentence } from './sync-line';

describe('syncStateSentence', () => {
	it('says the first sync\'s progress, up to date, or not up to date after a failed sync (offline)', () => {
		expect(syncStateSentence({ initialDone: false, stored: 3, total: 10 })).toBe('first sync, 3 of 10 stored');
		expect(syncStateSentence({ initialDone: false, stored: 0, total: null })).toBe('first sync, 0 of ? stored');
		expect(syncStateSentence({ initialDone: true, stored: 10, total: 10, lastSync: { at: '2026-12-01T10:00:00Z', status: 'success', detail: '' } })).toBe('up to date');
		expect(syncStateSentence({ initialDone: true, stored: 10, total: 10, lastSync: { at: '2026-12-01T10:00:00Z', status: 'failed', detail: 'The mail server could not be reached.' } })).toBe(
			'not up to date, the last sync failed'
		);
	});
});
