import { describe, expect, test } from 'vitest';
import { exactTime, formatDateTime } from './dates';

describe('the one date format (issue 19)', () => {
	test('the locale decides the order, and the time zone is always named', () => {
		expect(formatDateTime('2026-03-02T09:05:00Z', 'en-US', 'UTC')).toBe('Mar 2, 2026, 09:05 AM UTC');
		expect(formatDateTime('2026-03-02T09:05:00Z', 'de-DE', 'Europe/Berlin')).toBe('2. März 2026, 10:05 MEZ');
		expect(formatDateTime('2026-07-02T09:05:00Z', 'en-GB', 'Europe/London')).toBe('2 Jul 2026, 10:05 BST');
	});

	test('what is not a time stays as it is; the exact time is ISO in UTC', () => {
		expect(formatDateTime('yesterday')).toBe('yesterday');
		expect(formatDateTime(undefined)).toBe('');
		expect(exactTime('2026-03-02T10:05:00+01:00')).toBe('2026-03-02T09:05:00.000Z');
		expect(exactTime('soon')).toBe('soon');
	});
});
