/**
 * How long the phases of a desk operation took, reported to an observer the desk is given
 * ({@link DeskContext.phases}): a hook for profiling tools, not part of any result.
 */

/** A phase whose duration is reported: `store` is the IndexedDB transaction that stores an article. */
export type Phase = 'store';

/** Receives how long a phase took, in milliseconds, when it has ended. */
export type PhaseObserver = (phase: Phase, ms: number) => void;

/**
 * The default observer: a User Timing measure named `sealdesk:<phase>`, seen in DevTools (and
 * read by the benchmark), keeping only the latest of each so a long-lived worker does not
 * accumulate entries.
 */
export const userTimingPhases: PhaseObserver = (phase, ms) => {
	const name = `sealdesk:${phase}`;
	performance.clearMeasures(name);
	const end = performance.now();
	performance.measure(name, { start: end - ms, end });
};
