/**
 * The shared drop-zone attachment: `<div {@attach dropZone(onFiles)}>`. It accepts dropped
 * files, marks the element with `data-dragging` while files hover over it, and removes its
 * listeners when the element goes away. Pair every drop zone with an `<input type=file>`.
 */
import type { Attachment } from 'svelte/attachments';

function hasFiles(event: DragEvent): boolean {
	return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Makes an element a drop zone for files.
 * @param onFiles called once per drop with every dropped file (never with an empty list)
 * @returns the attachment; its cleanup removes every listener
 */
export function dropZone(onFiles: (files: File[]) => void): Attachment<HTMLElement> {
	return (element) => {
		let depth = 0;
		const over = (event: DragEvent): void => {
			if (!hasFiles(event)) return;
			event.preventDefault();
			if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
		};
		const enter = (event: DragEvent): void => {
			if (!hasFiles(event)) return;
			depth++;
			element.dataset.dragging = 'true';
		};
		const leave = (): void => {
			depth = Math.max(0, depth - 1);
			if (depth === 0) delete element.dataset.dragging;
		};
		const drop = (event: DragEvent): void => {
			depth = 0;
			delete element.dataset.dragging;
			const files = [...(event.dataTransfer?.files ?? [])];
			if (files.length === 0) return;
			event.preventDefault();
			// An inner zone handles the drop; an outer (page-wide) zone must not import it again.
			event.stopPropagation();
			onFiles(files);
		};
		element.addEventListener('dragenter', enter);
		element.addEventListener('dragover', over);
		element.addEventListener('dragleave', leave);
		element.addEventListener('drop', drop);
		return () => {
			element.removeEventListener('dragenter', enter);
			element.removeEventListener('dragover', over);
			element.removeEventListener('dragleave', leave);
			element.removeEventListener('drop', drop);
			delete element.dataset.dragging;
		};
	};
}
