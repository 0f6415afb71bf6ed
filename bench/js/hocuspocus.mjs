// Hocuspocus with its default settings, documents in memory only (no persistence
// extension), for the load generator's comparison (scripts/bench). Usage: node hocuspocus.mjs PORT
import { Server } from "@hocuspocus/server";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
	console.error("usage: node hocuspocus.mjs PORT");
	process.exit(2);
}
const server = new Server({ port, address: "127.0.0.1", quiet: true });
await server.listen();
console.log(`hocuspocus listening on 127.0.0.1:${port}`);
