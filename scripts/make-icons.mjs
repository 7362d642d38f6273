// Draws the Sealdesk app icons (a white seal with a check on blue) as PNGs, with no
// image tooling: the pixels are computed here and written with zlib.
// Usage: node scripts/make-icons.mjs   (writes static/icons/*.png)
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (buf) => {
	let c = 0xffffffff;
	for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
};

/** Distance from point p to segment ab. */
const segDist = (px, py, ax, ay, bx, by) => {
	const dx = bx - ax, dy = by - ay;
	const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
	return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
};

function icon(size, { maskable }) {
	const raw = Buffer.alloc((size * 4 + 1) * size);
	const blue = [31, 78, 121], white = [255, 255, 255];
	// Maskable icons keep their artwork inside the 80% safe zone and fill the square.
	const scale = maskable ? 0.62 : 0.8;
	const c = size / 2, r = (size * scale) / 2;
	for (let y = 0; y < size; y++) {
		raw[y * (size * 4 + 1)] = 0;
		for (let x = 0; x < size; x++) {
			const u = (x + 0.5 - c) / r, v = (y + 0.5 - c) / r; // -1..1 in the seal's frame
			const d = Math.hypot(u, v);
			// A seal: a disc with a scalloped rim.
			const angle = Math.atan2(v, u);
			const rim = 0.9 + 0.06 * Math.cos(angle * 16);
			const inSeal = d <= rim;
			const check = segDist(u, v, -0.42, 0.02, -0.12, 0.32) < 0.09 || segDist(u, v, -0.12, 0.32, 0.45, -0.3) < 0.09;
			let px;
			let alpha = 255;
			if (inSeal) px = check ? blue : white;
			else if (maskable) px = blue;
			else {
				// Rounded square background for the plain icon.
				const q = Math.max(Math.abs(x + 0.5 - c), Math.abs(y + 0.5 - c)) / (size / 2);
				const corner = Math.hypot(Math.max(0, Math.abs(x + 0.5 - c) - size * 0.3), Math.max(0, Math.abs(y + 0.5 - c) - size * 0.3));
				px = blue;
				if (q > 1 || corner > size * 0.2) alpha = 0;
			}
			const o = y * (size * 4 + 1) + 1 + x * 4;
			raw[o] = px[0]; raw[o + 1] = px[1]; raw[o + 2] = px[2]; raw[o + 3] = alpha;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

const out = new URL('../static/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', out), icon(192, { maskable: false }));
writeFileSync(new URL('icon-512.png', out), icon(512, { maskable: false }));
writeFileSync(new URL('maskable-512.png', out), icon(512, { maskable: true }));
console.log('icons written');
