// The JMAP session resource the tests' fake servers answer with (bob's account on desk.example).
export const SESSION = {
	username: 'bob',
	apiUrl: '/jmap/',
	downloadUrl: '/jmap/download/{accountId}/{blobId}/{name}?accept={type}',
	uploadUrl: '/jmap/upload/{accountId}/',
	eventSourceUrl: null,
	state: '0',
	capabilities: { 'urn:ietf:params:jmap:core': {}, 'urn:ietf:params:jmap:mail': {}, 'urn:ietf:params:jmap:submission': {} },
	accounts: { bob: { name: 'bob', isPersonal: true, isReadOnly: false } },
	primaryAccounts: { 'urn:ietf:params:jmap:mail': 'bob', 'urn:ietf:params:jmap:submission': 'bob' }
};
