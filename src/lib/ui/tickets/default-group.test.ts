import { expect, test } from 'vitest';
import { defaultGroup } from './default-group';

const g = (id: string, email: string): { id: string; name: string; email: string; sign: boolean; encrypt: boolean } => ({ id, name: id, email, sign: true, encrypt: true });
const groups = [g('billing', 'billing@x.test'), g('sales', 'sales@x.test'), g('support', 'support@x.test')];

test('issue 19: a reply keeps its ticket\'s group; a new message takes the last used group, else the first that can sign, else the first', () => {
	const signers = new Set(['support@x.test']);
	expect(defaultGroup(groups, ['Sales@x.test'], 'support', signers)?.id).toBe('sales');
	expect(defaultGroup(groups, [], 'sales', signers)?.id).toBe('sales');
	expect(defaultGroup(groups, [], 'deleted-group', signers)?.id).toBe('support');
	expect(defaultGroup(groups, [], null, signers)?.id).toBe('support');
	expect(defaultGroup(groups, [], null, new Set())?.id).toBe('billing');
	expect(defaultGroup([], [], null, signers)).toBeUndefined();
});
