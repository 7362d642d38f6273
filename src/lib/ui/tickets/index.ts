/** The tickets pages: list, import, ticket view with security banners, and the composer. */
export { default as TicketsPage } from './TicketsPage.svelte';
export { default as TicketPage } from './TicketPage.svelte';
export { Composer, type ReplyTo, type SentMessage } from './composer.svelte';
export { MailImport, type ImportLine } from './mail-import.svelte';
export { TicketList, type TicketRow } from './ticket-list.svelte';
export { TicketView, type RetryNote } from './ticket-view.svelte';
export { bannerLines, canRetry, canTrustSigner, partLine, untrustedReason, isUnchecked, protectionOf, type BannerInput, type BannerLine, type BannerTone, type TicketProtection } from './security';
export { htmlBodyDocument, HTML_BODY_CSP } from './html-body';
