import { describe, expect, it } from 'vitest';
import { deliverySentence } from './delivery';

describe('deliverySentence', () => {
	it('says sent, failed with the reason, and queued with why it waits', () => {
		expect(deliverySentence({ articleId: 1, state: 'sent', step: 'submitted', attempts: 1 })).toBe('Delivered to the mail server and moved to Sent.');
		expect(deliverySentence({ articleId: 1, state: 'failed', step: 'imported', attempts: 1, reason: 'The mail server refused EmailSubmission/set: forbiddenToSend.' })).toBe(
			'Not sent: The mail server refused EmailSubmission/set: forbiddenToSend.'
		);
		expect(deliverySentence({ articleId: 1, state: 'queued', step: 'queued', attempts: 0 })).toBe('Queued in the outbox.');
		expect(deliverySentence({ articleId: 1, state: 'queued', step: 'uploaded', attempts: 1, reason: 'The mail server could not be reached.' })).toBe(
			'Queued in the outbox: it is sent when the mail server can be reached. Last try: The mail server could not be reached.'
		);
	});
});
